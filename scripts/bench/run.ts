/**
 * `npm run bench` — every figure next to its physical limit (or a peer) measured in the same run,
 * as a ratio, medians over several runs; writes BENCHMARKS.md.
 * `npm run bench -- --quick` — the same sections, small and short (under a minute), printed only.
 *
 * Options:
 *   --quick            small sizes, one short run each; does not write BENCHMARKS.md
 *   --events N         size of the generated log for rebuild/restart/as-of/RSS (default 1,000,000)
 *   --only a,b         sections: appends, peer, http, postgres, big, start, merkle, robust (start: ready
 *                      time, background verification and RSS after GC at the big log, alone: --only start)
 *   --profile DIR      run the benchmark servers with node --cpu-prof into DIR and print a summary
 *   --out FILE         where to write the report (default BENCHMARKS.md; '-' for none)
 *
 * Processes: the HTTP servers (openRuntime + listen on 127.0.0.1:0, or a bare fastify) run in a
 * child process each (scripts/bench/server.ts); autocannon runs in this process, so the load
 * generator never shares the server's event loop (it does share the machine's cores). The
 * rebuild/restart figures come from scripts/bench-rebuild.ts, the Merkle ones from
 * scripts/bench-merkle.ts, each run as a child; the log they use is made by scripts/gen-log.ts and
 * kept in the temp dir between runs (palimpsest-bench-log-<events>).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { storeAppendRate, storeReadRates } from './appends.ts';
import { loadGet, loadWrites, seedPool, type LoadResult } from './http.ts';
import { fmtRate, fmtRatio, log, median, rm, tempDir } from './lib.ts';
import { summarize } from './profile-summary.ts';
import { P, ROOT, extra, notes, profileDir, quick, row, rows, rawRates, sampleRaw, sections, values, withServer, work } from './context.ts';
import { big, merkle, startFigures } from './log-figures.ts';
import { postgresFigures } from './postgres.ts';
import { robustness } from './robustness.ts';

// ---------------------------------------------------------------------------------------------
// Store appends vs raw better-sqlite3, in process.

async function appends(): Promise<void> {
  const seq: number[] = [];
  const conc: number[] = [];
  const raws: number[] = [];
  let commits = 0;
  let appended = 0;
  for (let r = 0; r < Math.max(P.runs, 3); r++) {
    raws.push(sampleRaw());
    seq.push((await storeAppendRate(work, P.appendMs, 1)).rate);
    const c = await storeAppendRate(work, P.appendMs, 50);
    conc.push(c.rate);
    commits += c.commits;
    appended += c.appends;
    if (quick) break;
  }
  const raw = median(raws);
  row({ section: 'Store', figure: 'appends, 1 event each, one at a time (FULL)', value: fmtRate(median(seq)), limit: `${fmtRate(raw)} raw inserts`, ratio: fmtRatio(median(seq) / raw) });
  row({
    section: 'Store', figure: 'appends, 1 event each, 50 in flight (FULL, group commit)', value: fmtRate(median(conc)), limit: `${fmtRate(raw)} raw inserts`,
    ratio: fmtRatio(median(conc) / raw),
  });
  notes.push(`Group commit, 50 appends in flight: ${appended.toLocaleString('en')} appends in ${commits.toLocaleString('en')} commits (${(appended / commits).toFixed(1)} per fsync).`);
}

// ---------------------------------------------------------------------------------------------
// Peer: Emmett's SQLite event store.

const PEER_DIR = path.join(ROOT, 'scripts/bench/peer');

/**
 * The peer's packages live in their own folder (its sqlite3 driver compiles from source, for a
 * figure only this benchmark needs): installed from its lockfile the first time they are needed.
 */
