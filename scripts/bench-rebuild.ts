/**
 * Rebuild and restart costs on a generated store (scripts/gen-log.ts):
 * - a full rebuild: every event read through the store port and folded through every read model;
 * - the floor under it: the same rows read with better-sqlite3 directly and JSON.parsed, nothing else;
 * - restart (openRuntime until the app is ready) without and with a snapshot, and the RSS after it,
 *   each in a fresh child process so that one run's heap does not inflate the next;
 * - an as-of read of `bench-big-incident` (1,000 events) inside the big store.
 * Medians of `--runs` runs.
 *
 *   npx tsx scripts/gen-log.ts --events 1000000 --dir data/bench1m
 *   npx tsx scripts/bench-rebuild.ts --dir data/bench1m [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allFolds } from '../src/app/folds.ts';
import { foldLog } from '../src/app/live-models.ts';
import { readLog } from '../src/store/read-log.ts';
import { openRuntime } from '../src/cli/runtime.ts';
import { snapshotPath } from '../src/app/snapshots.ts';
import { loadConfig } from '../src/config.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { BIG_INCIDENT } from './gen-log.ts';
import { childRole, dir, env, file, rawLoop, runs } from './bench/big-log-args.ts';
import { median } from './bench/lib.ts';


/** Child: open the runtime as `serve` would, report timings and memory as one JSON line. */
async function child(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const t0 = performance.now();
  const rt = await openRuntime(loadConfig(env()));
  const openMs = performance.now() - t0;
  // Events a snapshot spared are verified and folded again in the background while the server serves.
  const b0 = performance.now();
  await rt.selfCheck;
  const backgroundMs = performance.now() - b0;
  const check = rt.integrity.status;
  if (check.status !== 'ok') throw new Error(`the self-check says ${JSON.stringify(check)}`);
  gc?.();
  const mem = process.memoryUsage();
  const stream = await rt.store.readStream(`incident-${BIG_INCIDENT}`);
  const half = Math.floor(stream.length / 2);
  // Each read at a point of its own: an answer is kept per point until the incident's next event,
  // so reading one point again would time a lookup, not a read.
  const cuts = [...new Set(stream.map((e) => e.recordedAt))];
  const lastAt = Date.parse(stream.at(-1)!.recordedAt);
  const asOf = (i: number): string => cuts[Math.floor(cuts.length / 2) + i] ?? new Date(lastAt + i + 1).toISOString();
  const revisionAt = (i: number): bigint => BigInt(Math.min(stream.length - 1, half + i));
  const httpRevisionAt = (i: number): bigint => BigInt(Math.max(0, half - 1 - i));
  const times = { atRevision: [] as number[], asOf: [] as number[], http: [] as number[] };
  for (let i = 0; i < 21; i++) {
    let t = performance.now();
    const v = await rt.reads.incident(BIG_INCIDENT, { atRevision: revisionAt(i) });
    times.atRevision.push(performance.now() - t);
    if (v === undefined) throw new Error('the big incident is missing');
    t = performance.now();
    await rt.reads.incident(BIG_INCIDENT, { asOf: asOf(i) });
    times.asOf.push(performance.now() - t);
    t = performance.now();
    const res = await rt.app.inject({
      method: 'GET', url: `/incidents/${BIG_INCIDENT}?atRevision=${httpRevisionAt(i)}`,
      headers: { authorization: 'Bearer bench-admin-token-0123456789' },
    });
    times.http.push(performance.now() - t);
    if (res.statusCode !== 200) throw new Error(`GET the big incident answered ${res.statusCode}`);
  }
  const c0 = performance.now();
  await rt.close();
  const closeMs = performance.now() - c0;
  console.log(JSON.stringify({
    openMs, backgroundMs, closeMs, rss: mem.rss, heapUsed: mem.heapUsed, events: Number(rt.live.next), streamEvents: stream.length,
    atRevisionMs: median(times.atRevision), asOfMs: median(times.asOf), httpMs: median(times.http),
  }));
}

interface ChildResult {
  openMs: number; backgroundMs: number; closeMs: number; rss: number; heapUsed: number; events: number; streamEvents: number;
  atRevisionMs: number; asOfMs: number; httpMs: number;
}

