/**
 * A claim's layers: the original statement, then each revision by its source, each fixed by our
 * errata (docs/resolution.md, "A claim's layers"). This is the one place that says what a claim is
 * after an event; `decide` (through evolve) and every projection call it, so the view can never
 * disagree with what was decided.
 *
 * It also applies the statement-time filter (`knownAt`): a source's revision or retraction stated
 * after it does not count, while our own errata and ranks apply as recorded. Two consequences:
 * - an erratum fixes the layer that was latest when it was recorded; when that layer is hidden
 *   under knownAt, the shown (older) layer keeps its value, statedAt and citation;
 * - a rank judges the layer that was current when it was recorded and every later one, so under
 *   knownAt it does not apply to an earlier layer: it waits (`pendingRank`) until a later layer shows.
 */
import type { z } from 'zod';
import type { ClaimRecordedData, IncidentEvent } from './events.ts';
import type { ClaimValue, PredicateName, Qualifiers } from './predicates.ts';
import { statedInstant, type Citation, type Rank } from './values.ts';

export type ClaimStatus = 'active' | 'retracted' | 'voided';
export type RankName = z.infer<typeof Rank>;

/** Optional fields are undefined rather than absent, so that every claim object has one shape. */
export interface ClaimLayers {
  claimId: string;
  predicate: PredicateName;
  /** Undefined when the claim has none: `deaths` and `deaths[]` are one fact. */
  qualifiers: Qualifiers | undefined;
  sourceId: string;
  value: ClaimValue;
  statedAt: string;
  /** The shown layer's own citation: a revision without one leaves the claim without one. */
  citation: Citation | undefined;
  /** The latest note the source's statements gave (a revision's note replaces the earlier one). */
  note: string | undefined;
  /**
   * Pointers (into the data of the events that gave them) of the shown value and note when a
   * redaction erased them: they read as null (docs/log.md). A citation lists its own.
   */
  redacted: string[] | undefined;
  status: ClaimStatus;
  rank: RankName;
  /** A rank recorded while the latest layer is hidden under knownAt; it applies once a later layer shows. */
  pendingRank: RankName | undefined;
  /** Revisions shown (under knownAt, those stated by then). */
  revisionCount: number;
  /** Our errata of the claim. */
  correctionCount: number;
  /** Under knownAt: the claim's latest recorded layer is a revision stated after knownAt. */
  latestHidden: boolean;
}

/** The events after a claim's recording: each names the claim by `claimId`. */
export type ClaimLayerEvent = Extract<IncidentEvent, { type: 'ClaimRevised' | 'ClaimRetracted' | 'ClaimCorrected' | 'ClaimRanked' }>;

const LAYER_EVENT_TYPES: ReadonlySet<string> = new Set(['ClaimRevised', 'ClaimRetracted', 'ClaimCorrected', 'ClaimRanked']);

/** Trusts the data of a stored event of one of these types: the store validated it when it was written. */
export function isClaimLayerEvent(e: { type: string; data: unknown }): e is ClaimLayerEvent {
  return LAYER_EVENT_TYPES.has(e.type);
}

export interface NextClaim<C extends ClaimLayers> {
  claim: C;
  /** False when the event does not count under knownAt (a statement made after it). */
  counted: boolean;
}

/** "Everything counts": the filter of the live record. */
export const ALL_KNOWN = Number.POSITIVE_INFINITY;

/** knownAt (an RFC 3339 date-time, or a date meaning the end of that day) as an instant; ALL_KNOWN when absent. */
export function knownAtInstant(knownAt: string | undefined): number {
  if (knownAt === undefined) return ALL_KNOWN;
  const t = statedInstant(knownAt);
  if (Number.isNaN(t)) throw new RangeError(`knownAt is not a date-time: ${knownAt}`);
  return t;
}

/** Whether a source's statement dated `statedAt` had been made by the instant `knownAt`. */
export function statedBy(statedAt: string, knownAt: number): boolean {
  return knownAt === ALL_KNOWN || statedInstant(statedAt) <= knownAt;
}

/** The erased pointers among `wanted` that `data` lists (see readData in projections), after `kept`. */
function erasedOf(data: object, kept: readonly string[] | undefined, wanted: readonly string[]): string[] | undefined {
  const listed = (data as { redacted?: unknown }).redacted;
  const own = Array.isArray(listed) ? (listed as string[]).filter((p) => wanted.includes(p)) : [];
  const all = [...(kept ?? []), ...own];
  return all.length === 0 ? undefined : all;
}

export function nonEmptyQualifiers(q: Qualifiers | undefined): Qualifiers | undefined {
  return q === undefined || Object.keys(q).length === 0 ? undefined : q;
}

/** The claim as its first layer, or undefined when that statement was made after knownAt. */
export function recordedClaim(d: ClaimRecordedData, knownAt: number = ALL_KNOWN): ClaimLayers | undefined {
  if (!statedBy(d.statedAt, knownAt)) return undefined;
  return {
    claimId: d.claimId, predicate: d.predicate, qualifiers: nonEmptyQualifiers(d.qualifiers), sourceId: d.sourceId,
    value: d.value, statedAt: d.statedAt, citation: d.citation, note: d.note, redacted: erasedOf(d, undefined, ['/value', '/note']),
    status: 'active', rank: 'normal', pendingRank: undefined, revisionCount: 0, correctionCount: 0, latestHidden: false,
  };
}

