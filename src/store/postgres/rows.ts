import { openingOfItem, type Opening } from '../../log/leaf-v2.ts';
import type { EventMetadata, StoredEvent } from '../port.ts';
import type { EventRowOut } from './sql.ts';

export function toStoredEvent(row: EventRowOut): StoredEvent {
  const idx = BigInt(row.idx);
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata as EventMetadata,
    stream: row.stream,
    revision: BigInt(row.revision),
    recordedAt: row.recorded_at,
    index: idx,
    position: idx,
    leafHash: row.leaf_hash,
    ...(row.opening === null ? {} : { opening: openingOfRow(row.opening) }),
  };
}

function openingOfRow(served: Record<string, unknown>): Opening {
  const opening = openingOfItem(served);
  if (opening === undefined) throw new Error('an opening column holds a v1 marker');
  return opening;
}