function runChild(): ChildResult {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--dir', dir, '--child', 'restart'], {
    env: env(), encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult;
}

async function rebuildOnce(): Promise<{ ms: number; events: number; perFold: Map<string, number> }> {
  const store = await openSqliteStore({ file });
  try {
    const folds = allFolds();
    const t0 = performance.now();
    const { events, msPerFold: perFold } = await foldLog(store, folds);
    return { ms: performance.now() - t0, events, perFold };
  } finally {
    await store.close();
  }
}

async function readOnly(): Promise<number> {
  const store = await openSqliteStore({ file });
  try {
    const t0 = performance.now();
    for await (const _ of readLog(store)) { /* reading is what is timed */ }
    return performance.now() - t0;
  } finally {
    await store.close();
  }
}


async function main(): Promise<void> {
  if (!fs.existsSync(file)) throw new Error(`${file} not found: generate it with scripts/gen-log.ts`);
  const rows: [string, string][] = [];
  const fmt = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

  const raws = Array.from({ length: runs }, () => rawLoop());
  const events = raws[0]!.events;
  const reads: number[] = [];
  for (let i = 0; i < runs; i++) reads.push(await readOnly());
  const rebuilds: Awaited<ReturnType<typeof rebuildOnce>>[] = [];
  for (let i = 0; i < runs; i++) {
    rebuilds.push(await rebuildOnce());
    (globalThis as { gc?: () => void }).gc?.();
  }
  const rebuildMs = median(rebuilds.map((r) => r.ms));
  const rawMs = median(raws.map((r) => r.ms));
  rows.push(['events', events.toLocaleString('en')]);
  rows.push(['raw loop: better-sqlite3 rows + JSON.parse', `${fmt(rawMs)} (${Math.round(events / (rawMs / 1000)).toLocaleString('en')} ev/s)`]);
  rows.push(['read through the store port (readAll pages)', fmt(median(reads))]);
  rows.push(['full rebuild, all folds', `${fmt(rebuildMs)} (${Math.round(events / (rebuildMs / 1000)).toLocaleString('en')} ev/s, ${(rebuildMs / rawMs).toFixed(1)}× raw)`]);
  for (const name of rebuilds[0]!.perFold.keys()) rows.push([`  fold ${name}`, fmt(median(rebuilds.map((r) => r.perFold.get(name)!)))]);

  const without: ChildResult[] = [];
  const withSnap: ChildResult[] = [];
  for (let i = 0; i < runs; i++) {
    fs.rmSync(snapshotPath(dir), { force: true });
    without.push(runChild()); // its close() leaves a fresh snapshot behind
  }
  const snapBytes = fs.statSync(snapshotPath(dir)).size;
  for (let i = 0; i < runs; i++) withSnap.push(runChild());
  const m = (xs: ChildResult[], k: keyof ChildResult): number => median(xs.map((x) => x[k]));
  rows.push(['restart without snapshot (openRuntime → ready)', fmt(m(without, 'openMs'))]);
  rows.push(['  RSS / heap after load', `${mb(m(without, 'rss'))} / ${mb(m(without, 'heapUsed'))}`]);
  rows.push(['restart with snapshot', fmt(m(withSnap, 'openMs'))]);
  rows.push(['  RSS / heap after load', `${mb(m(withSnap, 'rss'))} / ${mb(m(withSnap, 'heapUsed'))}`]);
  rows.push([`background verification of ${events} events (after a restart with snapshot)`, fmt(m(withSnap, 'backgroundMs'))]);
  rows.push(['snapshot file', mb(snapBytes)]);
  rows.push(['close incl. snapshot write (after a full replay)', fmt(m(without, 'closeMs'))]);
  rows.push([`as-of read, ${withSnap[0]!.streamEvents}-event incident, reads.incident atRevision`, fmt(m(withSnap, 'atRevisionMs'))]);
  rows.push(['  reads.incident asOf', fmt(m(withSnap, 'asOfMs'))]);
  rows.push(['  GET /incidents/{id}?atRevision= (app.inject)', fmt(m(withSnap, 'httpMs'))]);

  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`bench-rebuild: ${dir}, medians of ${runs}, Node ${process.version}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

if (childRole === 'restart') await child();
else await main();
