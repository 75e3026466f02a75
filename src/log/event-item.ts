import type { StoredEvent } from '../store/port.ts';
import { eventLeafHash, leafInput } from './leaf.ts';
import { servedOpening } from './leaf-v2.ts';

/**
 * An /events item: the leaf-input fields, plus the store position and the leaf hash. Shared by the
 * HTTP log routes and `palimpsest export`, so an export line is exactly what /events serves. A v2
 * event adds `leafVersion: 2` and its opening (`seed`, or `salts` and `redacted` once redacted).
 */
export function eventItem(e: StoredEvent): Record<string, unknown> {
  return {
    ...leafInput(e),
    ...(e.opening === undefined ? {} : servedOpening(e.opening)),
    position: String(e.position),
    leafHash: (e.leafHash ?? eventLeafHash(e)).toString('base64'),
  };
}
