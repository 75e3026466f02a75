import fc from 'fast-check';
import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { fixtures, harness, type Harness } from '../http/harness.ts';

/**
 * Property tests over every write route and the main read routes: random and malformed bodies,
 * hostile JSON (prototype keys, 10k-deep nesting, huge strings, impossible dates, 1e309, -0), wrong
 * content types, random headers, query strings and path segments. Never a 5xx; every 4xx is
 * problem+json; a refused request leaves the store as it was.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20241007);
const RUNS_PER_WRITE_ROUTE = 600;
const RUNS_READS = 1500;
const RUNS_PATHS = 800;

const exact = (value: number) => ({ kind: 'exact', value });

interface WriteRoute {
  method: 'POST' | 'PATCH';
  url: string;
  valid: Record<string, unknown>;
}
const WRITES: WriteRoute[] = [
  { method: 'POST', url: '/sources', valid: fixtures.source('fz-src') },
  { method: 'PATCH', url: '/sources/src', valid: { name: 'Renamed', reason: 'rename' } },
  { method: 'POST', url: '/incidents', valid: fixtures.incident('fz-inc') },
  { method: 'PATCH', url: '/incidents/inc', valid: { title: 'Retitled', reason: 'clearer' } },
  { method: 'POST', url: '/incidents/inc/claims', valid: fixtures.deaths('fz-claim', 'src', exact(3)) },
  { method: 'POST', url: '/incidents/inc/claims/c-base/revisions', valid: { value: exact(4), statedAt: '2024-10-08' } },
  { method: 'POST', url: '/incidents/inc/claims/c-base/retractions', valid: { statedAt: '2024-10-08', reason: 'withdrawn' } },
  { method: 'POST', url: '/incidents/inc/claims/c-base/corrections', valid: { changes: { value: exact(9) }, reason: 'transcription' } },
  { method: 'POST', url: '/incidents/inc/claims/c-base/rank', valid: { rank: 'preferred', reason: 'best-available' } },
];

const DEEP = 10_000;
/** Raw JSON tokens that JSON.stringify cannot produce or that stress the parser and the validators. */
const RAW_TOKENS = [
  '1e309', '-1e309', '-0', '0.0000000000000000000000001', '9007199254740993', '"NaN"', '"Infinity"', '"-0"', 'null', 'true', '[]', '{}',
  '"2024-02-30"', '"2023-02-29"', '"2024-13-01"', '"2024-00-10"', '"2024-10-07T25:61:00Z"', '"0000-01-01"', '"+275760-09-13"', '"2024-10-07T00:00:00+99:00"',
  '"\\u0000"', '"\\ud800"', `"${'x'.repeat(300_000)}"`,
  `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`,
  `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`,
  '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"prototype":{"polluted":true}}',
];
const WHOLE_BODIES = [
  '', ' ', 'null', '[]', '"string"', '42', '{', '{"a":1,}', '{"a":1}{"b":2}', "{'a':1}", '\u0000', '\ufeff{}',
  '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}',
  `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`, `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`, `"${'y'.repeat(900_000)}"`,
];
const CONTENT_TYPES = [
  'application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON',
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/merge-patch+json', 'application/jsonx', 'application/json; charset=utf-16', '',
];

const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,60}[\x21-\x7e])?$/);
const special = fc.constantFrom<unknown>(
  '2024-02-30', '2023-02-29', '2024-10-07T24:00:00Z', '', ' ', 'NaN', '-0', 'Infinity', -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -1, 0.5,
  'x'.repeat(100_000), '__proto__', { __proto__: null, polluted: true }, [[[[]]]], { kind: 'exact', value: -1 }, { kind: 'range', min: 5, max: 1 },
);

