import type { StoredEvent } from '../port.ts';

/** Enough for a subscriber a few group commits behind; older events are read from the file. */
const KEEP = 4096;

/**
 * The events this store instance committed last, contiguous by index: a live subscriber one commit
 * behind takes them from here instead of reading back (and parsing) what was just written. Only
 * committed events enter; an append by another process in between starts the run afresh, so every
 * index held is the stored event at that index.
 */
export class RecentEvents {
  #events: StoredEvent[] = [];
  #first = 0n;

  add(committed: readonly StoredEvent[]): void {
    const head = committed[0];
    if (head === undefined) return;
    if (this.#events.length === 0 || head.index !== this.#first + BigInt(this.#events.length)) {
      this.#events = [];
      this.#first = head.index;
    }
    this.#events.push(...committed);
    if (this.#events.length > KEEP) {
      const drop = this.#events.length - KEEP;
      this.#events.splice(0, drop);
      this.#first += BigInt(drop);
    }
  }

  /** Up to `limit` events from index `from` on, or undefined when `from` is not held. */
  from(from: bigint, limit: number): StoredEvent[] | undefined {
    if (from < this.#first) return undefined;
    const at = Number(from - this.#first);
    if (at >= this.#events.length) return undefined;
    return this.#events.slice(at, at + limit);
  }

  clear(): void {
    this.#events = [];
  }
}
