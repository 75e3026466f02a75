/**
 * Naming the first bad leaf when the stored leaf hashes cannot be trusted (docs/log.md,
 * "Finding the first bad leaf"). An attacker who rewrites an event and its stored leaf hash leaves a
 * store that agrees with itself; only the signed roots of the kept checkpoints still commit to the
 * original leaves. The earliest kept checkpoint whose root the recomputed leaves no longer give bounds
 * the damage to the leaves between it and the checkpoint before; the archive's own copy of the leaf
 * hashes, trusted as far as the signed roots confirm it, then names the leaf by bisecting on prefix
 * roots. Pure: the trees and roots come from the caller.
 */
import { verifyCheckpoint } from './checkpoint.ts';

/** What is needed of a tree: MerkleLog has it. */
export interface LeafTree {
  readonly size: number;
  root(size?: number): Buffer;
}

export interface SignedRoot {
  size: number;
  root: Buffer;
}

export type Bisection =
  /** Every signed root is the root of the recomputed leaves of its size. */
  | { kind: 'sound'; checkedSize: number }
  /** The first leaf whose recomputed hash is not the one the signed roots commit to. */
  | { kind: 'bad-leaf'; index: number; goodSize: number; badSize: number }
  /** The log holds fewer leaves than a signed checkpoint: the first missing one is `index`. */
  | { kind: 'missing-leaves'; index: number; badSize: number }
  /** The kept leaf hashes are missing or damaged too: the first bad leaf is in [from, to). */
  | { kind: 'bad-range'; from: number; to: number };

/** The smallest i in [lo, hi) with pred(i), for pred false…false true…true; hi when none. */
function firstTrue(lo: number, hi: number, pred: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * `roots` need not be sorted; their signatures must have been checked (see `signedRoots`). A prefix
 * of a tree has a given signed root only if every leaf in it is the original, so "holds" is true up
 * to some checkpoint and false after it, and the same goes for "the first n leaves of two trees have
 * the same root": both searches are binary.
 */
export function firstBadLeaf(roots: readonly SignedRoot[], recomputed: LeafTree, kept?: LeafTree): Bisection {
  const sorted = [...new Map(roots.map((r) => [r.size, r])).values()].sort((a, b) => a.size - b.size);
  const holdsIn = (tree: LeafTree) => (r: SignedRoot): boolean => r.size <= tree.size && tree.root(r.size).equals(r.root);
  const holds = holdsIn(recomputed);
  const k = firstTrue(0, sorted.length, (i) => !holds(sorted[i] as SignedRoot));
  const bad = sorted[k];
  if (bad === undefined) return { kind: 'sound', checkedSize: sorted.at(-1)?.size ?? 0 };
  const goodSize = sorted[k - 1]?.size ?? 0;
  const badSize = bad.size;

  // How far the kept copy of the leaves is confirmed by signed roots.
  let trusted = 0;
  if (kept !== undefined) {
    const keptHolds = holdsIn(kept);
    const j = firstTrue(0, sorted.length, (i) => !keptHolds(sorted[i] as SignedRoot));
    trusted = sorted[j - 1]?.size ?? 0;
  }
  if (kept !== undefined && trusted > goodSize) {
    const limit = Math.min(trusted, recomputed.size);
    // The smallest n whose prefix roots differ: leaf n − 1 is the first that differs.
    const n = firstTrue(goodSize + 1, limit + 1, (m) => !recomputed.root(m).equals(kept.root(m)));
    if (n <= limit) return { kind: 'bad-leaf', index: n - 1, goodSize, badSize };
    if (recomputed.size < Math.min(trusted, badSize)) return { kind: 'missing-leaves', index: recomputed.size, badSize };
  }
  if (recomputed.size < badSize && recomputed.size <= goodSize) return { kind: 'missing-leaves', index: recomputed.size, badSize };
  if (badSize - goodSize === 1 && badSize <= recomputed.size) return { kind: 'bad-leaf', index: goodSize, goodSize, badSize };
  return { kind: 'bad-range', from: goodSize, to: badSize };
}

/**
 * The roots of the kept checkpoints whose signature by `verifierKey` holds; the others are listed
 * apart, since a line anyone could have written to the archive proves nothing.
 */
export function signedRoots(notes: readonly { note: string }[], verifierKey: string): { roots: SignedRoot[]; refused: { note: string; reason: string }[] } {
  const roots: SignedRoot[] = [];
  const refused: { note: string; reason: string }[] = [];
  for (const { note } of notes) {
    try {
      const cp = verifyCheckpoint(note, verifierKey);
      roots.push({ size: Number(cp.size), root: cp.root });
    } catch (err) {
      refused.push({ note, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { roots, refused };
}
