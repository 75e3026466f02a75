/**
 * Snapshots of the live read models, so that a restart folds only the events written since the last
 * snapshot instead of the whole log.
 *
 * A snapshot is a cache, never a source of truth: it is trusted only when it provably continues into
 * the current log (same folds and versions, intact bytes, the store holds its `next` events, and the
 * store's event at next-1 recomputes to the leaf hash the snapshot ends with). Anything else is
 * discarded and the models are rebuilt from the log.
 *
 * File layout (`<dataDir>/snapshots/read-models.snap`):
 *   "PLSN" ‖ u32 header length ‖ header (JSON) ‖ payload ‖ SHA-256 of everything before it.
 * The header carries the format version, each fold's name and version, `next`, the Merkle root and
 * the leaf hash of event next-1; the payload is one v8.serialize of every fold's state but the
 * Merkle tree's. The tree is not in the file: a start builds the tree of the store's leaf hashes
 * anyway (to hold it against the last kept checkpoint), and the tree of the first `next` of those is
 * the Merkle fold's state, copied, not hashed again; the header's root must be its root.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { eventLeafHash } from '../log/leaf.ts';
import { MerkleLog } from '../log/merkle.ts';
import type { EventStore } from '../store/port.ts';
import type { Projection } from '../../projections/projection.ts';
import type { LiveModels } from './live-models.ts';
import { storedLeafTree } from './self-check.ts';

const MAGIC = Buffer.from('PLSN', 'latin1');
// 2: written only from verified events (the header says so), and tied to the stored tree's root.
// 3: without the Merkle tree (the stored tree's prefix is the fold's state).
export const SNAPSHOT_FORMAT = 3;
export const SNAPSHOT_FILE = path.join('snapshots', 'read-models.snap');

interface Header {
  format: number;
  folds: { name: string; version: number }[];
  next: string;
  /** base64 */
  root: string;
  /** base64 leaf hash of event next-1; absent when next = 0. */
  lastLeaf?: string;
  createdAt: string;
  /** Written while every event below `next` had been verified (docs/log.md, "The server checks itself"). */
  verified?: boolean;
}

/** Where the Merkle fold's state would be in the payload: it is the stored tree's prefix instead. */
interface StoredTreePrefix {
  $merkle: 'stored-tree';
}
const STORED_TREE: StoredTreePrefix = { $merkle: 'stored-tree' };
const isStoredTreeMark = (s: unknown): boolean => typeof s === 'object' && s !== null && (s as { $merkle?: unknown }).$merkle === STORED_TREE.$merkle;

export interface SnapshotState {
  next: bigint;
  states: Map<string, unknown>;
}

export type Warn = (message: string) => void;
const defaultWarn: Warn = (m) => console.error(`palimpsest: ${m}`);

export const snapshotPath = (dir: string): string => path.join(dir, SNAPSHOT_FILE);

function treeOf(states: Map<string, unknown>): MerkleLog | undefined {
  for (const s of states.values()) if (s instanceof MerkleLog) return s;
  return undefined;
}

/**
 * v8.deserialize returns typed arrays (the Merkle bytes, packed tallies) as views into the input:
 * one of them would keep the whole snapshot file alive for as long as the models live. This
 * deserializer copies each one out.
 */
function copyView(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return (value as Uint8Array).slice();
  return value;
}

function deserializeCopying(bytes: Buffer): unknown {
  // `_readHostObject` is Node's documented hook for host objects; @types/node does not declare it.
  const d = new v8.DefaultDeserializer(bytes) as v8.DefaultDeserializer & { _readHostObject(): unknown };
  const readHostObject = d._readHostObject.bind(d);
  d._readHostObject = () => copyView(readHostObject());
  d.readHeader();
  return d.readValue();
}

