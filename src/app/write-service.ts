import { randomUUID } from 'node:crypto';
import type { IncidentCommand, SourceCommand } from '../domain/commands.ts';
import { incidentDecider, sourceDecider } from '../domain/decider.ts';
import { incidentStream, sourceStream, type DomainEvent } from '../domain/events.ts';
import { parseIncidentEvent, parseSourceEvent } from '../domain/upcast.ts';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, StoredEvent } from '../store/port.ts';
import { StoreUnavailable, StreamNotFound, WrongExpectedVersion } from '../store/port.ts';
import { lruGet, lruSet } from '../../projections/collections.ts';
import { AppError } from './errors.ts';
import { idempotencyScope, idempotentEventId, idsOf, requestHash, type IdempotencyIndex } from './idempotency.ts';
import { envelope, stale, type Decided, type Keyed, type Loaded, type Pending, type StreamDecider, type StreamQueue, type WriteContext, type WriteResult } from './write-command.ts';
import type { LiveModels } from './live-models.ts';

export type { IdempotentRequest, WriteContext, WriteResult } from './write-command.ts';

/** What an idempotent append outside a decider gives its event: the metadata keys and the event id. */
export interface IdempotentAppend {
  metadata: Partial<NewEvent['metadata']>;
  eventId: string;
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

  /** The commands waiting on each stream in this process, and whether its batch loop runs. */
  private readonly queues = new Map<string, StreamQueue>();

  /**
   * Commands on one stream run in this process in batches: every command that waits while the
   * stream's previous batch is being written is decided, in arrival order, against the state the
   * earlier ones leave, and all their events go to the store in one append (one transaction, one
   * fsync). No command ever decides on another's stale state; the expected-revision retry below is
   * left for other processes.
   */
  private execute<C, S, E extends DomainEvent>(stream: string, d: StreamDecider<C, S, E>, cmd: C, ctx: WriteContext): Promise<WriteResult> {
    const keyed = this.keyedOf(ctx);
    // Checked before anything else, If-Match included: a repeat gets the original answer.
    const replay = keyed && this.findReplay(ctx.actor, keyed);
    if (replay) return Promise.resolve(replay);
    return new Promise<WriteResult>((resolve, reject) => {
      const pending: Pending = { cmd, ctx, keyed, resolve, reject };
      const queue = this.queues.get(stream);
      if (queue !== undefined) {
        queue.waiting.push(pending);
        return;
      }
      const fresh: StreamQueue = { waiting: [pending] };
      this.queues.set(stream, fresh);
      // Started on the next microtask, so that the commands of one turn share the first batch too.
      queueMicrotask(() => void this.drain(stream, d as StreamDecider<unknown, unknown, DomainEvent>, fresh));
    });
  }

