import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { signCheckpoint } from '../../src/log/checkpoint.ts';
import { signingKeyFromSeed } from '../../src/log/keys.ts';
import { eventLeafHash } from '../../src/log/leaf.ts';
import { MerkleLog } from '../../src/log/merkle.ts';
import { tempDir } from '../http/harness.ts';
import { ROOT, startServer, track, type ChildServer } from '../reliability/child-server.ts';

/**
 * scripts/audit-log.mjs against a real server on a temp data dir: it verifies every leaf, not a
 * sample, so an event edited on disk at any index is found and named.
 */

const TOKEN = 'audit-script-admin-token-0123456789';
const SCRIPT = path.join(ROOT, 'scripts', 'audit-log.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function audit(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env.PATH ?? '', PALIMPSEST_TOKEN: TOKEN }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

const SAFE_KEYS = new Set(['title', 'name', 'summary', 'quote', 'note', 'description', 'actor']);

/**
 * Changes one free-text string of the event's data (or, failing one, its correlation id), as an
 * attacker with the file would, while the server runs (a server started on an edited store refuses
 * to serve it: docs/log.md, "The server checks itself"). Returns what puts the row back.
 */
function editEvent(dir: string, index: number, rewriteLeafHash = false): () => void {
  const db = new Database(path.join(dir, 'events.sqlite3'));
  try {
    const row = db.prepare('SELECT * FROM events WHERE idx = ?').get(index) as Record<string, unknown>;
    const restore = (): void => {
      const back = new Database(path.join(dir, 'events.sqlite3'));
      try {
        back.prepare('UPDATE events SET data = ?, metadata = ?, leaf_hash = ? WHERE idx = ?').run(row.data, row.metadata, row.leaf_hash, index);
      } finally {
        back.close();
      }
    };
    const data = JSON.parse(String(row.data)) as unknown;
    const metadata = JSON.parse(String(row.metadata)) as Record<string, unknown>;
    let edited = false;
    const walk = (v: unknown): void => {
      if (edited || typeof v !== 'object' || v === null) return;
      for (const [k, x] of Object.entries(v)) {
        if (!edited && typeof x === 'string' && SAFE_KEYS.has(k)) {
          (v as Record<string, unknown>)[k] = `${x} (edited)`;
          edited = true;
        } else walk(x);
      }
    };
    walk(data);
    if (!edited) metadata.correlationId = `${String(metadata.correlationId)}-edited`;
    db.prepare('UPDATE events SET data = ?, metadata = ? WHERE idx = ?').run(JSON.stringify(data), JSON.stringify(metadata), index);
    if (rewriteLeafHash) {
      const leaf = eventLeafHash({
        index: BigInt(index), stream: String(row.stream), revision: BigInt(Number(row.revision)), eventId: String(row.event_id), type: String(row.type),
        schemaVersion: Number(row.schema_version), recordedAt: String(row.recorded_at), data, metadata: metadata as { actor: string; correlationId: string },
      });
      db.prepare('UPDATE events SET leaf_hash = ? WHERE idx = ?').run(leaf, index);
    }
    return restore;
  } finally {
    db.close();
  }
}

t.test('the auditor script verifies every leaf, incrementally, and names an edit at any index', async (t) => {
  const dir = tempDir('palimpsest-audit-script-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { PALIMPSEST_DATA_DIR: dir, PALIMPSEST_ADMIN_TOKEN: TOKEN, PALIMPSEST_DEMO: 'true' };
  let server: ChildServer = track(t, await startServer(env));
  const restart = async (): Promise<void> => {
    await server.kill('SIGTERM');
    server = track(t, await startServer(env));
  };
  const auth = { authorization: `Bearer ${TOKEN}` };
  const keyFile = path.join(dir, 'verifier-key.txt');
  fs.writeFileSync(keyFile, await (await fetch(`${server.url}/log/public-key`, { headers: auth })).text());
  const size = Number((await (await fetch(`${server.url}/log/checkpoint`, { headers: auth })).text()).split('\n')[1]);
  t.ok(size > 10, `the demo store has ${size} events`);

  const saved = path.join(dir, 'checkpoint.txt');
  t.equal((await audit('save', server.url, saved)).code, 0);
  const first = await audit('check', server.url, saved, keyFile);
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, new RegExp(`leaves 0–${size - 1}: ${size} recomputed from their events \\(0 v1, ${size} v2, 0 of them redacted\\)`));
  t.match(first.stdout, /root of the \d+ leaves: the signed root, ok\n/);
  t.match(first.stdout, /\nok\n$/);
  const state = JSON.parse(fs.readFileSync(`${saved}.state`, 'utf8')) as { verifiedUpTo: number };
  t.equal(state.verifiedUpTo, size, 'the index verified up to is kept beside the checkpoint');

  const again = await audit('check', server.url, saved, keyFile);
  t.match(again.stdout, new RegExp(`no new leaves: every leaf below ${size} was verified before`));

  const posted = await fetch(`${server.url}/sources`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ sourceId: 'audit-new', name: 'Audit New', kind: 'other' }),
  });
  t.equal(posted.status, 201);
  const monitor = await audit('monitor', server.url, saved, keyFile, '--interval', '0.2', '--rounds', '2');
  t.equal(monitor.code, 0, monitor.stderr);
  t.match(monitor.stdout, new RegExp(`round 1[^]*leaves ${size}–${size}: 1 recomputed[^]*consistency ${size} → ${size + 1}: ok[^]*round 2[^]*no new leaves`));

  // An auditor who saved a checkpoint but has not verified since: every leaf is checked, so an edit
  // anywhere is found, whichever index it is at.
  const before = path.join(dir, 'checkpoint-before-edits.txt');
  t.equal((await audit('save', server.url, before)).code, 0);
  const total = size + 1;
  const indexes = [0, total - 1, Math.floor(Math.random() * total), Math.floor(Math.random() * total)];
  for (const i of indexes) {
    const restore = editEvent(dir, i);
    fs.rmSync(`${before}.state`, { force: true });
    const caught = await audit('check', server.url, before, keyFile);
    t.equal(caught.code, 1, `edit at index ${i}: the check fails`);
    t.match(caught.stderr, new RegExp(`^audit-log: event ${i} \\(`), `edit at index ${i}: named`);
    const full = await audit('check', server.url, saved, keyFile, '--full');
    t.match(full.stderr, new RegExp(`event ${i} \\(`), '--full verifies again from 0');
    restore();
  }
  fs.rmSync(`${before}.state`, { force: true });
  t.equal((await audit('check', server.url, before, keyFile)).code, 0, 'the restored store verifies again');

  // The event and its stored leaf hash rewritten together: the signed history no longer extends.
  const i = 1 + Math.floor(Math.random() * (total - 2));
  editEvent(dir, i, true);
  fs.rmSync(`${before}.state`, { force: true });
  const both = await audit('check', server.url, before, keyFile);
  t.equal(both.code, 1, 'event and leaf hash rewritten: the check fails');
  t.match(both.stderr, new RegExp(`event ${i} \\(|consistency proof FAILED`));
  // And the server, restarted on that store, refuses to serve it.
  await restart();
  const health = await fetch(`${server.url}/health`);
  t.equal(health.status, 503, 'restarted on the rewritten store, the server says tampered');
});

