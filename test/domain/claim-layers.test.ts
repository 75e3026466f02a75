import t from 'tap';
import {
  applyStanding, knownAtInstant, moveClaimOn, nextClaim, recordedClaim, statedBy, type ClaimLayerEvent, type ClaimLayers, type ClaimStanding, type NextClaim,
} from '../../src/domain/claim-layers.ts';
import type { ClaimRecordedData } from '../../src/domain/events.ts';

const exact = (value: number) => ({ kind: 'exact' as const, value });
const recorded: ClaimRecordedData = {
  claimId: 'c-1', predicate: 'deaths', value: { kind: 'atLeast', value: 2 }, sourceId: 'geo', statedAt: '2024-10-07',
  citation: { url: 'https://geo.tv/a', quote: 'at least 2 killed' }, note: 'first report',
};
const revised = (value: number, statedAt: string, extra: Partial<Extract<ClaimLayerEvent, { type: 'ClaimRevised' }>['data']> = {}): ClaimLayerEvent =>
  ({ type: 'ClaimRevised', data: { claimId: 'c-1', value: exact(value), statedAt, ...extra } });
const ranked = (rank: 'preferred' | 'normal' | 'deprecated'): ClaimLayerEvent => ({ type: 'ClaimRanked', data: { claimId: 'c-1', rank, reason: 'other' } });

/** The claim after the events, and which of them counted. */
function fold(events: ClaimLayerEvent[], knownAt?: string): { claim: ClaimLayers | undefined; counted: boolean[] } {
  const at = knownAtInstant(knownAt);
  let claim = recordedClaim(recorded, at);
  const counted: boolean[] = [];
  for (const e of events) {
    if (claim === undefined) break;
    const next = nextClaim(claim, e, at);
    claim = next.claim;
    counted.push(next.counted);
  }
  return { claim, counted };
}

t.test('the first layer is the statement, active, ranked normal, with nothing counted', async (t) => {
  t.strictSame(recordedClaim({ ...recorded, qualifiers: {} }), {
    claimId: 'c-1', predicate: 'deaths', qualifiers: undefined, sourceId: 'geo', value: { kind: 'atLeast', value: 2 }, statedAt: '2024-10-07',
    citation: recorded.citation, note: 'first report', redacted: undefined, status: 'active', rank: 'normal', pendingRank: undefined,
    revisionCount: 0, correctionCount: 0, latestHidden: false,
  }, 'empty qualifiers are the unqualified fact');
  t.equal(recordedClaim(recorded, knownAtInstant('2024-10-06')), undefined, 'a statement made after knownAt is not there');
  t.ok(recordedClaim(recorded, knownAtInstant('2024-10-07')), 'a date counts as the end of its day');
});

t.test('a revision replaces value, statedAt and citation; the note only when it gives one', async (t) => {
  const { claim } = fold([revised(3, '2024-10-08')]);
  t.match(claim, { value: exact(3), statedAt: '2024-10-08', note: 'first report', revisionCount: 1 });
  t.equal(claim?.citation, undefined, 'no citation on the revision: none on the claim');
  const cited = fold([revised(3, '2024-10-08', { citation: { title: 'Update' }, note: 'toll rises' })]).claim;
  t.match(cited, { citation: { title: 'Update' }, note: 'toll rises' });
});

t.test('errata fix the latest layer and are counted; sourceId and qualifiers move the claim', async (t) => {
  const { claim } = fold([
    revised(3, '2024-10-08'),
    { type: 'ClaimCorrected', data: { claimId: 'c-1', changes: { value: exact(4), citation: { title: 'Fixed' }, sourceId: 'dawn', qualifiers: { group: 'civilians' } }, reason: 'transcription' } },
  ]);
  t.match(claim, { value: exact(4), statedAt: '2024-10-08', citation: { title: 'Fixed' }, sourceId: 'dawn', qualifiers: { group: 'civilians' }, revisionCount: 1, correctionCount: 1 });
});

t.test('retraction, restore and voiding set the status', async (t) => {
  const retract: ClaimLayerEvent = { type: 'ClaimRetracted', data: { claimId: 'c-1', statedAt: '2024-10-09', reason: 'withdrawn' } };
  t.equal(fold([retract]).claim?.status, 'retracted');
  const restored = fold([retract, { type: 'ClaimCorrected', data: { claimId: 'c-1', changes: {}, restore: true, reason: 'other' } }]).claim;
  t.match(restored, { status: 'active', correctionCount: 1 });
  const voided = fold([retract, { type: 'ClaimCorrected', data: { claimId: 'c-1', changes: {}, reason: 'wrong-incident' } }]).claim;
  t.match(voided, { status: 'voided', value: { kind: 'atLeast', value: 2 } }, 'a voided claim keeps its layer readable');
  t.strictSame(fold([retract], '2024-10-08').counted, [false], 'a retraction stated after knownAt does not count');
  t.equal(fold([retract], '2024-10-08').claim?.status, 'active');
});

