import t from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { keptViewBytes } from '../../src/http/json-cache.ts';
import { fixtures, harness, json } from './harness.ts';

/** Headers that differ from one answer to the next by design: the request's id, the clock, the rate-limit count. */
const PER_REQUEST = new Set(['x-correlation-id', 'date', 'x-ratelimit-remaining', 'x-ratelimit-reset']);
const stable = (res: LightMyRequestResponse): Record<string, unknown> =>
  Object.fromEntries(Object.entries(res.headers).filter(([k]) => !PER_REQUEST.has(k)).sort(([a], [b]) => a.localeCompare(b)));

t.test('a plain incident read answered from kept bytes: the same headers and body as the first read, 304, a new revision', async (t) => {
  const h = await harness(t, { corsOrigin: 'https://app.example' });
  t.equal((await h.post('/incidents', fixtures.incident('kept-one'))).statusCode, 201);
  const origin = { origin: 'https://app.example' };
  const kept = (): Buffer | undefined => {
    const view = h.rt.reads.currentIncident('kept-one');
    return view && keptViewBytes(view);
  };
  t.equal(kept(), undefined, 'nothing kept before the first read');
  const first = await h.get('/incidents/kept-one', origin);
  t.equal(first.statusCode, 200, first.body);
  t.ok(kept(), 'the first read kept the bytes');
  const second = await h.get('/incidents/kept-one', origin);
  t.equal(second.statusCode, 200);
  t.equal(second.body, first.body, 'the same bytes');
  t.same(stable(second), stable(first), 'the same headers, security, CORS and ETag included');
  t.equal(second.headers['access-control-allow-origin'], 'https://app.example', 'CORS still applies');
  t.ok(second.headers['content-security-policy'], 'security headers still apply');
  t.ok(second.headers['x-correlation-id'], 'the correlation id still applies');
  t.equal(second.headers['content-type'], 'application/json; charset=utf-8');
  t.equal(second.headers['content-length'], String(Buffer.byteLength(first.body)));
  t.equal(second.headers.etag, '"0"');

  t.equal((await h.get('/incidents/kept-one', { 'if-none-match': '"0"' })).statusCode, 304, '304 from the kept answer');
  t.equal((await h.get('/incidents/kept-one', { 'if-none-match': '"9", W/"0"' })).statusCode, 304, 'a weak tag in a list matches too');
  t.equal((await h.get('/incidents/kept-one', { 'if-none-match': '"9"' })).statusCode, 200, 'another tag is answered in full');

  const anon = await h.req({ method: 'GET', url: '/incidents/kept-one', as: null });
  t.equal(anon.statusCode, 200, 'public reads still answer anonymous clients');
  const bad = await h.req({ method: 'GET', url: '/incidents/kept-one', as: 'pal_nope_0000' });
  t.equal(bad.statusCode, 401, 'an unknown key is still refused on a kept answer');

  const amended = await h.req({ method: 'PATCH', url: '/incidents/kept-one', payload: { title: 'Renamed', reason: 'clearer title' }, headers: { 'content-type': 'application/json' } });
  t.equal(amended.statusCode, 200, amended.body);
  const after = await h.get('/incidents/kept-one');
  t.equal(after.headers.etag, '"1"', 'a new revision, a new ETag');
  t.equal(json(after).title, 'Renamed', 'and new bytes');
  t.equal((await h.get('/incidents/kept-one', { 'if-none-match': '"0"' })).statusCode, 200, 'the old tag no longer matches');
  t.equal(json(await h.get('/incidents/kept-one')).title, 'Renamed', 'the kept answer of the new revision');

  const asOf = await h.get('/incidents/kept-one?atRevision=0');
  t.equal(json(asOf).title, 'Incident kept-one', 'an as-of read is not answered from the current bytes');
  t.match(asOf.headers.etag, /^W\//);
});

t.test('the timeline answered from kept bytes: the same headers and body, a write moves it', async (t) => {
  const h = await harness(t);
  t.equal((await h.post('/incidents', fixtures.incident('line-one'))).statusCode, 201);
  const first = await h.get('/incidents');
  const second = await h.get('/incidents');
  t.equal(second.statusCode, 200);
  t.equal(second.body, first.body);
  t.same(stable(second), stable(first), 'the same headers');
  t.equal(json(second).items.length, 1);
  t.equal((await h.post('/incidents', fixtures.incident('line-two'))).statusCode, 201);
  t.equal(json(await h.get('/incidents')).items.length, 2, 'a write is seen by the next read');
  t.equal(json(await h.get('/incidents?limit=1')).items.length, 1, 'a query string is its own answer');
  t.equal(json(await h.get('/incidents')).items.length, 2, 'the empty query is parsed with its defaults, unchanged by the one before');
});
