import type { StoredEvent } from '../../src/store/port.ts';
import type { EventDataMap } from '../../projections/event-data.ts';
import type { ResolvableClaim } from '../../projections/resolve.ts';

/** Builds StoredEvent sequences the way a store would: per-stream revisions, a dense index, recordedAt one minute apart. */
export class Log {
  readonly events: StoredEvent[] = [];
  private readonly revisions = new Map<string, bigint>();
  private clock = Date.parse('2024-10-07T09:00:00.000Z');

  add<T extends keyof EventDataMap>(stream: string, type: T, data: EventDataMap[T], opts: { actor?: string; at?: string } = {}): StoredEvent {
    const revision = this.revisions.has(stream) ? (this.revisions.get(stream) ?? 0n) + 1n : 0n;
    this.revisions.set(stream, revision);
    if (opts.at !== undefined) this.clock = Math.max(this.clock, Date.parse(opts.at));
    else this.clock += 60_000;
    const index = BigInt(this.events.length);
    const e: StoredEvent = {
      eventId: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
      type,
      schemaVersion: 1,
      data,
      metadata: { actor: opts.actor ?? 'editor-1', correlationId: `req-${index}` },
      stream,
      revision,
      recordedAt: new Date(this.clock).toISOString(),
      index,
      position: index,
    };
    this.events.push(e);
    return e;
  }

  source(sourceId: string, name = sourceId): StoredEvent {
    return this.add(`source-${sourceId}`, 'SourceRegistered', { sourceId, name, kind: 'news-outlet' });
  }

  incident(incidentId: string, over: Partial<EventDataMap['IncidentRegistered']> = {}): StoredEvent {
    return this.add(`incident-${incidentId}`, 'IncidentRegistered', {
      incidentId,
      title: `Incident ${incidentId}`,
      occurredAt: { start: '2024-10-06', precision: 'day' },
      location: { name: 'Karachi', country: 'PK' },
      category: 'bombing',
      tags: [],
      ...over,
    });
  }

  amend(incidentId: string, changes: EventDataMap['IncidentAmended']['changes'], reason = 'fix'): StoredEvent {
    return this.add(`incident-${incidentId}`, 'IncidentAmended', { changes, reason });
  }

  record(incidentId: string, d: EventDataMap['ClaimRecorded']): StoredEvent {
    return this.add(`incident-${incidentId}`, 'ClaimRecorded', d);
  }

  revise(incidentId: string, d: EventDataMap['ClaimRevised']): StoredEvent {
    return this.add(`incident-${incidentId}`, 'ClaimRevised', d);
  }

  retract(incidentId: string, d: EventDataMap['ClaimRetracted']): StoredEvent {
    return this.add(`incident-${incidentId}`, 'ClaimRetracted', d);
  }

  correct(incidentId: string, d: EventDataMap['ClaimCorrected']): StoredEvent {
    return this.add(`incident-${incidentId}`, 'ClaimCorrected', d);
  }

  rank(incidentId: string, claimId: string, rank: 'preferred' | 'normal' | 'deprecated'): StoredEvent {
    return this.add(`incident-${incidentId}`, 'ClaimRanked', { claimId, rank, reason: rank === 'preferred' ? 'best-available' : 'other' });
  }

  stream(incidentId: string): StoredEvent[] {
    return this.events.filter((e) => e.stream === `incident-${incidentId}`);
  }
}

export const exact = (value: number) => ({ kind: 'exact' as const, value });
export const atLeast = (value: number) => ({ kind: 'atLeast' as const, value });
export const range = (min: number, max: number) => ({ kind: 'range' as const, min, max });
export const NONE = { kind: 'none' as const };
export const UNKNOWN = { kind: 'unknown' as const };

let seq = 0;
/** A claim for the resolver: active, normal rank, its own source unless told. */
export function claim(value: ResolvableClaim['value'], over: Partial<ResolvableClaim> = {}): ResolvableClaim {
  seq++;
  return { claimId: `c-${seq}`, sourceId: `s-${seq}`, value, statedAt: '2024-10-07T10:00:00Z', status: 'active', rank: 'normal', ...over };
}
