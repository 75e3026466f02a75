/**
 * One group commit: every append queued since the last one shares a transaction and its WAL
 * flush. Each caller is answered only after COMMIT returned.
 *
 * Under the head lock the batch reads what its requests depend on (the log head, their streams'
 * heads, which of their ids are stored), decides every request in memory in arrival order (see
 * plan.ts), and writes all accepted rows with one INSERT: five round trips however many requests
 * share the batch. Should the server refuse that INSERT (a value PostgreSQL cannot store, such as
 * a NUL character in a stream name), the transaction is rolled back and the batch runs again with
 * a SAVEPOINT per request, so only the request at fault fails and the others are written as if it
 * had never been made.
 */
import type pg from 'pg';
import type { AppendResult } from '../port.ts';
import { applyPlan, plan, type AppendRequest, type EventRow, type LogState } from './plan.ts';
import { advanceHead, insertEvents, lockHead, readBatchState } from './sql.ts';

export type Outcome = AppendResult | { error: unknown };

export interface BatchResult {
  outcomes: Outcome[];
  /** Events written; 0 when every request was refused, empty or a replay. */
  written: number;
}

export interface BatchOptions {
  now(): number;
  /** Runs in the transaction, holding the head lock, just before COMMIT; a throw rolls the batch back. */
  beforeCommit?: () => Promise<void>;
}

export async function commitBatch(c: pg.ClientBase, requests: AppendRequest[], opts: BatchOptions): Promise<BatchResult> {
  try {
    return await inTransaction(c, requests, opts, false);
  } catch (err) {
    if (!isRowRefusal(err)) throw err;
    return inTransaction(c, requests, opts, true);
  }
}

async function inTransaction(c: pg.ClientBase, requests: AppendRequest[], opts: BatchOptions, savepoints: boolean): Promise<BatchResult> {
  const { now } = opts;
  await c.query('BEGIN');
  try {
    const state = await readState(c, requests);
    const result = savepoints ? await oneByOne(c, requests, state, now) : await allAtOnce(c, requests, state, now);
    if (result.written > 0) await advanceHead(c, state.nextIndex, state.lastRecordedAt);
    await opts.beforeCommit?.();
    await c.query('COMMIT');
    return result;
  } catch (err) {
    // A lost connection cannot roll back; the server aborts the transaction when the socket closes.
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

async function readState(c: pg.ClientBase, requests: AppendRequest[]): Promise<LogState> {
  const head = await lockHead(c);
  const streams = [...new Set(requests.map((r) => r.stream))];
  const ids = requests.flatMap((r) => r.events.map((e) => e.eventId));
  const { heads, ids: stored } = await readBatchState(c, streams, ids);
  return { ...head, heads, ids: stored };
}

async function allAtOnce(c: pg.ClientBase, requests: AppendRequest[], state: LogState, now: () => number): Promise<BatchResult> {
  const rows: EventRow[] = [];
  const outcomes = requests.map((r): Outcome => {
    const p = plan(r, state, now());
    if (p.kind === 'refuse') return { error: p.error };
    if (p.kind === 'write') {
      applyPlan(state, p.rows);
      rows.push(...p.rows);
    }
    return p.result;
  });
  if (rows.length > 0) await insertEvents(c, rows);
  return { outcomes, written: rows.length };
}

async function oneByOne(c: pg.ClientBase, requests: AppendRequest[], state: LogState, now: () => number): Promise<BatchResult> {
  const outcomes: Outcome[] = [];
  let written = 0;
  for (const r of requests) {
    const p = plan(r, state, now());
    if (p.kind !== 'write') {
      outcomes.push(p.kind === 'refuse' ? { error: p.error } : p.result);
      continue;
    }
    await c.query('SAVEPOINT request');
    try {
      await insertEvents(c, p.rows);
      await c.query('RELEASE SAVEPOINT request');
    } catch (error) {
      if (!isRowRefusal(error)) throw error;
      await c.query('ROLLBACK TO SAVEPOINT request');
      outcomes.push({ error });
      continue;
    }
    applyPlan(state, p.rows);
    written += p.rows.length;
    outcomes.push(p.result);
  }
  return { outcomes, written };
}

/**
 * The server refused a row for what it holds (SQLSTATE classes 22 data exception, 23 integrity
 * constraint, 54 program limit exceeded): the request's fault, not the batch's nor the server's.
 */
function isRowRefusal(err: unknown): boolean {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}
