import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import t from 'tap';
import { signCheckpoint } from '../../src/log/checkpoint.ts';
import { signingKeyFromSeed } from '../../src/log/keys.ts';
import { eventLeafHash, leafInput, type LeafInput } from '../../src/log/leaf.ts';
import { leafHashV2, redact, type Opening } from '../../src/log/leaf-v2.ts';
import { MerkleLog } from '../../src/log/merkle.ts';
import { tempDir } from '../http/harness.ts';
import { ROOT } from '../reliability/child-server.ts';

/**
 * The auditor script's own implementation of leaf format v2 (it shares no code with the server),
 * held against the project's: a log of v1, v2 and redacted v2 items, the contract's vector among
 * them at its index 7, served over HTTP on 127.0.0.1 with the routes and shapes of the REST API.
 * Until the server appends v2 events, this is where the script's v2 path meets real items.
 */

const SCRIPT = path.join(ROOT, 'scripts', 'audit-log.mjs');
const key = signingKeyFromSeed(Buffer.alloc(32, 4), 'v2.test/log');

function audit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

type Item = Record<string, unknown>;

function fields(i: number): LeafInput {
  return leafInput({
    index: BigInt(i), stream: `incident-v2-${i % 3}`, revision: BigInt(Math.floor(i / 3)), eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'ClaimRecorded', schemaVersion: 1, recordedAt: '2024-03-26T12:00:00.000Z', metadata: { actor: 'admin', correlationId: `req-${i}` },
    data: { claimId: `c-${i}`, predicate: 'cause', value: `cause ~/ ${i}`, sourceId: 'src', statedAt: '2024-03-26', citation: { title: 'T', quote: `quote ${i}` }, tags: ['a', `b${i}`] },
  });
}

function v2Item(f: LeafInput, opening: Opening, leaf: Buffer): Item {
  const extra = 'seed' in opening ? { seed: opening.seed.toString('base64') } : { salts: opening.salts, redacted: opening.redacted };
  return { ...f, leafVersion: 2, ...extra, position: String(f.index), leafHash: leaf.toString('base64') };
}

/** Twenty claims, the odd ones from 5 on redacted, then one FieldsRedacted event for each erasure (but `unrecorded`). */
function buildLog(unrecorded?: number): { items: Item[]; tree: MerkleLog } {
  const items: Item[] = [];
  const tree = new MerkleLog();
  for (let i = 0; i < 20; i++) {
    let f = fields(i);
    if (i === 7) {
      // The contract's test vector.
      f = { ...f, stream: 'incident-besham-2024', revision: 2, eventId: '5f0c2a9e-3b1d-4e8a-9c7f-1a2b3c4d5e6f', metadata: { actor: 'admin', correlationId: 'req-7' },
        data: { claimId: 'c-witness', predicate: 'deaths', value: { kind: 'exact', value: 6 }, sourceId: 'eyewitness-x', statedAt: '2024-03-26T12:00:00Z',
          citation: { url: 'https://example.org/post/1', quote: 'Testimony of a witness, 14' }, note: 'Contact: witness@example.org' } };
    }
    if (i < 4) {
      const e = { ...f, index: BigInt(i), revision: BigInt(f.revision) };
      const leaf = eventLeafHash(e);
      items.push({ ...f, position: String(i), leafHash: leaf.toString('base64') });
      tree.append(leaf);
      continue;
    }
    const seed = Buffer.alloc(32, i === 7 ? 0x2a : i);
    const leaf = leafHashV2(f, { seed });
    tree.append(leaf);
    if (i % 2 === 0 && i !== 7) {
      items.push(v2Item(f, { seed }, leaf));
      continue;
    }
    const paths = i === 7 ? ['/citation/quote', '/note'] : ['/citation/quote', '/tags/1'];
    const r = redact(f.data, { seed }, paths);
    items.push(v2Item({ ...f, data: r.data }, r, leaf));
  }
  const erasures = items.filter((it) => it.redacted !== undefined && it.index !== unrecorded);
  erasures.forEach((target, k) => {
    const index = items.length;
    const f = leafInput({
      index: BigInt(index), stream: 'redactions', revision: BigInt(k), eventId: `00000000-0000-4000-9000-${String(index).padStart(12, '0')}`, type: 'FieldsRedacted',
      schemaVersion: 1, recordedAt: '2024-03-27T12:00:00.000Z', metadata: { actor: 'admin', correlationId: `req-r${k}` },
      data: { target: { index: target.index, stream: target.stream, revision: target.revision, eventId: target.eventId }, paths: Object.keys(target.redacted as object), reason: 'court order' },
    });
    const seed = Buffer.alloc(32, 100 + k);
    const leaf = leafHashV2(f, { seed });
    tree.append(leaf);
    items.push(v2Item(f, { seed }, leaf));
  });
  if (tree.leafHash(7).toString('base64') !== 's95xoYwiBQFkJhmG/hQP0C/uWNo+pSH7WAKRWvsskqs=') throw new Error('the contract vector is not leaf 7');
  return { items, tree };
}