/**
 * The fields of a claim that its events decide without reading its layers' content: who said it,
 * its status and rank, and what is counted of it. The counts of a source need only these.
 */
export type ClaimStanding = Pick<ClaimLayers, 'sourceId' | 'status' | 'rank' | 'pendingRank' | 'revisionCount' | 'correctionCount' | 'latestHidden'>;

/** What one event did to a claim's standing: whether it counts under knownAt, and whether it changed the claim at all. */
export interface StandingChange {
  readonly counted: boolean;
  readonly changed: boolean;
}
const CHANGED: StandingChange = { counted: true, changed: true };
const UNCHANGED: StandingChange = { counted: true, changed: false };
const HIDDEN: StandingChange = { counted: false, changed: true };
const HIDDEN_UNCHANGED: StandingChange = { counted: false, changed: false };

/**
 * The standing after one more event, written into `s` in place (nextClaim gives it a copy; a
 * projection that keeps only the standing, packed, gives it the decoded one). When `changed` is
 * false, nothing of the claim changes, its layers included.
 */
export function applyStanding(s: ClaimStanding, e: ClaimLayerEvent, knownAt: number = ALL_KNOWN): StandingChange {
  switch (e.type) {
    case 'ClaimRevised':
      if (!statedBy(e.data.statedAt, knownAt)) {
        if (s.latestHidden) return HIDDEN_UNCHANGED;
        s.latestHidden = true;
        return HIDDEN;
      }
      s.rank = s.pendingRank ?? s.rank;
      s.pendingRank = undefined;
      s.revisionCount += 1;
      s.latestHidden = false;
      return CHANGED;
    case 'ClaimRetracted':
      if (!statedBy(e.data.statedAt, knownAt)) return HIDDEN_UNCHANGED;
      if (s.status !== 'active') return UNCHANGED;
      s.status = 'retracted';
      return CHANGED;
    case 'ClaimCorrected': {
      const d = e.data;
      s.correctionCount += 1;
      // Who said it belongs to the claim, not to one layer.
      if (d.changes.sourceId !== undefined) s.sourceId = d.changes.sourceId;
      if (d.restore === true && s.status === 'retracted') s.status = 'active';
      if (d.reason === 'wrong-incident') s.status = 'voided';
      return CHANGED;
    }
    case 'ClaimRanked':
      if (s.latestHidden) s.pendingRank = e.data.rank;
      else {
        s.rank = e.data.rank;
        s.pendingRank = undefined;
      }
      return CHANGED;
  }
}

/**
 * The claim after one more event about it, in place: its standing (applyStanding), then its shown
 * layer. For a read model whose claim objects are its own (nothing keeps one across events);
 * nextClaim is the form that leaves its claim as it was.
 */
export function moveClaimOn(c: ClaimLayers, e: ClaimLayerEvent, knownAt: number = ALL_KNOWN): StandingChange {
  // An erratum fixes the layer that was latest before it: a hidden one leaves the shown layer as it was.
  const latestHidden = c.latestHidden;
  const change = applyStanding(c, e, knownAt);
  if (!change.changed) return change;
  if (e.type === 'ClaimRevised' && change.counted) {
    const d = e.data;
    // Read before the note is replaced: a redacted note reads as null, and still replaces the earlier one.
    c.redacted = erasedOf(d, d.note === undefined ? c.redacted?.filter((p) => p === '/note') : undefined, ['/value', '/note']);
    c.value = d.value;
    c.statedAt = d.statedAt;
    c.citation = d.citation;
    if (d.note !== undefined) c.note = d.note;
  } else if (e.type === 'ClaimCorrected') {
    const ch = e.data.changes;
    if (!latestHidden) {
      if (ch.value !== undefined) {
        c.redacted = erasedOf(ch, c.redacted?.filter((p) => p === '/note'), ['/changes/value']);
        c.value = ch.value;
      }
      if (ch.statedAt !== undefined) c.statedAt = ch.statedAt;
      if (ch.citation !== undefined) c.citation = ch.citation;
    }
    // Which fact it is about belongs to the claim, not to one layer.
    if (ch.qualifiers !== undefined) c.qualifiers = nonEmptyQualifiers(ch.qualifiers);
  }
  return change;
}

/**
 * The claim after one more event about it (moveClaimOn on a copy). Never mutates `claim`, and gives
 * it back when the event changes nothing; a projection that keeps more per claim (a fact key,
 * interned strings) passes its own object and gets the same kind back.
 */
export function nextClaim<C extends ClaimLayers>(claim: C, e: ClaimLayerEvent, knownAt: number = ALL_KNOWN): NextClaim<C> {
  const next: C = { ...claim };
  const { counted, changed } = moveClaimOn(next, e, knownAt);
  return { claim: changed ? next : claim, counted };
}
