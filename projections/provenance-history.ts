/**
 * Provenance: per incident, one entry per event, oldest first, with what the event changed.
 *
 * The fold keeps a compact record per event (its data by reference, shared with the other read
 * models) and entries are derived when read, by replaying the incident's records through the same
 * claim logic as the view. Materialising a million entries with their before/after objects would
 * cost several times the memory, and an incident's history is short enough to replay per read.
 */
import canonicalize from 'canonicalize';
import type { IncidentAmendedData, IncidentFields } from '../src/domain/events.ts';
import type { Qualifiers } from '../src/domain/predicates.ts';
import type { Citation } from '../src/domain/values.ts';
import type { StoredEvent } from '../src/store/port.ts';
import { intern } from './collections.ts';
import { dataOf, incidentIdOf, readData, redactedListOf } from './event-data.ts';
import type { KnownAtOptions } from './event-data.ts';
import { applyIncidentEvent, fieldsOf, initialViewState } from './incident-view/fold.ts';
import type { ClaimState, ViewState } from './incident-view/fold.ts';
import type { Projection } from './projection.ts';

export interface HistoryEntry {
  revision: number;
  index: number;
  recordedAt: string;
  actor: string;
  type: string;
  claimId?: string;
  /** The fact key of the claim once the event applied (an erratum moving qualifiers names the new key). */
  fact?: string;
  sourceId?: string;
  statedAt?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  reason?: string;
  note?: string;
  citation?: Citation;
  /** Pointers into the event's data that a redaction erased (their values read as null). */
  redacted?: string[];
}

/** One event, as much as its history entry needs. */
interface EventRecord {
  revision: number;
  index: number;
  recordedAt: string;
  actor: string;
  type: string;
  data: unknown;
}

/**
 * An incident's events, column by column: a million record objects with their own recordedAt strings
 * would cost about three times as much. recordedAt is kept as epoch ms; the store writes it as
 * `toISOString()` does, so it is given back byte for byte.
 */
interface IncidentLog {
  revision: number[];
  index: number[];
  recordedAt: number[];
  actor: string[];
  type: string[];
  data: unknown[];
}

export interface HistoryState {
  incidents: Map<string, IncidentLog>;
  /** A million events carry a handful of distinct actors and types: keep one copy of each string. */
  strings: Map<string, string>;
}

export interface HistoryFilter {
  /** Entries whose fact is this key, and errata that moved a claim away from it. */
  fact?: string;
  claimId?: string;
}


function emptyLog(): IncidentLog {
  return { revision: [], index: [], recordedAt: [], actor: [], type: [], data: [] };
}

function push(state: HistoryState, log: IncidentLog, e: StoredEvent): void {
  log.revision.push(Number(e.revision));
  log.index.push(Number(e.index));
  log.recordedAt.push(Date.parse(e.recordedAt));
  log.actor.push(intern(state.strings, e.metadata.actor));
  log.type.push(intern(state.strings, e.type));
  log.data.push(readData(e));
}

function* records(log: IncidentLog): Generator<EventRecord> {
  for (let i = 0; i < log.data.length; i++) {
    yield {
      revision: log.revision[i] ?? 0,
      index: log.index[i] ?? 0,
      recordedAt: new Date(log.recordedAt[i] ?? 0).toISOString(),
      actor: log.actor[i] ?? '',
      type: log.type[i] ?? '',
      data: log.data[i],
    };
  }
}

interface ClaimSnapshot {
  key: string;
  value: unknown;
  statedAt: string;
  sourceId: string;
  status: string;
  rank: string;
  citation: Citation | undefined;
  qualifiers: Qualifiers | undefined;
}

function snapshot(c: ClaimState | undefined): ClaimSnapshot | undefined {
  return c === undefined
    ? undefined
    : { key: c.key, value: c.value, statedAt: c.statedAt, sourceId: c.sourceId, status: c.status, rank: c.rank, citation: c.citation, qualifiers: c.qualifiers };
}

