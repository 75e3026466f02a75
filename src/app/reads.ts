import { incidentStream } from '../domain/events.ts';
import type { EventStore, StoredEvent } from '../store/port.ts';
import { StreamNotFound } from '../store/port.ts';
import { readLog } from '../store/read-log.ts';
import { getIncident } from '../../projections/incident-view/cache.ts';
import type { ViewState } from '../../projections/incident-view/fold.ts';
import { viewTextSteps } from '../../projections/incident-view/claim-texts.ts';
import { claimView, getClaim, type ClaimView, type IncidentView } from '../../projections/incident-view/render.ts';
import { buildHistory, type HistoryEntry } from '../../projections/provenance-history.ts';
import { buildTimeline, queryTimeline, type TimelineQuery } from '../../projections/timeline.ts';
import { buildSources, getSource, listSources, type SourcesState } from '../../projections/sources.ts';
import { InvalidQuery } from '../../projections/cursor.ts';
import { AppError } from './errors.ts';
import { cutLength, IncidentIndex, type StateAt } from './incident-index.ts';
import type { LiveModels } from './live-models.ts';
import { inSteps } from './steps.ts';

/** The as-of parameters (docs/api.md, Reads and time): system time, stream revision, statement time. */
export interface AsOf {
  asOf?: string;
  atRevision?: bigint;
  knownAt?: string;
}

/**
 * An as-of view as its JSON text in UTF-8 (made from claim texts, claim-texts.ts), with its
 * revision: kept encoded, a repeated read is sent without encoding megabytes again.
 */
export interface ViewText {
  revision: number;
  text: Buffer;
}

/** A read of the live record: no as-of point of any kind (an AsOf, or the query it comes from). */
export const isPlain = (a: { asOf?: unknown; atRevision?: unknown; knownAt?: unknown }): boolean =>
  a.asOf === undefined && a.atRevision === undefined && a.knownAt === undefined;

/**
 * Every read of the API. Plain reads come from the live read models; as-of reads of an incident
 * start from the nearest checkpointed state of its stream and fold the events after it (see
 * incident-index.ts), so their cost is bound by the answer and the checkpoints' spacing, not by
 * the incident's history. Provenance history is folded from the incident's stream — by claim,
 * from that claim's events only: keeping it in memory for every incident costs more than it saves.
 */
export class Reads {
  private readonly index: IncidentIndex;

  constructor(
    private readonly store: EventStore,
    private readonly live: LiveModels,
  ) {
    this.index = new IncidentIndex(store, live);
  }

  private get view(): ViewState {
    return this.live.state<ViewState>('incident-view');
  }

  sourceExists(sourceId: string): boolean {
    return getSource(this.live.state<SourcesState>('sources'), sourceId) !== undefined;
  }

  /**
   * The incident's stream cut at asOf / atRevision, or undefined when it has no events; with a
   * claimId, only the registration and that claim's events (all its history depends on).
   */
  private async streamAt(incidentId: string, at: AsOf, claimId?: string): Promise<readonly StoredEvent[] | undefined> {
    const cut = await this.cutAt(incidentId, at);
    if (cut === undefined) return undefined;
    if (claimId === undefined) return cut.end === cut.events.length ? cut.events : cut.events.slice(0, cut.end);
    const own = (await this.index.claimEvents(incidentId, claimId)) ?? [];
    return own.filter((e) => recordedBy(e, at.asOf) && (at.atRevision === undefined || e.revision <= at.atRevision));
  }

  /** The incident's whole stream and how many of its events the as-of point keeps. */
  private async cutAt(incidentId: string, at: AsOf): Promise<{ events: readonly StoredEvent[]; end: number } | undefined> {
    const events = await this.index.events(incidentId);
    if (events === undefined) return undefined;
    const last = events.at(-1);
    if (at.atRevision !== undefined && last !== undefined && at.atRevision > last.revision) {
      throw new AppError('revision-out-of-range', `atRevision ${at.atRevision} is beyond the current revision ${last.revision}`, { parameter: 'atRevision' });
    }
    return { events, end: cutLength(events, at.asOf, at.atRevision) };
  }

  /** The incident's folded state at an as-of point; undefined when it did not exist then. */
  private async incidentAt(incidentId: string, at: AsOf): Promise<StateAt | undefined> {
    const cut = await this.cutAt(incidentId, at);
    return cut && this.index.stateAt(incidentId, cut.end, at.knownAt);
  }

  /** The current view, synchronously: a plain read answered from a kept answer needs no promise. */
  currentIncident(incidentId: string): IncidentView | undefined {
    return getIncident(this.view, incidentId);
  }

  /** A plain read gives the live view; an as-of read its JSON text, byte for byte the view's. */
  async incident(incidentId: string, at: AsOf): Promise<IncidentView | ViewText | undefined> {
    if (isPlain(at)) return getIncident(this.view, incidentId);
    return this.index.answer(incidentId, `view ${answerKey(at)}`, async (): Promise<ViewText | undefined> => {
      const s = await this.incidentAt(incidentId, at);
      return s && { revision: s.inc.revision, text: await inSteps(viewTextSteps(s.inc, s.texts)) };
    }, (v) => v?.text.length ?? 0);
  }