/** The REST routes an auditor uses; `head` is the size of the current checkpoint (the log may have grown since). */
async function serve(t: { teardown(fn: () => unknown): void }, items: Item[], tree: MerkleLog, head = tree.size): Promise<string> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = (k: string): number => Number(url.searchParams.get(k));
    const json = (o: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
    if (url.pathname === '/log/checkpoint') {
      const size = url.searchParams.has('size') ? q('size') : head;
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(signCheckpoint(key, size, tree.root(size)));
    }
    if (url.pathname === '/events') {
      const from = q('from');
      const page = items.slice(from, from + q('limit'));
      return json({ items: page, nextFrom: from + page.length < items.length ? from + page.length : null });
    }
    if (url.pathname === '/log/proofs/consistency') {
      return json({ from: q('from'), to: q('to'), hashes: tree.consistencyProof(q('from'), q('to')).map((h) => h.toString('base64')) });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

t.test('the script recomputes v1, v2 and redacted v2 leaves, and reports the redacted events', async (t) => {
  const dir = tempDir('palimpsest-audit-v2-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const keyFile = path.join(dir, 'key.txt');
  fs.writeFileSync(keyFile, `${key.verifierKey}\n`);
  const { items, tree } = buildLog();
  const base = await serve(t, items, tree);
  const saved = path.join(dir, 'cp.txt');
  fs.writeFileSync(saved, signCheckpoint(key, 5, tree.root(5)));

  const ok = await audit('check', base, saved, keyFile);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /event 7 \(incident-besham-2024 @2\): redacted \/citation\/quote, \/note; leaf recomputed from the commitments: ok/);
  t.match(ok.stdout, /event 5 \(incident-v2-2 @1\): redacted \/citation\/quote, \/tags\/1/);
  t.match(ok.stdout, /leaves 0–27: 28 recomputed from their events \(4 v1, 24 v2, 8 of them redacted\)/);
  t.match(ok.stdout, /8 redacted events, each erasure recorded by a FieldsRedacted event: ok/);
  t.match(ok.stdout, /consistency 5 → 28: ok/);
  t.notMatch(JSON.stringify(items[7]), /Testimony|witness@/, 'the served item holds no erased value');

  // The FieldsRedacted events appended after the checkpoint the auditor fetched are found too.
  fs.rmSync(`${saved}.state`);
  const grown = await audit('check', await serve(t, items, tree, 22), saved, keyFile);
  t.equal(grown.code, 0, grown.stderr);
  t.match(grown.stdout, /leaves 0–21: 22 recomputed[^]*8 redacted events, each erasure recorded/);

  // An erasure that no FieldsRedacted event records: the proofs hold, the audit trail does not.
  const unrecorded = buildLog(9);
  fs.rmSync(`${saved}.state`);
  const r = await audit('check', await serve(t, unrecorded.items, unrecorded.tree), saved, keyFile);
  t.equal(r.code, 1);
  t.match(r.stderr, /event 9 \(incident-v2-0 @3\): \/citation\/quote, \/tags\/1 erased, but no FieldsRedacted event names them/);
});

t.test('a forged opening or an edited string in a v2 item is caught and named', async (t) => {
  const dir = tempDir('palimpsest-audit-v2-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const keyFile = path.join(dir, 'key.txt');
  fs.writeFileSync(keyFile, `${key.verifierKey}\n`);
  const cases: [string, (items: Item[]) => void, RegExp][] = [
    ['an erased commitment swapped', (items) => void ((items[7]?.redacted as Record<string, string>)['/note'] = Buffer.alloc(32, 1).toString('base64')), /event 7 .*leaf hash .* served, .* recomputed/],
    ['a remaining string edited', (items) => void ((items[6]?.data as { citation: { quote: string } }).citation.quote = 'other'), /event 6 .*recomputed from its fields/],
    ['a salt for a string that is not there', (items) => void ((items[9]?.salts as Record<string, string>)['/invented'] = Buffer.alloc(32).toString('base64')), /event 9 .*cannot be recomputed: a salt for \/invented/],
    ['an unknown leaf version', (items) => void ((items[4] as Item).leafVersion = 3), /event 4 .*unknown leafVersion 3/],
  ];
  for (const [what, tamper, expected] of cases) {
    const { items, tree } = buildLog();
    tamper(items);
    const base = await serve(t, items, tree);
    const saved = path.join(dir, 'cp.txt');
    fs.writeFileSync(saved, signCheckpoint(key, 1, tree.root(1)));
    fs.rmSync(`${saved}.state`, { force: true });
    const r = await audit('check', base, saved, keyFile);
    t.equal(r.code, 1, what);
    t.match(r.stderr, expected, what);
  }

  // A server whose leaf hashes agree with what it serves, but not with the tree it signs: the
  // bisection on signed prefix checkpoints names the event.
  const { items, tree } = buildLog();
  const f = fields(12);
  const forged = leafHashV2({ ...f, data: { ...(f.data as object), value: 'another cause' } }, { seed: Buffer.alloc(32, 12) });
  items[12] = v2Item({ ...f, data: { ...(f.data as object), value: 'another cause' } }, { seed: Buffer.alloc(32, 12) }, forged);
  const base = await serve(t, items, tree);
  const saved = path.join(dir, 'cp.txt');
  fs.rmSync(`${saved}.state`, { force: true });
  const r = await audit('check', base, saved, keyFile);
  t.match(r.stderr, /event 12 \(incident-v2-0 @4\): the log's signed tree does not hold this event as served/);
});
