/**
 * Every statement the adapter sends, one SQL operation each. Named statements are prepared once
 * per connection by node-postgres and then only bound and executed.
 */
import type pg from 'pg';
import { SCHEMA } from './schema.ts';
import type { EventRow, LogState, StoredRef } from './plan.ts';

/** The channel every appending transaction notifies on; NOTIFY is delivered at COMMIT, never before. */
export const CHANNEL = 'palimpsest_events';

const COLUMNS = 'idx, stream, revision, event_id, type, schema_version, recorded_at, data, metadata, leaf_hash, opening';

/** What the driver hands back for an events row: int8 as a string, json parsed, bytea as a Buffer. */
export interface EventRowOut {
  idx: string;
  stream: string;
  revision: string;
  event_id: string;
  type: string;
  schema_version: number;
  recorded_at: string;
  data: unknown;
  metadata: unknown;
  leaf_hash: Buffer;
  /** The opening in its served form (docs/log.md), parsed; null for a v1 event. */
  opening: Record<string, unknown> | null;
}

/** Takes the head row lock, held until COMMIT or ROLLBACK: one appending transaction at a time. */
export async function lockHead(c: pg.ClientBase): Promise<{ nextIndex: bigint; lastRecordedAt: string | undefined }> {
  const { rows } = await c.query<{ next_index: string; last_recorded_at: string | null }>({
    name: 'palimpsest-lock-head',
    text: `SELECT next_index, last_recorded_at FROM ${SCHEMA}.log_head FOR UPDATE`,
  });
  const row = rows[0];
  if (row === undefined) throw new Error(`${SCHEMA}.log_head has no row: the schema is damaged`);
  return { nextIndex: BigInt(row.next_index), lastRecordedAt: row.last_recorded_at ?? undefined };
}

/** The heads of the batch's streams and which of its event ids are stored, in one round trip. */
export async function readBatchState(c: pg.ClientBase, streams: string[], ids: string[]): Promise<Pick<LogState, 'heads' | 'ids'>> {
  const { rows } = await c.query<{ kind: 'head' | 'id'; idx: string; stream: string; revision: string; event_id: string }>({
    name: 'palimpsest-batch-state',
    text: `(SELECT DISTINCT ON (stream) 'head' AS kind, idx, stream, revision, event_id::text
              FROM ${SCHEMA}.events WHERE stream = ANY($1::text[]) ORDER BY stream, revision DESC)
           UNION ALL
           (SELECT 'id', idx, stream, revision, event_id::text FROM ${SCHEMA}.events WHERE event_id = ANY($2::uuid[]))`,
    values: [streams, ids],
  });
  const heads = new Map<string, { idx: bigint; revision: bigint }>();
  const stored = new Map<string, StoredRef>();
  for (const r of rows) {
    const ref = { idx: BigInt(r.idx), stream: r.stream, revision: BigInt(r.revision) };
    if (r.kind === 'head') heads.set(r.stream, { idx: ref.idx, revision: ref.revision });
    else stored.set(r.event_id, ref);
  }
  return { heads, ids: stored };
}

export async function insertEvents(c: pg.ClientBase, rows: EventRow[]): Promise<void> {
  await c.query({
    name: 'palimpsest-insert-events',
    text: `INSERT INTO ${SCHEMA}.events (${COLUMNS})
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::integer[],
                                $7::text[], $8::json[], $9::json[], $10::bytea[], $11::json[])`,
    values: [
      rows.map((r) => r.idx), rows.map((r) => r.stream), rows.map((r) => r.revision), rows.map((r) => r.eventId),
      rows.map((r) => r.type), rows.map((r) => r.schemaVersion), rows.map((r) => r.recordedAt),
      rows.map((r) => r.dataText), rows.map((r) => r.metadataText), rows.map((r) => r.leafHash), rows.map((r) => r.openingText),
    ],
  });
}

/** Moves the head on and notifies the subscribers of every instance, both taking effect at COMMIT. */
export async function advanceHead(c: pg.ClientBase, nextIndex: bigint, lastRecordedAt: string | undefined): Promise<void> {
  await c.query({
    name: 'palimpsest-advance-head',
    text: `UPDATE ${SCHEMA}.log_head SET next_index = $1::bigint, last_recorded_at = $2 RETURNING pg_notify('${CHANNEL}', $1::bigint::text)`,
    values: [nextIndex, lastRecordedAt ?? null],
  });
}

/** One event by index, for a redaction; the head lock its transaction holds keeps appends out. */
export async function eventAt(c: pg.ClientBase, idx: bigint): Promise<EventRowOut | undefined> {
  const { rows } = await c.query<EventRowOut>({
    name: 'palimpsest-event-at',
    text: `SELECT ${COLUMNS} FROM ${SCHEMA}.events WHERE idx = $1 FOR UPDATE`,
    values: [idx],
  });
  return rows[0];
}

/** A redaction's rewrite: new data and opening, the leaf hash column untouched. */
export async function rewriteEvent(c: pg.ClientBase, idx: bigint, dataText: string, openingText: string): Promise<void> {
  await c.query({
    name: 'palimpsest-rewrite-event',
    text: `UPDATE ${SCHEMA}.events SET data = $2::json, opening = $3::json WHERE idx = $1`,
    values: [idx, dataText, openingText],
  });
}

export async function readAllRows(q: pg.Pool | pg.ClientBase, from: bigint, limit: number | null): Promise<EventRowOut[]> {
  const { rows } = await q.query<EventRowOut>({
    name: 'palimpsest-read-all',
    text: `SELECT ${COLUMNS} FROM ${SCHEMA}.events WHERE idx >= $1 ORDER BY idx ASC LIMIT $2`,
    values: [from, limit],
  });
  return rows;
}

export async function readStreamRows(
  q: pg.Pool, stream: string, from: bigint, direction: 'forwards' | 'backwards', limit: number | null,
): Promise<EventRowOut[]> {
  const { rows } = await q.query<EventRowOut>(direction === 'forwards'
    ? {
      name: 'palimpsest-read-forwards',
      text: `SELECT ${COLUMNS} FROM ${SCHEMA}.events WHERE stream = $1 AND revision >= $2 ORDER BY revision ASC LIMIT $3`,
      values: [stream, from, limit],
    }
    : {
      name: 'palimpsest-read-backwards',
      text: `SELECT ${COLUMNS} FROM ${SCHEMA}.events WHERE stream = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`,
      values: [stream, from, limit],
    });
  return rows;
}

export async function streamHead(q: pg.Pool, stream: string): Promise<bigint | undefined> {
  const { rows } = await q.query<{ revision: string }>({
    name: 'palimpsest-stream-head',
    text: `SELECT revision FROM ${SCHEMA}.events WHERE stream = $1 ORDER BY revision DESC LIMIT 1`,
    values: [stream],
  });
  const row = rows[0];
  return row === undefined ? undefined : BigInt(row.revision);
}

/** The committed size of the log: the head row moves in the same transaction as the rows. */
export async function logSize(q: pg.Pool | pg.ClientBase): Promise<bigint> {
  const { rows } = await q.query<{ next_index: string }>({
    name: 'palimpsest-log-size',
    text: `SELECT next_index FROM ${SCHEMA}.log_head`,
  });
  return BigInt(rows[0]?.next_index ?? '0');
}
