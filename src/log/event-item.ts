import type { StoredEvent } from '../store/port.ts';
import { eventLeafHash } from './leaf.ts';

/**
 * An /events item: the leaf-input fields, plus the store position and the leaf hash. Shared by the
 * HTTP log routes and `palimpsest export`, so an export line is exactly what /events serves.
 */
export function eventItem(e: StoredEvent): Record<string, unknown> {
  return {
    index: Number(e.index),
    stream: e.stream,
    revision: Number(e.revision),
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    recordedAt: e.recordedAt,
    data: e.data,
    metadata: e.metadata,
    position: String(e.position),
    leafHash: (e.leafHash ?? eventLeafHash(e)).toString('base64'),
  };
}
