import type { Database, Statement } from 'better-sqlite3';
import { eventLeafHash } from '../../log/leaf.ts';
import { LeafV2Error, redact } from '../../log/leaf-v2.ts';
import { NotRedactable, type RedactionRequest } from '../port.ts';
import { toStoredEvent, openingText, type EventRow } from './rows.ts';

/** The statements a redaction needs, prepared once by the store. */
export interface RedactStatements {
  byIndex: Statement<[bigint], EventRow>;
  rewrite: Statement<[string, string, number]>;
}

export function prepareRedact(db: Database, columns: string): RedactStatements {
  return {
    byIndex: db.prepare(`SELECT ${columns} FROM events WHERE idx = ?`),
    rewrite: db.prepare('UPDATE events SET data = ?, opening = ? WHERE idx = ?'),
  };
}

/**
 * Rewrites the target row inside the caller's transaction: the erased strings become null, the seed
 * gives way to the remaining salts and the erased commitments. The leaf hash column is not touched;
 * the new row must still give it, or nothing is written (a redaction never changes the tree).
 */
export function redactInTx(st: RedactStatements, r: RedactionRequest): void {
  const row = st.byIndex.get(r.target);
  if (row === undefined) throw new RangeError(`no event at index ${r.target}`);
  const e = toStoredEvent(row);
  if (e.opening === undefined) throw new NotRedactable(`the event at index ${r.target} has a v1 leaf: its strings are part of the leaf itself`);
  let out: ReturnType<typeof redact>;
  try {
    out = redact(e.data, e.opening, r.paths);
  } catch (err) {
    if (err instanceof LeafV2Error) throw new RangeError(err.message);
    throw err;
  }
  const opening = { salts: out.salts, redacted: out.redacted };
  if (!eventLeafHash({ ...e, data: out.data, opening }).equals(row.leaf_hash)) {
    throw new Error(`redaction of index ${r.target} would change its leaf hash: the stored event does not match its leaf`);
  }
  st.rewrite.run(JSON.stringify(out.data), openingText(opening) ?? '', row.idx);
}

/**
 * After the commit: the WAL still holds the page images written before, the erased strings among
 * them. A TRUNCATE checkpoint copies the WAL into the database file (where secure_delete has zeroed
 * the old cell) and truncates the WAL to zero bytes. A reader in another process can keep it from
 * completing; it is retried, then reported.
 */
export async function checkpointTruncate(db: Database): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    if (row !== undefined && row.busy === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the WAL could not be checkpointed and truncated: another connection keeps reading it');
}