  private async drain(stream: string, d: StreamDecider<unknown, unknown, DomainEvent>, queue: StreamQueue): Promise<void> {
    try {
      while (queue.waiting.length > 0) {
        const batch = queue.waiting;
        queue.waiting = [];
        try {
          // Copies of an idempotent request that is in this batch: they run next, and find its answer.
          queue.waiting.unshift(...(await this.runBatch(stream, d, batch)));
        } catch (err) {
          // A bug must not leave callers waiting forever; an answered promise ignores the reject.
          this.loaded.delete(stream);
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.queues.delete(stream);
    }
  }

  /** Decides and appends one batch; answers each of its commands; returns the ones deferred to the next. */
  private async runBatch(stream: string, d: StreamDecider<unknown, unknown, DomainEvent>, batch: Pending[]): Promise<Pending[]> {
    let live = batch;
    const later: Pending[] = [];
    for (let attempt = 1; live.length > 0; attempt++) {
      const loaded = await this.load(stream, d).catch((err: unknown) => err as Error);
      if (loaded instanceof Error) {
        for (const p of live) p.reject(loaded);
        return later;
      }
      const plan = await this.plan(d, live, loaded, later);
      if (plan.decided.length === 0) return later;
      const expected: ExpectedRevision = loaded.revision === undefined ? 'no_stream' : loaded.revision;
      const events = plan.decided.flatMap((x) => x.events.map((e, i) => envelope(e, i, x.pending.ctx, x.pending.keyed)));
      let result: AppendResult;
      try {
        result = await this.store.append(stream, events, { expected });
      } catch (err) {
        // The state was evolved in place for events that are not stored: the next load starts afresh.
        this.loaded.delete(stream);
        if (err instanceof WrongExpectedVersion) {
          const actual = err.actual === 'no_stream' ? undefined : err.actual;
          live = [];
          for (const x of plan.decided) {
            if (x.pending.ctx.ifMatch !== undefined) x.pending.reject(stale(actual));
            else if (attempt >= MAX_ATTEMPTS) x.pending.reject(new AppError('conflict', `the stream kept changing under ${MAX_ATTEMPTS} attempts; try again`));
            else live.push(x.pending);
          }
          continue;
        }
        // A racing copy of one keyed request from another process: the store replays a request
        // only as a whole append, so each request goes again alone.
        if (plan.decided.length > 1 && !(err instanceof StoreUnavailable)) return this.alone(stream, d, plan.decided, later);
        for (const x of plan.decided) x.pending.reject(err);
        return later;
      }
      if (result.replayed && plan.decided.length > 1) return this.alone(stream, d, plan.decided, later);
      await this.answer(stream, plan.decided, result, plan.state);
      return later;
    }
    return later;
  }

  /** Each request of a batch the store could not take as one append, again alone, in order. */
  private async alone(stream: string, d: StreamDecider<unknown, unknown, DomainEvent>, decided: Decided[], later: Pending[]): Promise<Pending[]> {
    this.loaded.delete(stream);
    for (const x of decided) later.push(...(await this.runBatch(stream, d, [x.pending])));
    return later;
  }

  /**
   * Decides each command against the state the previous ones leave. A command its rule refuses
   * (or whose If-Match is stale) fails alone; the state is evolved only by the events decided.
   */
  private async plan(
    d: StreamDecider<unknown, unknown, DomainEvent>, live: Pending[], loaded: Loaded<unknown>, later: Pending[],
  ): Promise<{ decided: Decided[]; state: Loaded<unknown> }> {
    let { state, revision } = loaded;
    const decided: Decided[] = [];
    const keys = new Set<string>();
    for (const p of live) {
      try {
        // A copy of this request queued behind the original finds the original's answer here.
        const replay = p.keyed && this.findReplay(p.ctx.actor, p.keyed);
        if (replay) {
          p.resolve(replay);
          continue;
        }
        if (p.keyed) {
          const scope = idempotencyScope(p.ctx.actor, p.keyed.key);
          if (keys.has(scope)) {
            later.push(p);
            continue;
          }
          keys.add(scope);
        }
        if (p.ctx.ifMatch !== undefined && revision !== p.ctx.ifMatch) throw stale(revision);
        await this.refreshSources(p.cmd);
        const events = d.decide(p.cmd, state);
        for (const e of events) state = d.evolveInPlace(state, e);
        if (events.length > 0) revision = (revision ?? -1n) + BigInt(events.length);
        decided.push({ pending: p, events });
      } catch (err) {
        p.reject(err);
      }
    }
    return { decided, state: { state, revision } };
  }

  /** Every request of a stored batch gets its own revision, index and position, once the read models have them. */
  private async answer(stream: string, decided: Decided[], result: AppendResult, after: Loaded<unknown>): Promise<void> {
    if (result.replayed || result.places.length !== decided.reduce((n, x) => n + x.events.length, 0)) {
      this.loaded.delete(stream);
    } else if (after.revision !== undefined) {
      lruSet(this.loaded, stream, { state: after.state, revision: after.revision }, WriteService.LOADED_MAX);
    }
    try {
      const written = result.replayed ? await this.replayedWrite(result.index, decided[0]?.pending.keyed) : undefined;
      await this.live.waitFor(result.index);
      let at = 0;
      for (const x of decided) {
        at += x.events.length;
        const place = x.events.length === 0 ? undefined : result.places[at - 1];
        if (written !== undefined) x.pending.resolve(written);
        else if (place === undefined) x.pending.resolve(this.unmoved(stream, result));
        else x.pending.resolve({ stream, revision: place.revision, index: place.index, position: place.position, ids: idsOf(x.events[0]?.data), replayed: false });
      }
    } catch (err) {
      for (const x of decided) x.pending.reject(err);
    }
  }

  /** The answer to a command that decided no events: the stream as the append left it. */
  private unmoved(stream: string, result: AppendResult): WriteResult {
    return { stream, revision: result.nextRevision, index: result.index, position: result.position, ids: {}, replayed: false };
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
   * reads only the events after it (another process's), instead of the whole stream through the
   * upcasters again. A cached state belongs to the stream's batch loop alone (one runs per stream at
   * a time), which evolves it in place and drops it when an append fails. Bounded: the least
   * recently used streams go.
   */
  private readonly loaded = new Map<string, { state: unknown; revision: bigint }>();

  /** After a redaction: the decided-on states may hold erased values; the next command reloads. */
  forgetLoaded(): void {
    this.loaded.clear();
  }
  private static readonly LOADED_MAX = 4096;

  private async load<S, E extends DomainEvent>(stream: string, d: StreamDecider<unknown, S, E>): Promise<Loaded<S>> {
    const cached = lruGet(this.loaded, stream) as { state: S; revision: bigint } | undefined;
    let events: StoredEvent[];
    try {
      events = await this.store.readStream(stream, cached ? { from: cached.revision + 1n } : {});
    } catch (err) {
      if (err instanceof StreamNotFound) return { state: d.initial(), revision: undefined };
      throw err;
    }
    let state = cached ? cached.state : d.initial();
    for (const e of events) state = d.evolveInPlace(state, d.parse(e));
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

