/**
 * Sources with counts over the claims NOW attributed to them: an erratum that moves a claim's
 * sourceId moves the claim and everything counted about it.
 *
 * Counts (choices where DESIGN.md is silent): `claims` = claims attributed and not voided (a claim
 * voided as wrong-incident is recorded anew on the right incident, and would count twice);
 * `revisions` = ClaimRevised events on them; `retractions` = those now retracted (a retraction undone
 * by an erratum was recorded in error and does not count against the source); `errata` =
 * ClaimCorrected events on them; `deprecated` = those now ranked deprecated.
 */
import canonicalize from 'canonicalize';
import type { SourceFields } from '../src/domain/events.ts';
import type { StoredEvent } from '../src/store/port.ts';
import { decodeCursor, encodeCursor, InvalidQuery } from './cursor.ts';
import { dataOf, incidentIdOf, knownAtInstant, sourceIdOf, stated } from './event-data.ts';
import type { KnownAtOptions } from './event-data.ts';
import type { Projection } from './projection.ts';

export interface SourceCounts {
  claims: number;
  revisions: number;
  retractions: number;
  errata: number;
  deprecated: number;
}

export interface SourceView extends SourceFields {
  sourceId: string;
  counts: SourceCounts;
  revision: number;
  updatedAt: string;
}

interface SourceRecord {
  sourceId: string;
  fields: SourceFields;
  revision: number;
  updatedAt: string;
}

/** What the counts need of one claim, decoded from its packed form. */
interface ClaimTally {
  sourceId: string;
  revisions: number;
  errata: number;
  retracted: boolean;
  deprecated: boolean;
  voided: boolean;
}

export interface SourcesState {
  sources: Map<string, SourceRecord>;
  /** Source ids sorted, for paging. */
  ids: string[];
  /** Kept apart from the records so that counts never depend on the order streams are read in. */
  counts: Map<string, SourceCounts>;
  /** incidentId → its claims' tallies. */
  claims: Map<string, IncidentTallies>;
  sourceIds: Map<string, string>;
  knownAt: number;
}

/**
 * One entry per claim in the log, so packed: parallel arrays (a double array stores its numbers
 * unboxed) instead of a Map of objects, which cost five times as much at a million events. Claims are
 * found by a linear scan until an incident has many, then through a Map.
 */
interface IncidentTallies {
  ids: string[];
  sources: string[];
  /** revisions + errata·2^20 + (retracted | deprecated·2 | voided·4)·2^40 */
  packed: number[];
  lookup: Map<string, number> | undefined;
}

const LOOKUP_FROM = 32;
const P20 = 2 ** 20;
const P40 = 2 ** 40;
const CAP = P20 - 1;

function findClaim(t: IncidentTallies, claimId: string): number {
  if (t.lookup !== undefined) return t.lookup.get(claimId) ?? -1;
  return t.ids.indexOf(claimId);
}

function decode(t: IncidentTallies, i: number): ClaimTally {
  const p = t.packed[i] ?? 0;
  const flags = Math.floor(p / P40);
  return {
    sourceId: t.sources[i] ?? '',
    revisions: p % P20,
    errata: Math.floor(p / P20) % P20,
    retracted: (flags & 1) !== 0,
    deprecated: (flags & 2) !== 0,
    voided: (flags & 4) !== 0,
  };
}

function encode(c: ClaimTally): number {
  const flags = (c.retracted ? 1 : 0) | (c.deprecated ? 2 : 0) | (c.voided ? 4 : 0);
  return Math.min(c.revisions, CAP) + Math.min(c.errata, CAP) * P20 + flags * P40;
}

function addClaim(t: IncidentTallies, claimId: string, c: ClaimTally): void {
  const i = t.ids.length;
  t.ids.push(claimId);
  t.sources.push(c.sourceId);
  t.packed.push(encode(c));
  if (t.lookup !== undefined) t.lookup.set(claimId, i);
  else if (t.ids.length > LOOKUP_FROM) t.lookup = new Map(t.ids.map((id, k) => [id, k]));
}

export function initialSourcesState(opts: KnownAtOptions = {}): SourcesState {
  return { sources: new Map(), ids: [], counts: new Map(), claims: new Map(), sourceIds: new Map(), knownAt: knownAtInstant(opts.knownAt) };
}

function countsOf(state: SourcesState, sourceId: string): SourceCounts {
  let c = state.counts.get(sourceId);
  if (c === undefined) state.counts.set(sourceId, (c = { claims: 0, revisions: 0, retractions: 0, errata: 0, deprecated: 0 }));
  return c;
}

/** Adds (sign 1) or removes (sign -1) a claim's contribution to its source's counts. */
function tally(state: SourcesState, t: ClaimTally, sign: 1 | -1): void {
  if (t.voided) return;
  const c = countsOf(state, t.sourceId);
  c.claims += sign;
  c.revisions += sign * t.revisions;
  c.errata += sign * t.errata;
  if (t.retracted) c.retractions += sign;
  if (t.deprecated) c.deprecated += sign;
}

function applySourceEvent(state: SourcesState, sourceId: string, e: StoredEvent): void {
  if (e.type === 'SourceRegistered') {
    if (state.sources.has(sourceId)) return;
    const { sourceId: _id, ...fields } = dataOf(e, 'SourceRegistered');
    state.sources.set(sourceId, { sourceId, fields, revision: Number(e.revision), updatedAt: e.recordedAt });
    let lo = 0;
    let hi = state.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((state.ids[mid] as string) < sourceId) lo = mid + 1;
      else hi = mid;
    }
    state.ids.splice(lo, 0, sourceId);
    return;
  }
  const rec = state.sources.get(sourceId);
  if (rec === undefined) return;
  if (e.type === 'SourceAmended') {
    const fields: SourceFields = { ...rec.fields };
    for (const [k, v] of Object.entries(dataOf(e, 'SourceAmended').changes)) if (v !== undefined) (fields as Record<string, unknown>)[k] = v;
    rec.fields = fields;
  }
  rec.revision = Number(e.revision);
  rec.updatedAt = e.recordedAt;
}

