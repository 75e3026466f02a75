import { incidentStream, INCIDENT_STREAM_PREFIX } from '../domain/events.ts';
import type { EventStore, StoredEvent } from '../store/port.ts';
import { StreamNotFound } from '../store/port.ts';
import { CHECKPOINT_MIN_EVENTS, extendCheckpoints, newCheckpoints, stateAt, type Checkpoints } from '../../projections/incident-view/checkpoints.ts';
import { ClaimTexts } from '../../projections/incident-view/claim-texts.ts';
import { foldView, type IncidentState } from '../../projections/incident-view/fold.ts';
import type { LiveModels } from './live-models.ts';

interface Cached {
  events: StoredEvent[];
  /** Positions (= revisions) of each claim's events. */
  byClaim: Map<string, number[]>;
  /** Answers folded from this stream, by their parameters; emptied by the stream's next event. */
  answers: Map<string, unknown>;
  /** What the kept answers' sizes add up to (those given one: texts). */
  answerBytes: number;
  /** Folded states every so many events, for as-of reads of a large incident; made when first needed. */
  checkpoints?: Checkpoints;
}

/** Distinct answers kept per incident: repeated reads of the same cut cost nothing, others fold. */
const MAX_ANSWERS = 32;

/**
 * Bytes of answer text kept per incident: an as-of view of a large incident is megabytes, and a
 * heap holding 32 of them makes every garbage collection, hence every read, slower.
 */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** Events held at most, over every cached incident; the least recently read incident goes first. */
const DEFAULT_MAX_EVENTS = 300_000;

/**
 * Claim states held in checkpoints, over every cached incident (an object of its own each, a few
 * hundred bytes):
 * beyond it the least recently read incidents lose their checkpoints, which are made again when read.
 */
const MAX_CHECKPOINT_CLAIMS = 200_000;

/**
 * JSON text of checkpointed claim states (claim-texts.ts), over every cached incident: a few
 * hundred bytes a claim. Beyond it the least recently read incidents lose their checkpoints too.
 */
const MAX_CLAIM_TEXT_BYTES = 48 * 1024 * 1024;

/** An incident's state at a point, with the claim texts an as-of view of it is made from. */
export interface StateAt {
  inc: IncidentState;
  texts: ClaimTexts;
}

/**
 * The streams of recently read incidents, parsed, kept current from the live subscription, with
 * an index of each claim's events: a history or as-of read of a large incident then costs a fold
 * over memory (and, by claim, only that claim's events) instead of reading and parsing the whole
 * stream each time. Bounded by an event budget, so memory does not grow with the store.
 */
export class IncidentIndex {
  readonly #cache = new Map<string, Cached>();
  #total = 0;
  #checkpointed = 0;

