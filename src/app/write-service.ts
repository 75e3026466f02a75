import { randomUUID } from 'node:crypto';
import type { IncidentCommand, SourceCommand } from '../domain/commands.ts';
import { incidentDecider, sourceDecider, type Decider } from '../domain/decider.ts';
import { EVENT_SCHEMAS, incidentStream, sourceStream, type DomainEvent } from '../domain/events.ts';
import { parseIncidentEvent, parseSourceEvent } from '../domain/upcast.ts';
import type { EventStore, ExpectedRevision, NewEvent, StoredEvent } from '../store/port.ts';
import { StreamNotFound, WrongExpectedVersion } from '../store/port.ts';
import { lruGet, lruSet } from '../../projections/collections.ts';
import { AppError } from './errors.ts';
import { idempotencyScope, idempotentEventId, idsOf, requestHash, type IdempotencyIndex } from './idempotency.ts';
import type { LiveModels } from './live-models.ts';

/** The request an Idempotency-Key names: a repeat must match it exactly (method, path, canonical body). */
export interface IdempotentRequest {
  key: string;
  method: string;
  path: string;
  body: unknown;
}

export interface WriteContext {
  actor: string;
  correlationId: string;
  causationId?: string;
  idempotency?: IdempotentRequest;
  /** The client's expected revision: a stale one fails instead of being retried. */
  ifMatch?: bigint;
}

export interface WriteResult {
  stream: string;
  /** Revision of the stream after the write. */
  revision: bigint;
  index: bigint;
  position: bigint;
  /** The ids the first event names (incidentId, sourceId, claimId): generated ones are read back here. */
  ids: Record<string, string>;
  /** An earlier answer to the same idempotent request: nothing was appended. */
  replayed: boolean;
}

/** A decider as the write service runs it: with the upcaster that turns a stored event into its domain event. */
interface StreamDecider<C, S, E extends DomainEvent> extends Decider<C, S, E> {
  parse(e: StoredEvent): E;
}

/** What an idempotent append outside a decider gives its event: the metadata keys and the event id. */
export interface IdempotentAppend {
  metadata: Partial<NewEvent['metadata']>;
  eventId: string;
}

/** An idempotency key with the hash of the request it came with. */
interface Keyed {
  key: string;
  /** What a new event keeps: the HMAC when the service has a key. */
  hash: string;
  /** Also the same request: the plain hash that events stored before the HMAC carry. */
  legacy: string;
}

const sameRequest = (stored: string | undefined, keyed: Keyed | undefined): boolean =>
  keyed !== undefined && (stored === keyed.hash || stored === keyed.legacy);

/** A command decided on a stale state is retried against the fresh one this many times, then 409. */
const MAX_ATTEMPTS = 4;
const KEY_REUSED = 'this Idempotency-Key was used with another method, path or body';

/**
 * The one path of every command: replay of an idempotent request, load → decide → append → wait
 * until this instance's read models have applied the events (read-your-writes), with retries on a
 * concurrent append.
 */
export class WriteService {
  constructor(
    private readonly store: EventStore,
    private readonly live: LiveModels,
    private readonly sourceKnown: (sourceId: string) => boolean,
    /** Keys the request hash kept in metadata (see requestHash); without it, the plain hash. */
    private readonly requestHashKey?: Buffer,
  ) {}

  async handleIncident(cmd: IncidentCommand, ctx: WriteContext): Promise<WriteResult> {
    const decider = { ...incidentDecider({ sourceExists: (id) => this.sourceExists(id) }), parse: parseIncidentEvent };
    return this.execute(incidentStream(cmd.incidentId), decider, cmd, ctx);
  }

  async handleSource(cmd: SourceCommand, ctx: WriteContext): Promise<WriteResult> {
    return this.execute(sourceStream(cmd.sourceId), { ...sourceDecider, parse: parseSourceEvent }, cmd, ctx);
  }

  /**
   * The idempotency handshake for a write that is not a command of a stream's decider (a redaction):
   * a repeat of the request gets the original result; otherwise `run` appends, with the metadata
   * and the event id that make a repeat recognisable.
   */
  async idempotent(ctx: WriteContext, run: (keyed: IdempotentAppend) => Promise<WriteResult>): Promise<WriteResult> {
    const keyed = this.keyedOf(ctx);
    if (keyed === undefined) return run({ metadata: {}, eventId: randomUUID() });
    const replay = this.findReplay(ctx.actor, keyed);
    if (replay) return replay;
    return run({ metadata: { idempotencyKey: keyed.key, requestHash: keyed.hash }, eventId: idempotentEventId(ctx.actor, keyed.key, 0) });
  }

  private keyedOf(ctx: WriteContext): Keyed | undefined {
    const r = ctx.idempotency;
    return r === undefined ? undefined : {
      key: r.key, hash: requestHash(r.method, r.path, r.body, this.requestHashKey), legacy: requestHash(r.method, r.path, r.body),
    };
  }

