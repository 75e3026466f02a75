import t from 'tap';
import { fixtures, harness, json } from './harness.ts';

t.test('50 concurrent claims on one incident: none lost, revisions dense', async (t) => {
  const h = await harness(t);
  await h.post('/sources', fixtures.source('src'));
  await h.post('/incidents', fixtures.incident('busy'));
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => h.post('/incidents/busy/claims', fixtures.deaths(`c-${i}`, 'src', { kind: 'exact', value: i }))),
  );
  const statuses = results.map((r) => r.statusCode);
  const conflicts = statuses.filter((s) => s === 409).length;
  t.equal(statuses.filter((s) => s === 201).length + conflicts, 50);
  // Claims that lost every retry would be 409; retrying them must succeed, and none may be lost.
  for (const [i, r] of results.entries()) {
    if (r.statusCode === 409) t.equal((await h.post('/incidents/busy/claims', fixtures.deaths(`c-${i}`, 'src', { kind: 'exact', value: i }))).statusCode, 201);
  }
  const events = json(await h.get('/incidents/busy/events?limit=1000')).items;
  t.same(events.map((e: { revision: number }) => e.revision), Array.from({ length: 51 }, (_, i) => i), 'revisions 0..50, no gap, no duplicate');
  const claims = json(await h.get('/incidents/busy')).facts.deaths.claims.map((c: { claimId: string }) => c.claimId).sort();
  t.same(claims, Array.from({ length: 50 }, (_, i) => `c-${i}`).sort());
  t.equal(conflicts, 0, 'retries absorbed every conflict within one process');
});

t.test('racing writes with the same If-Match: one wins, the others get 412', async (t) => {
  const h = await harness(t);
  await h.post('/incidents', fixtures.incident('race'));
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      h.req({ method: 'PATCH', url: '/incidents/race', payload: { title: `T${i}`, reason: 'r' }, headers: { 'content-type': 'application/json', 'if-match': '"0"' } }),
    ),
  );
  t.same(results.map((r) => r.statusCode).sort(), [200, 412, 412, 412, 412]);
});

t.test('racing copies of one idempotent request write once', async (t) => {
  const h = await harness(t);
  await h.post('/sources', fixtures.source('src'));
  await h.post('/incidents', fixtures.incident('idem-race'));
  const body = fixtures.deaths('c-once', 'src', { kind: 'exact', value: 1 });
  const results = await Promise.all(Array.from({ length: 8 }, () => h.post('/incidents/idem-race/claims', body, { 'idempotency-key': 'same' })));
  t.ok(results.every((r) => r.statusCode === 201), results.map((r) => r.statusCode).join(','));
  t.equal(new Set(results.map((r) => r.body)).size, 1, 'every copy got the same answer');
  t.equal(await h.rt.store.size(), 3n, 'one claim event');
});
