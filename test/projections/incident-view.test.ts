import t from 'tap';
import { incidentView } from '../../projections/incident-view.ts';
import { getIncident } from '../../projections/incident-view/cache.ts';
import { buildIncidentView, getClaim } from '../../projections/incident-view/render.ts';
import { exact, Log } from './helpers.ts';

function live(log: Log) {
  const s = incidentView.initial();
  for (const e of log.events) incidentView.apply(s, e);
  return s;
}

t.test('registered fields, amendments, revision and updatedAt', async (t) => {
  const log = new Log();
  log.source('geo');
  log.incident('blast', { summary: 'A blast', tags: ['airport'] });
  log.amend('blast', { title: 'Airport blast', tags: ['airport', 'convoy'] });
  const last = log.record('blast', { claimId: 'c1', predicate: 'deaths', value: exact(2), sourceId: 'geo', statedAt: '2024-10-07' });
  const v = getIncident(live(log), 'blast');
  t.match(v, {
    incidentId: 'blast',
    title: 'Airport blast',
    summary: 'A blast',
    occurredAt: { start: '2024-10-06', precision: 'day' },
    location: { name: 'Karachi', country: 'PK' },
    category: 'bombing',
    tags: ['airport', 'convoy'],
    revision: 2,
    updatedAt: last.recordedAt,
  });
  t.equal(getIncident(live(log), 'nope'), undefined);
});

t.test('a claim in the view has every field, with rank normal by default and absent options omitted', async (t) => {
  const log = new Log();
  log.incident('i');
  const rec = log.record('i', {
    claimId: 'c1', predicate: 'deaths', qualifiers: { group: 'civilians' }, value: exact(3), sourceId: 'geo', statedAt: '2024-10-07',
    citation: { url: 'https://geo.tv/a' }, mode: 'statement',
  });
  log.record('i', { claimId: 'c2', predicate: 'cause', value: 'car bomb', sourceId: 'dawn', statedAt: '2024-10-07T10:00:00Z', qualifiers: {} });
  const v = getIncident(live(log), 'i');
  t.strictSame(v?.facts['deaths[group=civilians]']?.claims, [{
    claimId: 'c1', predicate: 'deaths', qualifiers: { group: 'civilians' }, sourceId: 'geo', value: exact(3), statedAt: '2024-10-07',
    status: 'active', rank: 'normal', revisionCount: 0, correctionCount: 0, citation: { url: 'https://geo.tv/a' }, mode: 'statement', recordedAt: rec.recordedAt,
  }]);
  const c2 = v?.facts.cause?.claims[0];
  t.notOk(c2 && 'qualifiers' in c2, 'empty qualifiers are omitted');
  t.notOk(c2 && 'citation' in c2);
  t.same(Object.keys(v?.facts ?? {}), ['cause', 'deaths[group=civilians]']);
});

t.test('revisions, retractions, ranks and errata shape the facts', async (t) => {
  const log = new Log();
  log.incident('i');
  log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(3), sourceId: 'geo', statedAt: '2024-10-07' });
  log.record('i', { claimId: 'b', predicate: 'deaths', value: exact(5), sourceId: 'dawn', statedAt: '2024-10-07' });
  let v = getIncident(live(log), 'i');
  t.same(v?.facts.deaths?.status, 'disputed');
  t.match(v?.facts.deaths, { range: { min: 3, max: 5 }, conservative: 3 });

  log.revise('i', { claimId: 'a', value: exact(5), statedAt: '2024-10-08', note: 'updated toll' });
  v = getIncident(live(log), 'i');
  t.match(v?.facts.deaths, { status: 'corroborated', value: exact(5) });
  t.match(v?.facts.deaths?.claims[0], { revisionCount: 1, statedAt: '2024-10-08', note: 'updated toll' });

  log.retract('i', { claimId: 'b', statedAt: '2024-10-09', reason: 'withdrawn' });
  v = getIncident(live(log), 'i');
  t.match(v?.facts.deaths, { status: 'reported', value: exact(5) });
  t.equal(v?.facts.deaths?.claims[1]?.status, 'retracted');

  log.correct('i', { claimId: 'b', changes: {}, restore: true, reason: 'other' });
  log.rank('i', 'a', 'deprecated');
  v = getIncident(live(log), 'i');
  t.match(v?.facts.deaths, { status: 'reported', value: exact(5) });
  t.match(v?.facts.deaths?.claims, [{ rank: 'deprecated' }, { status: 'active' }]);

  log.correct('i', { claimId: 'b', changes: {}, reason: 'wrong-incident' });
  v = getIncident(live(log), 'i');
  t.match(v?.facts.deaths, { status: 'withdrawn', value: null });
  t.equal(v?.facts.deaths?.claims[1]?.status, 'voided');
});

