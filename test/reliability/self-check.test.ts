/**
 * The server checks itself (docs/log.md, "The server checks itself"), through the real binary on
 * temp data dirs: a store edited while the server was stopped is never served, the bad leaf is named
 * by /health, the log and `palimpsest verify`; a snapshot from another tree is not used; a snapshot
 * whose payload was forged and resealed is caught by the background refold and discarded.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { snapshotPath } from '../../src/app/snapshots.ts';
import { eventLeafHash } from '../../src/log/leaf.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { runCli, sleep, startServer, track, type ChildServer } from './child-server.ts';

const TOKEN = 'self-check-admin-token-0123456789';
function tempDir(t: Test): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-self-check-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

const envOf = (dir: string): Record<string, string> => ({ PALIMPSEST_DATA_DIR: dir, PALIMPSEST_ADMIN_TOKEN: TOKEN, PALIMPSEST_DEMO: 'false' });

interface Health {
  status: string;
  firstBadLeaf?: { index: number; stream: string; revision: number };
  readModel?: string;
  items?: string[];
  reason?: string;
}

async function health(s: ChildServer): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${s.url}/health`);
  return { code: res.status, body: (await res.json()) as Health };
}

/** /health until it leaves `verifying` (bounded). */
async function settled(s: ChildServer): Promise<{ code: number; body: Health }> {
  for (let i = 0; i < 100; i++) {
    const h = await health(s);
    if (h.body.status !== 'verifying') return h;
    await sleep(100);
  }
  throw new Error('still verifying after 10 s');
}

