/**
 * Pure translations between the EventStore port and the KurrentDB client's shapes. Nothing here
 * talks to a server, so every rule of the adapter that can be checked without one is checked in
 * test/store/kurrentdb-mapping.test.ts.
 */
import { openingOfItem, servedOpening, type Opening, type ServedOpening } from '../../log/leaf-v2.ts';
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  ErrorType,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import type { AppendStreamState, CurrentStreamState, EventData, Filter, JSONType, Position } from '@kurrent/kurrentdb-client';
import {
  StoreUnavailable,
  StreamNotFound,
  WrongExpectedVersion,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type StoredEvent,
} from '../port.ts';
import { OPTIONAL_METADATA_KEYS, RECORDED_AT } from '../rules.ts';

/** The only streams Palimpsest writes (incident-… and source-…). Everything else on the server is not ours. */
export const PALIMPSEST_STREAM_PREFIXES: readonly string[] = ['incident-', 'source-'];

/**
 * Our own connection-string parameter, removed before the URL reaches the client. It widens (or
 * narrows) the streams this instance treats as the log, e.g. for the shared contract suite, whose
 * streams are `contract-…`. Comma-separated, each prefix ending in `-`.
 */
export const STREAM_PREFIXES_PARAM = 'palimpsestStreamPrefixes';

export interface ParsedStoreUrl {
  /** The connection string as the KurrentDB client takes it. */
  clientUrl: string;
  prefixes: readonly string[];
}

const PREFIX = /^[a-z0-9][a-z0-9-]*-$/;

export function parseStoreUrl(url: string): ParsedStoreUrl {
  const q = url.indexOf('?');
  if (q < 0) return { clientUrl: url, prefixes: PALIMPSEST_STREAM_PREFIXES };
  // Split by hand rather than re-serialising with URLSearchParams, which would percent-encode the
  // client's own values (tlsCAFile=/certs/ca.crt) in ways its parser may not undo.
  const pairs = url.slice(q + 1).split('&');
  const mine = pairs.filter((pair) => pair.split('=')[0] === STREAM_PREFIXES_PARAM);
  if (mine.length === 0) return { clientUrl: url, prefixes: PALIMPSEST_STREAM_PREFIXES };
  const raw = decodeURIComponent(mine[mine.length - 1]?.slice(STREAM_PREFIXES_PARAM.length + 1) ?? '');
  const prefixes = raw.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  const bad = prefixes.find((p) => !PREFIX.test(p));
  if (prefixes.length === 0 || bad !== undefined) {
    throw new TypeError(`${STREAM_PREFIXES_PARAM} must be a comma-separated list of prefixes like incident-, got ${JSON.stringify(raw)}`);
  }
  const rest = pairs.filter((pair) => pair.split('=')[0] !== STREAM_PREFIXES_PARAM).join('&');
  return { clientUrl: rest.length > 0 ? `${url.slice(0, q)}?${rest}` : url.slice(0, q), prefixes };
}

/** The connection string with our prefix parameter set, for callers that build one. */
export function withStreamPrefixes(url: string, prefixes: readonly string[]): string {
  const { clientUrl } = parseStoreUrl(url);
  const sep = clientUrl.includes('?') ? '&' : '?';
  const built = `${clientUrl}${sep}${STREAM_PREFIXES_PARAM}=${prefixes.join(',')}`;
  parseStoreUrl(built);
  return built;
}

// ---------------------------------------------------------------- expected revision

export function toStreamState(expected: ExpectedRevision | undefined): AppendStreamState {
  switch (expected) {
    case undefined:
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (expected < 0n) throw new RangeError(`expected revision must be >= 0, got ${expected}`);
      return expected;
  }
}

/**
 * The client reports a missing stream as 'no_stream', and a deleted or tombstoned one as a negative
 * number (-5, -6 in its ConsistencyViolation docs). For the port both mean "nothing to append after".
 */
export function toActualRevision(current: CurrentStreamState): bigint | 'no_stream' {
  if (current === NO_STREAM) return 'no_stream';
  return current < 0n ? 'no_stream' : current;
}

// ---------------------------------------------------------------- errors

/** Error types that mean "the server could not be reached or did not answer", not "the request was wrong". */
const UNAVAILABLE_TYPES: ReadonlySet<string> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
]);