function applyClaimEvent(state: SourcesState, incidentId: string, e: StoredEvent): void {
  if (!e.type.startsWith('Claim')) return;
  let claims = state.claims.get(incidentId);
  if (e.type === 'ClaimRecorded') {
    const d = dataOf(e, 'ClaimRecorded');
    if (!stated(d.statedAt, state.knownAt)) return;
    if (claims === undefined) state.claims.set(incidentId, (claims = { ids: [], sources: [], packed: [], lookup: undefined }));
    if (findClaim(claims, d.claimId) >= 0) return;
    const t: ClaimTally = { sourceId: internSource(state, d.sourceId), revisions: 0, errata: 0, retracted: false, deprecated: false, voided: false };
    addClaim(claims, d.claimId, t);
    tally(state, t, 1);
    return;
  }
  const claimId = (e.data as { claimId?: unknown }).claimId;
  if (claims === undefined || typeof claimId !== 'string') return;
  const i = findClaim(claims, claimId);
  if (i < 0) return;
  const t = decode(claims, i);
  tally(state, t, -1);
  switch (e.type) {
    case 'ClaimRevised':
      if (stated(dataOf(e, 'ClaimRevised').statedAt, state.knownAt)) t.revisions++;
      break;
    case 'ClaimRetracted':
      if (stated(dataOf(e, 'ClaimRetracted').statedAt, state.knownAt)) t.retracted = true;
      break;
    case 'ClaimCorrected': {
      const d = dataOf(e, 'ClaimCorrected');
      t.errata++;
      if (d.changes.sourceId !== undefined) t.sourceId = internSource(state, d.changes.sourceId);
      if (d.restore === true) t.retracted = false;
      if (d.reason === 'wrong-incident') t.voided = true;
      break;
    }
    case 'ClaimRanked':
      t.deprecated = dataOf(e, 'ClaimRanked').rank === 'deprecated';
      break;
  }
  tally(state, t, 1);
  claims.sources[i] = t.sourceId;
  claims.packed[i] = encode(t);
}

/** Tallies share one copy of each source id rather than keeping every event's own string alive. */
function internSource(state: SourcesState, sourceId: string): string {
  const found = state.sourceIds.get(sourceId);
  if (found !== undefined) return found;
  state.sourceIds.set(sourceId, sourceId);
  return sourceId;
}

export function applyToSources(state: SourcesState, e: StoredEvent): SourcesState {
  const sourceId = sourceIdOf(e);
  if (sourceId !== undefined) {
    applySourceEvent(state, sourceId, e);
    return state;
  }
  const incidentId = incidentIdOf(e);
  if (incidentId !== undefined) applyClaimEvent(state, incidentId, e);
  return state;
}

function viewOf(state: SourcesState, rec: SourceRecord): SourceView {
  const c = state.counts.get(rec.sourceId);
  return {
    sourceId: rec.sourceId,
    ...rec.fields,
    counts: c === undefined ? { claims: 0, revisions: 0, retractions: 0, errata: 0, deprecated: 0 } : { ...c },
    revision: rec.revision,
    updatedAt: rec.updatedAt,
  };
}

export function getSource(state: SourcesState, sourceId: string): SourceView | undefined {
  const rec = state.sources.get(sourceId);
  return rec === undefined ? undefined : viewOf(state, rec);
}

/** Sources ordered by sourceId; the cursor is the last id of the previous page. */
export function listSources(state: SourcesState, query: { limit: number; cursor?: string }): { items: SourceView[]; nextCursor: string | null } {
  if (!Number.isInteger(query.limit) || query.limit < 1) throw new InvalidQuery('invalid-query', 'limit', 'limit must be a positive integer');
  let start = 0;
  if (query.cursor !== undefined) {
    const key = decodeCursor(query.cursor);
    const after = key[0];
    if (key.length !== 1 || typeof after !== 'string') throw new InvalidQuery('invalid-cursor', 'cursor', 'cursor is not a cursor this API returned');
    let hi = state.ids.length;
    while (start < hi) {
      const mid = (start + hi) >>> 1;
      if ((state.ids[mid] as string) <= after) start = mid + 1;
      else hi = mid;
    }
  }
  const ids = state.ids.slice(start, start + query.limit);
  const items: SourceView[] = [];
  for (const id of ids) {
    const rec = state.sources.get(id);
    if (rec !== undefined) items.push(viewOf(state, rec));
  }
  const last = ids[ids.length - 1];
  return { items, nextCursor: start + query.limit < state.ids.length && last !== undefined ? encodeCursor([last]) : null };
}

/** Sources as of a point: fold the events the caller cut at asOf, with the knownAt filter. */
export function buildSources(events: Iterable<StoredEvent>, opts: KnownAtOptions = {}): SourcesState {
  const state = initialSourcesState(opts);
  for (const e of events) applyToSources(state, e);
  return state;
}

export const sources: Projection<SourcesState> = {
  name: 'sources',
  version: 1,
  initial: () => initialSourcesState(),
  apply: applyToSources,
  serialize(state: SourcesState): string {
    const out: SourceView[] = [];
    for (const id of [...state.sources.keys()].sort()) {
      const rec = state.sources.get(id);
      if (rec !== undefined) out.push(viewOf(state, rec));
    }
    return canonicalize(out) ?? '';
  },
};
