import pg from 'pg';
import {
  StoreUnavailable, StreamNotFound,
  type AppendOptions, type AppendResult, type EventStore, type NewEvent,
  type ImportedEvent, type ReadAllOptions, type ReadStreamOptions, type RedactionRequest, type StoredEvent, type SubscribeOptions, type Subscription,
} from '../port.ts';
import { checkAppend, checkFrom, checkReadAll, checkReadStream } from '../rules.ts';
import { LiveSignal, subscription } from '../sqlite/subscription.ts';
import { commitBatch, type BatchOptions } from './batch.ts';
import type { AppendRequest } from './plan.ts';
import { isUnavailable, unavailable } from './errors.ts';
import { importInTx } from './import.ts';
import { Listener } from './listener.ts';
import { openMigratedPool } from './pool.ts';
import { redactInTx } from './redact.ts';
import { toStoredEvent } from './rows.ts';
import { SCHEMA } from './schema.ts';
import { CHANNEL, logSize, readAllRows, readStreamRows, streamHead } from './sql.ts';

export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:5432/db`; when absent, libpq's PG* variables (PGHOST, PGDATABASE…). */
  connectionString?: string;
  /** Connections in the pool: one writes at a time, the others read. */
  poolSize?: number;
  /** How often a live subscriber reads anyway, in case a notification was lost. */
  pollMs?: number;
  /** Clock for recordedAt, in ms since the epoch; tests turn it back. */
  now?: () => number;
  /** How long to wait for a connection before the call fails with StoreUnavailable. */
  connectTimeoutMs?: number;
  /**
   * Runs inside every group-commit transaction, holding the head lock, just before COMMIT; a throw
   * rolls the batch back and fails its appends with that error. For fault tests only.
   */
  beforeCommit?: () => Promise<void>;
}

/** Appends per transaction at most; the rest wait for the next one, which starts right after. */
const MAX_BATCH = 500;
const SUBSCRIPTION_BATCH = 500;
/** Larger than any revision: "from the end" for backwards reads. */
const MAX_INT64 = 9223372036854775807n;

export async function openPostgresStore(opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const { pool, client } = await openMigratedPool({
    ...(opts.connectionString !== undefined ? { connectionString: opts.connectionString } : {}),
    ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
    applicationName: 'palimpsest', max: opts.poolSize ?? 10,
  });
  const store = new PostgresStore(pool, client, opts.pollMs ?? 500, { now: opts.now ?? Date.now, ...(opts.beforeCommit ? { beforeCommit: opts.beforeCommit } : {}) });
  await store.listen();
  return store;
}

interface Queued {
  request: AppendRequest;
  resolve(r: AppendResult): void;
  reject(e: unknown): void;
}

export class PostgresStore implements EventStore {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #pollMs: number;
  readonly #batch: BatchOptions;
  readonly #signal = new LiveSignal();
  readonly #listener: Listener;
  readonly #subscriptions = new Set<Subscription>();
  #queue: Queued[] = [];
  /** The group commit in flight; at most one per instance, as they would queue on the head lock anyway. */
  #flushing: Promise<void> | undefined;
  #closed = false;
  #commits = 0;
  #appends = 0;

  /** Use openPostgresStore. */
  constructor(pool: pg.Pool, client: pg.ClientConfig, pollMs: number, batch: BatchOptions) {
    this.#pool = pool;
    this.#pollMs = pollMs;
    this.#batch = batch;
    this.#listener = new Listener({ client, channel: CHANNEL, onNotify: () => this.#signal.notify() });
  }

  /** @internal openPostgresStore starts the LISTEN connection once the schema exists. */
  listen(): Promise<void> {
    return this.#listener.start();
  }

  /**
   * Queued, then written by the next group commit: every append that arrives while one commit is
   * in flight shares the one after it. The promise settles only after that COMMIT returned, so an
   * acknowledged append is durable as far as the server's synchronous_commit makes it.
   */
  append(stream: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    try {
      this.#assertOpen();
      const request: AppendRequest = { stream, ...checkAppend(stream, events, options) };
      checkStorableText(stream, 'stream');
      for (const e of request.events) checkStorableText(e.type, `event ${e.eventId}: type`);
      return new Promise<AppendResult>((resolve, reject) => {
        this.#queue.push({ request, resolve, reject });
        this.#scheduleFlush();
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Commits counted since open, and appends they carried: commits < appends means batches were shared. */
  get stats(): { commits: number; appends: number } {
    return { commits: this.#commits, appends: this.#appends };
  }

  #scheduleFlush(): void {
    if (this.#flushing !== undefined || this.#queue.length === 0) return;
    // setImmediate: the appends of this turn of the event loop join the first batch too.
    this.#flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#flush())
      .finally(() => {
        this.#flushing = undefined;
        this.#scheduleFlush();
      });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      const e = unavailable(err);
      for (const q of batch) q.reject(e);
      return;
    }
    let result: Awaited<ReturnType<typeof commitBatch>>;
    try {
      result = await commitBatch(client, batch.map((q) => q.request), this.#batch);
      client.release();
    } catch (err) {
      // The connection may be broken: destroy it rather than hand it back to the pool. When
      // COMMIT itself was lost the batch may or may not be written; retrying with the same event
      // ids is safe either way (a stored id is answered as a replay).
      client.release(true);
      const e = unavailable(err);
      for (const q of batch) q.reject(e);
      this.#signal.notify();
      return;
    }
    this.#commits += 1;
    this.#appends += batch.length;
    batch.forEach((q, i) => {
      const o = result.outcomes[i];
      if (o === undefined) q.reject(new Error('group commit lost an outcome'));
      else if ('error' in o) q.reject(o.error);
      else q.resolve(o);
    });
    if (result.written > 0) this.#signal.notify();
  }

  /**
   * The port's redaction capability (see EventStore.redactEvent): one transaction under the head
   * lock, then a VACUUM of the events table so that the old row version's space is freed rather
   * than kept until autovacuum comes by. What VACUUM cannot reach (free space not yet overwritten,
   * WAL, archives, backups) is listed in docs/redaction.md.
   */
  async redactEvent(request: RedactionRequest): Promise<AppendResult> {
    this.#assertOpen();
    const result = await this.#withClient((c) => redactInTx(c, request, this.#batch.now));
    this.#signal.notify();
    // The redaction is committed whatever VACUUM does: failing here would leave this instance's
    // read models holding the erased values, since the caller would not refold them.
    await this.#pool.query(`VACUUM ${SCHEMA}.events`).catch(() => {});
    return result;
  }

  /** The port's import capability (see EventStore.importEvents), one transaction per call. */
  async importEvents(events: ImportedEvent[]): Promise<void> {
    this.#assertOpen();
    if (events.length === 0) return;
    for (const e of events) {
      checkStorableText(e.stream, `import index ${e.index}: stream`);
      checkStorableText(e.type, `import index ${e.index}: type`);
    }
    await this.#withClient((c) => importInTx(c, events));
    this.#signal.notify();
  }

  /** A connection of its own for one transaction; a broken one is destroyed, not handed back. */
  async #withClient<T>(run: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw unavailable(err);
    }
    try {
      const out = await run(client);
      client.release();
      return out;
    } catch (err) {
      client.release(isUnavailable(err) ? true : undefined);
      throw unavailable(err);
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.#assertOpen();
    const read = checkReadStream(stream, options);
    const { direction } = read;
    const limit = read.limit ?? null;
    const from = read.from ?? (direction === 'backwards' ? MAX_INT64 : 0n);
    const rows = await this.#query(() => readStreamRows(this.#pool, stream, from, direction, limit));
    if (rows.length === 0 && (await this.streamRevision(stream)) === undefined) throw new StreamNotFound(stream);
    return rows.map(toStoredEvent);
  }

  async streamRevision(stream: string): Promise<bigint | undefined> {
    this.#assertOpen();
    return this.#query(() => streamHead(this.#pool, stream));
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { from, limit } = checkReadAll(options);
    // LIMIT NULL is PostgreSQL's "no limit".
    const rows = await this.#query(() => readAllRows(this.#pool, from, limit ?? null));
    return rows.map(toStoredEvent);
  }

  async size(): Promise<bigint> {
    this.#assertOpen();
    return this.#query(() => logSize(this.#pool));
  }

  /**
   * Reads by index from where it stands, woken by this instance's commits, by every instance's
   * NOTIFY, and at least every poll interval. While the server is away it keeps trying (at the
   * poll interval) instead of ending, so an instance follows the log again once it is back.
   */
  subscribe(options: SubscribeOptions = {}): Subscription {
    this.#assertOpen();
    const from = checkFrom(options.from) ?? 0n;
    const state = { closed: false };
    const inner = subscription({
      from,
      readBatch: (from) => this.#untilAvailable(state, async () => (await readAllRows(this.#pool, from, SUBSCRIPTION_BATCH)).map(toStoredEvent), []),
      size: () => this.#untilAvailable(state, () => logSize(this.#pool), 0n),
      signal: this.#signal,
      pollMs: this.#pollMs,
      onClose: () => { this.#subscriptions.delete(sub); },
    });
    const sub: Subscription = {
      [Symbol.asyncIterator]: () => inner[Symbol.asyncIterator](),
      close: async () => {
        // A read retrying through an outage must give up now, or close would wait for the server.
        state.closed = true;
        this.#signal.notify();
        await inner.close();
      },
    };
    this.#subscriptions.add(sub);
    return sub;
  }

  /** Retries `read` while the server is unavailable; once closed, answers `closed` (the subscription then ends). */
  async #untilAvailable<T>(sub: { closed: boolean }, read: () => Promise<T>, closed: T): Promise<T> {
    for (;;) {
      if (this.#closed || sub.closed) return closed;
      try {
        return await read();
      } catch (err) {
        if (!isUnavailable(err)) throw err;
      }
      await this.#signal.wait(this.#pollMs).done;
    }
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await this.#pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async #query<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw unavailable(err);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreUnavailable('store is closed');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal.notify();
    // Appends already accepted are written, not dropped: they were refused nothing.
    while (this.#flushing !== undefined) await this.#flushing;
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    await this.#listener.close();
    await this.#pool.end();
  }
}

/**
 * PostgreSQL text holds no NUL character, and a lone surrogate would be stored as U+FFFD, so the
 * row would no longer match its leaf hash. Refused like any other bad call, before the batch.
 * (Inside data and metadata both are kept: the json type stores them as escapes.)
 */
function checkStorableText(value: string, what: string): void {
  if (value.includes('\u0000') || Buffer.from(value, 'utf8').toString('utf8') !== value) {
    throw new TypeError(`${what} ${JSON.stringify(value)} holds a NUL character or a lone surrogate, which PostgreSQL cannot store`);
  }
}
