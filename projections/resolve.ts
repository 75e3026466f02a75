/**
 * Resolution: the current view of one fact from its claims (docs/resolution.md).
 *
 * Choices where the brief is silent:
 * - Only `unknown` candidates left → value `{kind: 'unknown'}` with status `preferred` when one of
 *   them is preferred, else `corroborated`/`reported` by their distinct sources ("true but unknown"
 *   is itself what the sources agree on).
 * - Several preferred candidates → they alone are compared; if they disagree the fact is `disputed`
 *   and a count's range covers the preferred candidates only.
 * - Texts: NFKC, trim, lower-case. Time values: same precision, and start/end as the same instants
 *   (`14:00Z` = `16:00+02:00`); `approximate` is a hedge and does not make values differ. Places: name
 *   and region folded like texts, region absent ≠ present, same country.
 * - The shown spelling of an agreed non-count value (and of an actor's name) is that of the candidate
 *   with the earliest statedAt; ties go to the earlier-recorded claim.
 * - Multi-valued facts: an actor's own status follows rules 1–4 with its stance as the value; its
 *   `stances` are those of its effective candidates (the preferred ones when any), `claims` the ids of
 *   all its claims. The fact is `withdrawn` without candidates, `disputed` as docs/resolution.md says, else
 *   `preferred` when some actor (or the `none` group) is preferred, `corroborated` when every actor
 *   standing (and any `none` group) is corroborated, else `reported`. `perpetrator` uses the same
 *   shape with `name` instead of `actor`, `roles` (the roles given by its effective candidates)
 *   instead of `stances`, no `claimed`/`competingClaims`/`denied`, and is disputed only when `none`
 *   stands beside a name.
 */
import { statedInstant } from '../src/domain/values.ts';
import type { TimeValue, Place } from '../src/domain/values.ts';
import { PREDICATES, valueIdentity } from '../src/domain/predicates.ts';
import type { ClaimValue, Count, PredicateName } from '../src/domain/predicates.ts';
import { canonicalInstant } from './time.ts';

import type { ClaimStatus, RankName } from '../src/domain/claim-layers.ts';

export type { ClaimStatus, RankName };
export type FactStatus = 'preferred' | 'corroborated' | 'reported' | 'disputed' | 'withdrawn';
export type StanceName = 'claimed' | 'denied' | 'attributed' | 'suspected';

/** What resolution needs of a claim, at its latest value. */
export interface ResolvableClaim {
  claimId: string;
  sourceId: string;
  value: ClaimValue;
  statedAt: string;
  status: ClaimStatus;
  rank: RankName;
}

export interface CountRange {
  min: number;
  max: number;
  /** The highest figure is an "at least": max bounds it from below, not above. */
  maxOpen?: true;
}

/** What the candidates say without any rank (rules 2–4). */
export type Agreement = 'corroborated' | 'reported' | 'disputed';

export interface SingleResolution {
  status: FactStatus;
  value: ClaimValue | null;
  range?: CountRange;
  conservative?: number;
  /** On a preferred fact: how its candidates agree without the rank, so a dispute is never hidden. */
  agreement?: Agreement;
}

export interface ActorResolution {
  actor: string;
  stances: StanceName[];
  status: FactStatus;
  claims: string[];
}

export interface ResponsibilityResolution {
  status: FactStatus;
  claimed: boolean;
  competingClaims: boolean;
  denied: string[];
  actors: ActorResolution[];
}

export interface PerpetratorNameResolution {
  name: string;
  roles: string[];
  status: FactStatus;
  claims: string[];
}

export interface PerpetratorResolution {
  status: FactStatus;
  names: PerpetratorNameResolution[];
}

export type Resolution = SingleResolution | ResponsibilityResolution | PerpetratorResolution;

const STANCE_ORDER: readonly StanceName[] = ['claimed', 'denied', 'attributed', 'suspected'];

