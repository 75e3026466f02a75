import t from 'tap';
import { fixtures, harness, json } from '../http/harness.ts';

/** Body size, rate limit, security headers, CORS, capped `limit` parameters and the overload guard. */

const PROBLEM = /^application\/problem\+json/;

t.test('413 over the body limit, nothing stored', async (t) => {
  const h = await harness(t, { bodyLimit: 4096 });
  const before = await h.rt.store.size();
  const big = fixtures.source('big', { description: 'x'.repeat(5000) });
  const res = await h.post('/sources', big);
  t.equal(res.statusCode, 413);
  t.match(res.headers['content-type'], PROBLEM);
  t.equal(json(res).code, 'payload-too-large');
  // A body exactly at the limit is read (and here refused for its content, not its size).
  const padded = JSON.stringify(fixtures.source('edge', { description: 'y'.repeat(4096) })).slice(0, 4096);
  const edge = await h.req({ method: 'POST', url: '/sources', payload: padded, headers: { 'content-type': 'application/json' } });
  t.equal(edge.statusCode, 400, 'at the limit: read, then refused as malformed JSON');
  // A lying Content-Length larger than the limit is refused before the body is read.
  const claimed = await h.req({ method: 'POST', url: '/sources', payload: '{}', headers: { 'content-type': 'application/json', 'content-length': '999999' } });
  t.ok(claimed.statusCode === 413 || claimed.statusCode === 400, `declared length over the limit: ${claimed.statusCode}`);
  t.match(claimed.headers['content-type'], PROBLEM);
  t.equal(await h.rt.store.size(), before, 'store unchanged');
  t.equal((await h.post('/sources', fixtures.source('small'))).statusCode, 201, 'a body under the limit is written');
});

t.test('429 with Retry-After past the rate limit: per key, and per address for anonymous clients', async (t) => {
  const LIMIT = 5;
  const h = await harness(t, { rateLimit: LIMIT });
  const a = h.rt.keys.create('reader', 'rate a');
  const b = h.rt.keys.create('reader', 'rate b');
  const get = (token: string | null, ip = '10.0.0.1') => h.req({ method: 'GET', url: '/incidents', as: token, remoteAddress: ip });

  for (let i = 0; i < LIMIT; i++) t.equal((await get(a.token)).statusCode, 200, `key a request ${i + 1}`);
  const limited = await get(a.token);
  t.equal(limited.statusCode, 429, 'key a over its limit');
  t.match(limited.headers['content-type'], PROBLEM);
  t.equal(json(limited).code, 'rate-limited');
  t.match(String(limited.headers['retry-after']), /^\d+$/, 'Retry-After in seconds');
  t.ok(Number(limited.headers['retry-after']) > 0);
  t.equal((await get(a.token, '10.9.9.9')).statusCode, 429, 'a key is limited whatever address it comes from');
  t.equal((await get(b.token)).statusCode, 200, 'another key on the same address still passes');

  for (let i = 0; i < LIMIT; i++) t.equal((await get(null, '10.0.0.2')).statusCode, 200, `anonymous request ${i + 1}`);
  const anon = await get(null, '10.0.0.2');
  t.equal(anon.statusCode, 429, 'the anonymous address over its limit');
  t.ok(anon.headers['retry-after']);
  t.equal((await get(null, '10.0.0.3')).statusCode, 200, 'another address still passes');
  t.equal((await get(b.token, '10.0.0.2')).statusCode, 200, 'a key from a limited address still passes');

  // /health is never limited (probes).
  for (let i = 0; i < LIMIT + 2; i++) t.equal((await h.req({ method: 'GET', url: '/health', as: null, remoteAddress: '10.0.0.2' })).statusCode, 200);
});

t.test('forged tokens naming a key id spend the sender\'s budget, not the key\'s', async (t) => {
  const LIMIT = 5;
  const h = await harness(t, { rateLimit: LIMIT });
  const victim = h.rt.keys.create('editor', 'victim');
  const forged = `pal_${victim.id}_${'A'.repeat(43)}`;
  for (let i = 0; i < LIMIT + 3; i++) {
    const res = await h.req({ method: 'GET', url: '/incidents', as: forged, remoteAddress: '10.6.6.6' });
    t.ok(res.statusCode === 401 || res.statusCode === 429, `forged ${i + 1}: ${res.statusCode}`);
  }
  t.equal((await h.req({ method: 'GET', url: '/incidents', as: forged, remoteAddress: '10.6.6.6' })).statusCode, 429, 'guessing tokens is rate limited per address');
  t.equal((await h.req({ method: 'GET', url: '/incidents', as: victim.token, remoteAddress: '10.0.0.1' })).statusCode, 200, 'the real key is not locked out');
});

