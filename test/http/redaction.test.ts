/**
 * Redaction end to end (docs/log.md, "Leaf format v2 and redaction"), on a real SQLite store through the HTTP
 * stack and the CLI: after erasing `/citation/quote` and `/note` of a claim, the erased strings are
 * in no answer and in no byte of any file of the data directory, while the claim's other fields, the
 * view's resolution and every proof hold — also after a restart, `verify`, `rebuild` and
 * export → import. The leaves are recomputed by an implementation of the v2 rule written here, from
 * the contract's text, without the project's code.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { openRuntime } from '../../src/cli/runtime.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { ADMIN_TOKEN, fixtures, harness, json, tempDir, testConfig } from './harness.ts';

const BIN = fileURLToPath(new URL('../../bin/palimpsest.js', import.meta.url));
const QUOTE = 'Testimony of Zarmina Q., aged 14';
const NOTE = 'Contact: zarmina.witness@example.org';
const CLI_NOTE = 'Second source phoned Waqar-at-home';
const SECRETS = [QUOTE, NOTE, CLI_NOTE];

function cli(dir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PALIMPSEST_')) env[k] = v;
  Object.assign(env, { PALIMPSEST_DATA_DIR: dir, PALIMPSEST_DEMO: 'false', PALIMPSEST_ADMIN_TOKEN: ADMIN_TOKEN, PALIMPSEST_SQLITE_SYNCHRONOUS: 'NORMAL' });
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

/** The files of `dir` whose bytes hold one of the strings (UTF-8, also as UTF-16 for good measure). */
function filesHolding(dir: string, strings: readonly string[]): string[] {
  return filesUnder(dir).filter((f) => {
    const bytes = fs.readFileSync(f);
    return strings.some((s) => bytes.includes(Buffer.from(s, 'utf8')) || bytes.includes(Buffer.from(s, 'utf16le')));
  });
}

// ---- the v2 rule, from the contract's text alone -------------------------------------------------

