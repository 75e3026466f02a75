import fs from 'node:fs';
import pg from 'pg';
import t from 'tap';
import { postgresForTests } from './postgres.ts';

const server = await postgresForTests(t, 'PostgreSQL test harness');
if (server !== undefined) {
  t.test('a fresh database per call, durable settings, the server can be stopped and started', async (t) => {
    const a = await server.newDatabase('harness');
    const b = await server.newDatabase('harness');
    t.not(a, b, 'two calls, two databases');
    const c = new pg.Client({ connectionString: a });
    await c.connect();
    const settings = await c.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit') ORDER BY name",
    );
    t.same(settings.rows, [{ name: 'fsync', setting: 'on' }, { name: 'synchronous_commit', setting: 'on' }]);
    await c.query('CREATE TABLE kept (n int)');
    await c.query('INSERT INTO kept VALUES (7)');
    await c.end();
    if (server.server === undefined) return;
    await server.server.stop();
    const down = new pg.Client({ connectionString: a, connectionTimeoutMillis: 2000 });
    await t.rejects(down.connect(), 'nothing answers while stopped');
    await server.server.start();
    const again = new pg.Client({ connectionString: a });
    await again.connect();
    t.same((await again.query('SELECT n FROM kept')).rows, [{ n: 7 }], 'data survives a restart');
    await again.end();
  });
  t.test('stop() removes the cluster directory', async (t) => {
    if (server.server === undefined) return t.pass('an external server is left running');
    const { dir } = server.server;
    t.ok(fs.existsSync(dir));
    await server.stop();
    t.notOk(fs.existsSync(dir), 'the directory is gone');
  });
}
