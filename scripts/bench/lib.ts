/** Shared helpers of `npm run bench`: statistics, formatting, the raw SQLite limit, temp dirs. */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

/** The admin token of the benchmark servers (PALIMPSEST_ADMIN_TOKEN), for their temp stores only. */
export const BENCH_TOKEN = 'bench-admin-token-0123456789abcdef';

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `palimpsest-bench-${prefix}-`));
}

export function rm(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const fmtRate = (n: number): string => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en')}/s` : '—');
export const fmtMs = (ms: number): string => {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
};
export const fmtRatio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');
export const fmtMiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** A row as the stores write it: ~300 bytes of JSON data, a little metadata, a 32-byte hash. */
export function rowPayload(i: number): { data: Record<string, unknown>; metadata: { actor: string; correlationId: string } } {
  return {
    data: {
      claimId: `c-${i}`, predicate: 'deaths', value: { kind: 'exact', value: i % 97 }, sourceId: 'bench-source',
      statedAt: '2024-10-07', citation: { url: `https://example.org/news/${i}`, publisher: 'Example News' }, mode: 'statement',
    },
    metadata: { actor: 'bench', correlationId: `req-${i}` },
  };
}

const RAW_SCHEMA = `CREATE TABLE events (
  idx INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL, schema_version INTEGER NOT NULL, recorded_at TEXT NOT NULL, data TEXT NOT NULL,
  metadata TEXT NOT NULL, leaf_hash BLOB NOT NULL, UNIQUE (stream, revision)) STRICT`;

/**
 * The physical limit of a durable one-event write: bare better-sqlite3, one INSERT per
 * transaction, WAL, synchronous=FULL (one fsync per commit), the same table and indexes as the
 * store. Runs for `ms` milliseconds in a fresh file under `dir`; returns inserts per second.
 */
export function rawInsertRate(dir: string, ms: number): number {
  const file = path.join(dir, `raw-${randomUUID()}.sqlite3`);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(RAW_SCHEMA);
    const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const hash = Buffer.alloc(32);
    const write = db.transaction((i: number) => {
      const { data, metadata } = rowPayload(i);
      insert.run(i, `incident-${i % 100}`, Math.floor(i / 100), randomUUID(), 'ClaimRecorded', 1,
        new Date().toISOString(), JSON.stringify(data), JSON.stringify(metadata), hash);
    });
    const end = performance.now() + ms;
    const t0 = performance.now();
    let i = 0;
    while (performance.now() < end) write(i++);
    return i / ((performance.now() - t0) / 1000);
  } finally {
    db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
}

/** CPU seconds a process has used (user + system, all its threads), from /proc: robust to other load. */
export function processCpuSeconds(pid: number | undefined): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) / 100;
}

export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}
