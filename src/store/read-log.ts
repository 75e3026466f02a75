import type { EventStore, StoredEvent } from './port.ts';

export interface ReadLogOptions {
  /** Index to start at (inclusive); default 0. */
  from?: bigint;
  /** Index to stop before; default: the end of the log when the last page is read. */
  until?: bigint;
  /** Events per readAll call: one page is held in memory at a time. */
  pageSize?: number;
}

const DEFAULT_PAGE = 1000;

/** The global log in index order, page by page, so that a million events are never held at once. */
export async function* readLog(store: EventStore, opts: ReadLogOptions = {}): AsyncGenerator<StoredEvent> {
  for await (const page of readPages(store, opts)) yield* page;
}

/** The same pages readLog goes through, whole: one step of the loop per page rather than per event. */
export async function* readPages(store: EventStore, opts: ReadLogOptions = {}): AsyncGenerator<StoredEvent[]> {
  const pageSize = opts.pageSize ?? DEFAULT_PAGE;
  let next = opts.from ?? 0n;
  for (;;) {
    const left = opts.until === undefined ? BigInt(pageSize) : opts.until - next;
    if (left <= 0n) return;
    const page = await store.readAll({ from: next, limit: left < BigInt(pageSize) ? Number(left) : pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    next += BigInt(page.length);
  }
}
