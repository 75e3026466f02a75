import t from 'tap';
import { seedDemo } from '../../src/cli/seed.ts';
import { demoRequests } from '../../src/demo/dataset.ts';
import { harness, json } from './harness.ts';

t.test('the demo dataset loads through the API and tells its story', async (t) => {
  const h = await harness(t);
  t.equal(await seedDemo(h.rt), demoRequests.length);

  const timeline = json(await h.get('/incidents?limit=200'));
  t.same(timeline.items.map((i: { incidentId: string }) => i.incidentId).sort(), [
    'besham-convoy-2024', 'dasu-bus-2021', 'gwadar-port-2024', 'karachi-airport-2024', 'karachi-university-2022',
  ]);
  t.equal(timeline.items[0].incidentId, 'karachi-airport-2024', 'newest first');

  const airport = json(await h.get('/incidents/karachi-airport-2024'));
  t.match(airport.facts.deaths, { status: 'corroborated', value: { kind: 'exact', value: 3 } });
  const sindh = airport.facts.deaths.claims.find((c: { claimId: string }) => c.claimId === 'c-airport-deaths-sindh-hm');
  t.match(sindh, { value: { kind: 'exact', value: 3 }, revisionCount: 1, statedAt: '2024-11-11', sourceId: 'sindh-home-minister' });
  t.match(airport.facts.cause, { status: 'reported', value: 'suicide bombing' });
  t.match(airport.facts.cause.claims.find((c: { claimId: string }) => c.claimId === 'c-airport-cause-govt'), { rank: 'deprecated' });
  t.match(airport.facts['deaths[group=foreign-nationals]'], { value: { kind: 'exact', value: 2 } });
  t.match(airport.facts['deaths[nationality=CN]'], { value: { kind: 'exact', value: 2 } });
  t.match(airport.facts.responsibility, { claimed: true, competingClaims: false });
  const arrests = airport.facts.arrests.claims.find((c: { claimId: string }) => c.claimId === 'c-airport-arrests-adnkronos');
  t.equal(arrests.sourceId, 'sindh-home-minister', 'the erratum moved the claim to the right source');
  t.notMatch(arrests.note ?? '', /interior minister/i, 'its note does not credit the minister the erratum moved it from');

  const uni = json(await h.get('/incidents/karachi-university-2022'));
  t.match(uni.facts.injuries, { status: 'disputed', value: null, range: { min: 4 }, conservative: 4 });
  t.match(uni.facts.occurredAt, { status: 'disputed' });

  // The revision history of the toll: at least 2 on 7 Oct, exactly 3 on 11 Nov.
  const hist = json(await h.get('/incidents/karachi-airport-2024/history?claimId=c-airport-deaths-sindh-hm'));
  t.match(hist.items, [
    { type: 'ClaimRecorded', actor: 'system', after: { value: { kind: 'atLeast', value: 2 } } },
    { type: 'ClaimRevised', before: { value: { kind: 'atLeast', value: 2 } }, after: { value: { kind: 'exact', value: 3 } } },
  ]);

  // knownAt: what the sources had said by 8 October, as we now understand it.
  const early = json(await h.get('/incidents/karachi-airport-2024?knownAt=2024-10-08T23:59:59Z'));
  const earlySindh = early.facts.deaths.claims.find((c: { claimId: string }) => c.claimId === 'c-airport-deaths-sindh-hm');
  t.match(earlySindh, { value: { kind: 'atLeast', value: 2 }, revisionCount: 0 });
  t.notOk(early.facts.arrests, 'the arrests were announced in November');

  // asOf before the load: the incident did not exist yet.
  t.equal((await h.get('/incidents/karachi-airport-2024?asOf=2000-01-01T00:00:00Z')).statusCode, 404);
  t.equal((await h.get('/incidents/karachi-airport-2024?atRevision=0')).statusCode, 200);
  t.equal((await h.get('/incidents/karachi-airport-2024?atRevision=100000')).statusCode, 400);

  const sources = json(await h.get('/sources?limit=200'));
  const shm = sources.items.find((s: { sourceId: string }) => s.sourceId === 'sindh-home-minister');
  t.match(shm.counts, { revisions: 2, errata: 1 });
});
