/** The SQLite store's leaf format 2 and its redaction capability, below the HTTP stack. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { eventLeafHash } from '../../src/log/leaf.ts';
import { LeafV2Error, servedOpening } from '../../src/log/leaf-v2.ts';
import { NotRedactable, type NewEvent } from '../../src/store/port.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { tempDir } from '../http/harness.ts';

const event = (n: number, data: Record<string, unknown>): NewEvent => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type: 'SourceRegistered', schemaVersion: 1, data,
  metadata: { actor: 'admin', correlationId: `req-${n}` },
});

t.test('append gives each event a seed and a v2 leaf; redactEvent erases in place and keeps the leaf', async (t) => {
  const dir = tempDir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.sqlite3');
  const store = await openSqliteStore({ file });
  await store.append('source-a', [event(1, { sourceId: 'a', name: 'A', kind: 'other', description: 'secret words' })]);
  await store.append('source-b', [event(2, { sourceId: 'b', name: 'B', kind: 'other' })]);
  const [a, b] = await store.readAll();
  const seedOf = (o: unknown): Buffer | undefined => (typeof o === 'object' && o !== null && 'seed' in o && Buffer.isBuffer(o.seed) ? o.seed : undefined);
  t.equal(seedOf(a?.opening)?.length, 32, 'a 32-byte seed');
  t.notOk(seedOf(a?.opening)?.equals(seedOf(b?.opening) ?? Buffer.alloc(0)), 'each event its own seed');
  t.ok(a && a.leafHash?.equals(eventLeafHash(a)), 'the stored leaf is the v2 leaf');

  const result = await store.redactEvent({
    target: 0n, paths: ['/description'], stream: 'redactions',
    event: { ...event(3, { target: { index: 0 }, paths: ['/description'], reason: 'x' }), type: 'FieldsRedacted' },
  });
  t.equal(result.index, 2n);
  const [after, , red] = await store.readAll();
  t.equal((after?.data as { description: unknown }).description, null);
  t.ok(after?.opening && 'redacted' in after.opening && Object.keys(after.opening.redacted).includes('/description'));
  t.ok(after?.leafHash?.equals(a?.leafHash ?? Buffer.alloc(0)), 'the leaf hash column is untouched');
  t.ok(after && after.leafHash?.equals(eventLeafHash(after)), 'and the redacted row still gives it');
  t.equal(red?.type, 'FieldsRedacted');
  t.equal(red?.stream, 'redactions');
  await t.rejects(store.redactEvent({ target: 0n, paths: ['/description'], stream: 'redactions', event: event(4, {}) }), RangeError, 'already erased');
  t.equal(await store.size(), 3n, 'a refused redaction appends nothing');
  t.equal(fs.statSync(`${file}-wal`).size, 0, 'the WAL is truncated');
  await store.close();
  t.notOk(fs.readFileSync(file).includes(Buffer.from('secret words')), 'the database file no longer holds the value');
  const raw = new Database(file, { readonly: true });
  t.ok((raw.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number }).v >= 2, 'migration 2 applied');
  raw.close();
});

t.test('a v1 event (the test hook) is refused with NotRedactable and keeps its v1 leaf', async (t) => {
  const dir = tempDir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.sqlite3');
  const v1 = await openSqliteStore({ file, leafVersion: 1 });
  await v1.append('source-a', [event(1, { sourceId: 'a', name: 'A', kind: 'other', description: 'old' })]);
  await v1.close();
  const store = await openSqliteStore({ file });
  const [e] = await store.readAll();
  t.equal(e?.opening, undefined);
  t.ok(e && e.leafHash?.equals(eventLeafHash(e)), 'the v1 leaf still verifies');
  await t.rejects(store.redactEvent({ target: 0n, paths: ['/description'], stream: 'redactions', event: event(2, {}) }), NotRedactable);
  t.equal(await store.size(), 1n);
  await store.close();
});

t.test('a seed read back is the seed stored, checked when it is read', async (t) => {
  const dir = tempDir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.sqlite3');
  const store = await openSqliteStore({ file });
  await store.append('source-a', [event(1, { sourceId: 'a', name: 'A', kind: 'other' })]);
  await store.append('source-b', [event(2, { sourceId: 'b', name: 'B', kind: 'other' })]);
  const db = new Database(file);
  t.teardown(() => db.close());
  const texts = db.prepare('SELECT opening FROM events ORDER BY idx').pluck().all() as string[];
  const read = await store.readAll();
  t.strictSame(read.map((e) => e.opening && servedOpening(e.opening)), texts.map((x) => JSON.parse(x) as unknown), 'the served opening is the column');
  t.ok(read.every((e) => e.leafHash?.equals(eventLeafHash(e))), 'and it gives the stored leaf');
  // A seed of the right length that is not canonical base64 (bits past the 32 bytes set).
  db.prepare('UPDATE events SET opening = ? WHERE idx = 1').run(JSON.stringify({ leafVersion: 2, seed: `${'A'.repeat(42)}B=` }));
  db.prepare('UPDATE events SET opening = ? WHERE idx = 0').run(JSON.stringify({ seed: 'x', leafVersion: 2 }));
  await t.rejects(store.readAll(), LeafV2Error, 'another form of the column is parsed and checked with the row');
  const [bad] = await store.readAll({ from: 1n });
  t.throws(() => bad && eventLeafHash(bad), LeafV2Error, 'a malformed seed fails where it is read');
  await store.close();
});
