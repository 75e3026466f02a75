/**
 * What scripts/bench-rebuild.ts and scripts/bench-start.ts share: the store they measure (`--dir`,
 * made by scripts/gen-log.ts), the number of runs, the environment of the runtime they open, and
 * the raw read + JSON.parse loop every figure of theirs stands beside.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    runs: { type: 'string', default: '3' },
    child: { type: 'string' },
    'restore-only': { type: 'boolean', default: false },
  },
});
if (values.dir === undefined) throw new Error('--dir <a store made by scripts/gen-log.ts> is required');
export const dir = path.resolve(values.dir);
export const runs = Number(values.runs);
export const childRole = values.child;
/** bench-start: only the starts from the snapshot, up to ready (no replay, raw loop or background check). */
export const restoreOnly = values['restore-only'] === true;
export const file = path.join(dir, 'events.sqlite3');

export function env(): NodeJS.ProcessEnv {
  return { ...process.env, PALIMPSEST_DATA_DIR: dir, PALIMPSEST_DEMO: 'false', PALIMPSEST_ADMIN_TOKEN: 'bench-admin-token-0123456789' };
}

/** Every stored row read in index order, its data and metadata parsed: the floor of a rebuild. */
export function rawLoop(): { ms: number; events: number } {
  const db = new Database(file, { readonly: true });
  try {
    const t0 = performance.now();
    let n = 0;
    let sink = 0;
    for (const row of db.prepare('SELECT idx, stream, revision, event_id, type, recorded_at, data, metadata, leaf_hash FROM events ORDER BY idx').iterate()) {
      const r = row as { data: string; metadata: string };
      sink += Object.keys(JSON.parse(r.data) as object).length + Object.keys(JSON.parse(r.metadata) as object).length;
      n++;
    }
    if (sink < 0) console.log(sink);
    return { ms: performance.now() - t0, events: n };
  } finally {
    db.close();
  }
}
