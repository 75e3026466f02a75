/**
 * Snapshots of the live read models: a snapshot plus catch-up must equal a full replay, and any
 * snapshot that does not provably continue into the log must be discarded, not trusted.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { allFolds } from '../../src/app/folds.ts';
import { foldLog, LiveModels } from '../../src/app/live-models.ts';
import type { Projection } from '../../projections/projection.ts';
import { openRuntime } from '../../src/cli/runtime.ts';
import { keepSnapshots, loadSnapshot, saveSnapshot, snapshotPath } from '../../src/app/snapshots.ts';
import { loadConfig } from '../../src/config.ts';
import { MerkleLog } from '../../src/log/merkle.ts';
import type { EventStore } from '../../src/store/port.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { LogGenerator } from '../../scripts/gen-log.ts';
import { ClaimState, IncidentState, type ViewState } from '../../projections/incident-view/fold.ts';
import { getIncident } from '../../projections/incident-view/cache.ts';
import { getClaim } from '../../projections/incident-view/render.ts';

interface Fixture {
  dir: string;
  store: SqliteStore;
  gen: LogGenerator;
  folds: Projection[];
  /** Appends `n` more incidents of about 40 events each. */
  grow(n: number): Promise<void>;
}

let incidents = 0;

async function fixture(t: Test): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-snap-'));
  const store = await openSqliteStore({ file: path.join(dir, 'events.sqlite3'), synchronous: 'NORMAL' });
  t.teardown(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const gen = new LogGenerator(7, 8);
  for (const s of gen.sources()) await store.append(s.stream, s.events, { expected: 'no_stream' });
  const grow = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const inc = gen.incident(`snap-incident-${incidents++}`, 40, true);
      await store.append(inc.stream, inc.events, { expected: 'no_stream' });
    }
  };
  await grow(3);
  return { dir, store, gen, folds: allFolds(), grow };
}

/** Every fold's comparable text: projections' serialize, the tree's size and root, a stable dump. */
function texts(folds: readonly Projection[], states: Map<string, unknown>): Record<string, string> {
  return Object.fromEntries(folds.map((f) => [f.name, f.serialize(states.get(f.name))]));
}

async function liveFrom(store: EventStore, folds: Projection[], initial?: { next: bigint; states: Map<string, unknown> }): Promise<LiveModels> {
  const live = new LiveModels(store, folds, initial);
  await live.start();
  await live.stop();
  return live;
}

async function fullReplay(f: Fixture): Promise<Record<string, string>> {
  return texts(f.folds, (await foldLog(f.store, allFolds())).states);
}

function warnings(): { warn(m: string): void; seen: string[] } {
  const seen: string[] = [];
  return { seen, warn: (m) => seen.push(m) };
}

/** Rewrites the snapshot's header and re-seals the checksum: a well-formed file that lies. */
function forgeHeader(dir: string, edit: (h: Record<string, unknown>) => void): void {
  const file = snapshotPath(dir);
  const bytes = fs.readFileSync(file);
  const len = bytes.readUInt32BE(4);
  const header = JSON.parse(bytes.subarray(8, 8 + len).toString('utf8')) as Record<string, unknown>;
  edit(header);
  const h = Buffer.from(JSON.stringify(header));
  const l = Buffer.alloc(4);
  l.writeUInt32BE(h.length);
  const body = Buffer.concat([bytes.subarray(0, 4), l, h, bytes.subarray(8 + len, bytes.length - 32)]);
  fs.writeFileSync(file, Buffer.concat([body, createHash('sha256').update(body).digest()]));
}

t.test('snapshot + catch-up equals a full replay', async (t) => {
  const f = await fixture(t);
  const first = await liveFrom(f.store, f.folds);
  await saveSnapshot(f.dir, first, f.folds);
  const snapAt = first.next;

  await f.grow(2);
  const size = await f.store.size();
  t.ok(size > snapAt + 50n, 'events were appended past the snapshot');

  const w = warnings();
  const restored = await loadSnapshot(f.dir, f.store, f.folds, w.warn);
  t.same(w.seen, []);
  t.equal(restored?.next, snapAt);
  const caughtUp = await liveFrom(f.store, f.folds, restored);
  t.equal(caughtUp.next, size);
  const replay = await fullReplay(f);
  t.same(texts(f.folds, caughtUp.snapshot().states), replay);
  t.equal(caughtUp.state<MerkleLog>('merkle').root().toString('base64'), replay.merkle!.split(' ')[1]);
});

