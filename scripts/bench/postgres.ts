/**
 * The PostgreSQL figures of `npm run bench` (section `postgres`), each next to its limit measured on
 * the same throwaway server in the same run: a cluster started from the system's binaries by the test
 * harness (test/support/postgres.ts: fsync=on, synchronous_commit=on), or PALIMPSEST_TEST_DATABASE_URL.
 *
 * - Store appends, one event each, 1 and 50 in flight, against the raw limit: bare node-postgres
 *   inserting single rows into the same table (same columns and indexes, created by the store's own
 *   migrations), one transaction each, one connection. The same raw inserts from 50 connections are
 *   shown too: PostgreSQL's WAL writer lets concurrent committers share a flush, so that is the
 *   limit for concurrent writers without group commit in the application.
 * - HTTP writes at 50 connections: `openRuntime` on PALIMPSEST_STORE=postgres in a child process
 *   (scripts/bench/server.ts, rate limit lifted through PALIMPSEST_RATE_LIMIT), autocannon in this
 *   one; any non-2xx answer fails the benchmark.
 *
 * Alone: `npx tsx scripts/bench/postgres.ts [--quick]` prints the rows; `npm run bench` includes
 * them, or prints one line and goes on when no PostgreSQL can be had.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { startTestPostgres, type TestPostgres } from '../../test/support/postgres.ts';
import { appendLoad } from './appends.ts';
import type { Row } from './context.ts';
import { loadWrites, seedPool, startServer, type LoadResult, type Server } from './http.ts';
import { fmtRate, fmtRatio, log, median, rm, rowPayload, tempDir } from './lib.ts';

export interface PostgresFigures {
  rows: Row[];
  notes: string[];
}

const TARGET = 1.3;
const CONNECTIONS = 50;

function sizes(quick: boolean) {
  return quick
    ? { runs: 1, ms: 700, httpSec: 2, bareSec: 1, pool: 100 }
    : { runs: 3, ms: 3000, httpSec: 8, bareSec: 5, pool: 500 };
}

/** The figures, or why PostgreSQL could not be had (the caller prints it and skips the section). */
export async function postgresFigures(quick: boolean): Promise<PostgresFigures | string> {
  const server = await startTestPostgres();
  if (typeof server === 'string') return server;
  try {
    return await measure(server, sizes(quick));
  } finally {
    await server.stop();
  }
}

async function measure(server: TestPostgres, P: ReturnType<typeof sizes>): Promise<PostgresFigures> {
  const raw1: number[] = [];
  const raw50: number[] = [];
  const seq: number[] = [];
  const conc: number[] = [];
  let commits = 0;
  let appended = 0;
  for (let r = 0; r < P.runs; r++) {
    raw1.push(await rawInsertRate(await server.newDatabase('raw'), P.ms, 1));
    raw50.push(await rawInsertRate(await server.newDatabase('raw'), P.ms, CONNECTIONS));
    seq.push((await storeAppendRate(await server.newDatabase('store'), P.ms, 1)).rate);
    const c = await storeAppendRate(await server.newDatabase('store'), P.ms, CONNECTIONS);
    conc.push(c.rate);
    commits += c.commits;
    appended += c.appends;
    log(`postgres run ${r + 1}: raw ${raw1.at(-1)!.toFixed(0)}/s (50 connections ${raw50.at(-1)!.toFixed(0)}/s), appends ${seq.at(-1)!.toFixed(0)}/s, 50 in flight ${conc.at(-1)!.toFixed(0)}/s`);
  }

  const http: LoadResult[] = [];
  const bare: LoadResult[] = [];
  const dir = tempDir('pg-http');
  let stats: { commits: number; appends: number } | undefined;
  try {
    await withServer({ mode: 'app', dir, databaseUrl: await server.newDatabase('http') }, async (s) => {
      for (let r = 0; r < P.runs; r++) {
        raw1.push(await rawInsertRate(await server.newDatabase('raw'), P.ms, 1));
        const pool = await seedPool(s.url, P.pool, `inc-r${r}`);
        http.push(await loadWrites(s.url, pool, CONNECTIONS, P.httpSec));
        log(`postgres HTTP writes run ${r + 1}: ${http.at(-1)!.rps.toFixed(0)}/s p99 ${http.at(-1)!.p99} ms`);
      }
      stats = await s.stats();
    });
    const bodies = path.join(dir, 'bodies.json');
    fs.writeFileSync(bodies, JSON.stringify({ incident: '{}', timeline: '{}' }));
    await withServer({ mode: 'bare', bodies }, async (s) => {
      const pool = Array.from({ length: P.pool }, (_, i) => `inc-${i}`);
      for (let r = 0; r < P.runs; r++) bare.push(await loadWrites(s.url, pool, CONNECTIONS, P.bareSec));
    });
  } finally {
    rm(dir);
  }

  const raw = median(raw1);
  const s = 'PostgreSQL';
  const perCommit = commits > 0 ? (appended / commits).toFixed(1) : '—';
  const rps = median(http.map((x) => x.rps));
  const bareRps = median(bare.map((x) => x.rps));
  const rows: Row[] = [
    { section: s, figure: 'raw inserts, 1 row each, one transaction each, 50 connections', value: fmtRate(median(raw50)), limit: `${fmtRate(raw)} raw inserts, 1 connection`, ratio: fmtRatio(median(raw50) / raw) },
    { section: s, figure: 'appends, 1 event each, one at a time', value: fmtRate(median(seq)), limit: `${fmtRate(raw)} raw inserts`, ratio: fmtRatio(median(seq) / raw) },
    {
      section: s, figure: 'appends, 1 event each, 50 in flight (group commit)', value: fmtRate(median(conc)), limit: `${fmtRate(raw)} raw inserts`,
      ratio: fmtRatio(median(conc) / raw), target: `≥ ${TARGET}× raw`, holds: median(conc) / raw >= TARGET,
    },
    { section: s, figure: '… same, vs raw inserts from 50 connections', value: fmtRate(median(conc)), limit: `${fmtRate(median(raw50))} raw, 50 connections`, ratio: fmtRatio(median(conc) / median(raw50)) },
    {
      section: s, figure: `POST /incidents/{id}/claims, ${CONNECTIONS} connections (acknowledged)`,
      value: `${fmtRate(rps)}, p50 ${median(http.map((x) => x.p50))} ms, p99 ${median(http.map((x) => x.p99))} ms`, limit: `${fmtRate(raw)} raw inserts`, ratio: fmtRatio(rps / raw),
    },
    { section: s, figure: '… same, vs bare fastify parsing the body', value: fmtRate(rps), limit: `${fmtRate(bareRps)} bare`, ratio: fmtRatio(rps / bareRps) },
  ];
  const notes = [
    `PostgreSQL: ${server.describe}, fsync=on, synchronous_commit=on; every figure on a fresh database of that server. `
      + `Raw limit: node-postgres, one single-row INSERT (its own transaction) at a time into the store's own events table; samples ${raw1.map(fmtRate).join(', ')}. `
      + `Group commit, 50 appends in flight: ${appended.toLocaleString('en')} appends in ${commits.toLocaleString('en')} commits (${perCommit} per commit)`
      + `${stats ? `; under HTTP load (seeding included) ${stats.appends.toLocaleString('en')} appends in ${stats.commits.toLocaleString('en')} commits` : ''}. `
      + `Appends ${P.ms} ms a run, HTTP ${P.httpSec} s a run (bare ${P.bareSec} s), medians of ${P.runs}.`,
  ];
  return { rows, notes };
}

