/**
 * On PostgreSQL the API keys live in the database: two instances (in-process runtimes with their
 * own data directories) on one database, and `palimpsest keys` run as a child process. A key
 * created or revoked once holds on both within a second; the first-start admin token is created
 * once, by one instance, for all.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { openRuntime, type Runtime } from '../../src/cli/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import { tempDir } from '../http/harness.ts';
import { runCli, sleep } from '../reliability/child-server.ts';
import { postgresForTests } from '../support/postgres.ts';

const server = await postgresForTests(t, 'API keys in PostgreSQL');

/** Polls until every instance answers `want`; returns how long that took, or -1 after `ms`. */
async function within(ms: number, instances: Runtime[], token: string, want: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    const statuses = await Promise.all(instances.map(async (rt) => (await rt.app.inject({ method: 'GET', url: '/events', headers: { authorization: `Bearer ${token}` } })).statusCode));
    if (statuses.every((s) => s === want)) return Date.now() - started;
    await sleep(50);
  }
  return -1;
}

if (server !== undefined) {
  t.test('keys create and revoke hold on every instance within a second', async (t) => {
    const url = await server.newDatabase('keys');
    const dirs = [tempDir('palimpsest-pgkeys-'), tempDir('palimpsest-pgkeys-')];
    t.teardown(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });
    const env = { PALIMPSEST_STORE: 'postgres', DATABASE_URL: url, PALIMPSEST_DEMO: 'false', PALIMPSEST_PUBLIC_READ: 'false' };
    const config = (dir: string) => loadConfig({ ...env, PALIMPSEST_DATA_DIR: dir });

    const [a, b] = await Promise.all(dirs.map((d) => openRuntime(config(d))));
    if (a === undefined || b === undefined) throw new Error('two runtimes');
    t.teardown(async () => { await a.close(); await b.close(); });

    const tokenFiles = dirs.map((d) => path.join(d, 'admin-token')).filter((f) => fs.existsSync(f));
    t.equal(tokenFiles.length, 1, 'one first-start admin token, written by the instance that created it');
    t.notOk(fs.existsSync(path.join(dirs[0] ?? '', 'keys.json')) || fs.existsSync(path.join(dirs[1] ?? '', 'keys.json')), 'no key file on this store');
    const admin = fs.readFileSync(tokenFiles[0] ?? '', 'utf8').trim();
    t.ok(await within(1000, [a, b], admin, 200) >= 0, 'the admin token works on both instances');

    const created = await runCli(['keys', 'create', '--role', 'auditor', '--name', 'outside auditor'], { ...env, PALIMPSEST_DATA_DIR: dirs[0] ?? '' });
    t.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    t.match(token, /^pal_outside-auditor-[0-9a-f]{6}_[A-Za-z0-9_-]{43}$/);
    const seen = await within(1000, [a, b], token, 200);
    t.ok(seen >= 0, `a created key works on both instances within a second (${seen} ms)`);

    const listed = await runCli(['keys', 'list'], { ...env, PALIMPSEST_DATA_DIR: dirs[1] ?? '' });
    t.equal(listed.code, 0, listed.stderr);
    t.match(listed.stdout, /outside-auditor-[0-9a-f]{6}\tauditor\toutside auditor\t\S+\tactive/, 'listed from any machine, token never shown');
    t.notOk(listed.stdout.includes(token.replace(/^pal_[a-z0-9-]+_/, '')), 'no secret in the list');

    const id = /^pal_(.+)_[A-Za-z0-9_-]{43}$/.exec(token)?.[1] ?? '';
    const revoked = await runCli(['keys', 'revoke', id], { ...env, PALIMPSEST_DATA_DIR: dirs[1] ?? '' });
    t.equal(revoked.code, 0, revoked.stderr);
    const gone = await within(1000, [a, b], token, 401);
    t.ok(gone >= 0, `a revoked key is refused on both instances within a second (${gone} ms)`);
    const again = await runCli(['keys', 'revoke', id], { ...env, PALIMPSEST_DATA_DIR: dirs[1] ?? '' });
    t.equal(again.code, 1, 'revoking twice fails');

    const duplicate = await runCli(['keys', 'create', '--role', 'reader', '--name', 'x', '--id', id], env);
    t.not(duplicate.code, 0, 'an id is used once');
    t.match(duplicate.stderr, /exists/);
  });
}
