import Database from 'better-sqlite3';
import { lazySeedOpening, openingOfItem, servedOpening, type Opening } from '../../log/leaf-v2.ts';
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

/**
 * What a read selects: COLUMNS, the leaf hash as hex. A Buffer made from text is a slice of Node's
 * pool, while each one the driver returns is an allocation of its own: at a million events, a
 * twentieth of a rebuild.
 */
export const SELECTED = COLUMNS.replace('leaf_hash', 'hex(leaf_hash)');

/**
 * One row's SELECTED in order, as a raw statement returns them: an array per row reads a page of
 * events a third faster than an object with a key per column.
 */
export type EventValues = [
  idx: number, stream: string, revision: number, event_id: string, type: string, schema_version: number, recorded_at: string,
  data: string, metadata: string, leaf_hex: string, opening: string | null,
];

/** A statement that selects SELECTED, reading each row as EventValues. */
export function prepareValues<P extends unknown[]>(db: Database.Database, sql: string): Database.Statement<P, EventValues> {
  return db.prepare<P, EventValues>(sql).raw();
}

/** The opening column: the served form (docs/log.md), so one parser reads both. */
export function openingText(opening: Opening | undefined): string | null {
  return opening === undefined ? null : JSON.stringify(servedOpening(opening));
}

/** A seed opening as openingText writes it: all but the seed's 44 characters of base64. */
const SEED_HEAD = '{"leafVersion":2,"seed":"';
const SEED_TAIL = '"}';
const SEED_TEXT_LENGTH = SEED_HEAD.length + 44 + SEED_TAIL.length;

export function openingOfRow(text: string | null): Opening | undefined {
  if (text === null) return undefined;
  // Nearly every row: its seed is cut out of the text rather than parsed, and decoded only when read
  // (a fold over the log never reads it; the leaf check and the /events items do).
  if (text.length === SEED_TEXT_LENGTH && text.startsWith(SEED_HEAD) && text.endsWith(SEED_TAIL)) {
    return lazySeedOpening(text.slice(SEED_HEAD.length, -SEED_TAIL.length));
  }
  const opening = openingOfItem(JSON.parse(text) as Record<string, unknown>);
  if (opening === undefined) throw new Error('an opening column holds a v1 marker');
  return opening;
}

/** Two literals rather than a spread of the opening: one object per event, of one of two shapes. */
export function toStoredEvent(row: EventValues): StoredEvent {
  const [rowIdx, stream, rowRevision, eventId, type, schemaVersion, recordedAt, dataText, metadataText, leafHex, openingColumn] = row;
  const leafHash = Buffer.from(leafHex, 'hex');
  const idx = BigInt(rowIdx);
  const data = JSON.parse(dataText) as unknown;
  const metadata = JSON.parse(metadataText) as EventMetadata;
  const revision = BigInt(rowRevision);
  if (openingColumn === null) return { eventId, type, schemaVersion, data, metadata, stream, revision, recordedAt, index: idx, position: idx, leafHash };
  return {
    eventId, type, schemaVersion, data, metadata, stream, revision, recordedAt, index: idx, position: idx, leafHash, opening: openingOfRow(openingColumn),
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