/** A body: anything from valid-but-for-one-field to not JSON at all, as the raw text sent. */
function bodyFor(route: WriteRoute): fc.Arbitrary<string> {
  const keys = Object.keys(route.valid);
  const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), special, fc.anything({ maxDepth: 2 }));
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ key: fc.constantFrom(...keys), v: value }).map(({ key, v }) => JSON.stringify({ ...route.valid, [key]: v }) ?? 'null') },
    { weight: 2, arbitrary: fc.record({ key: fc.constantFrom(...keys), raw: fc.constantFrom(...RAW_TOKENS) }).map(({ key, raw }) => JSON.stringify({ ...route.valid, [key]: '__RAW__' }).replace('"__RAW__"', raw)) },
    { weight: 1, arbitrary: fc.record({ key: fc.string({ maxLength: 20 }), v: value }).map(({ key, v }) => JSON.stringify({ ...route.valid, [key]: v }) ?? 'null') },
    { weight: 1, arbitrary: fc.constantFrom(...keys).map((drop) => JSON.stringify(Object.fromEntries(Object.entries(route.valid).filter(([k]) => k !== drop)))) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true }).map((v) => JSON.stringify(v) ?? 'undefined') },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom(...WHOLE_BODIES) },
  );
}

let cases = 0;

function checkAnswer(t: Tap, res: LightMyRequestResponse, what: string): boolean {
  cases++;
  if (res.statusCode >= 500) {
    t.fail(`${what} → ${res.statusCode} ${res.body.slice(0, 300)}`);
    return false;
  }
  if (res.statusCode >= 400) {
    if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) {
      t.fail(`${what} → ${res.statusCode} without problem+json (${String(res.headers['content-type'])})`);
      return false;
    }
    const p = JSON.parse(res.body) as { type?: unknown; title?: unknown; status?: unknown; code?: unknown; detail?: unknown };
    if (p.status !== res.statusCode || typeof p.code !== 'string' || p.type !== `/problems/${p.code}` || typeof p.title !== 'string' || typeof p.detail !== 'string') {
      t.fail(`${what} → malformed problem ${res.body.slice(0, 300)}`);
      return false;
    }
  }
  return true;
}
type Tap = Test;

async function setup(t: Tap): Promise<Harness> {
  const h = await harness(t);
  await h.post('/sources', fixtures.source('src'));
  await h.post('/incidents', fixtures.incident('inc'));
  await h.post('/incidents/inc/claims', fixtures.deaths('c-base', 'src', exact(1)));
  return h;
}

t.test('random and hostile bodies on every write route', async (t) => {
  const h = await setup(t);
  for (const route of WRITES) {
    await fc.assert(
      fc.asyncProperty(
        bodyFor(route),
        fc.constantFrom(...CONTENT_TYPES),
        fc.option(headerValue, { nil: undefined }),
        fc.option(fc.oneof(headerValue, fc.constantFrom('"0"', '"999"', '"-1"', '*', 'W/"1"')), { nil: undefined }),
        async (payload, contentType, idempotencyKey, ifMatch) => {
          const before = await h.rt.store.size();
          const headers: Record<string, string> = {};
          if (contentType !== '') headers['content-type'] = contentType;
          if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
          if (ifMatch !== undefined) headers['if-match'] = ifMatch;
          const res = await h.req({ method: route.method, url: route.url, payload, headers });
          const what = `${route.method} ${route.url} [${contentType}] ${payload.slice(0, 120)}`;
          if (!checkAnswer(t, res, what)) return false;
          if (res.statusCode >= 400 && (await h.rt.store.size()) !== before) {
            t.fail(`${what} → ${res.statusCode} but the store changed`);
            return false;
          }
          return true;
        },
      ),
      { numRuns: RUNS_PER_WRITE_ROUTE, seed: SEED, endOnFailure: true },
    );
  }
  t.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false, 'Object.prototype untouched');
  t.equal(({} as Record<string, unknown>).polluted, undefined);
  t.pass(`write cases so far: ${cases}`);
});

