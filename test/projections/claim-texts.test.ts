import t from 'tap';
import type { StoredEvent } from '../../src/store/port.ts';
import { extendCheckpoints, newCheckpoints, stateAt } from '../../projections/incident-view/checkpoints.ts';
import { viewTextSteps } from '../../projections/incident-view/claim-texts.ts';
import { buildIncidentView, runSteps } from '../../projections/incident-view/render.ts';
import { fixtures, storedIncidentEvent } from '../http/harness.ts';

const stored = (revision: number, type: string, data: unknown): StoredEvent => storedIncidentEvent(revision, type, data, 'claim-texts');

/**
 * Claims recorded before the checkpoints are frozen in them with their texts; events after a
 * checkpoint revise, retract, correct (moving one to another fact) and rank some of them. Every
 * point's text must be the full fold's, before and after those texts are kept.
 */
t.test('views made from kept claim texts equal the full fold, at points before and after claims change', async (t) => {
  const events = [stored(0, 'IncidentRegistered', fixtures.incident('big'))];
  const add = (type: string, data: unknown): void => void events.push(stored(events.length, type, data));
  for (let i = 0; i < 2_500; i++) add('ClaimRecorded', fixtures.deaths(`c-${i}`, i % 2 === 0 ? 's1' : 's2', { kind: 'exact', value: i % 13 }));
  const changedAt = events.length;
  add('ClaimRevised', { claimId: 'c-5', value: { kind: 'exact', value: 99 }, statedAt: '2024-10-08' });
  add('ClaimRetracted', { claimId: 'c-6', statedAt: '2024-10-08', reason: 'withdrawn' });
  add('ClaimCorrected', { claimId: 'c-7', changes: { qualifiers: { group: 'police' } }, reason: 'reporting-error' });
  add('ClaimCorrected', { claimId: 'c-8', changes: { value: { kind: 'exact', value: 42 } }, reason: 'transcription' });
  add('ClaimRanked', { claimId: 'c-9', rank: 'preferred', reason: 'other' });
  add('IncidentAmended', { changes: { title: 'Renamed' }, reason: 'retitled' });
  for (let i = 2_500; i < 3_200; i++) add('ClaimRecorded', fixtures.deaths(`c-${i}`, 's1', { kind: 'exact', value: i % 7 }));
  add('ClaimRevised', { claimId: 'c-2600', value: { kind: 'exact', value: 77 }, statedAt: '2024-10-09' });

  const byClaim = new Map<string, number[]>();
  events.forEach((e, i) => {
    const id = (e.data as { claimId?: unknown }).claimId;
    if (typeof id === 'string') byClaim.set(id, [...(byClaim.get(id) ?? []), i]);
  });
  const cp = newCheckpoints(events.length, 1_000_000, 64 * 1024 * 1024);
  extendCheckpoints(cp, events);
  t.ok(cp.points.length >= 2, 'checkpoints were made');
  const textAt = (end: number, knownAt?: string): string => {
    const inc = stateAt(cp, events, end, knownAt, (id) => byClaim.get(id) ?? []);
    if (inc === undefined) throw new Error('no state');
    return runSteps(viewTextSteps(inc, cp.texts)).toString();
  };
  const full = (end: number, knownAt?: string): string => JSON.stringify(buildIncidentView(events.slice(0, end), knownAt !== undefined ? { knownAt } : {}));

  const points = [1, 999, changedAt, changedAt + 1, changedAt + 3, changedAt + 6, 3_000, events.length - 1, events.length];
  for (const end of points) t.equal(textAt(end), full(end), `first read at ${end}`);
  const kept = cp.texts.bytes;
  t.ok(kept > 0, 'texts of frozen claims were kept');
  // Again, now from kept texts: a claim changed after a checkpoint shows its new state, one before the change its old.
  for (const end of [...points].reverse()) t.equal(textAt(end), full(end), `again at ${end}`);
  t.equal(textAt(events.length), full(events.length));
  const again = cp.texts.bytes;
  t.equal(textAt(events.length), full(events.length));
  t.equal(cp.texts.bytes, again, 'a read of the same claims again keeps nothing more');
  const after = JSON.parse(textAt(events.length)) as { title: string; facts: Record<string, { claims: { claimId: string; value: unknown; status: string }[] }> };
  t.equal(after.title, 'Renamed');
  t.same(after.facts.deaths?.claims.find((c) => c.claimId === 'c-5')?.value, { kind: 'exact', value: 99 }, 'the revision after the checkpoint shows');
  t.equal(after.facts.deaths?.claims.find((c) => c.claimId === 'c-6')?.status, 'retracted');
  t.ok(after.facts['deaths{group=police}']?.claims.some((c) => c.claimId === 'c-7') ?? Object.keys(after.facts).some((k) => k !== 'deaths'), 'the erratum moved c-7');
  const before = JSON.parse(textAt(changedAt)) as typeof after;
  t.same(before.facts.deaths?.claims.find((c) => c.claimId === 'c-5')?.value, { kind: 'exact', value: 5 }, 'the checkpoint keeps the state before the revision');
  // The stream grows past the end read above (kept as the tail): a claim of the tail changes.
  const oldEnd = events.length;
  add('ClaimRevised', { claimId: 'c-3100', value: { kind: 'exact', value: 55 }, statedAt: '2024-10-09' });
  add('ClaimCorrected', { claimId: 'c-5', changes: { value: { kind: 'exact', value: 98 } }, reason: 'transcription' });
  for (let i = 3_200; i < 3_260; i++) add('ClaimRecorded', fixtures.deaths(`c-${i}`, 's2', { kind: 'exact', value: 1 }));
  for (let i = oldEnd; i < events.length; i++) {
    const id = (events[i]?.data as { claimId?: unknown }).claimId;
    if (typeof id === 'string') byClaim.set(id, [...(byClaim.get(id) ?? []), i]);
  }
  extendCheckpoints(cp, events);
  for (const end of [events.length, oldEnd, events.length, oldEnd - 1]) t.equal(textAt(end), full(end), `grown, at ${end}`);
  // Statement time: the revision dated after knownAt is hidden, the claim refolded without it.
  for (const knownAt of ['2024-10-07T23:59:59.999Z', '2024-10-08T12:00:00.000Z', '2024-10-06']) {
    t.equal(textAt(events.length, knownAt), full(events.length, knownAt), `knownAt ${knownAt}`);
  }
});

t.test('claim texts are kept up to their byte budget, and views stay whole past it', async (t) => {
  const events = [stored(0, 'IncidentRegistered', fixtures.incident('big'))];
  for (let i = 0; i < 2_100; i++) events.push(stored(events.length, 'ClaimRecorded', fixtures.deaths(`c-${i}`, 's1', { kind: 'exact', value: i })));
  const cp = newCheckpoints(events.length, 1_000_000, 20_000);
  extendCheckpoints(cp, events);
  const inc = stateAt(cp, events, events.length, undefined, () => []);
  if (inc === undefined) throw new Error('no state');
  t.equal(runSteps(viewTextSteps(inc, cp.texts)).toString(), JSON.stringify(buildIncidentView(events)));
  t.ok(cp.texts.bytes > 0 && cp.texts.bytes <= 20_000, `kept ${cp.texts.bytes} bytes`);
});
