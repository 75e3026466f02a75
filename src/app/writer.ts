import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../domain/events.ts';
import { EVENT_SCHEMAS, incidentStream, sourceStream } from '../domain/events.ts';
import type { IncidentCommand, SourceCommand } from '../domain/commands.ts';
import { decideIncident, evolveIncident, initialIncidentState, type IncidentState } from '../domain/incident.ts';
import { decideSource, evolveSource, initialSourceState, type SourceState } from '../domain/source.ts';
import { parseIncidentEvent, parseSourceEvent } from '../domain/upcast.ts';
import { HttpProblem } from '../http/problems.ts';
import type { EventStore, ExpectedRevision, NewEvent, StoredEvent } from '../store/port.ts';
import { StreamNotFound, WrongExpectedVersion } from '../store/port.ts';
import { idempotencyScope, idempotentEventId, idsOf, type IdempotencyIndex } from './idempotency.ts';
import type { LiveModels } from './live-models.ts';

export interface WriteContext {
  actor: string;
  correlationId: string;
  causationId?: string;
  idempotencyKey?: string;
  requestHash?: string;
  /** The client's If-Match revision: a stale one fails instead of being retried. */
  ifMatch?: bigint;
}

export interface WriteResult {
  stream: string;
  /** Revision of the stream after the write. */
  revision: bigint;
  index: bigint;
  position: bigint;
  /** The data of the first event written: where generated ids are read back from. */
  firstData: Record<string, unknown>;
  replayed: boolean;
}

interface Decider<C, S, E> {
  initial(): S;
  evolve(state: S, e: E): S;
  parse(e: StoredEvent): E;
  decide(cmd: C, state: S): E[];
}

/** A command decided on a stale state is retried against the fresh one this many times, then 409. */
const MAX_ATTEMPTS = 4;

export class Writer {
  constructor(
    private readonly store: EventStore,
    private readonly live: LiveModels,
    private readonly sourceKnown: (sourceId: string) => boolean,
  ) {}

  /** A replay of an earlier idempotent request, or undefined. Checked before If-Match. */
  findReplay(actor: string, key: string, hash: string): WriteResult | undefined {
    const seen = this.live.state<IdempotencyIndex>('idempotency').get(idempotencyScope(actor, key));
    if (seen === undefined) return undefined;
    if (seen.requestHash !== hash) {
      throw new HttpProblem('idempotency-key-reused', 'this Idempotency-Key was used with another method, path or body');
    }
    return { stream: seen.stream, revision: seen.revision, index: seen.index, position: seen.position, firstData: seen.ids, replayed: true };
  }

  async incident(cmd: IncidentCommand, ctx: WriteContext): Promise<WriteResult> {
    const decider: Decider<IncidentCommand, IncidentState, DomainEvent> = {
      initial: initialIncidentState,
      evolve: (s, e) => evolveIncident(s, e as Parameters<typeof evolveIncident>[1]),
      parse: (e) => parseIncidentEvent(e),
      decide: (c, s) => decideIncident(c, s, { sourceExists: (id) => this.sourceExists(id) }),
    };
    return this.execute(incidentStream(cmd.incidentId), decider, cmd, ctx);
  }

  async source(cmd: SourceCommand, ctx: WriteContext): Promise<WriteResult> {
    const decider: Decider<SourceCommand, SourceState, DomainEvent> = {
      initial: initialSourceState,
      evolve: (s, e) => evolveSource(s, e as Parameters<typeof evolveSource>[1]),
      parse: (e) => parseSourceEvent(e),
      decide: (c, s) => decideSource(c, s),
    };
    return this.execute(sourceStream(cmd.sourceId), decider, cmd, ctx);
  }

  /** The read model may trail another process's write: ask the store before calling a source unknown. */
  private sourceExistsCache = new Set<string>();
  private sourceExists(sourceId: string): boolean {
    return this.sourceKnown(sourceId) || this.sourceExistsCache.has(sourceId);
  }

  /** The tail of each stream's queue of commands in this process. */
  private readonly queues = new Map<string, Promise<unknown>>();

  /**
   * Commands on one stream run one after another in this process, so that they never decide on
   * each other's stale state; the expected-revision retry below is left for other processes.
   */
  private async execute<C, S>(stream: string, d: Decider<C, S, DomainEvent>, cmd: C, ctx: WriteContext): Promise<WriteResult> {
    const previous = this.queues.get(stream) ?? Promise.resolve();
    const run = previous.then(() => this.attempt(stream, d, cmd, ctx));
    const tail = run.catch(() => undefined);
    this.queues.set(stream, tail);
    try {
      return await run;
    } finally {
      if (this.queues.get(stream) === tail) this.queues.delete(stream);
    }
  }

