/**
 * RFC 9162 §2.1 Merkle tree over leaf hashes, kept incrementally.
 *
 * Every complete subtree is stored once it exists: level L holds the hashes of the aligned subtrees of
 * 2^L leaves, so level 0 is the leaf hashes and the whole tree costs about 2 × 32 bytes per leaf. Any
 * MTH(D[a:b]) the proofs need decomposes into O(log n) stored nodes, so roots of old sizes and both
 * proof kinds cost O(log n) hashes and never rehash the tree.
 */
import * as crypto from 'node:crypto';
import { hashNodeInto } from './node-hash.ts';

const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = crypto.createHash('sha256').digest();

// crypto.hash (Node ≥ 20.12) skips the Hash object, which is most of the cost of hashing 65 bytes.
const oneShot = (crypto as { hash?: (alg: string, data: Buffer, enc: 'buffer') => Buffer }).hash;
export const sha256: (data: Buffer) => Buffer = oneShot
  ? (data) => oneShot('sha256', data, 'buffer')
  : (data) => crypto.createHash('sha256').update(data).digest();

const scratch = Buffer.alloc(1 + 2 * HASH_SIZE);
scratch[0] = 0x01;

/** RFC 9162 interior node: SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Buffer, right: Buffer): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) throw new RangeError('node hashes are 32 bytes');
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_SIZE);
  return sha256(scratch);
}

// 32768 hashes = 1 MiB: large enough that a million leaves is a few dozen allocations, small enough
// that the unused tail of the last chunk stays negligible.
const CHUNK_HASHES = 1 << 15;

/** One level of the tree: a growable array of 32-byte hashes in fixed-size chunks (no per-node objects). */
class Level {
  private chunks: Buffer[] = [];
  count = 0;

  push(hash: Buffer): number {
    const i = this.count;
    const c = Math.floor(i / CHUNK_HASHES);
    const off = (i % CHUNK_HASHES) * HASH_SIZE;
    let chunk = this.chunks[c];
    if (chunk === undefined) {
      // Only the first chunk starts small and doubles: upper levels hold few nodes.
      chunk = Buffer.allocUnsafeSlow(c === 0 ? 8 * HASH_SIZE : CHUNK_HASHES * HASH_SIZE);
      this.chunks.push(chunk);
    } else if (off >= chunk.length) {
      const grown = Buffer.allocUnsafeSlow(Math.min(chunk.length * 2, CHUNK_HASHES * HASH_SIZE));
      chunk.copy(grown);
      this.chunks[c] = grown;
      chunk = grown;
    }
    // TypedArray#set: Buffer#copy's argument checks cost more than the 32 bytes it copies.
    chunk.set(hash.length === HASH_SIZE ? hash : hash.subarray(0, HASH_SIZE), off);
    this.count = i + 1;
    return i;
  }

  /** A view into storage: callers copy it before handing it out. */
  get(i: number): Buffer {
    const chunk = this.chunks[Math.floor(i / CHUNK_HASHES)];
    if (chunk === undefined || i >= this.count || i < 0) throw new RangeError(`node ${i} not stored`);
    const off = (i % CHUNK_HASHES) * HASH_SIZE;
    return chunk.subarray(off, off + HASH_SIZE);
  }

  /** Appends `n` consecutive hashes from `src` at `offset`. */
  pushAll(src: Buffer, offset: number, n: number): void {
    for (let k = 0; k < n; k++) this.push(src.subarray(offset + k * HASH_SIZE, offset + (k + 1) * HASH_SIZE));
  }

  /** A level over `n` hashes laid end to end in `buf` (kept, not copied). */
  static over(buf: Buffer, n: number): Level {
    const level = new Level();
    for (let off = 0; off < n * HASH_SIZE; off += CHUNK_HASHES * HASH_SIZE) {
      level.chunks.push(buf.subarray(off, Math.min(off + CHUNK_HASHES * HASH_SIZE, n * HASH_SIZE)));
    }
    level.count = n;
    return level;
  }

  /** A copy of the first `n` hashes. */
  prefix(n: number): Level {
    const level = new Level();
    let remaining = n * HASH_SIZE;
    for (const chunk of this.chunks) {
      if (remaining <= 0) break;
      const len = Math.min(remaining, chunk.length);
      level.chunks.push(Buffer.from(chunk.subarray(0, len)));
      remaining -= len;
    }
    level.count = n;
    return level;
  }

  writeTo(dst: Buffer, offset: number): number {
    let remaining = this.count * HASH_SIZE;
    for (const chunk of this.chunks) {
      const n = Math.min(remaining, chunk.length);
      chunk.copy(dst, offset, 0, n);
      offset += n;
      remaining -= n;
    }
    return offset;
  }

  bytes(): number {
    return this.chunks.reduce((sum, c) => sum + c.length, 0);
  }
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** floorLog2(n) === n;
}

function floorLog2(n: number): number {
  if (n < 2 ** 32) return 31 - Math.clz32(n);
  let k = 32;
  while (2 ** (k + 1) <= n) k++;
  return k;
}