  async history(incidentId: string, at: AsOf, filter: { fact?: string; claimId?: string }): Promise<{ revision: number; items: HistoryEntry[] } | undefined> {
    return this.index.answer(incidentId, `history ${answerKey(at)} ${filter.fact ?? ''} ${filter.claimId ?? ''}`, () => this.foldHistory(incidentId, at, filter));
  }

  private async foldHistory(incidentId: string, at: AsOf, filter: { fact?: string; claimId?: string }): Promise<{ revision: number; items: HistoryEntry[] } | undefined> {
    const events = await this.streamAt(incidentId, at);
    if (!events) return undefined;
    // The view's revision is its stream's last revision at the cut (every event of the stream counts for it).
    const last = events.at(-1);
    const revision = isPlain(at) ? getIncident(this.view, incidentId)?.revision : last && Number(last.revision);
    const own = filter.claimId === undefined ? events : await this.streamAt(incidentId, at, filter.claimId);
    const items = own && buildHistory(own, { ...knownAtFilter(at), ...filter });
    return revision !== undefined && items ? { revision, items } : undefined;
  }

  async claim(incidentId: string, claimId: string, at: AsOf): Promise<{ revision: number; claim: Record<string, unknown> } | 'no-incident' | undefined> {
    let revision: number;
    let claim: (ClaimView & { fact: string }) | undefined;
    if (isPlain(at)) {
      if (!(await this.index.events(incidentId))) return 'no-incident';
      const view = getIncident(this.view, incidentId);
      if (!view) return 'no-incident';
      revision = view.revision;
      claim = getClaim(this.view, incidentId, claimId);
    } else {
      const s = await this.incidentAt(incidentId, at);
      if (!s) return 'no-incident';
      revision = s.inc.revision;
      const c = s.inc.claims.get(claimId);
      claim = c && { ...claimView(c), fact: c.key };
    }
    if (!claim) return undefined;
    const own = (await this.streamAt(incidentId, at, claimId)) ?? [];
    const history = buildHistory(own, { ...knownAtFilter(at), claimId }) ?? [];
    return { revision, claim: { ...claim, history } };
  }

  async timeline(q: Omit<TimelineQuery, 'cursor'> & { cursor?: string | undefined; asOf?: string | undefined; knownAt?: string | undefined }) {
    const { asOf, knownAt, ...query } = q;
    return this.guardCursor(async () => {
      if (asOf === undefined && knownAt === undefined) return queryTimeline(this.view, query as TimelineQuery);
      const events = await this.logAt(asOf);
      return queryTimeline(buildTimeline(events, knownAt !== undefined ? { knownAt } : {}), query as TimelineQuery);
    });
  }

  async sources(q: { limit: number; cursor?: string | undefined; asOf?: string | undefined; knownAt?: string | undefined }) {
    const { asOf, knownAt, ...query } = q;
    return this.guardCursor(async () => {
      const state = asOf === undefined && knownAt === undefined
        ? this.live.state<SourcesState>('sources')
        : buildSources(await this.logAt(asOf), knownAt !== undefined ? { knownAt } : {});
      return listSources(state, query as { limit: number; cursor?: string });
    });
  }

  async source(sourceId: string, at: AsOf) {
    if (isPlain(at)) return getSource(this.live.state<SourcesState>('sources'), sourceId);
    // A source's counts depend on every incident's claims: the whole log up to asOf is folded.
    const events = await this.logAt(at.asOf);
    return getSource(buildSources(events, at.knownAt !== undefined ? { knownAt: at.knownAt } : {}), sourceId);
  }

  async streamEvents(incidentId: string, from: bigint, limit: number): Promise<{ items: StoredEvent[]; nextFrom: bigint | null } | undefined> {
    const current = await this.store.streamRevision(incidentStream(incidentId));
    if (current === undefined) return undefined;
    if (from > current) return { items: [], nextFrom: null };
    const items = await this.store.readStream(incidentStream(incidentId), { from, limit });
    const next = from + BigInt(items.length);
    return { items, nextFrom: next <= current ? next : null };
  }

  /** The whole log up to asOf (collection as-of reads: their cost grows with the log). */
  private async logAt(asOf: string | undefined): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    const limit = asOf === undefined ? undefined : Date.parse(asOf);
    for await (const e of readLog(this.store, { pageSize: 5000 })) {
      if (limit !== undefined && Date.parse(e.recordedAt) > limit) break; // recordedAt never decreases
      out.push(e);
    }
    return out;
  }

  private async guardCursor<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      if (err instanceof InvalidQuery) {
        throw new AppError('invalid-cursor', err.message, { parameter: 'cursor' });
      }
      throw err;
    }
  }
}

function answerKey(at: AsOf): string {
  return `${at.asOf ?? ''}|${at.atRevision ?? ''}|${at.knownAt ?? ''}`;
}

function recordedBy(e: StoredEvent, asOf: string | undefined): boolean {
  return asOf === undefined || Date.parse(e.recordedAt) <= Date.parse(asOf);
}

function knownAtFilter(at: AsOf): { knownAt?: string } {
  return at.knownAt !== undefined ? { knownAt: at.knownAt } : {};
}

