import type { Statement } from 'better-sqlite3';
import { checkImported, type ImportCursor } from '../import-rules.ts';
import type { ImportedEvent } from '../port.ts';
import { isUniqueEventIdViolation, openingText, type EventRow } from './rows.ts';

/** The statements an import needs, prepared once by the store. */
export interface ImportStatements {
  logHead: Statement<[], Pick<EventRow, 'idx' | 'recorded_at'>>;
  streamHead: Statement<[string], Pick<EventRow, 'idx' | 'revision'>>;
  insert: Statement<[number, string, number, string, string, number, string, string, string, Buffer, string | null]>;
}

/**
 * Writes exported events verbatim, inside the caller's transaction (see EventStore.importEvents),
 * each after the checks every adapter makes (src/store/import-rules.ts).
 */
export function importInTx(st: ImportStatements, events: ImportedEvent[]): void {
  const last = st.logHead.get();
  const cursor: ImportCursor = { nextIndex: last === undefined ? 0n : BigInt(last.idx + 1), lastRecordedAt: last?.recorded_at, heads: new Map() };
  const storedHead = (stream: string): bigint => {
    const row = st.streamHead.get(stream);
    return row === undefined ? -1n : BigInt(row.revision);
  };
  for (const e of events) {
    const { dataText, metadataText, leafHash } = checkImported(e, cursor, storedHead);
    try {
      st.insert.run(Number(e.index), e.stream, Number(e.revision), e.eventId, e.type, e.schemaVersion, e.recordedAt, dataText, metadataText, leafHash, openingText(e.opening));
    } catch (err) {
      if (isUniqueEventIdViolation(err)) throw new Error(`import index ${e.index} (stream ${e.stream}, revision ${e.revision}): event id ${e.eventId} is already stored`);
      throw err;
    }
  }
}
