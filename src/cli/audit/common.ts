/** What the auditor's commands share: opening the store, refusals, progress-friendly writes. */
import { type Config } from '../../config.ts';
import { openStore } from '../../store/open.ts';
import type { EventStore } from '../../store/port.ts';

export const PAGE = 1000;

/** A refusal the user must act on: printed as one line, exit 1, no stack trace. */
export class Refused extends Error {
  override readonly name = 'Refused';
}

export async function withStore<T>(config: Config, run: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await openStore({ kind: config.store, dataDir: config.dataDir, kurrentdbUrl: config.kurrentdbUrl });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** Runs a command body; a Refused (or any error) becomes one line on stderr and exit code 1. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (err) {
      console.error(`palimpsest: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  };
}

export const where = (b: { index: number | bigint; stream: string; revision: number | bigint }): string =>
  `index ${b.index} (stream ${b.stream}, revision ${b.revision})`;

export function write(out: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  // Waiting for 'drain' keeps a slow disk or pipe from buffering the whole log in memory.
  return out.write(text) ? undefined : new Promise((resolve) => out.once('drain', () => resolve()));
}