type Kinded = { kind: string };
const isKind = (v: unknown, kind: string): boolean => typeof v === 'object' && v !== null && (v as Kinded).kind === kind;
export const isUnknown = (v: unknown): boolean => isKind(v, 'unknown');
export const isNone = (v: unknown): boolean => isKind(v, 'none');
/**
 * A value a redaction erased (a text read as null) or erased part of (an object listing `redacted`):
 * like unknown, it takes no part in agreement (docs/log.md).
 */
export const isRedacted = (v: unknown): boolean =>
  v === null || (typeof v === 'object' && Array.isArray((v as { redacted?: unknown }).redacted));

export function isCandidate(c: ResolvableClaim): boolean {
  return c.status === 'active' && c.rank !== 'deprecated';
}

/** The same folding as the identity of multi-valued values, so "ISIS" and "isis " agree everywhere. */
export function foldText(s: string): string {
  return s.normalize('NFKC').trim().toLocaleLowerCase('en');
}

// ---- counts -------------------------------------------------------------------------------------

type Interval = readonly [number, number];

export function countInterval(c: Count | { kind: 'none' }): Interval {
  switch (c.kind) {
    case 'exact': return [c.value, c.value];
    case 'atLeast': return [c.value, Number.POSITIVE_INFINITY];
    case 'range': return [c.min, c.max];
    case 'none': return [0, 0];
  }
}

/** The highest figure a count reports: atLeast n reports n. */
function countFigure(c: Count | { kind: 'none' }): number {
  switch (c.kind) {
    case 'exact': case 'atLeast': return c.value;
    case 'range': return c.max;
    case 'none': return 0;
  }
}

/** The intersection of agreeing counts, or undefined when they share no point. */
export function agreedCount(values: readonly ClaimValue[]): ClaimValue | undefined {
  const nones = values.filter(isNone).length;
  if (nones > 0) return nones === values.length ? { kind: 'none' } : undefined;
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  for (const v of values) {
    const [a, b] = countInterval(v as Count);
    if (a > lo) lo = a;
    if (b < hi) hi = b;
  }
  if (lo > hi) return undefined;
  if (lo === hi) return { kind: 'exact', value: lo };
  if (hi === Number.POSITIVE_INFINITY) return { kind: 'atLeast', value: lo };
  return { kind: 'range', min: lo, max: hi };
}

function countRange(values: readonly ClaimValue[]): CountRange {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let maxOpen = false;
  for (const v of values) {
    const c = v as Count | { kind: 'none' };
    const [a] = countInterval(c);
    if (a < min) min = a;
    const f = countFigure(c);
    if (f > max) {
      max = f;
      maxOpen = c.kind === 'atLeast';
    } else if (f === max && c.kind === 'atLeast') {
      maxOpen = true;
    }
  }
  return maxOpen ? { min, max, maxOpen: true } : { min, max };
}

// ---- other single values ------------------------------------------------------------------------

/** A normalised key: values agree when their keys are equal. */
export function valueKey(predicate: PredicateName, v: ClaimValue): string {
  if (isNone(v)) return '\u0000none';
  switch (PREDICATES[predicate].kind) {
    case 'text': return `t:${foldText(v as string)}`;
    case 'time': {
      const t = v as TimeValue;
      return `d:${t.precision}|${canonicalInstant(t.start)}|${t.end === undefined ? '' : canonicalInstant(t.end)}`;
    }
    case 'place': {
      const p = v as Place;
      return `p:${p.country}|${foldText(p.name)}|${p.region === undefined ? '' : foldText(p.region)}`;
    }
    default: return JSON.stringify(v);
  }
}

/** Earliest statedAt first, then the order the claims were given in (recording order). */
function earliestStated<T extends { statedAt: string }>(claims: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestAt = Number.POSITIVE_INFINITY;
  for (const c of claims) {
    const at = statedInstant(c.statedAt);
    if (best === undefined || at < bestAt) {
      best = c;
      bestAt = at;
    }
  }
  return best;
}

