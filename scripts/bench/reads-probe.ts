/**
 * Reads under load against a bare route serving the same bytes, server and load generator in
 * separate processes; for profiling one read path quickly (npm run bench does the full figures).
 *
 *   npx tsx scripts/bench/reads-probe.ts [seconds = 5] [--profile DIR]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimBody, loadGet, postAll, seedPool, startServer } from './http.ts';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const pi = args.indexOf('--profile');
const profile = pi >= 0 ? args[pi + 1] : undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-reads-'));
const s = await startServer({ mode: 'app', dir, synchronous: 'NORMAL', ...(profile ? { cpuProfDir: profile } : {}) });
const pool = await seedPool(s.url, 60, 'inc');
await postAll(s.url, Array.from({ length: 40 }, (_, i) => ({ path: `/incidents/${pool[0]}/claims`, body: claimBody(`c-${i}`, i) })));
const incidentPath = `/incidents/${pool[0]}`;
const incident = await (await fetch(`${s.url}${incidentPath}`)).text();
const timeline = await (await fetch(`${s.url}/incidents`)).text();
const ours = { incident: await loadGet(s.url, incidentPath, 50, seconds), timeline: await loadGet(s.url, '/incidents', 50, seconds) };
await s.stop();
fs.rmSync(dir, { recursive: true, force: true });
const bodies = path.join(os.tmpdir(), `palimpsest-bodies-${process.pid}.json`);
fs.writeFileSync(bodies, JSON.stringify({ incident, timeline }));
const b = await startServer({ mode: 'bare', bodies, ...(profile ? { cpuProfDir: `${profile}-bare` } : {}) });
const bare = { incident: await loadGet(b.url, incidentPath, 50, seconds), timeline: await loadGet(b.url, '/incidents', 50, seconds) };
await b.stop();
fs.rmSync(bodies, { force: true });
for (const k of ['incident', 'timeline'] as const) {
  const o = ours[k];
  console.log(`${k.padEnd(8)} ${Buffer.byteLength(k === 'incident' ? incident : timeline)} B: ours ${o.rps.toFixed(0)}/s p99 ${o.p99} ms (non-2xx ${o.non2xx}), bare ${bare[k].rps.toFixed(0)}/s p99 ${bare[k].p99} ms → ${(o.rps / bare[k].rps).toFixed(2)}×`);
}
