/**
 * The auditor commands run as a user runs them: `node bin/palimpsest.js <cmd>` in a child process,
 * on a real SQLite store in a temp dir filled by `palimpsest seed`.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { allFolds } from '../../src/app/folds.ts';
import { openRuntime } from '../../src/cli/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import { parseCheckpoint, signCheckpoint } from '../../src/log/checkpoint.ts';
import { loadSigningKey, signingKeyFrom } from '../../src/log/keys.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const BIN = fileURLToPath(new URL('../../bin/palimpsest.js', import.meta.url));
const TOKEN = 'audit-test-admin-token-0123456789';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(dir: string, ...args: string[]): Run {
  const env: NodeJS.ProcessEnv = {};
  // The caller's own PALIMPSEST_* settings must not leak into the child.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PALIMPSEST_')) env[k] = v;
  Object.assign(env, { PALIMPSEST_DATA_DIR: dir, PALIMPSEST_DEMO: 'false', PALIMPSEST_ADMIN_TOKEN: TOKEN, PALIMPSEST_SQLITE_SYNCHRONOUS: 'NORMAL' });
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (t: Test): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-audit-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
};

const rootOf = (r: Run): string | undefined => /^root (\S+)$/m.exec(r.stdout)?.[1];
const sizeOf = (r: Run): number | undefined => {
  const m = /^size (\d+)$/m.exec(r.stdout);
  return m ? Number(m[1]) : undefined;
};
const eventLines = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"index"'));

function copyStore(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) {
    if (f.startsWith('events.sqlite3') || f === 'log-key.pem') fs.copyFileSync(path.join(from, f), path.join(to, f));
  }
}

/** One more event, appended the way the server would (recordedAt and leaf hash set by the store). */
async function appendSource(dir: string, sourceId: string): Promise<void> {
  const store = await openSqliteStore({ file: path.join(dir, 'events.sqlite3') });
  try {
    await store.append(`source-${sourceId}`, [{
      eventId: randomUUID(), type: 'SourceRegistered', schemaVersion: 1,
      data: { sourceId, name: `Source ${sourceId}`, kind: 'news-outlet' },
      metadata: { actor: 'admin', correlationId: `test-${sourceId}` },
    }], { expected: 'no_stream' });
  } finally {
    await store.close();
  }
}

const seeded = tmp(t);
const seed = cli(seeded, 'seed');
t.equal(seed.code, 0, `seed exits 0 (${seed.stderr})`);

t.test('verify: an honest store passes and prints size and root', async (t) => {
  const r = cli(seeded, 'verify');
  t.equal(r.code, 0, r.stderr);
  t.ok((sizeOf(r) ?? 0) > 50, 'the demo is there');
  t.match(rootOf(r), /^[A-Za-z0-9+/]{43}=$/);
  t.match(r.stdout, /^ok$/m);
});

