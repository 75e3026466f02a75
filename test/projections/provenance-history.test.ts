import t from 'tap';
import { buildHistory, claimHistory, getHistory, provenanceHistory } from '../../projections/provenance-history.ts';
import { exact, Log } from './helpers.ts';

function live(log: Log) {
  const s = provenanceHistory.initial();
  for (const e of log.events) provenanceHistory.apply(s, e);
  return s;
}

function scenario() {
  const log = new Log();
  log.source('geo');
  log.incident('i', { summary: 'first' });
  log.record('i', {
    claimId: 'a', predicate: 'deaths', value: exact(3), sourceId: 'geo', statedAt: '2024-10-07', note: 'initial toll', citation: { title: 'Geo' },
  });
  log.revise('i', { claimId: 'a', value: exact(5), statedAt: '2024-10-08', citation: { title: 'Geo update' } });
  log.retract('i', { claimId: 'a', statedAt: '2024-10-09', reason: 'withdrawn by source' });
  log.correct('i', { claimId: 'a', changes: {}, restore: true, reason: 'other', note: 'retraction was recorded in error' });
  log.correct('i', { claimId: 'a', changes: { sourceId: 'dawn', value: exact(6) }, reason: 'misattributed' });
  log.correct('i', { claimId: 'a', changes: { qualifiers: { group: 'civilians' } }, reason: 'transcription' });
  log.add('incident-i', 'ClaimRanked', { claimId: 'a', rank: 'preferred', reason: 'best-available', evidence: { title: 'Report' } }, { actor: 'checker-2' });
  log.amend('i', { title: 'Renamed', summary: 'second' }, 'typo');
  log.correct('i', { claimId: 'a', changes: {}, reason: 'wrong-incident' });
  return log;
}

t.test('one entry per event, oldest first, with before/after of what changed', async (t) => {
  const log = scenario();
  const h = getHistory(live(log), 'i');
  t.ok(h);
  if (h === undefined) return;
  const evs = log.stream('i');
  t.same(h.map((e) => e.type), evs.map((e) => e.type));
  t.same(h.map((e) => e.revision), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  t.same(h.map((e) => e.index), evs.map((e) => Number(e.index)));
  t.equal(h[0]?.recordedAt, evs[0]?.recordedAt);
  t.equal(h[0]?.actor, 'editor-1');
  t.equal(h[7]?.actor, 'checker-2');

  t.strictSame(h[0]?.after, {
    title: 'Incident i', summary: 'first', occurredAt: { start: '2024-10-06', precision: 'day' }, location: { name: 'Karachi', country: 'PK' },
    category: 'bombing', tags: [],
  });
  t.notOk(h[0] && 'before' in h[0]);

  t.match(h[1], { claimId: 'a', fact: 'deaths', sourceId: 'geo', statedAt: '2024-10-07', note: 'initial toll', citation: { title: 'Geo' } });
  t.strictSame(h[1]?.after, { value: exact(3), statedAt: '2024-10-07', sourceId: 'geo' });
  t.notOk(h[1] && 'before' in h[1]);

  t.strictSame([h[2]?.before, h[2]?.after], [{ value: exact(3), statedAt: '2024-10-07' }, { value: exact(5), statedAt: '2024-10-08' }]);
  t.match(h[2], { statedAt: '2024-10-08', citation: { title: 'Geo update' } });

  t.strictSame([h[3]?.before, h[3]?.after], [{ status: 'active' }, { status: 'retracted' }]);
  t.match(h[3], { reason: 'withdrawn by source', statedAt: '2024-10-09' });

  t.strictSame([h[4]?.before, h[4]?.after], [{ status: 'retracted' }, { status: 'active' }]);
  t.match(h[4], { reason: 'other', note: 'retraction was recorded in error' });

  t.strictSame([h[5]?.before, h[5]?.after], [{ value: exact(5), sourceId: 'geo' }, { value: exact(6), sourceId: 'dawn' }]);
  t.equal(h[5]?.sourceId, 'dawn');

  t.strictSame([h[6]?.before, h[6]?.after], [{ qualifiers: {} }, { qualifiers: { group: 'civilians' } }]);
  t.equal(h[6]?.fact, 'deaths[group=civilians]');
  t.equal(h[5]?.fact, 'deaths', 'fact is the key at the time of the event');

  t.strictSame([h[7]?.before, h[7]?.after], [{ rank: 'normal' }, { rank: 'preferred' }]);
  t.match(h[7], { reason: 'best-available', citation: { title: 'Report' } });

  t.strictSame([h[8]?.before, h[8]?.after], [{ title: 'Incident i', summary: 'first' }, { title: 'Renamed', summary: 'second' }]);
  t.equal(h[8]?.reason, 'typo');

  t.strictSame([h[9]?.before, h[9]?.after], [{ status: 'active' }, { status: 'voided' }]);
});

t.test('filters: claimId, and fact (including the erratum that moved a claim away)', async (t) => {
  const log = scenario();
  log.record('i', { claimId: 'b', predicate: 'cause', value: 'car bomb', sourceId: 'geo', statedAt: '2024-10-07' });
  const s = live(log);
  t.same(claimHistory(s, 'i', 'b')?.map((e) => e.type), ['ClaimRecorded']);
  t.equal(claimHistory(s, 'i', 'a')?.length, 8);
  t.same(getHistory(s, 'i', { fact: 'deaths' })?.map((e) => e.revision), [1, 2, 3, 4, 5, 6]);
  t.same(getHistory(s, 'i', { fact: 'deaths[group=civilians]' })?.map((e) => e.revision), [6, 7, 9]);
  t.same(getHistory(s, 'i', { fact: 'cause' })?.map((e) => e.claimId), ['b']);
  t.equal(getHistory(s, 'nope'), undefined);
});

t.test('buildHistory over one stream equals the live history; knownAt drops statements not yet made', async (t) => {
  const log = scenario();
  const events = log.stream('i');
  t.same(buildHistory(events), getHistory(live(log), 'i'));
  t.equal(buildHistory([]), undefined);

  const h = buildHistory(events, { knownAt: '2024-10-07T23:59:59.999Z' });
  t.same(h?.map((e) => e.type), [
    'IncidentRegistered', 'ClaimRecorded', 'ClaimCorrected', 'ClaimCorrected', 'ClaimCorrected', 'ClaimRanked', 'IncidentAmended', 'ClaimCorrected',
  ]);
  // The revision is hidden, so the erratum fixing the latest layer changes only what is shown: the source.
  const fix = h?.find((e) => e.type === 'ClaimCorrected' && e.reason === 'misattributed');
  t.strictSame([fix?.before, fix?.after], [{ sourceId: 'geo' }, { sourceId: 'dawn' }]);
  const restore = h?.find((e) => e.type === 'ClaimCorrected' && e.reason === 'other');
  t.notOk(restore && 'before' in restore, 'nothing to restore when the retraction is not known yet');

  t.same(buildHistory(events, { knownAt: '2024-10-06T00:00:00Z' })?.map((e) => e.type), ['IncidentRegistered', 'IncidentAmended']);
  t.same(buildHistory(events, { claimId: 'a', knownAt: '2024-10-06T00:00:00Z' }), []);
});
