import t from 'tap';
import { fixtures, harness, json } from '../http/harness.ts';

t.test('/health: ok with lag 0; down (503) once the store is closed; writes answer 503 store-unavailable, not 500', async (t) => {
  const h = await harness(t);
  t.equal((await h.post('/sources', fixtures.source('src'))).statusCode, 201);
  t.equal((await h.post('/incidents', fixtures.incident('inc'))).statusCode, 201);

  const ok = await h.req({ method: 'GET', url: '/health', as: null });
  t.equal(ok.statusCode, 200);
  t.same(json(ok), { status: 'ok', store: { kind: 'sqlite', reachable: true }, index: 2, projections: { index: 2, lag: 0 } });

  await h.rt.store.close();

  const down = await h.req({ method: 'GET', url: '/health', as: null });
  t.equal(down.statusCode, 503);
  t.match(json(down), { status: 'down', store: { reachable: false }, index: null });

  const writes = [
    await h.post('/sources', fixtures.source('after-close')),
    await h.post('/incidents/inc/claims', fixtures.deaths('c-1', 'src', { kind: 'exact', value: 1 })),
    await h.post('/incidents/inc/claims', fixtures.deaths('c-2', 'src', { kind: 'exact', value: 1 }), { 'idempotency-key': 'k-after-close' }),
    await h.req({ method: 'PATCH', url: '/incidents/inc', payload: { title: 'x', reason: 'y' }, headers: { 'content-type': 'application/json' } }),
  ];
  for (const res of writes) {
    t.equal(res.statusCode, 503, res.body);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    t.equal(json(res).code, 'store-unavailable');
    t.ok(res.headers['retry-after'], 'Retry-After');
  }
  // Reads that need the store answer 503 too; reads served from the live models may still answer.
  for (const url of ['/events', '/incidents/inc/events', '/log/checkpoint', '/changes?from=0']) {
    const res = await h.get(url);
    t.ok(res.statusCode === 503 || res.statusCode === 200, `${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    t.not(res.statusCode, 500, `${url} is not a 500`);
    if (res.statusCode === 503) t.equal(json(res).code, 'store-unavailable');
  }
});
