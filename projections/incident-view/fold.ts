/**
 * The incident view's fold: each event of an incident stream applied to compact, mutable state. A
 * claim's layers come from the domain's one function (src/domain/claim-layers.ts); the fold adds
 * the fact key, interned strings and the timeline's order.
 */
import type { IncidentFields } from '../../src/domain/events.ts';
import { isClaimLayerEvent, knownAtInstant, moveClaimOn, recordedClaim, type ClaimLayers } from '../../src/domain/claim-layers.ts';
import { factKey } from '../../src/domain/predicates.ts';
import type { StoredEvent } from '../../src/store/port.ts';
import { intern, lowerBound } from '../collections.ts';
import { dataOf, incidentIdOf, readData } from '../event-data.ts';
import type { KnownAtOptions } from '../event-data.ts';
import { earliestInstant } from '../time.ts';
import type { IncidentView } from './render.ts';
import { ClaimState, internLayers } from './claim-state.ts';
import { ClaimShelf, IncidentState } from './incident-state.ts';

export { ClaimState, internLayers, IncidentState };


export interface ViewState {
  incidents: Map<string, IncidentState>;
  /** Incidents sorted by (sortKey, incidentId) ascending: the timeline's index, kept by binary insertion. */
  order: IncidentState[];
  /** JSON-ready views, most recently used last; an entry is dropped when its incident changes. */
  cache: Map<string, IncidentView>;
  /** Timeline items (fields and headline facts), most recently used last; dropped like `cache`. */
  items: Map<string, unknown>;
  cacheLimit: number;
  /** Statement-time filter (ms); +Infinity for the live model. */
  knownAt: number;
  /** One copy of each repeated string (source ids, predicates, fact keys, modes) across a million claims. */
  strings: Map<string, string>;
  /** The live view's open incidents and their budget (incident-state.ts); none for a scratch fold. */
  shelf: ClaimShelf | undefined;
}


const DEFAULT_CACHE_LIMIT = 20_000;

export function initialViewState(opts: KnownAtOptions & { cacheLimit?: number; openClaims?: number } = {}): ViewState {
  const strings = new Map<string, string>();
  return {
    incidents: new Map(),
    order: [],
    cache: new Map(),
    items: new Map(),
    cacheLimit: opts.cacheLimit ?? DEFAULT_CACHE_LIMIT,
    knownAt: knownAtInstant(opts.knownAt),
    strings,
    shelf: opts.openClaims === undefined ? undefined : new ClaimShelf(strings, opts.openClaims),
  };
}

function compareOrder(a: IncidentState, b: IncidentState): number {
  if (a.sortKey !== b.sortKey) return a.sortKey < b.sortKey ? -1 : 1;
  return a.incidentId < b.incidentId ? -1 : a.incidentId > b.incidentId ? 1 : 0;
}

/** First position in the timeline's order whose incident is not before `x`. */
function positionOf(order: readonly IncidentState[], x: IncidentState): number {
  return lowerBound(order, (inc) => compareOrder(inc, x));
}

export function fieldsOf(d: IncidentFields): IncidentFields {
  const f: IncidentFields = { title: d.title, occurredAt: d.occurredAt, location: d.location, category: d.category, tags: d.tags };
  if (d.summary !== undefined) f.summary = d.summary;
  return f;
}

/** Applies a stored event to the incident it concerns; see applyIncidentEvent. */
export function applyToIncident(state: ViewState, e: StoredEvent): boolean {
  const incidentId = incidentIdOf(e);
  if (incidentId === undefined) return false;
  return applyIncidentEvent(state, incidentId, e.type, readData(e), Number(e.revision), e.recordedAt);
}

/**
 * Applies one event of an incident stream. Returns whether it counted: false when it concerns no
 * registered incident, is filtered out by knownAt, or is about a claim not known (under the filter).
 * Shared with the provenance history, which diffs the claim state around each event.
 */
export function applyIncidentEvent(state: ViewState, incidentId: string, type: string, data: unknown, revision: number, recordedAt: string): boolean {
  let inc = state.incidents.get(incidentId);
  if (type === 'IncidentRegistered') {
    if (inc !== undefined) return false;
    const fields = fieldsOf(data as IncidentFields);
    inc = new IncidentState({ incidentId, fields, revision, updatedAt: recordedAt, sortKey: earliestInstant(fields.occurredAt.start) }, new Map(), state.shelf);
    state.incidents.set(incidentId, inc);
    state.order.splice(positionOf(state.order, inc), 0, inc);
    return true;
  }
  if (inc === undefined) return false;
  inc.willChange();
  // Revision and updatedAt follow the stream even when knownAt filters an event out: they describe
  // the record, which did change.
  inc.revision = revision;
  inc.updatedAt = recordedAt;
  state.cache.delete(incidentId);
  state.items.delete(incidentId);
  return applyClaimEvent(state, inc, { type, data, recordedAt });
}

type EventLike = Pick<StoredEvent, 'type' | 'data' | 'recordedAt'>;

function applyClaimEvent(state: ViewState, inc: IncidentState, e: EventLike): boolean {
  switch (e.type) {
    case 'IncidentAmended': {
      const { changes } = dataOf(e, 'IncidentAmended');
      const fields: IncidentFields = { ...inc.fields };
      for (const [k, v] of Object.entries(changes)) if (v !== undefined) (fields as Record<string, unknown>)[k] = v;
      inc.fields = fields;
      if (changes.occurredAt !== undefined) {
        const at = positionOf(state.order, inc);
        if (state.order[at] === inc) state.order.splice(at, 1);
        inc.sortKey = earliestInstant(fields.occurredAt.start);
        state.order.splice(positionOf(state.order, inc), 0, inc);
      }
      return true;
    }
    case 'ClaimRecorded': {
      const d = dataOf(e, 'ClaimRecorded');
      if (inc.claims.has(d.claimId)) return false;
      const layers = recordedClaim(d, state.knownAt);
      if (layers === undefined) return false;
      layers.predicate = intern(state.strings, layers.predicate);
      layers.sourceId = intern(state.strings, layers.sourceId);
      const key = intern(state.strings, factKey(layers.predicate, layers.qualifiers));
      const mode = d.mode === undefined ? undefined : intern(state.strings, d.mode);
      inc.claims.set(d.claimId, internLayers(state.strings, new ClaimState(layers, key, mode, Date.parse(e.recordedAt))));
      return true;
    }
    case 'ClaimRevised':
    case 'ClaimRetracted':
    case 'ClaimCorrected':
    case 'ClaimRanked': {
      const event = { type: e.type, data: e.data };
      if (!isClaimLayerEvent(event)) return false;
      const c = inc.claims.get(event.data.claimId);
      if (c === undefined) return false;
      // In place: nothing keeps a claim object across events (views and history entries copy its fields).
      const qualifiers = c.qualifiers;
      const { counted, changed } = moveClaimOn(c, event, state.knownAt);
      if (changed) {
        c.sourceId = intern(state.strings, c.sourceId);
        if (c.qualifiers !== qualifiers) c.key = intern(state.strings, factKey(c.predicate, c.qualifiers));
        internLayers(state.strings, c);
      }
      return counted;
    }
    default:
      return false;
  }
}

/** Folds a list of events (any streams) into a fresh view state, with an optional statement-time filter. */
export function foldView(events: Iterable<StoredEvent>, opts: KnownAtOptions = {}): ViewState {
  const state = initialViewState({ ...opts, cacheLimit: 0 });
  for (const e of events) applyToIncident(state, e);
  return state;
}

