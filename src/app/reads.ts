import { incidentStream } from '../domain/events.ts';
import type { EventStore, StoredEvent } from '../store/port.ts';
import { StreamNotFound } from '../store/port.ts';
import { readLog } from '../store/read-log.ts';
import { getIncident } from '../../projections/incident-view/cache.ts';
import type { ViewState } from '../../projections/incident-view/fold.ts';
import { buildIncidentView, getClaim, type IncidentView } from '../../projections/incident-view/render.ts';
import { buildHistory, type HistoryEntry } from '../../projections/provenance-history.ts';
import { buildTimeline, queryTimeline, type TimelineQuery } from '../../projections/timeline.ts';
import { buildSources, getSource, listSources, type SourcesState } from '../../projections/sources.ts';
import { InvalidQuery } from '../../projections/cursor.ts';
import { AppError } from './errors.ts';
import type { LiveModels } from './live-models.ts';

/** The as-of parameters (docs/api.md, Reads and time): system time, stream revision, statement time. */
export interface AsOf {
  asOf?: string;
  atRevision?: bigint;
  knownAt?: string;
}

const isPlain = (a: AsOf): boolean => a.asOf === undefined && a.atRevision === undefined && a.knownAt === undefined;

/**
 * Every read of the API. Plain reads come from the live read models; as-of reads fold the pure
 * projections over the events that existed at that point — for one incident only its own stream,
 * so their cost is bound by that stream, not by the store. Provenance history is always folded
 * from the incident's stream: keeping it in memory for every incident costs more than it saves.
 */
export class Reads {
  constructor(
    private readonly store: EventStore,
    private readonly live: LiveModels,
  ) {}

  private get view(): ViewState {
    return this.live.state<ViewState>('incident-view');
  }

  sourceExists(sourceId: string): boolean {
    return getSource(this.live.state<SourcesState>('sources'), sourceId) !== undefined;
  }

  /** The incident's stream cut at asOf / atRevision, or undefined when it has no events. */
  private async streamAt(incidentId: string, at: AsOf): Promise<StoredEvent[] | undefined> {
    let events: StoredEvent[];
    try {
      events = await this.store.readStream(incidentStream(incidentId));
    } catch (err) {
      if (err instanceof StreamNotFound) return undefined;
      throw err;
    }
    const last = events.at(-1);
    if (at.atRevision !== undefined && last !== undefined && at.atRevision > last.revision) {
      throw new AppError('revision-out-of-range', `atRevision ${at.atRevision} is beyond the current revision ${last.revision}`, { parameter: 'atRevision' });
    }
    return events.filter((e) => recordedBy(e, at.asOf) && (at.atRevision === undefined || e.revision <= at.atRevision));
  }

  async incident(incidentId: string, at: AsOf): Promise<IncidentView | undefined> {
    if (isPlain(at)) return getIncident(this.view, incidentId);
    const events = await this.streamAt(incidentId, at);
    return events && buildIncidentView(events, knownAtFilter(at));
  }

  async history(incidentId: string, at: AsOf, filter: { fact?: string; claimId?: string }): Promise<{ revision: number; items: HistoryEntry[] } | undefined> {
    const events = await this.streamAt(incidentId, at);
    if (!events) return undefined;
    const view = isPlain(at) ? getIncident(this.view, incidentId) : buildIncidentView(events, knownAtFilter(at));
    const items = buildHistory(events, { ...knownAtFilter(at), ...filter });
    return view && items ? { revision: view.revision, items } : undefined;
  }

  async claim(incidentId: string, claimId: string, at: AsOf): Promise<{ revision: number; claim: Record<string, unknown> } | 'no-incident' | undefined> {
    const events = await this.streamAt(incidentId, at);
    if (!events) return 'no-incident';
    const view = isPlain(at) ? getIncident(this.view, incidentId) : buildIncidentView(events, knownAtFilter(at));
    if (!view) return 'no-incident';
    const claim = isPlain(at) ? getClaim(this.view, incidentId, claimId) : findClaim(view, claimId);
    if (!claim) return undefined;
    const history = buildHistory(events, { ...knownAtFilter(at), claimId }) ?? [];
    return { revision: view.revision, claim: { ...claim, history } };
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

function findClaim(view: IncidentView, claimId: string): Record<string, unknown> | undefined {
  for (const [fact, f] of Object.entries(view.facts)) {
    const claim = (f.claims as { claimId: string }[]).find((c) => c.claimId === claimId);
    if (claim) return { ...claim, fact };
  }
  return undefined;
}

function recordedBy(e: StoredEvent, asOf: string | undefined): boolean {
  return asOf === undefined || Date.parse(e.recordedAt) <= Date.parse(asOf);
}

function knownAtFilter(at: AsOf): { knownAt?: string } {
  return at.knownAt !== undefined ? { knownAt: at.knownAt } : {};
}

