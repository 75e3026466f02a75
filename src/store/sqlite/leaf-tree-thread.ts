/**
 * The leaf-tree thread (started by leaf-tree.ts through leaf-tree-boot.mjs): reads the stored leaf
 * hashes on a read-only connection of its own (a WAL reader beside the store's), builds the tree's
 * levels and hands them back as transferred ArrayBuffers, then ends. An error is sent back instead
 * of the levels.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { treeLevels } from '../../log/merkle.ts';
import { gatherLeafHashes } from '../leaf-pages.ts';
import { leafHashReader } from './leaf-hashes.ts';
import type { LeafTreeJob, LeafTreeResult } from './leaf-tree.ts';

const job = workerData as LeafTreeJob;
const port = parentPort;
if (port === null) throw new Error('leaf-tree-thread.ts runs as a worker thread');

/** The level's whole ArrayBuffer (a level is allocated as one), or a copy that is one. */
function own(b: Buffer): ArrayBuffer {
  if (b.byteOffset === 0 && b.buffer instanceof ArrayBuffer && b.byteLength === b.buffer.byteLength) return b.buffer;
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return copy;
}

function build(): Promise<LeafTreeResult> {
  const db = new Database(job.file, { readonly: true, fileMustExist: true });
  return gatherLeafHashes(leafHashReader(db), job.size)
    .then(({ leaves, count }): LeafTreeResult => ({ count, levels: treeLevels(leaves, count).map(own) }))
    .finally(() => db.close());
}

let result: LeafTreeResult;
try {
  result = await build();
} catch (err) {
  // An error thrown out of a worker reaches its parent as a plain object when its class is not a
  // built-in one (better-sqlite3's SqliteError): its name, message and code are sent instead.
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  result = { error: { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) } };
}
port.postMessage(result, 'levels' in result ? result.levels : []);
