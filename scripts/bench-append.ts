/**
 * Single-event appends through the SQLite store vs bare better-sqlite3 inserts of a similar row,
 * both one transaction per event, WAL and synchronous=FULL, in fresh files in the temp dir.
 * Rounds alternate between the two so that disk and CPU drift hit both alike.
 *
 *   npx tsx scripts/bench-append.ts [appends per round = 2000] [rounds = 5]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';

const n = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 5);
const STREAMS = 100;

function payload(i: number): { data: unknown; metadata: { actor: string; correlationId: string } } {
  return {
    data: { incidentId: `incident-${i % STREAMS}`, title: 'Bench incident', tags: ['a', 'b'], count: { kind: 'exact', value: i } },
    metadata: { actor: 'bench', correlationId: `req-${i}` },
  };
}

async function storeRound(dir: string): Promise<number> {
  const store = await openSqliteStore({ file: path.join(dir, 'store.sqlite3') });
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const { data, metadata } = payload(i);
    await store.append(`incident-${i % STREAMS}`, [{ eventId: randomUUID(), type: 'BenchAppended', schemaVersion: 1, data, metadata }]);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await store.close();
  return n / seconds;
}

function rawRound(dir: string): number {
  const db = new Database(path.join(dir, 'raw.sqlite3'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE events (
    idx INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL, schema_version INTEGER NOT NULL, recorded_at TEXT NOT NULL, data TEXT NOT NULL,
    metadata TEXT NOT NULL, leaf_hash BLOB NOT NULL, UNIQUE (stream, revision)) STRICT`);
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const write = db.transaction((i: number) => {
    const { data, metadata } = payload(i);
    insert.run(i, `incident-${i % STREAMS}`, Math.floor(i / STREAMS), randomUUID(), 'BenchAppended', 1,
      new Date().toISOString(), JSON.stringify(data), JSON.stringify(metadata), Buffer.alloc(32));
  });
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) write(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  return n / seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const storeRates: number[] = [];
const rawRates: number[] = [];
for (let r = 0; r < rounds; r++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-bench-'));
  try {
    storeRates.push(await storeRound(dir));
    rawRates.push(rawRound(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`round ${r + 1}: store ${storeRates[r]?.toFixed(0)} appends/s, raw ${rawRates[r]?.toFixed(0)} inserts/s`);
}
const store = median(storeRates);
const raw = median(rawRates);
console.log(`\n${n} single-event appends x ${rounds} rounds, WAL, synchronous=FULL`);
console.log(`store (openSqliteStore.append): median ${store.toFixed(0)} appends/s`);
console.log(`raw better-sqlite3 insert:      median ${raw.toFixed(0)} inserts/s`);
console.log(`store / raw: ${(store / raw).toFixed(2)}`);
