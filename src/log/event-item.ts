import type { StoredEvent } from '../store/port.ts';
import { eventLeafHash, leafInput } from './leaf.ts';

/**
 * An /events item: the leaf-input fields, plus the store position and the leaf hash. Shared by the
 * HTTP log routes and `palimpsest export`, so an export line is exactly what /events serves.
 */
export function eventItem(e: StoredEvent): Record<string, unknown> {
  return { ...leafInput(e), position: String(e.position), leafHash: (e.leafHash ?? eventLeafHash(e)).toString('base64') };
}
