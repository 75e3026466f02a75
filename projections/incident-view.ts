/**
 * The current view of each incident: its registered fields, and every fact resolved from its claims.
 *
 * The fold keeps only compact claim state; facts are resolved when an incident is read and the
 * JSON-ready result is cached (a bounded LRU) until the incident's next event.
 */
import canonicalize from 'canonicalize';
import type { IncidentFields } from '../src/domain/events.ts';
import { isClaimLayerEvent, knownAtInstant, nextClaim, recordedClaim, type ClaimLayers } from '../src/domain/claim-layers.ts';
import { factKey } from '../src/domain/predicates.ts';
import type { ClaimValue, PredicateName, Qualifiers } from '../src/domain/predicates.ts';
import type { Citation, Location, TimeValue } from '../src/domain/values.ts';
import type { StoredEvent } from '../src/store/port.ts';
import { dataOf, incidentIdOf } from './event-data.ts';
import type { KnownAtOptions } from './event-data.ts';
import type { Projection } from './projection.ts';
import { resolveFact } from './resolve.ts';
import type { ClaimStatus, RankName, Resolution } from './resolve.ts';
import { earliestInstant } from './time.ts';

/** A claim's layers (the domain's one function computes them) plus what the view keeps beside them. */
export interface ClaimState extends ClaimLayers {
  key: string;
  mode: string | undefined;
  /** Epoch ms: a number costs a third of the string, and `toISOString()` gives the stored text back. */
  recordedAt: number;
}

export interface IncidentState {
  incidentId: string;
  fields: IncidentFields;
  /** Insertion order = recording order, which is also the order claims are listed in. */
  claims: Map<string, ClaimState>;
  revision: number;
  updatedAt: string;
  /** occurredAt.start's earliest instant: the timeline's sort key. */
  sortKey: number;
}

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
}

function intern<T extends string>(state: ViewState, s: T): T {
  const found = state.strings.get(s) as T | undefined;
  if (found !== undefined) return found;
  state.strings.set(s, s);
  return s;
}

export interface ClaimView {
  claimId: string;
  predicate: PredicateName;
  qualifiers?: Qualifiers;
  sourceId: string;
  value: ClaimValue;
  statedAt: string;
  status: ClaimStatus;
  rank: RankName;
  revisionCount: number;
  correctionCount: number;
  citation?: Citation;
  mode?: string;
  note?: string;
  recordedAt: string;
}

export type FactView = Resolution & { value?: ClaimValue | null; claims: ClaimView[] };

export interface IncidentView {
  incidentId: string;
  title: string;
  summary?: string;
  occurredAt: TimeValue;
  location: Location;
  category: IncidentFields['category'];
  tags: string[];
  facts: Record<string, FactView>;
  revision: number;
  updatedAt: string;
}

const DEFAULT_CACHE_LIMIT = 20_000;

export function initialViewState(opts: KnownAtOptions & { cacheLimit?: number } = {}): ViewState {
  return {
    incidents: new Map(),
    order: [],
    cache: new Map(),
    items: new Map(),
    cacheLimit: opts.cacheLimit ?? DEFAULT_CACHE_LIMIT,
    knownAt: knownAtInstant(opts.knownAt),
    strings: new Map(),
  };
}

function compareOrder(a: IncidentState, b: IncidentState): number {
  if (a.sortKey !== b.sortKey) return a.sortKey < b.sortKey ? -1 : 1;
  return a.incidentId < b.incidentId ? -1 : a.incidentId > b.incidentId ? 1 : 0;
}

/** First position whose element is not before `x`. */
function lowerBound(order: readonly IncidentState[], x: IncidentState): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareOrder(order[mid] as IncidentState, x) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
  return applyIncidentEvent(state, incidentId, e.type, e.data, Number(e.revision), e.recordedAt);
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
    inc = { incidentId, fields, claims: new Map(), revision, updatedAt: recordedAt, sortKey: earliestInstant(fields.occurredAt.start) };
    state.incidents.set(incidentId, inc);
    state.order.splice(lowerBound(state.order, inc), 0, inc);
    return true;
  }
  if (inc === undefined) return false;
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
        const at = lowerBound(state.order, inc);
        if (state.order[at] === inc) state.order.splice(at, 1);
        inc.sortKey = earliestInstant(fields.occurredAt.start);
        state.order.splice(lowerBound(state.order, inc), 0, inc);
      }
      return true;
    }
    case 'ClaimRecorded': {
      const d = dataOf(e, 'ClaimRecorded');
      if (inc.claims.has(d.claimId)) return false;
      const layers = recordedClaim(d, state.knownAt);
      if (layers === undefined) return false;
      inc.claims.set(d.claimId, {
        ...layers, predicate: intern(state, layers.predicate), sourceId: intern(state, layers.sourceId),
        key: intern(state, factKey(layers.predicate, layers.qualifiers)), mode: d.mode === undefined ? undefined : intern(state, d.mode),
        recordedAt: Date.parse(e.recordedAt),
      });
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
      const { claim, counted } = nextClaim(c, event, state.knownAt);
      if (claim !== c) {
        if (claim.sourceId !== c.sourceId) claim.sourceId = intern(state, claim.sourceId);
        if (claim.qualifiers !== c.qualifiers) claim.key = intern(state, factKey(claim.predicate, claim.qualifiers));
        inc.claims.set(claim.claimId, claim);
      }
      return counted;
    }
    default:
      return false;
  }
}

