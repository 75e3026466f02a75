/**
 * The SQLite store hands its live subscribers the events it has just committed from memory
 * (src/store/sqlite/recent-events.ts): what they get must be exactly what a read of the file gives,
 * never an event whose savepoint was undone, never a value a redaction erased.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { isHashedHere } from '../../src/store/hashed-here.ts';
import { WrongExpectedVersion, type NewEvent, type StoredEvent, type SubscriptionMessage } from '../../src/store/port.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { tempDir } from '../http/harness.ts';

const ev = (data: Record<string, unknown>): NewEvent => ({
  eventId: randomUUID(), type: 'SourceRegistered', schemaVersion: 1, data, metadata: { actor: 'admin', correlationId: 'req-1' },
});

async function fresh(t: Test): Promise<{ store: SqliteStore; file: string }> {
  const dir = tempDir();
  const file = path.join(dir, 'events.sqlite3');
  const store = await openSqliteStore({ file, synchronous: 'NORMAL' });
  t.teardown(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { store, file };
}

/** The next `n` events a subscription delivers (the iterator stays open for more). */
async function take(it: AsyncIterator<SubscriptionMessage>, n: number): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  while (out.length < n) {
    const m = await it.next();
    if (m.done === true) break;
    if (m.value.kind === 'event') out.push(m.value.event);
  }
  return out;
}

const plain = (e: StoredEvent): unknown => ({ ...e, leafHash: e.leafHash?.toString('base64') });

t.test('a live subscriber gets the committed events from memory, equal to a read of the file', async (t) => {
  const { store } = await fresh(t);
  const taken = ev({ n: 0 });
  await store.append('a', [taken], { expected: 'no_stream' });
  const sub = store.subscribe({ from: 0n });
  const it = sub[Symbol.asyncIterator]();
  const first = take(it, 1);
  t.equal((await first).length, 1);
  // One group commit: the second append's expected revision is stale, so its savepoint is undone.
  const results = await Promise.allSettled([
    store.append('a', [ev({ n: 1, s: 'x' }), ev({ n: 2, nested: { list: ['p', null, 3] } })], { expected: 0n }),
    store.append('a', [ev({ n: 99 })], { expected: 0n }),
    // Its first event is inserted, then its second id is found taken: the savepoint undoes both.
    store.append('c', [ev({ n: 98 }), { ...ev({ n: 97 }), eventId: taken.eventId }]),
    store.append('b', [ev({ n: 3, text: 'é☃' })], { expected: 'no_stream' }),
  ]);
  t.equal(results[1]?.status, 'rejected');
  t.ok(results[1]?.status === 'rejected' && results[1].reason instanceof WrongExpectedVersion);
  const live = await take(it, 3);
  await sub.close();
  const stored = await store.readAll({ from: 1n });
  t.same(live.map(plain), stored.map(plain), 'the same events, fields and leaf hashes as the file holds');
  t.equal(results[2]?.status, 'rejected', 'the append with a taken id fails');
  t.notOk(live.some((e) => [97, 98, 99].includes((e.data as { n: number }).n)), 'no event of an undone savepoint');
  t.ok(live.every(isHashedHere), 'handed over from the append, with the leaf it computed');
  t.notOk(stored.some(isHashedHere), 'events read from the file are checked as usual');
});

t.test('after a redaction a subscriber reads the erased event from the file', async (t) => {
  const { store } = await fresh(t);
  await store.append('source-a', [ev({ sourceId: 'a', name: 'A', kind: 'other', description: 'secret words' })]);
  await store.redactEvent({
    target: 0n, paths: ['/description'], stream: 'redactions',
    event: { ...ev({ target: { index: 0 }, paths: ['/description'], reason: 'x' }), type: 'FieldsRedacted' },
  });
  const sub = store.subscribe({ from: 0n });
  const [first] = await take(sub[Symbol.asyncIterator](), 1);
  await sub.close();
  t.equal((first?.data as { description: unknown }).description, null, 'the erased value is not served from memory');
  t.notOk(first !== undefined && isHashedHere(first));
});
