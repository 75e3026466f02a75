/**
 * HTTP writes at 50 connections on one incident, the server in its own process; for profiling the
 * write path quickly (npm run bench does the full figures).
 *
 *   npx tsx scripts/bench/writes-probe.ts [seconds = 5] [--profile DIR]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadWrites, seedPool, startServer } from './http.ts';
import { processCpuSeconds, rawInsertRate } from './lib.ts';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const pi = args.indexOf('--profile');
const profile = pi >= 0 ? args[pi + 1] : undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-writes-'));
const rawBefore = rawInsertRate(dir, 2000);
const s = await startServer({ mode: 'app', dir, synchronous: 'FULL', ...(profile ? { cpuProfDir: profile } : {}) });
const pool = await seedPool(s.url, 1, 'hot');
const before = await s.stats();
const cpu0 = processCpuSeconds(s.child.pid);
const r = await loadWrites(s.url, pool, 50, seconds);
const cpuUsed = processCpuSeconds(s.child.pid) - cpu0;
const after = await s.stats();
await s.stop();
const raw = (rawBefore + rawInsertRate(dir, 2000)) / 2;
fs.rmSync(dir, { recursive: true, force: true });
const commits = (after?.commits ?? 0) - (before?.commits ?? 0);
console.log(`one incident, 50 connections: ${r.rps.toFixed(0)}/s p50 ${r.p50} ms p99 ${r.p99} ms; ${r.requests} writes in ${commits} commits; raw ${raw.toFixed(0)}/s → ${(r.rps / raw).toFixed(2)}×; server CPU ${((1e6 * cpuUsed) / r.requests).toFixed(0)} µs/write`);
