import type { Database, Statement } from 'better-sqlite3';
import type { RedactionRequest } from '../port.ts';
import { redactedEvent } from '../redaction.ts';
import { openingText, prepareValues, toStoredEvent, type EventValues } from './rows.ts';

/** The statements a redaction needs, prepared once by the store. */
export interface RedactStatements {
  byIndex: Statement<[bigint], EventValues>;
  rewrite: Statement<[string, string, number]>;
}

export function prepareRedact(db: Database, columns: string): RedactStatements {
  return {
    byIndex: prepareValues(db, `SELECT ${columns} FROM events WHERE idx = ?`),
    rewrite: db.prepare('UPDATE events SET data = ?, opening = ? WHERE idx = ?'),
  };
}

/**
 * Rewrites the target row inside the caller's transaction: the erased strings become null, the seed
 * gives way to the remaining salts and the erased commitments (src/store/redaction.ts checks that the
 * new row still gives the stored leaf hash). The leaf hash column is not touched.
 */
export function redactInTx(st: RedactStatements, r: RedactionRequest): void {
  const row = st.byIndex.get(r.target);
  if (row === undefined) throw new RangeError(`no event at index ${r.target}`);
  const { data, opening } = redactedEvent(toStoredEvent(row), r.paths);
  st.rewrite.run(JSON.stringify(data), openingText(opening) ?? '', row[0]);
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
