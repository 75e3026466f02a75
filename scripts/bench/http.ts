/** HTTP load: the server in a child process (server.ts), autocannon's programmatic API in this one. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { BENCH_TOKEN } from './lib.ts';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

export interface Server {
  port: number;
  url: string;
  child: ChildProcess;
  mem(): Promise<NodeJS.MemoryUsage>;
  stats(): Promise<{ commits: number; appends: number } | undefined>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  mode: 'app' | 'bare';
  dir?: string;
  bodies?: string;
  synchronous?: 'FULL' | 'NORMAL';
  /** Serve from this PostgreSQL database instead of SQLite (mode app). */
  databaseUrl?: string;
  /** Directory for a V8 CPU profile of the server (node --cpu-prof). */
  cpuProfDir?: string;
}

export async function startServer(o: ServerOptions): Promise<Server> {
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  if (o.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`);
  const child = fork(SERVER, [], {
    execArgv,
    env: {
      ...process.env,
      BENCH_MODE: o.mode,
      ...(o.dir ? { BENCH_DIR: o.dir } : {}),
      ...(o.bodies ? { BENCH_BODIES: o.bodies } : {}),
      ...(o.databaseUrl ? { BENCH_DATABASE_URL: o.databaseUrl } : {}),
      PALIMPSEST_SQLITE_SYNCHRONOUS: o.synchronous ?? 'FULL',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(msg: string, key: string): Promise<T> => new Promise((resolve, reject) => {
    const onMsg = (m: Record<string, unknown>): void => {
      if (key in m) {
        child.off('message', onMsg);
        child.off('exit', onExit);
        resolve(m[key] as T);
      }
    };
    const onExit = (code: number | null): void => reject(new Error(`bench server exited (${code}) before answering ${msg}`));
    child.on('message', onMsg);
    child.once('exit', onExit);
    if (msg !== '') child.send(msg);
  });
  const port = await ask<number>('', 'ready');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    mem: () => ask<NodeJS.MemoryUsage>('mem', 'mem'),
    stats: () => ask<{ commits: number; appends: number } | undefined>('stats', 'stats'),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.send('stop');
    }),
  };
}

const AUTH = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };

/** Requests with bounded concurrency, for setting up data through the real routes. */
export async function postAll(url: string, items: Array<{ path: string; body: unknown }>, concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const it = items[next++]!;
      const res = await fetch(`${url}${it.path}`, { method: 'POST', headers: AUTH, body: JSON.stringify(it.body) });
      if (res.status !== 201) throw new Error(`POST ${it.path} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export const BENCH_SOURCE = 'bench-source';

export function incidentBody(id: string): Record<string, unknown> {
  return {
    incidentId: id, title: `Bench incident ${id}`, occurredAt: { start: '2024-10-06', precision: 'day' },
    location: { name: 'Karachi', region: 'Sindh', country: 'PK' }, category: 'bombing', tags: ['bench'],
  };
}

/** Registers the source and `n` incidents through the API; returns the incident ids. */
export async function seedPool(url: string, n: number, prefix = 'inc'): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i.toString().padStart(5, '0')}`);
  const exists = await fetch(`${url}/sources/${BENCH_SOURCE}`);
  await exists.arrayBuffer();
  if (exists.status === 404) {
    await postAll(url, [{ path: '/sources', body: { sourceId: BENCH_SOURCE, name: 'Bench Source', kind: 'news-outlet' } }], 1);
  }
  await postAll(url, ids.map((id) => ({ path: '/incidents', body: incidentBody(id) })));
  return ids;
}

export function claimBody(claimId: string, n: number): Record<string, unknown> {
  return {
    claimId, predicate: 'deaths', value: { kind: 'exact', value: n % 97 }, sourceId: BENCH_SOURCE, statedAt: '2024-10-07',
    citation: { url: `https://example.org/news/${claimId}`, publisher: 'Example News' },
  };
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * A 429, a 5xx or a timeout is not a measured answer: a run with any fails the benchmark, so that a
 * figure never counts refusals as throughput (the servers run with the rate limit lifted).
 */
function summarize(r: Result, seconds: number, refusalsAllowed = false, refusal = '429'): LoadResult {
  const refused = refusalsAllowed ? ((r.statusCodeStats as Record<string, { count: number }> | undefined)?.[refusal]?.count ?? 0) : 0;
  const bad = r.non2xx - refused + r.errors + r.timeouts;
  if (bad > 0) {
    const codes = Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => `${code}: ${(v as { count: number }).count}`).join(', ');
    throw new Error(`${r.url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts in ${r.requests.total} requests (${codes})`);
  }
  return {
    rps: r.requests.total / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

let runSeq = 0;

/**
 * POST /incidents/{id}/claims, each request a distinct claim, round robin over the incident pool.
 * `unavailableAllowed`: the writes are made while the store is locked by another process, where a
 * 503 is the answer being measured, so 503s are counted in non2xx instead of failing the run.
 */
export async function loadWrites(url: string, pool: string[], connections: number, seconds: number, unavailableAllowed = false): Promise<LoadResult> {
  const run = (runSeq++).toString(36);
  let n = 0;
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 30,
    requests: [{
      method: 'POST',
      headers: AUTH,
      setupRequest: (req) => {
        const i = n++;
        const claimId = `c-${run}-${i.toString(36)}`;
        return { ...req, path: `/incidents/${pool[i % pool.length]!}/claims`, body: JSON.stringify(claimBody(claimId, i)) };
      },
    }],
  });
  return summarize(r, seconds, unavailableAllowed, '503');
}

/**
 * GET of one path, or of `path(i)` for the i-th request (reads that no answer cache serves twice).
 * `hostile`: the load is the clients a limit is there to refuse, so their 429s are counted in
 * non2xx instead of failing the run.
 */
export async function loadGet(url: string, path: string | ((i: number) => string), connections: number, seconds: number, hostile = false): Promise<LoadResult> {
  if (typeof path === 'string') return summarize(await autocannon({ url: `${url}${path}`, connections, duration: seconds, timeout: 30 }), seconds, hostile);
  let n = 0;
  const r = await autocannon({ url, connections, duration: seconds, timeout: 30, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path(n++) }) }] });
  return summarize(r, seconds, hostile);
}
