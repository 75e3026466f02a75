import t from 'tap';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { EMPTY_ROOT, MerkleLog, hashChildren, treeLevels, verifyConsistency, verifyInclusion } from '../../src/log/merkle.ts';

const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafHash = (data: Buffer): Buffer => sha256(Buffer.from([0]), data);
const nodeHash = (l: Buffer, r: Buffer): Buffer => sha256(Buffer.from([1]), l, r);

// The reference: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 written as literally as possible, over arrays.
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}
function MTH(d: Buffer[]): Buffer {
  if (d.length === 0) return sha256();
  if (d.length === 1) return d[0]!;
  const s = k(d.length);
  return nodeHash(MTH(d.slice(0, s)), MTH(d.slice(s)));
}
function PATH(m: number, d: Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s ? [...PATH(m, d.slice(0, s)), MTH(d.slice(s))] : [...PATH(m - s, d.slice(s)), MTH(d.slice(0, s))];
}
function SUBPROOF(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [MTH(d)];
  const s = k(d.length);
  return m <= s
    ? [...SUBPROOF(m, d.slice(0, s), b), MTH(d.slice(s))]
    : [...SUBPROOF(m - s, d.slice(s), false), MTH(d.slice(0, s))];
}
const PROOF = (m: number, d: Buffer[]): Buffer[] => SUBPROOF(m, d, true);

const leaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
const logOf = (hs: Buffer[]): MerkleLog => {
  const log = new MerkleLog();
  for (const h of hs) log.append(h);
  return log;
};
const flip = (b: Buffer, byte = 0): Buffer => {
  const c = Buffer.from(b);
  c[byte] = c[byte]! ^ 1;
  return c;
};
const hex = (bs: Buffer[]): string[] => bs.map((b) => b.toString('hex'));

