/**
 * The robustness section: each figure next to its baseline measured in the same run.
 * - writes/s with 1,000 SSE subscribers vs none (target ≥ 50%);
 * - reads and /health p99 while another process holds SQLite's write lock (target < 100 ms);
 * - each history / as-of read of a 20,000-claim incident, each at a point no earlier read kept an
 *   answer for (target ≤ 50 ms), next to the full fold of the stream that read cost before
 *   checkpoints (timed in this process), and other clients' p99 while four clients hammer such
 *   reads (target < 100 ms).
 * The server runs in a child process (server.ts); the load (autocannon, SSE clients, the lock
 * holder's own child) runs here or in further children, never in the server's event loop.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { incidentStream } from '../../src/domain/events.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { buildIncidentView } from '../../projections/incident-view/render.ts';
import { buildHistory } from '../../projections/provenance-history.ts';
import { claimBody, loadGet, loadWrites, seedPool, startServer, type Server } from './http.ts';
import { fmtMs, fmtRate, fmtRatio, log, median, rm, tempDir } from './lib.ts';

export interface RobustRow { section: string; figure: string; value: string; limit: string; ratio: string; target?: string; holds?: boolean }

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function withServer<T>(fn: (s: Server, dir: string) => Promise<T>): Promise<T> {
  const dir = tempDir('robust');
  const s = await startServer({ mode: 'app', dir });
  try {
    return await fn(s, dir);
  } finally {
    await s.stop();
    rm(dir);
  }
}

function sseSubscribers(port: number, n: number): Promise<http.ClientRequest[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<http.ClientRequest>((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/changes/stream', agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      res.resume();
      resolve(req);
    });
    req.on('error', () => resolve(req));
  })));
}

async function fanOut(sec: number, rows: RobustRow[]): Promise<void> {
  await withServer(async (s) => {
    const pool = await seedPool(s.url, 16);
    const without = await loadWrites(s.url, pool, 16, sec);
    const subs = await sseSubscribers(s.port, 1000);
    const withSubs = await loadWrites(s.url, pool, 16, sec);
    for (const r of subs) r.destroy();
    const ratio = withSubs.rps / without.rps;
    rows.push({ section: 'robust', figure: 'writes/s, 16 writers, 1,000 SSE subscribers', value: `${fmtRate(withSubs.rps)} (${withSubs.non2xx} non-2xx)`, limit: `${fmtRate(without.rps)} without subscribers`, ratio: fmtRatio(ratio), target: '≥ 0.50×', holds: ratio >= 0.5 });
  });
}

async function foreignLock(sec: number, rows: RobustRow[]): Promise<void> {
  await withServer(async (s, dir) => {
    const [id] = await seedPool(s.url, 1);
    const baseRead = await loadGet(s.url, `/incidents/${id}`, 4, sec);
    const script = `const D=require('better-sqlite3');const db=new D(process.argv[1]);db.exec('BEGIN EXCLUSIVE');process.stdout.write('locked\\n');setTimeout(()=>{db.exec('COMMIT');db.close()},Number(process.argv[2]))`;
    const holder = spawn(process.execPath, ['-e', script, path.join(dir, 'events.sqlite3'), String((sec * 2 + 4) * 1000)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => holder.stdout.once('data', () => r()));
    try {
      // A writer keeps trying meanwhile, as clients would.
      const writes = loadWrites(s.url, [id!], 2, sec * 2, true);
      const [read, health] = await Promise.all([loadGet(s.url, `/incidents/${id}`, 4, sec * 2), loadGet(s.url, '/health', 2, sec * 2)]);
      const w = await writes;
      rows.push({ section: 'robust', figure: 'GET /incidents/{id} p99 during a foreign write lock', value: fmtMs(read.p99), limit: `${fmtMs(baseRead.p99)} without the lock`, ratio: fmtRatio(read.p99 / Math.max(1, baseRead.p99)), target: '< 100 ms', holds: read.p99 < 100 && read.non2xx === 0 });
      rows.push({ section: 'robust', figure: 'GET /health p99 during a foreign write lock', value: `${fmtMs(health.p99)} (${health.non2xx} non-2xx)`, limit: '—', ratio: '—', target: '< 100 ms', holds: health.p99 < 100 && health.non2xx === 0 });
      rows.push({ section: 'robust', figure: 'writes during the lock', value: `${w.requests} answered, ${w.non2xx} × 503`, limit: '—', ratio: '—' });
    } finally {
      holder.kill('SIGKILL');
    }
  });
}

/** Median time of GET `path(i)` for i = 0…n-1, one at a time, pausing to stay inside one client's read budget. */
async function timedReads(url: string, path: (i: number) => string, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}${path(i)}`);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 1100));
  }
  return median(times);
}

/** Median time of `f` in this process: the slow path each read took before checkpoints (a full fold and its JSON). */
function timedFold(n: number, f: (i: number) => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    JSON.stringify(f(i));
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function costlyReads(sec: number, claims: number, rows: RobustRow[]): Promise<void> {
  await withServer(async (s, dir) => {
    const [small] = await seedPool(s.url, 1, 'small');
    const [big] = await seedPool(s.url, 1, 'big');
    // The claims go in through a second connection to the same file (another process's writes, as
    // in a bulk import): 20,000 HTTP writes would take longer than the measurement.
    const store = await openSqliteStore({ file: path.join(dir, 'events.sqlite3') });
    let revision = (await store.streamRevision(incidentStream(big!))) ?? 0n;
    for (let i = 0; i < claims; i += 500) {
      const batch = Array.from({ length: Math.min(500, claims - i) }, (_, j) => ({ eventId: randomUUID(), type: 'ClaimRecorded', schemaVersion: 1, data: claimBody(`c-${i + j}`, i + j), metadata: { actor: 'admin', correlationId: 'bench' } }));
      revision = (await store.append(incidentStream(big!), batch, { expected: revision })).nextRevision;
      await new Promise((r) => setTimeout(r, 2)); // a recordedAt of its own for each batch: the asOf points
    }
    const events = await store.readStream(incidentStream(big!));
    const cuts = [...new Set(events.map((e) => e.recordedAt))];
    const asOf = (i: number): string => cuts[Math.floor(cuts.length / 2) + i] ?? cuts.at(-1) ?? '';
    await store.close();
    // Wait until the server has applied them (it polls the file).
    for (let i = 0; i < 600; i++) {
      const h = (await (await fetch(`${s.url}/health`)).json()) as { projections: { lag: number | null } };
      if (h.projections.lag === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await (await fetch(`${s.url}/incidents/${big}/history?claimId=c-0`)).arrayBuffer(); // the first read fills the index
    const half = Math.floor(claims / 2);
    const cut = (end: number) => events.slice(0, end);
    // Each read at a point of its own, so that no answer kept from an earlier read serves it.
    const kinds: { name: string; path: (i: number) => string; fold: (i: number) => unknown }[] = [
      { name: 'history?claimId', path: (i) => `/incidents/${big}/history?claimId=c-${Math.floor(claims / 3) + i}`, fold: (i) => buildHistory(events, { claimId: `c-${Math.floor(claims / 3) + i}` }) },
      { name: 'asOf', path: (i) => `/incidents/${big}?asOf=${encodeURIComponent(asOf(i))}`, fold: (i) => buildIncidentView(events.filter((e) => e.recordedAt <= asOf(i))) },
      { name: 'atRevision', path: (i) => `/incidents/${big}?atRevision=${half + 97 * i}`, fold: (i) => buildIncidentView(cut(half + 97 * i + 1)) },
      { name: 'knownAt', path: (i) => `/incidents/${big}?knownAt=2024-10-08T00:00:00.${String(i).padStart(3, '0')}Z`, fold: (i) => buildIncidentView(events, { knownAt: `2024-10-08T00:00:00.${String(i).padStart(3, '0')}Z` }) },
      { name: '/history', path: () => `/incidents/${big}/history`, fold: () => buildHistory(events) },
    ];
    for (const k of kinds) {
      const fresh = k.name === '/history' ? undefined : await timedReads(s.url, k.path, 5);
      // The same read again: an answer kept until the incident's next event.
      const again = await timedReads(s.url, () => k.path(0), k.name === '/history' ? 6 : 3);
      const slow = timedFold(3, k.fold);
      const value = fresh ?? again;
      rows.push({
        section: 'robust',
        figure: `${k.name} of a ${claims.toLocaleString('en')}-claim incident${fresh === undefined ? ', repeated' : ', each at a new point'} (one client, idle server)`,
        value: `${fmtMs(value)}${fresh === undefined ? '' : ` (repeated: ${fmtMs(again)})`}`,
        limit: `${fmtMs(slow)} full fold`,
        ratio: fmtRatio(value / Math.max(1, slow)),
        target: '≤ 50 ms',
        holds: value <= 50,
      });
    }
    const alone = await loadGet(s.url, `/incidents/${small}`, 4, sec);
    // The hammering clients share one address, hence one read budget: past it they get 429, as designed.
    const [others, byClaim, asOfs] = await Promise.all([
      loadGet(s.url, `/incidents/${small}`, 4, sec),
      loadGet(s.url, (i) => `/incidents/${big}/history?claimId=c-${(i * 7919) % claims}`, 2, sec, true),
      loadGet(s.url, (i) => `/incidents/${big}?atRevision=${half + (i % 5000)}`, 2, sec, true),
    ]);
    const hammer = `${byClaim.requests + asOfs.requests - byClaim.non2xx - asOfs.non2xx} hammer reads answered, ${byClaim.non2xx + asOfs.non2xx} × 429`;
    rows.push({ section: 'robust', figure: 'other clients\' p99 while four clients hammer history/as-of reads at new points', value: `${fmtMs(others.p99)} (${hammer})`, limit: `${fmtMs(alone.p99)} alone`, ratio: fmtRatio(others.p99 / Math.max(1, alone.p99)), target: '< 100 ms', holds: others.p99 < 100 });
  });
}

export async function robustness(quick: boolean): Promise<RobustRow[]> {
  const rows: RobustRow[] = [];
  const sec = quick ? 3 : 8;
  const only = process.env.BENCH_ROBUST_ONLY;
  if (only === undefined || only === 'fanout') {
    log('robust: SSE fan-out');
    await fanOut(sec, rows);
  }
  if (only === undefined || only === 'lock') {
    log('robust: foreign write lock');
    await foreignLock(sec, rows);
  }
  if (only === undefined || only === 'reads') {
    log('robust: costly reads');
    await costlyReads(sec, 20_000, rows);
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await robustness(process.argv.includes('--quick'));
  for (const r of rows) console.log(`${r.figure}: ${r.value} | ${r.limit} | ${r.ratio}${r.target ? ` | target ${r.target}: ${r.holds ? 'holds' : 'MISSED'}` : ''}`);
}