t.test('an erratum changing qualifiers moves the claim to another fact', async (t) => {
  const log = new Log();
  log.incident('i');
  log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(3), sourceId: 'geo', statedAt: '2024-10-07' });
  log.record('i', { claimId: 'b', predicate: 'deaths', value: exact(9), sourceId: 'dawn', statedAt: '2024-10-07' });
  log.correct('i', { claimId: 'b', changes: { qualifiers: { nationality: 'CN', group: 'foreign-nationals' } }, reason: 'transcription' });
  const s = live(log);
  const v = getIncident(s, 'i');
  t.same(Object.keys(v?.facts ?? {}), ['deaths', 'deaths[group=foreign-nationals,nationality=CN]']);
  t.match(v?.facts.deaths, { status: 'reported', value: exact(3) });
  t.equal(getClaim(s, 'i', 'b')?.fact, 'deaths[group=foreign-nationals,nationality=CN]');
});

t.test('an erratum fixes value, source, statedAt and citation of the latest layer', async (t) => {
  const log = new Log();
  log.incident('i');
  log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(3), sourceId: 'geo', statedAt: '2024-10-07' });
  log.correct('i', {
    claimId: 'a', changes: { value: exact(30), sourceId: 'dawn', statedAt: '2024-10-07T11:00:00Z', citation: { title: 'Dawn' } }, reason: 'misattributed',
  });
  t.match(getClaim(live(log), 'i', 'a'), { value: exact(30), sourceId: 'dawn', statedAt: '2024-10-07T11:00:00Z', citation: { title: 'Dawn' } });
});

t.test('the cached view is dropped when the incident changes', async (t) => {
  const log = new Log();
  log.incident('i');
  const s = incidentView.initial();
  for (const e of log.events) incidentView.apply(s, e);
  const first = getIncident(s, 'i');
  t.equal(getIncident(s, 'i'), first, 'a second read is served from the cache');
  const e = log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(1), sourceId: 'geo', statedAt: '2024-10-07' });
  incidentView.apply(s, e);
  const second = getIncident(s, 'i');
  t.not(second, first);
  t.ok(second?.facts.deaths);
});

t.test('buildIncidentView: one stream, undefined before registration', async (t) => {
  const log = new Log();
  log.incident('i');
  log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(1), sourceId: 'geo', statedAt: '2024-10-07' });
  t.equal(buildIncidentView([]), undefined);
  t.same(buildIncidentView(log.stream('i')), getIncident(live(log), 'i'));
  t.equal(buildIncidentView(log.stream('i').slice(0, 1))?.revision, 0);
});