/** The snapshot's bytes; synchronous, so that the states cannot change while they are copied. */
export function encodeSnapshot(snap: SnapshotState, folds: readonly Projection[]): Buffer {
  const tree = treeOf(snap.states);
  if (tree === undefined) throw new Error('a snapshot needs the Merkle fold: its root and last leaf tie the snapshot to the log');
  if (BigInt(tree.size) !== snap.next) throw new Error(`Merkle tree holds ${tree.size} leaves but the models reflect ${snap.next} events`);
  const payloadStates = new Map<string, unknown>();
  for (const f of folds) {
    const s = snap.states.get(f.name);
    payloadStates.set(f.name, s instanceof MerkleLog ? STORED_TREE : (f.forSnapshot?.(s) ?? s));
  }
  // One v8.serialize for all states: objects shared between folds (and the timeline's array of the
  // same incident objects as the map) keep their identity when read back.
  const payload = v8.serialize(payloadStates);
  const header: Header = {
    format: SNAPSHOT_FORMAT,
    folds: folds.map((f) => ({ name: f.name, version: f.version })),
    next: String(snap.next),
    root: tree.root().toString('base64'),
    ...(tree.size > 0 ? { lastLeaf: tree.leafHash(tree.size - 1).toString('base64') } : {}),
    createdAt: new Date().toISOString(),
    verified: true,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(headerBytes.length);
  const body = Buffer.concat([MAGIC, len, headerBytes, payload]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Temp file, fsync, rename, fsync of the directory: a crash leaves the old snapshot or the new one, whole. */
export async function writeSnapshotFile(dir: string, bytes: Buffer): Promise<void> {
  const file = snapshotPath(dir);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await fs.promises.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  try {
    const d = await fs.promises.open(path.dirname(file), 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic.
  }
}

export async function saveSnapshot(dir: string, live: Pick<LiveModels, 'snapshot'>, folds: readonly Projection[]): Promise<void> {
  await writeSnapshotFile(dir, encodeSnapshot(live.snapshot(), folds));
}

/** A crash between writing and renaming leaves `<file>.<pid>.tmp` behind: nothing reads it, so it goes at start. */
function removeTempFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(prefix) && n.endsWith('.tmp')) fs.rmSync(path.join(dir, n), { force: true });
}

/**
 * The snapshot, if one exists and provably continues into `store`'s log; otherwise undefined, with
 * the reason passed to `warn`. Never throws for a bad snapshot: rebuilding from the log is always safe.
 */
export interface LoadedSnapshot extends SnapshotState {
  /** The file's bytes, decoded again by the background check (the live states move on). */
  bytes: Buffer;
}

/**
 * A snapshot read and decoded, held against the log's size and its last event, but not yet against
 * the stored tree: nothing may use its states before `restoreSnapshot` has.
 */
export interface DecodedSnapshot {
  file: string;
  bytes: Buffer;
  decoded: Decoded;
  /** Each fold's state, the Merkle fold's still the mark of the stored tree's prefix. */
  payload: Map<string, unknown>;
}

/**
 * The snapshot file read and decoded, its checksum, header and last leaf checked (undefined, with
 * the reason passed to `warn`, when any of that fails). Start-up runs it while the stored tree is
 * built on another thread; `restoreSnapshot` then ties it to that tree.
 */
export async function readSnapshot(dir: string, store: EventStore, folds: readonly Projection[], warn: Warn = defaultWarn): Promise<DecodedSnapshot | undefined> {
  const file = snapshotPath(dir);
  removeTempFiles(file);
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`snapshot ${file} unreadable (${(err as Error).message}); rebuilding from the log`);
    return undefined;
  }
  try {
    const decoded = await decodeAndCheck(bytes, store, folds);
    return { file, bytes, decoded, payload: decodePayload(decoded, folds) };
  } catch (err) {
    warn(`snapshot ${file} discarded: ${(err as Error).message}; rebuilding from the log`);
    return undefined;
  }
}

/**
 * The decoded snapshot's states once its root is the root of the stored tree of the same size
 * (`storedTree`, whose prefix becomes the Merkle fold's state); undefined, with the reason passed
 * to `warn`, when it is not.
 */
export function restoreSnapshot(snap: DecodedSnapshot, storedTree: MerkleLog, warn: Warn = defaultWarn): LoadedSnapshot | undefined {
  try {
    checkRoot(snap.decoded, storedTree);
  } catch (err) {
    warn(`snapshot ${snap.file} discarded: ${(err as Error).message}; rebuilding from the log`);
    return undefined;
  }
  return { ...withTree(snap.payload, snap.decoded.next, storedTree), bytes: snap.bytes };
}