function errorType(err: unknown): string | undefined {
  if (err instanceof Error && 'type' in err && typeof err.type === 'string') return err.type;
  return undefined;
}

/**
 * Translates a client error into the port's errors. `expected` is what the caller asked for (the
 * client's own record of it loses the port's spelling); anything unrecognised is returned as is.
 */
export function toPortError(err: unknown, stream: string, expected?: ExpectedRevision): unknown {
  const type = errorType(err);
  if (err instanceof WrongExpectedVersionError || type === ErrorType.WRONG_EXPECTED_VERSION) {
    const actual = err instanceof WrongExpectedVersionError ? toActualRevision(err.actualState) : 'no_stream';
    return new WrongExpectedVersion(stream, expected ?? 'any', actual);
  }
  if (err instanceof StreamNotFoundError || type === ErrorType.STREAM_NOT_FOUND) return new StreamNotFound(stream);
  if (type !== undefined && UNAVAILABLE_TYPES.has(type)) {
    const cause = err instanceof Error ? err.message : String(err);
    return new StoreUnavailable(`KurrentDB unavailable (${type}): ${cause}`, { cause: err });
  }
  return err;
}

export function isStreamNotFound(err: unknown): boolean {
  return err instanceof StreamNotFoundError || errorType(err) === ErrorType.STREAM_NOT_FOUND;
}

// ---------------------------------------------------------------- metadata

/**
 * What we store as the KurrentDB event's JSON metadata. `schemaVersion` and `recordedAt` live here
 * because KurrentDB has no field for them: its own `created` is the server's clock, which we do not
 * control and which is not guaranteed never to decrease along $all.
 */
export interface StoredMetadataJson {
  actor: string;
  correlationId: string;
  causationId?: string;
  idempotencyKey?: string;
  requestHash?: string;
  schemaVersion: number;
  recordedAt: string;
  /** A v2 event's opening in its served form (docs/log.md); absent for a v1 event. */
  leafOpening?: ServedOpening;
}


