/**
 * A real PostgreSQL for tests. With PALIMPSEST_TEST_DATABASE_URL set, databases are created on
 * that server; otherwise a throwaway cluster is started from the system's own binaries (Debian's
 * `postgresql` package) in a temp directory, on a free port, with fsync and synchronous_commit on
 * so durability is tested as deployed. PostgreSQL refuses to run as root, so under root the
 * binaries run as the `postgres` user. When neither is possible the caller gets a reason to skip.
 *
 * One cluster per test file (tap runs files in separate processes) and a fresh database for each
 * newDatabase() call, so files and tests never see each other's events.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Test } from 'tap';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

export interface TestPostgres {
  /** A fresh, empty database: its URL. Dropped (or removed with the cluster) by stop(). */
  newDatabase(label?: string): Promise<string>;
  /** Only for a cluster the harness started: stop the server (fast shutdown) and start it again on the same port. */
  server?: { dir: string; stop(): Promise<void>; start(): Promise<void> };
  /** Where the server listens, for messages. */
  describe: string;
  stop(): Promise<void>;
}

/**
 * The harness for one test file: a PostgreSQL stopped with the file's tap teardown, or undefined
 * after a visible skip (one line saying why, counted as skipped by tap).
 */
export async function postgresForTests(t: Test, what: string): Promise<TestPostgres | undefined> {
  const got = await startTestPostgres();
  if (typeof got === 'string') {
    // tap's typings want a body even for a skipped subtest; it never runs.
    void t.skip(`${what}: ${got}`, () => {});
    return undefined;
  }
  t.teardown(() => got.stop());
  return got;
}

/** A TestPostgres, or the reason none can be had. */
export async function startTestPostgres(): Promise<TestPostgres | string> {
  const external = process.env.PALIMPSEST_TEST_DATABASE_URL;
  if (external !== undefined && external !== '') return externalServer(external);
  const bin = findBinaries();
  if (bin === undefined) return `no PostgreSQL binaries under ${PG_ROOT}/*/bin and PALIMPSEST_TEST_DATABASE_URL is not set`;
  const user = runAs();
  if (typeof user === 'string') return user;
  try {
    return await startCluster(bin, user);
  } catch (err) {
    return `could not start a throwaway PostgreSQL cluster: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

interface Binaries { initdb: string; pgCtl: string }
/** How to run a binary as the cluster's owner: a prefix, and whom to chown the directory to. */
interface RunAs { prefix: string[]; uid?: number; gid?: number }

function findBinaries(): Binaries | undefined {
  let versions: string[];
  try {
    versions = fs.readdirSync(PG_ROOT);
  } catch {
    return undefined;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const initdb = path.join(PG_ROOT, v, 'bin', 'initdb');
    const pgCtl = path.join(PG_ROOT, v, 'bin', 'pg_ctl');
    if (fs.existsSync(initdb) && fs.existsSync(pgCtl)) return { initdb, pgCtl };
  }
  return undefined;
}

function runAs(): RunAs | string {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const uid = idOf('-u');
  const gid = idOf('-g');
  if (uid === undefined || gid === undefined) return 'running as root and there is no `postgres` user to run PostgreSQL as';
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => fs.existsSync(p));
  if (runuser === undefined) return 'running as root and runuser is missing, so PostgreSQL cannot be run as `postgres`';
  return { prefix: [runuser, '-u', 'postgres', '--'], uid, gid };
}

function idOf(flag: '-u' | '-g'): number | undefined {
  const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  return r.status === 0 && Number.isInteger(n) ? n : undefined;
}

async function exec(user: RunAs, file: string, args: string[]): Promise<void> {
  const [cmd, ...rest] = [...user.prefix, file, ...args];
  if (cmd === undefined) throw new Error('nothing to run');
  await run(cmd, rest, { timeout: 120_000 });
}

/** Clusters of this process, stopped synchronously if the process exits without stop(). */
const running = new Map<string, { pgCtl: string; data: string; user: RunAs }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const cleanup = (): void => {
    for (const [dir, c] of running) {
      const [cmd, ...rest] = [...c.user.prefix, c.pgCtl, '-D', c.data, '-m', 'immediate', '-w', 'stop'];
      if (cmd !== undefined) spawnSync(cmd, rest, { stdio: 'ignore', timeout: 30_000 });
      fs.rmSync(dir, { recursive: true, force: true });
    }
    running.clear();
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      process.exit(128 + (os.constants.signals[signal] ?? 0));
    });
  }
}

async function startCluster(bin: Binaries, user: RunAs): Promise<TestPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-pg-'));
  if (user.uid !== undefined && user.gid !== undefined) fs.chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  installExitHook();
  running.set(dir, { pgCtl: bin.pgCtl, data, user });
  const remove = async (): Promise<void> => {
    running.delete(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    // --no-sync only skips initdb's own fsyncs of a cluster that is thrown away anyway; the server runs with fsync=on.
    await exec(user, bin.initdb, ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (err) {
    await remove();
    throw err;
  }
  let port = 0;
  const start = async (): Promise<void> => {
    const options = [
      `-c port=${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`,
      '-c fsync=on', '-c synchronous_commit=on', '-c max_connections=200', '-c shared_buffers=32MB',
    ].join(' ');
    await exec(user, bin.pgCtl, ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', options, 'start']);
  };
  const stopServer = async (mode: 'fast' | 'immediate'): Promise<void> => {
    await exec(user, bin.pgCtl, ['-D', data, '-m', mode, '-w', 'stop']);
  };
  // A free port can be taken between the probe and the server's bind: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
    const candidate = await freePort();
    port = candidate;
    try {
      await start();
    } catch (err) {
      lastError = new Error(`${err instanceof Error ? err.message : String(err)}\n${readTail(logFile)}`);
      port = 0;
    }
  }
  if (port === 0) {
    await remove();
    throw lastError;
  }
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    describe: `throwaway cluster on 127.0.0.1:${port}`,
    newDatabase: (label) => createDatabase(admin, label),
    server: { dir, stop: () => stopServer('fast'), start },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await stopServer('immediate');
      } catch {
        // Already stopped by a test, or never fully up: the directory goes either way.
      }
      await remove();
    },
  };
}

async function externalServer(url: string): Promise<TestPostgres | string> {
  const created: string[] = [];
  try {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    await c.connect();
    await c.end();
  } catch (err) {
    return `PALIMPSEST_TEST_DATABASE_URL does not answer: ${err instanceof Error ? err.message : String(err)}`;
  }
  return {
    describe: `PALIMPSEST_TEST_DATABASE_URL (${new URL(url).host})`,
    async newDatabase(label) {
      const u = await createDatabase(url, label);
      created.push(new URL(u).pathname.slice(1));
      return u;
    },
    async stop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        for (const db of created.splice(0)) await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

async function createDatabase(adminUrl: string, label = 'test'): Promise<string> {
  const name = `palimpsest_${label.replace(/[^a-z0-9]/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

/** One statement on its own connection, for tests that look at the rows behind the store. */
export async function sql<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text, values)).rows;
  } finally {
    await c.end();
  }
}
