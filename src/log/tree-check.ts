/**
 * A tree held against the kept checkpoints (docs/log.md, "Finding the first bad leaf"): what
 * the server does at start with the tree of the stored leaf hashes, and `verify` with the tree of the
 * recomputed ones. The common case costs one root: the newest kept checkpoint whose signature holds
 * commits to every leaf below its size. Only on a mismatch are all kept checkpoints and the kept copy
 * of the leaves read, to name the first bad leaf.
 */
import type { CheckpointArchive } from './checkpoint-archive.ts';
import { verifyCheckpoint } from './checkpoint.ts';
import { firstBadLeaf, signedRoots, type Bisection, type LeafTree } from './verify-bisect.ts';

export type TreeCheck =
  /** `checkedSize` 0 with no kept checkpoint: nothing signed to hold the tree against yet. */
  | { ok: true; checkedSize: number }
  | { ok: false; found: Exclude<Bisection, { kind: 'sound' }>; reason: string };

export function describe(found: Exclude<Bisection, { kind: 'sound' }>): string {
  switch (found.kind) {
    case 'bad-leaf':
      return `leaf ${found.index} is not the one the signed checkpoints of sizes ${found.goodSize} and ${found.badSize} commit to`;
    case 'missing-leaves':
      return `the log ends before leaf ${found.index}, but a signed checkpoint has ${found.badSize} leaves`;
    case 'bad-range':
      return `a leaf in [${found.from}, ${found.to}) is not the original (the kept leaf hashes are damaged too, so which one cannot be told)`;
  }
}

export function checkTreeAgainstKept(
  tree: LeafTree,
  archive: Pick<CheckpointArchive, 'readAll' | 'keptLeaves'>,
  verifierKey: string,
): TreeCheck {
  const { checkpoints } = archive.readAll();
  for (let i = checkpoints.length - 1; i >= 0; i--) {
    const kept = checkpoints[i];
    if (kept === undefined) continue;
    try {
      verifyCheckpoint(kept.note, verifierKey);
    } catch {
      continue; // a line nobody with the key signed proves nothing; try the one before
    }
    if (kept.size <= tree.size && tree.root(kept.size).equals(kept.root)) return { ok: true, checkedSize: kept.size };
    break;
  }
  const { roots } = signedRoots(checkpoints, verifierKey);
  const found = firstBadLeaf(roots, tree, archive.keptLeaves());
  if (found.kind === 'sound') return { ok: true, checkedSize: found.checkedSize };
  return { ok: false, found, reason: describe(found) };
}
