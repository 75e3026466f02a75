import Database from 'better-sqlite3';

/**
 * better-sqlite3 is synchronous: SQLite's busy_timeout waits for another process's lock inside the
 * call, with the event loop stopped, so reads and /health would freeze as long as the lock lasts.
 * The store keeps busy_timeout short and retries here instead, between event-loop turns, with a
 * growing delay, and gives up after a budget so the writer gets a prompt 503 rather than a hang.
 */
export interface BusyRetryPolicy {
  /** Total time to keep trying, in ms. */
  budgetMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BUSY_RETRY: BusyRetryPolicy = { budgetMs: 2000, firstDelayMs: 10, maxDelayMs: 250 };

/** The short in-call wait each attempt gets (ms): long enough for a neighbour's commit, short for the loop. */
export const SHORT_BUSY_TIMEOUT_MS = 20;

export function isBusy(err: unknown): boolean {
  return err instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(err.code);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `attempt` (its first try synchronously, before any await) until it is not busy or the budget is spent. */
export async function retryWhileBusy<T>(attempt: () => T, policy: BusyRetryPolicy = DEFAULT_BUSY_RETRY): Promise<T> {
  const started = Date.now();
  let delay = policy.firstDelayMs;
  for (;;) {
    try {
      return attempt();
    } catch (err) {
      if (!isBusy(err) || Date.now() - started + delay > policy.budgetMs) throw err;
    }
    await sleep(delay);
    delay = Math.min(policy.maxDelayMs, delay * 2);
  }
}
