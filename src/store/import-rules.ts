/**
 * The adapter-independent checks of the port's importEvents (src/store/port.ts): an exported event
 * is trusted in nothing. It must continue the log densely and its stream at the next revision, keep
 * recordedAt from decreasing, carry a lowercase UUID and a schemaVersion ≥ 1, and when the line
 * gives a leaf hash, equal the one recomputed from its fields.
 */
import { eventLeafHash } from '../log/leaf.ts';
import type { EventMetadata, ImportedEvent } from './port.ts';
import { RECORDED_AT, isEventId } from './rules.ts';

/** Where the log stands while a batch is checked; advanced by each accepted event. */
export interface ImportCursor {
  nextIndex: bigint;
  lastRecordedAt: string | undefined;
  /** Revision of the last event of each stream seen so far (-1n: none). */
  heads: Map<string, bigint>;
}

export interface CheckedImport {
  dataText: string;
  metadataText: string;
  leafHash: Buffer;
}

/** Checks one event against the cursor (and `storedHead`, for a stream the cursor has not seen), then advances it. */
export function checkImported(e: ImportedEvent, cursor: ImportCursor, storedHead: (stream: string) => bigint): CheckedImport {
  const where = `import index ${e.index} (stream ${e.stream}, revision ${e.revision})`;
  if (e.index !== cursor.nextIndex) throw new Error(`${where}: the log continues at index ${cursor.nextIndex}`);
  const head = cursor.heads.get(e.stream) ?? storedHead(e.stream);
  if (e.revision !== head + 1n) throw new Error(`${where}: the stream continues at revision ${head + 1n}`);
  if (!isEventId(e.eventId)) throw new Error(`${where}: event id ${JSON.stringify(e.eventId)} is not a lowercase UUID`);
  if (!Number.isSafeInteger(e.schemaVersion) || e.schemaVersion < 1) throw new Error(`${where}: schemaVersion is not an integer ≥ 1`);
  if (!RECORDED_AT.test(e.recordedAt) || Number.isNaN(Date.parse(e.recordedAt))) throw new Error(`${where}: recordedAt ${JSON.stringify(e.recordedAt)} is not YYYY-MM-DDTHH:mm:ss.sssZ`);
  if (cursor.lastRecordedAt !== undefined && e.recordedAt < cursor.lastRecordedAt) throw new Error(`${where}: recordedAt ${e.recordedAt} is before the previous event's ${cursor.lastRecordedAt}`);
  const dataText = JSON.stringify(e.data);
  const metadataText = JSON.stringify(e.metadata);
  if (dataText === undefined || metadataText === undefined) throw new Error(`${where}: data and metadata must be JSON`);
  // Hashed as a reader will parse the row back, like append does.
  const leafHash = eventLeafHash({
    index: e.index, stream: e.stream, revision: e.revision, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion,
    recordedAt: e.recordedAt, data: JSON.parse(dataText) as unknown, metadata: JSON.parse(metadataText) as EventMetadata,
    ...(e.opening === undefined ? {} : { opening: e.opening }),
  });
  if (e.leafHash !== undefined && !e.leafHash.equals(leafHash)) {
    throw new Error(`${where}: leaf hash ${e.leafHash.toString('base64')} differs from recomputed ${leafHash.toString('base64')}`);
  }
  cursor.heads.set(e.stream, e.revision);
  cursor.nextIndex += 1n;
  cursor.lastRecordedAt = e.recordedAt;
  return { dataText, metadataText, leafHash };
}