t.test('security headers on answers and on problems', async (t) => {
  const h = await harness(t);
  const answers = {
    json: await h.get('/incidents'),
    problem401: await h.req({ method: 'GET', url: '/incidents', as: 'bogus' }),
    problem404: await h.get('/incidents/nope'),
    problem415: await h.req({ method: 'POST', url: '/sources', payload: 'x', headers: { 'content-type': 'text/plain' } }),
    docs: await h.req({ method: 'GET', url: '/docs', as: null }),
  };
  for (const [what, res] of Object.entries(answers)) {
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: x-content-type-options`);
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN', `${what}: x-frame-options`);
    t.match(String(res.headers['strict-transport-security']), /max-age=\d+/, `${what}: strict-transport-security`);
    t.match(String(res.headers['content-security-policy']), /default-src 'self'/, `${what}: content-security-policy`);
    t.equal(res.headers['referrer-policy'], 'no-referrer', `${what}: referrer-policy`);
    t.equal(res.headers['x-powered-by'], undefined, `${what}: no x-powered-by`);
  }
  t.equal(answers.problem415.statusCode, 415);
});

t.test('CORS only when corsOrigin is set', async (t) => {
  const off = await harness(t);
  const res = await off.req({ method: 'GET', url: '/incidents', headers: { origin: 'https://news.example' } });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['access-control-allow-origin'], undefined, 'no CORS header without corsOrigin');
  const pre = await off.req({ method: 'OPTIONS', url: '/incidents', as: null, headers: { origin: 'https://news.example', 'access-control-request-method': 'POST' } });
  t.equal(pre.headers['access-control-allow-origin'], undefined, 'no preflight answer without corsOrigin');

  const on = await harness(t, { corsOrigin: 'https://news.example, https://desk.example' });
  const ok = await on.req({ method: 'GET', url: '/incidents', headers: { origin: 'https://desk.example' } });
  t.equal(ok.headers['access-control-allow-origin'], 'https://desk.example');
  t.match(String(ok.headers['access-control-expose-headers']), /ETag/);
  const other = await on.req({ method: 'GET', url: '/incidents', headers: { origin: 'https://evil.example' } });
  t.equal(other.headers['access-control-allow-origin'], undefined, 'an origin not listed gets no CORS header');
  const preflight = await on.req({ method: 'OPTIONS', url: '/incidents', as: null, headers: { origin: 'https://news.example', 'access-control-request-method': 'POST' } });
  t.ok(preflight.statusCode >= 200 && preflight.statusCode < 300, `preflight ${preflight.statusCode}`);
  t.equal(preflight.headers['access-control-allow-origin'], 'https://news.example');
});

t.test('limit parameters above their cap → 400 problem+json', async (t) => {
  const h = await harness(t);
  await h.post('/incidents', fixtures.incident('inc'));
  const cases = [
    '/incidents?limit=201', '/sources?limit=201', '/events?limit=1001', '/incidents/inc/events?limit=1001', '/changes?limit=1001',
    '/incidents?limit=0', '/events?limit=-1', '/events?limit=1e9', '/events?limit=abc', '/events?from=99999999999999999999',
  ];
  for (const url of cases) {
    const res = await h.get(url);
    t.equal(res.statusCode, 400, url);
    t.match(res.headers['content-type'], PROBLEM, url);
    t.match(json(res).errors, [{ in: 'query' }], url);
  }
  for (const url of ['/incidents?limit=200', '/sources?limit=200', '/events?limit=1000', '/incidents/inc/events?limit=1000', '/changes?limit=1000']) {
    t.equal((await h.get(url)).statusCode, 200, `${url} at the cap`);
  }
});

/**
 * Overload: the test process *is* the server's process, so blocking its event loop for longer than
 * the load shedder.s 1 s sample interval makes the next sample's mean delay far above the 50 ms limit.
 * After the block, a short timer lets the overdue sample run first; then requests get 503.
 */
t.test('an overloaded event loop → 503 problem+json with Retry-After, and no write happens', async (t) => {
  const h = await harness(t, { maxEventLoopDelayMs: 50 });
  const base = await h.rt.app.listen({ port: 0, host: '127.0.0.1' });
  const auth = { authorization: 'Bearer test-admin-token-0123456789abcdef' };
  t.equal((await fetch(`${base}/incidents`, { headers: auth })).status, 200, 'not overloaded at first');
  const before = await h.rt.store.size();

  let overloaded: Response | undefined;
  let write: Response | undefined;
  const written201: string[] = [];
  for (let attempt = 0; attempt < 5 && (overloaded === undefined || write === undefined); attempt++) {
    const until = performance.now() + 1300;
    while (performance.now() < until) {
      // busy: the event loop is blocked
    }
    await new Promise((r) => setTimeout(r, 20));
    const read = await fetch(`${base}/incidents`, { headers: auth });
    if (read.status === 503 && overloaded === undefined) overloaded = read;
    else await read.arrayBuffer();
    const w = await fetch(`${base}/sources`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(fixtures.source(`under-load-${attempt}`)) });
    if (w.status === 201) written201.push(`under-load-${attempt}`);
    if (w.status === 503 && write === undefined) write = w;
    else await w.arrayBuffer();
  }
  t.ok(overloaded, 'a read got 503 while the loop was blocked');
  if (overloaded) {
    t.match(overloaded.headers.get('content-type'), PROBLEM);
    t.equal(overloaded.headers.get('retry-after'), '5');
    t.match(await overloaded.json(), { code: 'overloaded', status: 503 });
  }
  t.ok(write, 'a write got 503 while the loop was blocked');
  if (write) t.match(await write.json(), { code: 'overloaded' });
  // The guard recovers once the loop is free again (bounded wait across sample intervals).
  let recovered = false;
  for (let i = 0; i < 30 && !recovered; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const res = await fetch(`${base}/incidents`, { headers: auth });
    await res.arrayBuffer();
    recovered = res.status === 200;
  }
  t.ok(recovered, 'answers 200 again once the loop is free');
  // A refused write did not go on to append: every stored source was answered 201.
  const stored = (json(await h.get('/events?limit=1000')).items as { data: { sourceId: string } }[]).map((e) => e.data.sourceId).sort();
  t.same(stored, [...written201].sort(), 'stored sources = the writes answered 201');
  t.equal(await h.rt.store.size(), before + BigInt(written201.length));
});