t.test('projection states come back from a snapshot with the same kinds of objects (v8 keeps plain data; afterRestore rebuilds classes)', async (t) => {
  const f = await fixture(t);
  const live = await liveFrom(f.store, f.folds);
  const kinds = (states: Map<string, unknown>): string[] => {
    const out: string[] = [];
    const seen = new Set<unknown>();
    const walk = (v: unknown, at: string): void => {
      if (typeof v === 'function') out.push(`${at}: function`);
      if (typeof v !== 'object' || v === null || seen.has(v)) return;
      seen.add(v);
      if (v instanceof MerkleLog) return; // written with its own serialize()
      if (v instanceof Map) {
        for (const [k, x] of v) walk(x, `${at}.get(${String(k)})`);
        return;
      }
      if (Buffer.isBuffer(v)) return;
      // Claims are behind an accessor (kept as bytes until used): walked as a reader would see them.
      if (v instanceof IncidentState) walk(v.claims, `${at}.claims`);
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) out.push(`${at}: ${(v as object).constructor?.name}`);
      for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
    };
    for (const [name, s] of states) walk(s, name);
    return out.sort();
  };
  const before = kinds(live.snapshot().states);
  t.ok(before.some((k) => k.endsWith(': ClaimState')), 'the incident view keeps its claims as ClaimState');
  t.notOk(before.some((k) => k.endsWith(': function')), 'no functions in a state');
  await saveSnapshot(f.dir, live, f.folds);
  const restored = await loadSnapshot(f.dir, f.store, f.folds);
  t.ok(restored);
  t.same(kinds(restored?.states ?? new Map()), before);
});

t.test('a snapshot restore and a replay give the same answers, every incident and claim, with compact claims', async (t) => {
  const f = await fixture(t);
  const replayed = await liveFrom(f.store, f.folds);
  await saveSnapshot(f.dir, replayed, f.folds);
  const restored = await loadSnapshot(f.dir, f.store, f.folds);
  t.ok(restored, 'the snapshot is used');
  const a = replayed.state<ViewState>('incident-view');
  const b = restored?.states.get('incident-view') as ViewState;
  t.same([...b.incidents.keys()], [...a.incidents.keys()]);
  let claims = 0;
  for (const [id, inc] of a.incidents) {
    t.same(getIncident(b, id), getIncident(a, id), `incident ${id}`);
    for (const claimId of inc.claims.keys()) {
      claims++;
      t.ok(b.incidents.get(id)?.claims.get(claimId) instanceof ClaimState, 'a restored claim is a ClaimState');
      t.same(getClaim(b, id, claimId), getClaim(a, id, claimId));
    }
  }
  t.ok(claims > 50, `${claims} claims compared`);
  t.same(b.order.map((i) => i.incidentId), a.order.map((i) => i.incidentId), 'the timeline order');
});

t.test('a corrupted snapshot is discarded and the models rebuilt from the log', async (t) => {
  const f = await fixture(t);
  await saveSnapshot(f.dir, await liveFrom(f.store, f.folds), f.folds);
  const file = snapshotPath(f.dir);
  const bytes = fs.readFileSync(file);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x40;
  fs.writeFileSync(file, bytes);

  const w = warnings();
  t.equal(await loadSnapshot(f.dir, f.store, f.folds, w.warn), undefined);
  t.match(w.seen[0], /checksum mismatch/);
  const rebuilt = await liveFrom(f.store, f.folds, undefined);
  t.same(texts(f.folds, rebuilt.snapshot().states), await fullReplay(f));
});

t.test('a snapshot claiming a wrong next is discarded', async (t) => {
  const f = await fixture(t);
  await saveSnapshot(f.dir, await liveFrom(f.store, f.folds), f.folds);
  const size = await f.store.size();

  forgeHeader(f.dir, (h) => { h.next = String(size + 5n); });
  let w = warnings();
  t.equal(await loadSnapshot(f.dir, f.store, f.folds, w.warn), undefined, 'beyond the log');
  t.match(w.seen[0], /store holds/);

  forgeHeader(f.dir, (h) => { h.next = '3'; });
  w = warnings();
  t.equal(await loadSnapshot(f.dir, f.store, f.folds, w.warn), undefined, 'inside the log, at a leaf that is not its last');
  t.match(w.seen[0], /leaf hash/);
});

