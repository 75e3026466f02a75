import t from 'tap';
import { fixtures, harness, json, type Harness } from './harness.ts';

async function setup(t: Parameters<typeof harness>[0]): Promise<Harness> {
  const h = await harness(t);
  for (const id of ['src-a', 'src-b', 'src-c']) t.equal((await h.post('/sources', fixtures.source(id))).statusCode, 201);
  t.equal((await h.post('/incidents', fixtures.incident('inc'))).statusCode, 201);
  return h;
}

const exact = (value: number) => ({ kind: 'exact', value });
const atLeast = (value: number) => ({ kind: 'atLeast', value });

t.test('record, revise, retract, correct and rank a claim', async (t) => {
  const h = await setup(t);
  const rec = await h.post('/incidents/inc/claims', fixtures.deaths('c-one', 'src-a', atLeast(2)));
  t.equal(rec.statusCode, 201, rec.body);
  t.equal(rec.headers.location, '/incidents/inc/claims/c-one');
  t.match(json(rec), { claimId: 'c-one', revision: 1 });

  const rev = await h.post('/incidents/inc/claims/c-one/revisions', { value: exact(3), statedAt: '2024-11-11', note: 'updated toll' });
  t.equal(rev.statusCode, 201, rev.body);
  t.match(json(rev), { claimId: 'c-one', revision: 2 });

  let view = json(await h.get('/incidents/inc'));
  t.match(view.facts.deaths, { status: 'reported', value: exact(3) });
  t.match(view.facts.deaths.claims[0], { claimId: 'c-one', sourceId: 'src-a', value: exact(3), statedAt: '2024-11-11', status: 'active', rank: 'normal', revisionCount: 1 });

  t.equal((await h.post('/incidents/inc/claims', fixtures.deaths('c-two', 'src-b', exact(3)))).statusCode, 201);
  view = json(await h.get('/incidents/inc'));
  t.match(view.facts.deaths, { status: 'corroborated', value: exact(3) });

  t.equal((await h.post('/incidents/inc/claims', fixtures.deaths('c-three', 'src-c', exact(5)))).statusCode, 201);
  view = json(await h.get('/incidents/inc'));
  t.match(view.facts.deaths, { status: 'disputed', value: null, range: { min: 3, max: 5 }, conservative: 3 });

  const rank = await h.post('/incidents/inc/claims/c-three/rank', { rank: 'deprecated', reason: 'contradicted-by-evidence' });
  t.equal(rank.statusCode, 201, rank.body);
  view = json(await h.get('/incidents/inc'));
  t.match(view.facts.deaths, { status: 'corroborated', value: exact(3) });

  const retract = await h.post('/incidents/inc/claims/c-two/retractions', { statedAt: '2024-11-12', reason: 'the outlet withdrew the report' });
  t.equal(retract.statusCode, 201, retract.body);
  view = json(await h.get('/incidents/inc'));
  t.match(view.facts.deaths, { status: 'reported', value: exact(3) });

  const correct = await h.post('/incidents/inc/claims/c-one/corrections', { changes: { sourceId: 'src-b' }, reason: 'misattributed', note: 'the figure came from B' });
  t.equal(correct.statusCode, 201, correct.body);
  const claim = json(await h.get('/incidents/inc/claims/c-one'));
  t.match(claim, { claimId: 'c-one', sourceId: 'src-b', fact: 'deaths' });
  t.ok(Array.isArray(claim.history) && claim.history.length === 3, 'recorded, revised, corrected');
  t.match(json(await h.get('/sources/src-b')).counts, { claims: 2, revisions: 1, retractions: 1, errata: 1 });
  t.match(json(await h.get('/sources/src-a')).counts, { claims: 0 });
  t.match(json(await h.get('/sources/src-c')).counts, { claims: 1, deprecated: 1 });
});

