/**
 * What only the PostgreSQL adapter does, against a real server: migrations in a version table,
 * recordedAt under the head lock, the stored leaf hash, group commit with refused requests inside
 * a batch, NOTIFY between instances with the poll as a fallback, and outages survived without a
 * restart. The shared contract runs in postgres.test.ts.
 */
import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import { eventLeafHash } from '../../src/log/leaf.ts';
import { StoreUnavailable, type NewEvent, type StoredEvent, type Subscription } from '../../src/store/port.ts';
import { openPostgresStore, type PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/postgres-store.ts';
import { latestVersion, migrations } from '../../src/store/postgres/schema.ts';
import { postgresForTests, sql } from '../support/postgres.ts';
import { caught } from './contract.ts';

const server = await postgresForTests(t, 'PostgreSQL adapter tests');

function newEvent(data: Record<string, unknown> = { n: 1 }): NewEvent {
  return { eventId: randomUUID(), type: 'Tested', schemaVersion: 1, data, metadata: { actor: 'test', correlationId: 'req-1' } };
}

/** The next event a subscription delivers, or a failure after `ms`. */
async function nextEvent(sub: Subscription, ms: number): Promise<StoredEvent> {
  const it = sub[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms); });
  try {
    for (;;) {
      const r = await Promise.race([it.next(), late]);
      if (r.done === true) throw new Error('subscription ended');
      if (r.value.kind === 'event') return r.value.event;
    }
  } finally {
    clearTimeout(timer);
  }
}

