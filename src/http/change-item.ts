import { INCIDENT_STREAM_PREFIX, SOURCE_STREAM_PREFIX } from '../domain/events.ts';
import type { z } from 'zod';
import type { StoredEvent } from '../store/port.ts';
import type { ChangeItem } from './schemas/log.ts';

/** One change: what happened, and which incident or source it touched (ACLED-style sync). */
export function changeItem(e: StoredEvent): z.infer<typeof ChangeItem> {
  const data = e.data as { claimId?: unknown };
  return {
    index: Number(e.index),
    type: e.type,
    recordedAt: e.recordedAt,
    actor: e.metadata.actor,
    stream: e.stream,
    ...(e.stream.startsWith(INCIDENT_STREAM_PREFIX) ? { incidentId: e.stream.slice(INCIDENT_STREAM_PREFIX.length) } : {}),
    ...(e.stream.startsWith(SOURCE_STREAM_PREFIX) ? { sourceId: e.stream.slice(SOURCE_STREAM_PREFIX.length) } : {}),
    ...(typeof data.claimId === 'string' ? { claimId: data.claimId } : {}),
    revision: Number(e.revision),
  };
}
