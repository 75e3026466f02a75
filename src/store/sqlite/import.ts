import type { Statement } from 'better-sqlite3';
import { eventLeafHash } from '../../log/leaf.ts';
import type { EventMetadata, ImportedEvent } from '../port.ts';
import { RECORDED_AT, isEventId } from '../rules.ts';
import { isUniqueEventIdViolation, openingText, type EventRow } from './rows.ts';

/** The statements an import needs, prepared once by the store. */
export interface ImportStatements {
  logHead: Statement<[], Pick<EventRow, 'idx' | 'recorded_at'>>;
  streamHead: Statement<[string], Pick<EventRow, 'idx' | 'revision'>>;
  insert: Statement<[number, string, number, string, string, number, string, string, string, Buffer, string | null]>;
}

/**
 * Writes exported events verbatim, inside the caller's transaction (see EventStore.importEvents).
 * Nothing is trusted: each batch must continue the log densely (index = size), each stream at its
 * next revision, recordedAt never decreasing, and a given leaf hash must equal the recomputed one.
 */
export function importInTx(st: ImportStatements, events: ImportedEvent[]): void {
  const last = st.logHead.get();
  let idx = last === undefined ? 0 : last.idx + 1;
  let lastRecordedAt = last?.recorded_at;
  const heads = new Map<string, number>();
  for (const e of events) {
    const where = `index ${e.index} (stream ${e.stream}, revision ${e.revision})`;
    if (e.index !== BigInt(idx)) throw new Error(`import ${where}: the log continues at index ${idx}`);
    let head = heads.get(e.stream);
    if (head === undefined) {
      const row = st.streamHead.get(e.stream);
      head = row === undefined ? -1 : row.revision;
    }
    if (e.revision !== BigInt(head + 1)) throw new Error(`import ${where}: the stream continues at revision ${head + 1}`);
    if (!isEventId(e.eventId)) throw new Error(`import ${where}: event id ${JSON.stringify(e.eventId)} is not a lowercase UUID`);
    if (!Number.isSafeInteger(e.schemaVersion) || e.schemaVersion < 1) throw new Error(`import ${where}: schemaVersion is not an integer ≥ 1`);
    if (!RECORDED_AT.test(e.recordedAt) || Number.isNaN(Date.parse(e.recordedAt))) throw new Error(`import ${where}: recordedAt ${JSON.stringify(e.recordedAt)} is not YYYY-MM-DDTHH:mm:ss.sssZ`);
    if (lastRecordedAt !== undefined && e.recordedAt < lastRecordedAt) throw new Error(`import ${where}: recordedAt ${e.recordedAt} is before the previous event's ${lastRecordedAt}`);
    const dataText = JSON.stringify(e.data);
    const metadataText = JSON.stringify(e.metadata);
    if (dataText === undefined || metadataText === undefined) throw new Error(`import ${where}: data and metadata must be JSON`);
    // Hashed as a reader will parse the row back, like append does.
    const leafHash = eventLeafHash({
      index: e.index, stream: e.stream, revision: e.revision, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion,
      recordedAt: e.recordedAt, data: JSON.parse(dataText) as unknown, metadata: JSON.parse(metadataText) as EventMetadata,
      ...(e.opening === undefined ? {} : { opening: e.opening }),
    });
    if (e.leafHash !== undefined && !e.leafHash.equals(leafHash)) {
      throw new Error(`import ${where}: leaf hash ${e.leafHash.toString('base64')} differs from recomputed ${leafHash.toString('base64')}`);
    }
    try {
      st.insert.run(idx, e.stream, Number(e.revision), e.eventId, e.type, e.schemaVersion, e.recordedAt, dataText, metadataText, leafHash, openingText(e.opening));
    } catch (err) {
      if (isUniqueEventIdViolation(err)) throw new Error(`import ${where}: event id ${e.eventId} is already stored`);
      throw err;
    }
    heads.set(e.stream, head + 1);
    lastRecordedAt = e.recordedAt;
    idx += 1;
  }
}