if (server !== undefined) {
  /** A store on a fresh database, closed with the test. */
  const fresh = async (t: Test, opts: PostgresStoreOptions = {}): Promise<{ store: PostgresStore; url: string }> => {
    const url = await server.newDatabase('adapter');
    const store = await openPostgresStore({ connectionString: url, ...opts });
    t.teardown(() => store.close());
    return { store, url };
  };
  const another = async (t: Test, url: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> => {
    const store = await openPostgresStore({ connectionString: url, ...opts });
    t.teardown(() => store.close());
    return store;
  };


  t.test('migrations: recorded once, applied once by instances starting together, newer schema refused', async (t) => {
    const url = await server.newDatabase('migrate');
    const both = await Promise.all([openPostgresStore({ connectionString: url }), openPostgresStore({ connectionString: url })]);
    await both[0].append('s', [newEvent()]);
    await Promise.all(both.map((s) => s.close()));
    const again = await openPostgresStore({ connectionString: url });
    t.equal(await again.size(), 1n, 'events survive re-opening');
    await again.close();
    t.same(
      await sql(url, 'SELECT version, name FROM palimpsest.schema_version ORDER BY version'),
      migrations.map((m) => ({ version: m.version, name: m.name })),
    );
    await sql(url, 'INSERT INTO palimpsest.schema_version (version, name) VALUES ($1, $2)', [latestVersion + 1, 'future']);
    t.match(String(await caught(openPostgresStore({ connectionString: url }))), /newer than this code/);
  });

  t.test('recordedAt never decreases, even when the clock goes back or another instance is behind', async (t) => {
    let clock = Date.parse('2030-01-01T12:00:00.000Z');
    const { store, url } = await fresh(t, { now: () => clock });
    const at = async (s: PostgresStore): Promise<string> => {
      const r = await s.append('clock', [newEvent()]);
      return (await s.readAll({ from: r.index, limit: 1 }))[0]?.recordedAt ?? '';
    };
    t.equal(await at(store), '2030-01-01T12:00:00.000Z');
    clock -= 3_600_000;
    t.equal(await at(store), '2030-01-01T12:00:00.000Z', 'clock an hour back: the last value is kept');
    clock += 3_600_000 + 1;
    t.equal(await at(store), '2030-01-01T12:00:00.001Z', 'clock ahead again: it moves on');
    const other = await another(t, url, { now: () => Date.parse('2001-01-01T00:00:00.000Z') });
    t.equal(await at(other), '2030-01-01T12:00:00.001Z', 'an instance with an earlier clock does not go back either');
  });

  t.test('the stored leaf hash is the RFC 9162 leaf of the event as read back', async (t) => {
    const { store } = await fresh(t, { now: () => Date.parse('2024-10-07T09:15:00.000Z') });
    // The log format's v1 test vector (docs), written verbatim by an import as a store from before
    // leaf format 2 would hold it; the import recomputes it and refuses a mismatch.
    const vector = {
      index: 0n, stream: 'source-geo-news', revision: 0n, recordedAt: '2024-10-07T09:15:00.000Z',
      eventId: '0b6c1f3e-7d2a-4c55-9e1b-2f8a6d4c3b10', type: 'SourceRegistered', schemaVersion: 1,
      data: { sourceId: 'geo-news', name: 'Geo News', kind: 'news-outlet', country: 'PK' },
      metadata: { actor: 'admin', correlationId: 'req-1' },
    };
    await store.importEvents([{ ...vector, leafHash: Buffer.from('jFmD9FQikig7SSCK5XneZpj/qfVJqu25aTkq+7KrcqA=', 'base64') }]);
    // What jsonb would refuse or rewrite: a NUL inside a string, a duplicate-looking number, deep nesting.
    await store.append('s', [newEvent({ nul: 'a\u0000b', big: 1e21, tiny: 5e-324, nested: { list: [1, 'x', null, { ü: '☃' }] } })]);
    const events = await store.readAll();
    t.equal(events[0]?.leafHash?.toString('base64'), 'jFmD9FQikig7SSCK5XneZpj/qfVJqu25aTkq+7KrcqA=');
    t.equal(events[0]?.opening, undefined, 'the imported v1 event has no opening');
    t.same(events[1]?.data, { nul: 'a\u0000b', big: 1e21, tiny: 5e-324, nested: { list: [1, 'x', null, { ü: '☃' }] } });
    t.ok(events[1]?.opening && 'seed' in events[1].opening && events[1].opening.seed.length === 32, 'an append gets a 32-byte seed (leaf format 2)');
    for (const e of events) {
      const { leafHash, position: _position, ...rest } = e;
      t.ok(leafHash?.equals(eventLeafHash(rest)), `leaf ${e.index} matches`);
    }
  });

  t.test('group commit: one transaction for many appends; a refused request fails alone', async (t) => {
    const { store, url } = await fresh(t);
    // A row the server itself refuses (our rules pass it): the batch falls back to a SAVEPOINT per request.
    await sql(url, "ALTER TABLE palimpsest.events ADD CONSTRAINT test_refuses CHECK (type <> 'RefusedByServer')");
    await store.append('taken', [newEvent()]);
    const before = store.stats;
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => {
      if (i === 10) return store.append('taken', [newEvent()], { expected: 'no_stream' });
      if (i === 20) return store.append('s-0', [{ ...newEvent(), type: 'RefusedByServer' }]);
      if (i === 30) return store.append('nul\u0000stream', [newEvent()]);
      return store.append(`s-${i % 5}`, [newEvent({ i }), newEvent({ i })]);
    }));
    const after = store.stats;
    t.ok(after.commits - before.commits < 10, `50 appends in ${after.commits - before.commits} commits`);
    t.same(results.flatMap((r, i) => r.status === 'rejected' ? [i] : []), [10, 20, 30], 'only the three bad requests fail');
    const reasons = results.map((r) => r.status === 'rejected' ? r.reason as unknown : undefined);
    t.match(String(reasons[20]), /test_refuses/, 'the server\'s refusal reaches its caller');
    t.notOk(reasons[20] instanceof StoreUnavailable, 'a refused row is the caller\'s error, not an outage');
    t.ok(reasons[30] instanceof TypeError, 'a stream name PostgreSQL cannot store is refused before the batch');
    const log = await store.readAll();
    t.equal(log.length, 1 + 47 * 2);
    t.ok(log.every((e, i) => e.index === BigInt(i)), 'the index stays dense: the refused requests took none');
    for (let k = 0; k < 5; k++) {
      const revisions = log.filter((e) => e.stream === `s-${k}`).map((e) => e.revision);
      t.same(revisions, revisions.map((_, i) => BigInt(i)), `stream s-${k}: revisions dense`);
    }
    t.equal(await store.streamRevision('taken'), 0n);
  });

  t.test('another instance sees appends through NOTIFY, and through the poll when a notification is missing', async (t) => {
    const { store: writer, url } = await fresh(t);
    // A poll interval far beyond the deadline: only a notification can deliver in time.
    const reader = await another(t, url, { pollMs: 60_000 });
    const sub = reader.subscribe();
    t.teardown(() => sub.close());
    const written = await writer.append('s', [newEvent()]);
    t.equal((await nextEvent(sub, 5000)).index, written.index, 'delivered by NOTIFY');

    const polling = await another(t, url, { pollMs: 200 });
    const polled = polling.subscribe({ from: 1n });
    t.teardown(() => polled.close());
    // A row written behind the adapter's back, without a notification, as a lost one would be.
    const e = newEvent();
    const recordedAt = new Date().toISOString();
    const leaf = eventLeafHash({ ...e, stream: 'raw', revision: 0n, index: 1n, recordedAt });
    await sql(url, `BEGIN;
      INSERT INTO palimpsest.events VALUES (1, 'raw', 0, '${e.eventId}', 'Tested', 1, '${recordedAt}', '${JSON.stringify(e.data)}', '${JSON.stringify(e.metadata)}', '\\x${leaf.toString('hex')}');
      UPDATE palimpsest.log_head SET next_index = 2, last_recorded_at = '${recordedAt}';
      COMMIT`);
    t.equal((await nextEvent(polled, 5000)).eventId, e.eventId, 'delivered by the poll');
  });

  const ownCluster = server.server;
  const outage = ownCluster === undefined ? 'needs a cluster of its own to stop and start (PALIMPSEST_TEST_DATABASE_URL is set)' : false;
  t.test('the server goes away and comes back: StoreUnavailable meanwhile, then recovery without a restart', { skip: outage }, async (t) => {
    if (ownCluster === undefined) return;
    const { store: writer, url } = await fresh(t, { connectTimeoutMs: 1000 });
    const reader = await another(t, url, { pollMs: 60_000, connectTimeoutMs: 1000 });
    const sub = reader.subscribe();
    t.teardown(() => sub.close());
    const first = await writer.append('s', [newEvent()]);
    t.equal((await nextEvent(sub, 5000)).index, first.index);

    await ownCluster.stop();
    t.equal(await writer.ping(), false, 'ping says down');
    t.ok(await caught(writer.append('s', [newEvent()])) instanceof StoreUnavailable, 'append: StoreUnavailable');
    t.ok(await caught(writer.size()) instanceof StoreUnavailable, 'read: StoreUnavailable');
    t.ok(await caught(writer.readStream('s')) instanceof StoreUnavailable, 'readStream: StoreUnavailable');
    await ownCluster.start();

    const deadline = Date.now() + 10_000;
    while (!(await writer.ping()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    t.equal(await writer.ping(), true, 'ping says up again');
    const second = await writer.append('s', [newEvent()]);
    t.equal(second.nextRevision, 1n, 'the refused append wrote nothing, the next one writes');
    // The reader's poll interval is a minute: only a re-established LISTEN delivers this in time.
    t.equal((await nextEvent(sub, 8000)).index, second.index, 'the subscription survived and was notified');
  });

  t.test('an unreachable server: open fails fast with StoreUnavailable', async (t) => {
    const started = Date.now();
    const err = await caught(openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 2000 }));
    t.ok(err instanceof StoreUnavailable, String(err));
    t.ok(Date.now() - started < 5000, 'within the connect timeout');
  });
}
