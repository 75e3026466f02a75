/**
 * The port's importEvents on PostgreSQL: one transaction per call, under the head lock, every event
 * checked by the shared import rules (src/store/import-rules.ts) and written verbatim with one INSERT.
 */
import type pg from 'pg';
import { checkImported, type ImportCursor } from '../import-rules.ts';
import type { ImportedEvent } from '../port.ts';
import { openingText, type EventRow } from './plan.ts';
import { insertEvents, readBatchState } from './sql.ts';
import { underHeadLock } from './tx.ts';

export async function importInTx(c: pg.ClientBase, events: ImportedEvent[]): Promise<void> {
  await underHeadLock(c, async (head) => {
    const streams = [...new Set(events.map((e) => e.stream))];
    const { heads, ids } = await readBatchState(c, streams, events.map((e) => e.eventId));
    const [stored] = ids.keys();
    if (stored !== undefined) throw new Error(`import: event id ${stored} is already stored`);
    const cursor: ImportCursor = { nextIndex: head.nextIndex, lastRecordedAt: head.lastRecordedAt, heads: new Map() };
    const seen = new Set<string>();
    const rows: EventRow[] = events.map((e) => {
      const checked = checkImported(e, cursor, (stream) => heads.get(stream)?.revision ?? -1n);
      if (seen.has(e.eventId)) throw new Error(`import index ${e.index}: event id ${e.eventId} appears twice`);
      seen.add(e.eventId);
      return {
        idx: e.index, stream: e.stream, revision: e.revision, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion,
        recordedAt: e.recordedAt, dataText: checked.dataText, metadataText: checked.metadataText, leafHash: checked.leafHash,
        openingText: openingText(e.opening),
      };
    });
    if (rows.length === 0) return;
    await insertEvents(c, rows);
    head.nextIndex = cursor.nextIndex;
    head.lastRecordedAt = cursor.lastRecordedAt;
  });
}
