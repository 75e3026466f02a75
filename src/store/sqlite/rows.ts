import Database from 'better-sqlite3';
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
}

export const COLUMNS = 'idx, stream, revision, event_id, type, schema_version, recorded_at, data, metadata, leaf_hash';

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
  };
}

export function isUniqueEventIdViolation(err: unknown): boolean {
  return err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE' && err.message.includes('events.event_id');
}

/** Lock timeouts, a full disk and I/O errors are the store being unavailable, not a caller bug. */
export function unavailable(err: unknown): unknown {
  if (err instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN)/.test(err.code)) {
    return new StoreUnavailable(err.message, { cause: err });
  }
  return err;
}