/** Sets `key` only when the value is present: optional fields are omitted, never null. */
function put(o: object, key: string, v: unknown): void {
  if (v !== undefined) (o as Record<string, unknown>)[key] = v;
}

const CORRECTABLE = ['value', 'sourceId', 'statedAt', 'citation', 'qualifiers'] as const;
const LAYER_FIELDS: ReadonlySet<string> = new Set(['value', 'statedAt', 'citation']);

/**
 * Replays one incident's records and derives the entries. Records that do not count (before the
 * registration, filtered out by knownAt, about a claim not known) give no entry.
 */
function entriesOf(recs: Iterable<EventRecord>, view: ViewState, incidentId: string, filter: HistoryFilter = {}): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const r of recs) {
    const inc = view.incidents.get(incidentId);
    const claimId = (r.data as { claimId?: unknown }).claimId;
    const isClaimEvent = r.type.startsWith('Claim') && typeof claimId === 'string';
    const before = isClaimEvent ? snapshot(inc?.claims.get(claimId)) : undefined;
    const fieldsBefore = inc?.fields;
    const latestHiddenBefore = isClaimEvent && inc?.claims.get(claimId)?.latestHidden === true;
    if (!applyIncidentEvent(view, incidentId, r.type, r.data, r.revision, r.recordedAt)) continue;

    const entry: HistoryEntry = { revision: r.revision, index: r.index, recordedAt: r.recordedAt, actor: r.actor, type: r.type };
    let previousFact: string | undefined;
    if (isClaimEvent) {
      const after = snapshot(view.incidents.get(incidentId)?.claims.get(claimId));
      if (after === undefined) continue;
      entry.claimId = claimId;
      entry.fact = after.key;
      entry.sourceId = after.sourceId;
      if (before !== undefined && before.key !== after.key) previousFact = before.key;
      describeClaimEvent(entry, r, before, after, latestHiddenBefore);
    } else if (r.type === 'IncidentRegistered') {
      entry.after = { ...fieldsOf(r.data as IncidentFields) };
    } else if (r.type === 'IncidentAmended') {
      const d = r.data as IncidentAmendedData;
      const b: Record<string, unknown> = {};
      const a: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d.changes)) {
        if (v === undefined) continue;
        put(b, k, (fieldsBefore as Record<string, unknown> | undefined)?.[k]);
        a[k] = v;
      }
      entry.before = b;
      entry.after = a;
      entry.reason = d.reason;
    }
    // What a redaction erased from the event's own fields (a citation lists its own).
    put(entry, 'redacted', redactedListOf(r.data));
    if (filter.claimId !== undefined && entry.claimId !== filter.claimId) continue;
    if (filter.fact !== undefined && entry.fact !== filter.fact && previousFact !== filter.fact) continue;
    out.push(entry);
  }
  return out;
}

