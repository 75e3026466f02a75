import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { eventLeafHash } from '../../log/leaf.ts';
import type { MerkleLog } from '../../log/merkle.ts';
import { markHashedHere } from '../hashed-here.ts';
import { newSeed } from '../../log/leaf-v2.ts';
import {
  StoreUnavailable, StreamNotFound, WrongExpectedVersion,
  type AppendOptions, type AppendResult, type EventPlace, type EventStore, type ImportedEvent, type NewEvent,
  type ReadAllOptions, type ReadStreamOptions, type RedactionRequest, type StoredEvent, type SubscribeOptions, type Subscription,
} from '../port.ts';
import { checkAppend, checkExpected, checkFrom, checkReadAll, checkReadStream, type CheckedAppend } from '../rules.ts';
import { importInTx, type ImportStatements } from './import.ts';
import { leafHashReader } from './leaf-hashes.ts';
import { leafTreeOffThread } from './leaf-tree.ts';
import { migrate } from './migrations.ts';
import { checkpointTruncate, prepareRedact, redactInTx } from './redact.ts';
import { COLUMNS, SELECTED, isUniqueEventIdViolation, openingText, prepareValues, toStoredEvent, unavailable, type EventRow, type EventValues } from './rows.ts';
import { LiveSignal, subscription } from './subscription.ts';
import { RecentEvents } from './recent-events.ts';
import { retryWhileBusy, SHORT_BUSY_TIMEOUT_MS } from './busy-retry.ts';

export interface SqliteStoreOptions {
  file: string;
  /** FULL (default) fsyncs the WAL at every commit; NORMAL may lose the last commits on power loss. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How often a live subscriber looks for events written by other processes. */
  pollMs?: number;
  /** Clock for recordedAt, in ms since the epoch; tests turn it back. */
  now?: () => number;
  /** How long a write waits for another process's write lock before giving up. */
  busyTimeoutMs?: number;
  /**
   * Tests only: 1 appends with the v1 leaf format, as stores written before leaf format 2 did, so
   * that a test can hold a store with v1 events beside v2 ones. Default 2.
   */
  leafVersion?: 1 | 2;
}

export interface SqliteSettings {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  busyTimeoutMs: number;
}

/** One append, serialised and checked before any transaction starts. */
type AppendRequest = CheckedAppend & { stream: string };

