import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { eventLeafHash } from '../../src/log/leaf.ts';
import { WrongExpectedVersion, type AppendResult, type NewEvent } from '../../src/store/port.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

function newEvent(data: unknown = { n: 1 }): NewEvent {
  return { eventId: randomUUID(), type: 'Tested', schemaVersion: 1, data, metadata: { actor: 'test', correlationId: 'req-1' } };
}

async function fresh(t: Test, opts: Partial<Parameters<typeof openSqliteStore>[0]> = {}): Promise<SqliteStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-group-'));
  const store = await openSqliteStore({ file: path.join(dir, 'events.sqlite3'), synchronous: 'NORMAL', ...opts });
  t.teardown(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

t.test('concurrent appends to different streams share commits and all land, densely indexed', async (t) => {
  const store = await fresh(t);
  const before = store.stats;
  const n = 200;
  const results = await Promise.all(Array.from({ length: n }, (_, i) => store.append(`s-${i}`, [newEvent({ i }), newEvent({ i })], { expected: 'no_stream' })));
  const after = store.stats;
  t.equal(after.appends - before.appends, n, 'every append went through a group commit');
  t.ok(after.commits - before.commits < n, `fewer commits (${after.commits - before.commits}) than appends (${n})`);
  t.equal(await store.size(), BigInt(2 * n));
  const indexes = results.map((r) => r.index).sort((a, b) => (a < b ? -1 : 1));
  t.same(indexes, Array.from({ length: n }, (_, i) => BigInt(2 * i + 1)), 'each append ends at its own odd index: dense, no overlap');
  for (const r of results) t.equal(r.nextRevision, 1n);

  const all = await store.readAll();
  t.same(all.map((e) => e.index), all.map((_, i) => BigInt(i)), 'the log is dense');
  for (let i = 1; i < all.length; i++) t.ok(all[i]!.recordedAt >= all[i - 1]!.recordedAt, 'recordedAt never decreases');
  for (const e of all) {
    const { leafHash, position: _p, ...rest } = e;
    if (!leafHash?.equals(eventLeafHash(rest))) t.fail(`leaf ${e.index} does not match`);
  }
});

t.test('the same stream with the same exact expected revision: one wins, the others get WrongExpectedVersion', async (t) => {
  const store = await fresh(t);
  await store.append('race', [newEvent()], { expected: 'no_stream' });
  const settled = await Promise.allSettled(Array.from({ length: 20 }, () => store.append('race', [newEvent()], { expected: 0n })));
  const won = settled.filter((s): s is PromiseFulfilledResult<AppendResult> => s.status === 'fulfilled');
  const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  t.equal(won.length, 1, 'exactly one wins');
  t.equal(won[0]?.value.nextRevision, 1n);
  t.equal(lost.length, 19);
  for (const l of lost) {
    t.ok(l.reason instanceof WrongExpectedVersion, 'the losers fail with WrongExpectedVersion');
    t.equal((l.reason as WrongExpectedVersion).actual, 1n, 'and see the winner\'s revision');
  }
  t.equal(await store.streamRevision('race'), 1n);
  t.equal(await store.size(), 2n, 'the losers wrote nothing');
});

t.test('queued appends to one stream with successive expected revisions all succeed in order', async (t) => {
  const store = await fresh(t);
  const before = store.stats.commits;
  const results = await Promise.all([
    store.append('seq', [newEvent()], { expected: 'no_stream' }),
    ...Array.from({ length: 9 }, (_, i) => store.append('seq', [newEvent()], { expected: BigInt(i) })),
  ]);
  t.same(results.map((r) => r.nextRevision), Array.from({ length: 10 }, (_, i) => BigInt(i)));
  t.same(results.map((r) => r.index), Array.from({ length: 10 }, (_, i) => BigInt(i)));
  t.equal(store.stats.commits - before, 1, 'one commit for the ten');
});

t.test('a failing request in a batch fails alone; the others before and after it are written', async (t) => {
  const store = await fresh(t);
  await store.append('exists', [newEvent()]);
  const stored = newEvent();
  await store.append('owner', [stored]);
  const before = store.stats.commits;
  const settled = await Promise.allSettled([
    store.append('a', [newEvent()]),
    store.append('exists', [newEvent()], { expected: 'no_stream' }), // wrong version
    store.append('b', [newEvent(), newEvent()]),
    store.append('c', [stored]), // id already stored in another stream
    store.append('d', [newEvent(), stored]), // only part of the batch stored: refused whole
    store.append('e', [newEvent()], { expected: 'no_stream' }),
  ]);
  t.equal(store.stats.commits - before, 1, 'all six in one commit');
  t.same(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
  t.ok((settled[1] as PromiseRejectedResult).reason instanceof WrongExpectedVersion);
  t.match(String((settled[3] as PromiseRejectedResult).reason), /already stored in stream owner/);
  t.match(String((settled[4] as PromiseRejectedResult).reason), /already stored/);
  t.equal(await store.streamRevision('d'), undefined, 'the refused request rolled back its first row too');
  const all = await store.readAll();
  t.same(all.map((e) => e.stream), ['exists', 'owner', 'a', 'b', 'b', 'e']);
  t.same(all.map((e) => e.index), [0n, 1n, 2n, 3n, 4n, 5n], 'dense despite the rolled-back rows');
  const ok = settled.filter((s): s is PromiseFulfilledResult<AppendResult> => s.status === 'fulfilled').map((s) => s.value.index);
  t.same(ok, [2n, 4n, 5n]);
});

t.test('two requests in one batch with the same event ids: the second replays the first', async (t) => {
  const store = await fresh(t);
  const events = [newEvent(), newEvent()];
  const before = store.stats.commits;
  const [first, second] = await Promise.all([
    store.append('idem', events, { expected: 'no_stream' }),
    store.append('idem', events, { expected: 'no_stream' }),
  ]);
  t.equal(store.stats.commits - before, 1, 'one commit');
  const places = [{ revision: 0n, index: 0n, position: 0n }, { revision: 1n, index: 1n, position: 1n }];
  t.same(first, { nextRevision: 1n, index: 1n, position: 1n, places, replayed: false });
  t.same(second, { nextRevision: 1n, index: 1n, position: 1n, places, replayed: true }, 'the replay answers what the original did');
  t.equal(await store.size(), 2n);
});

t.test('bad input is refused at once, without joining a batch', async (t) => {
  const store = await fresh(t);
  const settled = await Promise.allSettled([
    store.append('ok', [newEvent()]),
    store.append('bad', [{ ...newEvent(), eventId: 'nope' }]),
  ]);
  t.same(settled.map((s) => s.status), ['fulfilled', 'rejected']);
  t.equal(store.stats.appends, 1);
});

t.test('subscribers see a batch once it is committed, and appends queued at close are written', async (t) => {
  const store = await fresh(t);
  const sub = store.subscribe();
  t.teardown(() => sub.close());
  const it = sub[Symbol.asyncIterator]();
  t.same((await it.next()).value, { kind: 'caughtUp', index: -1n });
  const pending = Promise.all(Array.from({ length: 5 }, (_, i) => store.append(`live-${i}`, [newEvent()])));
  const seen: bigint[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await it.next();
    if (!r.done && r.value.kind === 'event') seen.push(r.value.event.index);
  }
  await pending;
  t.same(seen, [0n, 1n, 2n, 3n, 4n]);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-group-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.sqlite3');
  const closing = await openSqliteStore({ file, synchronous: 'NORMAL' });
  const queued = closing.append('late', [newEvent()]);
  await closing.close();
  t.equal((await queued).nextRevision, 0n, 'an append accepted before close resolves');
  const reopened = await openSqliteStore({ file });
  t.equal(await reopened.size(), 1n, 'and is stored');
  await reopened.close();
  await t.rejects(closing.append('after', [newEvent()]), /closed/);
});
