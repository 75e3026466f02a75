import type { Projection } from '../../projections/projection.ts';
import { readPages } from '../store/read-log.ts';
import type { EventStore, StoredEvent, Subscription } from '../store/port.ts';

type Waiter = { index: bigint; resolve(): void; reject(e: Error): void };
export type EventListener = (e: StoredEvent) => void;

/**
 * Keeps this instance's read models current from one catch-up subscription. Writes wait on
 * `waitFor(index)` so that a client reads its own write from any route of this instance.
 */
export class LiveModels {
  private readonly states = new Map<string, unknown>();
  private readonly waiters: Waiter[] = [];
  private readonly listeners = new Set<EventListener>();
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private failure: Error | undefined;
  private halted = false;
  /** Index of the next event to apply (= number of events applied). */
  next = 0n;
  caughtUp = false;
  /** recordedAt of the last applied event. */
  lastRecordedAt: string | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly folds: readonly Projection[],
    initial?: { next: bigint; states: Map<string, unknown> },
    /** Checks each event before it is applied; at the first refused one the models stop applying (see self-check.ts). */
    private readonly check: (e: StoredEvent) => boolean = () => true,
  ) {
    for (const f of folds) this.states.set(f.name, initial?.states.get(f.name) ?? f.initial());
    if (initial) this.next = initial.next;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  state<S>(name: string): S {
    if (!this.states.has(name)) throw new Error(`no read model named ${name}`);
    return this.states.get(name) as S;
  }

  /** Starts the subscription; resolves once the history has been applied. */
  start(): Promise<void> {
    return new Promise((resolveStart, rejectStart) => {
      const sub = this.store.subscribe({ from: this.next });
      this.subscription = sub;
      this.loop = (async () => {
        try {
          for await (const msg of sub) {
            if (msg.kind === 'caughtUp') {
              this.caughtUp = true;
              resolveStart();
              continue;
            }
            this.apply(msg.event);
          }
          resolveStart();
        } catch (err) {
          this.failure = err instanceof Error ? err : new Error(String(err));
          for (const w of this.waiters.splice(0)) w.reject(this.failure);
          rejectStart(this.failure);
        }
      })();
    });
  }

  /** Applies one event to every fold; events are applied exactly once, in index order. */
  private apply(e: StoredEvent): void {
    if (e.index < this.next || this.halted) return; // a resumed subscription may repeat what was applied
    if (!this.check(e)) {
      this.halted = true;
      return;
    }
    if (e.index !== this.next) throw new Error(`read models expected index ${this.next}, got ${e.index}`);
    for (const f of this.folds) this.states.set(f.name, f.apply(this.states.get(f.name), e));
    this.next = e.index + 1n;
    this.lastRecordedAt = e.recordedAt;
    for (const l of this.listeners) l(e);
    if (this.waiters.length > 0) this.release();
  }

  private release(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.index < this.next) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** The index the read models will apply next: it changes exactly when a read model may have. */
  get applied(): bigint {
    return this.next;
  }

  /** Resolves once the event at `index` has been applied by every read model. */
  waitFor(index: bigint): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (index < this.next) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ index, resolve, reject }));
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every fold's state with the index it reflects, for snapshots and rebuild comparisons. */
  snapshot(): { next: bigint; states: Map<string, unknown> } {
    return { next: this.next, states: new Map(this.states) };
  }

  /**
   * Replaces every fold's state by one folded afresh from the store, up to the events this instance
   * has applied: after a redaction rewrote a stored event, no state keeps what was erased. The swap
   * happens in one synchronous step once the fresh states have caught up, so no read sees a half.
   */
  async refold(): Promise<void> {
    const target = this.next;
    const { states } = await foldLog(this.store, this.folds, { until: target });
    let next = target;
    // Events applied meanwhile: the fresh states take them too before they replace the old ones.
    while (next < this.next) {
      const page = await this.store.readAll({ from: next, limit: Number(this.next - next) });
      if (page.length === 0) break;
      for (const e of page) for (const f of this.folds) states.set(f.name, f.apply(states.get(f.name), e));
      next += BigInt(page.length);
    }
    if (next !== this.next) throw new Error(`refold reached index ${next}, the read models are at ${this.next}`);
    for (const f of this.folds) this.states.set(f.name, states.get(f.name));
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.loop;
    const err = new Error('read models stopped');
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}

export interface FoldedLog {
  states: Map<string, unknown>;
  events: number;
  /** Time spent in each fold, in milliseconds. */
  msPerFold: Map<string, number>;
}

/**
 * Folds the log from index 0 (up to `until`, exclusive) through fresh folds, page by page so that
 * a million events are never held at once: the rebuild path of the CLI and the benchmarks.
 * Fold-major within a page: folds are independent, so each still sees every event in order, and
 * timing a whole page per fold costs nothing per event.
 */
export async function foldLog(
  store: EventStore,
  folds: readonly Projection[],
  opts: { until?: bigint; pageSize?: number; onPage?(events: number): void } = {},
): Promise<FoldedLog> {
  const pageSize = opts.pageSize ?? 1000;
  const states = new Map<string, unknown>(folds.map((f) => [f.name, f.initial()]));
  const msPerFold = new Map<string, number>(folds.map((f) => [f.name, 0]));
  let events = 0;
  for await (const page of readPages(store, { pageSize, ...(opts.until !== undefined ? { until: opts.until } : {}) })) {
    for (const f of folds) {
      const t0 = performance.now();
      let s = states.get(f.name);
      for (const e of page) s = f.apply(s, e);
      states.set(f.name, s);
      msPerFold.set(f.name, (msPerFold.get(f.name) ?? 0) + performance.now() - t0);
    }
    events += page.length;
    opts.onPage?.(events);
  }
  return { states, events, msPerFold };
}
