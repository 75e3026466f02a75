/**
 * The rules of the EventStore port that do not depend on where the events live. Every adapter
 * calls these before it touches its database, so that a bad call fails the same way on each one,
 * and the shared contract suite (test/store/contract.ts) holds every adapter to them.
 */
import {
  WrongExpectedVersion,
  type AppendOptions, type EventMetadata, type ExpectedRevision, type NewEvent, type ReadAllOptions, type ReadStreamOptions,
} from './port.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const RECORDED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** The metadata keys a stored event may carry besides `actor` and `correlationId` (docs/log.md). */
export const OPTIONAL_METADATA_KEYS = ['causationId', 'idempotencyKey', 'requestHash'] as const;
const METADATA_KEYS: ReadonlySet<string> = new Set(['actor', 'correlationId', ...OPTIONAL_METADATA_KEYS]);

/** An event checked for appending, with its data and metadata as a reader will parse them back. */
export interface PreparedEvent extends NewEvent {
  data: Record<string, unknown>;
  /** The JSON texts of data and metadata, for adapters that store text. */
  dataText: string;
  metadataText: string;
}

export interface CheckedAppend {
  expected: ExpectedRevision;
  events: PreparedEvent[];
}

export function isEventId(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

export function checkStreamName(stream: unknown): asserts stream is string {
  if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('stream must be a non-empty string');
}

/**
 * Everything an append must satisfy before it is sent. The leaf hash commits to what a reader will
 * parse back, not to the caller's object (JSON drops undefined members and turns Dates into
 * strings), so the events come back as their JSON round trip.
 */
export function checkAppend(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): CheckedAppend {
  checkStreamName(stream);
  const expected = options.expected ?? 'any';
  if (typeof expected === 'bigint' && expected < 0n) throw new RangeError(`expected revision ${expected} is negative`);
  const seen = new Set<string>();
  return {
    expected,
    events: events.map((e): PreparedEvent => {
      if (!isEventId(e.eventId)) throw new TypeError(`event id ${JSON.stringify(e.eventId)} is not a lowercase UUID`);
      if (seen.has(e.eventId)) throw new TypeError(`event id ${e.eventId} appears twice in one append`);
      seen.add(e.eventId);
      if (typeof e.type !== 'string' || e.type.length === 0) throw new TypeError(`event ${e.eventId}: type must be a non-empty string`);
      checkSchemaVersion(e.schemaVersion, `event ${e.eventId}`);
      const dataText = JSON.stringify(e.data);
      const data: unknown = dataText === undefined ? undefined : JSON.parse(dataText);
      if (dataText === undefined || !isRecord(data)) throw new TypeError(`event ${e.eventId}: data must be a JSON object`);
      const metadata = checkMetadata(e.metadata, `event ${e.eventId}`);
      return { eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, data, metadata, dataText, metadataText: JSON.stringify(metadata) };
    }),
  };
}

export function checkSchemaVersion(schemaVersion: unknown, where: string): void {
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
    throw new TypeError(`${where}: schemaVersion ${String(schemaVersion)} is not an integer ≥ 1`);
  }
}

/** Exactly `actor` and `correlationId`, plus the optional keys when present: all non-empty strings. */
export function checkMetadata(metadata: unknown, where: string): EventMetadata {
  if (!isRecord(metadata)) throw new TypeError(`${where}: metadata must be an object`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined) continue;
    if (!METADATA_KEYS.has(key)) throw new TypeError(`${where}: metadata key ${JSON.stringify(key)} is not one the log stores`);
    if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${where}: metadata.${key} must be a non-empty string`);
    out[key] = value;
  }
  const { actor, correlationId } = out;
  if (actor === undefined || correlationId === undefined) throw new TypeError(`${where}: metadata needs actor and correlationId`);
  const checked: EventMetadata = { actor, correlationId };
  for (const key of OPTIONAL_METADATA_KEYS) {
    const value = out[key];
    if (value !== undefined) checked[key] = value;
  }
  return checked;
}

/** Throws WrongExpectedVersion unless the stream's current revision (undefined: no stream) fits. */
export function checkExpected(stream: string, expected: ExpectedRevision, current: bigint | undefined): void {
  const ok = expected === 'any'
    || (expected === 'no_stream' && current === undefined)
    || (expected === 'stream_exists' && current !== undefined)
    || (typeof expected === 'bigint' && current === expected);
  if (!ok) throw new WrongExpectedVersion(stream, expected, current ?? 'no_stream');
}

export interface CheckedStreamRead {
  from: bigint | undefined;
  direction: 'forwards' | 'backwards';
  limit: number | undefined;
}

/** A negative `from` is a caller's bug on every adapter, not "from the start". */
export function checkReadStream(stream: string, options: ReadStreamOptions = {}): CheckedStreamRead {
  checkStreamName(stream);
  return { from: checkFrom(options.from), direction: options.direction ?? 'forwards', limit: checkLimit(options.limit) };
}

export function checkReadAll(options: ReadAllOptions = {}): { from: bigint; limit: number | undefined } {
  return { from: checkFrom(options.from) ?? 0n, limit: checkLimit(options.limit) };
}

export function checkFrom(from: bigint | undefined): bigint | undefined {
  if (from === undefined) return undefined;
  if (typeof from !== 'bigint' || from < 0n) throw new RangeError(`from ${String(from)} is not a bigint ≥ 0`);
  return from;
}

export function checkLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit ${limit} is not an integer ≥ 0`);
  return limit;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
