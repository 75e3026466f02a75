/**
 * The timeline (GET /incidents): a query over the incident view's state, which keeps the incidents
 * sorted by (occurredAt.start's earliest instant, incidentId), so no second copy of any incident.
 *
 * `from`/`to` compare with occurredAt.start's earliest instant (see time.ts): an incident known only
 * to the month `2024-10` starts at 2024-10-01T00:00Z. Both bounds are inclusive; a date-only `to`
 * runs to the end of that day (UTC). The cursor is keyset-based (the last item's sort key), so pages
 * neither repeat nor skip items when incidents are registered between two requests.
 */
import type { StoredEvent } from '../src/store/port.ts';
import { lowerBound, lruSet, upperBound } from './collections.ts';
import { decodeCursor, encodeCursor, InvalidQuery } from './cursor.ts';
import type { KnownAtOptions } from './event-data.ts';
import { foldView, type IncidentState, type ViewState } from './incident-view/fold.ts';
import { incidentFields, resolveFacts, type FactView, type IncidentFieldsView } from './incident-view/render.ts';
import { boundInstant } from './time.ts';

export interface TimelineQuery {
  country?: string;
  category?: string;
  tag?: string;
  from?: string;
  to?: string;
  q?: string;
  order?: 'desc' | 'asc';
  limit: number;
  cursor?: string;
}

/** A headline fact: the resolution without its claims. */
export type HeadlineFact = Omit<FactView, 'claims'>;

export interface TimelineItem extends IncidentFieldsView {
  headline: { deaths: HeadlineFact | null; injuries: HeadlineFact | null; responsibility: HeadlineFact | null };
}

export interface TimelinePage {
  items: TimelineItem[];
  nextCursor: string | null;
}

const HEADLINE_KEYS: ReadonlySet<string> = new Set(['deaths', 'injuries', 'responsibility']);

function headlineFact(facts: Record<string, FactView>, key: string): HeadlineFact | null {
  const f = facts[key];
  if (f === undefined) return null;
  const { claims: _claims, ...rest } = f;
  return rest;
}

/**
 * An incident's timeline item, memoised until the incident's next event: resolving the headline
 * facts walks every claim of the incident, and a page asks for up to 200 items at a time.
 */
function itemOf(state: ViewState, inc: IncidentState): TimelineItem {
  const memo = state.items.get(inc.incidentId) as TimelineItem | undefined;
  if (memo !== undefined) return memo;
  // Peek at the view cache without refreshing its LRU order: a timeline page is not a read of each incident.
  const facts = state.cache.get(inc.incidentId)?.facts ?? resolveFacts(inc, HEADLINE_KEYS);
  const item: TimelineItem = {
    ...incidentFields(inc),
    headline: { deaths: headlineFact(facts, 'deaths'), injuries: headlineFact(facts, 'injuries'), responsibility: headlineFact(facts, 'responsibility') },
  };
  if (state.cacheLimit > 0) lruSet(state.items, inc.incidentId, item, state.cacheLimit);
  return item;
}

function compareKey(inc: IncidentState, key: number, id: string): number {
  if (inc.sortKey !== key) return inc.sortKey < key ? -1 : 1;
  return inc.incidentId < id ? -1 : inc.incidentId > id ? 1 : 0;
}

/** First position whose incident is not before (key, id). */
const firstFrom = (order: readonly IncidentState[], key: number, id: string): number => lowerBound(order, (inc) => compareKey(inc, key, id));
/** First position whose incident is after (key, id). */
const firstAfter = (order: readonly IncidentState[], key: number, id: string): number => upperBound(order, (inc) => compareKey(inc, key, id));

function parseBound(value: string | undefined, bound: 'from' | 'to'): number | undefined {
  if (value === undefined) return undefined;
  const t = boundInstant(value, bound);
  if (t === undefined) throw new InvalidQuery('invalid-query', bound, `${bound} must be a date YYYY-MM-DD or an RFC 3339 date-time`);
  return t;
}

function parseCursor(cursor: string): [number, string] {
  const key = decodeCursor(cursor);
  const [at, id] = key;
  if (key.length !== 2 || typeof at !== 'number' || !Number.isFinite(at) || typeof id !== 'string') {
    throw new InvalidQuery('invalid-cursor', 'cursor', 'cursor is not a cursor this API returned');
  }
  return [at, id];
}

/** A page of the timeline. Throws InvalidQuery (→ 400) on a bad cursor, from or to. */
export function queryTimeline(state: ViewState, query: TimelineQuery): TimelinePage {
  const { order: list } = state;
  const desc = query.order !== 'asc';
  if (!Number.isInteger(query.limit) || query.limit < 1) throw new InvalidQuery('invalid-query', 'limit', 'limit must be a positive integer');
  const from = parseBound(query.from, 'from') ?? Number.NEGATIVE_INFINITY;
  const to = parseBound(query.to, 'to') ?? Number.POSITIVE_INFINITY;
  const after = query.cursor === undefined ? undefined : parseCursor(query.cursor);
  const q = query.q === undefined || query.q === '' ? undefined : query.q.toLowerCase();

  const matches = (inc: IncidentState): boolean => {
    const f = inc.fields;
    if (query.country !== undefined && f.location.country !== query.country) return false;
    if (query.category !== undefined && f.category !== query.category) return false;
    if (query.tag !== undefined && !f.tags.includes(query.tag)) return false;
    if (q !== undefined && !f.title.toLowerCase().includes(q) && !(f.summary?.toLowerCase().includes(q) ?? false)) return false;
    return true;
  };

  const picked: IncidentState[] = [];
  let more = false;
  if (desc) {
    let i = firstAfter(list, to, '\uffff') - 1;
    if (after !== undefined) i = Math.min(i, firstFrom(list, after[0], after[1]) - 1);
    for (; i >= 0; i--) {
      const inc = list[i] as IncidentState;
      if (inc.sortKey < from) break;
      if (!matches(inc)) continue;
      if (picked.length === query.limit) {
        more = true;
        break;
      }
      picked.push(inc);
    }
  } else {
    let i = firstFrom(list, from, '');
    if (after !== undefined) i = Math.max(i, firstAfter(list, after[0], after[1]));
    for (; i < list.length; i++) {
      const inc = list[i] as IncidentState;
      if (inc.sortKey > to) break;
      if (!matches(inc)) continue;
      if (picked.length === query.limit) {
        more = true;
        break;
      }
      picked.push(inc);
    }
  }
  const last = picked[picked.length - 1];
  return {
    items: picked.map((inc) => itemOf(state, inc)),
    nextCursor: more && last !== undefined ? encodeCursor([last.sortKey, last.incidentId]) : null,
  };
}

/**
 * The timeline's state as of a point: fold the events the caller cut at asOf (all streams), with the
 * knownAt filter, then query it with queryTimeline.
 */
export function buildTimeline(events: Iterable<StoredEvent>, opts: KnownAtOptions = {}): ViewState {
  return foldView(events, opts);
}