/** RFC 8785 for the JSON the log holds (integers, strings, booleans, null, arrays, objects). */
function jcs(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

const ptr = (tokens: readonly (string | number)[]): string => tokens.map((x) => `/${String(x).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** data′ from an /events item: seed → HMAC salts; otherwise the item's salts and redacted commitments. */
function committed(item: Record<string, any>, v: unknown, at: (string | number)[] = []): unknown {
  const p = ptr(at);
  if (typeof v === 'string') {
    const salt = item.seed !== undefined
      ? createHmac('sha256', Buffer.from(item.seed, 'base64')).update(p, 'utf8').digest()
      : Buffer.from(item.salts[p], 'base64');
    return createHash('sha256').update(Buffer.from([2])).update(salt).update(v, 'utf8').digest('base64');
  }
  if (v === null) return item.redacted?.[p] ?? null;
  if (Array.isArray(v)) return v.map((x, i) => committed(item, x, [...at, i]));
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, committed(item, x, [...at, k])]));
  return v;
}

function leafOf(item: Record<string, any>): string {
  const { index, stream, revision, eventId, type, schemaVersion, recordedAt, data, metadata } = item;
  const input = item.leafVersion === 2
    ? { index, stream, revision, eventId, type, schemaVersion, recordedAt, leafVersion: 2, data: committed(item, data), metadata }
    : { index, stream, revision, eventId, type, schemaVersion, recordedAt, data, metadata };
  return createHash('sha256').update(Buffer.from([0])).update(jcs(input), 'utf8').digest('base64');
}

const node = (l: Buffer, r: Buffer): Buffer => createHash('sha256').update(Buffer.from([1])).update(l).update(r).digest();
/** RFC 9162 MTH over base64 leaf hashes. */
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return node(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
/** RFC 9162 §2.1.3.2: the root from a leaf and its inclusion proof. */
function rootFromInclusion(index: number, size: number, leaf: Buffer, proof: Buffer[]): Buffer {
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new Error('proof too long');
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      r = node(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return r;
}
/** RFC 9162 §2.1.4.2: both roots from a consistency proof. */
function rootsFromConsistency(m: number, n: number, oldRoot: Buffer, proof: Buffer[]): [Buffer, Buffer] {
  let p = [...proof];
  if ((m & (m - 1)) === 0) p = [oldRoot, ...p];
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) { fn >>= 1; sn >>= 1; }
  let fr = p[0]!;
  let sr = p[0]!;
  for (const c of p.slice(1)) {
    if (sn === 0) throw new Error('proof too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      sr = node(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return [fr, sr];
}

const b = (s: string): Buffer => Buffer.from(s, 'base64');
const rootOfNote = (note: string): { size: number; root: string } => {
  const [, size, root] = note.split('\n');
  return { size: Number(size), root: root ?? '' };
};

t.test('redacting /citation/quote and /note of a claim erases them everywhere and keeps every proof', async (t) => {
  const h = await harness(t);
  const ok = async (res: Promise<{ statusCode: number; body: string }>, status = 201): Promise<any> => {
    const r = await res;
    t.equal(r.statusCode, status, r.body.slice(0, 300));
    return JSON.parse(r.body);
  };
  await ok(h.post('/sources', fixtures.source('eyewitness-x', { kind: 'other' })));
  await ok(h.post('/sources', fixtures.source('geo-news')));
  await ok(h.post('/incidents', fixtures.incident('besham-2024')));
  const checkpoints: string[] = [];
  const saveCheckpoint = async (): Promise<void> => { checkpoints.push((await h.get('/log/checkpoint')).body); };
  await saveCheckpoint();
  const witness = await ok(h.post('/incidents/besham-2024/claims', fixtures.deaths('c-witness', 'eyewitness-x', { kind: 'exact', value: 6 }, {
    citation: { url: 'https://example.org/post/1', quote: QUOTE }, note: NOTE,
  })));
  await saveCheckpoint();
  const other = await ok(h.post('/incidents/besham-2024/claims', fixtures.deaths('c-geo', 'geo-news', { kind: 'exact', value: 6 }, { note: CLI_NOTE })));
  await saveCheckpoint();
  const target = Number(witness.index);

  // Every v2 item carries its seed before any redaction.
  const before = json(await h.get(`/events?from=${target}&limit=1`)).items[0];
  t.equal(before.leafVersion, 2);
  t.type(before.seed, 'string');
  t.equal(leafOf(before), before.leafHash, 'the v2 leaf recomputed from the contract');

  // Refusals change nothing.
  const editor = h.rt.keys.createEphemeral('ed', 'editor');
  const forbidden = await h.req({ method: 'POST', url: `/events/${target}/redactions`, payload: { paths: ['/note'], reason: 'x' }, as: editor });
  t.equal(forbidden.statusCode, 403);
  const idPath = await h.post(`/events/${target}/redactions`, { paths: ['/note', '/claimId'], reason: 'x' });
  t.equal(idPath.statusCode, 400);
  t.same(json(idPath).errors.map((e: { path: string }) => e.path), ['/paths/1'], 'the 400 names the path at fault');
  t.match(json(idPath).detail, /claimId/);
  for (const bad of ['/predicate', '/statedAt', '/value/kind', '/sourceId', '/nope']) {
    t.equal((await h.post(`/events/${target}/redactions`, { paths: [bad], reason: 'x' })).statusCode, 400, bad);
  }
  t.equal((await h.post('/events/999/redactions', { paths: ['/note'], reason: 'x' })).statusCode, 404);
  t.ok(json(await h.get(`/events?from=${target}&limit=1`)).items[0].seed, 'nothing was erased by a refusal');

  t.not(filesHolding(h.dir, [QUOTE]).length, 0, 'before the redaction the data directory holds the quote (the scan can fail)');
  const redaction = await ok(h.post(`/events/${target}/redactions`, { paths: ['/citation/quote', '/note'], reason: 'court order 17/2024' }));
  t.equal(redaction.target, target);
  t.equal(redaction.stream, 'redactions');
  t.equal((await h.post(`/events/${target}/redactions`, { paths: ['/note'], reason: 'again' })).statusCode, 400, 'already redacted');

  // The redaction event names where, never what.
  const redactionItem = json(await h.get(`/events?from=${redaction.index}&limit=1`)).items[0];
  t.equal(redactionItem.type, 'FieldsRedacted');
  t.same(redactionItem.data, {
    target: { index: target, stream: 'incident-besham-2024', revision: before.revision, eventId: before.eventId },
    paths: ['/citation/quote', '/note'], reason: 'court order 17/2024',
  });

  // The redacted item: no seed, salts for the rest, commitments of the erased, null in data, same leaf.
  const after = json(await h.get(`/events?from=${target}&limit=1`)).items[0];
  t.notOk('seed' in after);
  t.same(Object.keys(after.redacted).sort(), ['/citation/quote', '/note']);
  t.equal(after.data.citation.quote, null);
  t.equal(after.data.note, null);
  t.equal(after.data.citation.url, 'https://example.org/post/1');
  t.equal(after.leafHash, before.leafHash, 'the stored leaf hash is unchanged');
  t.equal(leafOf(after), before.leafHash, 'and the served opening still gives it');

  const checkAnswers = async (label: string): Promise<void> => {
    const claimUrl = '/incidents/besham-2024/claims/c-witness';
    const answers: Record<string, string> = {};
    const urls = [
      '/incidents/besham-2024', '/incidents', '/sources', '/sources/eyewitness-x', '/incidents/besham-2024/history',
      `/incidents/besham-2024?asOf=${encodeURIComponent(new Date().toISOString())}`, '/incidents/besham-2024?knownAt=2024-10-08T23:59:59Z',
      `/incidents/besham-2024?atRevision=${witness.revision}`, `/incidents/besham-2024/history?atRevision=${witness.revision}`,
      claimUrl, `${claimUrl}?knownAt=2024-10-08T23:59:59Z`, '/events?from=0&limit=1000', '/incidents/besham-2024/events', '/changes?from=0',
    ];
    for (const u of urls) {
      const r = await h.get(u);
      t.equal(r.statusCode, 200, `${label} ${u}`);
      answers[u] = r.body;
    }
    answers.ndjson = (await h.get('/events?from=0', { accept: 'application/x-ndjson' })).body;
    for (const [u, body] of Object.entries(answers)) {
      t.notOk(SECRETS.slice(0, 2).some((s) => body.includes(s)), `${label}: ${u} holds no erased value`);
    }
    const view = JSON.parse(answers['/incidents/besham-2024']!);
    const claim = view.facts.deaths.claims.find((c: { claimId: string }) => c.claimId === 'c-witness');
    t.same(view.facts.deaths.value, { kind: 'exact', value: 6 }, `${label}: the resolution holds`);
    t.equal(view.facts.deaths.status, 'corroborated');
    t.same(claim.citation, { url: 'https://example.org/post/1', quote: null, redacted: ['/citation/quote'] }, `${label}: the citation says what was erased`);
    t.equal(claim.note, null);
    t.same(claim.redacted, ['/note']);
    t.equal(claim.sourceId, 'eyewitness-x');
    t.same(claim.value, { kind: 'exact', value: 6 });
    const history = JSON.parse(answers['/incidents/besham-2024/history']!).items;
    const recorded = history.find((e: { index: number }) => e.index === target);
    t.equal(recorded.note, null);
    t.same(recorded.redacted, ['/note']);
    t.same(recorded.citation.redacted, ['/citation/quote']);
    const one = JSON.parse(answers[claimUrl]!);
    t.equal(one.citation.quote, null);

    // Every leaf, recomputed here, gives the tree of every checkpoint saved before the redaction.
    const items = JSON.parse(answers['/events?from=0&limit=1000']!).items as Record<string, any>[];
    for (const it of items) t.equal(leafOf(it), it.leafHash, `${label}: leaf ${it.index} recomputed`);
    const leaves = items.map((it) => b(it.leafHash));
    const now = rootOfNote((await h.get('/log/checkpoint')).body);
    t.equal(mth(leaves).toString('base64'), now.root, `${label}: the served root is the recomputed one`);
    for (const cp of checkpoints) {
      const old = rootOfNote(cp);
      t.equal(mth(leaves.slice(0, old.size)).toString('base64'), old.root, `${label}: checkpoint of size ${old.size} still matches`);
      const proof = json(await h.get(`/log/proofs/consistency?from=${old.size}&to=${now.size}`));
      const [o, n] = rootsFromConsistency(old.size, now.size, b(old.root), proof.hashes.map(b));
      t.ok(o.equals(b(old.root)) && n.equals(b(now.root)), `${label}: consistency ${old.size} → ${now.size}`);
    }
    const inclusion = json(await h.get(`/log/proofs/inclusion?index=${target}&treeSize=${now.size}`));
    t.ok(rootFromInclusion(target, now.size, b(leafOf(after)), inclusion.hashes.map(b)).equals(b(now.root)), `${label}: inclusion of the redacted event`);
  };
  await checkAnswers('after the redaction');

  // The change feed's live stream, over a real socket.
  const address = await h.rt.app.listen({ port: 0, host: '127.0.0.1' });
  const ac = new AbortController();
  const sse = await fetch(`${address}/changes/stream?from=0`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: ac.signal });
  let text = '';
  const reader = sse.body?.getReader();
  const deadline = Date.now() + 5000;
  while (reader !== undefined && !text.includes(`id: ${redaction.index}`) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  ac.abort();
  t.match(text, `id: ${redaction.index}`, 'the SSE stream reached the redaction event');
  t.notOk(SECRETS.slice(0, 2).some((s) => text.includes(s)), 'no SSE message holds an erased value');

  // The dependency-free auditor's script, from a checkpoint saved before the redaction.
  const auditDir = tempDir();
  t.teardown(() => fs.rmSync(auditDir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(auditDir, 'cp.txt'), checkpoints[0]!);
  fs.writeFileSync(path.join(auditDir, 'key.txt'), (await h.get('/log/public-key')).body);
  const script = fileURLToPath(new URL('../../scripts/audit-log.mjs', import.meta.url));
  const audit = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, [script, 'check', address, path.join(auditDir, 'cp.txt'), path.join(auditDir, 'key.txt')],
      { env: { ...process.env, PALIMPSEST_TOKEN: ADMIN_TOKEN }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, out: `${stdout}${stderr}` }));
  });
  t.equal(audit.code, 0, audit.out);
  t.match(audit.out, /redacted events, each erasure recorded by a FieldsRedacted event: ok/);

  // The CLI: redact the other claim's note with the server stopped, then verify, rebuild, export → import.
  await h.rt.close();
  const byCli = cli(h.dir, 'redact', String(other.index), '--path', '/note', '--reason', 'privacy request');
  t.equal(byCli.code, 0, byCli.stderr);
  t.match(JSON.parse(byCli.stdout), { target: Number(other.index), stream: 'redactions' });
  const cliBad = cli(h.dir, 'redact', String(other.index), '--path', '/claimId', '--reason', 'x');
  t.equal(cliBad.code, 1);
  t.match(cliBad.stderr, /400/);
  t.same(filesHolding(h.dir, SECRETS), [], 'no file of the data directory holds an erased value');
  const verify = cli(h.dir, 'verify');
  t.equal(verify.code, 0, verify.stderr);
  const rebuild = cli(h.dir, 'rebuild');
  t.equal(rebuild.code, 0, rebuild.stderr);
  const exportDir = tempDir();
  t.teardown(() => fs.rmSync(exportDir, { recursive: true, force: true }));
  const exportFile = path.join(exportDir, 'log.ndjson');
  const exported = cli(h.dir, 'export', '--out', exportFile);
  t.equal(exported.code, 0, exported.stderr);
  const lines = fs.readFileSync(exportFile, 'utf8').split('\n').filter((l) => l.startsWith('{"index"'));
  for (const l of lines) t.equal(leafOf(JSON.parse(l)), JSON.parse(l).leafHash, 'export line leaf recomputed');
  t.notOk(SECRETS.some((s) => fs.readFileSync(exportFile, 'utf8').includes(s)), 'the export holds no erased value');
  const importDir = path.join(exportDir, 'imported');
  const imported = cli(importDir, 'import', exportFile);
  t.equal(imported.code, 0, imported.stderr);
  t.equal(cli(importDir, 'verify').code, 0);

  // A restart changes nothing.
  await h.restart();
  await checkAnswers('after a restart');
  const geo = json(await h.get('/incidents/besham-2024/claims/c-geo'));
  t.equal(geo.note, null);
  t.same(geo.redacted, ['/note']);
  t.same(filesHolding(h.dir, SECRETS), [], 'still no file holds an erased value');
});

t.test('a v1 event is not redactable (409), while the v2 events beside it are', async (t) => {
  const dir = tempDir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The test hook: a store that appends with the v1 format, as stores written before v2 did.
  const v1 = await openSqliteStore({ file: path.join(dir, 'events.sqlite3'), leafVersion: 1 });
  const old = await openRuntime(testConfig(dir), { store: v1 });
  const first = await old.app.inject({
    method: 'POST', url: '/sources', payload: fixtures.source('old-source', { description: 'written before v2' }),
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
  });
  t.equal(first.statusCode, 201);
  await old.close();

  const h = await harness(t, { dataDir: dir });
  t.equal((await h.post('/sources', fixtures.source('new-source', { description: 'written with v2' }))).statusCode, 201);
  const items = json(await h.get('/events?from=0')).items as Record<string, any>[];
  t.notOk('leafVersion' in items[0]!, 'the v1 item has no leafVersion');
  t.equal(items[1]!.leafVersion, 2);
  for (const it of items) t.equal(leafOf(it), it.leafHash, `leaf ${it.index} recomputed`);
  const refused = await h.post('/events/0/redactions', { paths: ['/description'], reason: 'x' });
  t.equal(refused.statusCode, 409);
  t.equal(json(refused).code, 'not-redactable');
  const once = await h.post('/events/1/redactions', { paths: ['/description'], reason: 'x' }, { 'idempotency-key': 'takedown-1' });
  t.equal(once.statusCode, 201);
  const again = await h.post('/events/1/redactions', { paths: ['/description'], reason: 'x' }, { 'idempotency-key': 'takedown-1' });
  t.equal(again.statusCode, 201, 'a repeat with the same Idempotency-Key gets the original answer');
  t.equal(again.headers['idempotency-replayed'], 'true');
  t.same(json(again), json(once));
  t.equal((await h.post('/events/1/redactions', { paths: ['/name'], reason: 'x' }, { 'idempotency-key': 'takedown-1' })).statusCode, 422, 'the key with another body');
  const keyed = json(await h.get(`/events?from=${json(once).index}&limit=1`)).items[0];
  t.match(keyed.metadata.requestHash, /^[0-9a-f]{64}$/);
  const plain = createHash('sha256').update(`POST /events/1/redactions\n${jcs({ paths: ['/description'], reason: 'x' })}`).digest('hex');
  t.not(keyed.metadata.requestHash, plain, 'the request hash is not a plain hash of the request (an HMAC under the server secret)');
  t.equal(json(await h.get('/sources/new-source')).description, null);
  t.equal(json(await h.get('/sources/old-source')).description, 'written before v2');
});
