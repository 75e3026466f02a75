/**
 * What `palimpsest verify` and an import do: recompute every leaf from the stored fields, rebuild the
 * tree, and optionally hold it against a signed checkpoint.
 */
import type { StoredEvent } from '../store/port.ts';
import { verifyCheckpoint, type Checkpoint } from './checkpoint.ts';
import { eventLeafHash } from './leaf.ts';
import { MerkleLog } from './merkle.ts';

export interface BadLeaf {
  index: number;
  stream: string;
  revision: number;
  reason: string;
}

export interface VerifyResult {
  ok: boolean;
  size: number;
  /** Root of the tree built from the recomputed leaf hashes. */
  root: Buffer;
  log: MerkleLog;
  firstBad?: BadLeaf;
}

const PROGRESS_EVERY = 1024;

/**
 * Walks the whole log even after a bad leaf, so the tree (and its root) reflects the events as they are
 * now stored: a caller can still compare it with a checkpoint, and the report names only the first fault.
 */
export async function verifyEvents(
  events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>,
  opts: { onProgress?(n: number): void } = {},
): Promise<VerifyResult> {
  const log = new MerkleLog();
  let firstBad: BadLeaf | undefined;
  for await (const e of events) {
    const expected = log.size;
    const where = { index: expected, stream: e.stream, revision: Number(e.revision) };
    let reason: string | undefined;
    let hash: Buffer | undefined;
    if (e.index !== BigInt(expected)) reason = `index ${e.index}, expected ${expected} (indexes must be dense from 0)`;
    try {
      hash = eventLeafHash(e);
    } catch (err) {
      reason ??= `leaf cannot be computed: ${(err as Error).message}`;
    }
    if (hash && e.leafHash !== undefined && !e.leafHash.equals(hash)) {
      reason ??= `stored leaf hash ${e.leafHash.toString('base64')} differs from recomputed ${hash.toString('base64')}`;
    }
    if (reason !== undefined && firstBad === undefined) firstBad = { ...where, reason };
    // An uncomputable leaf still occupies its place, so later indexes keep their meaning.
    log.append(hash ?? Buffer.alloc(32));
    if (log.size % PROGRESS_EVERY === 0) opts.onProgress?.(log.size);
  }
  if (log.size % PROGRESS_EVERY !== 0) opts.onProgress?.(log.size);
  const result: VerifyResult = { ok: firstBad === undefined, size: log.size, root: log.root(), log };
  if (firstBad) result.firstBad = firstBad;
  return result;
}

/** Signature valid, checkpoint size within the log, and the log's first N leaves have its root. */
export function checkAgainstCheckpoint(log: MerkleLog, checkpointText: string, verifierKey: string): { ok: boolean; reason?: string } {
  let cp: Checkpoint;
  try {
    cp = verifyCheckpoint(checkpointText, verifierKey);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  if (cp.size > BigInt(log.size)) {
    return { ok: false, reason: `checkpoint size ${cp.size} exceeds the log's ${log.size} leaves: the log lost entries` };
  }
  const size = Number(cp.size);
  const root = log.root(size);
  if (!root.equals(cp.root)) {
    return {
      ok: false,
      reason: `root of the first ${size} leaves is ${root.toString('base64')}, checkpoint says ${cp.root.toString('base64')}`,
    };
  }
  return { ok: true };
}