function distinctSources(claims: readonly ResolvableClaim[]): number {
  return new Set(claims.map((c) => c.sourceId)).size;
}

const bySources = (claims: readonly ResolvableClaim[]): 'corroborated' | 'reported' => (distinctSources(claims) >= 2 ? 'corroborated' : 'reported');

/** Agreement of a non-empty list of known (not unknown) values: the agreed value, or undefined. */
function agree(predicate: PredicateName, claims: readonly ResolvableClaim[]): ClaimValue | undefined {
  if (PREDICATES[predicate].kind === 'count') return agreedCount(claims.map((c) => c.value));
  const first = claims[0];
  if (first === undefined) return undefined;
  const key = valueKey(predicate, first.value);
  for (const c of claims) if (valueKey(predicate, c.value) !== key) return undefined;
  return earliestStated(claims)?.value;
}

function disputed(predicate: PredicateName, claims: readonly ResolvableClaim[]): SingleResolution {
  if (PREDICATES[predicate].kind !== 'count') return { status: 'disputed', value: null };
  const range = countRange(claims.map((c) => c.value));
  return { status: 'disputed', value: null, range, conservative: range.min };
}

/** Rules 1–4 for a single-valued fact. Claims in recording order. */
export function resolveSingle(predicate: PredicateName, claims: readonly ResolvableClaim[]): SingleResolution {
  const candidates = claims.filter(isCandidate);
  if (candidates.length === 0) return { status: 'withdrawn', value: null };
  const known = candidates.filter((c) => !isUnknown(c.value) && !isRedacted(c.value));
  if (known.length === 0) {
    const agreement = bySources(candidates);
    return candidates.some((c) => c.rank === 'preferred')
      ? { status: 'preferred', value: { kind: 'unknown' }, agreement }
      : { status: agreement, value: { kind: 'unknown' } };
  }
  const unranked = withoutRank(predicate, known);
  const preferred = known.filter((c) => c.rank === 'preferred');
  if (preferred.length > 0) {
    const value = agree(predicate, preferred);
    if (value === undefined) return disputed(predicate, preferred);
    // The judgement picks the value; what the sources say stays visible beside it.
    const { status: agreement, range, conservative } = unranked;
    return { status: 'preferred', value, agreement: agreement as Agreement, ...(range !== undefined ? { range, conservative } : {}) };
  }
  return unranked;
}

/** Rules 3–4 over known candidates, ranks aside. */
function withoutRank(predicate: PredicateName, known: readonly ResolvableClaim[]): SingleResolution {
  const value = agree(predicate, known);
  return value === undefined ? disputed(predicate, known) : { status: bySources(known), value };
}

// ---- multi-valued -------------------------------------------------------------------------------

interface Group<C> {
  display: string;
  all: C[];
  effective: C[];
  status: FactStatus;
}

/**
 * Groups claims per identity and resolves each group with its label (stance or role) as the value.
 * Returns the groups in order of first appearance, and the effective `none` candidates.
 */
function groupsOf(
  predicate: 'responsibility' | 'perpetrator',
  claims: readonly ResolvableClaim[],
  label: (v: ClaimValue) => string | undefined,
): { groups: Group<ResolvableClaim>[]; nones: ResolvableClaim[]; candidates: number } {
  const byId = new Map<string, ResolvableClaim[]>();
  const nones: ResolvableClaim[] = [];
  let candidates = 0;
  for (const c of claims) {
    if (isCandidate(c)) candidates++;
    if (isNone(c.value)) {
      if (isCandidate(c)) nones.push(c);
      continue;
    }
    const id = isRedacted(c.value) ? undefined : valueIdentity(predicate, c.value);
    if (id === undefined) continue; // unknown: ignored
    let list = byId.get(id);
    if (list === undefined) byId.set(id, (list = []));
    list.push(c);
  }
  const groups: Group<ResolvableClaim>[] = [];
  for (const list of byId.values()) {
    const cands = list.filter(isCandidate);
    const pref = cands.filter((c) => c.rank === 'preferred');
    const effective = pref.length > 0 ? pref : cands;
    const labels = new Set(effective.map((c) => label(c.value) ?? ''));
    const status: FactStatus =
      effective.length === 0 ? 'withdrawn' : labels.size > 1 ? 'disputed' : pref.length > 0 ? 'preferred' : bySources(effective);
    const named = earliestStated(effective.length > 0 ? effective : list) ?? list[0];
    const v = named?.value as { actor?: string; name?: string } | undefined;
    groups.push({ display: (predicate === 'responsibility' ? v?.actor : v?.name) ?? '', all: list, effective, status });
  }
  return { groups, nones, candidates };
}

