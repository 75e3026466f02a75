import { isCommandError, ErrorType } from '@kurrent/kurrentdb-client';
import type { AllStreamSubscription, Position, ReadPosition } from '@kurrent/kurrentdb-client';
import type { StoredEvent, Subscription, SubscriptionMessage } from '../port.ts';
import { toPortError, type RecordedLike } from './mapping.ts';

const RESUBSCRIBE_MIN_MS = 100;
const RESUBSCRIBE_MAX_MS = 5_000;

/** An $all event the adapter has checked is one of ours. */
export interface AllEvent extends RecordedLike {
  position: Position;
}

/** What the subscription needs of its store: the index map, the client, and the store's own mapping. */
export interface SubscriptionSource {
  catchUp(): Promise<void>;
  size(): bigint;
  /** The $all position to subscribe from so that the first event delivered can be `index`. */
  positionBefore(index: bigint): ReadPosition;
  subscribe(fromPosition: ReadPosition): AllStreamSubscription;
  ours(e: AllEvent | undefined): AllEvent | undefined;
  indexOf(e: AllEvent): Promise<bigint>;
  stored(e: AllEvent, index: bigint): StoredEvent;
  readRange(from: bigint, end: bigint): Promise<StoredEvent[]>;
}

/**
 * A catch-up subscription to $all, delivering the port's dense indexes without gap or repeat.
 *
 * - Resuming: it subscribes from the $all position of the event before the next index (the
 *   server's subscription start is exclusive), and drops anything whose index was already
 *   delivered, so a resubscription after a drop neither skips nor repeats. It never resumes from
 *   the server's filtered-subscription checkpoints, which have been wrong in several server
 *   versions (kurrent-io/KurrentDB #3697, #4023, #4892, #4970).
 * - caughtUp: decided here, not from the client's `caughtUp` event. That event is emitted on the
 *   stream object while events before it may still sit unread in its buffer, and servers before
 *   23.10 do not send it. Here it is emitted once every event that existed at subscribe time (the
 *   map's size then) has been delivered, with the index of the last event delivered.
 */
export class KurrentSubscription implements Subscription {
  readonly #src: SubscriptionSource;
  readonly #onClose: () => void;
  readonly #generator: AsyncGenerator<SubscriptionMessage, void, undefined>;
  #closed = false;
  #current: AllStreamSubscription | undefined;
  #wake: (() => void) | undefined;
  #released = false;

  constructor(src: SubscriptionSource, from: bigint, onClose: () => void) {
    this.#src = src;
    this.#onClose = onClose;
    this.#generator = this.#run(from);
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return this.#generator;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    // A pending next() is waiting on the client stream; ending that stream lets it return.
    await this.#stop();
    await this.#generator.return(undefined);
    this.#release();
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#onClose();
  }

  async #stop(): Promise<void> {
    const sub = this.#current;
    this.#current = undefined;
    if (sub === undefined) return;
    try {
      await sub.unsubscribe();
    } catch {
      // Already gone: nothing to stop.
    }
    sub.destroy();
  }

  async *#run(from: bigint): AsyncGenerator<SubscriptionMessage, void, undefined> {
    try {
      await this.#src.catchUp();
      if (this.#closed) return;
      const target = this.#src.size();
      let next = from;
      let caughtUp = false;
      let attempt = 0;
      const dueCaughtUp = (): SubscriptionMessage | undefined => {
        if (caughtUp || next < target) return undefined;
        caughtUp = true;
        return { kind: 'caughtUp', index: target - 1n };
      };

      while (!this.#closed) {
        const initial = dueCaughtUp();
        if (initial !== undefined) yield initial;
        const sub = this.#src.subscribe(this.#src.positionBefore(next));
        this.#current = sub;
        try {
          for await (const resolved of sub) {
            if (this.#closed) return;
            const e = this.#src.ours(resolved.event);
            if (e === undefined) continue;
            const index = await this.#src.indexOf(e);
            if (index < next) continue;
            // A gap would mean the server skipped an event the map has; fill it from $all.
            const events = index > next ? [...(await this.#src.readRange(next, index)), this.#src.stored(e, index)] : [this.#src.stored(e, index)];
            for (const event of events) {
              yield { kind: 'event', event };
              next = event.index + 1n;
              if (this.#closed) return;
              const m = dueCaughtUp();
              if (m !== undefined) yield m;
            }
            attempt = 0;
          }
        } catch (err) {
          if (this.#closed) return;
          if (!isDrop(err)) throw toPortError(err, '$all');
        } finally {
          if (this.#current === sub) await this.#stop();
        }
        if (this.#closed) return;
        // Dropped (server restart, leader change, network): resubscribe from the last delivered event.
        await this.#sleep(Math.min(RESUBSCRIBE_MAX_MS, RESUBSCRIBE_MIN_MS * 2 ** attempt));
        attempt += 1;
      }
    } finally {
      this.#release();
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }
}

/** Errors after which resubscribing can help; a refused request or our own bug cannot. */
function isDrop(err: unknown): boolean {
  if (!(err instanceof Error) || !isCommandError(err)) return false;
  return err.type !== ErrorType.ACCESS_DENIED && err.type !== ErrorType.INVALID_ARGUMENT && err.type !== ErrorType.UNSUPPORTED;
}
