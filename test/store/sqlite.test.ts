import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { eventLeafHash } from '../../src/log/leaf.ts';
import { openStore, type StoreConfig } from '../../src/store/open.ts';
import { StoreUnavailable, type NewEvent, type SubscriptionMessage } from '../../src/store/port.ts';
import { LEAF_PAGE_SQL } from '../../src/store/sqlite/leaf-hashes.ts';
import { latestVersion, migrations } from '../../src/store/sqlite/migrations.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { caught, storeContract } from './contract.ts';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-sqlite-'));
}

function newEvent(data: unknown = { n: 1 }): NewEvent {
  return { eventId: randomUUID(), type: 'Tested', schemaVersion: 1, data, metadata: { actor: 'test', correlationId: 'req-1' } };
}

/** A store in a fresh directory, closed and removed when the test ends. */
async function fresh(t: Tap, opts: Partial<Parameters<typeof openSqliteStore>[0]> = {}): Promise<{ store: SqliteStore; file: string }> {
  const dir = tempDir();
  const file = path.join(dir, 'events.sqlite3');
  const store = await openSqliteStore({ file, ...opts });
  t.teardown(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { store, file };
}
type Tap = Test;


storeContract(t, 'sqlite', async () => {
  const dataDir = tempDir();
  const config: StoreConfig = { kind: 'sqlite', dataDir };
  return { store: await openStore(config), config, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
});

t.test('openStore puts the file in the data directory, creating it', async (t) => {
  const root = tempDir();
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const dataDir = path.join(root, 'nested', 'data');
  const store = await openStore({ kind: 'sqlite', dataDir });
  t.equal(store.kind, 'sqlite');
  t.ok(fs.existsSync(path.join(dataDir, 'events.sqlite3')));
  t.equal(await store.ping(), true);
  await store.close();
  t.equal(await store.ping(), false, 'a closed store does not answer');
  const err = await caught(store.size());
  t.ok(err instanceof StoreUnavailable, 'calls after close: StoreUnavailable');
});

t.test('migrations are recorded in schema_version, and re-opening applies nothing twice', async (t) => {
  const dir = tempDir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.sqlite3');
  const first = await openSqliteStore({ file });
  await first.append('s', [newEvent()]);
  await first.close();
  const second = await openSqliteStore({ file });
  t.equal(await second.size(), 1n, 'the events survive re-opening');
  await second.close();

  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT version, name FROM schema_version ORDER BY version').all();
  db.close();
  t.same(rows, migrations.map((m) => ({ version: m.version, name: m.name })));
  t.equal(latestVersion, migrations.length, 'versions are 1..n');
});

t.test('the leaf hashes are read from their covering index, also in a file made before it existed', async (t) => {
  const dir = tempDir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.sqlite3');
  const store = await openSqliteStore({ file });
  await store.append('s', [newEvent({ n: 1 }), newEvent({ n: 2 }), newEvent({ n: 3 })]);
  const want = await store.readLeafHashes(0n, 3);
  await store.close();
  // As a file of schema version 2 would be: no index, its migration not recorded.
  const old = new Database(file);
  old.exec('DROP INDEX events_leaf_hashes; DELETE FROM schema_version WHERE version = 3');
  old.close();
  const reopened = await openSqliteStore({ file });
  t.same(await reopened.readLeafHashes(0n, 3), want, 'the same hashes, in index order');
  await reopened.close();
  const db = new Database(file, { readonly: true });
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${LEAF_PAGE_SQL}`).all(0n, 3) as { detail: string }[]).map((r) => r.detail).join('; ');
  db.close();
  t.match(plan, /COVERING INDEX events_leaf_hashes/, plan);
});

t.test('a database from newer code is refused', async (t) => {
  const dir = tempDir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.sqlite3');
  await (await openSqliteStore({ file })).close();
  const db = new Database(file);
  db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(latestVersion + 1, 'future', new Date().toISOString());
  db.close();
  const err = await caught(openSqliteStore({ file }));
  t.match(String(err), /newer than this code/);
});

t.test('pragmas: WAL, synchronous FULL by default, a busy timeout', async (t) => {
  const { store } = await fresh(t);
  t.same(store.settings(), { journalMode: 'wal', synchronous: 2, busyTimeoutMs: 20 });
  const { store: normal } = await fresh(t, { synchronous: 'NORMAL' });
  t.equal(normal.settings().synchronous, 1);
});

t.test('recordedAt never decreases, even when the clock goes back', async (t) => {
  let clock = Date.parse('2030-01-01T12:00:00.000Z');
  const { store, file } = await fresh(t, { now: () => clock });
  const at = async (s: SqliteStore): Promise<string> => {
    const r = await s.append('clock', [newEvent()]);
    const [e] = await s.readAll({ from: r.index, limit: 1 });
    return e?.recordedAt ?? '';
  };
  t.equal(await at(store), '2030-01-01T12:00:00.000Z');
  clock -= 3_600_000;
  t.equal(await at(store), '2030-01-01T12:00:00.000Z', 'clock an hour back: the last value is kept');
  clock += 3_600_000 + 1;
  t.equal(await at(store), '2030-01-01T12:00:00.001Z', 'clock ahead again: it moves on');

  // Another connection (as another process would) with a clock far behind.
  const other = await openSqliteStore({ file, now: () => Date.parse('2001-01-01T00:00:00.000Z') });
  t.teardown(() => other.close());
  t.equal(await at(other), '2030-01-01T12:00:00.001Z', 'a writer with an earlier clock does not go back either');
});

t.test('the stored leaf hash is the RFC 9162 leaf of the event as read back', async (t) => {
  // The docs/log.md test vector is a v1 leaf: produced end to end through a store appending v1, as
  // stores did before leaf format 2 (test/store/sqlite-redact.test.ts covers the v2 leaves).
  const { store } = await fresh(t, { now: () => Date.parse('2024-10-07T09:15:00.000Z'), leafVersion: 1 });
  await store.append('source-geo-news', [{
    eventId: '0b6c1f3e-7d2a-4c55-9e1b-2f8a6d4c3b10', type: 'SourceRegistered', schemaVersion: 1,
    data: { sourceId: 'geo-news', name: 'Geo News', kind: 'news-outlet', country: 'PK' },
    metadata: { actor: 'admin', correlationId: 'req-1' },
  }], { expected: 'no_stream' });
  // Members JSON drops or rewrites must be hashed as they are read back, or verify would fail.
  await store.append('s', [newEvent({ gone: undefined, when: new Date(0), list: [1, undefined], n: -0 })]);

  const events = await store.readAll();
  t.equal(events[0]?.leafHash?.toString('base64'), 'jFmD9FQikig7SSCK5XneZpj/qfVJqu25aTkq+7KrcqA=');
  t.same(events[1]?.data, { when: '1970-01-01T00:00:00.000Z', list: [1, null], n: 0 });
  for (const e of events) {
    const { leafHash, position: _position, ...rest } = e;
    t.ok(leafHash?.equals(eventLeafHash(rest)), `leaf ${e.index} matches`);
  }
});

t.test('batches replay whole or not at all; bad input is refused before writing', async (t) => {
  const { store } = await fresh(t);
  const a = newEvent();
  const b = newEvent();
  await store.append('s', [a, b]);

  t.match(String(await caught(store.append('s', [a, newEvent()]))), /only part of the batch is stored/);
  t.match(String(await caught(store.append('s', [newEvent(), b]))), /already stored/);
  t.match(String(await caught(store.append('other', [a, b]))), /already stored in stream s/);
  t.match(String(await caught(store.append('s', [a, a]))), /appears twice/);
  t.match(String(await caught(store.append('s', [{ ...newEvent(), eventId: 'NOT-A-UUID' }]))), /not a lowercase UUID/);
  t.match(String(await caught(store.append('s', [{ ...newEvent(), eventId: randomUUID().toUpperCase() }]))), /not a lowercase UUID/);
  t.match(String(await caught(store.append('s', [{ ...newEvent(), schemaVersion: 0 }]))), /schemaVersion/);
  t.match(String(await caught(store.append('', [newEvent()]))), /stream/);
  t.equal(await store.size(), 2n, 'nothing written by any of them');
  t.equal(await store.streamRevision('other'), undefined);
});

t.test('another connection to the same file sees appends through polling', async (t) => {
  const { store: writer, file } = await fresh(t);
  await writer.append('before', [newEvent()]);
  const reader = await openSqliteStore({ file, pollMs: 10 });
  t.teardown(() => reader.close());

  const sub = reader.subscribe();
  const it = sub[Symbol.asyncIterator]();
  const kinds: string[] = [];
  const take = async (): Promise<SubscriptionMessage> => {
    const r = await it.next();
    if (r.done === true) throw new Error('ended');
    kinds.push(r.value.kind);
    return r.value;
  };
  await take();
  t.same(await take(), { kind: 'caughtUp', index: 0n });
  const written = await writer.append('after', [newEvent(), newEvent()]);
  const m1 = await take();
  const m2 = await take();
  t.same([m1.kind === 'event' && m1.event.index, m2.kind === 'event' && m2.event.index], [1n, written.index]);
  t.same(kinds, ['event', 'caughtUp', 'event', 'event']);

  const pending = it.next();
  await reader.close();
  t.equal((await pending).done, true, 'closing the store ends its subscriptions');
  t.throws(() => reader.subscribe(), /closed/);
});

t.test('a subscription starting beyond the end reports the real head and waits', async (t) => {
  const { store } = await fresh(t);
  await store.append('s', [newEvent()]);
  const sub = store.subscribe({ from: 3n });
  t.teardown(() => sub.close());
  const it = sub[Symbol.asyncIterator]();
  t.same((await it.next()).value, { kind: 'caughtUp', index: 0n });
  await store.append('s', [newEvent(), newEvent()]);
  const written = await store.append('s', [newEvent()]);
  const r = await it.next();
  t.equal(r.done ? undefined : r.value.kind === 'event' && r.value.event.index, written.index, 'first event delivered is index 3');
});

t.test('an empty store subscription: caughtUp at -1, then the first event', async (t) => {
  const { store } = await fresh(t);
  const sub = store.subscribe();
  t.teardown(() => sub.close());
  const it = sub[Symbol.asyncIterator]();
  t.same((await it.next()).value, { kind: 'caughtUp', index: -1n });
  const next = it.next();
  await store.append('s', [newEvent()]);
  const r = await next;
  t.equal(r.done ? undefined : r.value.kind === 'event' && r.value.event.index, 0n, 'a pending next() is woken by an append');
});

t.test('an empty append to an empty log', async (t) => {
  const { store } = await fresh(t);
  t.same(await store.append('s', []), { nextRevision: -1n, index: -1n, position: -1n, places: [], replayed: false });
  t.equal(await store.size(), 0n);
});
