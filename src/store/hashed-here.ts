import type { StoredEvent } from './port.ts';

/**
 * Events a store hands its live subscribers straight from its own append, with the leaf hash it
 * computed from these very fields a moment before, instead of reading them back: recomputing that
 * leaf would check the hash against itself. The server's leaf check (docs/log.md, "The server
 * checks itself") guards what was read from a store; it skips these, and only these, objects.
 */
const hashedHere = new WeakSet<StoredEvent>();

export function markHashedHere(e: StoredEvent): StoredEvent {
  hashedHere.add(e);
  return e;
}

export function isHashedHere(e: StoredEvent): boolean {
  return hashedHere.has(e);
}
