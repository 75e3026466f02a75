import type { StoredEvent } from '../store/port.ts';
import { eventLeafHash, leafInput, type LeafInput } from './leaf.ts';
import { servedOpening, type ServedOpening } from './leaf-v2.ts';

/**
 * An /events item: the leaf-input fields, plus the store position and the leaf hash. Shared by the
 * HTTP log routes and `palimpsest export`, so an export line is exactly what /events serves. A v2
 * event adds `leafVersion: 2` and its opening (`seed`, or `salts` and `redacted` once redacted).
 */
export type EventItem = LeafInput & Partial<ServedOpening> & {
  /** Event data is always a JSON object. */
  data: Record<string, unknown>;
  position: string;
  leafHash: string;
};

export function eventItem(e: StoredEvent): EventItem {
  return {
    ...leafInput(e),
    data: e.data as Record<string, unknown>,
    ...(e.opening === undefined ? {} : servedOpening(e.opening)),
    position: String(e.position),
    leafHash: (e.leafHash ?? eventLeafHash(e)).toString('base64'),
  };
}