export function encodeMetadata(metadata: EventMetadata, schemaVersion: number, recordedAt: string): StoredMetadataJson {
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) throw new RangeError(`schemaVersion must be an integer >= 1, got ${schemaVersion}`);
  if (!RECORDED_AT.test(recordedAt)) throw new RangeError(`recordedAt must be YYYY-MM-DDTHH:mm:ss.sssZ, got ${recordedAt}`);
  // Optional fields are omitted when absent, never stored as null or undefined (docs/log.md).
  const out: StoredMetadataJson = { actor: metadata.actor, correlationId: metadata.correlationId, schemaVersion, recordedAt };
  for (const key of OPTIONAL_METADATA_KEYS) {
    const value = metadata[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export interface DecodedMetadata {
  metadata: EventMetadata;
  schemaVersion: number;
  recordedAt: string;
  opening?: Opening;
}

export class MalformedEvent extends Error {
  override readonly name = 'MalformedEvent';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * Strict on purpose: an event in a Palimpsest stream whose metadata does not have our shape was not
 * written by this adapter, and letting it into the log would put an unverifiable leaf in the tree.
 * Unknown keys are dropped, so the leaf input has exactly the port's metadata fields.
 */
export function decodeMetadata(raw: unknown, where: string): DecodedMetadata {
  if (!isRecord(raw)) throw new MalformedEvent(`${where}: metadata is not a JSON object`);
  const { actor, correlationId, schemaVersion, recordedAt } = raw;
  if (typeof actor !== 'string') throw new MalformedEvent(`${where}: metadata.actor is not a string`);
  if (typeof correlationId !== 'string') throw new MalformedEvent(`${where}: metadata.correlationId is not a string`);
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new MalformedEvent(`${where}: metadata.schemaVersion is not an integer >= 1`);
  }
  if (typeof recordedAt !== 'string' || !RECORDED_AT.test(recordedAt)) {
    throw new MalformedEvent(`${where}: metadata.recordedAt is not YYYY-MM-DDTHH:mm:ss.sssZ`);
  }
  const metadata: EventMetadata = { actor, correlationId };
  for (const key of OPTIONAL_METADATA_KEYS) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new MalformedEvent(`${where}: metadata.${key} is not a string`);
    metadata[key] = value;
  }
  let opening: Opening | undefined;
  if (raw.leafOpening !== undefined) {
    try {
      opening = isRecord(raw.leafOpening) ? openingOfItem(raw.leafOpening) : undefined;
    } catch (err) {
      throw new MalformedEvent(`${where}: metadata.leafOpening: ${(err as Error).message}`);
    }
    if (opening === undefined) throw new MalformedEvent(`${where}: metadata.leafOpening is not a v2 opening`);
  }
  return { metadata, schemaVersion, recordedAt, ...(opening ? { opening } : {}) };
}

/** The recordedAt of stored metadata, or undefined when it has none of our shape (for the high-water mark only). */
export function recordedAtOf(raw: unknown): string | undefined {
  if (!isRecord(raw)) return undefined;
  const { recordedAt } = raw;
  return typeof recordedAt === 'string' && RECORDED_AT.test(recordedAt) ? recordedAt : undefined;
}

// ---------------------------------------------------------------- events out

function asJsonData(data: unknown, where: string): JSONType {
  if (typeof data === 'string' || Array.isArray(data) || isRecord(data)) return data;
  throw new TypeError(`${where}: event data must be a JSON object, array or string`);
}

/**
 * KurrentDB events cannot be rewritten in place by a client, so a v2 event's seed rides in its
 * metadata: its leaf is v2 and verifiable, but this adapter offers no redaction (docs/log.md).
 */
export function toEventData(event: NewEvent, recordedAt: string, opening?: Opening): EventData {
  return jsonEvent({
    id: event.eventId,
    type: event.type,
    data: asJsonData(event.data, event.eventId),
    metadata: { ...encodeMetadata(event.metadata, event.schemaVersion, recordedAt), ...(opening ? { leafOpening: servedOpening(opening) } : {}) },
  });
}

/**
 * recordedAt never decreases along the log (docs/log.md): the later of the clock and the
 * last value this client has seen, whether written by itself or read back from $all.
 */
export function nextRecordedAt(now: Date, lastSeen: string | undefined): string {
  const clock = now.toISOString();
  return lastSeen !== undefined && lastSeen > clock ? lastSeen : clock;
}

// ---------------------------------------------------------------- positions

/**
 * The port's `position` is the commit position: opaque to callers, non-decreasing along $all. The
 * prepare half is kept by the adapter (in its index map) where it has to hand a full Position back
 * to the server, because in a multi-event transaction the events can share one commit position.
 */
export function positionToBigint(position: Position): bigint {
  return position.commit;
}

/** Order of two $all positions: commit first, then prepare. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

// ---------------------------------------------------------------- filtering $all

/**
 * The server takes one filter per read or subscription, on stream name *or* event type. We send the
 * stream-name prefixes (which already leaves out every `$`-stream: system streams, metastreams,
 * projections' link streams) and drop `$`-typed events that the server can still write into our
 * own streams, such as a tombstone's `$streamDeleted`, on this side with the same predicate.
 */
export function palimpsestFilter(prefixes: readonly string[] = PALIMPSEST_STREAM_PREFIXES): Filter {
  return streamNameFilter({ prefixes: [...prefixes] });
}

export function isPalimpsestEvent(stream: string, type: string, prefixes: readonly string[] = PALIMPSEST_STREAM_PREFIXES): boolean {
  if (type.startsWith('$')) return false;
  return prefixes.some((prefix) => stream.startsWith(prefix) && stream.length > prefix.length);
}

// ---------------------------------------------------------------- events in

/** The fields of the client's RecordedEvent this adapter reads; any client version's event fits. */
export interface RecordedLike {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
}

export function toStoredEvent(recorded: RecordedLike, index: bigint, position: Position): StoredEvent {
  const where = `${recorded.streamId}@${recorded.revision}`;
  if (!recorded.isJson) throw new MalformedEvent(`${where}: not a JSON event`);
  const { metadata, schemaVersion, recordedAt, opening } = decodeMetadata(recorded.metadata, where);
  return {
    stream: recorded.streamId,
    revision: recorded.revision,
    eventId: recorded.id.toLowerCase(),
    type: recorded.type,
    schemaVersion,
    recordedAt,
    data: recorded.data,
    metadata,
    index,
    position: positionToBigint(position),
    ...(opening ? { opening } : {}),
  };
}
