import Database from 'better-sqlite3';
import { openingOfItem, servedOpening, type Opening } from '../../log/leaf-v2.ts';
import { StoreUnavailable, type EventMetadata, type StoredEvent } from '../port.ts';

/** An events row as SQLite returns it. */
export interface EventRow {
  idx: number;
  stream: string;
  revision: number;
  event_id: string;
  type: string;
  schema_version: number;
  recorded_at: string;
  data: string;
  metadata: string;
  leaf_hash: Buffer;
  /** NULL for a v1 event. */
  opening: string | null;
}

export const COLUMNS = 'idx, stream, revision, event_id, type, schema_version, recorded_at, data, metadata, leaf_hash, opening';

/** The opening column: the served form (docs/log.md), so one parser reads both. */
export function openingText(opening: Opening | undefined): string | null {
  return opening === undefined ? null : JSON.stringify(servedOpening(opening));
}

export function openingOfRow(text: string | null): Opening | undefined {
  if (text === null) return undefined;
  const opening = openingOfItem(JSON.parse(text) as Record<string, unknown>);
  if (opening === undefined) throw new Error('an opening column holds a v1 marker');
  return opening;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  const idx = BigInt(row.idx);
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    stream: row.stream,
    revision: BigInt(row.revision),
    recordedAt: row.recorded_at,
    index: idx,
    position: idx,
    leafHash: row.leaf_hash,
    ...(row.opening === null ? {} : { opening: openingOfRow(row.opening) }),
  };
}

export function isUniqueEventIdViolation(err: unknown): boolean {
  return err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE' && err.message.includes('events.event_id');
}

/** Lock timeouts, a full disk and I/O errors are the store being unavailable, not a caller bug. */
export function unavailable(err: unknown): unknown {
  if (err instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY)/.test(err.code)) {
    return new StoreUnavailable(err.message, { cause: err });
  }
  return err;
}
