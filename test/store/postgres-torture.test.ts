/**
 * The global index under stress on a real PostgreSQL: 32 concurrent appenders over 8 streams, with
 * random delays inside their transactions while they hold the head lock, and some transactions
 * rolled back. Half go through the adapter (four instances, group commit, a delay and sometimes a
 * failure injected before COMMIT); half are hand-written SQL transactions following the schema's
 * protocol (lock the head row, insert, move the head, notify), so the protocol is tested and not
 * only our code. Two subscribers on other instances follow the whole time; neither may skip,
 * repeat or reorder an index, and the Merkle tree built from what they received must equal the
 * one built from reading the log and from recomputing every leaf.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { eventLeafHash } from '../../src/log/leaf.ts';
import { MerkleLog } from '../../src/log/merkle.ts';
import type { NewEvent, StoredEvent, Subscription } from '../../src/store/port.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { postgresForTests } from '../support/postgres.ts';

const APPENDERS = 32;
const STREAMS = 8;
const ROUNDS = 10;
const MAX_DELAY_MS = 8;
const ROLLBACK_RATE = 0.15;
const DEADLINE_MS = 90_000;

const server = await postgresForTests(t, 'PostgreSQL torture test');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const delay = (): Promise<void> => sleep(Math.floor(Math.random() * MAX_DELAY_MS));
const stream = (): string => `torture-${Math.floor(Math.random() * STREAMS)}`;

function newEvents(who: string, round: number): NewEvent[] {
  return Array.from({ length: 1 + Math.floor(Math.random() * 3) }, (_, k) => ({
    eventId: randomUUID(), type: 'Tortured', schemaVersion: 1,
    data: { who, round, k }, metadata: { actor: who, correlationId: `${who}-${round}` },
  }));
}

class Rollback extends Error {}

/** Follows the log until it has `size()` events after `done` is set; records every index it was given. */
async function follow(sub: Subscription, until: () => bigint | undefined): Promise<StoredEvent[]> {
  const got: StoredEvent[] = [];
  for await (const m of sub) {
    if (m.kind === 'event') got.push(m.event);
    const target = until();
    if (target !== undefined && BigInt(got.length) >= target) break;
  }
  return got;
}