function ensurePeer(): void {
  if (fs.existsSync(path.join(PEER_DIR, 'node_modules', '@event-driven-io', 'emmett-sqlite'))) return;
  log('installing the benchmark peer (npm install --prefix scripts/bench/peer; sqlite3 compiles from source)');
  execFileSync('npm', ['install', '--prefix', PEER_DIR, '--no-audit', '--no-fund'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

let emmettFailures = 0;
/** One Emmett measurement in a child process (peer/peer-child.ts), retried when Emmett crashes. */
function emmett<T>(args: string[]): T {
  ensurePeer();
  for (let attempt = 1; ; attempt++) {
    try {
      const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(PEER_DIR, 'peer-child.ts'), work, ...args], {
        cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
      });
      return JSON.parse(out.trim().split('\n').at(-1)!) as T;
    } catch (err) {
      emmettFailures++;
      log(`emmett-sqlite run failed (attempt ${attempt}): ${String((err as { stderr?: string }).stderr ?? err).split('\n').find((l) => /Error|SQLITE/.test(l)) ?? err}`);
      if (attempt >= 3) return { append: Number.NaN, read: Number.NaN, aggregate: Number.NaN } as T;
    }
  }
}

async function peer(): Promise<void> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < P.runs; r++) {
    ours.push((await storeAppendRate(work, P.peerMs, 1)).rate);
    theirs.push(emmett<{ append: number }>(['append', String(P.peerMs)]).append);
  }
  const target = '≥ 1.5× Emmett';
  const a = median(ours) / median(theirs);
  row({ section: 'Peer', figure: 'appends, 1 event each, one at a time: ours vs emmett-sqlite', value: fmtRate(median(ours)), limit: `${fmtRate(median(theirs))} Emmett`, ratio: fmtRatio(a), target, holds: a >= 1.5 });
  const ourReads = [];
  const theirReads = [];
  for (let r = 0; r < P.runs; r++) {
    ourReads.push(await storeReadRates(work, P.readLen, P.peerMs / 2));
    theirReads.push(emmett<{ read: number; aggregate: number }>(['read', String(P.peerMs / 2), String(P.readLen)]));
  }
  for (const k of ['read', 'aggregate'] as const) {
    const o = median(ourReads.map((x) => x[k]));
    const t = median(theirReads.map((x) => x[k]));
    row({
      section: 'Peer', figure: `${k === 'read' ? 'read a' : 'aggregate a'} ${P.readLen}-event stream: ours vs emmett-sqlite`, value: `${fmtRate(o)} streams`,
      limit: `${fmtRate(t)} Emmett`, ratio: fmtRatio(o / t), target, holds: o / t >= 1.5,
    });
  }
  notes.push('Emmett: `getSQLiteEventStore({ fileName, schema: { autoMigration: \'CreateOrUpdate\' } })`, its documented setup for a file database '
    + '(it opens a connection per operation, sets WAL, keeps SQLite\'s default synchronous=FULL). Our store: synchronous=FULL for appends; '
    + 'reads are `readStream` (rows JSON-parsed) and, for aggregate, a fold over them; Emmett\'s are `readStream` and `aggregateStream`. '
    + `Emmett runs in a child process: its sqlite3 connection handling can crash the process (SQLITE_BUSY "cannot commit transaction - SQL statements in progress"); runs that crashed this time and were retried: ${emmettFailures}.`);
}

// ---------------------------------------------------------------------------------------------
// HTTP writes and reads.

function okCount(r: LoadResult): string {
  return r.non2xx + r.errors + r.timeouts === 0 ? '' : ` (${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts)`;
}


