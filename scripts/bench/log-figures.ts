/** The figures measured in child processes over a generated log: rebuild, restart, as-of reads, memory, Merkle proofs. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { BIG_INCIDENT, generateLog } from '../gen-log.ts';
import { EVENTS, P, ROOT, extra, notes, quick, row, withServer, work } from './context.ts';
import { loadGet } from './http.ts';
import { fmtMiB, fmtMs, fmtRate, fmtRatio, log, median, rm, tempDir } from './lib.ts';

// ---------------------------------------------------------------------------------------------
// The big log: rebuild, restart, as-of, RSS (scripts/gen-log.ts, scripts/bench-rebuild.ts).

function parseDuration(s: string | undefined): number {
  const m = /([\d.,]+)\s*(ms|s|µs)\b/.exec(s ?? '');
  if (!m) return Number.NaN;
  const v = Number(m[1]!.replace(/,/g, ''));
  return m[2] === 's' ? v * 1000 : m[2] === 'µs' ? v / 1000 : v;
}

function lineValue(lines: string[], label: string, nth = 0): string | undefined {
  const found = lines.filter((l) => l.trimStart().startsWith(label));
  return found[nth]?.slice(found[nth]!.indexOf(label) + label.length).trim();
}

/** The generated log, made once and kept in the temp dir for later runs. */
async function bigLog(): Promise<string> {
  const dir = path.join(os.tmpdir(), `palimpsest-bench-log-${EVENTS}`);
  const done = path.join(dir, 'generated');
  if (fs.existsSync(done)) return dir;
  rm(dir);
  log(`generating a ${EVENTS.toLocaleString('en')}-event log in ${dir} (kept for later runs)`);
  const t0 = performance.now();
  await generateLog(dir, EVENTS, { quiet: true });
  fs.writeFileSync(done, `${EVENTS}\n`);
  notes.push(`The ${EVENTS.toLocaleString('en')}-event log was generated in this run (scripts/gen-log.ts) in ${fmtMs(performance.now() - t0)}.`);
  return dir;
}

let noted = false;
async function logDir(): Promise<string> {
  const existed = fs.existsSync(path.join(os.tmpdir(), `palimpsest-bench-log-${EVENTS}`, 'generated'));
  const dir = await bigLog();
  if (existed && !noted) notes.push(`The ${EVENTS.toLocaleString('en')}-event log (scripts/gen-log.ts, seed 42) was reused from an earlier run.`);
  noted = true;
  return dir;
}

export async function big(): Promise<void> {
  const dir = await logDir();
  const file = path.join(dir, 'events.sqlite3');

  log('rebuild / restart / as-of (scripts/bench-rebuild.ts)');
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(ROOT, 'scripts/bench-rebuild.ts'), '--dir', dir, '--runs', String(P.rebuildRuns)], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = out.split('\n');
  extra.push('### scripts/bench-rebuild.ts', '', '```', out.trim(), '```', '');
  const rawMs = parseDuration(lineValue(lines, 'raw loop: better-sqlite3 rows + JSON.parse'));
  const rebuildMs = parseDuration(lineValue(lines, 'full rebuild, all folds'));
  const n = EVENTS.toLocaleString('en');
  const rb = rawMs / rebuildMs;
  row({ section: `${n} events`, figure: `rebuild of all projections from ${n} events`, value: fmtMs(rebuildMs), limit: `${fmtMs(rawMs)} raw read + JSON.parse`, ratio: fmtRatio(rb), target: '≥ 0.5× raw', holds: rb >= 0.5 });
  const without = parseDuration(lineValue(lines, 'restart without snapshot'));
  const withSnap = parseDuration(lineValue(lines, 'restart with snapshot'));
  row({ section: `${n} events`, figure: 'restart (openRuntime → ready) without a snapshot', value: fmtMs(without), limit: `${fmtMs(rawMs)} raw read + JSON.parse`, ratio: fmtRatio(rawMs / without) });
  row({ section: `${n} events`, figure: 'restart with a snapshot', value: fmtMs(withSnap), limit: `${fmtMs(rawMs)} raw read + JSON.parse`, ratio: fmtRatio(rawMs / withSnap) });
  // While it runs the server already serves, and /health says verifying (docs/log.md, "The server checks itself").
  const background = parseDuration(lineValue(lines, 'background verification of'));
  row({ section: `${n} events`, figure: `background verification of ${n} events (leaves recomputed, folds compared with the snapshot)`, value: fmtMs(background), limit: `${fmtMs(rawMs)} raw read + JSON.parse`, ratio: fmtRatio(rawMs / background) });

  // The as-of read's floor: the incident's rows read and parsed with better-sqlite3 directly.
  const db = new Database(file, { readonly: true });
  const stmt = db.prepare('SELECT data, metadata FROM events WHERE stream = ? ORDER BY revision');
  const times: number[] = [];
  let rowsRead = 0;
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    const rs = stmt.all(`incident-${BIG_INCIDENT}`) as Array<{ data: string; metadata: string }>;
    for (const r of rs) {
      JSON.parse(r.data);
      JSON.parse(r.metadata);
    }
    times.push(performance.now() - t0);
    rowsRead = rs.length;
  }
  db.close();
  const floor = median(times);
  for (const [label, key] of [['as-of read (atRevision), reads.incident', 'as-of read,'], ['as-of read (asOf), reads.incident', '  reads.incident asOf'], ['as-of read over HTTP (app.inject)', '  GET /incidents/{id}?atRevision=']] as const) {
    const v = parseDuration(lineValue(lines, key.trim())?.replace(/^.*?atRevision\s+/, ''));
    row({ section: `${n} events`, figure: `${label}, ${rowsRead}-event incident`, value: fmtMs(v), limit: `${fmtMs(floor)} raw read + parse of its rows`, ratio: fmtRatio(floor / v) });
  }

  // RSS of the server holding the projections, after a read load (snapshot left by bench-rebuild).
  await withServer({ mode: 'app', dir, synchronous: 'FULL' }, async (s) => {
    const idle = await s.mem();
    const t = await loadGet(s.url, '/incidents', 50, quick ? 1 : 5);
    const i = await loadGet(s.url, `/incidents/${BIG_INCIDENT}`, 50, quick ? 1 : 5);
    const loaded = await s.mem();
    const rss = Math.max(idle.rss, loaded.rss);
    row({
      section: `${n} events`, figure: `RSS of the server holding ${n} events' projections (after GC; after read load)`, value: `${fmtMiB(idle.rss)}; ${fmtMiB(loaded.rss)}`,
      limit: '500 MiB target', ratio: fmtRatio(rss / (500 * 2 ** 20)), target: '≤ 500 MiB', holds: rss <= 500 * 2 ** 20,
    });
    notes.push(`At ${n} events, 50 connections: timeline ${fmtRate(t.rps)} p99 ${t.p99} ms; GET /incidents/${BIG_INCIDENT} (1,000 events) ${fmtRate(i.rps)} p99 ${i.p99} ms.`);
  });
}