function combinedStatus(groups: readonly Group<ResolvableClaim>[], nones: readonly ResolvableClaim[]): FactStatus {
  const standing = groups.filter((g) => g.status !== 'withdrawn').map((g) => g.status);
  const nonePref = nones.filter((c) => c.rank === 'preferred');
  if (nones.length > 0) standing.push(nonePref.length > 0 ? 'preferred' : bySources(nones));
  if (standing.length === 0) return bySources(nones); // only unknowns stand: see resolveSingle
  if (standing.includes('preferred')) return 'preferred';
  return standing.every((s) => s === 'corroborated') ? 'corroborated' : 'reported';
}

export function resolveResponsibility(claims: readonly ResolvableClaim[]): ResponsibilityResolution {
  const stanceOf = (v: ClaimValue): string | undefined => (v as { stance?: string }).stance;
  const { groups, nones, candidates } = groupsOf('responsibility', claims, stanceOf);
  const actors: ActorResolution[] = groups.map((g) => {
    const stances = new Set(g.effective.map((c) => stanceOf(c.value)));
    return {
      actor: g.display,
      stances: STANCE_ORDER.filter((s) => stances.has(s)),
      status: g.status,
      claims: g.all.map((c) => c.claimId),
    };
  });
  const claimants = actors.filter((a) => a.stances.includes('claimed'));
  const claimed = claimants.length > 0;
  const competingClaims = claimants.length >= 2;
  const denied = actors.filter((a) => a.stances.includes('denied')).map((a) => a.actor);
  let status: FactStatus;
  if (candidates === 0) status = 'withdrawn';
  else if (competingClaims || actors.some((a) => a.status === 'disputed') || (nones.length > 0 && claimed)) status = 'disputed';
  else status = combinedStatus(groups, nones);
  return { status, claimed, competingClaims, denied, actors };
}

export function resolvePerpetrator(claims: readonly ResolvableClaim[]): PerpetratorResolution {
  // Names are compared, roles only describe: a name's effective candidates never disagree.
  const { groups, nones, candidates } = groupsOf('perpetrator', claims, () => '');
  const names: PerpetratorNameResolution[] = groups.map((g) => {
    const roles: string[] = [];
    for (const c of g.effective) {
      const role = (c.value as { role?: string }).role;
      if (role !== undefined && !roles.includes(role)) roles.push(role);
    }
    return { name: g.display, roles, status: g.status, claims: g.all.map((c) => c.claimId) };
  });
  let status: FactStatus;
  if (candidates === 0) status = 'withdrawn';
  else if (nones.length > 0 && names.some((n) => n.status !== 'withdrawn')) status = 'disputed';
  else status = combinedStatus(groups, nones);
  return { status, names };
}

/** Resolves one fact. `claims` are all the fact's claims (any status), in recording order. */
export function resolveFact(predicate: PredicateName, claims: readonly ResolvableClaim[]): Resolution {
  if (predicate === 'responsibility') return resolveResponsibility(claims);
  if (predicate === 'perpetrator') return resolvePerpetrator(claims);
  return resolveSingle(predicate, claims);
}
