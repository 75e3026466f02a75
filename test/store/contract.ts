/**
 * The one behaviour every EventStore adapter must show. It runs unchanged against a shared
 * KurrentDB server, so: random stream names in every test, indexes measured from `size()` taken
 * before, and never an assumption that the global log starts empty or that nobody else writes.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import type { StoreConfig } from '../../src/store/open.ts';
import {
  StreamNotFound, WrongExpectedVersion,
  type EventStore, type NewEvent, type StoredEvent, type SubscriptionMessage,
} from '../../src/store/port.ts';

export interface ContractSubject {
  store: EventStore;
  /** How a child process opens the same store (the concurrency test spawns two). */
  config: StoreConfig;
  cleanup(): Promise<void>;
}

const RECORDED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Liveness guard only: a subscription that never delivers fails the test instead of hanging it. */
const STALL_MS = 15_000;

export function storeContract(t: Test, name: string, factory: () => Promise<ContractSubject>): void {
  void t.test(`${name}: EventStore contract`, async (t) => {
    const { store, config, cleanup } = await factory();
    t.teardown(async () => {
      await store.close();
      await cleanup();
    });

    await t.test('expected: any appends whether or not the stream exists', async (t) => {
      const s = streamName('any');
      t.equal((await store.append(s, [newEvent()], { expected: 'any' })).nextRevision, 0n);
      t.equal((await store.append(s, [newEvent()], { expected: 'any' })).nextRevision, 1n);
      t.equal((await store.append(s, [newEvent()])).nextRevision, 2n, 'any is the default');
    });

    await t.test('expected: no_stream', async (t) => {
      const s = streamName('no-stream');
      const first = await store.append(s, [newEvent(), newEvent()], { expected: 'no_stream' });
      t.equal(first.nextRevision, 1n);
      t.equal(first.replayed, false);
      // One place per event, as a reader finds them: what lets one append answer several requests.
      const stored = await store.readStream(s);
      t.same(first.places, stored.map((e) => ({ revision: e.revision, index: e.index, position: e.position })), 'places: each event where it was stored');
      t.same(first.places.at(-1), { revision: first.nextRevision, index: first.index, position: first.position }, 'the last place is the result');
      await wrongVersion(t, store.append(s, [newEvent()], { expected: 'no_stream' }), s, 'no_stream', 1n);
      t.equal(await store.streamRevision(s), 1n, 'the refused append wrote nothing');
    });

    await t.test('expected: stream_exists', async (t) => {
      const s = streamName('exists');
      await wrongVersion(t, store.append(s, [newEvent()], { expected: 'stream_exists' }), s, 'stream_exists', 'no_stream');
      t.equal(await store.streamRevision(s), undefined, 'the refused append wrote nothing');
      await store.append(s, [newEvent()]);
      t.equal((await store.append(s, [newEvent()], { expected: 'stream_exists' })).nextRevision, 1n);
    });

    await t.test('expected: an exact revision', async (t) => {
      const s = streamName('exact');
      await wrongVersion(t, store.append(s, [newEvent()], { expected: 0n }), s, 0n, 'no_stream');
      await store.append(s, [newEvent()], { expected: 'no_stream' });
      t.equal((await store.append(s, [newEvent(), newEvent()], { expected: 0n })).nextRevision, 2n);
      await wrongVersion(t, store.append(s, [newEvent()], { expected: 0n }), s, 0n, 2n);
      await wrongVersion(t, store.append(s, [newEvent()], { expected: 3n }), s, 3n, 2n);
      t.equal(await store.streamRevision(s), 2n, 'the refused appends wrote nothing');
      t.equal((await store.append(s, [newEvent()], { expected: 2n })).nextRevision, 3n);
    });

    await t.test('re-appending stored event ids returns the original result and writes nothing', async (t) => {
      const s = streamName('idem');
      const batch = [newEvent(), newEvent()];
      const original = await store.append(s, batch, { expected: 'no_stream' });
      const single = newEvent();
      const second = await store.append(s, [single], { expected: 1n });
      const sizeBefore = await store.size();

      const replay = await store.append(s, batch, { expected: 'no_stream' });
      t.same(replay, { ...original, replayed: true }, 'the stale expected revision is not checked');
      const replaySingle = await store.append(s, [single], { expected: 0n });
      t.same(replaySingle, { ...second, replayed: true });
      const replayAny = await store.append(s, batch);
      t.same(replayAny, { ...original, replayed: true });

      t.equal(await store.streamRevision(s), 2n);
      const events = await store.readStream(s);
      t.same(events.map((e) => e.eventId), [...batch, single].map((e) => e.eventId), 'each event stored once');
      t.ok((await store.size()) >= sizeBefore);
      const all = await store.readAll({ from: sizeBefore });
      t.notOk(all.some((e) => e.stream === s), 'no event of the stream after the replays');
    });

    await t.test('an empty append checks expected and writes nothing', async (t) => {
      const s = streamName('empty');
      const none = await store.append(s, [], { expected: 'no_stream' });
      t.equal(none.nextRevision, -1n, 'no stream: revision -1');
      t.equal(none.replayed, false);
      t.equal(await store.streamRevision(s), undefined);
      await wrongVersion(t, store.append(s, [], { expected: 'stream_exists' }), s, 'stream_exists', 'no_stream');

      const written = await store.append(s, [newEvent(), newEvent()]);
      const empty = await store.append(s, [], { expected: 1n });
      t.same(empty, { ...written, places: [], replayed: false }, 'describes the stream as it stands');
      await wrongVersion(t, store.append(s, [], { expected: 0n }), s, 0n, 1n);
      t.equal(await store.streamRevision(s), 1n);
    });

    await t.test('readStream forwards and backwards, from and limit', async (t) => {
      const s = streamName('read');
      const sent = [0, 1, 2, 3, 4].map((n) => newEvent('Numbered', { n, nested: { list: [n, 'x'], flag: n % 2 === 0 } }));
      const r1 = await store.append(s, sent.slice(0, 2), { expected: 'no_stream' });
      const r2 = await store.append(s, sent.slice(2), { expected: 1n });

      const all = await store.readStream(s);
      t.same(all.map((e) => e.revision), [0n, 1n, 2n, 3n, 4n]);
      t.same(all.map((e) => e.eventId), sent.map((e) => e.eventId));
      all.forEach((e, i) => {
        const original = sent[i];
        t.ok(original);
        if (original === undefined) return;
        t.equal(e.stream, s);
        t.equal(e.type, original.type);
        t.equal(e.schemaVersion, original.schemaVersion);
        t.same(e.data, original.data);
        t.same(e.metadata, original.metadata);
        t.match(e.recordedAt, RECORDED_AT);
        t.equal(typeof e.index, 'bigint');
        t.equal(typeof e.position, 'bigint');
      });
      t.equal(all[1]?.index, r1.index, 'append result names the last event of its batch');
      t.equal(all[1]?.position, r1.position);
      t.equal(all[4]?.index, r2.index);
      t.equal(all[4]?.position, r2.position);

      t.same(revisions(await store.readStream(s, { from: 2n, limit: 2 })), [2n, 3n]);
      t.same(revisions(await store.readStream(s, { from: 3n })), [3n, 4n]);
      t.same(revisions(await store.readStream(s, { direction: 'backwards' })), [4n, 3n, 2n, 1n, 0n]);
      t.same(revisions(await store.readStream(s, { direction: 'backwards', limit: 1 })), [4n], 'backwards starts at the end');
      t.same(revisions(await store.readStream(s, { direction: 'backwards', from: 3n, limit: 2 })), [3n, 2n]);
      t.same(revisions(await store.readStream(s, { from: 5n })), [], 'past the end: empty, not StreamNotFound');
      t.same(revisions(await store.readStream(s, { limit: 0 })), []);
      t.equal(await store.streamRevision(s), 4n);
    });

    await t.test('StreamNotFound and streamRevision of a stream without events', async (t) => {
      const s = streamName('missing');
      for (const direction of ['forwards', 'backwards'] as const) {
        const err = await caught(store.readStream(s, { direction }));
        t.ok(err instanceof StreamNotFound, `${direction}: StreamNotFound`);
        if (err instanceof StreamNotFound) t.equal(err.stream, s);
      }
      t.equal(await store.streamRevision(s), undefined);
    });

    await t.test('readAll: global order, dense index, matching append results', async (t) => {
      const a = streamName('all-a');
      const b = streamName('all-b');
      const before = await store.size();
      const results = [
        await store.append(a, [newEvent()]),
        await store.append(b, [newEvent(), newEvent()]),
        await store.append(a, [newEvent()]),
      ];
      t.ok(results[0] !== undefined && results[0].index >= before, 'indexes continue from size()');
      t.equal(results[1]?.index, (results[0]?.index ?? -10n) + 2n, 'a batch takes consecutive indexes');
      t.ok((await store.size()) >= before + 4n);

      const log = await store.readAll({ from: before });
      t.ok(log.length >= 4);
      log.forEach((e, i) => t.equal(e.index, before + BigInt(i), 'dense: the i-th event read has index from + i'));
      for (let i = 1; i < log.length; i++) {
        const prev = log[i - 1];
        const cur = log[i];
        if (prev !== undefined && cur !== undefined) t.ok(prev.recordedAt <= cur.recordedAt, 'recordedAt never decreases');
      }
      const mine = log.filter((e) => e.stream === a || e.stream === b);
      t.same(mine.map((e) => [e.stream, e.revision]), [[a, 0n], [b, 0n], [b, 1n], [a, 1n]]);
      t.same(
        [mine[0]?.index, mine[2]?.index, mine[3]?.index],
        results.map((r) => r.index),
        'readAll indexes match the append results',
      );

      const last = results[2];
      if (last === undefined) return;
      const one = await store.readAll({ from: last.index, limit: 1 });
      t.equal(one.length, 1);
      t.equal(one[0]?.stream, a);
      t.equal(one[0]?.revision, 1n);
      t.equal(one[0]?.position, last.position);
      t.same(await store.readAll({ from: last.index, limit: 0 }), []);
    });

    await t.test('the port rules: every adapter refuses the same bad calls, and writes nothing', async (t) => {
      const s = streamName('rules');
      await store.append(s, [newEvent()]);
      const sizeBefore = await store.size();
      const refusals: Array<[string, () => Promise<unknown>]> = [
        ['readStream from -1', () => store.readStream(s, { from: -1n })],
        ['readStream limit -1', () => store.readStream(s, { limit: -1 })],
        ['readStream limit 1.5', () => store.readStream(s, { limit: 1.5 })],
        ['readAll from -1', () => store.readAll({ from: -1n })],
        ['readAll limit -1', () => store.readAll({ limit: -1 })],
        ['append expected -1', () => store.append(s, [newEvent()], { expected: -1n })],
        ['append to an empty stream name', () => store.append('', [newEvent()])],
        ['event id not a UUID', () => store.append(s, [{ ...newEvent(), eventId: 'not-a-uuid' }])],
        ['event id in upper case', () => store.append(s, [{ ...newEvent(), eventId: randomUUID().toUpperCase() }])],
        ['one event id twice', () => { const e = newEvent(); return store.append(s, [e, { ...e }]); }],
        ['schemaVersion 0', () => store.append(s, [{ ...newEvent(), schemaVersion: 0 }])],
        ['data 42', () => store.append(s, [newEvent('ContractTested', 42)])],
        ['data null', () => store.append(s, [newEvent('ContractTested', null)])],
        ['data a string', () => store.append(s, [newEvent('ContractTested', 'text')])],
        ['data an array', () => store.append(s, [newEvent('ContractTested', [1, 2])])],
        ['metadata without actor', () => store.append(s, [{ ...newEvent(), metadata: { correlationId: 'c' } as unknown as NewEvent['metadata'] }])],
        ['metadata with a number', () => store.append(s, [{ ...newEvent(), metadata: { actor: 'a', correlationId: 7 } as unknown as NewEvent['metadata'] }])],
        ['metadata with an unknown key', () => store.append(s, [{ ...newEvent(), metadata: { actor: 'a', correlationId: 'c', secret: 'x' } as unknown as NewEvent['metadata'] }])],
      ];
      for (const [what, call] of refusals) {
        const err = await caught(call());
        t.ok(err instanceof TypeError || err instanceof RangeError, `${what}: refused with a TypeError or RangeError`);
      }
      t.equal(await store.size(), sizeBefore, 'no refused call wrote anything');
      t.equal(await store.streamRevision(s), 0n);
      const err = await caught((async () => { store.subscribe({ from: -1n }); })());
      t.ok(err instanceof RangeError, 'subscribe from -1: RangeError');
    });

    await t.test('subscribe: history, then caughtUp once, then live events, in order', async (t) => {
      const s = streamName('sub');
      const history = await store.append(s, [newEvent(), newEvent(), newEvent()]);
      const from = history.index - 2n;
      const sub = store.subscribe({ from });
      const it = sub[Symbol.asyncIterator]();
      t.teardown(() => sub.close());

      const seen: StoredEvent[] = [];
      let caughtUp: bigint | undefined;
      while (caughtUp === undefined) {
        const m = await pull(it);
        if (m.kind === 'caughtUp') caughtUp = m.index;
        else seen.push(m.event);
      }
      t.ok(seen.length >= 3);
      seen.forEach((e, i) => t.equal(e.index, from + BigInt(i), 'history in index order, no gap'));
      t.same(seen.filter((e) => e.stream === s).map((e) => e.revision), [0n, 1n, 2n]);
      t.ok(caughtUp >= history.index, 'caughtUp names the head it reached');
      t.equal(caughtUp, seen[seen.length - 1]?.index, 'caughtUp index = last event delivered');

      const live1 = await store.append(s, [newEvent()]);
      const live2 = await store.append(s, [newEvent(), newEvent()]);
      let next = caughtUp + 1n;
      const liveMine: StoredEvent[] = [];
      while (liveMine.length < 3) {
        const m = await pull(it);
        if (m.kind !== 'event') {
          t.fail('caughtUp is delivered once');
          break;
        }
        t.equal(m.event.index, next, 'live events in index order, no gap, no repeat');
        next += 1n;
        if (m.event.stream === s) liveMine.push(m.event);
      }
      t.same(liveMine.map((e) => e.revision), [3n, 4n, 5n]);
      t.same(liveMine.map((e) => e.index), [live1.index, live2.index - 1n, live2.index]);

      // Drain whatever else others wrote, then close while a next() is pending.
      const head = (await store.size()) - 1n;
      while (next <= head) {
        const m = await pull(it);
        if (m.kind === 'event') next = m.event.index + 1n;
      }
      const pending = it.next();
      await sub.close();
      const end = await withinStall(pending);
      t.equal(end.done, true, 'close ends a pending next()');
      t.equal((await it.next()).done, true, 'and every next() after it');
    });

    await t.test('subscribe from the current head: caughtUp first; close before iterating', async (t) => {
      const s = streamName('sub-head');
      const sub = store.subscribe({ from: await store.size() });
      const it = sub[Symbol.asyncIterator]();
      const first = await pull(it);
      t.equal(first.kind, 'caughtUp');
      const written = await store.append(s, [newEvent()]);
      let m = await pull(it);
      while (m.kind === 'event' && m.event.stream !== s) m = await pull(it);
      t.equal(m.kind === 'event' ? m.event.index : undefined, written.index);
      await sub.close();
      t.equal((await it.next()).done, true);

      const never = store.subscribe();
      await never.close();
      t.equal((await never[Symbol.asyncIterator]().next()).done, true, 'a subscription closed before use yields nothing');
    });

    await t.test('for await with break releases the subscription', async (t) => {
      const s = streamName('sub-break');
      const written = await store.append(s, [newEvent()]);
      const sub = store.subscribe({ from: written.index });
      let got: StoredEvent | undefined;
      for await (const m of sub) {
        if (m.kind === 'event') {
          got = m.event;
          break;
        }
      }
      t.equal(got?.eventId, (await store.readStream(s))[0]?.eventId);
      await sub.close();
    });

    await t.test('two processes append 1,000 events to one stream with exact expected revisions', async (t) => {
      const s = streamName('race');
      const perWorker = 500;
      const workers = ['w1', 'w2'].map((w) => startWorker(config, s, w, perWorker));
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.go();
      const summaries = await Promise.all(workers.map((w) => w.done));
      const events = await store.readStream(s);
      const switches = events.filter((e, i) => i > 0 && workerOf(e) !== workerOf(events[i - 1])).length;
      t.comment(`retries after WrongExpectedVersion: ${summaries.map((x) => x.retries).join(', ')}; turns between workers: ${switches}`);

      t.equal(events.length, 2 * perWorker);
      t.ok(events.every((e, i) => e.revision === BigInt(i)), 'revisions exactly 0..999');
      t.equal(new Set(events.map((e) => e.eventId)).size, events.length, 'no duplicate event id');
      for (const w of ['w1', 'w2']) {
        const ns = events.map((e) => e.data as { worker: string; n: number }).filter((d) => d.worker === w).map((d) => d.n);
        t.same(ns, Array.from({ length: perWorker }, (_, i) => i), `${w}: every event once, in its own order`);
      }
    });
  });
}