if (server !== undefined) {
  t.test(`${APPENDERS} appenders, ${STREAMS} streams, delays and rollbacks inside the lock, two subscribers`, { timeout: DEADLINE_MS + 30_000 }, async (t) => {
    const url = await server.newDatabase('torture');
    const acked = new Set<string>();
    const rolledBack = new Set<string>();
    const opened: PostgresStore[] = [];
    const open = async (opts: Parameters<typeof openPostgresStore>[0]): Promise<PostgresStore> => {
      const s = await openPostgresStore({ connectionString: url, ...opts });
      opened.push(s);
      return s;
    };
    t.teardown(() => Promise.all(opened.map((s) => s.close())));

    // One subscriber woken only by NOTIFY (its poll interval outlasts the test), one polling often.
    const notified = await open({ pollMs: 600_000 });
    const polling = await open({ pollMs: 50 });
    let finalSize: bigint | undefined;
    const followers = [notified.subscribe(), polling.subscribe()].map((sub) => follow(sub, () => finalSize));

    const writers = await Promise.all(Array.from({ length: 4 }, () => open({
      beforeCommit: async () => {
        await delay();
        if (Math.random() < ROLLBACK_RATE) throw new Rollback('injected failure before COMMIT');
      },
    })));
    const viaAdapter = async (n: number): Promise<void> => {
      const store = writers[n % writers.length];
      if (store === undefined) throw new Error('no writer');
      for (let round = 0; round < ROUNDS; round++) {
        const events = newEvents(`adapter-${n}`, round);
        try {
          await store.append(stream(), events);
          for (const e of events) acked.add(e.eventId);
        } catch (err) {
          if (!(err instanceof Rollback)) throw err;
          for (const e of events) rolledBack.add(e.eventId);
        }
        await delay();
      }
    };

    const viaSql = async (n: number): Promise<void> => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const events = newEvents(`sql-${n}`, round);
          const s = stream();
          await c.query('BEGIN');
          const head = (await c.query<{ next_index: string; last_recorded_at: string | null }>(
            'SELECT next_index, last_recorded_at FROM palimpsest.log_head FOR UPDATE')).rows[0];
          if (head === undefined) throw new Error('no head row');
          await delay();
          const top = (await c.query<{ revision: string }>(
            'SELECT revision FROM palimpsest.events WHERE stream = $1 ORDER BY revision DESC LIMIT 1', [s])).rows[0];
          let idx = BigInt(head.next_index);
          let revision = top === undefined ? 0n : BigInt(top.revision) + 1n;
          const recordedAt = new Date(Math.max(Date.now(), head.last_recorded_at === null ? 0 : Date.parse(head.last_recorded_at))).toISOString();
          for (const e of events) {
            const leaf = eventLeafHash({ ...e, stream: s, revision, index: idx, recordedAt });
            await c.query('INSERT INTO palimpsest.events VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
              [idx, s, revision, e.eventId, e.type, e.schemaVersion, recordedAt, JSON.stringify(e.data), JSON.stringify(e.metadata), leaf]);
            idx += 1n;
            revision += 1n;
            await delay();
          }
          await c.query("UPDATE palimpsest.log_head SET next_index = $1::bigint, last_recorded_at = $2 RETURNING pg_notify('palimpsest_events', $1::bigint::text)", [idx, recordedAt]);
          await delay();
          if (Math.random() < ROLLBACK_RATE) {
            await c.query('ROLLBACK');
            for (const e of events) rolledBack.add(e.eventId);
          } else {
            await c.query('COMMIT');
            for (const e of events) acked.add(e.eventId);
          }
        }
      } finally {
        await c.end();
      }
    };

    const started = Date.now();
    await Promise.all(Array.from({ length: APPENDERS }, (_, n) => (n % 2 === 0 ? viaAdapter(n / 2) : viaSql((n - 1) / 2))));
    // One last event, written once finalSize is known, wakes both followers however far they got.
    const reader = await open({});
    finalSize = (await reader.size()) + 1n;
    const end = newEvents('end', 0).slice(0, 1);
    await reader.append('torture-end', end);
    for (const e of end) acked.add(e.eventId);
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the subscribers did not reach the head in time')), 20_000);
    });
    const [viaNotify = [], viaPoll = []] = await Promise.race([Promise.all(followers), stalled]).finally(() => clearTimeout(timer));
    t.comment(`${acked.size} events acknowledged, ${rolledBack.size} rolled back, in ${Date.now() - started} ms`);
    t.ok(rolledBack.size > 0, 'some transactions were rolled back');

    const log = await reader.readAll();
    t.equal(BigInt(log.length), finalSize, 'readAll returns size() events');
    t.ok(log.every((e, i) => e.index === BigInt(i)), 'the log is dense from 0');
    t.same(new Set(log.map((e) => e.eventId)), acked, 'exactly the acknowledged events are stored');
    t.notOk(log.some((e) => rolledBack.has(e.eventId)), 'no rolled-back event is stored');
    for (let k = 0; k < STREAMS; k++) {
      const revisions = log.filter((e) => e.stream === `torture-${k}`).map((e) => e.revision);
      t.ok(revisions.every((r, i) => r === BigInt(i)), `torture-${k}: revisions dense (${revisions.length})`);
    }
    t.ok(log.every((e, i) => i === 0 || (log[i - 1]?.recordedAt ?? '') <= e.recordedAt), 'recordedAt never decreases');

    const fromLog = new MerkleLog();
    const badLeaves: bigint[] = [];
    for (const e of log) {
      const { leafHash, position: _position, ...fields } = e;
      const recomputed = eventLeafHash(fields);
      if (leafHash === undefined || !leafHash.equals(recomputed)) badLeaves.push(e.index);
      fromLog.append(recomputed);
    }
    t.same(badLeaves, [], 'every stored leaf hash recomputes from its event');
    for (const [name, got] of [['NOTIFY subscriber', viaNotify], ['polling subscriber', viaPoll]] as const) {
      t.equal(got.length, log.length, `${name}: every event`);
      t.ok(got.every((e, i) => e.index === BigInt(i)), `${name}: no skip, repeat or reorder`);
      const tree = new MerkleLog();
      for (const e of got) if (e.leafHash !== undefined) tree.append(e.leafHash);
      t.equal(tree.size, fromLog.size, `${name}: tree size`);
      t.ok(tree.size > 0 && tree.root().equals(fromLog.root()), `${name}: the same root as the log read back`);
    }
  });
}
