/** What every section of the benchmark shares: the command line, the sizes, the rows of the report. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer, type Server } from './http.ts';
import { log, rawInsertRate, tempDir } from './lib.ts';

export const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    events: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'string' },
    out: { type: 'string' },
  },
});
export const quick = values.quick!;
export const sections = new Set((values.only ?? 'appends,peer,http,postgres,big,start,merkle,robust').split(',').map((s) => s.trim()));
export const profileDir = values.profile ? path.resolve(values.profile) : undefined;
if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Sizes: the full run aims at well under 20 minutes, --quick at under one. */
export const P = quick
  ? { runs: 1, rawMs: 700, appendMs: 700, peerMs: 500, readLen: 100, httpSec: 2, bareSec: 1, pool: 100, events: 20_000, rebuildRuns: 1, merkleLeaves: 100_000, connections: [1, 10, 50] }
  : { runs: 3, rawMs: 2000, appendMs: 3000, peerMs: 2000, readLen: 100, httpSec: 8, bareSec: 5, pool: 500, events: 1_000_000, rebuildRuns: 3, merkleLeaves: 1_000_000, connections: [1, 10, 50] };
export const EVENTS = values.events !== undefined ? Number(values.events) : P.events;

export interface Row {
  section: string;
  figure: string;
  value: string;
  limit: string;
  ratio: string;
  target?: string;
  holds?: boolean;
}
export const rows: Row[] = [];
export const notes: string[] = [];
export const extra: string[] = [];
export function row(r: Row): void {
  rows.push(r);
  log(`${r.figure}: ${r.value} | limit ${r.limit} | ${r.ratio}${r.target ? ` | target ${r.target}: ${r.holds ? 'holds' : 'MISSED'}` : ''}`);
}

export const work = tempDir('run');
export const rawRates: number[] = [];
/** The raw durable insert limit, sampled again before each measured section so that disk drift hits both. */
export function sampleRaw(): number {
  const r = rawInsertRate(work, P.rawMs);
  rawRates.push(r);
  return r;
}

/** A server for the duration of `fn`, stopped whatever happens. */
export async function withServer<T>(opts: Parameters<typeof startServer>[0], fn: (s: Server) => Promise<T>): Promise<T> {
  const s = await startServer({ ...opts, ...(profileDir ? { cpuProfDir: profileDir } : {}) });
  try {
    return await fn(s);
  } finally {
    await s.stop();
  }
}
