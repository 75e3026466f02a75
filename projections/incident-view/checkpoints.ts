/**
 * Checkpointed states of one large incident, so that an as-of read folds at most a checkpoint's
 * spacing of events instead of the incident's whole stream (docs/operations.md, "Costly reads").
 *
 * A checkpoint is the incident's state after its first `count` events. Its claim states are frozen
 * (claim-texts.ts): the fold updates a claim's state in place (fold.ts, ClaimState), so a fold that
 * goes on from a checkpoint copies a frozen claim before the first event that changes it, and
 * leaves every other one shared, with its JSON text made once. Reading at a point starts from the
 * nearest checkpoint at or before it and folds the events between.
 *
 * Statement time (knownAt) is served from the same checkpoints: a claim none of whose statements
 * (record, revisions, retractions) is dated after knownAt folds the same with or without the
 * filter, so only the claims with a later statement are folded again, each from its own events.
 */
import { knownAtInstant } from '../../src/domain/claim-layers.ts';
import { statedInstant } from '../../src/domain/values.ts';
import type { StoredEvent } from '../../src/store/port.ts';
import { upperBound } from '../collections.ts';
import { readData } from '../event-data.ts';
import { ClaimTexts } from './claim-texts.ts';
import { applyToIncident, initialViewState, type IncidentState, type ViewState } from './fold.ts';

interface Checkpoint {
  /** Events folded: the state after events[0 .. count). */
  count: number;
  inc: IncidentState;
}

/** A dated statement of a claim: where it is in the stream and when its source made it. */
interface Statement {
  instant: number;
  position: number;
  claimId: string;
}

export interface Checkpoints {
  readonly every: number;
  readonly points: Checkpoint[];
  /** The claims' statements, by statement time (then position): who a knownAt filter hides. */
  readonly statements: Statement[];
  /** Events whose statements are indexed. */
  indexed: number;
  /** Claim entries held over every checkpoint: what the checkpoints cost in memory. */
  size: number;
  /**
   * The state at the stream's end when it was last read there (as of now, or knownAt alone):
   * a checkpoint off the spacing, replaced when a later end is read, so that reads at the end
   * fold nothing and render only kept texts.
   */
  tail?: Checkpoint;
  /** The checkpoints' frozen claim states and their texts. */
  readonly texts: ClaimTexts;
}

/** Below this many events an incident is folded whole: checkpoints would cost more than they save. */
export const CHECKPOINT_MIN_EVENTS = 2_000;
/** At most this many checkpoints per incident at the spacing chosen when they are made. */
const POINTS = 16;
const MIN_SPACING = 1_000;

/**
 * Checkpoints for a stream of `events`, spaced so that they hold about half of `maxClaims` claim
 * states (a stream of n events gives at most n claims, so n²/2 over checkpoints every `every`).
 */
export function newCheckpoints(events: number, maxClaims: number, maxTextBytes: number): Checkpoints {
  const every = Math.max(MIN_SPACING, Math.ceil(events / POINTS), Math.ceil((events * events) / maxClaims));
  return { every, points: [], statements: [], indexed: 0, size: 0, texts: new ClaimTexts(maxTextBytes) };
}

function scratch(knownAt?: string): ViewState {
  return initialViewState({ cacheLimit: 0, ...(knownAt !== undefined ? { knownAt } : {}) });
}

/** A scratch fold holding a copy of `inc` (or nothing), to apply further events to with applyOwn. */
function foldFrom(inc: IncidentState | undefined, knownAt?: string): ViewState {
  const state = scratch(knownAt);
  if (inc !== undefined) {
    const own = inc.copy();
    state.incidents.set(own.incidentId, own);
    state.order.push(own);
  }
  return state;
}

function only(state: ViewState): IncidentState | undefined {
  const first = state.incidents.values().next();
  return first.done === true ? undefined : first.value;
}

/** Applies `e` to the scratch fold, first copying the frozen state of the claim it may change. */
function applyOwn(texts: ClaimTexts, state: ViewState, e: StoredEvent): void {
  const claimId = (readData(e) as { claimId?: unknown }).claimId;
  if (typeof claimId === 'string') {
    const inc = only(state);
    const c = inc?.claims.get(claimId);
    if (inc !== undefined && c !== undefined && texts.isFrozen(c)) inc.claims.set(claimId, c.clone());
  }
  applyToIncident(state, e);
}

/**
 * Brings the checkpoints up to `events` (the incident's whole stream, oldest first): folds on
 * from the last checkpoint, keeping a copy every `every` events, and indexes new statements.
 */
