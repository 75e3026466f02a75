import * as v8 from 'node:v8';
import t from 'tap';
import { incidentView } from '../../projections/incident-view.ts';
import { getIncident } from '../../projections/incident-view/cache.ts';
import { applyToIncident, foldView, initialViewState, type ViewState } from '../../projections/incident-view/fold.ts';
import { packClaims, unpackClaims } from '../../projections/incident-view/incident-state.ts';
import { getClaim } from '../../projections/incident-view/render.ts';
import { queryTimeline } from '../../projections/timeline.ts';
import { exact, Log, range } from './helpers.ts';

/** Eight incidents whose events interleave, every kind of claim event, a citation, qualifiers, a mode and a note. */
function interleaved(): Log {
  const log = new Log();
  log.source('geo');
  log.source('dawn');
  const ids = Array.from({ length: 8 }, (_, i) => `inc-${i}`);
  for (const id of ids) log.incident(id);
  for (let round = 0; round < 6; round++) {
    for (const [i, id] of ids.entries()) {
      const claimId = `c${round}`;
      log.record(id, {
        claimId, predicate: 'deaths', value: exact(round + i), sourceId: round % 2 === 0 ? 'geo' : 'dawn', statedAt: `2024-10-0${1 + (round % 9)}`,
        ...(round % 3 === 0 ? { qualifiers: { group: 'civilians' } } : {}),
        ...(round === 1 ? { citation: { url: `https://geo.tv/${id}`, title: 'Blast', publisher: 'Geo' }, mode: 'statement', note: 'first count' } : {}),
      });
      if (round > 0) log.revise(id, { claimId: `c${round - 1}`, value: range(round, round + 3), statedAt: '2024-10-09' });
      if (round === 3) log.retract(id, { claimId: 'c2', statedAt: '2024-10-10', reason: 'wrong count' });
      if (round === 4) log.rank(id, 'c1', 'preferred');
      if (round === 5) log.amend(id, { title: `Incident ${id}, amended` });
    }
  }
  return log;
}

function everyAnswer(state: ViewState): unknown {
  const out: Record<string, unknown> = {};
  for (const [id, inc] of state.incidents) {
    out[id] = { view: getIncident(state, id), claims: [...inc.claims.keys()].map((c) => getClaim(state, id, c)) };
  }
  return { out, timeline: queryTimeline(state, { limit: 50 }) };
}

t.test('claims packed to bytes and unpacked give the same claim states, in the same order', async (t) => {
  const state = foldView(interleaved().events);
  for (const inc of state.incidents.values()) {
    const again = unpackClaims(packClaims(inc.claims), new Map());
    t.same([...again.keys()], [...inc.claims.keys()]);
    t.same([...again.values()], [...inc.claims.values()]);
  }
});

t.test('a live view with room for few open claims gives every answer an unbounded fold gives, while keeping most incidents closed', async (t) => {
  const log = interleaved();
  const small = initialViewState({ openClaims: 10 });
  for (const e of log.events) applyToIncident(small, e);
  const closed = [...small.incidents.values()].filter((inc) => !inc.isOpen).length;
  t.ok(closed >= 6, `most incidents are closed after the fold (${closed} of 8)`);
  t.ok((small.shelf?.openClaims ?? Infinity) <= 10, 'open claims stay within the budget');
  t.same(everyAnswer(small), everyAnswer(foldView(log.events)));
  t.ok((small.shelf?.openClaims ?? Infinity) <= 10, 'reading every incident leaves open claims within the budget');
});

t.test('an event on a closed incident changes it, and the change survives closing it again', async (t) => {
  const log = interleaved();
  const state = initialViewState({ openClaims: 6 });
  for (const e of log.events) applyToIncident(state, e);
  const first = state.incidents.get('inc-0');
  t.equal(first?.isOpen, false, 'inc-0 is closed');
  const more = [
    log.revise('inc-0', { claimId: 'c5', value: exact(40), statedAt: '2024-10-11' }),
    log.record('inc-0', { claimId: 'late', predicate: 'injuries', value: exact(7), sourceId: 'geo', statedAt: '2024-10-11' }),
  ];
  for (const e of more) applyToIncident(state, e);
  for (const id of ['inc-1', 'inc-2', 'inc-3', 'inc-4']) void state.incidents.get(id)?.claims;
  t.equal(first?.isOpen, false, 'inc-0 was closed again by reading others');
  t.same(getIncident(state, 'inc-0'), getIncident(foldView(log.events), 'inc-0'));
  t.match(getClaim(state, 'inc-0', 'c5'), { value: exact(40), revisionCount: 1 });
});

t.test('a snapshot of the live view keeps closed incidents as bytes, and a restore opens none until one is read', async (t) => {
  const log = interleaved();
  const live = incidentView.initial();
  for (const e of log.events) incidentView.apply(live, e);
  const restored = incidentView.afterRestore?.(v8.deserialize(v8.serialize(incidentView.forSnapshot?.(live)))) as ViewState;
  t.same([...restored.incidents.values()].filter((inc) => inc.isOpen), [], 'no incident open after a restore');
  t.same(restored.order.map((inc) => inc.incidentId), live.order.map((inc) => inc.incidentId), 'the timeline keeps its order');
  t.same(getIncident(restored, 'inc-3'), getIncident(live, 'inc-3'));
  t.same([...restored.incidents.values()].filter((inc) => inc.isOpen).map((inc) => inc.incidentId), ['inc-3'], 'reading one incident opens only it');
  t.same(everyAnswer(restored), everyAnswer(live));
});
