/**
 * The leaf-tree thread (started by leaf-tree.ts through leaf-tree-boot.mjs): reads the stored leaf
 * hashes on a read-only connection of its own (a WAL reader beside the store's), builds the tree's
 * levels and hands them back as transferred ArrayBuffers, then ends. An error ends it too, and
 * reaches the starting thread as the worker's 'error'.
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

const db = new Database(job.file, { readonly: true, fileMustExist: true });
let result: LeafTreeResult;
try {
  const { leaves, count } = await gatherLeafHashes(leafHashReader(db), job.size);
  result = { count, levels: treeLevels(leaves, count).map(own) };
} finally {
  db.close();
}
port.postMessage(result, result.levels);
