/**
 * The stored leaf hashes of a log read page by page into one buffer, end to end: what the start-up
 * check builds the stored tree from (src/app/self-check.ts), on the main thread or on the SQLite
 * store's leaf-tree thread (src/store/sqlite/leaf-tree.ts).
 */

/** Leaf hashes read per call: 2 MiB, a few dozen queries at a million events. */
const LEAF_PAGE = 1 << 16;

export type ReadLeafHashes = (from: bigint, limit: number) => Buffer | Promise<Buffer>;

/**
 * The first `n` stored leaf hashes (fewer when the store ends sooner), in a buffer of its own
 * ArrayBuffer (a worker can transfer it). Throws when a page is not 32 bytes a hash: a stored hash
 * of another length that happens to keep the total a multiple of 32 is caught by the tree's root.
 */
export async function gatherLeafHashes(read: ReadLeafHashes, n: number): Promise<{ leaves: Buffer; count: number }> {
  const leaves = Buffer.allocUnsafeSlow(n * 32);
  let at = 0;
  while (at < n) {
    const want = Math.min(n - at, LEAF_PAGE);
    const page = await read(BigInt(at), want);
    if (page.length === 0) break;
    if (page.length % 32 !== 0 || page.length > want * 32) {
      throw new Error(`the stored leaf hashes of events ${at}..${at + want - 1} are ${page.length} bytes, not 32 each`);
    }
    page.copy(leaves, at * 32);
    at += page.length / 32;
  }
  return { leaves, count: at };
}
