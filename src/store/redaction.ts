/**
 * The adapter-independent part of the port's redactEvent (docs/redaction.md, "For an adapter"):
 * from the stored event, the data and opening to write back. The stored leaf hash must still follow
 * from them, or nothing may be written: a redaction never changes the tree.
 */
import { eventLeafHash } from '../log/leaf.ts';
import { LeafV2Error, redact, type RedactedOpening } from '../log/leaf-v2.ts';
import { NotRedactable, type StoredEvent } from './port.ts';

export function redactedEvent(e: StoredEvent, paths: readonly string[]): { data: unknown; opening: RedactedOpening } {
  if (e.opening === undefined) throw new NotRedactable(`the event at index ${e.index} has a v1 leaf: its strings are part of the leaf itself`);
  let out: ReturnType<typeof redact>;
  try {
    out = redact(e.data, e.opening, paths);
  } catch (err) {
    if (err instanceof LeafV2Error) throw new RangeError(err.message);
    throw err;
  }
  const opening = { salts: out.salts, redacted: out.redacted };
  const stored = e.leafHash;
  if (stored === undefined || !eventLeafHash({ ...e, data: out.data, opening }).equals(stored)) {
    throw new Error(`redaction of index ${e.index} would change its leaf hash: the stored event does not match its leaf`);
  }
  return { data: out.data, opening };
}
