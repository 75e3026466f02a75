import t from 'tap';
import { fixtures, harness, json } from './harness.ts';

const exact = (value: number) => ({ kind: 'exact', value });

t.test('asOf and knownAt take a date, meaning the end of that day (UTC)', async (t) => {
  const h = await harness(t);
  t.equal((await h.post('/sources', fixtures.source('geo-news'))).statusCode, 201);
  t.equal((await h.post('/sources', fixtures.source('dawn'))).statusCode, 201);
  t.equal((await h.post('/incidents', fixtures.incident('karachi'))).statusCode, 201);
  const claims: [string, string, string][] = [
    ['c-7', 'geo-news', '2024-10-07'],
    ['c-8-date', 'dawn', '2024-10-08'],
    ['c-8-evening', 'geo-news', '2024-10-08T18:00:00Z'],
    ['c-9', 'dawn', '2024-10-09'],
  ];
  for (const [id, source, statedAt] of claims) {
    t.equal((await h.post('/incidents/karachi/claims', fixtures.deaths(id, source, exact(3), { statedAt }))).statusCode, 201, id);
  }
  const ids = async (q: string): Promise<string[]> => {
    const res = await h.get(`/incidents/karachi?${q}`);
    t.equal(res.statusCode, 200, q);
    return json(res).facts.deaths.claims.map((c: { claimId: string }) => c.claimId);
  };
  t.same(await ids('knownAt=2024-10-08'), ['c-7', 'c-8-date', 'c-8-evening'], 'knownAt=2024-10-08 includes every statement dated 8 October');
  t.same(await ids('knownAt=2024-10-08T23:59:59Z'), ['c-7', 'c-8-evening'], 'a date-time a millisecond short of the day’s end leaves out statements dated only 8 October');
  t.same(await ids('knownAt=2024-10-08T23:59:59.999Z'), await ids('knownAt=2024-10-08'), 'the date is 23:59:59.999 UTC');
  t.same(await ids('knownAt=2024-10-07'), ['c-7']);

  const history = json(await h.get('/incidents/karachi/history?knownAt=2024-10-08&claimId=c-8-date'));
  t.equal(history.items.length, 1, 'history takes the date too');
  t.equal((await h.get('/incidents/karachi/claims/c-9?knownAt=2024-10-08')).statusCode, 404, 'a claim stated later is not known then');
  const timeline = json(await h.get('/incidents?knownAt=2024-10-07'));
  t.same(timeline.items[0].headline.deaths.value, exact(3));
  t.equal((await h.get('/sources/dawn?knownAt=2024-10-08')).statusCode, 200);

  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  t.equal((await h.get(`/incidents/karachi?asOf=${today}`)).statusCode, 200, 'asOf=today includes what was recorded today');
  t.same(await ids(`asOf=${today}&knownAt=2024-10-08`), ['c-7', 'c-8-date', 'c-8-evening'], 'asOf and knownAt combine');
  t.equal((await h.get(`/incidents/karachi?asOf=${yesterday}`)).statusCode, 404, 'asOf=yesterday: the incident was not yet recorded');
  const etag = (await h.get('/incidents/karachi?knownAt=2024-10-08')).headers.etag;
  t.match(String(etag), /^W\//, 'an as-of read by date has a weak ETag');

  const bad = json(await h.get('/incidents/karachi?knownAt=2024-10-32'));
  t.equal(bad.status, 400);
  t.same(bad.errors.map((e: { in: string; path: string }) => [e.in, e.path]), [['query', '/knownAt']]);
  t.match(bad.errors[0].message, 'the date 2024-10-32 does not exist');
});
