import type pg from 'pg';
import type { LogState } from './plan.ts';
import { advanceHead, lockHead } from './sql.ts';

/**
 * A transaction that holds the head lock, as every group commit does, for the writes that are not
 * appends (a redaction, an import). `fn` gets the log head and moves it on; when it did, the head
 * row is updated and every instance notified, both at COMMIT.
 */
export async function underHeadLock<T>(c: pg.ClientBase, fn: (head: Pick<LogState, 'nextIndex' | 'lastRecordedAt'>) => Promise<T>): Promise<T> {
  await c.query('BEGIN');
  try {
    const head = await lockHead(c);
    const before = head.nextIndex;
    const out = await fn(head);
    if (head.nextIndex !== before) await advanceHead(c, head.nextIndex, head.lastRecordedAt);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    // A lost connection cannot roll back; the server aborts the transaction when the socket closes.
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