// ---------------------------------------------------------------------------------------------
// Start-up and memory at scale (scripts/bench-start.ts): runnable alone with --only start.

function parseMiB(s: string | undefined): number {
  const m = /([\d.]+)\s*MiB/.exec(s ?? '');
  return m ? Number(m[1]) * 2 ** 20 : Number.NaN;
}

export async function startFigures(): Promise<void> {
  const dir = await logDir();
  log('start-up and memory (scripts/bench-start.ts)');
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(ROOT, 'scripts/bench-start.ts'), '--dir', dir, '--runs', String(P.rebuildRuns)], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 22, stdio: ['ignore', 'pipe', 'inherit'],
  });
  extra.push('### scripts/bench-start.ts', '', '```', out.trim(), '```', '');
  const lines = out.split('\n');
  const n = EVENTS.toLocaleString('en');
  const raw = parseDuration(lineValue(lines, 'raw loop: better-sqlite3 rows + JSON.parse'));
  const limit = 500 * 2 ** 20;
  for (const [label, key] of [['after a replay', 'RSS after GC, after a replay'], ['after a snapshot restore (background check done)', 'RSS after GC, after a snapshot restore']] as const) {
    const v = lineValue(lines, key);
    const rss = parseMiB(v);
    row({ section: `${n} events`, figure: `RSS after GC, ${label}`, value: v ?? '?', limit: '500 MiB target', ratio: fmtRatio(rss / limit), target: '≤ 500 MiB', holds: rss <= limit });
  }
  const ready = parseDuration(lineValue(lines, 'start with snapshot (openRuntime → ready)'));
  row({ section: `${n} events`, figure: 'ready to serve with a snapshot (openRuntime → ready, /health verifying)', value: fmtMs(ready), limit: '2 s target', ratio: fmtRatio(2000 / ready), target: '≤ 2 s', holds: ready <= 2000 });
  const replay = parseDuration(lineValue(lines, 'start without snapshot (openRuntime → ready)'));
  row({ section: `${n} events`, figure: 'ready to serve without a snapshot (every leaf recomputed)', value: fmtMs(replay), limit: `${fmtMs(raw)} raw read + JSON.parse`, ratio: fmtRatio(raw / replay) });
  const background = parseDuration(lineValue(lines, 'background verification of'));
  row({ section: `${n} events`, figure: `background verification of ${n} events after a snapshot restore`, value: fmtMs(background), limit: `${fmtMs(raw)} raw read + JSON.parse`, ratio: fmtRatio(raw / background) });
}

// ---------------------------------------------------------------------------------------------
// Merkle proofs (scripts/bench-merkle.ts).

export function merkle(): void {
  const leaves = P.merkleLeaves;
  log(`merkle at ${leaves.toLocaleString('en')} leaves (scripts/bench-merkle.ts)`);
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(ROOT, 'scripts/bench-merkle.ts'), String(leaves)], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 22, stdio: ['ignore', 'pipe', 'inherit'],
  });
  extra.push('### scripts/bench-merkle.ts', '', '```', out.trim(), '```', '');
  const lines = out.split('\n');
  // The floor: what a verifier must hash, ⌈log2 n⌉ SHA-256 of two 32-byte nodes.
  const depth = Math.ceil(Math.log2(leaves));
  const node = Buffer.alloc(65, 1);
  const samples: number[] = [];
  for (let s = 0; s < 200; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < depth; i++) createHash('sha256').update(node).digest();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const floor = median(samples);
  for (const [label, key] of [['inclusion proof', 'inclusion proof, median'], ['consistency proof', 'consistency proof, median']] as const) {
    const v = parseDuration(lineValue(lines, key)?.replace(/^of \d+\s*/, ''));
    row({
      section: 'Merkle', figure: `${label} generation at ${leaves.toLocaleString('en')} leaves (median of 1,000)`, value: fmtMs(v),
      limit: `${fmtMs(floor)} for ${depth} SHA-256 (verifying it)`, ratio: fmtRatio(floor / v),
    });
  }
}
