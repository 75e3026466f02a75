import t from 'tap';
import { fixtures, harness, json } from './harness.ts';

t.test('register, read, amend an incident', async (t) => {
  const h = await harness(t);
  const created = await h.post('/incidents', fixtures.incident('blast-one'));
  t.equal(created.statusCode, 201, created.body);
  t.equal(created.headers.location, '/incidents/blast-one');
  t.equal(created.headers.etag, '"0"');
  t.match(json(created), { id: 'blast-one', revision: 0, index: 0 });
  t.type(json(created).position, 'string');

  const read = await h.get('/incidents/blast-one');
  t.equal(read.statusCode, 200);
  t.equal(read.headers.etag, '"0"');
  t.match(json(read), { incidentId: 'blast-one', title: 'Incident blast-one', category: 'bombing', revision: 0, facts: {} });

  const notModified = await h.get('/incidents/blast-one', { 'if-none-match': '"0"' });
  t.equal(notModified.statusCode, 304);

  const amended = await h.req({ method: 'PATCH', url: '/incidents/blast-one', payload: { title: 'Blast at the gate', reason: 'clearer title' }, headers: { 'content-type': 'application/json' } });
  t.equal(amended.statusCode, 200, amended.body);
  t.equal(amended.headers.etag, '"1"');
  t.equal(json(await h.get('/incidents/blast-one')).title, 'Blast at the gate');
  t.equal((await h.get('/incidents/blast-one', { 'if-none-match': '"0"' })).statusCode, 200, 'a new revision is not 304');
});

t.test('server-generated incident id is a slug of the title', async (t) => {
  const h = await harness(t);
  const { incidentId: _drop, ...body } = fixtures.incident('x', { title: 'Explosión near the Airport!' });
  const res = await h.post('/incidents', body);
  t.equal(res.statusCode, 201, res.body);
  t.match(json(res).id, /^explosion-near-the-airport-[a-z0-9]{6}$/);
  t.equal(res.headers.location, `/incidents/${json(res).id}`);
});