/**
 * `readSnapshot` then `restoreSnapshot`; `storedTree` is the tree of the store's leaf hashes (built
 * here, of the snapshot's size, when not given).
 */
export async function loadSnapshot(
  dir: string,
  store: EventStore,
  folds: readonly Projection[],
  warn: Warn = defaultWarn,
  storedTree?: MerkleLog,
): Promise<LoadedSnapshot | undefined> {
  const snap = await readSnapshot(dir, store, folds, warn);
  if (snap === undefined) return undefined;
  let tree: MerkleLog;
  try {
    tree = storedTree ?? (await storedLeafTree(store, snap.decoded.next));
  } catch (err) {
    warn(`snapshot ${snap.file} discarded: ${(err as Error).message}; rebuilding from the log`);
    return undefined;
  }
  return restoreSnapshot(snap, tree, warn);
}

interface Decoded {
  header: Header;
  next: bigint;
  body: Buffer;
  headerLen: number;
}

function decodeHeader(bytes: Buffer, folds: readonly Projection[]): Decoded {
  if (bytes.length < MAGIC.length + 4 + 32 || !bytes.subarray(0, 4).equals(MAGIC)) throw new Error('not a snapshot file');
  const body = bytes.subarray(0, bytes.length - 32);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(bytes.length - 32))) throw new Error('checksum mismatch');
  const headerLen = body.readUInt32BE(4);
  if (8 + headerLen > body.length) throw new Error('header length beyond the file');
  const header = JSON.parse(body.subarray(8, 8 + headerLen).toString('utf8')) as Header;
  if (header.format !== SNAPSHOT_FORMAT) throw new Error(`format ${header.format}, this code reads ${SNAPSHOT_FORMAT}`);
  const want = folds.map((f) => `${f.name}@${f.version}`).join(',');
  const have = (header.folds ?? []).map((f) => `${f.name}@${f.version}`).join(',');
  if (want !== have) throw new Error(`written for folds ${have}, this code has ${want}`);
  if (typeof header.next !== 'string' || !/^(0|[1-9][0-9]*)$/.test(header.next)) throw new Error('malformed next');
  return { header, next: BigInt(header.next), body, headerLen };
}

async function decodeAndCheck(bytes: Buffer, store: EventStore, folds: readonly Projection[]): Promise<Decoded> {
  const decoded = decodeHeader(bytes, folds);
  const { header, next } = decoded;
  if (header.verified !== true) throw new Error('it was not written from verified events');

  // Cheap checks against the log before deserialising hundreds of megabytes.
  const size = await store.size();
  if (size < next) throw new Error(`it reflects ${next} events but the store holds ${size}`);
  if (next > 0n) {
    const [e] = await store.readAll({ from: next - 1n, limit: 1 });
    if (e === undefined || e.index !== next - 1n) throw new Error(`the store has no event at index ${next - 1n}`);
    // Recomputed from the stored fields: the stored leaf hash column is exactly what must not be trusted.
    const leaf = eventLeafHash(e).toString('base64');
    if (leaf !== header.lastLeaf) throw new Error(`the log's event ${next - 1n} has leaf hash ${leaf}, the snapshot ends with ${header.lastLeaf}`);
  } else if (header.lastLeaf !== undefined) {
    throw new Error('an empty snapshot with a last leaf');
  }
  return decoded;
}

/**
 * The read models a snapshot holds, decoded (checksum and header checked, and its root against
 * `storedTree`, whose prefix is the Merkle fold's state; nothing else against a store).
 */
export function decodeStates(bytes: Buffer, folds: readonly Projection[], storedTree: MerkleLog): SnapshotState {
  const decoded = decodeHeader(bytes, folds);
  checkRoot(decoded, storedTree);
  return withTree(decodePayload(decoded, folds), decoded.next, storedTree);
}

function checkRoot({ header, next }: Decoded, storedTree: MerkleLog): void {
  if (BigInt(storedTree.size) < next || storedTree.root(Number(next)).toString('base64') !== header.root) {
    throw new Error(`its root is not the root of the store's first ${next} leaf hashes: it was written from another tree`);
  }
  if (next > 0n && storedTree.leafHash(Number(next) - 1).toString('base64') !== header.lastLeaf) throw new Error('the stored leaf hash of its last event differs from the header');
}

