import { spawn } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, fixtures, tempDir } from '../http/harness.ts';
import { ROOT, startServer, track } from './child-server.ts';

const LOCK_MS = 20_000;

/** Another process that holds SQLite's write lock (BEGIN EXCLUSIVE) on the file for `ms`, then commits. */
function holdLock(file: string, ms: number): Promise<{ released: Promise<void>; kill(): void }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, file, String(ms)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const released = new Promise<void>((r) => child.on('exit', () => r()));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('locked')) resolve({ released, kill: () => child.kill('SIGKILL') });
    });
    child.on('exit', (code) => { if (!out.includes('locked')) reject(new Error(`the lock holder exited (${code})`)); });
  });
}

const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

t.test('during a 20 s foreign exclusive lock, reads and /health answer and writes get 503 with Retry-After, then succeed', async (t) => {
  const dir = tempDir();
  const server = track(t, await startServer({ PALIMPSEST_DATA_DIR: dir, PALIMPSEST_ADMIN_TOKEN: ADMIN_TOKEN, PALIMPSEST_RATE_LIMIT: "1000000" }));
  const post = (url: string, body: unknown) => fetch(`${server.url}${url}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  t.equal((await post('/sources', fixtures.source('src'))).status, 201);
  t.equal((await post('/incidents', fixtures.incident('inc'))).status, 201);

  const lock = await holdLock(path.join(dir, 'events.sqlite3'), LOCK_MS);
  t.teardown(() => lock.kill());
  let released = false;
  void lock.released.then(() => (released = true));

  const reads: number[] = [];
  const healths: string[] = [];
  const duringLock: { status: number; retryAfter: string | null; code: unknown }[] = [];
  let i = 0;
  const readers = (async () => {
    while (!released) {
      const [view, health] = await Promise.all([fetch(`${server.url}/incidents/inc`), fetch(`${server.url}/health`)]);
      reads.push(view.status);
      await view.arrayBuffer();
      healths.push(`${health.status} ${(await health.json() as { status: string }).status}`);
    }
  })();
  while (!released) {
    const res = await post('/incidents/inc/claims', fixtures.deaths(`c-${i++}`, 'src', { kind: 'exact', value: 1 }));
    const body = await res.json() as { code?: unknown };
    if (!released) duringLock.push({ status: res.status, retryAfter: res.headers.get('retry-after'), code: body.code });
  }
  await readers;

  t.ok(reads.length > 0 && reads.every((s) => s === 200), `every read during the lock answered 200 (${reads.length} reads)`);
  t.ok(healths.length > 0 && healths.every((h) => h.startsWith('200 ')), `every /health answered 200 (${healths.length}): ${[...new Set(healths)].join(', ')}`);
  const refused = duringLock.filter((w) => w.status === 503);
  t.ok(refused.length > 0, `writes during the lock were refused (${refused.length} of ${duringLock.length})`);
  t.ok(refused.every((w) => w.code === 'store-unavailable' && w.retryAfter !== null), 'each with store-unavailable and Retry-After');
  t.ok(duringLock.every((w) => w.status === 503 || w.status === 201), 'never a 500');
  // Once the lock is gone the next write succeeds.
  const after = await post('/incidents/inc/claims', fixtures.deaths('c-after', 'src', { kind: 'exact', value: 2 }));
  t.equal(after.status, 201, 'a write after the lock went succeeds');
  t.equal(server.proc.exitCode, null, 'the server is still running');
});