t.test('a missing or malformed file is one line, not a stack trace', async (t) => {
  const dir = tempDir('palimpsest-audit-files-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const base = 'http://127.0.0.1:9'; // never reached: the files are read first
  const key = path.join(dir, 'key.txt');
  const cp = path.join(dir, 'cp.txt');
  const oneLine = (r: Run, pattern: RegExp): void => {
    t.equal(r.code, 1);
    t.match(r.stderr, pattern);
    t.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.notMatch(r.stderr, /\n\s+at /);
  };
  oneLine(await audit('check', base, cp, key), /^audit-log: cannot read the verifier key file .*ENOENT/);
  fs.writeFileSync(key, 'not a key\n');
  oneLine(await audit('check', base, cp, key), /^audit-log: malformed verifier key/);
  const signer = signingKeyFromSeed(Buffer.alloc(32, 3), 'audit.test/log');
  fs.writeFileSync(key, `${signer.verifierKey}\n`);
  oneLine(await audit('check', base, cp, key), /^audit-log: cannot read the checkpoint file .*ENOENT/);
  fs.writeFileSync(cp, 'garbage');
  oneLine(await audit('check', base, cp, key), /^audit-log: saved checkpoint: malformed note/);
  fs.writeFileSync(cp, signCheckpoint(signer, 0, new MerkleLog().root()));
  fs.writeFileSync(`${cp}.state`, '{"verifiedUpTo": 3, "frontier": []}');
  oneLine(await audit('check', base, cp, key), /^audit-log: state file .* is damaged/);
  fs.writeFileSync(`${cp}.state`, '{not json');
  oneLine(await audit('check', base, cp, key), /^audit-log: state file .* is not JSON/);
  fs.rmSync(`${cp}.state`);
  oneLine(await audit('check', base, cp, key), /^audit-log: \/log\/checkpoint: \S/);
  oneLine(await audit('monitor', base, cp, key, '--interval', 'soon'), /^audit-log: --interval needs a positive number/);
  const usage = await audit('monitor', base, cp, key);
  t.equal(usage.code, 2, 'monitor without --interval is a usage error');
});