t.test('verify: one edited byte of stored data is found and named', async (t) => {
  const dir = tmp(t);
  copyStore(seeded, dir);
  const db = new Database(path.join(dir, 'events.sqlite3'));
  const row = db.prepare('SELECT idx, stream, revision, data FROM events WHERE idx = 7').get() as { idx: number; stream: string; revision: number; data: string };
  // Flip the first character of the first string value: still valid JSON, one byte different.
  const edited = row.data.replace(/(:")(.)/, (_m, a: string, c: string) => `${a}${c === 'X' ? 'Y' : 'X'}`);
  t.not(edited, row.data);
  t.equal(Buffer.byteLength(edited), Buffer.byteLength(row.data));
  db.prepare('UPDATE events SET data = ? WHERE idx = 7').run(edited);
  db.close();
  const r = cli(dir, 'verify');
  t.equal(r.code, 1);
  t.match(r.stderr, `index 7 (stream ${row.stream}, revision ${row.revision})`);
  t.notMatch(r.stdout, /^ok$/m);
});

t.test('verify --checkpoint: an older checkpoint passes, one signed by another key fails', async (t) => {
  const dir = tmp(t);
  copyStore(seeded, dir);
  const before = cli(dir, 'verify');
  const size = sizeOf(before)!;
  const root = Buffer.from(rootOf(before)!, 'base64');
  const ours = loadSigningKey(path.join(dir, 'log-key.pem'), 'palimpsest.local/log');
  const cpFile = path.join(dir, 'old-checkpoint.txt');
  fs.writeFileSync(cpFile, signCheckpoint(ours, size, root));

  await appendSource(dir, 'later-outlet');
  await appendSource(dir, 'another-outlet');
  const later = cli(dir, 'verify', '--checkpoint', cpFile);
  t.equal(later.code, 0, later.stderr);
  t.equal(sizeOf(later), size + 2, 'the log grew past the checkpoint');
  t.not(rootOf(later), rootOf(before));

  const other = signingKeyFrom(generateKeyPairSync('ed25519').privateKey, 'palimpsest.local/log');
  const foreign = path.join(dir, 'foreign-checkpoint.txt');
  fs.writeFileSync(foreign, signCheckpoint(other, size, root));
  const bad = cli(dir, 'verify', '--checkpoint', foreign);
  t.equal(bad.code, 1, 'same tree, wrong signer');
  t.match(bad.stderr, 'foreign-checkpoint.txt');

  // With --key the other key is the one trusted: the same checkpoint now passes.
  const keyFile = path.join(dir, 'other.pub');
  fs.writeFileSync(keyFile, `${other.verifierKey}\n`);
  t.equal(cli(dir, 'verify', '--checkpoint', foreign, '--key', keyFile).code, 0);

  // A checkpoint with our signature but a root the log never had.
  const forged = path.join(dir, 'forged-checkpoint.txt');
  fs.writeFileSync(forged, signCheckpoint(ours, size, Buffer.alloc(32, 7)));
  const mismatch = cli(dir, 'verify', '--checkpoint', forged);
  t.equal(mismatch.code, 1);
  t.match(mismatch.stderr, /root of the first \d+ leaves/);
});

t.test('export → import into a fresh store: same root, same /events', async (t) => {
  const out = path.join(tmp(t), 'log.ndjson');
  const ex = cli(seeded, 'export', '--out', out);
  t.equal(ex.code, 0, ex.stderr);
  const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
  const last = JSON.parse(lines.at(-1)!) as { checkpoint: string };
  const cp = parseCheckpoint(last.checkpoint);
  t.equal(Number(cp.size), lines.length - 1, 'the checkpoint covers every exported line');

  const fresh = tmp(t);
  const pub = path.join(fresh, '..', `${path.basename(fresh)}-source.pub`);
  fs.writeFileSync(pub, `${loadSigningKey(path.join(seeded, 'log-key.pem'), 'palimpsest.local/log').verifierKey}\n`);
  t.teardown(() => fs.rmSync(pub, { force: true }));
  const im = cli(fresh, 'import', out, '--key', pub);
  t.equal(im.code, 0, im.stderr);

  const a = cli(seeded, 'verify');
  const b = cli(fresh, 'verify');
  t.equal(b.code, 0, b.stderr);
  t.equal(rootOf(b), rootOf(a));
  t.equal(rootOf(b), cp.root.toString('base64'));

  const reExport = path.join(tmp(t), 'again.ndjson');
  t.equal(cli(fresh, 'export', '--out', reExport).code, 0);
  t.same(eventLines(reExport), eventLines(out), 'every /events item identical, recordedAt and eventId included');

  // /events as the server answers it, page for page.
  const pages: unknown[] = [];
  for (const dir of [seeded, fresh]) {
    const rt = await openRuntime(loadConfig({ PALIMPSEST_DEMO: 'false', PALIMPSEST_ADMIN_TOKEN: TOKEN }, { dataDir: dir }));
    try {
      const res = await rt.app.inject({ method: 'GET', url: '/events?from=0&limit=1000', headers: { authorization: `Bearer ${TOKEN}` } });
      t.equal(res.statusCode, 200);
      pages.push(res.json());
    } finally {
      await rt.close();
    }
  }
  t.same(pages[1], pages[0]);

  const again = cli(fresh, 'import', out);
  t.equal(again.code, 1, 'a second import into the now non-empty store is refused');
  t.match(again.stderr, /already holds \d+ events/);
});

t.test('import refuses an export with an edited line, and writes nothing', async (t) => {
  const work = tmp(t);
  const out = path.join(work, 'log.ndjson');
  t.equal(cli(seeded, 'export', '--out', out).code, 0);
  const lines = fs.readFileSync(out, 'utf8').split('\n');
  const victim = JSON.parse(lines[4]!) as { index: number; stream: string; revision: number; data: Record<string, unknown> };
  victim.data = { ...victim.data, injected: 'by an attacker' };
  lines[4] = JSON.stringify(victim);
  const edited = path.join(work, 'edited.ndjson');
  fs.writeFileSync(edited, lines.join('\n'));

  const dir = tmp(t);
  const r = cli(dir, 'import', edited);
  t.equal(r.code, 1);
  t.match(r.stderr, `index 4 (stream ${victim.stream}, revision ${victim.revision})`);
  const v = cli(dir, 'verify');
  t.equal(sizeOf(v), 0, 'the refused import left the store empty');

  // Dropping the last event keeps every line honest, but the root no longer matches the checkpoint.
  const truncated = path.join(work, 'truncated.ndjson');
  const all = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
  fs.writeFileSync(truncated, `${[...all.slice(0, -2), all.at(-1)].join('\n')}\n`);
  const tr = cli(tmp(t), 'import', truncated);
  t.equal(tr.code, 1);
  t.match(tr.stderr, /checkpoint covers \d+ events, the file holds \d+/);
});

t.test('import refuses a non-empty store', async (t) => {
  const out = path.join(tmp(t), 'log.ndjson');
  t.equal(cli(seeded, 'export', '--out', out).code, 0);
  const r = cli(seeded, 'import', out);
  t.equal(r.code, 1);
  t.match(r.stderr, /import only into an empty store/);
});

t.test('rebuild: an honest store folds to the live read models', async (t) => {
  const r = cli(seeded, 'rebuild');
  t.equal(r.code, 0, r.stderr);
  const names = allFolds().map((f) => f.name);
  t.ok(names.includes('merkle') && names.length >= 4);
  for (const name of names) {
    t.match(r.stdout, new RegExp(`^${name}\\s+\\d+ events\\s+\\d+ ms\\s+identical$`, 'm'), name);
  }
  t.notMatch(r.stdout, /DIFFERENT/);
});