t.test('a snapshot whose last leaf no longer matches the log is discarded', async (t) => {
  const f = await fixture(t);
  const live = await liveFrom(f.store, f.folds);
  await saveSnapshot(f.dir, live, f.folds);
  // Edit the event the snapshot ends at, leaving its stored leaf_hash column alone: only a hash
  // recomputed from the fields can notice.
  const last = Number(live.next) - 1;
  const db = new Database(path.join(f.dir, 'events.sqlite3'));
  const row = db.prepare('SELECT data FROM events WHERE idx = ?').get(last) as { data: string };
  db.prepare('UPDATE events SET data = ? WHERE idx = ?').run(JSON.stringify({ ...JSON.parse(row.data), rewritten: true }), last);
  db.close();

  const w = warnings();
  t.equal(await loadSnapshot(f.dir, f.store, f.folds, w.warn), undefined);
  t.match(w.seen[0], new RegExp(`event ${last} has leaf hash`));
});

t.test('a snapshot written by other fold versions is discarded', async (t) => {
  const f = await fixture(t);
  await saveSnapshot(f.dir, await liveFrom(f.store, f.folds), f.folds);
  const bumped = f.folds.map((x) => (x.name === 'sources' ? { ...x, version: x.version + 1 } : x));
  const w = warnings();
  t.equal(await loadSnapshot(f.dir, f.store, bumped, w.warn), undefined);
  t.match(w.seen[0], /written for folds/);
});

t.test('keepSnapshots saves as the log grows (the interval grows with it) and at close', async (t) => {
  const f = await fixture(t);
  const live = new LiveModels(f.store, f.folds);
  await live.start();
  const start = live.next;
  t.ok(start > 30n, 'the fixture is larger than the minimum interval');
  const keeper = keepSnapshots(live, f.dir, f.folds, { every: 30, savedAt: start, warn: (m) => t.fail(m) });
  const settle = async (): Promise<void> => {
    await live.waitFor((await f.store.size()) - 1n);
    // The periodic save runs in a later macrotask and writes asynchronously: give it time.
    for (let i = 0; i < 200 && !fs.existsSync(snapshotPath(f.dir)); i++) await new Promise((r) => setTimeout(r, 10));
  };
  await f.grow(1);
  await settle();
  t.ok(live.next - start >= 30n, 'more than `every` events arrived');
  t.ok(live.next - start < start, 'but fewer than the log held at the last save');
  t.notOk(fs.existsSync(snapshotPath(f.dir)), 'so no snapshot yet: the interval is the size at the last save');
  while (live.next - start < start) await f.grow(1);
  await settle();
  t.ok(fs.existsSync(snapshotPath(f.dir)), 'a periodic snapshot once the log doubled');
  await f.grow(1);
  await live.waitFor((await f.store.size()) - 1n);
  await live.stop();
  await keeper.close();
  const snap = await loadSnapshot(f.dir, f.store, f.folds, (m) => t.fail(m));
  t.equal(snap?.next, await f.store.size(), 'the snapshot at close covers the whole log');
});

t.test('the runtime restores from its snapshot and serves the same models', async (t) => {
  const f = await fixture(t);
  await f.store.close(); // the runtime opens its own store on the same file
  const config = loadConfig({ PALIMPSEST_DEMO: 'false', PALIMPSEST_ADMIN_TOKEN: 'snapshot-test-token-0123456789', PALIMPSEST_SQLITE_SYNCHRONOUS: 'NORMAL' }, { dataDir: f.dir });
  const rt1 = await openRuntime(config);
  const before = texts(f.folds, rt1.live.snapshot().states);
  await rt1.close();
  t.ok(fs.existsSync(snapshotPath(f.dir)), 'close wrote a snapshot');
  const rt2 = await openRuntime(config);
  try {
    t.same(texts(f.folds, rt2.live.snapshot().states), before);
  } finally {
    await rt2.close();
  }
});
