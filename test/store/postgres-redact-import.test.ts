/**
 * The PostgreSQL store's leaf format 2, its redaction capability and its import capability, below
 * the HTTP stack, against a real server (the SQLite side: sqlite-redact.test.ts).
 */
import t from 'tap';
import { eventLeafHash } from '../../src/log/leaf.ts';
import { NotRedactable, type ImportedEvent, type NewEvent, type StoredEvent } from '../../src/store/port.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { postgresForTests, sql } from '../support/postgres.ts';
import { caught } from './contract.ts';

const server = await postgresForTests(t, 'PostgreSQL redaction and import tests');

const event = (n: number, data: Record<string, unknown>, type = 'SourceRegistered'): NewEvent => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type, schemaVersion: 1, data,
  metadata: { actor: 'admin', correlationId: `req-${n}` },
});

const exported = (e: StoredEvent): ImportedEvent => ({
  index: e.index, stream: e.stream, revision: e.revision, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion,
  recordedAt: e.recordedAt, data: e.data, metadata: e.metadata, ...(e.leafHash ? { leafHash: e.leafHash } : {}), ...(e.opening ? { opening: e.opening } : {}),
});

if (server !== undefined) {
  t.test('append gives each event a seed and a v2 leaf; redactEvent erases in place, keeps the leaf, and every instance reads it', async (t) => {
    const url = await server.newDatabase('redact');
    const store = await openPostgresStore({ connectionString: url });
    t.teardown(() => store.close());
    const other = await openPostgresStore({ connectionString: url });
    t.teardown(() => other.close());
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
    t.same(result.places, [{ revision: 0n, index: 2n, position: 2n }]);
    for (const [label, s] of [['this instance', store], ['another instance', other]] as const) {
      const [after, , red] = await s.readAll();
      t.equal((after?.data as { description: unknown }).description, null, `${label}: erased`);
      t.ok(after?.opening && 'redacted' in after.opening && Object.keys(after.opening.redacted).includes('/description'), `${label}: its commitment kept`);
      t.ok(after?.leafHash?.equals(a?.leafHash ?? Buffer.alloc(0)), `${label}: the leaf hash column is untouched`);
      t.ok(after && after.leafHash?.equals(eventLeafHash(after)), `${label}: and the redacted row still gives it`);
      t.equal(red?.type, 'FieldsRedacted');
      t.equal(red?.stream, 'redactions');
    }
    const rows = await sql<{ data: string; opening: string }>(url, 'SELECT data::text AS data, opening::text AS opening FROM palimpsest.events WHERE idx = 0');
    t.notOk(JSON.stringify(rows).includes('secret words'), 'the live row holds the value nowhere');
    t.notOk(JSON.stringify(rows).includes('"seed"'), 'nor the seed that would let a guess be checked');

    await t.rejects(store.redactEvent({ target: 0n, paths: ['/description'], stream: 'redactions', event: event(4, {}) }), RangeError, 'already erased');
    await t.rejects(store.redactEvent({ target: 9n, paths: ['/description'], stream: 'redactions', event: event(5, {}) }), RangeError, 'no such index');
    await t.rejects(store.redactEvent({ target: 1n, paths: ['/description'], stream: 'redactions', event: event(6, {}) }), RangeError, 'no such string');
    t.equal(await store.size(), 3n, 'a refused redaction appends nothing');
    t.equal(await other.size(), 3n);
    const [version] = await sql<{ v: number }>(url, 'SELECT max(version) AS v FROM palimpsest.schema_version');
    t.equal(version?.v, 3, 'migration 3 (leaf format 2) applied');
  });

  t.test('export → import reproduces the log on another database; bad batches are refused whole', async (t) => {
    const from = await openPostgresStore({ connectionString: await server.newDatabase('export') });
    t.teardown(() => from.close());
    await from.append('source-a', [event(1, { sourceId: 'a', name: 'A', kind: 'other', description: 'to erase' })]);
    await from.append('source-b', [event(2, { sourceId: 'b', name: 'B', kind: 'other' }), event(3, { n: 1 }, 'Tested')]);
    await from.redactEvent({ target: 0n, paths: ['/description'], stream: 'redactions', event: { ...event(4, { target: { index: 0 } }), type: 'FieldsRedacted' } });
    const log = await from.readAll();
    t.equal(log.length, 4);

    const url = await server.newDatabase('import');
    const to = await openPostgresStore({ connectionString: url });
    t.teardown(() => to.close());
    const lines = log.map(exported);
    const refused = async (label: string, batch: ImportedEvent[], message: RegExp): Promise<void> => {
      t.match(String(await caught(to.importEvents(batch))), message, label);
      t.equal(await to.size(), 0n, `${label}: nothing written`);
    };
    await refused('a gap', [lines[1]!], /continues at index 0/);
    await refused('a wrong revision', [{ ...lines[0]!, revision: 1n }], /continues at revision 0/);
    await refused('a changed value', [lines[0]!, { ...lines[1]!, data: { sourceId: 'b', name: 'X', kind: 'other' } }], /differs from recomputed/);
    await refused('recordedAt going back', [lines[0]!, { ...lines[1]!, recordedAt: '2000-01-01T00:00:00.000Z', leafHash: undefined } as ImportedEvent], /before the previous/);
    await refused('a NUL in a stream name', [{ ...lines[0]!, stream: 'a\u0000b' }], /NUL/);

    await to.importEvents(lines.slice(0, 2));
    await t.rejects(to.importEvents(lines.slice(0, 2)), /already stored/, 'a batch imported twice is refused');
    await to.importEvents(lines.slice(2));
    const back = await to.readAll();
    t.same(back.map(exported), lines, 'every field, leaf hash and opening as exported');
    const instance = await openPostgresStore({ connectionString: url });
    t.teardown(() => instance.close());
    t.equal(await instance.size(), 4n, 'the head moved with the import, for every instance');
    const next = await to.append('source-b', [event(9, { n: 2 }, 'Tested')], { expected: 1n });
    t.equal(next.index, 4n, 'appends continue the imported log');
    const [appended] = await to.readAll({ from: 4n });
    t.ok(appended !== undefined && appended.recordedAt >= (lines[3]?.recordedAt ?? ''), 'recordedAt keeps from decreasing');
  });

  t.test('an imported v1 event is refused with NotRedactable and keeps its v1 leaf', async (t) => {
    const from = await openPostgresStore({ connectionString: await server.newDatabase('v1src') });
    t.teardown(() => from.close());
    await from.append('source-a', [event(1, { sourceId: 'a', name: 'A', kind: 'other', description: 'old' })]);
    const [e] = await from.readAll();
    if (e === undefined) throw new Error('nothing read');
    // As a store from before leaf format 2 holds it: no opening, the v1 leaf.
    const { opening: _opening, leafHash: _leaf, position: _position, ...v1 } = e;
    const store = await openPostgresStore({ connectionString: await server.newDatabase('v1') });
    t.teardown(() => store.close());
    await store.importEvents([{ ...v1, leafHash: eventLeafHash(v1) }]);
    const [stored] = await store.readAll();
    t.equal(stored?.opening, undefined);
    t.ok(stored && stored.leafHash?.equals(eventLeafHash(stored)), 'the v1 leaf still verifies');
    await t.rejects(store.redactEvent({ target: 0n, paths: ['/description'], stream: 'redactions', event: event(2, {}) }), NotRedactable);
    t.equal(await store.size(), 1n);
  });
}
