import pg from 'pg';

export interface ListenerOptions {
  client: pg.ClientConfig;
  channel: string;
  /** Called on every notification, and after each reconnection (notifications sent while away are lost). */
  onNotify(): void;
  /** Longest wait between reconnection attempts. */
  maxBackoffMs?: number;
}

/**
 * A dedicated connection that LISTENs on one channel (appends by any instance, key changes). It is
 * a wake-up call only: the woken always read what they need from where they are, so a notification
 * lost while the connection was down costs at most their poll interval, and a reconnection wakes
 * them at once.
 */
export class Listener {
  readonly #opts: ListenerOptions;
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #backoffMs = 100;
  #closed = false;
  #connected = false;

  constructor(opts: ListenerOptions) {
    this.#opts = opts;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Connects in the background; resolves once listening or after the first failure (it keeps retrying). */
  start(): Promise<void> {
    return this.#connect();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client(this.#opts.client);
    this.#client = client;
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      this.#connected = false;
      client.removeAllListeners('notification');
      void client.end().catch(() => {});
      this.#retry();
    };
    // Without an error listener a dropped connection would crash the process.
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (m) => {
      if (m.channel === this.#opts.channel) this.#opts.onNotify();
    });
    try {
      await client.connect();
      // Channel names are ours (constants), never input.
      await client.query(`LISTEN ${this.#opts.channel}`);
      if (this.#closed) {
        await client.end();
        return;
      }
      this.#connected = true;
      this.#backoffMs = 100;
      this.#opts.onNotify();
    } catch {
      onLost();
    }
  }

  #retry(): void {
    if (this.#closed || this.#timer !== undefined) return;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#opts.maxBackoffMs ?? 2000);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, delay);
    // Reconnection alone never keeps the process alive.
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#client = undefined;
    this.#connected = false;
    if (client !== undefined) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}
