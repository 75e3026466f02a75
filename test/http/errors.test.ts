import t from 'tap';
import { PROBLEMS } from '../../src/http/problems.ts';
import { fixtures, harness, json } from './harness.ts';

const COUNT_SHAPES = 'deaths takes exact {value}, atLeast {value}, range {min, max}, unknown, none';

async function setup(t: Parameters<typeof harness>[0]) {
  const h = await harness(t);
  t.equal((await h.post('/sources', fixtures.source('geo-news'))).statusCode, 201);
  t.equal((await h.post('/incidents', fixtures.incident('karachi'))).statusCode, 201);
  t.equal((await h.post('/incidents/karachi/claims', fixtures.deaths('c-geo', 'geo-news', { kind: 'exact', value: 3 }))).statusCode, 201);
  return h;
}

const size = async (h: Awaited<ReturnType<typeof setup>>): Promise<number> => json(await h.get('/health')).index;

t.test('a value that does not fit its predicate names the shapes it takes and points at the wrong part', async (t) => {
  const h = await setup(t);
  const before = await size(h);
  const cases: [string, unknown, unknown, string, RegExp][] = [
    ['responsibility', { actor: 'TTP', stance: 'blamed' }, undefined, '/value/stance', /claimed.*denied.*attributed.*suspected.*responsibility takes \{actor, stance: claimed\|denied\|attributed\|suspected\}, unknown, none/],
    ['deaths', { kind: 'exact', value: '6' }, undefined, '/value/value', /expected number.*deaths takes exact \{value\}, atLeast \{value\}, range \{min, max\}, unknown, none/],
    ['deaths', 6, undefined, '/value', /must be an object.*deaths takes exact/],
    ['deaths', { kind: 'range', min: 6 }, undefined, '/value/max', /deaths takes exact/],
    ['cause', 6, undefined, '/value', /cause takes a string of 1–500 characters/],
  ];
  for (const [predicate, value, , path, message] of cases) {
    const res = await h.post('/incidents/karachi/claims', { predicate, value, sourceId: 'geo-news', statedAt: '2024-10-07' });
    t.equal(res.statusCode, 400, `${predicate} ${JSON.stringify(value)}`);
    const p = json(res);
    t.equal(p.code, 'validation');
    t.same(p.errors.map((e: { path: string }) => e.path), [path], `${JSON.stringify(value)} points at ${path}`);
    t.match(p.errors[0].message, message);
    t.equal(p.errors[0].in, 'body');
    t.match(p.detail, message, 'the detail says it too');
  }

  // Revisions and errata do not name the predicate: the claim's own predicate judges the value.
  const rev = json(await h.post('/incidents/karachi/claims/c-geo/revisions', { value: 6, statedAt: '2024-10-08' }));
  t.equal(rev.status, 400);
  t.same(rev.errors.map((e: { path: string }) => e.path), ['/value']);
  t.match(rev.errors[0].message, COUNT_SHAPES);
  const cor = json(await h.post('/incidents/karachi/claims/c-geo/corrections', { changes: { value: { kind: 'exact', value: '6' } }, reason: 'transcription' }));
  t.equal(cor.status, 400);
  t.same(cor.errors.map((e: { path: string }) => e.path), ['/changes/value/value']);
  t.match(cor.errors[0].message, COUNT_SHAPES);
  // Other errors beside a value still come first and together.
  const both = json(await h.post('/incidents/karachi/claims/c-geo/revisions', { value: 6, statedAt: 'yesterday' }));
  t.equal(both.status, 400);
  t.ok(both.errors.some((e: { path: string }) => e.path === '/statedAt'));
  t.equal(await size(h), before, 'nothing was appended');
});

t.test('an impossible date says that the date does not exist', async (t) => {
  const h = await setup(t);
  const res = await h.post('/incidents/karachi/claims', fixtures.deaths('c-feb', 'geo-news', { kind: 'exact', value: 1 }, { statedAt: '2024-02-30' }));
  t.equal(res.statusCode, 400);
  const p = json(res);
  t.same(p.errors, [{ in: 'body', path: '/statedAt', message: 'the date 2024-02-30 does not exist' }]);
  const malformed = json(await h.post('/incidents/karachi/claims', fixtures.deaths('c-feb', 'geo-news', { kind: 'exact', value: 1 }, { statedAt: '30 Feb' })));
  t.match(malformed.errors[0].message, /must be an RFC 3339 date-time or a date YYYY-MM-DD/);
  const time = json(await h.post('/incidents', fixtures.incident('feb', { occurredAt: { start: '2023-02-29', precision: 'day' } })));
  t.same(time.errors.map((e: { path: string; message: string }) => [e.path, e.message]), [['/occurredAt/start', 'the date 2023-02-29 does not exist']]);
  const asOf = json(await h.get('/incidents/karachi?asOf=2024-02-30T10:00:00Z'));
  t.equal(asOf.status, 400);
  t.match(asOf.errors[0].message, 'the date 2024-02-30 does not exist');
  t.equal((await h.post('/incidents/karachi/claims', fixtures.deaths('c-leap', 'geo-news', { kind: 'exact', value: 1 }, { statedAt: '2024-02-29' }))).statusCode, 201, 'a leap day exists');
});

t.test('every problem type URI resolves: JSON for a client, HTML for a browser', async (t) => {
  const h = await setup(t);
  for (const [code, [status, title]] of Object.entries(PROBLEMS)) {
    const res = await h.req({ method: 'GET', url: `/problems/${code}`, as: null });
    t.equal(res.statusCode, 200, code);
    const doc = json(res);
    t.same({ code: doc.code, status: doc.status, title: doc.title }, { code, status, title });
    t.ok(doc.description.length > 20, `${code} is explained`);
  }
  const seen = json(await h.post('/incidents/karachi/claims', { predicate: 'deaths', value: 6, sourceId: 'geo-news', statedAt: '2024-10-07' }));
  const html = await h.req({ method: 'GET', url: seen.type, as: null, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  t.equal(html.statusCode, 200);
  t.match(html.headers['content-type'], /^text\/html/);
  t.match(html.body, /<h1>Invalid request<\/h1>/);
  t.match(html.body, /JSON Pointer/);
  const unknown = await h.req({ method: 'GET', url: '/problems/no-such-problem', as: null });
  t.equal(unknown.statusCode, 404);
  t.equal(json(unknown).code, 'not-found');
});