/** Each fold's state as restored from the payload, the Merkle fold's left as the stored tree's mark. */
function decodePayload({ body, headerLen }: Decoded, folds: readonly Projection[]): Map<string, unknown> {
  const stored = deserializeCopying(body.subarray(8 + headerLen)) as Map<string, unknown>;
  if (!(stored instanceof Map)) throw new Error('payload is not a map of states');
  const states = new Map<string, unknown>();
  let marked = false;
  for (const f of folds) {
    if (!stored.has(f.name)) throw new Error(`no state for fold ${f.name}`);
    const s = stored.get(f.name);
    if (isStoredTreeMark(s)) marked = true;
    states.set(f.name, isStoredTreeMark(s) ? s : f.afterRestore ? f.afterRestore(s) : s);
  }
  if (!marked) throw new Error('no Merkle tree in the snapshot');
  return states;
}

/** The states with the stored tree's prefix of `next` leaves for the Merkle fold's. */
function withTree(payload: Map<string, unknown>, next: bigint, storedTree: MerkleLog): SnapshotState {
  const states = new Map<string, unknown>();
  for (const [name, s] of payload) states.set(name, isStoredTreeMark(s) ? storedTree.prefix(Number(next)) : s);
  return { next, states };
}

export interface SnapshotKeeper {
  /** Writes a final snapshot (call after the models have stopped) and waits for any pending one. */
  close(): Promise<void>;
  /**
   * Replaces the snapshot file by one of the current states, now: after a redaction the old file
   * holds erased values. The rename drops the old file whole.
   */
  rewrite(): Promise<void>;
}

/**
 * Saves a snapshot every `every` applied events, and once more at close. Copying the states has to be
 * synchronous (they change with the next event), but it runs in a later macrotask rather than inside
 * the event listener, and the file is written asynchronously; a save still running when the next
 * one is due simply skips it. The copy does pause the event loop, for roughly as long as a v8.serialize
 * of every read model takes (see scripts/bench-rebuild.ts).
 */
export function keepSnapshots(
  live: LiveModels,
  dir: string,
  folds: readonly Projection[],
  opts: { every?: number; warn?: Warn; savedAt?: bigint; canSave?: () => boolean } = {},
): SnapshotKeeper {
  const canSave = opts.canSave ?? (() => true);
  const every = BigInt(opts.every ?? 50_000);
  const warn = opts.warn ?? defaultWarn;
  let savedAt = opts.savedAt ?? -1n;
  let pending: Promise<void> | undefined;
  const save = (): void => {
    // A snapshot is written only from verified events: never while verifying or once tampered.
    if (pending !== undefined || !canSave()) return;
    pending = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        const snap = live.snapshot();
        const bytes = encodeSnapshot(snap, folds);
        await writeSnapshotFile(dir, bytes);
        savedAt = snap.next;
      })
      .catch((err: unknown) => warn(`could not write a snapshot: ${(err as Error).message}`))
      .finally(() => { pending = undefined; });
  };
  // The interval grows with the log (at least `every`, at most doubling the log between saves):
  // copying the state pauses the event loop for a time that grows with the state, so the number of
  // saves stays logarithmic and their cost per event stays constant.
  const off = live.onEvent(() => {
    const last = savedAt < 0n ? 0n : savedAt;
    if (live.next - last >= (last > every ? last : every)) save();
  });
  // No save right after start, even after a long replay: copying a large state blocks the event loop
  // for seconds, which at startup stalls the HTTP app's plugin loading past its timeout. The next
  // write past the threshold, or close(), saves instead.
  return {
    async rewrite() {
      await pending;
      const snap = live.snapshot();
      await writeSnapshotFile(dir, encodeSnapshot(snap, folds));
      savedAt = snap.next;
    },
    async close() {
      off();
      await pending;
      if (live.failed !== undefined || live.next === savedAt || !canSave()) return;
      try {
        await saveSnapshot(dir, live, folds);
      } catch (err) {
        warn(`could not write a snapshot: ${(err as Error).message}`);
      }
    },
  };
}
