/**
 * Start-up and memory at scale on a generated store (scripts/gen-log.ts), each start in a fresh
 * child process so that one run's heap does not inflate the next:
 * - after a replay (no snapshot): openRuntime → ready, then the RSS after GC; its close leaves a snapshot;
 * - after a snapshot restore: openRuntime → ready (the time to serve), the background verification
 *   (/health `verifying` until it ends: every spared leaf recomputed, the folds compared with the
 *   snapshot), then the RSS after GC;
 * - the limit beside them: a raw better-sqlite3 read + JSON.parse loop over the same rows.
 * Medians of `--runs` runs.
 *
 *   npx tsx scripts/gen-log.ts --events 1000000 --dir data/bench1m
 *   node --expose-gc --import tsx scripts/bench-start.ts --dir data/bench1m [--runs 3] [--restore-only]
 *
 * `--restore-only` times only the starts from the snapshot already in the directory, to ready, and
 * the RSS after GC right then (the background verification is stopped, not measured).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openRuntime } from '../src/cli/runtime.ts';
import { snapshotPath } from '../src/app/snapshots.ts';
import { loadConfig } from '../src/config.ts';
import { childRole, dir, env, file, rawLoop, restoreOnly, runs } from './bench/big-log-args.ts';
import { median } from './bench/lib.ts';


/** RSS after several collections a moment apart: large buffers freed by the first leave RSS only once finalised. */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 200));
  }
  return process.memoryUsage();
}

interface ChildResult {
  readyMs: number;
  backgroundMs: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  events: number;
}

/** Child: open the runtime as `serve` would; report timings and memory as one JSON line. */
async function child(): Promise<void> {
  const t0 = performance.now();
  const rt = await openRuntime(loadConfig(env()));
  const readyMs = performance.now() - t0;
  const res = await rt.app.inject({ method: 'GET', url: '/health' });
  if (res.statusCode !== 200) throw new Error(`/health answered ${res.statusCode} right after start: ${res.body}`);
  const b0 = performance.now();
  if (!restoreOnly) await rt.selfCheck;
  const backgroundMs = performance.now() - b0;
  const check = rt.integrity.status;
  if (check.status !== (restoreOnly ? 'verifying' : 'ok')) throw new Error(`the self-check says ${JSON.stringify(check)}`);
  const mem = await settledMemory();
  await rt.close();
  const out: ChildResult = { readyMs, backgroundMs, rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, events: Number(rt.live.next) };
  console.log(JSON.stringify(out));
}

function runChild(): ChildResult {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--dir', dir, '--child', 'start', ...(restoreOnly ? ['--restore-only'] : [])], {
    env: env(), encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult;
}


async function main(): Promise<void> {
  if (!fs.existsSync(file)) throw new Error(`${file} not found: generate it with scripts/gen-log.ts`);
  const fmt = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  if (restoreOnly) return restoresOnly(fmt, mb);
  const raw = median(Array.from({ length: runs }, () => rawLoop().ms));
  const replays: ChildResult[] = [];
  const restores: ChildResult[] = [];
  for (let i = 0; i < runs; i++) {
    fs.rmSync(snapshotPath(dir), { force: true });
    replays.push(runChild()); // its close() leaves a fresh snapshot behind
  }
  const snapBytes = fs.statSync(snapshotPath(dir)).size;
  for (let i = 0; i < runs; i++) restores.push(runChild());
  const m = (xs: ChildResult[], k: keyof ChildResult): number => median(xs.map((x) => x[k]));
  const rows: [string, string][] = [
    ['events', m(replays, 'events').toLocaleString('en')],
    ['raw loop: better-sqlite3 rows + JSON.parse', fmt(raw)],
    ['start without snapshot (openRuntime → ready)', fmt(m(replays, 'readyMs'))],
    ['RSS after GC, after a replay', `${mb(m(replays, 'rss'))} (heap ${mb(m(replays, 'heapUsed'))} used of ${mb(m(replays, 'heapTotal'))}, external ${mb(m(replays, 'external'))})`],
    ['start with snapshot (openRuntime → ready)', fmt(m(restores, 'readyMs'))],
    [`background verification of ${m(restores, 'events')} events`, fmt(m(restores, 'backgroundMs'))],
    ['RSS after GC, after a snapshot restore', `${mb(m(restores, 'rss'))} (heap ${mb(m(restores, 'heapUsed'))} used of ${mb(m(restores, 'heapTotal'))}, external ${mb(m(restores, 'external'))})`],
    ['snapshot file', mb(snapBytes)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`bench-start: ${dir}, medians of ${runs}, Node ${process.version}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

function restoresOnly(fmt: (ms: number) => string, mb: (b: number) => string): void {
  if (!fs.existsSync(snapshotPath(dir))) throw new Error(`${snapshotPath(dir)} not found: run once without --restore-only`);
  const restores = Array.from({ length: runs }, () => runChild());
  console.log(`bench-start --restore-only: ${dir}, medians of ${runs}, Node ${process.version}`);
  console.log(`start with snapshot (openRuntime → ready)  ${fmt(median(restores.map((r) => r.readyMs)))} (each: ${restores.map((r) => fmt(r.readyMs)).join(', ')})`);
  console.log(`RSS after GC, right after ready            ${mb(median(restores.map((r) => r.rss)))}`);
}

if (childRole === 'start') await child();
else await main();
