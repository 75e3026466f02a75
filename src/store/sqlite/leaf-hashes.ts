import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';

/** One page of leaf hashes; SQLite answers it from the covering index of migration 3. */
export const LEAF_PAGE_SQL = "SELECT group_concat(hex(leaf_hash), '' ORDER BY idx) FROM (SELECT idx, leaf_hash FROM events WHERE idx >= ? ORDER BY idx ASC LIMIT ?)";

/**
 * Reads stored leaf hashes end to end (EventStore.readLeafHashes), on the store's connection or on
 * the leaf-tree thread's own. Concatenated inside SQLite (as hex: text, so no blob is read back as a
 * string): one value per page of leaves instead of a row object and a Buffer per event.
 */
export function leafHashReader(db: Database.Database): (from: bigint, limit: number) => Buffer {
  const page = db.prepare(LEAF_PAGE_SQL).pluck() as Statement<[bigint, number], string | null>;
  return (from, limit) => {
    const hex = page.get(from, limit);
    return hex === undefined || hex === null ? Buffer.alloc(0) : Buffer.from(hex, 'hex');
  };
}
