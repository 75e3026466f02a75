import t from 'tap';
import { fixtures, harness, json } from './harness.ts';

t.test('a write answers with the id field its resource uses, and `id` for one release', async (t) => {
  const h = await harness(t);
  const src = await h.post('/sources', fixtures.source('geo-news'));
  t.equal(src.statusCode, 201);
  t.match(json(src), { id: 'geo-news', sourceId: 'geo-news', revision: 0 });
  t.notOk('incidentId' in json(src));
  const inc = await h.post('/incidents', fixtures.incident('karachi'), { 'idempotency-key': 'reg-karachi' });
  t.match(json(inc), { id: 'karachi', incidentId: 'karachi', revision: 0 });
  t.equal(inc.headers.location, '/incidents/karachi');
  const again = await h.post('/incidents', fixtures.incident('karachi'), { 'idempotency-key': 'reg-karachi' });
  t.equal(again.headers['idempotency-replayed'], 'true');
  t.same(json(again), json(inc), 'a replay answers the same fields');
  const amend = await h.req({ method: 'PATCH', url: '/incidents/karachi', payload: { title: 'Karachi blast', reason: 'Clearer title.' }, headers: { 'content-type': 'application/json' } });
  t.equal(amend.statusCode, 200);
  t.match(json(amend), { id: 'karachi', incidentId: 'karachi', revision: 1 });
  const srcAmend = await h.req({ method: 'PATCH', url: '/sources/geo-news', payload: { url: 'https://www.geo.tv', reason: 'Address.' }, headers: { 'content-type': 'application/json' } });
  t.match(json(srcAmend), { id: 'geo-news', sourceId: 'geo-news', revision: 1 });
  const claim = json(await h.post('/incidents/karachi/claims', fixtures.deaths('c-geo', 'geo-news', { kind: 'exact', value: 3 })));
  t.match(claim, { claimId: 'c-geo', revision: 2 });
  t.notOk('id' in claim, 'claims have always answered claimId');
  const rank = json(await h.post('/incidents/karachi/claims/c-geo/rank', { rank: 'preferred', reason: 'best-available' }));
  t.same(Object.keys(rank).sort(), ['claimId', 'index', 'position', 'revision']);
});
