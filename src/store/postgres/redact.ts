/**
 * The port's redactEvent on PostgreSQL (docs/redaction.md): under the head lock, the target row's
 * erased strings become null and its seed gives way to the remaining salts and the erased values'
 * commitments (the leaf hash column stays, and must still follow), and the FieldsRedacted event is
 * appended by the same rules as any append, in the same transaction.
 */
import type pg from 'pg';
import type { AppendResult, RedactionRequest } from '../port.ts';
import { redactedEvent } from '../redaction.ts';
import { checkAppend } from '../rules.ts';
import { applyPlan, openingText, plan, type AppendRequest } from './plan.ts';
import { toStoredEvent } from './rows.ts';
import { eventAt, insertEvents, readBatchState, rewriteEvent } from './sql.ts';
import { underHeadLock } from './tx.ts';

export async function redactInTx(c: pg.ClientBase, r: RedactionRequest, now: () => number): Promise<AppendResult> {
  const request: AppendRequest = { stream: r.stream, ...checkAppend(r.stream, [r.event]) };
  return underHeadLock(c, async (head) => {
    const row = await eventAt(c, r.target);
    if (row === undefined) throw new RangeError(`no event at index ${r.target}`);
    const out = redactedEvent(toStoredEvent(row), r.paths);
    await rewriteEvent(c, r.target, JSON.stringify(out.data), openingText(out.opening) ?? '');
    const state = { ...head, ...(await readBatchState(c, [r.stream], [r.event.eventId])) };
    const p = plan(request, state, now());
    if (p.kind === 'refuse') throw p.error;
    if (p.kind === 'write') {
      await insertEvents(c, p.rows);
      applyPlan(state, p.rows);
      head.nextIndex = state.nextIndex;
      head.lastRecordedAt = state.lastRecordedAt;
    }
    return p.result;
  });
}