t.test('history has before and after for every event type', async (t) => {
  const h = await setup(t);
  await h.post('/incidents/inc/claims', fixtures.deaths('c-h', 'src-a', atLeast(1)));
  await h.post('/incidents/inc/claims/c-h/revisions', { value: exact(2), statedAt: '2024-10-09' });
  await h.post('/incidents/inc/claims/c-h/rank', { rank: 'preferred', reason: 'best-available' });
  await h.post('/incidents/inc/claims/c-h/corrections', { changes: { value: exact(4) }, reason: 'transcription' });
  await h.post('/incidents/inc/claims/c-h/retractions', { statedAt: '2024-10-10', reason: 'withdrawn' });
  await h.post('/incidents/inc/claims/c-h/corrections', { changes: {}, restore: true, reason: 'reporting-error' });
  await h.req({ method: 'PATCH', url: '/incidents/inc', payload: { category: 'suicide-bombing', reason: 'police confirmed' }, headers: { 'content-type': 'application/json' } });

  const hist = json(await h.get('/incidents/inc/history'));
  const types = hist.items.map((e: { type: string }) => e.type);
  t.same(types, ['IncidentRegistered', 'ClaimRecorded', 'ClaimRevised', 'ClaimRanked', 'ClaimCorrected', 'ClaimRetracted', 'ClaimCorrected', 'IncidentAmended']);
  const [, recorded, revised, ranked, corrected, retracted, restored, amended] = hist.items;
  t.match(recorded, { claimId: 'c-h', fact: 'deaths', sourceId: 'src-a', actor: 'admin', after: { value: atLeast(1) } });
  t.match(revised, { before: { value: atLeast(1), statedAt: '2024-10-07' }, after: { value: exact(2), statedAt: '2024-10-09' } });
  t.match(ranked, { before: { rank: 'normal' }, after: { rank: 'preferred' }, reason: 'best-available' });
  t.match(corrected, { before: { value: exact(2) }, after: { value: exact(4) }, reason: 'transcription' });
  t.match(retracted, { before: { status: 'active' }, after: { status: 'retracted' } });
  t.match(restored, { before: { status: 'retracted' }, after: { status: 'active' } });
  t.match(amended, { before: { category: 'bombing' }, after: { category: 'suicide-bombing' }, reason: 'police confirmed' });
  t.ok(hist.items.every((e: { recordedAt: string; index: number }) => typeof e.recordedAt === 'string' && Number.isInteger(e.index)));

  const onlyClaim = json(await h.get('/incidents/inc/history?claimId=c-h'));
  t.equal(onlyClaim.items.length, 6);
  const onlyFact = json(await h.get('/incidents/inc/history?fact=deaths'));
  t.equal(onlyFact.items.length, 6);
});

t.test('domain rules answer with their codes and append nothing', async (t) => {
  const h = await setup(t);
  await h.post('/incidents/inc/claims', fixtures.deaths('c-r', 'src-a', exact(2)));
  const before = await h.rt.store.size();
  const cases: [string, string, unknown, number, string][] = [
    ['claim id reused', '/incidents/inc/claims', fixtures.deaths('c-r', 'src-a', exact(2)), 409, 'claim-exists'],
    ['unknown source', '/incidents/inc/claims', fixtures.deaths('c-x', 'nobody', exact(2)), 422, 'unknown-source'],
    ['unknown incident', '/incidents/none/claims', fixtures.deaths('c-y', 'src-a', exact(2)), 404, 'incident-not-found'],
    ['value of another predicate', '/incidents/inc/claims', fixtures.deaths('c-z', 'src-a', 'many'), 400, 'invalid-value'],
    ['unknown claim', '/incidents/inc/claims/c-none/revisions', { value: exact(1), statedAt: '2024-10-08' }, 404, 'claim-not-found'],
    ['revision before the statement', '/incidents/inc/claims/c-r/revisions', { value: exact(1), statedAt: '2024-10-01' }, 409, 'revision-before-statement'],
    ['range with min ≥ max', '/incidents/inc/claims', fixtures.deaths('c-w', 'src-a', { kind: 'range', min: 3, max: 2 }), 400, 'validation'],
    ['bad qualifier', '/incidents/inc/claims', fixtures.deaths('c-q', 'src-a', exact(1), { qualifiers: { group: 'aliens' } }), 400, 'invalid-value'],
  ];
  for (const [name, url, body, status, code] of cases) {
    const res = await h.post(url, body);
    t.equal(res.statusCode, status, `${name}: ${res.body}`);
    t.equal(json(res).code, code, name);
  }
  await h.post('/incidents/inc/claims/c-r/retractions', { statedAt: '2024-10-09', reason: 'withdrawn' });
  const afterRetraction = await h.rt.store.size();
  const rev = await h.post('/incidents/inc/claims/c-r/revisions', { value: exact(1), statedAt: '2024-10-10' });
  t.equal(rev.statusCode, 409);
  t.equal(json(rev).code, 'claim-retracted');
  const corr = await h.post('/incidents/inc/claims/c-r/corrections', { changes: { value: exact(9) }, reason: 'other' });
  t.equal(json(corr).code, 'claim-retracted');
  t.equal((await h.post('/incidents/inc/claims/c-r/rank', { rank: 'deprecated', reason: 'superseded' })).statusCode, 201, 'ranking is always allowed');
  t.equal(await h.rt.store.size(), afterRetraction + 1n);
  t.equal(afterRetraction, before + 1n, 'no rejected command appended anything');
});