t.test('empty tree', async (t) => {
  const log = new MerkleLog();
  t.equal(log.size, 0);
  t.equal(log.root().toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.same(EMPTY_ROOT, log.root());
  t.throws(() => log.leafHash(0), RangeError);
  t.throws(() => log.inclusionProof(0, 0), RangeError);
  t.same(log.consistencyProof(0, 0), []);
});

t.test('hashChildren is SHA-256(0x01 ‖ l ‖ r)', async (t) => {
  const [a, b] = leaves(2) as [Buffer, Buffer];
  t.same(hashChildren(a, b), nodeHash(a, b));
  t.notSame(hashChildren(a, b), hashChildren(b, a));
  t.throws(() => hashChildren(a, Buffer.alloc(31)), RangeError);
});

t.test('every size 1..64 agrees with the RFC definitions', async (t) => {
  const all = leaves(64);
  const log = logOf(all);
  let checked = 0;
  for (let n = 1; n <= 64; n++) {
    const d = all.slice(0, n);
    const root = MTH(d);
    if (!log.root(n).equals(root)) t.fail(`root(${n})`);
    for (let m = 0; m < n; m++) {
      const proof = log.inclusionProof(m, n);
      if (JSON.stringify(hex(proof)) !== JSON.stringify(hex(PATH(m, d)))) t.fail(`PATH(${m}, ${n})`);
      if (!verifyInclusion(all[m]!, m, n, proof, root)) t.fail(`verifyInclusion(${m}, ${n})`);
      if (verifyInclusion(flip(all[m]!), m, n, proof, root)) t.fail(`flipped leaf accepted (${m}, ${n})`);
      if (verifyInclusion(all[m]!, m, n, proof, flip(root, 31))) t.fail(`flipped root accepted (${m}, ${n})`);
      if (proof.length > 0 && verifyInclusion(all[m]!, m, n, [flip(proof[0]!), ...proof.slice(1)], root)) {
        t.fail(`flipped proof accepted (${m}, ${n})`);
      }
      // A wrong index can only verify if it names a leaf with the same hash, which none here has.
      for (const wrong of [m - 1, m + 1, m ^ 1, m ^ 2]) {
        if (wrong !== m && verifyInclusion(all[m]!, wrong, n, proof, root)) t.fail(`index ${wrong} accepted for ${m}, ${n}`);
      }
      checked++;
    }
    for (let m = 1; m <= n; m++) {
      const proof = log.consistencyProof(m, n);
      if (JSON.stringify(hex(proof)) !== JSON.stringify(hex(m === n ? [] : PROOF(m, d)))) t.fail(`PROOF(${m}, ${n})`);
      const old = MTH(all.slice(0, m));
      if (!verifyConsistency(m, n, old, root, proof)) t.fail(`verifyConsistency(${m}, ${n})`);
      if (m < n) {
        if (verifyConsistency(m, n, flip(old), root, proof)) t.fail(`flipped old root accepted (${m}, ${n})`);
        if (verifyConsistency(m, n, old, flip(root), proof)) t.fail(`flipped new root accepted (${m}, ${n})`);
        for (let i = 0; i < proof.length; i++) {
          const bad = proof.map((p, j) => (j === i ? flip(p, 7) : p));
          if (verifyConsistency(m, n, old, root, bad)) t.fail(`flipped proof[${i}] accepted (${m}, ${n})`);
        }
        if (verifyConsistency(m, n, old, root, proof.slice(0, -1))) t.fail(`truncated proof accepted (${m}, ${n})`);
        if (verifyConsistency(m, n, old, root, [...proof, root])) t.fail(`extended proof accepted (${m}, ${n})`);
        if (m > 1 && verifyConsistency(m - 1, n, old, root, proof)) t.fail(`wrong from accepted (${m}, ${n})`);
      }
      checked++;
    }
  }
  t.equal(checked, 64 * 65, 'checked every (index, size) and (from, to)');
});

t.test('proofs of a prefix stay valid as the log grows', async (t) => {
  const all = leaves(40);
  const log = new MerkleLog();
  const roots: Buffer[] = [];
  for (const h of all) {
    log.append(h);
    roots.push(log.root());
  }
  for (let n = 1; n <= 40; n++) t.same(log.root(n), roots[n - 1], `root(${n}) after growth`);
});

t.test('argument checks', async (t) => {
  const log = logOf(leaves(10));
  t.throws(() => log.root(11), RangeError);
  t.throws(() => log.root(-1), RangeError);
  t.throws(() => log.root(1.5), RangeError);
  t.throws(() => log.inclusionProof(10, 10), RangeError);
  t.throws(() => log.inclusionProof(3, 11), RangeError);
  t.throws(() => log.consistencyProof(5, 4), RangeError);
  t.throws(() => log.consistencyProof(1, 11), RangeError);
  t.throws(() => log.append(Buffer.alloc(31)), RangeError);
  t.same(log.consistencyProof(0, 10), []);
  t.ok(verifyConsistency(0, 10, EMPTY_ROOT, log.root(), []));
  t.notOk(verifyConsistency(0, 10, log.root(1), log.root(), []), 'a non-empty root is not the root of no leaves');
  t.notOk(verifyConsistency(4, 4, log.root(4), log.root(5), []), 'same size, different roots');
  t.notOk(verifyConsistency(5, 4, log.root(5), log.root(4), log.consistencyProof(4, 5)), 'time travel');
  t.notOk(verifyInclusion(log.leafHash(0), 0, 0, [], EMPTY_ROOT));
  t.notOk(verifyInclusion(log.leafHash(0), 0, 1, [Buffer.alloc(3)], log.root(1)));
});

// Reference tree and proofs from transparency-dev/merkle, proof/verify_test.go (the CT/RFC 6962 vectors
// also in google/certificate-transparency-go merkletree). Leaf numbers there are 1-based.
const ctLeaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ctRoots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const ctInclusion: Array<[leaf: number, size: number, proof: string[]]> = [
  [1, 1, []],
  [1, 8, [
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ]],
  [6, 8, [
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  ]],
  [3, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [2, 5, [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  ]],
];
const ctConsistency: Array<[from: number, to: number, proof: string[]]> = [
  [1, 1, []],
  [1, 8, [
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ]],
  [6, 8, [
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  ]],
  [2, 5, [
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  ]],
  [6, 7, [
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  ]],
];

t.test('Certificate Transparency reference vectors', async (t) => {
  const hs = ctLeaves.map((x) => leafHash(Buffer.from(x, 'hex')));
  const log = logOf(hs);
  for (let n = 1; n <= 8; n++) t.equal(log.root(n).toString('hex'), ctRoots[n - 1], `root of ${n}`);
  for (const [leaf, size, proof] of ctInclusion) {
    t.same(hex(log.inclusionProof(leaf - 1, size)), proof, `inclusion ${leaf - 1} in ${size}`);
    const bufs = proof.map((p) => Buffer.from(p, 'hex'));
    const root = Buffer.from(ctRoots[size - 1]!, 'hex');
    t.ok(verifyInclusion(hs[leaf - 1]!, leaf - 1, size, bufs, root));
    t.notOk(verifyInclusion(hs[leaf - 1]!, leaf - 1, size * 2, bufs, root), 'size × 2');
    t.notOk(verifyInclusion(hs[leaf - 1]!, leaf - 1, size, [...bufs, root], root), 'trailing root');
    t.notOk(verifyInclusion(hs[leaf - 1]!, leaf - 1, size, [root, ...bufs], root), 'preceding root');
  }
  for (const [from, to, proof] of ctConsistency) {
    t.same(hex(log.consistencyProof(from, to)), proof, `consistency ${from} → ${to}`);
    const r1 = Buffer.from(ctRoots[from - 1]!, 'hex');
    const r2 = Buffer.from(ctRoots[to - 1]!, 'hex');
    const bufs = proof.map((p) => Buffer.from(p, 'hex'));
    t.ok(verifyConsistency(from, to, r1, r2, bufs));
    if (from < to) {
      t.notOk(verifyConsistency(from, to, r2, r1, bufs), 'swapped roots');
      t.notOk(verifyConsistency(from, to * 2, r1, r2, bufs), 'to × 2');
      t.notOk(verifyConsistency(from, to, r1, r2, [bufs[0]!, ...bufs]), 'preceding proof[0]');
    }
  }
});

// Checks against the reference on one tree; MTH on slices of a few thousand leaves is the slow part,
// so the reference roots are computed per size once and reused.
t.test('random indices and sizes on a 3000-leaf tree', async (t) => {
  const all = leaves(3000);
  const log = logOf(all);
  const rootCache = new Map<number, Buffer>();
  const refRoot = (n: number): Buffer => {
    let r = rootCache.get(n);
    if (r === undefined) rootCache.set(n, (r = MTH(all.slice(0, n))));
    return r;
  };
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3000 }), fc.nat(), (n, seed) => {
      const m = seed % n;
      const proof = log.inclusionProof(m, n);
      return (
        log.root(n).equals(refRoot(n)) &&
        JSON.stringify(hex(proof)) === JSON.stringify(hex(PATH(m, all.slice(0, n)))) &&
        verifyInclusion(all[m]!, m, n, proof, refRoot(n))
      );
    }),
    { numRuns: 150, seed: 9162 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), (a, b) => {
      const [m, n] = a <= b ? [a, b] : [b, a];
      const proof = log.consistencyProof(m, n);
      return (
        JSON.stringify(hex(proof)) === JSON.stringify(hex(m === n ? [] : PROOF(m, all.slice(0, n)))) &&
        verifyConsistency(m, n, refRoot(m), refRoot(n), proof) &&
        (m === n || !verifyConsistency(m, n, refRoot(m), refRoot(n), [flip(proof[0]!), ...proof.slice(1)]))
      );
    }),
    { numRuns: 150, seed: 6962 },
  );
});

