/**
 * Reads under load against a bare route serving the same bytes, server and load generator in
 * separate processes; for profiling one read path quickly (npm run bench does the full figures).
 * Both servers stay up and are loaded in turn (ours, bare, ours, …) after a warm-up, so that the
 * machine's other load weighs on both alike; the figures are medians of the rounds.
 *
 *   npx tsx scripts/bench/reads-probe.ts [seconds = 5] [--rounds N = 3] [--profile DIR]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimBody, loadGet, postAll, seedPool, startServer, type LoadResult } from './http.ts';
import { median, processCpuSeconds } from './lib.ts';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const profile = opt('--profile');
const rounds = Number(opt('--rounds') ?? 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-reads-'));
const s = await startServer({ mode: 'app', dir, synchronous: 'NORMAL', ...(profile ? { cpuProfDir: profile } : {}) });
const pool = await seedPool(s.url, 60, 'inc');
await postAll(s.url, Array.from({ length: 40 }, (_, i) => ({ path: `/incidents/${pool[0]}/claims`, body: claimBody(`c-${i}`, i) })));
const paths = { incident: `/incidents/${pool[0]}`, timeline: '/incidents' };
const texts = { incident: await (await fetch(`${s.url}${paths.incident}`)).text(), timeline: await (await fetch(`${s.url}${paths.timeline}`)).text() };
const bodies = path.join(os.tmpdir(), `palimpsest-bodies-${process.pid}.json`);
fs.writeFileSync(bodies, JSON.stringify(texts));
const b = await startServer({ mode: 'bare', bodies, ...(profile ? { cpuProfDir: `${profile}-bare` } : {}) });
const kinds = ['incident', 'timeline'] as const;
const ours = { incident: [] as LoadResult[], timeline: [] as LoadResult[] };
const bare = { incident: [] as LoadResult[], timeline: [] as LoadResult[] };
for (const k of kinds) {
  await loadGet(s.url, paths[k], 50, 1);
  await loadGet(b.url, paths[k], 50, 1);
}
/** CPU µs the server process spent per request under the load (user + system, from /proc). */
const cpuUs = { ours: { incident: [] as number[], timeline: [] as number[] }, bare: { incident: [] as number[], timeline: [] as number[] } };
const measured = async (server: typeof s, k: (typeof kinds)[number], into: LoadResult[], us: number[]): Promise<void> => {
  const c0 = processCpuSeconds(server.child.pid);
  const r = await loadGet(server.url, paths[k], 50, seconds);
  us.push((1e6 * (processCpuSeconds(server.child.pid) - c0)) / r.requests);
  into.push(r);
};
for (let r = 0; r < rounds; r++) {
  for (const k of kinds) {
    await measured(s, k, ours[k], cpuUs.ours[k]);
    await measured(b, k, bare[k], cpuUs.bare[k]);
  }
}
await s.stop();
await b.stop();
fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(bodies, { force: true });
const med = (xs: LoadResult[], key: 'rps' | 'p99'): number => median(xs.map((x) => x[key]));
for (const k of kinds) {
  const ratios = ours[k].map((o, i) => (o.rps / (bare[k][i]?.rps ?? Number.NaN)).toFixed(2)).join(' ');
  console.log(`${k.padEnd(8)} ${Buffer.byteLength(texts[k])} B: ours ${med(ours[k], 'rps').toFixed(0)}/s p99 ${med(ours[k], 'p99')} ms, bare ${med(bare[k], 'rps').toFixed(0)}/s p99 ${med(bare[k], 'p99')} ms → ${(med(ours[k], 'rps') / med(bare[k], 'rps')).toFixed(2)}× (rounds ${ratios}); server CPU ${median(cpuUs.ours[k]).toFixed(0)} µs/request, bare ${median(cpuUs.bare[k]).toFixed(0)} µs`);
}