async function storeAppendRate(url: string, ms: number, inFlight: number): Promise<{ rate: number; commits: number; appends: number }> {
  const store = await openPostgresStore({ connectionString: url, poolSize: 4 });
  try {
    const rate = await appendLoad(store, ms, inFlight);
    return { rate, ...store.stats };
  } finally {
    await store.close();
  }
}

/**
 * Bare node-postgres: single-row INSERTs, each its own transaction (autocommit), from `connections`
 * connections, into the events table the store's migrations create; rows shaped as the store writes them.
 */
async function rawInsertRate(url: string, ms: number, connections: number): Promise<number> {
  // The store's own migrations make the table, so raw and store write the same columns and indexes.
  await (await openPostgresStore({ connectionString: url, poolSize: 1 })).close();
  const clients = await Promise.all(Array.from({ length: connections }, async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  }));
  const hash = Buffer.alloc(32);
  let i = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  try {
    await Promise.all(clients.map(async (c) => {
      while (performance.now() < end) {
        const n = i++;
        const { data, metadata } = rowPayload(n);
        await c.query({
          name: 'raw-insert',
          text: `INSERT INTO palimpsest.events (idx, stream, revision, event_id, type, schema_version, recorded_at, data, metadata, leaf_hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          values: [n, `incident-${n % 100}`, Math.floor(n / 100), randomUUID(), 'ClaimRecorded', 1, new Date().toISOString(), JSON.stringify(data), JSON.stringify(metadata), hash],
        });
      }
    }));
    return i / ((performance.now() - t0) / 1000);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

async function withServer<T>(opts: Parameters<typeof startServer>[0], fn: (s: Server) => Promise<T>): Promise<T> {
  const s = await startServer(opts);
  try {
    return await fn(s);
  } finally {
    await s.stop();
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const got = await postgresFigures(values.quick ?? false);
  if (typeof got === 'string') {
    console.log(`PostgreSQL benchmark skipped: ${got}`);
  } else {
    console.log('| Figure | Value | Limit | Ratio | Target |\n|---|---|---|---|---|');
    for (const r of got.rows) console.log(`| ${r.figure} | ${r.value} | ${r.limit} | ${r.ratio} | ${r.target ? `${r.target}: ${r.holds ? '**holds**' : '**missed**'}` : ''} |`);
    for (const n of got.notes) console.log(`\n- ${n}`);
  }
}
