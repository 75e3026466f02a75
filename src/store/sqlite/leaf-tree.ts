/**
 * The stored tree of a SQLite store built on a worker thread (EventStore.readLeafTree): start-up
 * decodes its snapshot on the main thread meanwhile. The levels come back transferred, not copied,
 * and become the MerkleLog as they are.
 */
import { Worker } from 'node:worker_threads';
import { MerkleLog } from '../../log/merkle.ts';

export interface LeafTreeJob {
  /** The database file, opened read-only by the thread. */
  file: string;
  size: number;
}

export type LeafTreeResult =
  | {
    /** Leaves read (fewer than asked when the store ends sooner). */
    count: number;
    /** The tree's levels, leaves first (src/log/merkle.ts, treeLevels). */
    levels: ArrayBuffer[];
  }
  | { error: { name: string; message: string; code?: string } };

/** The thread's error as the main thread would have thrown it: same name, message and code. */
function rebuilt(e: { name: string; message: string; code?: string }): Error {
  const err = new Error(e.message);
  err.name = e.name;
  return e.code === undefined ? err : Object.assign(err, { code: e.code });
}

export function leafTreeOffThread(file: string, size: bigint): Promise<MerkleLog> {
  return new Promise((resolve, reject) => {
    const job: LeafTreeJob = { file, size: Number(size) };
    const worker = new Worker(new URL('./leaf-tree-boot.mjs', import.meta.url), { workerData: job });
    let settled = false;
    worker.once('message', (m: LeafTreeResult) => {
      settled = true;
      // The thread has closed its connection and has nothing left to do: it must not outlive the start.
      void worker.terminate();
      if ('error' in m) {
        reject(rebuilt(m.error));
        return;
      }
      try {
        resolve(MerkleLog.fromLevels(m.levels.map((b) => Buffer.from(b)), m.count));
      } catch (err) {
        reject(err);
      }
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the leaf-tree thread exited (code ${code}) before it sent the tree`));
    });
  });
}
