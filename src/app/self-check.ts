/**
 * The server's own checks of its store (docs/log.md, "The server checks itself"):
 * - before serving, the tree of the stored leaf hashes against the last kept checkpoint (`checkStoredTree`);
 * - every event the read models are built from, its leaf recomputed (`leafCheck`, called by LiveModels),
 *   but for the ones this process appended, handed over with the leaf it computed (store/hashed-here.ts);
 * - in the background, the events a snapshot spared, recomputed and folded again, and the snapshot's
 *   read models compared with that fold (`checkSparedEvents`).
 * Each reports a mismatch to Integrity; none of them throws for one.
 */
import { describe, checkTreeAgainstKept } from '../log/tree-check.ts';
import type { CheckpointArchive } from '../log/checkpoint-archive.ts';
import { eventLeafHash } from '../log/leaf.ts';
import { isHashedHere } from '../store/hashed-here.ts';
import { MerkleLog } from '../log/merkle.ts';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { gatherLeafHashes } from '../store/leaf-pages.ts';
import { readLog } from '../store/read-log.ts';
import type { EventStore, StoredEvent } from '../store/port.ts';
import type { Projection } from '../../projections/projection.ts';
import { compareModels, describeDifferences } from './compare-models.ts';
import { describeLeaf, type Integrity, type LeafRef } from './integrity.ts';

const PAGE = 1000;
/**
 * The longest stretch a background check holds the event loop. Recomputing a v2 leaf costs about
 * 100 µs, so a page of events between yields was 100 ms during which no request was answered.
 */
const SLICE_MS = 8;

/**
 * The tree of the first `size` stored leaf hashes: built off the main thread where the store can
 * (EventStore.readLeafTree), else from readLeafHashes, else from the events' `leafHash`.
 */
export function storedLeafTree(store: EventStore, size: bigint): Promise<MerkleLog> {
  return store.readLeafTree !== undefined ? store.readLeafTree(size) : leafTreeHere(store, size);
}

/** The tree of the first `size` stored leaf hashes, read and built on this thread. */
export async function leafTreeHere(store: EventStore, size: bigint): Promise<MerkleLog> {
  const n = Number(size);
  const readLeaves = store.readLeafHashes?.bind(store);
  if (readLeaves !== undefined) {
    const { leaves, count } = await gatherLeafHashes(readLeaves, n);
    return MerkleLog.fromLeaves(leaves, count);
  }
  // One buffer of every leaf hash end to end, then the tree built level by level over it.
  const leaves = Buffer.allocUnsafeSlow(n * 32);
  let at = 0;
  for await (const e of readLog(store, { until: size, pageSize: PAGE })) {
    (e.leafHash ?? eventLeafHash(e)).copy(leaves, at * 32);
    at++;
  }
  return MerkleLog.fromLeaves(leaves, at);
}

async function leafAt(store: EventStore, index: number): Promise<LeafRef | undefined> {
  const [e] = await store.readAll({ from: BigInt(index), limit: 1 });
  return e === undefined || e.index !== BigInt(index) ? undefined : { index, stream: e.stream, revision: Number(e.revision) };
}

/**
 * The tree of the stored leaf hashes (`storedLeafTree` of the store's size) held against the kept
 * checkpoints; on a mismatch the first bad leaf is named through the kept copy of the leaves (see
 * src/log/verify-bisect.ts).
 */
export async function checkStoredTree(store: EventStore, tree: MerkleLog, archive: CheckpointArchive, verifierKey: string, integrity: Integrity): Promise<MerkleLog> {
  const check = checkTreeAgainstKept(tree, archive, verifierKey);
  if (check.ok) return tree;
  const index = check.found.kind === 'bad-range' ? check.found.from : check.found.index;
  const leaf = await leafAt(store, index);
  integrity.tamper({
    reason: `${leaf !== undefined ? `${describeLeaf(leaf)}: ` : ''}the stored leaf hashes do not give the roots this server signed: ${describe(check.found)}`,
    ...(leaf !== undefined ? { firstBadLeaf: leaf } : {}),
  });
  return tree;
}

/** The leaf of `e` recomputed from its stored fields; false (and a fault reported) when it is not the stored one. */
export function leafCheck(integrity: Integrity): (e: StoredEvent) => boolean {
  return (e) => {
    // Handed over by this process's own append with the leaf it just computed from these fields.
    if (isHashedHere(e)) return true;
    const ref = { index: Number(e.index), stream: e.stream, revision: Number(e.revision) };
    let recomputed: Buffer;
    try {
      recomputed = eventLeafHash(e);
    } catch (err) {
      integrity.tamper({ reason: `${describeLeaf(ref)}: its leaf cannot be computed (${(err as Error).message})`, firstBadLeaf: ref });
      return false;
    }
    if (e.leafHash === undefined || e.leafHash.equals(recomputed)) return true;
    integrity.tamper({
      reason: `${describeLeaf(ref)}: the stored event recomputes to leaf hash ${recomputed.toString('base64')}, the store kept ${e.leafHash.toString('base64')}`,
      firstBadLeaf: ref,
    });
    return false;
  };
}

export interface SparedCheck {
  /** The snapshot's read models, decoded again (the live ones have moved on since). */
  restored: () => Map<string, unknown>;
  /** Called when the snapshot's read models differ from the log's: the file must go. */
  discard: () => Promise<void>;
}

/**
 * The events [0, until) a snapshot spared: each leaf recomputed and compared with the stored tree,
 * and all of them folded through fresh folds, whose states must equal the snapshot's.
 * `stopped` ends the check early (the server is closing).
 */
export async function checkSparedEvents(
  store: EventStore,
  folds: readonly Projection[],
  until: bigint,
  tree: MerkleLog,
  integrity: Integrity,
  snapshot: SparedCheck,
  stopped: () => boolean = () => false,
): Promise<void> {
  const check = leafCheck(integrity);
  const states = new Map<string, unknown>(folds.map((f) => [f.name, f.initial()]));
  let n = 0;
  let sliceStart = performance.now();
  for await (const e of readLog(store, { until, pageSize: PAGE })) {
    if (!check(e)) return;
    if (!(e.leafHash ?? eventLeafHash(e)).equals(tree.leafHash(n))) {
      const ref = { index: n, stream: e.stream, revision: Number(e.revision) };
      integrity.tamper({ reason: `${describeLeaf(ref)} changed after the server read its leaf hash at start`, firstBadLeaf: ref });
      return;
    }
    for (const f of folds) states.set(f.name, f.apply(states.get(f.name), e));
    n++;
    if (performance.now() - sliceStart >= SLICE_MS) {
      // Lets the HTTP server answer between two slices.
      await nextTurn();
      if (stopped()) return;
      sliceStart = performance.now();
    }
  }
  const diffs = compareModels(folds, states, snapshot.restored());
  if (diffs.length === 0) return;
  const first = diffs[0];
  // The file goes before /health says so, so that whoever reads "tampered" finds it gone.
  const discarded = await snapshot.discard().then(
    () => 'the snapshot file was discarded',
    (err: unknown) => `the snapshot file could not be removed (${(err as Error).message}): remove it by hand`,
  );
  integrity.tamper({
    reason: `the snapshot's read models differ from the log's: ${describeDifferences(diffs)}; ${discarded}`,
    ...(first !== undefined ? { readModel: first.readModel, items: first.items } : {}),
  });
}