t.test('knownAt: statements count only when stated by then; our own events apply as recorded', async (t) => {
  const log = new Log();
  log.incident('i');
  log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(3), sourceId: 'geo', statedAt: '2024-10-07' });
  log.record('i', { claimId: 'late', predicate: 'deaths', value: exact(99), sourceId: 'dawn', statedAt: '2024-10-10T00:00:00Z' });
  log.revise('i', { claimId: 'a', value: exact(8), statedAt: '2024-10-09' });
  // A rank recorded after the revision judges the revision (and any later layer), not the statement before it.
  log.rank('i', 'a', 'preferred');
  log.rank('i', 'late', 'deprecated');
  const events = log.stream('i');

  // The date-only statedAt 2024-10-07 is known by the end of that day, not at its start.
  t.same(Object.keys(buildIncidentView(events, { knownAt: '2024-10-07T12:00:00Z' })?.facts ?? {}), []);
  const v7 = buildIncidentView(events, { knownAt: '2024-10-07T23:59:59.999Z' });
  t.match(v7?.facts.deaths, { status: 'reported', value: exact(3) }, 'under knownAt a rank never applies to an earlier layer than the one it judged');
  t.equal(v7?.facts.deaths?.claims.length, 1, 'the claim stated later is not known, nor its rank an error');
  t.equal(v7?.facts.deaths?.claims[0]?.revisionCount, 0);
  t.equal(v7?.revision, 5, 'revision is the record\'s');

  t.match(buildIncidentView(events, { knownAt: '2024-10-09T23:59:59Z' })?.facts.deaths, { value: exact(3) }, 'not yet the end of the 9th');
  const v9 = buildIncidentView(events, { knownAt: '2024-10-09T23:59:59.999Z' });
  t.match(v9?.facts.deaths, { status: 'preferred', value: exact(8) });
  const v10 = buildIncidentView(events, { knownAt: '2024-10-10T00:00:00Z' });
  t.equal(v10?.facts.deaths?.claims.length, 2);
});

t.test('knownAt: an erratum to a hidden revision leaves the shown layer alone', async (t) => {
  const log = new Log();
  log.incident('i');
  log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(3), sourceId: 'geo', statedAt: '2024-10-07' });
  log.revise('i', { claimId: 'a', value: exact(5), statedAt: '2024-10-09' });
  log.correct('i', { claimId: 'a', changes: { value: exact(50), sourceId: 'dawn' }, reason: 'transcription' });
  const events = log.stream('i');
  t.match(buildIncidentView(events, { knownAt: '2024-10-08T00:00:00Z' })?.facts.deaths?.claims[0], { value: exact(3), sourceId: 'dawn' });
  t.match(buildIncidentView(events)?.facts.deaths?.claims[0], { value: exact(50), sourceId: 'dawn' });
});

t.test('knownAt: a revision recorded after a retraction (restored in error)', async (t) => {
  const log = new Log();
  log.incident('i');
  log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(3), sourceId: 'geo', statedAt: '2024-10-07' });
  log.retract('i', { claimId: 'a', statedAt: '2024-10-08', reason: 'source withdrew' });
  log.correct('i', { claimId: 'a', changes: {}, restore: true, reason: 'other' });
  log.revise('i', { claimId: 'a', value: exact(4), statedAt: '2024-10-09T08:00:00Z' });
  log.retract('i', { claimId: 'a', statedAt: '2024-10-10T08:00:00Z', reason: 'source withdrew again' });
  const events = log.stream('i');
  t.match(buildIncidentView(events, { knownAt: '2024-10-08T12:00:00Z' })?.facts.deaths, { status: 'reported', value: exact(3) });
  t.match(buildIncidentView(events, { knownAt: '2024-10-09T12:00:00Z' })?.facts.deaths, { status: 'reported', value: exact(4) });
  t.match(buildIncidentView(events, { knownAt: '2024-10-10T12:00:00Z' })?.facts.deaths, { status: 'withdrawn', value: null });
  t.match(buildIncidentView(events)?.facts.deaths?.claims[0], { status: 'retracted', value: exact(4), revisionCount: 1 });
});

t.test('responsibility facts carry the multi-valued shape and their claims', async (t) => {
  const log = new Log();
  log.incident('i');
  log.record('i', { claimId: 'r1', predicate: 'responsibility', value: { actor: 'TTP', stance: 'claimed' }, sourceId: 'geo', statedAt: '2024-10-07' });
  log.record('i', { claimId: 'r2', predicate: 'responsibility', value: { actor: 'BLA', stance: 'claimed' }, sourceId: 'dawn', statedAt: '2024-10-07' });
  const f = getIncident(live(log), 'i')?.facts.responsibility;
  t.match(f, { status: 'disputed', claimed: true, competingClaims: true, denied: [], actors: [{ actor: 'TTP' }, { actor: 'BLA' }] });
  t.equal(f?.claims.length, 2);
});
