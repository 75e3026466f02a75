import t from 'tap';
import { InvalidQuery } from '../../projections/cursor.ts';
import { incidentView } from '../../projections/incident-view.ts';
import type { ViewState } from '../../projections/incident-view/fold.ts';
import { buildTimeline, queryTimeline } from '../../projections/timeline.ts';
import type { TimelineQuery } from '../../projections/timeline.ts';
import { exact, Log } from './helpers.ts';

function fold(log: Log): ViewState {
  const s = incidentView.initial();
  for (const e of log.events) incidentView.apply(s, e);
  return s;
}

const ids = (s: ViewState, q: Partial<TimelineQuery> = {}) => queryTimeline(s, { limit: 50, ...q }).items.map((i) => i.incidentId);

function sample(): Log {
  const log = new Log();
  log.incident('a-day', { occurredAt: { start: '2024-10-06', precision: 'day' }, title: 'Airport blast', tags: ['airport'] });
  log.incident('b-minute', {
    occurredAt: { start: '2024-10-06T22:30:00+05:00', precision: 'minute' }, title: 'Market attack', summary: 'Gunmen at the BAZAAR',
    location: { name: 'Quetta', country: 'PK' }, category: 'armed-assault',
  });
  log.incident('c-month', { occurredAt: { start: '2024-10', precision: 'month' }, location: { name: 'Kabul', country: 'AF' } });
  log.incident('d-year', { occurredAt: { start: '2024', precision: 'year' } });
  log.incident('e-day', { occurredAt: { start: '2024-10-07', precision: 'day' }, tags: ['airport', 'convoy'] });
  log.incident('f-same', { occurredAt: { start: '2024-10-07', precision: 'day' } });
  return log;
}

t.test('order: desc by default by occurredAt.start earliest instant, ties by id', async (t) => {
  const s = fold(sample());
  // b-minute is 2024-10-06T17:30Z, after a-day's midnight; c-month is 2024-10-01, d-year 2024-01-01.
  t.same(ids(s), ['f-same', 'e-day', 'b-minute', 'a-day', 'c-month', 'd-year']);
  t.same(ids(s, { order: 'asc' }), ['d-year', 'c-month', 'a-day', 'b-minute', 'e-day', 'f-same']);
});

t.test('filters: country, category, tag, q', async (t) => {
  const s = fold(sample());
  t.same(ids(s, { country: 'AF' }), ['c-month']);
  t.same(ids(s, { category: 'armed-assault' }), ['b-minute']);
  t.same(ids(s, { tag: 'airport' }), ['e-day', 'a-day']);
  t.same(ids(s, { tag: 'convoy', order: 'asc' }), ['e-day']);
  t.same(ids(s, { q: 'bazaar' }), ['b-minute'], 'summary, case-insensitive');
  t.same(ids(s, { q: 'BLAST' }), ['a-day'], 'title, case-insensitive');
});

t.test('from/to: inclusive, a date-only to includes its day, coarse starts compare by their earliest instant', async (t) => {
  const s = fold(sample());
  t.same(ids(s, { from: '2024-10-06', to: '2024-10-06' }), ['b-minute', 'a-day']);
  t.same(ids(s, { from: '2024-10-06T17:30:00Z', to: '2024-10-06T17:30:00Z' }), ['b-minute']);
  t.same(ids(s, { from: '2024-10-02' }), ['f-same', 'e-day', 'b-minute', 'a-day']);
  t.same(ids(s, { to: '2024-10-01', order: 'asc' }), ['d-year', 'c-month']);
  t.same(ids(s, { from: '2024-10-06T17:31:00Z', to: '2024-10-06T23:00:00Z' }), []);
  t.throws(() => ids(s, { from: '2024-13-01' }), InvalidQuery);
  t.throws(() => ids(s, { to: 'yesterday' }), InvalidQuery);
});

t.test('cursor paging: no duplicates, no gaps, in both orders, with filters', async (t) => {
  const log = new Log();
  for (let i = 0; i < 37; i++) {
    log.incident(`inc-${String(i).padStart(2, '0')}`, {
      occurredAt: { start: `2024-10-${String((i % 9) + 1).padStart(2, '0')}`, precision: 'day' }, tags: i % 3 === 0 ? ['x'] : [],
    });
  }
  const s = fold(log);
  for (const order of ['asc', 'desc'] as const) {
    for (const tag of [undefined, 'x']) {
      const all = ids(s, { order, tag, limit: 200 });
      const paged: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = queryTimeline(s, { order, tag, limit: 5, cursor });
        paged.push(...page.items.map((i) => i.incidentId));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor !== undefined && pages < 100);
      t.same(paged, all, `${order} ${tag ?? 'all'}`);
      t.equal(new Set(paged).size, paged.length);
    }
  }
  t.equal(queryTimeline(s, { limit: 37 }).nextCursor, null, 'no cursor when nothing follows');
});

