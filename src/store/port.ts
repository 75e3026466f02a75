import type { Opening } from '../log/leaf-v2.ts';
import type { MerkleLog } from '../log/merkle.ts';

/**
 * The event store port. Shaped after the KurrentDB client so that both adapters stay thin:
 * streams with 0-based revisions, a global order with a dense 0-based `index`, and an opaque
 * store `position`. Revisions, indexes and positions are bigint inside; the HTTP edge converts.
 */

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface EventMetadata {
  actor: string;
  correlationId: string;
  causationId?: string;
  idempotencyKey?: string;
  requestHash?: string;
}

/** What a caller appends. The store adds stream, revision, recordedAt, index and position. */
export interface NewEvent {
  /** Lowercase UUID. Appending an id that is already stored returns the original result. */
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
}

export interface StoredEvent extends NewEvent {
  stream: string;
  revision: bigint;
  /** `YYYY-MM-DDTHH:mm:ss.sssZ`, set by the store, never decreasing along the log. */
  recordedAt: string;
  /** 0-based place in global order, dense. */
  index: bigint;
  /** The store's own global position; opaque outside the adapter. */
  position: bigint;
  /** The RFC 9162 leaf hash the store kept when it wrote the event, where the store keeps one. */
  leafHash?: Buffer;
  /**
   * Leaf format 2 (docs/log.md): what opens the commitments of `data` — the seed, or after a
   * redaction the remaining salts and the erased values' commitments. Absent: a v1 event.
   */
  opening?: Opening;
}

/** 1 for events stored before leaf format 2 (no opening), else 2. */
export function leafVersionOf(e: Pick<StoredEvent, 'opening'>): 1 | 2 {
  return e.opening === undefined ? 1 : 2;
}

export interface AppendOptions {
  expected?: ExpectedRevision;
}

/** Where one event of an append stands: in its stream, in the global order, in the store. */
export interface EventPlace {
  revision: bigint;
  index: bigint;
  position: bigint;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextRevision: bigint;
  /** Index and position of the last event appended. */
  index: bigint;
  position: bigint;
  /**
   * One place per event of the append, in order (for a replay, where the original put them; for an
   * empty append, none): a caller that merged several requests into one append answers each from its own.
   */
  places: EventPlace[];
  /** True when every event id was already stored: nothing was written, the original result is returned. */
  replayed: boolean;
}

export interface ReadStreamOptions {
  /** Revision to start at (inclusive); default: the start for forwards, the end for backwards. */
  from?: bigint;
  direction?: 'forwards' | 'backwards';
  limit?: number;
}

export interface ReadAllOptions {
  /** Index to start at (inclusive); default 0. */
  from?: bigint;
  limit?: number;
}

export type SubscriptionMessage =
  | { kind: 'event'; event: StoredEvent }
  /** Delivered once, when the history up to the store's head at that moment has been delivered. */
  | { kind: 'caughtUp'; index: bigint };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** Index to start at (inclusive); default 0. */
  from?: bigint;
}

/** One event of an import: the leaf-input fields as exported, optionally with the leaf hash to check. */
export interface ImportedEvent {
  index: bigint;
  stream: string;
  revision: bigint;
  eventId: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  data: unknown;
  metadata: EventMetadata;
  leafHash?: Buffer;
  /** A v2 event's opening as exported; absent for a v1 event. */
  opening?: Opening;
}

/** A redaction as the store carries it out (see EventStore.redactEvent). */
export interface RedactionRequest {
  /** Index of the event whose strings are erased. */
  target: bigint;
  /** JSON Pointers into its data, already checked against the event's type. */
  paths: string[];
  /** The FieldsRedacted event, appended to `stream` in the same transaction. */
  stream: string;
  event: NewEvent;
}

export interface EventStore {
  readonly kind: 'sqlite' | 'kurrentdb' | 'postgres';
  append(stream: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Throws StreamNotFound when the stream has no events. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Current revision of a stream, or undefined when it does not exist. */
  streamRevision(stream: string): Promise<bigint | undefined>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** Number of events in the global log (= the next index). */
  size(): Promise<bigint>;
  /** Catch-up subscription: history from `from`, then `caughtUp`, then live events, in order. */
  subscribe(options?: SubscribeOptions): Subscription;
  /** Cheap reachability check for /health. */
  ping(): Promise<boolean>;
  /** Why writes fail at the moment (read-only file, full disk, I/O error), for /health; undefined while they work. */
  writeFault?(): string | undefined;
  close(): Promise<void>;
  /**
   * Optional capability, for `palimpsest import` only: writes exported events verbatim (append sets
   * recordedAt from the clock, and the leaf hashes commit to recordedAt, so an import through append
   * could never reproduce the exported tree). An adapter that has it checks that each batch
   * continues the log densely, each stream at its next revision, recordedAt never decreasing, and
   * that a given leaf hash equals the one recomputed from the fields.
   */
  importEvents?(events: ImportedEvent[]): Promise<void>;
  /**
   * Optional capability: the stored leaf hashes from `from` on, at most `limit`, in index order,
   * without reading the events (the start-up check of the tree against the kept checkpoints), laid
   * end to end in one buffer: no object per event at a million of them. A stored hash that is not 32
   * bytes long is copied as it is, so the slots no longer line up and the tree's root gives it away.
   * Without it the caller reads the events and takes their `leafHash`.
   */
  readLeafHashes?(from: bigint, limit: number): Promise<Buffer>;
  /**
   * Optional capability: the tree of the first `size` stored leaf hashes (fewer when the store ends
   * sooner), read and built off the main thread, so that start-up decodes its snapshot meanwhile.
   * It fails as the tree built from readLeafHashes would, and equals it.
   */
  readLeafTree?(size: bigint): Promise<MerkleLog>;
  /**
   * Optional capability: gives back the memory a scan of the whole log left in the adapter's caches
   * (start-up reads every event once; those pages are not read again soon). Changes nothing stored.
   */
  releaseMemory?(): void;
  /**
   * Optional capability, for redaction (docs/log.md): in one transaction, replaces the target
   * event's erased strings by null and its opening by the redacted one (the stored leaf hash stays,
   * and the adapter checks that the new opening still gives it), and appends the FieldsRedacted
   * event. When the promise resolves, no file the adapter controls holds the erased values any more.
   * Throws NotRedactable for a v1 event.
   */
  redactEvent?(request: RedactionRequest): Promise<AppendResult>;
}

export class NotRedactable extends Error {
  override readonly name = 'NotRedactable';
}

export class WrongExpectedVersion extends Error {
  override readonly name = 'WrongExpectedVersion';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${stream}: expected ${String(expected)}, actual ${String(actual)}`);
  }
}

export class StreamNotFound extends Error {
  override readonly name = 'StreamNotFound';
  constructor(readonly stream: string) {
    super(`stream ${stream} not found`);
  }
}

export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}
