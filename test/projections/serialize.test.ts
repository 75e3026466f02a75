import t from 'tap';
import { applyAll, initialReadModels, projections, serializeAll } from '../../projections/index.ts';
import { getIncident } from '../../projections/incident-view/cache.ts';
import { getHistory } from '../../projections/provenance-history.ts';
import { queryTimeline } from '../../projections/timeline.ts';
import type { StoredEvent } from '../../src/store/port.ts';
import { exact, Log } from './helpers.ts';

function scenario(): Log {
  const log = new Log();
  log.source('geo');
  log.source('dawn');
  for (const id of ['beta', 'alpha', 'gamma']) {
    log.incident(id, { occurredAt: { start: id === 'gamma' ? '2024-10' : '2024-10-06', precision: id === 'gamma' ? 'month' : 'day' } });
    log.record(id, {
      claimId: `${id}-1`, predicate: 'deaths', qualifiers: { nationality: 'CN', group: 'foreign-nationals' }, value: exact(2), sourceId: 'geo', statedAt: '2024-10-07',
    });
    log.record(id, { claimId: `${id}-2`, predicate: 'cause', value: 'Car bomb', sourceId: 'dawn', statedAt: '2024-10-07' });
  }
  log.revise('alpha', { claimId: 'alpha-1', value: exact(3), statedAt: '2024-10-08' });
  log.correct('beta', { claimId: 'beta-1', changes: { sourceId: 'dawn', qualifiers: {} }, reason: 'misattributed' });
  log.rank('gamma', 'gamma-2', 'preferred');
  log.amend('gamma', { occurredAt: { start: '2024-09-30', precision: 'day' } });
  return log;
}

/** The same data with every object's keys in reverse order: what a store that reorders keys would give back. */
function reorder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorder);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)]));
}

function foldAll(events: StoredEvent[]) {
  const m = initialReadModels();
  for (const e of events) applyAll(m, e);
  return m;
}

t.test('the runner folds the three read models', async (t) => {
  t.same(projections.map((p) => p.name), ['incident-view', 'provenance-history', 'sources']);
});

t.test('same events → same bytes, whatever the key order of the data', async (t) => {
  const events = scenario().events;
  const a = serializeAll(foldAll(events));
  const b = serializeAll(foldAll(events.map((e) => ({ ...e, data: reorder(e.data) }))));
  t.strictSame(a, b);
  t.ok(a['incident-view'].includes('alpha-1'));
  t.ok(a['provenance-history'].includes('ClaimRevised'));
  t.ok(a.sources.includes('"claims":'));
});

t.test('live with interleaved reads equals a rebuild; different events → different bytes', async (t) => {
  const events = scenario().events;
  const live = initialReadModels();
  for (const e of events) {
    applyAll(live, e);
    // Reads fill caches and must not leak into the state's meaning.
    getIncident(live['incident-view'], 'alpha');
    getHistory(live['provenance-history'], 'beta');
    queryTimeline(live['incident-view'], { limit: 2 });
  }
  const rebuilt = serializeAll(foldAll(events));
  t.strictSame(serializeAll(live), rebuilt);
  const fewer = serializeAll(foldAll(events.slice(0, -1)));
  t.not(fewer['incident-view'], rebuilt['incident-view']);
  t.not(fewer['provenance-history'], rebuilt['provenance-history']);
});