t.test('wrong-incident erratum voids the claim', async (t) => {
  const h = await setup(t);
  await h.post('/incidents/inc/claims', fixtures.deaths('c-v', 'src-a', exact(2)));
  const res = await h.post('/incidents/inc/claims/c-v/corrections', { changes: {}, reason: 'wrong-incident' });
  t.equal(res.statusCode, 201, res.body);
  const view = json(await h.get('/incidents/inc'));
  t.match(view.facts.deaths, { status: 'withdrawn', value: null, claims: [{ status: 'voided' }] });
});

t.test('responsibility resolves per actor', async (t) => {
  const h = await setup(t);
  const resp = (claimId: string, sourceId: string, actor: string, stance: string) =>
    h.post('/incidents/inc/claims', { claimId, predicate: 'responsibility', value: { actor, stance }, sourceId, statedAt: '2024-10-07', mode: 'email' });
  t.equal((await resp('c-bla', 'src-a', 'Balochistan Liberation Army', 'claimed')).statusCode, 201);
  t.equal((await resp('c-bla2', 'src-b', 'balochistan liberation army', 'claimed')).statusCode, 201);
  let r = json(await h.get('/incidents/inc')).facts.responsibility;
  t.match(r, { status: 'corroborated', claimed: true, competingClaims: false, denied: [] });
  t.equal(r.actors.length, 1);
  t.equal((await resp('c-ttp', 'src-c', 'TTP', 'claimed')).statusCode, 201);
  r = json(await h.get('/incidents/inc')).facts.responsibility;
  t.match(r, { status: 'disputed', claimed: true, competingClaims: true });
  const headline = json(await h.get('/incidents')).items[0].headline;
  t.match(headline.responsibility, { status: 'disputed', competingClaims: true });
  t.notOk('claims' in headline.responsibility, 'headline facts come without their claims');
});

t.test('the timeline headline follows every change of its incident', async (t) => {
  const h = await setup(t);
  const headline = async () => json(await h.get('/incidents')).items[0].headline.deaths;
  t.equal(await headline(), null);
  await h.post('/incidents/inc/claims', fixtures.deaths('c-t', 'src-a', exact(2)));
  t.match(await headline(), { status: 'reported', value: exact(2) });
  t.match(await headline(), { status: 'reported', value: exact(2) }, 'a second read (memoised) agrees');
  await h.post('/incidents/inc/claims/c-t/revisions', { value: exact(4), statedAt: '2024-10-08' });
  t.match(await headline(), { value: exact(4) });
  await h.post('/incidents/inc/claims/c-t/retractions', { statedAt: '2024-10-09', reason: 'withdrawn' });
  t.match(await headline(), { status: 'withdrawn', value: null });
  await h.req({ method: 'PATCH', url: '/incidents/inc', payload: { title: 'Renamed', reason: 'r' }, headers: { 'content-type': 'application/json' } });
  t.equal(json(await h.get('/incidents')).items[0].title, 'Renamed');
});

t.test('a revision without a citation leaves the claim without one, in the view as in what was decided', async (t) => {
  const h = await setup(t);
  const rec = await h.post('/incidents/inc/claims', fixtures.deaths('c-quote', 'src-a', atLeast(2), {
    citation: { url: 'https://example.org/a', quote: 'at least 2 killed' },
  }));
  t.equal(rec.statusCode, 201, rec.body);
  const rev = await h.post('/incidents/inc/claims/c-quote/revisions', { value: exact(3), statedAt: '2024-10-08' });
  t.equal(rev.statusCode, 201, rev.body);

  const claim = json(await h.get('/incidents/inc')).facts.deaths.claims[0];
  t.match(claim, { claimId: 'c-quote', value: exact(3), statedAt: '2024-10-08', revisionCount: 1, correctionCount: 0 });
  t.notOk('citation' in claim, 'the old quote is not shown beside the new value');
  const one = json(await h.get('/incidents/inc/claims/c-quote'));
  t.notOk('citation' in one, 'nor on the claim read alone');
  const asOf = json(await h.get('/incidents/inc?atRevision=2')).facts.deaths.claims[0];
  t.notOk('citation' in asOf, 'nor in an as-of view folded from the stream');

  const erratum = await h.post('/incidents/inc/claims/c-quote/corrections', { changes: { citation: { url: 'https://example.org/b' } }, reason: 'transcription' });
  t.equal(erratum.statusCode, 201, erratum.body);
  const fixed = json(await h.get('/incidents/inc')).facts.deaths.claims[0];
  t.match(fixed, { citation: { url: 'https://example.org/b' }, revisionCount: 1, correctionCount: 1 }, 'an erratum is counted on the claim');
});
