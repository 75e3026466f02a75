/**
 * Sources with counts over the claims NOW attributed to them: an erratum that moves a claim's
 * sourceId moves the claim and everything counted about it.
 *
 * Counts (choices beyond docs/api.md): `claims` = claims attributed and not voided (a claim
 * voided as wrong-incident is recorded anew on the right incident, and would count twice);
 * `revisions` = ClaimRevised events on them; `retractions` = those now retracted (a retraction undone
 * by an erratum was recorded in error and does not count against the source); `errata` =
 * ClaimCorrected events on them; `deprecated` = those now ranked deprecated.
 */
import canonicalize from 'canonicalize';
import type { SourceFields } from '../src/domain/events.ts';
import type { StoredEvent } from '../src/store/port.ts';
import { intern, lowerBound } from './collections.ts';
import { decodeCursor, encodeCursor, InvalidQuery } from './cursor.ts';
import {
  applyStanding, isClaimLayerEvent, knownAtInstant, recordedClaim, type ClaimStanding, type ClaimStatus, type RankName,
} from '../src/domain/claim-layers.ts';
import { dataOf, incidentIdOf, readData, sourceIdOf } from './event-data.ts';
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

/** What the counts need of one claim: its standing (the domain's applyStanding moves it on), decoded from its packed form. */
type ClaimTally = ClaimStanding;

const STATUS_BITS: Record<ClaimStatus, number> = { active: 0, retracted: 1, voided: 2 };
const STATUSES: readonly ClaimStatus[] = ['active', 'retracted', 'voided'];
const RANK_BITS: Record<RankName, number> = { normal: 0, preferred: 1, deprecated: 2 };
const RANKS: readonly RankName[] = ['normal', 'preferred', 'deprecated'];

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
  /** revisions + errata·2^20 + (status | rank·4 | (pendingRank + 1)·16 | latestHidden·64)·2^40 (pendingRank 0: none) */
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
  const pending = (flags >> 4) & 3;
  return {
    sourceId: t.sources[i] ?? '',
    revisionCount: p % P20,
    correctionCount: Math.floor(p / P20) % P20,
    status: STATUSES[flags & 3] ?? 'active',
    rank: RANKS[(flags >> 2) & 3] ?? 'normal',
    pendingRank: pending === 0 ? undefined : RANKS[pending - 1],
    latestHidden: (flags & 64) !== 0,
  };
}

function encode(c: ClaimTally): number {
  const pending = c.pendingRank === undefined ? 0 : RANK_BITS[c.pendingRank] + 1;
  const flags = STATUS_BITS[c.status] | (RANK_BITS[c.rank] << 2) | (pending << 4) | (c.latestHidden ? 64 : 0);
  return Math.min(c.revisionCount, CAP) + Math.min(c.correctionCount, CAP) * P20 + flags * P40;
}

function tallyOf(c: ClaimTally): ClaimTally {
  return {
    sourceId: c.sourceId, status: c.status, rank: c.rank, pendingRank: c.pendingRank,
    revisionCount: c.revisionCount, correctionCount: c.correctionCount, latestHidden: c.latestHidden,
  };
}

function addClaim(t: IncidentTallies, claimId: string, c: ClaimTally): void {
  const i = t.ids.length;
  t.ids.push(claimId);
  t.sources.push(c.sourceId);
  t.packed.push(encode(c));
  if (t.lookup !== undefined) t.lookup.set(claimId, i);
  else if (t.ids.length > LOOKUP_FROM) t.lookup = new Map(t.ids.map((id, k) => [id, k]));
}

/** Every incident's tallies end to end, as a snapshot keeps them: two strings and two typed arrays instead of a quarter of a million array slots at a million events. */
interface PackedTallies {
  incidents: string[];
  /** Claims per incident, in the order of `incidents`. */
  counts: Uint32Array;
  /** JSON arrays of every claim id and every claim's source id. */
  ids: string;
  sources: string;
  packed: Float64Array;
}

function packTallies(claims: Map<string, IncidentTallies>): PackedTallies {
  const incidents: string[] = [];
  const counts = new Uint32Array(claims.size);
  const ids: string[] = [];
  const sources: string[] = [];
  const packed: number[] = [];
  for (const [incidentId, t] of claims) {
    counts[incidents.push(incidentId) - 1] = t.ids.length;
    // Not push(...): an incident's claims may outnumber the arguments a call can take.
    for (let k = 0; k < t.ids.length; k++) {
      ids.push(t.ids[k]!);
      sources.push(t.sources[k]!);
      packed.push(t.packed[k]!);
    }
  }
  return { incidents, counts, ids: JSON.stringify(ids), sources: JSON.stringify(sources), packed: Float64Array.from(packed) };
}