t.test('errors are problem+json with the status of docs/api.md', async (t) => {
  const h = await harness(t);
  await h.post('/incidents', fixtures.incident('dup'));

  const taken = await h.post('/incidents', fixtures.incident('dup'));
  t.equal(taken.statusCode, 409);
  t.match(taken.headers['content-type'], /application\/problem\+json/);
  t.match(json(taken), { type: '/problems/incident-exists', status: 409, code: 'incident-exists', title: String });

  const unknownField = await h.post('/incidents', { ...fixtures.incident('u1'), colour: 'red' });
  t.equal(unknownField.statusCode, 400);
  t.match(json(unknownField).errors, [{ in: 'body', path: '/colour' }]);

  const badField = await h.post('/incidents', fixtures.incident('u2', { category: 'earthquake', location: { name: 'X', country: 'pk' } }));
  t.equal(badField.statusCode, 400);
  t.ok(json(badField).errors.length >= 1);
  t.ok(json(badField).errors.every((e: { in: string }) => e.in === 'body'));

  const badQuery = await h.get('/incidents?colour=red');
  t.equal(badQuery.statusCode, 400);
  t.match(json(badQuery).errors, [{ in: 'query', path: '/colour' }]);

  const badLimit = await h.get('/incidents?limit=500');
  t.equal(badLimit.statusCode, 400);

  const notJson = await h.req({ method: 'POST', url: '/incidents', payload: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.equal(notJson.statusCode, 415);
  t.equal(json(notJson).code, 'unsupported-media-type');

  const malformed = await h.req({ method: 'POST', url: '/incidents', payload: '{"title": ', headers: { 'content-type': 'application/json' } });
  t.equal(malformed.statusCode, 400);
  t.match(malformed.headers['content-type'], /problem\+json/);

  const proto = await h.req({ method: 'POST', url: '/incidents', payload: '{"__proto__": {"admin": true}, "title": "x"}', headers: { 'content-type': 'application/json' } });
  t.equal(proto.statusCode, 400);

  const missing = await h.get('/incidents/no-such-incident');
  t.equal(missing.statusCode, 404);
  t.equal(json(missing).code, 'incident-not-found');

  const badId = await h.get('/incidents/NOT_A_SLUG');
  t.equal(badId.statusCode, 400);
  t.match(json(badId).errors, [{ in: 'params' }]);

  const amendMissing = await h.req({ method: 'PATCH', url: '/incidents/nope', payload: { title: 'x', reason: 'r' }, headers: { 'content-type': 'application/json' } });
  t.equal(amendMissing.statusCode, 404);

  const emptyAmend = await h.req({ method: 'PATCH', url: '/incidents/dup', payload: { reason: 'nothing' }, headers: { 'content-type': 'application/json' } });
  t.equal(emptyAmend.statusCode, 400);
  t.equal(json(emptyAmend).code, 'empty-changes');

  const big = await h.post('/incidents', fixtures.incident('big', { summary: 'x'.repeat(2 * 1024 * 1024) }));
  t.equal(big.statusCode, 413);

  t.equal((await h.get('/nowhere')).statusCode, 404);
  t.equal(await h.rt.store.size(), 1n, 'no failed request appended anything');
});

t.test('If-Match: stale → 412 with currentRevision, fresh → written', async (t) => {
  const h = await harness(t);
  await h.post('/incidents', fixtures.incident('im'));
  const patch = (ifMatch: string) => h.req({ method: 'PATCH', url: '/incidents/im', payload: { title: `T ${ifMatch}`, reason: 'r' }, headers: { 'content-type': 'application/json', 'if-match': ifMatch } });
  const ok = await patch('"0"');
  t.equal(ok.statusCode, 200, ok.body);
  const stale = await patch('"0"');
  t.equal(stale.statusCode, 412);
  t.match(json(stale), { code: 'precondition-failed', currentRevision: 1 });
  const malformed = await patch('zero');
  t.equal(malformed.statusCode, 400);
  t.match(json(malformed).errors, [{ in: 'headers', path: '/if-match' }]);
});

t.test('Idempotency-Key: replay, reuse with another body, scope per key', async (t) => {
  const h = await harness(t);
  const body = fixtures.incident('idem');
  const first = await h.post('/incidents', body, { 'idempotency-key': 'k-1' });
  t.equal(first.statusCode, 201);
  const again = await h.post('/incidents', body, { 'idempotency-key': 'k-1' });
  t.equal(again.statusCode, 201);
  t.equal(again.headers['idempotency-replayed'], 'true');
  t.same(json(again), json(first));
  t.equal(again.headers.location, first.headers.location);
  t.equal(again.headers.etag, first.headers.etag);
  t.equal(await h.rt.store.size(), 1n, 'the replay appended nothing');

  const other = await h.post('/incidents', fixtures.incident('idem-2'), { 'idempotency-key': 'k-1' });
  t.equal(other.statusCode, 422);
  t.equal(json(other).code, 'idempotency-key-reused');

  // checked before If-Match: a replay with a now-stale If-Match still replays
  const withIfMatch = await h.post('/incidents', body, { 'idempotency-key': 'k-1', 'if-match': '"7"' });
  t.equal(withIfMatch.statusCode, 201);

  // survives a restart: the key lives with the events
  await h.restart();
  const afterRestart = await h.post('/incidents', body, { 'idempotency-key': 'k-1' });
  t.equal(afterRestart.headers['idempotency-replayed'], 'true');
  t.same(json(afterRestart), json(first));

  const generated = { ...fixtures.incident('g'), incidentId: undefined, title: 'Generated id' };
  delete (generated as Record<string, unknown>).incidentId;
  const g1 = await h.post('/incidents', generated, { 'idempotency-key': 'gen' });
  const g2 = await h.post('/incidents', generated, { 'idempotency-key': 'gen' });
  t.equal(json(g2).id, json(g1).id, 'a replay returns the id generated the first time');

  const failed = await h.post('/incidents', fixtures.incident('idem'), { 'idempotency-key': 'k-fail' });
  t.equal(failed.statusCode, 409);
  const failedAgain = await h.post('/incidents', fixtures.incident('idem'), { 'idempotency-key': 'k-fail' });
  t.equal(failedAgain.statusCode, 409, 'only successful answers are replayed');
  t.notOk(failedAgain.headers['idempotency-replayed']);

  const tooLong = await h.post('/incidents', fixtures.incident('long'), { 'idempotency-key': 'x'.repeat(201) });
  t.equal(tooLong.statusCode, 400);
});

t.test('sources: register, list with counts, amend, unknown source', async (t) => {
  const h = await harness(t);
  const s = await h.post('/sources', fixtures.source('geo-news', { country: 'PK' }));
  t.equal(s.statusCode, 201, s.body);
  t.equal(s.headers.location, '/sources/geo-news');
  const one = await h.get('/sources/geo-news');
  t.equal(one.statusCode, 200);
  t.match(json(one), { sourceId: 'geo-news', kind: 'news-outlet', counts: { claims: 0, revisions: 0, retractions: 0, errata: 0, deprecated: 0 } });
  const amended = await h.req({ method: 'PATCH', url: '/sources/geo-news', payload: { name: 'Geo News', reason: 'official name' }, headers: { 'content-type': 'application/json' } });
  t.equal(amended.statusCode, 200, amended.body);
  t.equal(json(await h.get('/sources/geo-news')).name, 'Geo News');
  const list = json(await h.get('/sources'));
  t.equal(list.items.length, 1);
  t.equal((await h.get('/sources/nope')).statusCode, 404);
  t.equal((await h.post('/sources', fixtures.source('geo-news'))).statusCode, 409);
  t.equal((await h.get('/sources?atRevision=1')).statusCode, 400, 'atRevision is not a collection parameter');
});