function streamName(label: string): string {
  return `contract-${label}-${randomUUID()}`;
}

function newEvent(type = 'ContractTested', data: unknown = { at: 'contract' }): NewEvent {
  return { eventId: randomUUID(), type, schemaVersion: 1, data, metadata: { actor: 'contract', correlationId: `contract-${randomUUID()}` } };
}

function workerOf(e: StoredEvent | undefined): unknown {
  return (e?.data as { worker?: unknown } | undefined)?.worker;
}

function revisions(events: StoredEvent[]): bigint[] {
  return events.map((e) => e.revision);
}

/** The error a promise rejects with, or undefined when it resolves. */
export async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  return undefined;
}

async function wrongVersion(
  t: Test, p: Promise<unknown>, stream: string, expected: WrongExpectedVersion['expected'], actual: WrongExpectedVersion['actual'],
): Promise<void> {
  const err = await caught(p);
  t.ok(err instanceof WrongExpectedVersion, `WrongExpectedVersion for expected ${String(expected)}`);
  if (!(err instanceof WrongExpectedVersion)) return;
  t.equal(err.stream, stream);
  t.equal(err.expected, expected);
  t.equal(err.actual, actual);
}

async function withinStall<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`subscription delivered nothing for ${STALL_MS} ms`)), STALL_MS);
  });
  try {
    return await Promise.race([p, stall]);
  } finally {
    clearTimeout(timer);
  }
}

async function pull(it: AsyncIterator<SubscriptionMessage>): Promise<SubscriptionMessage> {
  const r = await withinStall(it.next());
  if (r.done === true) throw new Error('subscription ended unexpectedly');
  return r.value;
}

interface Worker {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ worker: string; appended: number; retries: number }>;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const workerPath = fileURLToPath(new URL('./append-worker.ts', import.meta.url));

function startWorker(config: StoreConfig, stream: string, worker: string, count: number): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', workerPath, stream, worker, String(count)], {
    cwd: repoRoot,
    env: { ...process.env, PALIMPSEST_TEST_STORE_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (out.includes('ready\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  const done = new Promise<{ worker: string; appended: number; retries: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`worker ${worker} exited with ${String(code)}: ${err}`));
        return;
      }
      resolve(JSON.parse(last) as { worker: string; appended: number; retries: number });
    });
  });
  // A worker that dies before `ready` must fail the test, not leave it waiting.
  const readyOrDied = Promise.race([ready, done.then(() => { throw new Error(`worker ${worker} ended before ready`); })]);
  return { ready: readyOrDied, go: () => child.stdin.end('go\n'), done };
}
