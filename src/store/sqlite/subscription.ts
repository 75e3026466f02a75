import type { StoredEvent, Subscription, SubscriptionMessage } from '../port.ts';

/** Wakes the live subscribers of one store instance when it has appended. */
export class LiveSignal {
  readonly #waiters = new Set<() => void>();

  notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves at the next notify, after `ms` (writes by other processes or other connections are
   * only seen by looking again), or when cancelled. The timer exists only while someone waits.
   */
  wait(ms: number): { done: Promise<void>; cancel(): void } {
    let cancel = (): void => {};
    const done = new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#waiters.add(wake);
      cancel = wake;
    });
    return { done, cancel };
  }
}

export interface SubscriptionSource {
  from: bigint;
  /** Events from index `from` on, in index order, at most one batch. */
  readBatch(from: bigint): StoredEvent[] | Promise<StoredEvent[]>;
  size(): bigint | Promise<bigint>;
  signal: LiveSignal;
  pollMs: number;
  onClose(): void;
}

/**
 * Pull-based: the next batch is read only when the consumer has taken the previous one, so a
 * slow consumer costs one batch of memory, never a growing queue. History and live events take
 * the same path (read from the next index), which is what keeps the order gap-free and without
 * repeats across the caughtUp boundary.
 */
export function subscription(src: SubscriptionSource): Subscription {
  let closed = false;
  let cancelWait: (() => void) | undefined;
  let released = false;
  const release = (): void => {
    closed = true;
    if (released) return;
    released = true;
    src.onClose();
  };

  async function* run(): AsyncGenerator<SubscriptionMessage, void, undefined> {
    let next = src.from;
    let caughtUp = false;
    try {
      while (!closed) {
        const batch = await src.readBatch(next);
        if (batch.length > 0) {
          for (const event of batch) {
            if (event.index !== next) throw new Error(`subscription expected index ${next}, store returned ${event.index}`);
            next += 1n;
            yield { kind: 'event', event };
            if (closed) return;
          }
          continue;
        }
        if (!caughtUp) {
          caughtUp = true;
          // The empty read proves the log ended just before `next`; size() only matters when the
          // subscription started beyond the end, and must not claim an event not yet delivered.
          const head = (await src.size()) - 1n;
          yield { kind: 'caughtUp', index: head < next - 1n ? head : next - 1n };
          continue;
        }
        const wait = src.signal.wait(src.pollMs);
        cancelWait = wait.cancel;
        await wait.done;
        cancelWait = undefined;
      }
    } finally {
      release();
    }
  }

  const generator = run();
  return {
    [Symbol.asyncIterator]: () => generator,
    async close(): Promise<void> {
      closed = true;
      cancelWait?.();
      // Resolves after a pending next() has resolved done; a generator never started has no
      // finally to run, hence the explicit release.
      await generator.return(undefined);
      release();
    },
  };
}
