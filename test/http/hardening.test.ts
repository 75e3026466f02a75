import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { snapshotPath } from '../../src/app/snapshots.ts';
import { ADMIN_TOKEN, fixtures, harness, json, tempDir } from './harness.ts';
import { runCli, startServer, track } from '../reliability/child-server.ts';

t.test('CORS preflight allows PATCH', async (t) => {
  const h = await harness(t, { corsOrigin: 'https://app.example' });
  const res = await h.req({ method: 'OPTIONS', url: '/incidents/x', as: null, headers: { origin: 'https://app.example', 'access-control-request-method': 'PATCH' } });
  t.ok(res.statusCode < 300, String(res.statusCode));
  t.match(String(res.headers['access-control-allow-methods']), /\bPATCH\b/);
});

t.test('validation answers list the first 20 problems and the count', async (t) => {
  const h = await harness(t);
  const body: Record<string, unknown> = { ...fixtures.source('src') };
  for (let i = 0; i < 5000; i++) body[`junk${i}`] = 1;
  const res = await h.post('/sources', body);
  t.equal(res.statusCode, 400);
  const p = json(res);
  t.equal(p.errors.length, 20, 'twenty listed');
  t.equal(p.errorCount, 5000, 'all counted');
  t.ok(res.body.length < 10_000, `a bounded answer (${res.body.length} bytes)`);
  t.equal(json(await h.get('/sources')).items.length, 0, 'nothing written');
});

t.test('a body that is not well-formed UTF-8 is refused with 400', async (t) => {
  const h = await harness(t);
  const bytes = Buffer.concat([Buffer.from('{"sourceId":"src","name":"A'), Buffer.from([0xff, 0xfe]), Buffer.from('","kind":"news-outlet"}')]);
  const res = await h.req({ method: 'POST', url: '/sources', payload: bytes, headers: { 'content-type': 'application/json' } });
  t.equal(res.statusCode, 400, res.body);
  t.match(res.headers['content-type'], /problem\+json/);
  t.equal(json(await h.get('/sources')).items.length, 0, 'nothing written');
});

t.test('a name of only zero-width or format characters is refused', async (t) => {
  const h = await harness(t);
  t.equal((await h.post('/sources', fixtures.source('zw', { name: '\u200B' }))).statusCode, 400);
  t.equal((await h.post('/sources', fixtures.source('zw2', { name: '\u200B\u2060 \uFEFF' }))).statusCode, 400);
  t.equal((await h.post('/incidents', fixtures.incident('zw', { title: '\u200B' }))).statusCode, 400);
  t.equal((await h.post('/sources', fixtures.source('ok', { name: 'A\u200B' }))).statusCode, 201, 'visible text with a format character is fine');
});

t.test('a reader key may read the auditor routes that anonymous clients may read (public reads on)', async (t) => {
  const h = await harness(t);
  const { token } = h.rt.keys.create('reader', 'a reader');
  for (const url of ['/events', '/log/checkpoint']) {
    t.equal((await h.req({ method: 'GET', url, as: null })).statusCode, 200, `anonymous ${url}`);
    t.equal((await h.req({ method: 'GET', url, as: token })).statusCode, 200, `reader key ${url}`);
  }
  const closed = await harness(t, { publicRead: false });
  const r = closed.rt.keys.create('reader', 'a reader');
  t.equal((await closed.req({ method: 'GET', url: '/events', as: r.token })).statusCode, 403, 'without public reads the role counts');
});

t.test('PATCH honours Idempotency-Key like POST: replay, and 422 on another body', async (t) => {
  const h = await harness(t);
  await h.post('/incidents', fixtures.incident('inc'));
  const patch = (body: unknown) => h.req({ method: 'PATCH', url: '/incidents/inc', payload: body as Record<string, unknown>, headers: { 'content-type': 'application/json', 'idempotency-key': 'amend-1' } });
  const first = await patch({ title: 'New title', reason: 'typo' });
  t.equal(first.statusCode, 200, first.body);
  const again = await patch({ title: 'New title', reason: 'typo' });
  t.equal(again.statusCode, 200);
  t.equal(again.headers['idempotency-replayed'], 'true');
  t.same(json(again), json(first), 'the original answer');
  t.equal(json(await h.get('/incidents/inc/events')).items.length, 2, 'appended once');
  t.equal((await patch({ title: 'Other', reason: 'typo' })).statusCode, 422, 'same key, another body');
});

t.test('snapshot temp files left by a crash are removed at start', async (t) => {
  const dir = tempDir();
  const stale = `${snapshotPath(dir)}.12345.tmp`;
  fs.mkdirSync(path.dirname(stale), { recursive: true });
  fs.writeFileSync(stale, 'half a snapshot');
  const h = await harness(t);
  await h.close();
  const { openRuntime } = await import('../../src/cli/runtime.ts');
  const { testConfig } = await import('./harness.ts');
  const rt = await openRuntime(testConfig(dir));
  await rt.close();
  t.notOk(fs.existsSync(stale), 'the temp file is gone');
});

t.test('a port in use: exit 1 within a second of trying, with one clear line, store closed', async (t) => {
  const first = track(t, await startServer({ PALIMPSEST_DATA_DIR: tempDir(), PALIMPSEST_ADMIN_TOKEN: ADMIN_TOKEN }));
  const dir = tempDir();
  const res = await runCli(['serve'], { HOST: '127.0.0.1', PORT: String(first.port), PALIMPSEST_DATA_DIR: dir, PALIMPSEST_DEMO: 'false', PALIMPSEST_ADMIN_TOKEN: ADMIN_TOKEN }, 30_000);
  t.equal(res.code, 1, 'exit code 1');
  const lines = res.stderr.trim().split('\n').filter((l) => l.length > 0);
  t.equal(lines.length, 1, `one line on stderr: ${res.stderr}`);
  t.match(lines[0], new RegExp(`port ${first.port} .*already in use`));
  // Closed cleanly: SQLite removes the WAL when the last connection closes.
  t.notOk(fs.existsSync(path.join(dir, 'events.sqlite3-wal')), 'the store was closed (no WAL left)');
});