function unpackTallies(p: PackedTallies): Map<string, IncidentTallies> {
  const ids = JSON.parse(p.ids) as string[];
  const sources = JSON.parse(p.sources) as string[];
  const strings = new Map<string, string>();
  const claims = new Map<string, IncidentTallies>();
  let at = 0;
  p.incidents.forEach((incidentId, i) => {
    const n = p.counts[i] ?? 0;
    const t: IncidentTallies = {
      ids: ids.slice(at, at + n),
      sources: sources.slice(at, at + n).map((s) => intern(strings, s)),
      packed: Array.from(p.packed.subarray(at, at + n)),
      lookup: undefined,
    };
    if (n > LOOKUP_FROM) t.lookup = new Map(t.ids.map((id, k) => [id, k]));
    claims.set(incidentId, t);
    at += n;
  });
  return claims;
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
  if (t.status === 'voided') return;
  const c = countsOf(state, t.sourceId);
  c.claims += sign;
  c.revisions += sign * t.revisionCount;
  c.errata += sign * t.correctionCount;
  if (t.status === 'retracted') c.retractions += sign;
  if (t.rank === 'deprecated') c.deprecated += sign;
}

function applySourceEvent(state: SourcesState, sourceId: string, e: StoredEvent): void {
  if (e.type === 'SourceRegistered') {
    if (state.sources.has(sourceId)) return;
    const { sourceId: _id, ...fields } = dataOf(e, 'SourceRegistered');
    state.sources.set(sourceId, { sourceId, fields, revision: Number(e.revision), updatedAt: e.recordedAt });
    state.ids.splice(lowerBound(state.ids, (id) => (id < sourceId ? -1 : id > sourceId ? 1 : 0)), 0, sourceId);
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
    if (claims !== undefined && findClaim(claims, d.claimId) >= 0) return;
    const layers = recordedClaim(d, state.knownAt);
    if (layers === undefined) return;
    if (claims === undefined) state.claims.set(incidentId, (claims = { ids: [], sources: [], packed: [], lookup: undefined }));
    const t = tallyOf(layers);
    t.sourceId = internSource(state, d.sourceId);
    addClaim(claims, d.claimId, t);
    tally(state, t, 1);
    return;
  }
  const event = { type: e.type, data: readData(e) };
  if (claims === undefined || !isClaimLayerEvent(event)) return;
  const i = findClaim(claims, event.data.claimId);
  if (i < 0) return;
  // Moved on in place: the counts read only the standing, so the layers are never rebuilt here.
  // An event that changes nothing takes its claim out of the counts and puts it back as it was.
  const t = decode(claims, i);
  const sourceId = t.sourceId;
  tally(state, t, -1);
  applyStanding(t, event, state.knownAt);
  if (t.sourceId !== sourceId) t.sourceId = internSource(state, t.sourceId);
  tally(state, t, 1);
  claims.sources[i] = t.sourceId;
  claims.packed[i] = encode(t);
}

/** Tallies share one copy of each source id rather than keeping every event's own string alive. */
function internSource(state: SourcesState, sourceId: string): string {
  return intern(state.sourceIds, sourceId);
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
  // 2: tallies pack the claim's rank and its statement-time state. 3: snapshots keep them end to end.
  version: 3,
  initial: () => initialSourcesState(),
  apply: applyToSources,
  forSnapshot: (state) => ({ ...state, claims: packTallies(state.claims) }),
  afterRestore: (stored) => {
    const s = stored as Omit<SourcesState, 'claims'> & { claims: PackedTallies };
    return { ...s, claims: unpackTallies(s.claims) };
  },
  serialize(state: SourcesState): string {
    const out: SourceView[] = [];
    for (const id of [...state.sources.keys()].sort()) {
      const rec = state.sources.get(id);
      if (rec !== undefined) out.push(viewOf(state, rec));
    }
    return canonicalize(out) ?? '';
  },
  items(state: SourcesState): Map<string, string> {
    const out = new Map<string, string>();
    for (const [id, rec] of state.sources) out.set(id, canonicalize(viewOf(state, rec)) ?? '');
    return out;
  },
};