function describeClaimEvent(entry: HistoryEntry, r: EventRecord, before: ClaimSnapshot | undefined, after: ClaimSnapshot, hidden: boolean): void {
  switch (r.type) {
    case 'ClaimRecorded': {
      const d = dataOf(r, 'ClaimRecorded');
      entry.statedAt = d.statedAt;
      entry.after = { value: d.value, statedAt: d.statedAt, sourceId: d.sourceId };
      put(entry, 'note', d.note);
      put(entry, 'citation', d.citation);
      return;
    }
    case 'ClaimRevised': {
      const d = dataOf(r, 'ClaimRevised');
      entry.statedAt = d.statedAt;
      if (before !== undefined) entry.before = { value: before.value, statedAt: before.statedAt };
      entry.after = { value: d.value, statedAt: d.statedAt };
      put(entry, 'note', d.note);
      put(entry, 'citation', d.citation);
      return;
    }
    case 'ClaimRetracted': {
      const d = dataOf(r, 'ClaimRetracted');
      entry.statedAt = d.statedAt;
      entry.before = { status: before?.status ?? 'active' };
      entry.after = { status: after.status };
      entry.reason = d.reason;
      put(entry, 'citation', d.citation);
      return;
    }
    case 'ClaimCorrected': {
      const d = dataOf(r, 'ClaimCorrected');
      const b: Record<string, unknown> = {};
      const a: Record<string, unknown> = {};
      for (const k of CORRECTABLE) {
        if (d.changes[k] === undefined) continue;
        // Under knownAt an erratum to a hidden (not yet stated) layer changes nothing that is shown.
        if (hidden && LAYER_FIELDS.has(k)) continue;
        // Absent qualifiers are shown as {} so that a move to or from the unqualified fact is visible.
        put(b, k, k === 'qualifiers' ? (before?.qualifiers ?? {}) : before?.[k]);
        put(a, k, k === 'qualifiers' ? (after.qualifiers ?? {}) : after[k]);
      }
      if (before !== undefined && before.status !== after.status) {
        b.status = before.status;
        a.status = after.status;
      }
      if (Object.keys(a).length > 0 || Object.keys(b).length > 0) {
        entry.before = b;
        entry.after = a;
      }
      entry.reason = d.reason;
      put(entry, 'note', d.note);
      return;
    }
    case 'ClaimRanked': {
      const d = dataOf(r, 'ClaimRanked');
      entry.before = { rank: before?.rank ?? 'normal' };
      entry.after = { rank: d.rank };
      entry.reason = d.reason;
      put(entry, 'note', d.note);
      put(entry, 'citation', d.evidence);
      return;
    }
  }
}

function replay(recs: IncidentLog, incidentId: string, filter: HistoryFilter, opts: KnownAtOptions): HistoryEntry[] | undefined {
  const view = initialViewState({ ...opts, cacheLimit: 0 });
  const out = entriesOf(records(recs), view, incidentId, filter);
  return view.incidents.has(incidentId) ? out : undefined;
}

/** The history of an incident, oldest first; undefined when the incident is unknown. */
export function getHistory(state: HistoryState, incidentId: string, filter: HistoryFilter = {}): HistoryEntry[] | undefined {
  const recs = state.incidents.get(incidentId);
  return recs === undefined ? undefined : replay(recs, incidentId, filter, {});
}

/** The history of one claim (GET /incidents/{id}/claims/{claimId}); undefined when the incident is unknown. */
export function claimHistory(state: HistoryState, incidentId: string, claimId: string): HistoryEntry[] | undefined {
  return getHistory(state, incidentId, { claimId });
}

/**
 * The history of ONE incident from its stream's events (cut at asOf or atRevision by the caller),
 * with the knownAt filter; undefined when the incident was not registered within them.
 */
export function buildHistory(events: readonly StoredEvent[], opts: KnownAtOptions & HistoryFilter = {}): HistoryEntry[] | undefined {
  const first = events[0];
  const incidentId = first === undefined ? undefined : incidentIdOf(first);
  if (incidentId === undefined) return undefined;
  const state: HistoryState = { incidents: new Map(), strings: new Map() };
  const recs = emptyLog();
  for (const e of events) if (incidentIdOf(e) === incidentId) push(state, recs, e);
  return replay(recs, incidentId, { fact: opts.fact, claimId: opts.claimId }, { knownAt: opts.knownAt });
}

export const provenanceHistory: Projection<HistoryState> = {
  name: 'provenance-history',
  version: 1,
  initial: (): HistoryState => ({ incidents: new Map(), strings: new Map() }),
  apply(state: HistoryState, e: StoredEvent): HistoryState {
    const incidentId = incidentIdOf(e);
    if (incidentId === undefined) return state;
    let recs = state.incidents.get(incidentId);
    if (recs === undefined) state.incidents.set(incidentId, (recs = emptyLog()));
    push(state, recs, e);
    return state;
  },
  serialize(state: HistoryState): string {
    const out: Record<string, HistoryEntry[]> = {};
    for (const id of [...state.incidents.keys()].sort()) out[id] = getHistory(state, id) ?? [];
    return canonicalize(out) ?? '';
  },
};
