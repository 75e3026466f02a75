/**
 * The peer's side of the store figures: @event-driven-io/emmett-sqlite on the same workload as
 * ../appends.ts. Its packages (and the sqlite3 driver, which compiles from source) live in this
 * folder's own package.json, installed by the benchmark when it first needs them, so that the
 * project's `npm install` builds one native module.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { getSQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import { evolve, STREAMS, timed, type ReadRates, type Tally } from '../appends.ts';
import { rowPayload } from '../lib.ts';

/** The same one-event appends on Emmett's SQLite event store, with its defaults (see BENCHMARKS.md). */
export async function emmettAppendRate(dir: string, ms: number): Promise<number> {
  const es = getSQLiteEventStore({ fileName: path.join(dir, `emmett-${randomUUID()}.sqlite3`), schema: { autoMigration: 'CreateOrUpdate' } });
  let i = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  while (performance.now() < end) {
    const n = i++;
    const { data, metadata } = rowPayload(n);
    await es.appendToStream(`incident-${n % STREAMS}`, [{ type: 'ClaimRecorded', data, metadata }]);
  }
  return i / ((performance.now() - t0) / 1000);
}

export async function emmettReadRates(dir: string, len: number, ms: number): Promise<ReadRates> {
  const es = getSQLiteEventStore({ fileName: path.join(dir, `emmett-read-${randomUUID()}.sqlite3`), schema: { autoMigration: 'CreateOrUpdate' } });
  for (let i = 0; i < len; i += 100) {
    const batch = Array.from({ length: Math.min(100, len - i) }, (_, k) => {
      const { data, metadata } = rowPayload(i + k);
      return { type: 'ClaimRecorded', data, metadata };
    });
    await es.appendToStream('incident-read', batch);
  }
  const read = await timed(ms, async () => {
    const r = await es.readStream('incident-read');
    if (r.events.length !== len) throw new Error(`read ${r.events.length} of ${len}`);
  });
  const aggregate = await timed(ms, async () => {
    const r = await es.aggregateStream<Tally, { type: string; data: Record<string, unknown> }>('incident-read', {
      initialState: () => ({ count: 0, sum: 0 }),
      evolve: (s: Tally, e: { data: Record<string, unknown> }) => evolve(s, e.data),
    });
    if (r.state.count !== len) throw new Error('bad fold');
  });
  return { read, aggregate };
}