  constructor(private readonly store: EventStore, live: LiveModels, private readonly maxEvents = DEFAULT_MAX_EVENTS) {
    live.onEvent((e) => this.#onEvent(e));
  }

  /** The incident's whole stream, oldest first; undefined when it has no events. */
  async events(incidentId: string): Promise<StoredEvent[] | undefined> {
    return (await this.#get(incidentId))?.events;
  }

  /** The stream's registration plus the events of one claim: all a claim's history depends on. */
  async claimEvents(incidentId: string, claimId: string): Promise<StoredEvent[] | undefined> {
    const c = await this.#get(incidentId);
    if (c === undefined) return undefined;
    const first = c.events[0];
    const own = (c.byClaim.get(claimId) ?? []).map((i) => c.events[i]).filter((e): e is StoredEvent => e !== undefined);
    return first === undefined ? own : [first, ...own.filter((e) => e !== first)];
  }

  /**
   * The incident's state after its first `end` events, under an optional statement-time filter;
   * undefined when it is unknown or was not registered by then. A large incident is read from its
   * nearest checkpoint (projections/incident-view/checkpoints.ts), a small one folded whole.
   */
  async stateAt(incidentId: string, end: number, knownAt: string | undefined): Promise<StateAt | undefined> {
    const c = await this.#get(incidentId);
    if (c === undefined) return undefined;
    if (c.events.length < CHECKPOINT_MIN_EVENTS) {
      const state = foldView(c.events.slice(0, end), knownAt !== undefined ? { knownAt } : {});
      const inc = state.incidents.get(incidentId);
      // Nothing frozen: each claim is rendered afresh, and no text is kept.
      return inc && { inc, texts: new ClaimTexts(0) };
    }
    let cp = c.checkpoints ?? newCheckpoints(c.events.length, MAX_CHECKPOINT_CLAIMS, MAX_CLAIM_TEXT_BYTES);
    const before = c.checkpoints?.size ?? 0;
    extendCheckpoints(cp, c.events);
    // Grown past its share since they were spaced: space them anew for the stream's length.
    if (cp.size > MAX_CHECKPOINT_CLAIMS) {
      cp = newCheckpoints(c.events.length, MAX_CHECKPOINT_CLAIMS, MAX_CLAIM_TEXT_BYTES);
      extendCheckpoints(cp, c.events);
    }
    c.checkpoints = cp;
    // A read at the stream's end keeps its state as the checkpoints' tail: counted once made.
    const inc = stateAt(cp, c.events, end, knownAt, (claimId) => c.byClaim.get(claimId) ?? []);
    this.#checkpointed += cp.size - before;
    this.#evictCheckpoints(c);
    return inc && { inc, texts: cp.texts };
  }

  /**
   * The answer for `key` folded from the incident's stream as it is now: computed once, then
   * served until the stream changes (a new event empties the incident's answers).
   */
  async answer<T>(incidentId: string, key: string, compute: () => Promise<T>, size: (value: T) => number = () => 0): Promise<T> {
    const c = this.#cache.get(incidentId);
    if (c?.answers.has(key) === true) return c.answers.get(key) as T;
    const length = c?.events.length;
    const value = await compute();
    const now = this.#cache.get(incidentId);
    // Only when nothing was appended meanwhile: the answer must belong to the stream it is kept for.
    if (now !== undefined && (c === undefined || (now === c && now.events.length === length))) {
      const bytes = size(value);
      if (bytes > MAX_ANSWER_BYTES) return value;
      if (now.answers.size >= MAX_ANSWERS || now.answerBytes + bytes > MAX_ANSWER_BYTES) clearAnswers(now);
      now.answers.set(key, value);
      now.answerBytes += bytes;
    }
    return value;
  }

  async #get(incidentId: string): Promise<Cached | undefined> {
    const hit = this.#cache.get(incidentId);
    if (hit !== undefined) {
      this.#cache.delete(incidentId);
      this.#cache.set(incidentId, hit);
      return hit;
    }
    let events: StoredEvent[];
    try {
      events = await this.store.readStream(incidentStream(incidentId));
    } catch (err) {
      if (err instanceof StreamNotFound) return undefined;
      throw err;
    }
    const c: Cached = { events: [], byClaim: new Map(), answers: new Map(), answerBytes: 0 };
    for (const e of events) add(c, e);
    // Another read of the same incident may have filled the entry meanwhile; keep the longer one.
    const other = this.#cache.get(incidentId);
    if (other !== undefined && other.events.length >= c.events.length) return other;
    if (other !== undefined) this.#drop(incidentId, other);
    this.#cache.set(incidentId, c);
    this.#total += c.events.length;
    this.#evict(incidentId);
    return c;
  }

  #onEvent(e: StoredEvent): void {
    // A redaction rewrote a stored event: its stream, what was folded and rendered from it, go.
    const target = e.type === 'FieldsRedacted' ? (e.data as { target?: { stream?: unknown } }).target?.stream : undefined;
    if (typeof target === 'string' && target.startsWith(INCIDENT_STREAM_PREFIX)) {
      const id = target.slice(INCIDENT_STREAM_PREFIX.length);
      const hit = this.#cache.get(id);
      if (hit !== undefined) this.#drop(id, hit);
      return;
    }
    if (!e.stream.startsWith(INCIDENT_STREAM_PREFIX)) return;
    const id = e.stream.slice(INCIDENT_STREAM_PREFIX.length);
    const c = this.#cache.get(id);
    if (c === undefined) return;
    const next = BigInt(c.events.length);
    if (e.revision < next) return;
    // A gap (events applied while the stream was being read): drop it, the next read refills it.
    if (e.revision > next) {
      this.#drop(id, c);
      return;
    }
    add(c, e);
    this.#total += 1;
    this.#evict(id);
  }

  #evict(keep: string): void {
    for (const [id, c] of this.#cache) {
      if (this.#total <= this.maxEvents) return;
      if (id === keep) continue;
      this.#drop(id, c);
    }
  }

  #drop(id: string, c: Cached): void {
    this.#cache.delete(id);
    this.#total -= c.events.length;
    this.#checkpointed -= c.checkpoints?.size ?? 0;
  }

  /**
   * Least recently read first; the incident being read keeps its own. Claim texts grow as views
   * are read, so their bytes are summed here, when checkpoints are next asked for.
   */
  #evictCheckpoints(keep: Cached): void {
    let textBytes = 0;
    for (const c of this.#cache.values()) textBytes += c.checkpoints?.texts.bytes ?? 0;
    for (const c of this.#cache.values()) {
      if (this.#checkpointed <= MAX_CHECKPOINT_CLAIMS && textBytes <= MAX_CLAIM_TEXT_BYTES) return;
      if (c === keep || c.checkpoints === undefined) continue;
      this.#checkpointed -= c.checkpoints.size;
      textBytes -= c.checkpoints.texts.bytes;
      delete c.checkpoints;
    }
  }
}

function add(c: Cached, e: StoredEvent): void {
  const at = c.events.length;
  c.events.push(e);
  clearAnswers(c);
  const claimId = (e.data as { claimId?: unknown }).claimId;
  if (typeof claimId !== 'string') return;
  const list = c.byClaim.get(claimId);
  if (list === undefined) c.byClaim.set(claimId, [at]);
  else list.push(at);
}

function clearAnswers(c: Cached): void {
  c.answers.clear();
  c.answerBytes = 0;
}

/**
 * The prefix of a stream recorded by `asOf` and up to `atRevision`: revisions are positions and
 * recordedAt never decreases along the log, so both cuts are binary searches, not a filter.
 */
export function cutStream(events: readonly StoredEvent[], asOf: string | undefined, atRevision: bigint | undefined): readonly StoredEvent[] {
  const end = cutLength(events, asOf, atRevision);
  return end === events.length ? events : events.slice(0, end);
}

/** How many of the stream's events cutStream keeps. */
export function cutLength(events: readonly StoredEvent[], asOf: string | undefined, atRevision: bigint | undefined): number {
  let end = events.length;
  if (atRevision !== undefined) end = Math.min(end, Number(atRevision) + 1);
  if (asOf !== undefined) {
    const limit = Date.parse(asOf);
    let lo = 0;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Date.parse((events[mid] as StoredEvent).recordedAt) <= limit) lo = mid + 1;
      else hi = mid;
    }
    end = lo;
  }
  return end;
}