t.test('a cursor stays stable when incidents are inserted between pages', async (t) => {
  const log = sample();
  const s = fold(log);
  const p1 = queryTimeline(s, { limit: 2 });
  t.same(p1.items.map((i) => i.incidentId), ['f-same', 'e-day']);
  // Inserted before the page boundary (zz-new, e-dz: desc ties run by id descending), and after it.
  for (const [id, start] of [['zz-new', '2024-10-08'], ['e-dz', '2024-10-07'], ['e-da', '2024-10-07'], ['b-later', '2024-10-06T20:00:00Z']] as const) {
    incidentView.apply(s, log.incident(id, { occurredAt: { start, precision: start.length > 10 ? 'minute' : 'day' } }));
  }
  const p2 = queryTimeline(s, { limit: 50, cursor: p1.nextCursor ?? undefined });
  t.same(p2.items.map((i) => i.incidentId), ['e-da', 'b-later', 'b-minute', 'a-day', 'c-month', 'd-year']);
});

t.test('invalid cursors throw InvalidQuery with code invalid-cursor', async (t) => {
  const s = fold(sample());
  for (const cursor of ['!!', 'bm90IGpzb24', Buffer.from('[1]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
    t.throws(() => queryTimeline(s, { limit: 5, cursor }), { name: 'InvalidQuery', code: 'invalid-cursor' });
  }
});

t.test('an amended occurredAt moves the incident in the timeline', async (t) => {
  const log = sample();
  log.amend('d-year', { occurredAt: { start: '2024-12-01', precision: 'day' } });
  t.same(ids(fold(log)).slice(0, 2), ['d-year', 'f-same']);
});

t.test('items: fields + headline of the unqualified facts without claims, null when absent', async (t) => {
  const log = new Log();
  log.incident('i', { summary: 's' });
  log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(3), sourceId: 'geo', statedAt: '2024-10-07' });
  log.record('i', { claimId: 'b', predicate: 'deaths', qualifiers: { group: 'civilians' }, value: exact(2), sourceId: 'geo', statedAt: '2024-10-07' });
  log.record('i', { claimId: 'c', predicate: 'responsibility', value: { actor: 'TTP', stance: 'claimed' }, sourceId: 'geo', statedAt: '2024-10-07' });
  const [item] = queryTimeline(fold(log), { limit: 1 }).items;
  t.strictSame(item, {
    incidentId: 'i', title: 'Incident i', summary: 's', occurredAt: { start: '2024-10-06', precision: 'day' },
    location: { name: 'Karachi', country: 'PK' }, category: 'bombing', tags: [],
    headline: {
      deaths: { status: 'reported', value: exact(3) },
      injuries: null,
      responsibility: {
        status: 'reported', claimed: true, competingClaims: false, denied: [],
        actors: [{ actor: 'TTP', stances: ['claimed'], status: 'reported', claims: ['c'] }],
      },
    },
  });
});

t.test('buildTimeline: as-of events and knownAt', async (t) => {
  const log = new Log();
  log.incident('i');
  log.record('i', { claimId: 'a', predicate: 'deaths', value: exact(3), sourceId: 'geo', statedAt: '2024-10-07' });
  log.revise('i', { claimId: 'a', value: exact(7), statedAt: '2024-10-09' });
  const cut = log.events.length;
  log.incident('later');
  const asOf = buildTimeline(log.events.slice(0, cut));
  t.same(ids(asOf), ['i']);
  t.same(queryTimeline(asOf, { limit: 5 }).items[0]?.headline.deaths, { status: 'reported', value: exact(7) });
  const known = buildTimeline(log.events, { knownAt: '2024-10-08T00:00:00Z' });
  t.same(ids(known), ['later', 'i']);
  t.same(queryTimeline(known, { limit: 5, order: 'asc' }).items[0]?.headline.deaths, { status: 'reported', value: exact(3) });
});
