/**
 * The HTTP server under load, in its own process so that the load generator (autocannon, in the
 * parent) never shares its event loop. Started by scripts/bench/run.ts with child_process.fork;
 * answers on the IPC channel:
 *   → { ready: port }                 once listening on 127.0.0.1
 *   ← 'mem'   → { mem: memoryUsage }  (after four GCs 200 ms apart when --expose-gc)
 *   ← 'stats' → { stats }             the SQLite store's commit/append counters
 *   ← 'stop'  → closes and exits 0 (so that --cpu-prof writes its profile)
 *
 * BENCH_MODE=app: openRuntime (src/cli/runtime.ts) on BENCH_DIR, as `palimpsest serve` would run it,
 *   with PALIMPSEST_DEMO=false, a rate limit out of reach, the overload guard off and
 *   PALIMPSEST_SQLITE_SYNCHRONOUS from the environment (FULL for the durable figures). With
 *   BENCH_DATABASE_URL set, on PostgreSQL instead (PALIMPSEST_STORE=postgres, DATABASE_URL).
 * BENCH_MODE=bare: a bare fastify with the same routes: the write route only parses the body, the
 *   read routes answer fixed bytes (BENCH_BODIES, a JSON file {"incident": "...", "timeline": "..."}).
 */
import fs from 'node:fs';
import Fastify from 'fastify';
import { openRuntime } from '../../src/cli/runtime.ts';
import { loadConfig } from '../../src/config.ts';

import { BENCH_TOKEN } from './lib.ts';

const send = (m: unknown): void => {
  process.send?.(m);
};
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const mode = process.env.BENCH_MODE ?? 'app';
  let close: () => Promise<void>;
  let stats = (): unknown => undefined;
  let port: number;
  if (mode === 'bare') {
    const bodies = JSON.parse(fs.readFileSync(process.env.BENCH_BODIES!, 'utf8')) as { incident: string; timeline: string };
    const app = Fastify({ logger: false });
    app.post('/incidents/:id/claims', async (req, reply) => {
      const body = req.body as { claimId?: string };
      return reply.code(201).send({ claimId: body.claimId ?? 'x', revision: 0, index: 0, position: '0' });
    });
    app.get('/incidents/:id', async (_req, reply) => reply.type('application/json; charset=utf-8').send(bodies.incident));
    app.get('/incidents', async (_req, reply) => reply.type('application/json; charset=utf-8').send(bodies.timeline));
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
    close = () => app.close();
  } else {
    const config = loadConfig({
      PALIMPSEST_DATA_DIR: process.env.BENCH_DIR!,
      PALIMPSEST_DEMO: 'false',
      PALIMPSEST_ADMIN_TOKEN: BENCH_TOKEN,
      PALIMPSEST_RATE_LIMIT: '100000000',
      PALIMPSEST_MAX_EVENT_LOOP_DELAY_MS: '0',
      PALIMPSEST_SQLITE_SYNCHRONOUS: process.env.PALIMPSEST_SQLITE_SYNCHRONOUS ?? 'FULL',
      ...(process.env.BENCH_DATABASE_URL ? { PALIMPSEST_STORE: 'postgres', DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    });
    const rt = await openRuntime(config);
    await rt.app.listen({ host: '127.0.0.1', port: 0 });
    port = (rt.app.server.address() as { port: number }).port;
    close = () => rt.close();
    // Both the SQLite and the PostgreSQL store count their commits and the appends they carried.
    stats = () => (rt.store as { stats?: unknown }).stats;
  }
  process.on('message', (m) => {
    if (m === 'mem') {
      // Several collections a moment apart: large buffers freed by the first (the snapshot file
      // read at start) leave RSS only once V8 has finalised them.
      void (async () => {
        for (let i = 0; i < 4; i++) {
          gc?.();
          await new Promise((r) => setTimeout(r, 200));
        }
        send({ mem: process.memoryUsage() });
      })();
    } else if (m === 'stats') {
      send({ stats: stats() });
    } else if (m === 'stop') {
      void close().then(() => process.exit(0), (err: unknown) => {
        console.error(err);
        process.exit(1);
      });
    }
  });
  send({ ready: port });
}

await main();