t.test('random query strings on the read routes', async (t) => {
  const h = await setup(t);
  const reads = ['/incidents', '/sources', '/sources/src', '/incidents/inc', '/incidents/inc/history', '/incidents/inc/events', '/incidents/inc/claims/c-base', '/events', '/changes', '/log/checkpoint', '/log/proofs/inclusion', '/log/proofs/consistency'];
  const names = fc.oneof(
    fc.constantFrom('limit', 'from', 'to', 'cursor', 'asOf', 'knownAt', 'atRevision', 'country', 'category', 'tag', 'q', 'order', 'fact', 'claimId', 'size', 'index', 'treeSize', '__proto__', 'constructor', 'limit[]', 'from[0]'),
    fc.string({ maxLength: 12 }),
  );
  const values = fc.oneof(
    fc.constantFrom('0', '-1', '1e309', '-0', 'NaN', '201', '1001', '99999999999999999999', '2024-02-30', '2024-10-07T25:00:00Z', 'asc', 'DESC', '', 'x'.repeat(5000), '%', '%00', 'eyJ9'),
    fc.string({ maxLength: 30 }),
    fc.integer().map(String),
  );
  let size = await h.rt.store.size();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...reads), fc.array(fc.tuple(names, values), { maxLength: 4 }), fc.boolean(), async (path, pairs, asNdjson) => {
      const qs = new URLSearchParams(pairs).toString();
      const url = qs === '' ? path : `${path}?${qs}`;
      const res = await h.req({ method: 'GET', url, headers: asNdjson ? { accept: 'application/x-ndjson' } : {} });
      if (!checkAnswer(t, res, `GET ${url.slice(0, 200)}`)) return false;
      const now = await h.rt.store.size();
      if (now !== size) {
        t.fail(`GET ${url} changed the store`);
        return false;
      }
      size = now;
      return true;
    }),
    { numRuns: RUNS_READS, seed: SEED, endOnFailure: true },
  );
});

t.test('random path segments and raw URLs', async (t) => {
  const h = await setup(t);
  const segment = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('..', '%2e%2e', '%00', '__proto__', 'constructor', 'x'.repeat(300), 'INC', 'inc%2Fother', ' '));
  const shapes = [
    (s: string) => ({ method: 'GET' as const, url: `/incidents/${s}` }),
    (s: string) => ({ method: 'GET' as const, url: `/incidents/inc/claims/${s}` }),
    (s: string) => ({ method: 'GET' as const, url: `/sources/${s}` }),
    (s: string) => ({ method: 'POST' as const, url: `/incidents/${s}/claims`, payload: JSON.stringify(fixtures.deaths('fz-path', 'src', exact(1))) }),
    (s: string) => ({ method: 'POST' as const, url: `/incidents/inc/claims/${s}/rank`, payload: JSON.stringify({ rank: 'preferred', reason: 'best-available' }) }),
    (s: string) => ({ method: 'PATCH' as const, url: `/sources/${s}`, payload: JSON.stringify({ name: 'N', reason: 'r' }) }),
  ];
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: shapes.length - 1 }), segment, fc.boolean(), async (i, s, encode) => {
      const before = await h.rt.store.size();
      const req = shapes[i]!(encode ? encodeURIComponent(s) : s.replace(/[\s?#]/g, '_'));
      const res = await h.req({ ...req, headers: { 'content-type': 'application/json' } });
      if (!checkAnswer(t, res, `${req.method} ${req.url.slice(0, 200)}`)) return false;
      if (res.statusCode >= 400 && (await h.rt.store.size()) !== before) {
        t.fail(`${req.method} ${req.url} → ${res.statusCode} but the store changed`);
        return false;
      }
      return true;
    }),
    { numRuns: RUNS_PATHS, seed: SEED, endOnFailure: true },
  );
  t.comment(`fuzz cases run in this file: ${cases}`);
});

t.test('lone surrogates (not encodable by RFC 8785) → 400 at the boundary, not 500 at append', async (t) => {
  const h = await setup(t);
  const before = await h.rt.store.size();
  for (const [url, payload, path] of [
    ['/sources', '{"sourceId":"sur","name":"\\ud800","kind":"news-outlet"}', '/name'],
    ['/incidents/inc/claims', JSON.stringify(fixtures.deaths('c-sur', 'src', exact(1), { note: 'NOTE' })).replace('NOTE', 'ok \\udc00'), '/note'],
    ['/incidents', JSON.stringify(fixtures.incident('sur', { tags: ['TAG'] })).replace('TAG', '\\ud83d'), '/tags/0'],
  ] as const) {
    const res = await h.req({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
    t.equal(res.statusCode, 400, `${url}: ${res.body}`);
    t.match(JSON.parse(res.body).errors, [{ in: 'body', path }]);
  }
  t.equal(await h.rt.store.size(), before);
  const paired = await h.post('/sources', fixtures.source('emoji', { name: 'Source 😀' }));
  t.equal(paired.statusCode, 201, 'a well-formed surrogate pair is fine');
});
