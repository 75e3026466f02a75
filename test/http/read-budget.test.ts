import t from 'tap';
import { fixtures, harness } from './harness.ts';

t.test('a client looping on costly reads is held to its budget (429 + Retry-After); other clients and plain reads are not', async (t) => {
  const h = await harness(t, { readBudgetMs: 1 });
  await h.post('/sources', fixtures.source('src'));
  await h.post('/incidents', fixtures.incident('inc'));
  for (let i = 0; i < 50; i++) await h.post('/incidents/inc/claims', fixtures.deaths(`c-${i}`, 'src', { kind: 'exact', value: i }));
  let refused: Awaited<ReturnType<typeof h.get>> | undefined;
  // Each history read costs more than zero ms, and the budget is 4 ms: a bounded loop reaches it.
  for (let i = 0; i < 5000 && refused === undefined; i++) {
    const res = await h.get('/incidents/inc/history');
    if (res.statusCode === 429) refused = res;
    else t.equal(res.statusCode, 200);
  }
  t.ok(refused, 'the looping client is refused once its budget is spent');
  t.ok(refused?.headers['retry-after'], 'with Retry-After');
  t.equal(refused === undefined ? undefined : JSON.parse(refused.body).code, 'rate-limited');
  t.equal((await h.get('/incidents/inc')).statusCode, 200, 'its plain reads still answer');
  t.equal((await h.req({ method: 'GET', url: '/incidents/inc/history', as: null })).statusCode, 200, 'another client still gets its costly read');
});
