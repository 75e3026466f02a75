import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { LiveModels } from '../app/live-models.ts';
import type { EventStore, StoredEvent } from '../store/port.ts';
import { broadcastWindow, BROADCAST_FLOOR_MS } from './broadcast-window.ts';
import { changeItem } from './change-item.ts';

export interface SseHubOptions {
  heartbeatMs: number;
  /** A client whose socket has not drained within this time is dropped and its socket destroyed. */
  slowClientMs: number;
  maxSubscribers: number;
  maxPerKey: number;
  /** Bytes queued for one client beyond which it is dropped at once, whatever the time. */
  maxBufferedBytes?: number;
}

interface Subscriber {
  res: ServerResponse;
  key: string;
  /** Index of the next change this client must get. */
  from: bigint;
  live: boolean;
  stall: NodeJS.Timeout | undefined;
  log: FastifyBaseLogger;
  closed: boolean;
}

const HISTORY_PAGE = 500;

/**
 * The change feed's fan-out: each change is serialised once into an SSE frame, the frames of one
 * broadcast window are joined into one buffer, and that same buffer is written to every live
 * subscriber. The window is 20 ms, or ten times what the last broadcast took when that is longer
 * (up to 250 ms; broadcast-window.ts), so that socket writes per second stay bounded as
 * subscribers and writes grow, instead of growing with their product. A
 * client that starts behind reads its history from the store on its own, then joins the live set
 * exactly at the first change not yet broadcast. A client that does not drain is destroyed, not
 * ended: an ended response would keep its socket and buffers until the client read them.
 */
export class SseHub {
  readonly #subs = new Set<Subscriber>();
  readonly #perKey = new Map<string, number>();
  #pending: { index: bigint; frame: string }[] = [];
  /** Every change before this index has been broadcast (or predates the hub). */
  #broadcastNext: bigint;
  #scheduled = false;
  #window = BROADCAST_FLOOR_MS;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #unsubscribe: () => void;
  readonly #maxBuffered: number;

  constructor(private readonly live: LiveModels, private readonly store: EventStore, private readonly opts: SseHubOptions) {
    this.#broadcastNext = live.next;
    this.#maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
    this.#unsubscribe = live.onEvent((e) => this.#onEvent(e));
    this.#heartbeat = setInterval(() => {
      const beat = Buffer.from(': heartbeat\n\n');
      for (const s of this.#subs) if (s.live) this.#write(s, beat);
    }, opts.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Why a new subscriber for `key` is refused, or undefined when it fits. */
  refusal(key: string): string | undefined {
    if (this.#subs.size >= this.opts.maxSubscribers) return `the change feed has its ${this.opts.maxSubscribers} subscribers`;
    if ((this.#perKey.get(key) ?? 0) >= this.opts.maxPerKey) return `this client has its ${this.opts.maxPerKey} change-feed subscribers`;
    return undefined;
  }

  /** Streams to `res` (headers already written) every change from `from` on, until either side closes. */
  add(res: ServerResponse, key: string, from: bigint, log: FastifyBaseLogger): void {
    const s: Subscriber = { res, key, from, live: false, stall: undefined, log, closed: false };
    this.#subs.add(s);
    this.#perKey.set(key, (this.#perKey.get(key) ?? 0) + 1);
    res.once('close', () => this.#remove(s));
    void this.#catchUp(s).catch((err: unknown) => {
      log.warn({ err }, 'change-feed history failed; closing the stream');
      this.#drop(s);
    });
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    clearInterval(this.#heartbeat);
    this.#unsubscribe();
    for (const s of [...this.#subs]) {
      s.res.end();
      this.#remove(s);
    }
  }

  get size(): number {
    return this.#subs.size;
  }

  async #catchUp(s: Subscriber): Promise<void> {
    while (!s.closed && s.from < this.#broadcastNext) {
      const limit = Number(this.#broadcastNext - s.from < BigInt(HISTORY_PAGE) ? this.#broadcastNext - s.from : BigInt(HISTORY_PAGE));
      const page = await this.store.readAll({ from: s.from, limit });
      if (page.length === 0 || s.closed) break;
      const ok = s.res.write(page.map(frame).join(''));
      s.from += BigInt(page.length);
      if (!ok && !(await this.#drained(s))) return;
    }
    // Synchronous from the loop's last check: no broadcast can slip between it and joining.
    if (!s.closed && s.from >= this.#broadcastNext) s.live = true;
    else if (!s.closed) return this.#catchUp(s);
  }

  #drained(s: Subscriber): Promise<boolean> {
    return new Promise((resolve) => {
      // Each wait removes what it added: a long catch-up must not pile listeners on the response.
      const settle = (ok: boolean): void => {
        clearTimeout(timer);
        s.res.off('drain', onDrain);
        s.res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = (): void => settle(!s.closed);
      const onClose = (): void => settle(false);
      const timer = setTimeout(() => {
        s.log.info({ from: Number(s.from) }, 'dropping a slow change-feed client');
        this.#drop(s);
        settle(false);
      }, this.opts.slowClientMs);
      s.res.once('drain', onDrain);
      s.res.once('close', onClose);
    });
  }

  #onEvent(e: StoredEvent): void {
    this.#pending.push({ index: e.index, frame: frame(e) });
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => this.#broadcast(), this.#window);
  }

  #broadcast(): void {
    this.#scheduled = false;
    const pending = this.#pending;
    this.#pending = [];
    const last = pending[pending.length - 1];
    if (last === undefined) return;
    const first = pending[0]!.index;
    const chunk = Buffer.from(pending.map((p) => p.frame).join(''));
    this.#broadcastNext = last.index + 1n;
    const started = performance.now();
    for (const s of this.#subs) {
      if (!s.live) continue;
      // A client that asked to start beyond the log's end gets only what it asked for.
      if (s.from > first) {
        const part = pending.filter((p) => p.index >= s.from).map((p) => p.frame).join('');
        if (part.length > 0) this.#write(s, Buffer.from(part));
      } else {
        this.#write(s, chunk);
      }
      if (s.from < this.#broadcastNext) s.from = this.#broadcastNext;
    }
    this.#window = broadcastWindow(performance.now() - started);
  }

  #write(s: Subscriber, chunk: Buffer): void {
    if (s.closed) return;
    if (s.res.writableLength > this.#maxBuffered) {
      s.log.info({ buffered: s.res.writableLength }, 'dropping a slow change-feed client');
      this.#drop(s);
      return;
    }
    if (s.res.write(chunk) || s.stall !== undefined) return;
    s.stall = setTimeout(() => {
      s.log.info({ buffered: s.res.writableLength }, 'dropping a slow change-feed client');
      this.#drop(s);
    }, this.opts.slowClientMs);
    s.res.once('drain', () => {
      clearTimeout(s.stall);
      s.stall = undefined;
    });
  }

  #drop(s: Subscriber): void {
    // destroy, not end: the socket and what is queued on it are released now.
    s.res.destroy();
    this.#remove(s);
  }

  #remove(s: Subscriber): void {
    if (s.closed) return;
    s.closed = true;
    clearTimeout(s.stall);
    this.#subs.delete(s);
    const n = (this.#perKey.get(s.key) ?? 1) - 1;
    if (n > 0) this.#perKey.set(s.key, n);
    else this.#perKey.delete(s.key);
  }
}

/** One change as an SSE frame; the item is what GET /changes lists. */
function frame(e: StoredEvent): string {
  return `id: ${e.index}\nevent: change\ndata: ${JSON.stringify(changeItem(e))}\n\n`;
}
