/**
 * Redaction and export → import on PostgreSQL, through the HTTP stack and the CLI against a real
 * server (the SQLite side, with the leaves recomputed from the contract's text: redaction.test.ts).
 * After erasing a claim's quote and note: no answer of either instance holds them, the live row
 * holds them nowhere, the leaf and every checkpoint hold; `verify`, `export` and `import` into
 * another database work; an imported v1 event is answered 409 not-redactable.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ADMIN_TOKEN, fixtures, harness, json, tempDir } from './harness.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { postgresForTests, sql } from '../support/postgres.ts';

const BIN = fileURLToPath(new URL('../../bin/palimpsest.js', import.meta.url));
const QUOTE = 'Testimony of Zarmina Q., aged 14';
const NOTE = 'Contact: zarmina.witness@example.org';
const SECRETS = [QUOTE, NOTE];

const server = await postgresForTests(t, 'PostgreSQL redaction over HTTP');

function cli(dir: string, databaseUrl: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PALIMPSEST_')) env[k] = v;
  Object.assign(env, { PALIMPSEST_DATA_DIR: dir, PALIMPSEST_DEMO: 'false', PALIMPSEST_ADMIN_TOKEN: ADMIN_TOKEN, PALIMPSEST_STORE: 'postgres', DATABASE_URL: databaseUrl });
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

if (server !== undefined) {
  t.test('POST /events/{index}/redactions on PostgreSQL erases the values and keeps every proof', async (t) => {
    const url = await server.newDatabase('http_redact');
    const h = await harness(t, { store: 'postgres', databaseUrl: url });
    const ok = async (res: Promise<{ statusCode: number; body: string }>, status = 201): Promise<any> => {
      const r = await res;
      t.equal(r.statusCode, status, r.body.slice(0, 300));
      return JSON.parse(r.body);
    };
    await ok(h.post('/sources', fixtures.source('eyewitness-x', { kind: 'other' })));
    await ok(h.post('/sources', fixtures.source('geo-news')));
    await ok(h.post('/incidents', fixtures.incident('besham-2024')));
    const witness = await ok(h.post('/incidents/besham-2024/claims', fixtures.deaths('c-witness', 'eyewitness-x', { kind: 'exact', value: 6 }, {
      citation: { url: 'https://example.org/post/1', quote: QUOTE }, note: NOTE,
    })));
    await ok(h.post('/incidents/besham-2024/claims', fixtures.deaths('c-geo', 'geo-news', { kind: 'exact', value: 6 })));
    const checkpoint = (await h.get('/log/checkpoint')).body;
    const target = Number(witness.index);
    const before = json(await h.get(`/events?from=${target}&limit=1`)).items[0];
    t.equal(before.leafVersion, 2, 'appends on PostgreSQL use leaf format 2');
    t.type(before.seed, 'string');

    // A second instance on the same database, with its own data directory.
    const second = await harness(t, { store: 'postgres', databaseUrl: url });
    t.match(json(await second.get('/incidents/besham-2024/claims/c-witness')).citation, { quote: QUOTE }, 'the other instance serves the value before');

    t.equal((await h.post(`/events/${target}/redactions`, { paths: ['/claimId'], reason: 'x' })).statusCode, 400, 'a path that may not be erased');
    const redaction = await ok(h.post(`/events/${target}/redactions`, { paths: ['/citation/quote', '/note'], reason: 'court order 17/2024' }));
    t.equal(redaction.target, target);
    t.equal(redaction.stream, 'redactions');
    t.equal((await h.post(`/events/${target}/redactions`, { paths: ['/note'], reason: 'again' })).statusCode, 400, 'already redacted');

    const after = json(await h.get(`/events?from=${target}&limit=1`)).items[0];
    t.notOk('seed' in after);
    t.same(Object.keys(after.redacted).sort(), ['/citation/quote', '/note']);
    t.equal(after.data.note, null);
    t.equal(after.leafHash, before.leafHash, 'the stored leaf hash is unchanged');
    const urls = ['/incidents/besham-2024', '/incidents/besham-2024/claims/c-witness', '/incidents/besham-2024/history', '/events?from=0&limit=1000', '/changes?from=0'];
    for (const u of urls) {
      const body = (await h.get(u)).body;
      t.notOk(SECRETS.some((s) => body.includes(s)), `${u} holds no erased value`);
    }
    const claim = json(await h.get('/incidents/besham-2024/claims/c-witness'));
    t.same(claim.citation, { url: 'https://example.org/post/1', quote: null, redacted: ['/citation/quote'] });
    t.equal(json(await h.get('/incidents/besham-2024')).facts.deaths.status, 'corroborated', 'the resolution holds');
    const rows = await sql<{ data: string }>(url, 'SELECT data::text AS data, opening::text AS opening FROM palimpsest.events');
    t.notOk(SECRETS.some((s) => JSON.stringify(rows).includes(s)), 'no live row holds an erased value');

    // The tree: the checkpoint taken before still is a prefix of today's.
    const now = (await h.get('/log/checkpoint')).body.split('\n');
    const old = checkpoint.split('\n');
    const proof = await h.get(`/log/proofs/consistency?from=${old[1]}&to=${now[1]}`);
    t.equal(proof.statusCode, 200);
    const secondItem = async (): Promise<any> => json(await second.get(`/events?from=${target}&limit=1`)).items[0];
    t.same((await secondItem()).data, after.data, 'the other instance reads the erased row from the shared store');

    // The CLI on the same database: verify every leaf, export, import into an empty database.
    await h.close();
    await second.close();
    const dir = tempDir();
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const verify = cli(path.join(dir, 'a'), url, 'verify');
    t.equal(verify.code, 0, verify.stderr);
    const file = path.join(dir, 'log.ndjson');
    const exported = cli(path.join(dir, 'a'), url, 'export', '--out', file);
    t.equal(exported.code, 0, exported.stderr);
    t.notOk(SECRETS.some((s) => fs.readFileSync(file, 'utf8').includes(s)), 'the export holds no erased value');
    const into = await server.newDatabase('http_import');
    const imported = cli(path.join(dir, 'b'), into, 'import', file);
    t.equal(imported.code, 0, imported.stderr);
    t.match(imported.stdout, /imported 6 events/);
    t.equal(cli(path.join(dir, 'b'), into, 'verify').code, 0, 'the imported log verifies');
    const again = cli(path.join(dir, 'b'), into, 'import', file);
    t.equal(again.code, 1, 'an import into a store that holds events is refused');
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"index"'));
    const copy = await harness(t, { store: 'postgres', databaseUrl: into });
    const items = json(await copy.get('/events?from=0&limit=1000')).items as Record<string, unknown>[];
    t.same(items.map((i) => i.leafHash), lines.map((l) => JSON.parse(l).leafHash), 'the imported log has the exported leaves');
    t.same(json(await copy.get('/incidents/besham-2024/claims/c-witness')).citation.redacted, ['/citation/quote'], 'and serves the redaction');
    t.equal(json(await copy.post('/incidents/besham-2024/claims', fixtures.deaths('c-new', 'geo-news', { kind: 'exact', value: 7 }))).index, 6, 'and takes writes after it');
  });

  t.test('an imported v1 event is 409 not-redactable on PostgreSQL', async (t) => {
    const url = await server.newDatabase('http_v1');
    // As a store from before leaf format 2 holds it (the v1 test vector of docs/log.md), written by an import.
    const store = await openPostgresStore({ connectionString: url });
    await store.importEvents([{
      index: 0n, stream: 'source-geo-news', revision: 0n, eventId: '0b6c1f3e-7d2a-4c55-9e1b-2f8a6d4c3b10', type: 'SourceRegistered',
      schemaVersion: 1, recordedAt: '2024-10-07T09:15:00.000Z', data: { sourceId: 'geo-news', name: 'Geo News', kind: 'news-outlet', country: 'PK' },
      metadata: { actor: 'admin', correlationId: 'req-1' }, leafHash: Buffer.from('jFmD9FQikig7SSCK5XneZpj/qfVJqu25aTkq+7KrcqA=', 'base64'),
    }]);
    await store.close();
    const h = await harness(t, { store: 'postgres', databaseUrl: url });
    const refused = await h.post('/events/0/redactions', { paths: ['/name'], reason: 'x' });
    t.equal(refused.statusCode, 409);
    t.equal(json(refused).code, 'not-redactable');
    t.equal(json(await h.get('/events?from=0')).items.length, 1, 'nothing appended');
  });
}