/** Larger than any revision SQLite can hold: "from the end" for backwards reads. */
const MAX_INT64 = 9223372036854775807n;
const SUBSCRIPTION_BATCH = 500;

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  const db = new Database(opts.file);
  try {
    // Set first, so that the pragmas and migrations below already wait for another process's lock.
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
    // WAL: readers never block the writer nor each other, and a commit is one sequential write.
    db.pragma('journal_mode = WAL');
    // FULL fsyncs the WAL on every commit, so an append we acknowledged survives power loss;
    // NORMAL only guarantees the database is not corrupted, and may lose the last commits.
    db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    // Every append probes the event_id index at a random UUID; past a few hundred thousand events
    // the default 2 MiB page cache no longer holds it. An upper bound, filled only as pages are read.
    db.pragma('cache_size = -65536');
    // A redaction must leave no copy of an erased string in the file: deleted and overwritten
    // content is zeroed instead of left in free space (docs/log.md, "Leaf format v2 and redaction").
    db.pragma('secure_delete = ON');
    migrate(db);
    // From now on a lock held elsewhere is waited for between event-loop turns (see busy-retry.ts).
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? SHORT_BUSY_TIMEOUT_MS)}`);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteStore(db, opts.pollMs ?? 50, opts.now ?? Date.now, opts.leafVersion ?? 2);
}

export class SqliteStore implements EventStore {
  readonly kind = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #pollMs: number;
  readonly #now: () => number;
  readonly #leafVersion: 1 | 2;
  readonly #signal = new LiveSignal();
  readonly #subscriptions = new Set<Subscription>();
  #closed = false;

  readonly #byEventId: Statement<[string], Pick<EventRow, 'idx' | 'stream' | 'revision'>>;
  readonly #streamHead: Statement<[string], Pick<EventRow, 'idx' | 'revision'>>;
  readonly #logHead: Statement<[], Pick<EventRow, 'idx' | 'recorded_at'>>;
  readonly #insert: Statement<[number, string, number, string, string, number, string, string, string, Buffer, string | null]>;
  readonly #readForwards: Statement<[string, bigint, number], EventValues>;
  readonly #readBackwards: Statement<[string, bigint, number], EventValues>;
  readonly #readAll: Statement<[bigint, number], EventValues>;
  readonly #readLeaves: (from: bigint, limit: number) => Buffer;
  readonly #ping: Statement<[], unknown>;
  readonly #appendTx: (requests: AppendRequest[]) => Array<AppendResult | { error: unknown }>;
  /** Appends waiting for the next group commit, in arrival order. */
  #queue: Array<{ request: AppendRequest; resolve(r: AppendResult): void; reject(e: unknown): void }> = [];
  #commits = 0;
  /** A group commit is in progress (possibly waiting for another process's lock): the next one waits. */
  #flushing = false;
  #appends = 0;
  /** The events of the transaction under way, as its savepoints leave them; kept once it commits. */
  #written: StoredEvent[] = [];
  readonly #recent = new RecentEvents();
  readonly #importTx: (events: ImportedEvent[]) => void;
  readonly #redactTx: (r: RedactionRequest) => AppendResult;

  /** Use openSqliteStore. */
  constructor(db: Database.Database, pollMs: number, now: () => number, leafVersion: 1 | 2) {
    this.#db = db;
    this.#pollMs = pollMs;
    this.#now = now;
    this.#leafVersion = leafVersion;
    this.#byEventId = db.prepare('SELECT idx, stream, revision FROM events WHERE event_id = ?');
    this.#streamHead = db.prepare('SELECT idx, revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1');
    this.#logHead = db.prepare('SELECT idx, recorded_at FROM events ORDER BY idx DESC LIMIT 1');
    this.#insert = db.prepare(`INSERT INTO events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // LIMIT -1 is SQLite's "no limit".
    this.#readForwards = prepareValues(db, `SELECT ${SELECTED} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`);
    this.#readBackwards = prepareValues(db, `SELECT ${SELECTED} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`);
    this.#readAll = prepareValues(db, `SELECT ${SELECTED} FROM events WHERE idx >= ? ORDER BY idx ASC LIMIT ?`);
    this.#readLeaves = leafHashReader(db);
    this.#ping = db.prepare('SELECT 1');
    // Group commit: every append queued since the last flush shares one IMMEDIATE transaction, so
    // one fsync. Each request runs in its own SAVEPOINT (better-sqlite3 nests a transaction function
    // called inside a transaction as a savepoint), so one request's WrongExpectedVersion or id
    // conflict undoes only its own rows; later requests see the earlier ones' rows, exactly as if
    // they had been appended one after the other.
    const one = db.transaction((r: AppendRequest) => this.#appendInTx(r));
    const tx = db.transaction((requests: AppendRequest[]) => requests.map((r): AppendResult | { error: unknown } => {
      const before = this.#written.length;
      try {
        return one(r);
      } catch (error) {
        // The savepoint undid this request's rows: its events are not written.
        this.#written.length = before;
        // SQLite itself rolled the whole transaction back (I/O error, full disk): nothing of the
        // batch is written, so every request must fail, not only this one.
        if (!db.inTransaction) throw error;
        return { error };
      }
    }));
    this.#appendTx = (requests) => {
      this.#written = [];
      try {
        const results = tx.immediate(requests);
        this.#recent.add(this.#written);
        return results;
      } finally {
        this.#written = [];
      }
    };
    const statements: ImportStatements = { logHead: this.#logHead, streamHead: this.#streamHead, insert: this.#insert };
    const importTx = db.transaction((events: ImportedEvent[]) => importInTx(statements, events));
    this.#importTx = (events) => importTx.immediate(events);
    const redactStatements = prepareRedact(db, SELECTED);
    const redactTx = db.transaction((r: RedactionRequest): AppendResult => {
      redactInTx(redactStatements, r);
      return this.#appendInTx({ stream: r.stream, ...checkAppend(r.stream, [r.event]) });
    });
    this.#redactTx = (r) => redactTx.immediate(r);
  }

  /** The port's redaction capability (see EventStore.redactEvent). */
  async redactEvent(request: RedactionRequest): Promise<AppendResult> {
    this.#assertOpen();
    // Appends already queued go first, so the redaction event follows them in the log.
    this.#flush();
    let result: AppendResult;
    // The erased strings must not be handed to a subscriber from memory.
    this.#recent.clear();
    try {
      result = this.#redactTx(request);
    } catch (err) {
      throw unavailable(err);
    }
    // Its appended event went through the append path's buffer without a group commit: drop it.
    this.#written = [];
    this.#signal.notify();
    await checkpointTruncate(this.#db);
    return result;
  }

  /** The port's import capability (see EventStore.importEvents), one transaction per call. */
  async importEvents(events: ImportedEvent[]): Promise<void> {
    this.#assertOpen();
    if (events.length === 0) return;
    try {
      this.#importTx(events);
    } catch (err) {
      throw unavailable(err);
    }
    this.#signal.notify();
  }

  /**
   * Queued, then written by the next group commit (scheduled with setImmediate, so every append
   * that arrives in the same turn of the event loop shares its transaction and its fsync). The
   * promise settles only after that commit: an acknowledged append is durable (synchronous=FULL).
   */
  append(stream: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    try {
      this.#assertOpen();
      const request: AppendRequest = { stream, ...checkAppend(stream, events, options) };
      return new Promise<AppendResult>((resolve, reject) => {
        if (this.#queue.push({ request, resolve, reject }) === 1) setImmediate(() => this.#flush());
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Commits counted since open, and appends they carried: commits < appends means batches were shared. */
  get stats(): { commits: number; appends: number } {
    return { commits: this.#commits, appends: this.#appends };
  }

  #flush(): void {
    if (this.#flushing) return;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    if (!this.#db.open) {
      for (const q of batch) q.reject(new StoreUnavailable('store is closed'));
      return;
    }
    this.#flushing = true;
    const requests = batch.map((q) => q.request);
    void retryWhileBusy(() => {
      if (!this.#db.open) throw new StoreUnavailable('store is closed');
      return this.#appendTx(requests);
    }).then(
      (results) => this.#settle(batch, results),
      (err: unknown) => {
        const e = unavailable(err);
        for (const q of batch) q.reject(e);
      },
    ).finally(() => {
      this.#flushing = false;
      if (this.#queue.length > 0) setImmediate(() => this.#flush());
    });
  }

  #settle(batch: Array<{ request: AppendRequest; resolve(r: AppendResult): void; reject(e: unknown): void }>, results: Array<AppendResult | { error: unknown }>): void {
    this.#commits += 1;
    this.#appends += batch.length;
    let wrote = false;
    for (let i = 0; i < batch.length; i++) {
      const q = batch[i]!;
      const r = results[i]!;
      if ('error' in r) {
        q.reject(unavailable(r.error));
      } else {
        if (!r.replayed && q.request.events.length > 0) wrote = true;
        q.resolve(r);
      }
    }
    if (wrote) this.#signal.notify();
  }

  #appendInTx(r: AppendRequest): AppendResult {
    const first = r.events[0];
    if (first === undefined) {
      const head = this.#streamHead.get(r.stream);
      checkExpected(r.stream, r.expected, head === undefined ? undefined : BigInt(head.revision));
      // Nothing is written; the answer describes the stream as it stands (-1 when it has no events),
      // so read-your-writes waits for nothing new.
      const idx = head === undefined ? -1n : BigInt(head.idx);
      return { nextRevision: head === undefined ? -1n : BigInt(head.revision), index: idx, position: idx, places: [], replayed: false };
    }
    if (this.#byEventId.get(first.eventId) !== undefined) return this.#replay(r);

    const head = this.#streamHead.get(r.stream);
    const current = head === undefined ? undefined : BigInt(head.revision);
    checkExpected(r.stream, r.expected, current);

    const last = this.#logHead.get();
    let idx = last === undefined ? 0 : last.idx + 1;
    let revision = current === undefined ? 0 : Number(current) + 1;
    // Read inside the write lock, so recordedAt never decreases along the log even when the
    // clock steps back or another process with a different clock wrote the previous event.
    const recordedAt = new Date(Math.max(this.#now(), last === undefined ? 0 : Date.parse(last.recorded_at))).toISOString();

    const places: EventPlace[] = [];
    for (const e of r.events) {
      // Every event gets its own random seed (leaf format 2): its strings can be erased later.
      const opening = this.#leafVersion === 2 ? { seed: newSeed() } : undefined;
      const leafHash = eventLeafHash({
        index: BigInt(idx), stream: r.stream, revision: BigInt(revision), eventId: e.eventId, type: e.type,
        schemaVersion: e.schemaVersion, recordedAt, data: e.data, metadata: e.metadata, ...(opening ? { opening } : {}),
      });
      const row: EventValues = [
        idx, r.stream, revision, e.eventId, e.type, e.schemaVersion, recordedAt, e.dataText, e.metadataText, leafHash.toString('hex'), openingText(opening),
      ];
      try {
        this.#insert.run(idx, r.stream, revision, e.eventId, e.type, e.schemaVersion, recordedAt, e.dataText, e.metadataText, leafHash, row[10]);
      } catch (err) {
        if (isUniqueEventIdViolation(err)) {
          throw new Error(`append to ${r.stream}: event ${e.eventId} is already stored but the batch's first event is not; a batch is replayed whole or not at all`);
        }
        throw err;
      }
      // Parsed from the stored text, as a read would give it: the subscribers get what they would read.
      this.#written.push(markHashedHere(toStoredEvent(row)));
      places.push({ revision: BigInt(revision), index: BigInt(idx), position: BigInt(idx) });
      idx += 1;
      revision += 1;
    }
    const lastIdx = BigInt(idx - 1);
    return { nextRevision: BigInt(revision - 1), index: lastIdx, position: lastIdx, places, replayed: false };
  }

  /** The batch's first id is stored: answer what the original append answered, write nothing. */
  #replay(r: AppendRequest): AppendResult {
    let last: Pick<EventRow, 'idx' | 'stream' | 'revision'> | undefined;
    const places: EventPlace[] = [];
    for (const e of r.events) {
      const row = this.#byEventId.get(e.eventId);
      if (row === undefined) {
        throw new Error(`append to ${r.stream}: only part of the batch is stored (event ${e.eventId} is not); a batch is replayed whole or not at all`);
      }
      if (row.stream !== r.stream) {
        throw new Error(`append to ${r.stream}: event ${e.eventId} is already stored in stream ${row.stream}`);
      }
      last = row;
      places.push({ revision: BigInt(row.revision), index: BigInt(row.idx), position: BigInt(row.idx) });
    }
    if (last === undefined) throw new Error('replay of an empty batch');
    const idx = BigInt(last.idx);
    return { nextRevision: BigInt(last.revision), index: idx, position: idx, places, replayed: true };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { from, direction, limit } = checkReadStream(stream, options);
    // LIMIT -1 is SQLite's "no limit".
    const rows = direction === 'backwards'
      ? this.#readBackwards.all(stream, from ?? MAX_INT64, limit ?? -1)
      : this.#readForwards.all(stream, from ?? 0n, limit ?? -1);
    if (rows.length === 0 && this.#streamHead.get(stream) === undefined) throw new StreamNotFound(stream);
    return rows.map(toStoredEvent);
  }

  async streamRevision(stream: string): Promise<bigint | undefined> {
    this.#assertOpen();
    const head = this.#streamHead.get(stream);
    return head === undefined ? undefined : BigInt(head.revision);
  }

  async readLeafHashes(from: bigint, limit: number): Promise<Buffer> {
    this.#assertOpen();
    return this.#readLeaves(from, limit);
  }

  /** The page cache is bounded (cache_size) but keeps what a full scan filled it with until asked. */
  releaseMemory(): void {
    if (!this.#closed) this.#db.pragma('shrink_memory');
  }

  /** Read on a worker thread's own read-only connection to the same file (see leaf-tree.ts). */
  readLeafTree(size: bigint): Promise<MerkleLog> {
    this.#assertOpen();
    return leafTreeOffThread(this.#db.name, size);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { from, limit } = checkReadAll(options);
    return this.#readAll.all(from, limit ?? -1).map(toStoredEvent);
  }

  async size(): Promise<bigint> {
    this.#assertOpen();
    return this.#size();
  }

  #size(): bigint {
    const head = this.#logHead.get();
    return head === undefined ? 0n : BigInt(head.idx) + 1n;
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.#assertOpen();
    const sub = subscription({
      from: checkFrom(options.from) ?? 0n,
      readBatch: (from) => this.#recent.from(from, SUBSCRIPTION_BATCH) ?? this.#readAll.all(from, SUBSCRIPTION_BATCH).map(toStoredEvent),
      size: () => this.#size(),
      signal: this.#signal,
      pollMs: this.#pollMs,
      onClose: () => { this.#subscriptions.delete(sub); },
    });
    this.#subscriptions.add(sub);
    return sub;
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      this.#ping.get();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Whether this connection can write, without writing: a rolled-back change to the header. SQLite
   * opens a file it may not write read-only for good, so the caller must reopen once this fails.
   */
  probeWrite(): void {
    this.#assertOpen();
    const version = Number(this.#db.pragma('user_version', { simple: true }));
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      this.#db.pragma(`user_version = ${version}`);
    } finally {
      this.#db.exec('ROLLBACK');
    }
  }

  /** Connection settings, for tests and diagnostics. */
  settings(): SqliteSettings {
    return {
      journalMode: String(this.#db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.#db.pragma('synchronous', { simple: true })),
      busyTimeoutMs: Number(this.#db.pragma('busy_timeout', { simple: true })),
    };
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreUnavailable('store is closed');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Appends already accepted are written, not dropped: they were refused nothing.
    this.#flush();
    // Subscriptions first: a pending next() must resolve done, not read from a closed handle.
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    this.#db.close();
  }
}
