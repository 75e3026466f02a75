/**
 * In-process store figures: our SQLite store's appends (one event each, synchronous=FULL), one at a
 * time and 50 in flight (group commit); reading a stream back and aggregating it. The peer's side of
 * the same workload is in peer/emmett.ts.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { EventStore } from '../../src/store/port.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { rowPayload } from './lib.ts';

export const STREAMS = 100;

/** One-event appends for `ms` ms with `inFlight` appends outstanding; appends per second. */
export async function storeAppendRate(dir: string, ms: number, inFlight: number): Promise<{ rate: number; commits: number; appends: number }> {
  const store = await openSqliteStore({ file: path.join(dir, `store-${randomUUID()}.sqlite3`), synchronous: 'FULL' });
  try {
    return { rate: await appendLoad(store, ms, inFlight), ...store.stats };
  } finally {
    await store.close();
  }
}

/** Any store: one-event appends over STREAMS streams for `ms` ms, `inFlight` outstanding; appends per second. */
export async function appendLoad(store: Pick<EventStore, 'append'>, ms: number, inFlight: number): Promise<number> {
  let i = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  const lane = async (): Promise<void> => {
    while (performance.now() < end) {
      const n = i++;
      const { data, metadata } = rowPayload(n);
      await store.append(`incident-${n % STREAMS}`, [{ eventId: randomUUID(), type: 'ClaimRecorded', schemaVersion: 1, data, metadata }]);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return i / ((performance.now() - t0) / 1000);
}

export interface ReadRates {
  /** Whole-stream reads per second (every event parsed). */
  read: number;
  /** Reads folded into a state per second. */
  aggregate: number;
}

export type Tally = { count: number; sum: number };
export const evolve = (s: Tally, data: unknown): Tally => ({ count: s.count + 1, sum: s.sum + ((data as { value: { value: number } }).value.value) });

/** Reads a `len`-event stream back, then aggregates it, each for `ms` ms. */
export async function storeReadRates(dir: string, len: number, ms: number): Promise<ReadRates> {
  const store = await openSqliteStore({ file: path.join(dir, `store-read-${randomUUID()}.sqlite3`), synchronous: 'NORMAL' });
  try {
    for (let i = 0; i < len; i += 100) {
      const batch = Array.from({ length: Math.min(100, len - i) }, (_, k) => {
        const { data, metadata } = rowPayload(i + k);
        return { eventId: randomUUID(), type: 'ClaimRecorded', schemaVersion: 1, data, metadata };
      });
      await store.append('incident-read', batch);
    }
    const read = await timed(ms, async () => {
      const events = await store.readStream('incident-read');
      if (events.length !== len) throw new Error(`read ${events.length} of ${len}`);
    });
    const aggregate = await timed(ms, async () => {
      const events = await store.readStream('incident-read');
      let s: Tally = { count: 0, sum: 0 };
      for (const e of events) s = evolve(s, e.data);
      if (s.count !== len) throw new Error('bad fold');
    });
    return { read, aggregate };
  } finally {
    await store.close();
  }
}

export async function timed(ms: number, op: () => Promise<void>): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  while (performance.now() < end) {
    await op();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}
