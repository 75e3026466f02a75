import type { MerkleLog } from '../../log/merkle.ts';
import type { AppendOptions, AppendResult, EventStore, ImportedEvent, NewEvent, ReadAllOptions, ReadStreamOptions, RedactionRequest, StoredEvent, SubscribeOptions, Subscription } from '../port.ts';
import { StoreUnavailable } from '../port.ts';
import { isBusy } from './busy-retry.ts';
import type { SqliteStore } from './sqlite-store.ts';

/** How often a store whose writes fail tries a fresh connection. */
const RECOVERY_MS = 1000;

/**
 * A SQLite store whose writes heal without a restart. SQLite opens a file it may not write
 * (read-only file or mount, immutable flag) read-only for the connection's whole life, and keeps
 * failing after a full disk or an I/O error until reopened; so while writes fail, a fresh write
 * connection is tried every second (and before each write), and it replaces the old one once a
 * probe shows it can write. Reads and subscriptions stay on the first connection: a WAL reader
 * sees every commit, whichever connection made it. `writeFault()` feeds /health.
 */
export class SelfHealingSqliteStore implements EventStore {
  readonly kind = 'sqlite' as const;
  #writer: SqliteStore;
  #fault: string | undefined;
  #lastTry = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly reader: SqliteStore, private readonly reopen: () => Promise<SqliteStore>) {
    this.#writer = reader;
    try {
      reader.probeWrite();
    } catch (err) {
      if (!isBusy(err)) this.#failed(err);
    }
  }

  /** The write connection's commit and append counts (tests and benchmarks read them). */
  get stats(): SqliteStore['stats'] {
    return this.#writer.stats;
  }

  /** Why writes fail now, or undefined while they work. */
  writeFault(): string | undefined {
    return this.#fault;
  }

  append(stream: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    return this.#write((w) => w.append(stream, events, options));
  }

  /** A redaction writes like an append: through the write connection, healing it when it fails. */
  redactEvent(request: RedactionRequest): Promise<AppendResult> {
    return this.#write((w) => w.redactEvent(request));
  }

  async #write<T>(run: (writer: SqliteStore) => Promise<T>): Promise<T> {
    if (this.#fault !== undefined) await this.#recover();
    try {
      const r = await run(this.#writer);
      this.#fault = undefined;
      return r;
    } catch (err) {
      if (err instanceof StoreUnavailable && !this.#closed && !isBusy(err.cause) && !/closed/.test(err.message)) this.#failed(err.cause ?? err);
      throw err;
    }
  }

  async importEvents(events: ImportedEvent[]): Promise<void> {
    return this.#writer.importEvents(events);
  }

  #failed(err: unknown): void {
    this.#fault = err instanceof Error ? err.message : String(err);
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => void this.#recover(), RECOVERY_MS);
    this.#timer.unref();
  }

  async #recover(): Promise<void> {
    if (this.#fault === undefined || this.#closed || Date.now() - this.#lastTry < RECOVERY_MS / 2) return;
    this.#lastTry = Date.now();
    let fresh: SqliteStore | undefined;
    try {
      fresh = await this.reopen();
      fresh.probeWrite();
    } catch (err) {
      await fresh?.close();
      if (!isBusy(err)) this.#fault = err instanceof Error ? err.message : String(err);
      return;
    }
    const old = this.#writer;
    this.#writer = fresh;
    this.#fault = undefined;
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (old !== this.reader) await old.close();
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.reader.readStream(stream, options);
  }

  streamRevision(stream: string): Promise<bigint | undefined> {
    return this.reader.streamRevision(stream);
  }

  readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.reader.readAll(options);
  }

  readLeafHashes(from: bigint, limit: number): Promise<Buffer> {
    return this.reader.readLeafHashes(from, limit);
  }

  readLeafTree(size: bigint): Promise<MerkleLog> {
    return this.reader.readLeafTree(size);
  }

  releaseMemory(): void {
    this.reader.releaseMemory();
  }

  size(): Promise<bigint> {
    return this.reader.size();
  }

  subscribe(options?: SubscribeOptions): Subscription {
    return this.reader.subscribe(options);
  }

  ping(): Promise<boolean> {
    return this.reader.ping();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    if (this.#writer !== this.reader) await this.#writer.close();
    await this.reader.close();
  }
}