  /** A replay of an earlier idempotent request, or undefined; the key with another request is refused. */
  private findReplay(actor: string, keyed: Keyed): WriteResult | undefined {
    const seen = this.live.state<IdempotencyIndex>('idempotency').get(idempotencyScope(actor, keyed.key));
    if (seen === undefined) return undefined;
    if (!sameRequest(seen.requestHash, keyed)) throw new AppError('idempotency-key-reused', KEY_REUSED);
    return { stream: seen.stream, revision: seen.revision, index: seen.index, position: seen.position, ids: seen.ids, replayed: true };
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
  private async execute<C, S, E extends DomainEvent>(stream: string, d: StreamDecider<C, S, E>, cmd: C, ctx: WriteContext): Promise<WriteResult> {
    const keyed = this.keyedOf(ctx);
    // Checked before anything else, If-Match included: a repeat gets the original answer.
    const replay = keyed && this.findReplay(ctx.actor, keyed);
    if (replay) return replay;
    const previous = this.queues.get(stream) ?? Promise.resolve();
    const run = previous.then(() => this.attempt(stream, d, cmd, ctx, keyed));
    const tail = run.catch(() => undefined);
    this.queues.set(stream, tail);
    try {
      return await run;
    } finally {
      if (this.queues.get(stream) === tail) this.queues.delete(stream);
    }
  }

  private async attempt<C, S, E extends DomainEvent>(
    stream: string, d: StreamDecider<C, S, E>, cmd: C, ctx: WriteContext, keyed: Keyed | undefined,
  ): Promise<WriteResult> {
    // A copy of this request queued behind the original finds the original's answer here.
    const replay = keyed && this.findReplay(ctx.actor, keyed);
    if (replay) return replay;
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(stream, d);
      if (ctx.ifMatch !== undefined && revision !== ctx.ifMatch) throw stale(revision);
      await this.refreshSources(cmd);
      const decided = d.decide(cmd, state);
      const expected: ExpectedRevision = revision === undefined ? 'no_stream' : revision;
      try {
        const result = await this.store.append(stream, decided.map((e, i) => envelope(e, i, ctx, keyed)), { expected });
        const written = result.replayed ? await this.replayedWrite(result.index, keyed) : undefined;
        await this.live.waitFor(result.index);
        return written ?? {
          stream,
          revision: result.nextRevision,
          index: result.index,
          position: result.position,
          ids: idsOf(decided[0]?.data),
          replayed: false,
        };
      } catch (err) {
        if (!(err instanceof WrongExpectedVersion)) throw err;
        if (ctx.ifMatch !== undefined) throw stale(err.actual === 'no_stream' ? undefined : err.actual);
        if (attempt >= MAX_ATTEMPTS) {
          throw new AppError('conflict', `the stream kept changing under ${MAX_ATTEMPTS} attempts; try again`);
        }
      }
    }
  }

  /** An append whose event ids were already stored: a racing copy of an idempotent request won. */
  private async replayedWrite(index: bigint, keyed: Keyed | undefined): Promise<WriteResult> {
    const [last] = await this.store.readAll({ from: index, limit: 1 });
    if (last === undefined) throw new Error(`replayed append points at missing index ${index}`);
    if (!sameRequest(last.metadata.requestHash, keyed)) throw new AppError('idempotency-key-reused', KEY_REUSED);
    const key = last.metadata.idempotencyKey;
    const seen = key === undefined ? undefined : this.live.state<IdempotencyIndex>('idempotency').get(idempotencyScope(last.metadata.actor, key));
    return {
      stream: last.stream,
      revision: last.revision,
      index: last.index,
      position: last.position,
      ids: seen?.ids ?? idsOf(last.data),
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

  /** After a redaction: the decided-on states may hold erased values; the next command reloads. */
  forgetLoaded(): void {
    this.loaded.clear();
  }
  private static readonly LOADED_MAX = 4096;

  private async load<S, E extends DomainEvent>(stream: string, d: StreamDecider<unknown, S, E>): Promise<{ state: S; revision: bigint | undefined }> {
    const cached = lruGet(this.loaded, stream) as { state: S; revision: bigint } | undefined;
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
    if (revision !== undefined) lruSet(this.loaded, stream, { state, revision }, WriteService.LOADED_MAX);
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
}

function envelope(e: DomainEvent, i: number, ctx: WriteContext, keyed: Keyed | undefined): NewEvent {
  return {
    // Derived from the key, so that two racing copies of one request append the same ids.
    eventId: keyed ? idempotentEventId(ctx.actor, keyed.key, i) : randomUUID(),
    type: e.type,
    schemaVersion: EVENT_SCHEMAS[e.type].schemaVersion,
    data: e.data,
    metadata: {
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      ...(ctx.causationId !== undefined ? { causationId: ctx.causationId } : {}),
      ...(keyed ? { idempotencyKey: keyed.key, requestHash: keyed.hash } : {}),
    },
  };
}

function stale(current: bigint | undefined): AppError {
  return new AppError('precondition-failed', 'the stream has changed since the revision in If-Match', { currentRevision: current ?? null });
}