export function claimView(c: ClaimState): ClaimView {
  // Built key by key so that absent optional fields are omitted, never null, in a readable order.
  const v: Record<string, unknown> = { claimId: c.claimId, predicate: c.predicate };
  if (c.qualifiers !== undefined) v.qualifiers = c.qualifiers;
  v.sourceId = c.sourceId;
  v.value = c.value;
  v.statedAt = c.statedAt;
  v.status = c.status;
  v.rank = c.rank;
  v.revisionCount = c.revisionCount;
  v.correctionCount = c.correctionCount;
  if (c.citation !== undefined) v.citation = c.citation;
  if (c.mode !== undefined) v.mode = c.mode;
  if (c.note !== undefined) v.note = c.note;
  v.recordedAt = new Date(c.recordedAt).toISOString();
  return v as unknown as ClaimView;
}

/** Groups claims by fact key, keys sorted. `only` restricts to some keys (the timeline's headline). */
export function resolveFacts(inc: IncidentState, only?: ReadonlySet<string>): Record<string, FactView> {
  const byKey = new Map<string, ClaimState[]>();
  for (const c of inc.claims.values()) {
    if (only !== undefined && !only.has(c.key)) continue;
    let list = byKey.get(c.key);
    if (list === undefined) byKey.set(c.key, (list = []));
    list.push(c);
  }
  const facts: Record<string, FactView> = {};
  for (const key of [...byKey.keys()].sort()) {
    const claims = byKey.get(key) ?? [];
    const first = claims[0];
    if (first === undefined) continue;
    facts[key] = { ...resolveFact(first.predicate, claims), claims: claims.map(claimView) };
  }
  return facts;
}

export type IncidentFieldsView = Omit<IncidentView, 'facts' | 'revision' | 'updatedAt'>;

export function incidentFields(inc: IncidentState): IncidentFieldsView {
  const f = inc.fields;
  const v: Record<string, unknown> = { incidentId: inc.incidentId, title: f.title };
  if (f.summary !== undefined) v.summary = f.summary;
  v.occurredAt = f.occurredAt;
  v.location = f.location;
  v.category = f.category;
  v.tags = f.tags;
  return v as unknown as IncidentFieldsView;
}

/** The JSON-ready view, uncached. */
export function viewOf(inc: IncidentState): IncidentView {
  return { ...incidentFields(inc), facts: resolveFacts(inc), revision: inc.revision, updatedAt: inc.updatedAt };
}

/**
 * The current view of an incident, or undefined when unknown. The returned object is shared with
 * later readers: treat it as read-only.
 */
export function getIncident(state: ViewState, incidentId: string): IncidentView | undefined {
  const cached = state.cache.get(incidentId);
  if (cached !== undefined) {
    state.cache.delete(incidentId);
    state.cache.set(incidentId, cached);
    return cached;
  }
  const inc = state.incidents.get(incidentId);
  if (inc === undefined) return undefined;
  const view = viewOf(inc);
  if (state.cacheLimit > 0) {
    state.cache.set(incidentId, view);
    if (state.cache.size > state.cacheLimit) {
      const oldest = state.cache.keys().next();
      if (oldest.done !== true) state.cache.delete(oldest.value);
    }
  }
  return view;
}

/** One claim as in the view, with the key of the fact it now belongs to. */
export function getClaim(state: ViewState, incidentId: string, claimId: string): (ClaimView & { fact: string }) | undefined {
  const c = state.incidents.get(incidentId)?.claims.get(claimId);
  return c === undefined ? undefined : { ...claimView(c), fact: c.key };
}

/** Folds a list of events (any streams) into a fresh view state, with an optional statement-time filter. */
export function foldView(events: Iterable<StoredEvent>, opts: KnownAtOptions = {}): ViewState {
  const state = initialViewState({ ...opts, cacheLimit: 0 });
  for (const e of events) applyToIncident(state, e);
  return state;
}

/**
 * The view of ONE incident from its stream's events (already cut at asOf or atRevision by the
 * caller); undefined when the incident was not registered within them.
 */
export function buildIncidentView(events: readonly StoredEvent[], opts: KnownAtOptions = {}): IncidentView | undefined {
  const state = foldView(events, opts);
  const inc = state.incidents.values().next();
  return inc.done === true ? undefined : viewOf(inc.value);
}

const STATUSES: Record<ClaimStatus, ClaimStatus> = { active: 'active', retracted: 'retracted', voided: 'voided' };
const RANKS: Record<RankName, RankName> = { preferred: 'preferred', normal: 'normal', deprecated: 'deprecated' };

export const incidentView: Projection<ViewState> = {
  name: 'incident-view',
  // 2: claims carry correctionCount and pendingRank.
  version: 2,
  initial: () => initialViewState(),
  apply(state: ViewState, e: StoredEvent): ViewState {
    applyToIncident(state, e);
    return state;
  },
  serialize(state: ViewState): string {
    const ids = [...state.incidents.keys()].sort();
    const out: unknown[] = [];
    for (const id of ids) {
      const inc = state.incidents.get(id);
      if (inc !== undefined) out.push(viewOf(inc));
    }
    // Canonical JSON (keys sorted): live events and events read back from a store may differ in key order.
    return canonicalize({ incidents: out, order: state.order.map((i) => i.incidentId) }) ?? '';
  },
  forSnapshot(state: ViewState): ViewState {
    return { ...state, cache: new Map(), items: new Map() };
  },
  afterRestore(state: ViewState): ViewState {
    // Share one copy of each repeated string again, as the live fold does: at a million events the
    // copies v8.deserialize makes cost more memory than the claims themselves.
    for (const inc of state.incidents.values()) {
      for (const c of inc.claims.values()) {
        c.predicate = intern(state, c.predicate);
        c.key = intern(state, c.key);
        c.sourceId = intern(state, c.sourceId);
        if (c.mode !== undefined) c.mode = intern(state, c.mode);
        c.status = STATUSES[c.status];
        c.rank = RANKS[c.rank];
      }
    }
    return state;
  },
};
