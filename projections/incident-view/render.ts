/**
 * The answer of GET /incidents/{id}: an incident's registered fields and every fact resolved from
 * its claims, JSON-ready (optional fields omitted, never null).
 */
import type { IncidentFields } from '../../src/domain/events.ts';
import type { ClaimValue, PredicateName, Qualifiers } from '../../src/domain/predicates.ts';
import type { Citation, Location, TimeValue } from '../../src/domain/values.ts';
import type { StoredEvent } from '../../src/store/port.ts';
import type { KnownAtOptions } from '../event-data.ts';
import { resolveFact } from '../resolve.ts';
import type { ClaimStatus, RankName, Resolution } from '../resolve.ts';
import { foldView, type ClaimState, type IncidentState, type ViewState } from './fold.ts';

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
  /** Pointers a redaction erased from the shown value and note (docs/log.md). */
  redacted?: string[];
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
  if (c.redacted !== undefined) v.redacted = c.redacted;
  v.recordedAt = new Date(c.recordedAt).toISOString();
  return v as unknown as ClaimView;
}

/** Claims rendered between two steps of factsSteps: a few milliseconds of work. */
export const RENDER_STEP = 2_000;

/** Groups claims by fact key, keys sorted. `only` restricts to some keys (the timeline's headline). */
export function resolveFacts(inc: IncidentState, only?: ReadonlySet<string>): Record<string, FactView> {
  return runSteps(factsSteps(inc, only));
}

/**
 * resolveFacts in steps: pauses (yields) after every RENDER_STEP claims, so that a caller that
 * renders a large incident can let other work run between the steps.
 */
export function* factsSteps(inc: IncidentState, only?: ReadonlySet<string>): Generator<void, Record<string, FactView>> {
  const facts: Record<string, FactView> = {};
  let done = 0;
  for (const [key, claims] of groupByFact(inc, only)) {
    const first = claims[0];
    if (first === undefined) continue;
    const resolution = resolveFact(first.predicate, claims);
    const views: ClaimView[] = [];
    for (const c of claims) {
      views.push(claimView(c));
      if (++done % RENDER_STEP === 0) yield;
    }
    facts[key] = { ...resolution, claims: views };
  }
  return facts;
}

/** The incident's claims grouped by fact key, keys sorted, claims in recording order. */
export function groupByFact(inc: IncidentState, only?: ReadonlySet<string>): [string, ClaimState[]][] {
  const byKey = new Map<string, ClaimState[]>();
  for (const c of inc.claims.values()) {
    if (only !== undefined && !only.has(c.key)) continue;
    let list = byKey.get(c.key);
    if (list === undefined) byKey.set(c.key, (list = []));
    list.push(c);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Runs steps to the end at once. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
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
  return runSteps(viewSteps(inc));
}

/** viewOf in steps (see factsSteps). */
export function* viewSteps(inc: IncidentState): Generator<void, IncidentView> {
  const facts = yield* factsSteps(inc);
  return { ...incidentFields(inc), facts, revision: inc.revision, updatedAt: inc.updatedAt };
}

/** One claim as in the view, with the key of the fact it now belongs to. */
export function getClaim(state: ViewState, incidentId: string, claimId: string): (ClaimView & { fact: string }) | undefined {
  const c = state.incidents.get(incidentId)?.claims.get(claimId);
  return c === undefined ? undefined : { ...claimView(c), fact: c.key };
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