t.test('serialize / deserialize', async (t) => {
  for (const n of [0, 1, 2, 3, 7, 8, 1000, 40000]) {
    const log = logOf(leaves(n));
    const copy = MerkleLog.deserialize(log.serialize());
    t.equal(copy.size, n);
    t.same(copy.root(), log.root(), `root after round trip (${n})`);
    if (n > 3) {
      t.same(copy.inclusionProof(n - 2, n - 1), log.inclusionProof(n - 2, n - 1));
      t.same(copy.consistencyProof(3, n), log.consistencyProof(3, n));
      // The restored log keeps growing like the original.
      const extra = leafHash(Buffer.from('more'));
      log.append(extra);
      copy.append(extra);
      t.same(copy.root(), log.root(), `root after append (${n})`);
    }
  }
  const snap = logOf(leaves(20)).serialize();
  for (const at of [0, 4, 9, 16, 100, snap.length - 1]) {
    t.throws(() => MerkleLog.deserialize(flip(snap, at)), /invalid Merkle log snapshot/, `flipped byte ${at}`);
  }
  t.throws(() => MerkleLog.deserialize(snap.subarray(0, snap.length - 32)), /invalid Merkle log snapshot/);
  t.throws(() => MerkleLog.deserialize(Buffer.concat([snap, Buffer.alloc(32)])), /invalid Merkle log snapshot/);
  t.throws(() => MerkleLog.deserialize(Buffer.alloc(10)), /invalid Merkle log snapshot/);
});