t.test('under knownAt: a later revision is hidden, and an erratum to it leaves the shown layer alone', async (t) => {
  const events: ClaimLayerEvent[] = [
    revised(3, '2024-10-08'),
    revised(5, '2024-10-10', { citation: { title: 'Later' } }),
    { type: 'ClaimCorrected', data: { claimId: 'c-1', changes: { value: exact(6), sourceId: 'dawn' }, reason: 'transcription' } },
  ];
  const { claim, counted } = fold(events, '2024-10-09');
  t.strictSame(counted, [true, false, true]);
  t.match(claim, { value: exact(3), statedAt: '2024-10-08', revisionCount: 1, correctionCount: 1, latestHidden: true, sourceId: 'dawn' });
  t.equal(claim?.citation, undefined);
  t.match(fold(events).claim, { value: exact(6), statedAt: '2024-10-10', citation: { title: 'Later' }, revisionCount: 2 }, 'without knownAt the erratum fixes the latest layer');
});

t.test('a rank judges the layer current when it was recorded and every later one, never an earlier one', async (t) => {
  const events = [revised(3, '2024-10-08'), revised(5, '2024-10-10'), ranked('deprecated')];
  t.equal(fold(events).claim?.rank, 'deprecated');
  const early = fold(events, '2024-10-09').claim;
  t.match(early, { rank: 'normal', pendingRank: 'deprecated' }, 'under knownAt the rank of a later layer does not judge the shown one');
  t.equal(fold([ranked('preferred'), ...events], '2024-10-09').claim?.rank, 'preferred', 'an earlier rank still applies to the shown layer');
  const later = fold([revised(5, '2024-10-10'), ranked('deprecated'), revised(6, '2024-10-11')], '2024-10-12').claim;
  t.match(later, { rank: 'deprecated', pendingRank: undefined }, 'ranks survive revisions');
  const shownAfter = fold([revised(5, '2024-10-12'), ranked('deprecated'), revised(6, '2024-10-07T12:00:00Z')], '2024-10-09').claim;
  t.match(shownAfter, { value: exact(6), rank: 'deprecated' }, 'a layer recorded after the rank and shown under knownAt is judged by it');
});

t.test('nextClaim never mutates the claim it is given', async (t) => {
  const first = recordedClaim(recorded);
  t.ok(first);
  if (first === undefined) return;
  const copy = structuredClone(first);
  nextClaim(first, revised(3, '2024-10-08'));
  nextClaim(first, ranked('preferred'));
  nextClaim(first, { type: 'ClaimCorrected', data: { claimId: 'c-1', changes: { value: exact(9) }, reason: 'other' } });
  t.strictSame(first, copy);
  t.equal(statedBy('2024-10-08', knownAtInstant(undefined)), true, 'no knownAt: everything was stated');
});

const standingOf = (c: ClaimLayers): ClaimStanding => ({
  sourceId: c.sourceId, status: c.status, rank: c.rank, pendingRank: c.pendingRank,
  revisionCount: c.revisionCount, correctionCount: c.correctionCount, latestHidden: c.latestHidden,
});

t.test('a standing moved on alone (as the sources count it), or a claim moved on in place (as the view keeps it), is what nextClaim gives', async (t) => {
  const events: ClaimLayerEvent[] = [
    ranked('preferred'),
    revised(3, '2024-10-09'),
    ranked('deprecated'),
    { type: 'ClaimRetracted', data: { claimId: 'c-1', statedAt: '2024-10-10', reason: 'source withdrew it' } },
    { type: 'ClaimRetracted', data: { claimId: 'c-1', statedAt: '2024-10-07', reason: 'source withdrew it' } },
    revised(4, '2024-10-07'),
    { type: 'ClaimCorrected', data: { claimId: 'c-1', changes: { sourceId: 'dawn', value: exact(5) }, reason: 'other', restore: true } },
    revised(6, '2024-10-12'),
    revised(7, '2024-10-13'),
    ranked('normal'),
    { type: 'ClaimCorrected', data: { claimId: 'c-1', changes: { statedAt: '2024-10-08' }, reason: 'wrong-incident' } },
  ];
  for (const knownAt of [undefined, '2024-10-08', '2024-10-11']) {
    const at = knownAtInstant(knownAt);
    const first = recordedClaim(recorded, at);
    if (first === undefined) throw new Error('the first statement is known');
    let claim: ClaimLayers = first;
    const standing = standingOf(claim);
    let changes = 0;
    for (const [i, e] of events.entries()) {
      const next: NextClaim<ClaimLayers> = nextClaim(claim, e, at);
      const change = applyStanding(standing, e, at);
      t.strictSame(standing, standingOf(next.claim), `knownAt ${knownAt ?? 'none'}, event ${i}: the same standing`);
      const moved: ClaimLayers = { ...claim };
      moveClaimOn(moved, e, at);
      t.strictSame(moved, next.claim, `knownAt ${knownAt ?? 'none'}, event ${i}: the same claim in place`);
      t.equal(change.counted, next.counted, `knownAt ${knownAt ?? 'none'}, event ${i}: counted alike`);
      t.equal(next.claim === claim, !change.changed, `knownAt ${knownAt ?? 'none'}, event ${i}: the claim itself back exactly when nothing changed`);
      if (change.changed) changes++;
      claim = next.claim;
    }
    t.ok(changes < events.length, `knownAt ${knownAt ?? 'none'}: some events change nothing`);
  }
  t.equal(fold(events).claim?.status, 'voided');
});