  private async attempt<C, S>(stream: string, d: Decider<C, S, DomainEvent>, cmd: C, ctx: WriteContext): Promise<WriteResult> {
    // A copy of this request queued behind the original finds the original's answer here.
    if (ctx.idempotencyKey !== undefined && ctx.requestHash !== undefined) {
      const replay = this.findReplay(ctx.actor, ctx.idempotencyKey, ctx.requestHash);
      if (replay) return replay;
    }
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(stream, d);
      if (ctx.ifMatch !== undefined && revision !== ctx.ifMatch) throw stale(revision);
      await this.refreshSources(cmd);
      const decided = d.decide(cmd, state);
      const expected: ExpectedRevision = revision === undefined ? 'no_stream' : revision;
      try {
        const result = await this.store.append(stream, decided.map((e, i) => this.envelope(e, i, ctx)), { expected });
        const written = result.replayed ? await this.replayedWrite(result.index, ctx) : undefined;
        await this.live.waitFor(result.index);
        return written ?? {
          stream,
          revision: result.nextRevision,
          index: result.index,
          position: result.position,
          firstData: (decided[0]?.data ?? {}) as Record<string, unknown>,
          replayed: false,
        };
      } catch (err) {
        if (!(err instanceof WrongExpectedVersion)) throw err;
        if (ctx.ifMatch !== undefined) throw stale(err.actual === 'no_stream' ? undefined : err.actual);
        if (attempt >= MAX_ATTEMPTS) {
          throw new HttpProblem('conflict', `the stream kept changing under ${MAX_ATTEMPTS} attempts; try again`);
        }
      }
    }
  }

  /** An append whose event ids were already stored: a racing copy of an idempotent request won. */
  private async replayedWrite(index: bigint, ctx: WriteContext): Promise<WriteResult> {
    const [last] = await this.store.readAll({ from: index, limit: 1 });
    if (last === undefined) throw new Error(`replayed append points at missing index ${index}`);
    if (last.metadata.requestHash !== ctx.requestHash) {
      throw new HttpProblem('idempotency-key-reused', 'this Idempotency-Key was used with another method, path or body');
    }
    const key = last.metadata.idempotencyKey;
    const seen = key === undefined ? undefined : this.live.state<IdempotencyIndex>('idempotency').get(idempotencyScope(last.metadata.actor, key));
    return {
      stream: last.stream,
      revision: last.revision,
      index: last.index,
      position: last.position,
      firstData: seen?.ids ?? idsOf(last.data),
      replayed: true,
    };
  }

  /**
   * The decided-on state of recently written streams at a revision: the next command on the stream
   * reads only the events after it (its own last append, or another process's), instead of the
   * whole stream through the upcasters again. States are immutable (evolve returns new ones), so a
   * cached one is never changed under a caller. Bounded: the least recently used streams go.
   */
  private readonly loaded = new Map<string, { state: unknown; revision: bigint }>();
  private static readonly LOADED_MAX = 4096;

  private async load<S>(stream: string, d: Decider<unknown, S, DomainEvent>): Promise<{ state: S; revision: bigint | undefined }> {
    const cached = this.loaded.get(stream) as { state: S; revision: bigint } | undefined;
    let events: StoredEvent[];
    try {
      events = await this.store.readStream(stream, cached ? { from: cached.revision + 1n } : {});
    } catch (err) {
      if (err instanceof StreamNotFound) return { state: d.initial(), revision: undefined };
      throw err;
    }
    let state = cached ? cached.state : d.initial();
    for (const e of events) state = d.evolve(state, d.parse(e));
    const revision = events.at(-1)?.revision ?? cached?.revision;
    if (revision !== undefined) {
      this.loaded.delete(stream);
      this.loaded.set(stream, { state, revision });
      if (this.loaded.size > Writer.LOADED_MAX) this.loaded.delete(this.loaded.keys().next().value!);
    }
    return { state, revision };
  }

  private async refreshSources(cmd: unknown): Promise<void> {
    const c = cmd as { sourceId?: unknown; changes?: { sourceId?: unknown } };
    for (const id of [c.sourceId, c.changes?.sourceId]) {
      if (typeof id === 'string' && !this.sourceExists(id)) {
        if ((await this.store.streamRevision(sourceStream(id))) !== undefined) this.sourceExistsCache.add(id);
      }
    }
  }

  private envelope(e: DomainEvent, i: number, ctx: WriteContext): NewEvent {
    const idempotent = ctx.idempotencyKey !== undefined && ctx.requestHash !== undefined;
    return {
      eventId: idempotent ? idempotentEventId(ctx.actor, ctx.idempotencyKey!, i) : randomUUID(),
      type: e.type,
      schemaVersion: EVENT_SCHEMAS[e.type].schemaVersion,
      data: e.data,
      metadata: {
        actor: ctx.actor,
        correlationId: ctx.correlationId,
        ...(ctx.causationId !== undefined ? { causationId: ctx.causationId } : {}),
        ...(idempotent ? { idempotencyKey: ctx.idempotencyKey!, requestHash: ctx.requestHash! } : {}),
      },
    };
  }
}

function stale(current: bigint | undefined): HttpProblem {
  return new HttpProblem('precondition-failed', 'the stream has changed since the revision in If-Match', {
    currentRevision: current === undefined ? null : Number(current),
  });
}
