/**
 * The EventStore port on KurrentDB (or EventStoreDB 20+) through @kurrent/kurrentdb-client.
 *
 * What KurrentDB gives directly: streams, revisions, expected-revision checks, $all order.
 * What this adapter adds, and what each costs:
 * - the dense `index`: KurrentDB has none, so each instance keeps an index map (LogIndex) built by
 *   reading the Palimpsest part of $all from the start when it opens (one pass over $all) and kept
 *   up to date by reading on from the last position before it answers anything index-related;
 * - `recordedAt` and `schemaVersion` in the event's JSON metadata (see mapping.ts);
 * - replay of stored event ids: answered from the index map before appending (see append).
 *
 * Reads whose answer must include this process's own writes use `requiresLeader: true`: a
 * follower may not have the write yet when the leader has acknowledged it.
 */
import { newSeed } from '../../log/leaf-v2.ts';
import { BACKWARDS, END, FORWARDS, KurrentDBClient, START } from '@kurrent/kurrentdb-client';
import type { Filter, ReadPosition } from '@kurrent/kurrentdb-client';
import {
  StoreUnavailable,
  StreamNotFound,
  type AppendOptions,
  type AppendResult,
  type EventPlace,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from '../port.ts';
import { checkAppend, checkExpected, checkFrom, checkReadAll, checkReadStream, checkStreamName } from '../rules.ts';
import { LogIndex } from './log-index.ts';
import { readRange, type RangeSource } from './read-range.ts';
import { KurrentSubscription, type AllEvent, type SubscriptionSource } from './subscription.ts';
import {
  isPalimpsestEvent,
  isStreamNotFound,
  nextRecordedAt,
  palimpsestFilter,
  parseStoreUrl,
  positionToBigint,
  recordedAtOf,
  toEventData,
  toPortError,
  toStoredEvent,
  toStreamState,
  type RecordedLike,
} from './mapping.ts';

const PING_DEADLINE_MS = 2_000;

export async function openKurrentStore(url: string): Promise<EventStore> {
  const { clientUrl, prefixes } = parseStoreUrl(url);
  const client = KurrentDBClient.connectionString(clientUrl);
  const store = new KurrentStore(client, prefixes);
  try {
    await store.catchUp();
  } catch (err) {
    await client.dispose();
    throw toPortError(err, '$all');
  }
  return store;
}


class KurrentStore implements EventStore {
  readonly kind = 'kurrentdb' as const;
  readonly #client: KurrentDBClient;
  readonly #prefixes: readonly string[];
  readonly #filter: Filter;
  readonly #index = new LogIndex();
  readonly #subscriptions = new Set<KurrentSubscription>();
  /**
   * The latest recordedAt this client has written or read. Only this instance's view: two API
   * instances whose clocks disagree can still write a smaller recordedAt after a larger one when
   * they append at the same moment (neither has read the other's event yet). See docs/kurrentdb.md.
   */
  #lastRecordedAt: string | undefined;
  #closed = false;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(client: KurrentDBClient, prefixes: readonly string[]) {
    this.#client = client;
    this.#prefixes = prefixes;
    this.#filter = palimpsestFilter(prefixes);
  }

  // ------------------------------------------------------------ the index map

  /**
   * Reads $all on from the last indexed position into the index map. Concurrent callers share
   * reads, but a caller arriving while a read runs gets one more read after it: the running one may
   * have started before the caller's event was written.
   */
  catchUp(): Promise<void> {
    if (this.#running === undefined) {
      const run = this.#readNew().finally(() => {
        this.#running = undefined;
      });
      this.#running = run;
      return run;
    }
    this.#queued ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.catchUp();
      });
    return this.#queued;
  }

  async #readNew(): Promise<void> {
    const from: ReadPosition = this.#index.last?.position ?? START;
    // Stream-name filter on the server; the `$`-type half of the predicate here (mapping.ts).
    for await (const resolved of this.#client.readAll({ fromPosition: from, filter: this.#filter, requiresLeader: true })) {
      const e = this.#ours(resolved.event);
      if (e === undefined) continue;
      this.#index.push(e.id.toLowerCase(), e.position);
      this.#noteRecordedAt(recordedAtOf(e.metadata));
    }
  }

  #ours(e: AllEvent | undefined): AllEvent | undefined {
    if (e === undefined) return undefined;
    return isPalimpsestEvent(e.streamId, e.type, this.#prefixes) ? e : undefined;
  }

  #noteRecordedAt(recordedAt: string | undefined): void {
    if (recordedAt !== undefined && (this.#lastRecordedAt === undefined || recordedAt > this.#lastRecordedAt)) {
      this.#lastRecordedAt = recordedAt;
    }
  }

  /** The index of a stored event, reading $all on once when the map does not know it yet. */
  async #indexOf(eventId: string, stream: string): Promise<bigint> {
    let index = this.#index.indexOf(eventId);
    if (index === undefined) {
      await this.catchUp();
      index = this.#index.indexOf(eventId);
    }
    if (index === undefined) throw new Error(`event ${eventId} of ${stream} is not in the Palimpsest part of $all`);
    return index;
  }

  #stored(e: RecordedLike, index: bigint): StoredEvent {
    const entry = this.#index.at(index);
    if (entry === undefined) throw new Error(`index ${index} is not in the index map`);
    // Stream reads may not carry a usable $all position (servers before 22.6 send none), so the
    // position always comes from the index map, which was filled from $all.
    return toStoredEvent(e, index, entry.position);
  }

  // ------------------------------------------------------------ append

  async append(stream: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.#assertOpen();
    this.#checkStream(stream);
    const { expected, events: prepared } = checkAppend(stream, events, options);

    // Up to date before deciding: replay detection reads the map, and recordedAt must not fall
    // behind an event another instance has just written.
    await this.catchUp().catch((err: unknown) => {
      throw toPortError(err, stream, expected);
    });

    const first = prepared[0];
    if (first === undefined) return this.#describe(stream, expected);
    // Replays are answered here, for any `expected`: KurrentDB's own id check is only reliable with
    // an exact expected revision, and the port wants the original result, not a fresh one.
    if (this.#index.indexOf(first.eventId) !== undefined) return this.#replay(stream, prepared);

    const recordedAt = nextRecordedAt(new Date(), this.#lastRecordedAt);
    this.#noteRecordedAt(recordedAt);
    let result;
    try {
      result = await this.#client.appendToStream(stream, prepared.map((e) => toEventData(e, recordedAt, { seed: newSeed() })), {
        streamState: toStreamState(expected),
        requiresLeader: true,
      });
    } catch (err) {
      throw toPortError(err, stream, expected);
    }
    const last = prepared[prepared.length - 1] ?? first;
    const index = await this.#indexOf(last.eventId, stream);
    const entry = this.#index.at(index);
    if (entry === undefined) throw new Error(`index ${index} is not in the index map`);
    return {
      nextRevision: result.nextExpectedRevision,
      index,
      position: positionToBigint(entry.position),
      places: await this.#places(stream, prepared, result.nextExpectedRevision),
      // Another instance wrote the same ids between our check and our append, and the server
      // deduplicated: it then answers without a position (nothing was written by this call).
      replayed: result.position === undefined,
    };
  }

  /** The batch's first id is stored: answer what the original append answered, write nothing. */
  async #replay(stream: string, events: NewEvent[]): Promise<AppendResult> {
    const stored = await this.readStream(stream).catch((err: unknown) => {
      if (err instanceof StreamNotFound) return [];
      throw err;
    });
    const byId = new Map(stored.map((e) => [e.eventId, e]));
    let last: StoredEvent | undefined;
    for (const e of events) {
      const found = byId.get(e.eventId);
      if (found === undefined) {
        const elsewhere = this.#index.indexOf(e.eventId) !== undefined;
        throw new Error(
          elsewhere
            ? `append to ${stream}: event ${e.eventId} is already stored in another stream`
            : `append to ${stream}: only part of the batch is stored (event ${e.eventId} is not); a batch is replayed whole or not at all`,
        );
      }
      last = found;
    }
    if (last === undefined) throw new Error('replay of an empty batch');
    const places = events.map((e): EventPlace => {
      const found = byId.get(e.eventId);
      if (found === undefined) throw new Error(`event ${e.eventId} vanished from ${stream}`);
      return { revision: found.revision, index: found.index, position: found.position };
    });
    return { nextRevision: last.revision, index: last.index, position: last.position, places, replayed: true };
  }

  /** An empty append: check `expected` and describe the stream as it stands. */
  async #describe(stream: string, expected: ExpectedRevision): Promise<AppendResult> {
    const head = await this.#head(stream);
    checkExpected(stream, expected, head?.revision);
    if (head === undefined) return { nextRevision: -1n, index: -1n, position: -1n, places: [], replayed: false };
    return { nextRevision: head.revision, index: head.index, position: head.position, places: [], replayed: false };
  }

  /** The places of one append's events: its revisions end at `lastRevision`, its indexes are in the map. */
  async #places(stream: string, events: readonly NewEvent[], lastRevision: bigint): Promise<EventPlace[]> {
    const places: EventPlace[] = [];
    for (const [i, e] of events.entries()) {
      const index = await this.#indexOf(e.eventId, stream);
      const entry = this.#index.at(index);
      if (entry === undefined) throw new Error(`index ${index} is not in the index map`);
      places.push({ revision: lastRevision - BigInt(events.length - 1 - i), index, position: positionToBigint(entry.position) });
    }
    return places;
  }

  async #head(stream: string): Promise<StoredEvent | undefined> {
    try {
      const [head] = await this.readStream(stream, { direction: 'backwards', limit: 1 });
      return head;
    } catch (err) {
      if (err instanceof StreamNotFound) return undefined;
      throw err;
    }
  }

  // ------------------------------------------------------------ reads

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.#assertOpen();
    this.#checkStream(stream);
    const { from, direction, limit } = checkReadStream(stream, options);
    const backwards = direction === 'backwards';
    if (limit === 0) {
      // The client reads "maxCount 0" as no limit; the port means none. Still say whether it exists.
      if ((await this.streamRevision(stream)) === undefined) throw new StreamNotFound(stream);
      return [];
    }
    const recorded: RecordedLike[] = [];
    try {
      for await (const resolved of this.#client.readStream(stream, {
        fromRevision: from ?? (backwards ? END : START),
        direction: backwards ? BACKWARDS : FORWARDS,
        ...(limit === undefined ? {} : { maxCount: limit }),
        requiresLeader: true,
      })) {
        const e = resolved.event;
        if (e !== undefined && isPalimpsestEvent(e.streamId, e.type, this.#prefixes)) recorded.push(e);
      }
    } catch (err) {
      throw toPortError(err, stream);
    }
    const out: StoredEvent[] = [];
    for (const e of recorded) out.push(this.#stored(e, await this.#indexOf(e.id.toLowerCase(), stream)));
    return out;
  }

  async streamRevision(stream: string): Promise<bigint | undefined> {
    this.#assertOpen();
    this.#checkStream(stream);
    try {
      for await (const resolved of this.#client.readStream(stream, {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: 1,
        requiresLeader: true,
      })) {
        if (resolved.event !== undefined) return resolved.event.revision;
      }
      return undefined;
    } catch (err) {
      if (isStreamNotFound(err)) return undefined;
      throw toPortError(err, stream);
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { from, limit } = checkReadAll(options);
    await this.catchUp().catch((err: unknown) => {
      throw toPortError(err, '$all');
    });
    const size = this.#index.size;
    if (from >= size || limit === 0) return [];
    const end = limit === undefined || from + BigInt(limit) > size ? size : from + BigInt(limit);
    return readRange(this.#rangeSource(), from, end);
  }

  async size(): Promise<bigint> {
    this.#assertOpen();
    await this.catchUp().catch((err: unknown) => {
      throw toPortError(err, '$all');
    });
    return this.#index.size;
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.#assertOpen();
    const from = checkFrom(options.from) ?? 0n;
    const sub = new KurrentSubscription(this.#subscriptionSource(), from, () => {
      this.#subscriptions.delete(sub);
    });
    this.#subscriptions.add(sub);
    return sub;
  }

  #rangeSource(): RangeSource {
    return { client: this.#client, filter: this.#filter, index: this.#index, ours: (e) => this.#ours(e), stored: (e, index) => this.#stored(e, index) };
  }

  #subscriptionSource(): SubscriptionSource {
    return {
      catchUp: () => this.catchUp(),
      size: () => this.#index.size,
      positionBefore: (index) => (index === 0n ? START : (this.#index.at(index - 1n)?.position ?? this.#index.last?.position ?? START)),
      subscribe: (fromPosition) => this.#client.subscribeToAll({ fromPosition, filter: this.#filter, requiresLeader: true }),
      ours: (e) => this.#ours(e),
      indexOf: (e) => this.#indexOf(e.id.toLowerCase(), e.streamId),
      stored: (e, index) => this.#stored(e, index),
      readRange: (from, end) => readRange(this.#rangeSource(), from, end),
    };
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      for await (const _ of this.#client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, deadline: PING_DEADLINE_MS })) break;
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    await this.#running?.catch(() => undefined);
    await this.#client.dispose();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreUnavailable('store is closed');
  }

  /** A stream outside the prefixes would be written but never indexed, so it is refused up front. */
  #checkStream(stream: string): void {
    checkStreamName(stream);
    if (!isPalimpsestEvent(stream, 'x', this.#prefixes)) {
      throw new TypeError(`stream ${stream} is outside this store's streams (${this.#prefixes.join(', ')})`);
    }
  }
}