async function http(): Promise<void> {
  const capture: { incident?: string; timeline?: string; incidentPath?: string } = {};
  const writes = new Map<number, LoadResult[]>();
  /** 50-connection writes by the number of incidents they go to. */
  const shaped = new Map<number, LoadResult[]>();
  const raws: number[] = [];
  let stats: { commits: number; appends: number } | undefined;
  for (const c of P.connections) {
    raws.push(sampleRaw());
    const dir = tempDir(`http-${c}`);
    try {
      await withServer({ mode: 'app', dir, synchronous: 'FULL' }, async (s) => {
        const list: LoadResult[] = [];
        for (let r = 0; r < P.runs; r++) {
          const pool = await seedPool(s.url, P.pool, `inc-r${r}`);
          list.push(await loadWrites(s.url, pool, c, P.httpSec));
          log(`writes c=${c} run ${r + 1}: ${list.at(-1)!.rps.toFixed(0)}/s p99 ${list.at(-1)!.p99} ms${okCount(list.at(-1)!)}`);
        }
        writes.set(c, list);
        if (c === P.connections.at(-1)) {
          // The shapes a burst takes: every connection on one hot incident, or one incident each.
          for (const [shape, n] of [['one', 1], ['fifty', 50]] as const) {
            const runs: LoadResult[] = [];
            for (let r = 0; r < P.runs; r++) {
              const pool = await seedPool(s.url, n, `${shape}-r${r}`);
              runs.push(await loadWrites(s.url, pool, c, P.httpSec));
              log(`writes c=${c} on ${n} incident${n > 1 ? 's' : ''} run ${r + 1}: ${runs.at(-1)!.rps.toFixed(0)}/s p99 ${runs.at(-1)!.p99} ms`);
            }
            shaped.set(n, runs);
          }
          stats = await s.stats();
          // Reads on what the writes left: an incident with its claims, and the timeline page.
          const id = `inc-r${P.runs - 1}-00000`;
          capture.incidentPath = `/incidents/${id}`;
          capture.incident = await (await fetch(`${s.url}${capture.incidentPath}`)).text();
          capture.timeline = await (await fetch(`${s.url}/incidents`)).text();
          const reads = { incident: [] as LoadResult[], timeline: [] as LoadResult[] };
          for (let r = 0; r < P.runs; r++) {
            reads.incident.push(await loadGet(s.url, capture.incidentPath, 50, P.httpSec));
            reads.timeline.push(await loadGet(s.url, '/incidents', 50, P.httpSec));
          }
          (capture as Record<string, unknown>).reads = reads;
        }
      });
    } finally {
      rm(dir);
    }
  }
  raws.push(sampleRaw());
  const raw = median(raws);

  // The bare fastify: the write route only parses the body; the reads answer the same bytes.
  const bodies = path.join(work, 'bodies.json');
  fs.writeFileSync(bodies, JSON.stringify({ incident: capture.incident, timeline: capture.timeline }));
  const bare = new Map<number, LoadResult[]>();
  const bareReads = { incident: [] as LoadResult[], timeline: [] as LoadResult[] };
  await withServer({ mode: 'bare', bodies }, async (s) => {
    const pool = Array.from({ length: P.pool }, (_, i) => `inc-${i}`);
    for (const c of P.connections) {
      const list: LoadResult[] = [];
      for (let r = 0; r < P.runs; r++) list.push(await loadWrites(s.url, pool, c, P.bareSec));
      bare.set(c, list);
    }
    for (let r = 0; r < P.runs; r++) {
      bareReads.incident.push(await loadGet(s.url, capture.incidentPath!, 50, P.bareSec));
      bareReads.timeline.push(await loadGet(s.url, '/incidents', 50, P.bareSec));
    }
  });

  const med = (xs: LoadResult[], k: 'rps' | 'p50' | 'p99'): number => median(xs.map((x) => x[k]));
  for (const c of P.connections) {
    const w = writes.get(c)!;
    const b = bare.get(c)!;
    const rps = med(w, 'rps');
    row({
      section: 'HTTP writes', figure: `POST /incidents/{id}/claims, ${c} connection${c > 1 ? 's' : ''} (FULL, acknowledged)`,
      value: `${fmtRate(rps)}, p50 ${med(w, 'p50')} ms, p99 ${med(w, 'p99')} ms${okCount(w.at(-1)!)}`, limit: `${fmtRate(raw)} raw inserts`, ratio: fmtRatio(rps / raw),
    });
    row({ section: 'HTTP writes', figure: `… same, vs bare fastify parsing the body`, value: fmtRate(rps), limit: `${fmtRate(med(b, 'rps'))} bare`, ratio: fmtRatio(rps / med(b, 'rps')) });
  }
  const c = P.connections.at(-1)!;
  for (const [n, w] of shaped) {
    const rps = med(w, 'rps');
    row({
      section: 'HTTP writes', figure: `POST /incidents/{id}/claims, ${c} connections on ${n === 1 ? 'ONE incident' : `${n} incidents`} (FULL, acknowledged)`,
      value: `${fmtRate(rps)}, p50 ${med(w, 'p50')} ms, p99 ${med(w, 'p99')} ms`, limit: `${fmtRate(raw)} raw inserts`, ratio: fmtRatio(rps / raw),
      ...(n === 1 ? { target: '≥ 1.3× raw', holds: rps / raw >= 1.3 } : {}),
    });
  }
  if (stats) notes.push(`Group commit under HTTP load (the ${P.connections.at(-1)}-connection server, seeding included): ${stats.appends.toLocaleString('en')} appends in ${stats.commits.toLocaleString('en')} commits.`);

  const reads = (capture as { reads: { incident: LoadResult[]; timeline: LoadResult[] } }).reads;
  for (const k of ['incident', 'timeline'] as const) {
    const ours = reads[k];
    const b = bareReads[k];
    const ratio = med(ours, 'rps') / med(b, 'rps');
    const p99 = med(ours, 'p99');
    const bytes = Buffer.byteLength(k === 'incident' ? capture.incident! : capture.timeline!);
    row({
      section: 'HTTP reads', figure: `${k === 'incident' ? 'GET /incidents/{id}' : 'GET /incidents (timeline)'}, 50 connections, ${bytes.toLocaleString('en')} bytes`,
      value: `${fmtRate(med(ours, 'rps'))}, p50 ${med(ours, 'p50')} ms, p99 ${p99} ms${okCount(ours.at(-1)!)}`,
      limit: `${fmtRate(med(b, 'rps'))}, p50 ${med(b, 'p50')} ms, p99 ${med(b, 'p99')} ms bare`, ratio: fmtRatio(ratio),
      target: '≥ 0.7× bare, p99 ≤ 10 ms', holds: ratio >= 0.7 && p99 <= 10,
    });
  }
  notes.push(`HTTP: each write run registers a fresh pool of ${P.pool} incidents (through the API) and then posts distinct claims round robin over it for ${P.httpSec} s; `
    + `the reads run on the ${P.connections.at(-1)}-connection server afterwards (an incident with the claims it received; the timeline's first page of 50). `
    + `Runs of ${P.httpSec} s (bare fastify: ${P.bareSec} s), medians of ${P.runs}. `
    + `The ONE-incident and 50-incident rows: a fresh pool of that many incidents per run, every request a distinct claim; any non-2xx fails the benchmark.`);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL (scripts/bench/postgres.ts), skipped with one line when no server can be had.

async function postgres(): Promise<void> {
  const got = await postgresFigures(quick);
  if (typeof got === 'string') {
    log(`postgres: skipped: ${got}`);
    notes.push(`PostgreSQL figures skipped: ${got}.`);
    return;
  }
  for (const r of got.rows) row(r);
  notes.push(...got.notes);
}

// ---------------------------------------------------------------------------------------------

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function report(started: Date, seconds: number): string {
  const cmd = `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const out = [
    '# Benchmarks',
    '',
    `Regenerated by \`${cmd}\` on ${started.toISOString().slice(0, 10)} (${(seconds / 60).toFixed(1)} min). Machine: ${machine()}.`,
    '',
    'Every figure stands next to its limit measured in the same run: the physical floor (bare better-sqlite3 with one',
    'transaction per insert, WAL, synchronous=FULL; a bare fastify route answering the same bytes; a raw read + JSON.parse',
    'loop) or the peer (@event-driven-io/emmett-sqlite 0.38.5). Ratio: ours / limit for rates, limit / ours for times —',
    'above 1× is better than the limit. Medians of several runs; the machine has 2 shared cores, so the load generator,',
    'the server and other work share them, and figures move between runs by 10–30 %; fsync-bound figures move more.',
    '',
    '| Section | Figure | Value | Limit | Ratio | Target |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.section} | ${r.figure} | ${r.value} | ${r.limit} | ${r.ratio} | ${r.target ? `${r.target}: ${r.holds ? '**holds**' : '**missed**'}` : ''} |`),
    '',
    `Raw durable insert limit samples this run: ${rawRates.map((r) => fmtRate(r)).join(', ')} (median ${fmtRate(median(rawRates))}).`,
    '',
    '## Notes',
    '',
    ...notes.map((n) => `- ${n}`),
    '- HTTP servers: `openRuntime` (src/cli/runtime.ts) + `app.listen` on 127.0.0.1:0 in a child process, config from `loadConfig` with '
      + 'PALIMPSEST_DEMO=false, PALIMPSEST_RATE_LIMIT=100000000, PALIMPSEST_MAX_EVENT_LOOP_DELAY_MS=0, PALIMPSEST_SQLITE_SYNCHRONOUS=FULL; '
      + 'autocannon 8 (programmatic API) in the parent process, each write request a distinct claim (setupRequest).',
    '',
    '## Raw output of the reused scripts',
    '',
    ...extra,
  ];
  return `${out.join('\n')}\n`;
}

const started = new Date();
const t0 = performance.now();
try {
  if (sections.has('appends')) await appends();
  if (sections.has('peer')) await peer();
  if (sections.has('http')) await http();
  if (sections.has('postgres')) await postgres();
  if (sections.has('merkle')) merkle();
  if (sections.has('big')) await big();
  if (sections.has('start')) await startFigures();
  if (sections.has('robust')) for (const r of await robustness(quick)) row(r);
} finally {
  rm(work);
}
const text = report(started, (performance.now() - t0) / 1000);
const outFile = values.out ?? (quick ? '-' : 'BENCHMARKS.md');
if (outFile === '-') process.stdout.write(text);
else {
  fs.writeFileSync(path.resolve(ROOT, outFile), text);
  log(`wrote ${outFile}`);
  process.stdout.write(text.split('\n## Raw output')[0]!);
}
if (profileDir) {
  for (const f of fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
    const summary = summarize(path.join(profileDir, f), 20);
    if (!summary.includes('(idle)') || !/^\s+9\d\.\d%\s+\(idle\)/m.test(summary)) console.log(`\n## ${f}\n${summary}`);
  }
}
