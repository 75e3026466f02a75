import t from 'tap';
import { buildSources, getSource, listSources, sources } from '../../projections/sources.ts';
import type { SourcesState } from '../../projections/sources.ts';
import { exact, Log } from './helpers.ts';

function fold(log: Log): SourcesState {
  const s = sources.initial();
  for (const e of log.events) sources.apply(s, e);
  return s;
}

const ZERO = { claims: 0, revisions: 0, retractions: 0, errata: 0, deprecated: 0 };

t.test('registered and amended fields, revision, updatedAt', async (t) => {
  const log = new Log();
  log.source('geo', 'Geo');
  const last = log.add('source-geo', 'SourceAmended', { changes: { name: 'Geo News', country: 'PK' }, reason: 'full name' });
  t.strictSame(getSource(fold(log), 'geo'), {
    sourceId: 'geo', name: 'Geo News', kind: 'news-outlet', country: 'PK', counts: ZERO, revision: 1, updatedAt: last.recordedAt,
  });
  t.equal(getSource(fold(log), 'nope'), undefined);
});

function scenario(): Log {
  const log = new Log();
  log.source('geo');
  log.source('dawn');
  log.incident('i');
  log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(3), sourceId: 'geo', statedAt: '2024-10-07' });
  log.record('i', { claimId: 'b', predicate: 'deaths', value: exact(4), sourceId: 'geo', statedAt: '2024-10-07' });
  log.revise('i', { claimId: 'a', value: exact(5), statedAt: '2024-10-09' });
  log.retract('i', { claimId: 'a', statedAt: '2024-10-10', reason: 'withdrawn' });
  log.rank('i', 'b', 'deprecated');
  log.correct('i', { claimId: 'a', changes: { citation: { title: 'Geo' } }, reason: 'other' });
  return log;
}

t.test('counts over the claims attributed to the source', async (t) => {
  const s = fold(scenario());
  t.same(getSource(s, 'geo')?.counts, { claims: 2, revisions: 1, retractions: 1, errata: 1, deprecated: 1 });
  t.same(getSource(s, 'dawn')?.counts, ZERO);
});

t.test('an erratum moving sourceId moves the claim and its counts', async (t) => {
  const log = scenario();
  log.correct('i', { claimId: 'a', changes: { sourceId: 'dawn' }, reason: 'misattributed' });
  const s = fold(log);
  t.same(getSource(s, 'geo')?.counts, { claims: 1, revisions: 0, retractions: 0, errata: 0, deprecated: 1 });
  t.same(getSource(s, 'dawn')?.counts, { claims: 1, revisions: 1, retractions: 1, errata: 2, deprecated: 0 });
});

t.test('a restored retraction no longer counts; a voided claim counts nowhere; a rank back to normal undeprecates', async (t) => {
  const log = scenario();
  log.correct('i', { claimId: 'a', changes: {}, restore: true, reason: 'other' });
  log.rank('i', 'b', 'normal');
  let s = fold(log);
  t.same(getSource(s, 'geo')?.counts, { claims: 2, revisions: 1, retractions: 0, errata: 2, deprecated: 0 });
  log.correct('i', { claimId: 'b', changes: {}, reason: 'wrong-incident' });
  s = fold(log);
  t.same(getSource(s, 'geo')?.counts, { claims: 1, revisions: 1, retractions: 0, errata: 2, deprecated: 0 });
});

t.test('buildSources with knownAt counts only the statements made by then', async (t) => {
  const s = buildSources(scenario().events, { knownAt: '2024-10-08T00:00:00Z' });
  t.same(getSource(s, 'geo')?.counts, { claims: 2, revisions: 0, retractions: 0, errata: 1, deprecated: 1 });
  t.same(getSource(buildSources(scenario().events, { knownAt: '2024-10-06T00:00:00Z' }), 'geo')?.counts, ZERO);
  t.same(buildSources(scenario().events.slice(0, 1)).sources.size, 1);
});

t.test('listSources: ordered by id, cursor paging', async (t) => {
  const log = new Log();
  for (const id of ['kappa', 'alpha', 'zeta', 'delta', 'beta']) log.source(id);
  const s = fold(log);
  const p1 = listSources(s, { limit: 2 });
  t.same(p1.items.map((i) => i.sourceId), ['alpha', 'beta']);
  const p2 = listSources(s, { limit: 2, cursor: p1.nextCursor ?? undefined });
  t.same(p2.items.map((i) => i.sourceId), ['delta', 'kappa']);
  const p3 = listSources(s, { limit: 2, cursor: p2.nextCursor ?? undefined });
  t.same(p3.items.map((i) => i.sourceId), ['zeta']);
  t.equal(p3.nextCursor, null);
  t.equal(listSources(s, { limit: 5 }).nextCursor, null);
  t.throws(() => listSources(s, { limit: 2, cursor: 'garbage!' }), { code: 'invalid-cursor' });
});
