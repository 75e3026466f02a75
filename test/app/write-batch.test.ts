/**
 * Per-stream batching in the write service: commands waiting on one stream are decided in order
 * against the evolving state and stored in one append, each answered with its own place.
 */
import t from 'tap';
import type { Test } from 'tap';
import { SelfHealingSqliteStore } from '../../src/store/sqlite/self-healing.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { fixtures, harness, json, type Harness } from '../http/harness.ts';

function sqliteStats(h: Harness): { commits: number; appends: number } {
  const store = h.rt.store;
  if (!(store instanceof SqliteStore || store instanceof SelfHealingSqliteStore)) throw new Error('the harness runs on SQLite');
  return store.stats;
}

async function seeded(t: Test, incident: string): Promise<Harness> {
  const h = await harness(t);
  await h.post('/sources', fixtures.source('src'));
  await h.post('/incidents', fixtures.incident(incident));
  return h;
}

t.test('a burst of 40 claims on one incident is acknowledged after fewer appends and commits than commands', async (t) => {
  const h = await seeded(t, 'hot');
  const before = sqliteStats(h);
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => h.post('/incidents/hot/claims', fixtures.deaths(`c-${i}`, 'src', { kind: 'exact', value: i }))),
  );
  const after = sqliteStats(h);
  t.same(results.map((r) => r.statusCode), Array(40).fill(201), 'every claim acknowledged');
  t.ok(after.appends - before.appends < 40, `${after.appends - before.appends} appends for 40 commands`);
  t.ok(after.commits - before.commits < 40, `${after.commits - before.commits} commits for 40 commands`);
  // Each answer names its own revision: dense, distinct, and the one its event got in the log.
  const revisions = results.map((r) => Number(json(r).revision)).sort((a, b) => a - b);
  t.same(revisions, Array.from({ length: 40 }, (_, i) => i + 1), 'revisions 1..40, one per request');
  const events = json(await h.get('/incidents/hot/events?limit=100')).items as Array<{ revision: number; data: { claimId?: string } }>;
  for (const r of results) {
    const body = json(r);
    const stored = events.find((e) => e.revision === Number(body.revision));
    t.equal(stored?.data.claimId, body.claimId, `revision ${String(body.revision)} holds claim ${String(body.claimId)}`);
  }
});

t.test('a command its rule refuses fails alone; the others in its batch are stored', async (t) => {
  const h = await seeded(t, 'mixed');
  const bodies = Array.from({ length: 12 }, (_, i) => fixtures.deaths(`c-${i}`, 'src', { kind: 'exact', value: i }));
  bodies[3] = fixtures.deaths('c-0', 'src', { kind: 'exact', value: 99 }); // the id c-0 already taken
  bodies[7] = fixtures.deaths('c-7', 'nobody', { kind: 'exact', value: 7 }); // an unknown source
  const before = sqliteStats(h);
  const results = await Promise.all(bodies.map((b) => h.post('/incidents/mixed/claims', b)));
  t.ok(sqliteStats(h).appends - before.appends < 12, 'the burst was batched');
  t.equal(results[3]?.statusCode, 409);
  t.equal(json(results[3]!).code, 'claim-exists');
  t.equal(results[7]?.statusCode, 422, 'the unknown source is refused');
  for (const [i, r] of results.entries()) if (i !== 3 && i !== 7) t.equal(r.statusCode, 201, `claim ${i} stored`);
  const claims = json(await h.get('/incidents/mixed')).facts.deaths.claims as Array<{ claimId: string; value: { value: number } }>;
  t.same(claims.map((c) => c.claimId).sort(), bodies.map((_, i) => `c-${i}`).filter((id) => id !== 'c-3' && id !== 'c-7').sort());
  t.equal(claims.find((c) => c.claimId === 'c-0')?.value.value, 0, 'the refused duplicate changed nothing');
});

t.test('idempotent copies and a reused key inside one batch', async (t) => {
  const h = await seeded(t, 'keys');
  const body = fixtures.deaths('c-once', 'src', { kind: 'exact', value: 1 });
  const other = fixtures.deaths('c-other', 'src', { kind: 'exact', value: 2 });
  const requests = [
    ...Array.from({ length: 5 }, (_, i) => h.post('/incidents/keys/claims', fixtures.deaths(`c-${i}`, 'src', { kind: 'exact', value: i }))),
    h.post('/incidents/keys/claims', body, { 'idempotency-key': 'k1' }),
    h.post('/incidents/keys/claims', body, { 'idempotency-key': 'k1' }),
    h.post('/incidents/keys/claims', other, { 'idempotency-key': 'k1' }),
    h.post('/incidents/keys/claims', body, { 'idempotency-key': 'k1' }),
  ];
  const results = await Promise.all(requests);
  t.same(results.slice(0, 5).map((r) => r.statusCode), Array(5).fill(201));
  t.equal(results[5]?.statusCode, 201);
  t.equal(results[6]?.body, results[5]?.body, 'a copy gets the original answer');
  t.equal(results[8]?.body, results[5]?.body, 'a later copy too');
  t.equal(results[7]?.statusCode, 422, 'the key with another body is refused');
  const events = json(await h.get('/incidents/keys/events?limit=100')).items as Array<{ data: { claimId?: string } }>;
  t.equal(events.filter((e) => e.data.claimId === 'c-once').length, 1, 'the keyed claim is stored once');
  t.equal(events.filter((e) => e.data.claimId === 'c-other').length, 0, 'the refused body is not stored');
});

t.test('If-Match inside a batch is checked against the revision the earlier commands leave', async (t) => {
  const h = await seeded(t, 'match');
  const patch = (title: string, ifMatch: string) =>
    h.req({ method: 'PATCH', url: '/incidents/match', payload: { title, reason: 'r' }, headers: { 'content-type': 'application/json', 'if-match': ifMatch } });
  // Current revision 0. In one burst: a claim (→ 1), a PATCH expecting 1 (→ 2), a PATCH expecting 1 again (stale), a PATCH expecting 2 (→ 3).
  const results = await Promise.all([
    h.post('/incidents/match/claims', fixtures.deaths('c-a', 'src', { kind: 'exact', value: 1 })),
    patch('A', '"1"'),
    patch('B', '"1"'),
    patch('C', '"2"'),
  ]);
  t.same(results.map((r) => r.statusCode), [201, 200, 412, 200], results.map((r) => r.body).join('\n'));
  t.equal(json(results[2]!).currentRevision, 2, 'the stale one is told the revision it met');
  t.equal(json(await h.get('/incidents/match')).title, 'C');
});
