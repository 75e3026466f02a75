import { z } from 'zod';
import { pointerOf, redactedPaths, type Opening } from '../log/leaf-v2.ts';
import { EVENT_SCHEMAS, isEventType, type EventType, type IncidentEvent, type SourceEvent } from './events.ts';

/** Lifts one event's data from the version it was written with to the next. */
type Step = (data: unknown) => unknown;

/**
 * Per event type, the step from version v to v + 1, keyed by v. Every type is still at version 1, so
 * reading is the identity. To change a schema: bump its `schemaVersion` in events.ts and add the step
 * here; stored events are never rewritten, they are read through these steps.
 */
const STEPS: { readonly [T in EventType]: Readonly<Record<number, Step>> } = {
  IncidentRegistered: {},
  IncidentAmended: {},
  ClaimRecorded: {},
  ClaimRevised: {},
  ClaimRetracted: {},
  ClaimCorrected: {},
  ClaimRanked: {},
  SourceRegistered: {},
  SourceAmended: {},
};

/** A stored event this code cannot read: corrupt data or a log written by a newer version. Not a domain error. */
export class StoredEventError extends Error {
  override readonly name = 'StoredEventError';
}

export function upcast(type: string, schemaVersion: number, data: unknown): { type: EventType; data: unknown } {
  if (!isEventType(type)) throw new StoredEventError(`unknown event type '${type}'`);
  const current = EVENT_SCHEMAS[type].schemaVersion;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) throw new StoredEventError(`${type}: invalid schemaVersion ${schemaVersion}`);
  if (schemaVersion > current) {
    throw new StoredEventError(`${type} v${schemaVersion} is newer than this code reads (v${current}); upgrade before reading this log`);
  }
  let upcasted = data;
  for (let v = schemaVersion; v < current; v++) {
    const step = STEPS[type][v] ?? missing(type, v);
    upcasted = step(upcasted);
  }
  return { type, data: upcasted };
}

function missing(type: EventType, v: number): never {
  throw new StoredEventError(`${type}: no upcast step from v${v} to v${v + 1}`);
}

interface StoredShape {
  type: string;
  schemaVersion: number;
  data: unknown;
  /** A redacted event's strings read as null where they were erased. */
  opening?: Opening;
}

const INCIDENT_TYPES: Record<IncidentEvent['type'], true> = {
  IncidentRegistered: true, IncidentAmended: true, ClaimRecorded: true, ClaimRevised: true,
  ClaimRetracted: true, ClaimCorrected: true, ClaimRanked: true,
};
const SOURCE_TYPES: Record<SourceEvent['type'], true> = { SourceRegistered: true, SourceAmended: true };

/** A stored event of an incident stream, upcast and checked against its current schema. */
export function parseIncidentEvent(e: StoredShape): IncidentEvent {
  const { type, data } = parse(e);
  if (!Object.hasOwn(INCIDENT_TYPES, type)) throw new StoredEventError(`${type} does not belong in an incident stream`);
  // Sound: the type is one of IncidentEvent's and data was parsed by that type's own schema.
  return { type, data } as IncidentEvent;
}

/** A stored event of a source stream, upcast and checked against its current schema. */
export function parseSourceEvent(e: StoredShape): SourceEvent {
  const { type, data } = parse(e);
  if (!Object.hasOwn(SOURCE_TYPES, type)) throw new StoredEventError(`${type} does not belong in a source stream`);
  return { type, data } as SourceEvent;
}

function parse(e: StoredShape): { type: EventType; data: unknown } {
  const up = upcast(e.type, e.schemaVersion, e.data);
  const result = EVENT_SCHEMAS[up.type].schema.safeParse(up.data);
  // A redaction leaves null where a string was (docs/log.md): the event is still sound when
  // every mismatch is at, inside or around an erased path. Ids, predicate and qualifiers, which the
  // decider relies on, can never be erased.
  if (!result.success && e.opening !== undefined) {
    const erased = redactedPaths(e.opening);
    const onlyErased = result.error.issues.every((i) => {
      const at = pointerOf(i.path.map((t) => (typeof t === 'symbol' ? String(t) : t)));
      return erased.some((p) => p.startsWith(at) || at.startsWith(p));
    });
    if (erased.length > 0 && onlyErased) return { type: up.type, data: up.data };
  }
  if (!result.success) throw new StoredEventError(`${up.type}: stored data does not match its schema:\n${z.prettifyError(result.error)}`);
  return { type: up.type, data: result.data };
}
