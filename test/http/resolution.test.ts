import t from 'tap';
import { fixtures, harness, json } from './harness.ts';

const exact = (value: number) => ({ kind: 'exact', value });
const atLeast = (value: number) => ({ kind: 'atLeast', value });

async function setup(t: Parameters<typeof harness>[0]) {
  const h = await harness(t);
  for (const s of ['geo-news', 'dawn', 'police']) t.equal((await h.post('/sources', fixtures.source(s))).statusCode, 201);
  t.equal((await h.post('/incidents', fixtures.incident('karachi'))).statusCode, 201);
  return h;
}

t.test('a disputed count whose highest figure is an "at least" says its range is open above', async (t) => {
  const h = await setup(t);
  await h.post('/incidents/karachi/claims', fixtures.deaths('c-geo', 'geo-news', exact(4)));
  await h.post('/incidents/karachi/claims', fixtures.deaths('c-dawn', 'dawn', atLeast(6)));
  const deaths = json(await h.get('/incidents/karachi')).facts.deaths;
  t.same({ status: deaths.status, value: deaths.value, range: deaths.range, conservative: deaths.conservative },
    { status: 'disputed', value: null, range: { min: 4, max: 6, maxOpen: true }, conservative: 4 });
  await h.post('/incidents/karachi/claims', fixtures.deaths('c-police', 'police', exact(7)));
  const closed = json(await h.get('/incidents/karachi')).facts.deaths;
  t.same(closed.range, { min: 4, max: 7 }, 'an exact highest figure closes the range');
  t.notOk('maxOpen' in closed.range);
});

t.test('a preferred fact still says that its sources disagree', async (t) => {
  const h = await setup(t);
  await h.post('/incidents/karachi/claims', fixtures.deaths('c-geo', 'geo-news', exact(4)));
  await h.post('/incidents/karachi/claims', fixtures.deaths('c-dawn', 'dawn', atLeast(6)));
  t.equal((await h.post('/incidents/karachi/claims/c-geo/rank', { rank: 'preferred', reason: 'best-available' })).statusCode, 201);
  const view = json(await h.get('/incidents/karachi'));
  const { claims: _claims, ...deaths } = view.facts.deaths;
  t.same(deaths, { status: 'preferred', value: exact(4), agreement: 'disputed', range: { min: 4, max: 6, maxOpen: true }, conservative: 4 });
  const headline = json(await h.get('/incidents')).items[0].headline.deaths;
  t.same(headline, deaths, 'the timeline headline shows the same');

  // When the other source comes round, the agreement follows, and the range goes.
  t.equal((await h.post('/incidents/karachi/claims/c-dawn/revisions', { value: exact(4), statedAt: '2024-10-09' })).statusCode, 201);
  const agreed = json(await h.get('/incidents/karachi')).facts.deaths;
  t.same({ status: agreed.status, value: agreed.value, agreement: agreed.agreement }, { status: 'preferred', value: exact(4), agreement: 'corroborated' });
  t.notOk('range' in agreed);
  // Under knownAt before the revision the dispute is back.
  const then = json(await h.get('/incidents/karachi?knownAt=2024-10-08')).facts.deaths;
  t.equal(then.agreement, 'disputed');
});

t.test('a fact no one ranked carries no agreement field', async (t) => {
  const h = await setup(t);
  await h.post('/incidents/karachi/claims', fixtures.deaths('c-geo', 'geo-news', exact(4)));
  const deaths = json(await h.get('/incidents/karachi')).facts.deaths;
  t.equal(deaths.status, 'reported');
  t.notOk('agreement' in deaths);
  await h.post('/incidents/karachi/claims/c-geo/rank', { rank: 'preferred', reason: 'confirmed-by-evidence' });
  t.equal(json(await h.get('/incidents/karachi')).facts.deaths.agreement, 'reported', 'one source: reported');
});