t.test('prefix(n) is the tree of the first n leaves, and grows on its own', async (t) => {
  const leaves = Array.from({ length: 70_000 }, (_, i) => createHash('sha256').update(`leaf ${i}`).digest());
  const full = new MerkleLog();
  for (const l of leaves) full.append(l);
  for (const n of [0, 1, 2, 3, 7, 8, 1000, 32_768, 32_769, 65_536, 69_999, 70_000]) {
    const p = full.prefix(n);
    const fresh = new MerkleLog();
    for (const l of leaves.slice(0, n)) fresh.append(l);
    t.equal(p.size, n);
    t.ok(p.root().equals(fresh.root()), `root of prefix ${n}`);
    t.ok(p.serialize().equals(fresh.serialize()), `every node of prefix ${n}`);
    // Appending to the copy leaves the original alone.
    if (n < leaves.length) {
      p.append(leaves[n]!);
      fresh.append(leaves[n]!);
      t.ok(p.root().equals(fresh.root()), `prefix ${n} grown by one`);
    }
  }
  t.equal(full.size, 70_000);
  t.throws(() => full.prefix(70_001), RangeError);
});

t.test('fromLeaves builds the tree append builds, and it grows like one', async (t) => {
  for (const n of [0, 1, 2, 3, 5, 8, 33, 1000, 32_768, 32_770, 70_001]) {
    const leaves = Array.from({ length: n }, (_, i) => createHash('sha256').update(`leaf ${n} ${i}`).digest());
    const appended = new MerkleLog();
    for (const l of leaves) appended.append(l);
    const built = MerkleLog.fromLeaves(Buffer.concat(leaves));
    t.equal(built.size, n);
    t.ok(built.serialize().equals(appended.serialize()), `every node at ${n} leaves`);
    const extra = createHash('sha256').update('one more').digest();
    built.append(extra);
    appended.append(extra);
    t.ok(built.root().equals(appended.root()), `root after one more leaf at ${n}`);
  }
});

t.test('fromLeaves on random sizes: the roots of every prefix and the proofs of append', async (t) => {
  for (let round = 0; round < 6; round++) {
    const n = 1 + Math.floor(Math.random() * 5000);
    const leaves = Array.from({ length: n }, () => createHash('sha256').update(String(Math.random())).digest());
    const appended = new MerkleLog();
    for (const l of leaves) appended.append(l);
    const built = MerkleLog.fromLeaves(Buffer.concat(leaves));
    const sizes = [1, n, ...Array.from({ length: 20 }, () => 1 + Math.floor(Math.random() * n))];
    const same = sizes.every((m) => {
      const i = Math.floor(Math.random() * m);
      const from = Math.floor(Math.random() * m);
      return built.root(m).equals(appended.root(m)) &&
        Buffer.concat(built.inclusionProof(i, m)).equals(Buffer.concat(appended.inclusionProof(i, m))) &&
        Buffer.concat(built.consistencyProof(from, m)).equals(Buffer.concat(appended.consistencyProof(from, m)));
    });
    t.ok(same, `roots and proofs equal at ${n} leaves`);
  }
});

t.test('fromLevels takes over the levels of treeLevels as they are, and refuses levels of another tree', async (t) => {
  for (const n of [0, 1, 2, 7, 1000]) {
    const leaves = Buffer.concat(Array.from({ length: n }, (_, i) => createHash('sha256').update(`level ${i}`).digest()));
    const levels = treeLevels(leaves, n);
    const tree = MerkleLog.fromLevels(levels, n);
    t.ok(tree.serialize().equals(MerkleLog.fromLeaves(leaves, n).serialize()), `every node at ${n} leaves`);
    if (n > 1) {
      t.throws(() => MerkleLog.fromLevels(levels.slice(0, -1), n), RangeError, `a level missing at ${n}`);
      t.throws(() => MerkleLog.fromLevels([...levels, Buffer.alloc(32)], n), RangeError, `a level too many at ${n}`);
      t.throws(() => MerkleLog.fromLevels([levels[0] ?? Buffer.alloc(0), Buffer.alloc(31), ...levels.slice(2)], n), RangeError, `a level too short at ${n}`);
    }
  }
});