/** The k of RFC 9162: the largest power of two smaller than n (n > 1). */
function splitPoint(n: number): number {
  const p = 2 ** floorLog2(n);
  return p === n ? p / 2 : p;
}

// Sizes can exceed 2^32 in principle, where >>> would wrap.
const half = (x: number): number => Math.floor(x / 2);
const isOdd = (x: number): boolean => x % 2 === 1;

/**
 * The levels of the tree over `n` leaf hashes laid end to end in `leaves`: `leaves` itself, then each
 * level one flat buffer of its own (allocUnsafeSlow: its own ArrayBuffer, so a worker thread can
 * transfer it), each parent hashed once from its two adjacent children, as `append` would, without
 * the per-leaf bookkeeping.
 */
export function treeLevels(leaves: Buffer, n: number = leaves.length / HASH_SIZE): Buffer[] {
  if (!isSize(n) || leaves.length < n * HASH_SIZE) throw new RangeError(`${n} leaves need ${n * HASH_SIZE} bytes`);
  const levels = [leaves];
  let below: Buffer = leaves;
  for (let c = half(n); c > 0; c = half(c)) {
    // Each node hashed straight into its slot (src/log/node-hash.ts).
    const up = Buffer.allocUnsafeSlow(c * HASH_SIZE);
    for (let i = 0; i < c; i++) hashNodeInto(below, 2 * i * HASH_SIZE, up, i * HASH_SIZE);
    levels.push(up);
    below = up;
  }
  return levels;
}

const MAGIC = Buffer.from('PLMK', 'latin1');
const FORMAT_VERSION = 1;
const HEADER_SIZE = 16; // magic(4) version(1) reserved(3) size(8, big-endian)

export class MerkleLog {
  private levels: Level[] = [new Level()];

  get size(): number {
    return this.levels[0]!.count;
  }

  /** Appends one leaf hash; returns its index. Amortised O(1) node hashes. */
  append(leafHash: Buffer): number {
    if (leafHash.length !== HASH_SIZE) throw new RangeError('a leaf hash is 32 bytes');
    let level = 0;
    let i = this.levels[0]!.push(leafHash);
    // A right child completes its parent: carry upwards like a binary counter.
    while (isOdd(i)) {
      const nodes = this.levels[level]!;
      const parent = hashChildren(nodes.get(i - 1), nodes.get(i));
      level++;
      const up = (this.levels[level] ??= new Level());
      i = up.push(parent);
    }
    return this.levels[0]!.count - 1;
  }

  /**
   * The tree of the first `size` leaves. Every node it holds is a node of this tree (level k keeps
   * the first ⌊size/2^k⌋), so nothing is hashed: a copy of what is stored.
   */
  prefix(size: number): MerkleLog {
    this.checkSize(size, 'size');
    const log = new MerkleLog();
    log.levels = [this.levels[0]!.prefix(size)];
    for (let k = 1, c = half(size); c > 0; k++, c = half(c)) log.levels.push(this.levels[k]!.prefix(c));
    return log;
  }