/** A seeded store whose server signed (and so kept) a checkpoint of the whole log, with a snapshot. */
async function seededDir(t: Test): Promise<string> {
  const dir = tempDir(t);
  const seed = await runCli(['seed'], envOf(dir));
  t.equal(seed.code, 0, `seed exits 0 (${seed.stderr})`);
  const s = track(t, await startServer(envOf(dir)));
  const cp = await fetch(`${s.url}/log/checkpoint`);
  t.equal(cp.status, 200, `a checkpoint is signed and kept (${cp.status === 200 ? '' : await cp.text()})`);
  const note = await cp.text();
  const kept = (await (await fetch(`${s.url}/log/checkpoints?from=0`)).json()) as { items: { size: number; note: string }[]; nextFrom: number | null };
  t.same(kept.items.map((c) => c.note), [note], 'GET /log/checkpoints serves the kept history');
  t.equal(kept.nextFrom, null);
  const bad = await fetch(`${s.url}/log/checkpoints?from=-1`);
  t.equal(bad.status, 400, 'a bad from is a 400');
  await s.kill('SIGTERM');
  t.ok(fs.existsSync(snapshotPath(dir)), 'a snapshot was written');
  return dir;
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

interface Row {
  idx: number;
  stream: string;
  revision: number;
}

/** Stopped server: one claim's value edited in place, as an attacker with the sqlite3 tool would. */
function editValue(dir: string): Row {
  const db = new Database(path.join(dir, 'events.sqlite3'));
  try {
    const row = db.prepare(`SELECT idx, stream, revision FROM events WHERE data LIKE '%"kind":"exact","value":%' ORDER BY idx LIMIT 1 OFFSET 3`).get() as Row | undefined;
    if (row === undefined) throw new Error('no exact value in the seeded store');
    db.prepare(`UPDATE events SET data = replace(data, '"kind":"exact","value":', '"kind":"exact","value":1') WHERE idx = ?`).run(row.idx);
    return row;
  } finally {
    db.close();
  }
}

/** The stored leaf hash of `idx` rewritten to match its (edited) fields: the store agrees with itself. */
async function resealLeaf(dir: string, idx: number): Promise<void> {
  const store = await openSqliteStore({ file: path.join(dir, 'events.sqlite3') });
  let leaf: Buffer;
  try {
    const [e] = await store.readAll({ from: BigInt(idx), limit: 1 });
    if (e === undefined) throw new Error(`no event ${idx}`);
    leaf = eventLeafHash(e);
  } finally {
    await store.close();
  }
  const db = new Database(path.join(dir, 'events.sqlite3'));
  try {
    db.prepare('UPDATE events SET leaf_hash = ? WHERE idx = ?').run(leaf, idx);
  } finally {
    db.close();
  }
}

async function refusesToServe(t: Test, dir: string, row: Row): Promise<void> {
  const s = track(t, await startServer(envOf(dir)));
  const h = await settled(s);
  t.equal(h.code, 503, '/health answers 503');
  t.equal(h.body.status, 'tampered');
  t.same(h.body.firstBadLeaf, { index: row.idx, stream: row.stream, revision: row.revision }, '/health names the first bad leaf');
  const read = await fetch(`${s.url}/incidents`);
  t.equal(read.status, 503, 'no reads');
  t.match(await read.json(), { code: 'tampered', type: '/problems/tampered' });
  const events = await fetch(`${s.url}/events?from=0`);
  t.equal(events.status, 503, 'no log reads');
  const write = await fetch(`${s.url}/sources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sourceId: 'after-tamper', name: 'After', kind: 'news-outlet' }),
  });
  t.equal(write.status, 503, 'no writes');
  const lines = s.logLines().filter((l) => typeof l.msg === 'string' && l.msg.startsWith('TAMPERED STORE'));
  t.equal(lines.length, 1, 'one log line');
  t.match(String(lines[0]?.msg), `leaf ${row.idx} (stream ${row.stream}, revision ${row.revision})`, 'the log line names the leaf');
  await s.kill('SIGTERM');
}

t.test('data edited on a stopped server: it refuses to serve and names the leaf', async (t) => {
  const base = await seededDir(t);
  for (const withSnapshot of [false, true]) {
    await t.test(withSnapshot ? 'with a snapshot (caught in the background)' : 'without a snapshot (caught before serving)', async (t) => {
      const dir = tempDir(t);
      copyDir(base, dir);
      if (!withSnapshot) fs.rmSync(snapshotPath(dir));
      const row = editValue(dir);
      await refusesToServe(t, dir, row);
      if (!withSnapshot) t.notOk(fs.existsSync(snapshotPath(dir)), 'a tampered run writes no snapshot (one would outlive a restored store)');
    });
  }
});

t.test('data and its leaf hash edited: the server refuses and names the leaf; verify names it', async (t) => {
  const dir = await seededDir(t);
  const row = editValue(dir);
  await resealLeaf(dir, row.idx);
  await refusesToServe(t, dir, row);
  const v = await runCli(['verify'], envOf(dir));
  t.equal(v.code, 1, 'verify exits 1');
  t.match(v.stderr, `bad leaf: index ${row.idx} (stream ${row.stream}, revision ${row.revision})`, 'verify names the leaf through the kept checkpoints');
});

t.test('a snapshot written from another tree is not used', async (t) => {
  const dir = await seededDir(t);
  const other = await seededDir(t);
  // Same size and folds, another tree: the other seed's events have their own ids and times.
  fs.copyFileSync(snapshotPath(other), snapshotPath(dir));
  const s = track(t, await startServer(envOf(dir)));
  const h = await settled(s);
  t.equal(h.body.status, 'ok', 'the store itself is sound');
  t.match(s.output(), /snapshot .* discarded/, 'the snapshot was discarded, with the reason');
  const v = await runCli(['rebuild'], envOf(dir));
  t.equal(v.code, 0, `the live read models equal a rebuild (${v.stdout})`);
  await s.kill('SIGTERM');
});

t.test('a resealed forged snapshot is caught, named and discarded', async (t) => {
  const dir = await seededDir(t);
  // The title of one incident, as the snapshot's payload holds it.
  const s0 = track(t, await startServer(envOf(dir)));
  const page = (await (await fetch(`${s0.url}/incidents?limit=200`)).json()) as { items: { incidentId: string; title: string }[] };
  await s0.kill('SIGTERM');
  const target = page.items.find((i) => /^[\x20-\x7e]+$/.test(i.title) && /[a-z]/.test(i.title));
  if (target === undefined) throw new Error('no ASCII title in the demo');
  const file = snapshotPath(dir);
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(Buffer.from(target.title, 'latin1'));
  t.ok(at > 0, 'the title is in the payload');
  const forged = Buffer.from(target.title.replace(/[a-z]/, (c) => (c === 'x' ? 'y' : 'x')), 'latin1');
  forged.copy(bytes, at);
  const body = bytes.subarray(0, bytes.length - 32);
  createHash('sha256').update(body).digest().copy(bytes, bytes.length - 32);
  fs.writeFileSync(file, bytes);

  const rebuilt = await runCli(['rebuild'], envOf(dir));
  t.equal(rebuilt.code, 1, 'rebuild exits 1');
  t.match(rebuilt.stdout, /incident-view .* DIFFERENT/, 'rebuild names the read model');
  t.match(rebuilt.stdout, `differs in: incident-view (${target.incidentId}`, 'and the incident');
  t.match(rebuilt.stdout, /what to do: .*remove .*read-models\.snap/, 'and says what to do');

  const s = track(t, await startServer(envOf(dir)));
  const h = await settled(s);
  t.equal(h.code, 503);
  t.equal(h.body.status, 'tampered');
  t.equal(h.body.readModel, 'incident-view', 'names the read model');
  t.ok(h.body.items?.includes(target.incidentId), `names the incident ${target.incidentId}`);
  t.notOk(fs.existsSync(file), 'the snapshot file was discarded');
  t.equal((await fetch(`${s.url}/incidents/${target.incidentId}`)).status, 503, 'the forged title is not served');
  await s.kill('SIGTERM');

  const again = track(t, await startServer(envOf(dir)));
  const h2 = await settled(again);
  t.equal(h2.body.status, 'ok', 'restarted without the snapshot: folded from the log, sound');
  const inc = (await (await fetch(`${again.url}/incidents/${target.incidentId}`)).json()) as { title: string };
  t.equal(inc.title, target.title, 'the true title');
  await again.kill('SIGTERM');
});