export function extendCheckpoints(cp: Checkpoints, events: readonly StoredEvent[]): void {
  for (; cp.indexed < events.length; cp.indexed++) indexStatement(cp, events[cp.indexed] as StoredEvent, cp.indexed);
  const last = cp.points.at(-1);
  let count = last?.count ?? 0;
  if (events.length - count < cp.every) return;
  const state = foldFrom(last?.inc);
  while (events.length - count >= cp.every) {
    for (const e of events.slice(count, count + cp.every)) applyOwn(cp.texts, state, e);
    count += cp.every;
    const inc = only(state);
    if (inc === undefined) continue; // not registered yet: nothing worth keeping
    for (const c of inc.claims.values()) cp.texts.freeze(c);
    const kept = inc.copy();
    cp.points.push({ count, inc: kept });
    cp.size += kept.claims.size;
  }
}

function indexStatement(cp: Checkpoints, e: StoredEvent, position: number): void {
  if (e.type !== 'ClaimRecorded' && e.type !== 'ClaimRevised' && e.type !== 'ClaimRetracted') return;
  const d = readData(e) as { claimId?: unknown; statedAt?: unknown };
  if (typeof d.claimId !== 'string') return;
  // A date that does not parse (erased by a redaction) counts as hidden: that claim is folded again.
  const t = typeof d.statedAt === 'string' ? statedInstant(d.statedAt) : Number.NaN;
  const s: Statement = { instant: Number.isNaN(t) ? Number.POSITIVE_INFINITY : t, position, claimId: d.claimId };
  // Statements arrive roughly in statement order: the insertion is usually at the end.
  const at = upperBound(cp.statements, (x) => x.instant < s.instant || (x.instant === s.instant && x.position < s.position) ? -1 : 1);
  cp.statements.splice(at, 0, s);
}

/**
 * The incident's state after its first `end` events, with an optional statement-time filter;
 * undefined when it was not registered by then. `byClaim` gives the positions of a claim's events.
 * The result is shared with the checkpoints — a checkpoint's own state when there is nothing to
 * fold after it and nothing to hide, else its claim states may be frozen ones: read it, never
 * change it.
 */
export function stateAt(cp: Checkpoints, events: readonly StoredEvent[], end: number, knownAt: string | undefined, byClaim: (claimId: string) => readonly number[]): IncidentState | undefined {
  if (end === events.length) keepTail(cp, events);
  const from = nearest(cp, end);
  const hidden = knownAt === undefined ? new Set<string>() : hiddenClaims(cp, end, knownAt);
  // A copy of 20,000 claims' map costs milliseconds: none is made for a read that changes nothing.
  if (from !== undefined && from.count === end && hidden.size === 0) return from.inc;
  const state = foldFrom(from?.inc);
  for (let i = from?.count ?? 0; i < end; i++) applyOwn(cp.texts, state, events[i] as StoredEvent);
  const inc = only(state);
  if (inc === undefined || knownAt === undefined) return inc;
  for (const claimId of hidden) {
    const claim = refoldClaim(events, byClaim(claimId), end, knownAt, claimId);
    if (claim === undefined) inc.claims.delete(claimId);
    else inc.claims.set(claimId, claim);
  }
  return inc;
}

/** The checkpoint at or before `end` nearest to it, the tail included. */
function nearest(cp: Checkpoints, end: number): Checkpoint | undefined {
  const point = cp.points[upperBound(cp.points, (p) => (p.count <= end ? -1 : 1)) - 1];
  const tail = cp.tail;
  return tail !== undefined && tail.count <= end && tail.count > (point?.count ?? 0) ? tail : point;
}

/** Makes the tail the state after every event of the stream, folded on from the nearest checkpoint. */
function keepTail(cp: Checkpoints, events: readonly StoredEvent[]): void {
  const from = nearest(cp, events.length);
  if (from === undefined || from.count === events.length) return;
  const state = foldFrom(from.inc);
  for (let i = from.count; i < events.length; i++) applyOwn(cp.texts, state, events[i] as StoredEvent);
  const inc = only(state);
  if (inc === undefined) return;
  for (const c of inc.claims.values()) cp.texts.freeze(c);
  cp.size += inc.claims.size - (cp.tail?.inc.claims.size ?? 0);
  cp.tail = { count: events.length, inc };
}

/** The claims with a statement among the first `end` events that knownAt does not cover. */
function hiddenClaims(cp: Checkpoints, end: number, knownAt: string): Set<string> {
  const limit = knownAtInstant(knownAt);
  const out = new Set<string>();
  for (let i = upperBound(cp.statements, (s) => (s.instant <= limit ? 0 : 1)); i < cp.statements.length; i++) {
    const s = cp.statements[i] as Statement;
    if (s.position < end) out.add(s.claimId);
  }
  return out;
}

/** One claim folded under knownAt from the registration and its own events before `end`. */
function refoldClaim(events: readonly StoredEvent[], positions: readonly number[], end: number, knownAt: string, claimId: string) {
  const state = scratch(knownAt);
  const registration = events[0];
  if (registration !== undefined) applyToIncident(state, registration);
  for (const p of positions) {
    if (p >= end) break;
    if (p > 0) applyToIncident(state, events[p] as StoredEvent);
  }
  return only(state)?.claims.get(claimId);
}