  leafHash(index: number): Buffer {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`leaf index ${index} out of range [0, ${this.size})`);
    }
    return Buffer.from(this.levels[0]!.get(index));
  }

  /** MTH of the first `size` leaves. */
  root(size: number = this.size): Buffer {
    this.checkSize(size, 'size');
    return Buffer.from(this.mth(0, size));
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[size]). */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.checkSize(size, 'size');
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`leaf index ${index} out of range [0, ${size})`);
    }
    const out: Buffer[] = [];
    this.path(index, 0, size, out);
    return out;
  }

  /** RFC 9162 §2.1.4.1 PROOF(from, D[to]); empty when from = to or from = 0. */
  consistencyProof(from: number, to: number = this.size): Buffer[] {
    this.checkSize(to, 'to');
    if (!isSize(from) || from > to) throw new RangeError(`from ${from} out of range [0, ${to}]`);
    const out: Buffer[] = [];
    if (from > 0 && from < to) this.subproof(from, 0, to, true, out);
    return out;
  }

  /** Snapshot of every stored node, with a SHA-256 trailer so a damaged snapshot is refused. */
  serialize(): Buffer {
    const nodes = this.levels.reduce((sum, l) => sum + l.count, 0);
    const buf = Buffer.alloc(HEADER_SIZE + nodes * HASH_SIZE + HASH_SIZE);
    MAGIC.copy(buf, 0);
    buf[4] = FORMAT_VERSION;
    buf.writeBigUInt64BE(BigInt(this.size), 8);
    let off = HEADER_SIZE;
    for (const level of this.levels) off = level.writeTo(buf, off);
    sha256(buf.subarray(0, off)).copy(buf, off);
    return buf;
  }

  /**
   * The tree over `n` leaf hashes laid end to end in `leaves` (which it keeps), built level by
   * level (see `treeLevels`). What start-up builds from the stored leaf hashes.
   */
  static fromLeaves(leaves: Buffer, n: number = leaves.length / HASH_SIZE): MerkleLog {
    return MerkleLog.fromLevels(treeLevels(leaves, n), n);
  }

  /**
   * The tree over `n` leaves from its levels as `treeLevels` lays them out (kept, not copied): how a
   * tree built on another thread is taken over. Only the lengths are checked, not the hashes.
   */
  static fromLevels(levels: readonly Buffer[], n: number): MerkleLog {
    if (!isSize(n)) throw new RangeError(`${n} is not a tree size`);
    const log = new MerkleLog();
    log.levels = [];
    let k = 0;
    for (let c = n; k === 0 || c > 0; k++, c = half(c)) {
      const buf = levels[k];
      if (buf === undefined || buf.length < c * HASH_SIZE) throw new RangeError(`level ${k} of a tree of ${n} leaves needs ${c * HASH_SIZE} bytes`);
      log.levels.push(Level.over(buf, c));
    }
    if (levels.length !== k) throw new RangeError(`a tree of ${n} leaves has ${k} levels, not ${levels.length}`);
    return log;
  }

  static deserialize(buf: Buffer): MerkleLog {
    const fail = (why: string): never => {
      throw new Error(`invalid Merkle log snapshot: ${why}`);
    };
    if (buf.length < HEADER_SIZE + HASH_SIZE) fail('too short');
    if (!buf.subarray(0, 4).equals(MAGIC)) fail('bad magic');
    if (buf[4] !== FORMAT_VERSION) fail(`unsupported version ${buf[4]}`);
    const big = buf.readBigUInt64BE(8);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) fail('size too large');
    const size = Number(big);
    const counts: number[] = [size];
    for (let c = half(size); c > 0; c = half(c)) counts.push(c);
    const nodes = counts.reduce((a, b) => a + b, 0);
    const body = HEADER_SIZE + nodes * HASH_SIZE;
    if (buf.length !== body + HASH_SIZE) fail(`length ${buf.length}, expected ${body + HASH_SIZE}`);
    if (!sha256(buf.subarray(0, body)).equals(buf.subarray(body))) fail('checksum mismatch');
    const log = new MerkleLog();
    log.levels = [];
    let off = HEADER_SIZE;
    for (const count of counts) {
      const level = new Level();
      level.pushAll(buf, off, count);
      log.levels.push(level);
      off += count * HASH_SIZE;
    }
    if (log.levels.length === 0) log.levels.push(new Level());
    return log;
  }

  /** Bytes held by node storage (for benchmarks and health reporting). */
  storageBytes(): number {
    return this.levels.reduce((sum, l) => sum + l.bytes(), 0);
  }

  private checkSize(size: number, name: string): void {
    if (!isSize(size) || size > this.size) throw new RangeError(`${name} ${size} out of range [0, ${this.size}]`);
  }

  /**
   * MTH(D[start:start+n]). The proofs only ask for ranges whose start is a multiple of the largest
   * power of two ≤ n, so every power-of-two piece is a stored node. Returns a view or a fresh hash.
   */
  private mth(start: number, n: number): Buffer {
    if (n === 0) return EMPTY_ROOT;
    if (isPowerOfTwo(n) && start % n === 0) return this.levels[floorLog2(n)]!.get(start / n);
    const k = splitPoint(n);
    return hashChildren(this.mth(start, k), this.mth(start + k, n - k));
  }

  private path(m: number, start: number, n: number, out: Buffer[]): void {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, start, k, out);
      out.push(Buffer.from(this.mth(start + k, n - k)));
    } else {
      this.path(m - k, start + k, n - k, out);
      out.push(Buffer.from(this.mth(start, k)));
    }
  }

  private subproof(m: number, start: number, n: number, complete: boolean, out: Buffer[]): void {
    if (m === n) {
      if (!complete) out.push(Buffer.from(this.mth(start, m)));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, start, k, complete, out);
      out.push(Buffer.from(this.mth(start + k, n - k)));
    } else {
      this.subproof(m - k, start + k, n - k, false, out);
      out.push(Buffer.from(this.mth(start, k)));
    }
  }
}

function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === HASH_SIZE && b.length === HASH_SIZE && a.equals(b);
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `index` with `leafHash` in the tree of `size` with `root`? */
export function verifyInclusion(leafHash: Buffer, index: number, size: number, proof: Buffer[], root: Buffer): boolean {
  if (!isSize(index) || !isSize(size) || index >= size) return false;
  if (leafHash.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of size `to` with `toRoot` extends the tree of
 * size `from` with `fromRoot`? from = to needs an empty proof and equal roots; from = 0 needs an empty
 * proof and the empty-tree root, since nothing else can be the root of no leaves.
 */
export function verifyConsistency(from: number, to: number, fromRoot: Buffer, toRoot: Buffer, proof: Buffer[]): boolean {
  if (!isSize(from) || !isSize(to) || from > to) return false;
  if (fromRoot.length !== HASH_SIZE || toRoot.length !== HASH_SIZE) return false;
  if (from === to) return proof.length === 0 && sameHash(fromRoot, toRoot);
  if (from === 0) return proof.length === 0 && sameHash(fromRoot, EMPTY_ROOT);
  if (proof.length === 0 || proof.some((p) => p.length !== HASH_SIZE)) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : proof;
  let fn = from - 1;
  let sn = to - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, fromRoot) && sameHash(sr, toRoot);
}
