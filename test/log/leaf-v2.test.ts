import t from 'tap';
import { eventLeafHash, type LeafInput } from '../../src/log/leaf.ts';
import {
  commitmentOf, committedData, leafHashV2, LeafV2Error, newSeed, openingOfItem, parsePointer, pointerOf, redact, redactedPaths, saltOf, servedOpening, stringsOf,
} from '../../src/log/leaf-v2.ts';
import { redactionPathProblems } from '../../src/log/redactable-paths.ts';

const b64 = (b: Buffer): string => b.toString('base64');

// The contract's v2 test vector (docs/log.md).
const witness: LeafInput = {
  index: 7,
  stream: 'incident-besham-2024',
  revision: 2,
  eventId: '5f0c2a9e-3b1d-4e8a-9c7f-1a2b3c4d5e6f',
  type: 'ClaimRecorded',
  schemaVersion: 1,
  recordedAt: '2024-03-26T12:00:00.000Z',
  metadata: { actor: 'admin', correlationId: 'req-7' },
  data: {
    claimId: 'c-witness', predicate: 'deaths', value: { kind: 'exact', value: 6 }, sourceId: 'eyewitness-x', statedAt: '2024-03-26T12:00:00Z',
    citation: { url: 'https://example.org/post/1', quote: 'Testimony of a witness, 14' }, note: 'Contact: witness@example.org',
  },
};
const seed42 = Buffer.alloc(32, 0x2a);

t.test('the contract vector: salt, commitments, leaf hash before and after redacting both strings', async (t) => {
  const salt = saltOf(seed42, '/citation/quote');
  t.equal(b64(salt), 'J4K+VwpkVGjW9rYk6mVRoEXen9AET+16dsJcSluo9ds=');
  t.equal(b64(commitmentOf(salt, 'Testimony of a witness, 14')), 'QY0pui8RIWIj4S0g37nLNWrlEQkomj2y0+wq9MUTKiU=');
  t.equal(b64(commitmentOf(saltOf(seed42, '/note'), 'Contact: witness@example.org')), 'WgSczCc7SgOpnDUl+me4cN0X5s75eYzq5Ki5lmF8UzY=');
  const leaf = 's95xoYwiBQFkJhmG/hQP0C/uWNo+pSH7WAKRWvsskqs=';
  t.equal(b64(leafHashV2(witness, { seed: seed42 })), leaf);

  const r = redact(witness.data, { seed: seed42 }, ['/citation/quote', '/note']);
  t.same(r.redacted, { '/citation/quote': 'QY0pui8RIWIj4S0g37nLNWrlEQkomj2y0+wq9MUTKiU=', '/note': 'WgSczCc7SgOpnDUl+me4cN0X5s75eYzq5Ki5lmF8UzY=' });
  t.same(Object.keys(r.salts).sort(), ['/citation/url', '/claimId', '/predicate', '/sourceId', '/statedAt', '/value/kind']);
  t.equal(r.salts['/claimId'], b64(saltOf(seed42, '/claimId')));
  t.match(r.data, { citation: { url: 'https://example.org/post/1', quote: null }, note: null, value: { kind: 'exact', value: 6 } });
  t.notMatch(JSON.stringify(r), /Testimony|witness@/, 'the erased strings are gone');
  t.notOk('seed' in r, 'no seed after a redaction');
  t.equal(b64(leafHashV2({ ...witness, data: r.data }, r)), leaf, 'the leaf is unchanged by the redaction');
  t.same(redactedPaths(r), ['/citation/quote', '/note']);

  // Redacting one, then the other, ends where redacting both at once does.
  const first = redact(witness.data, { seed: seed42 }, ['/note']);
  const second = redact(first.data, first, ['/citation/quote']);
  t.same(second, r);
  t.equal(b64(leafHashV2({ ...witness, data: second.data }, second)), leaf);
});

t.test('the v1 vector is unchanged', async (t) => {
  const e = {
    index: 0n, stream: 'source-geo-news', revision: 0n, eventId: '0b6c1f3e-7d2a-4c55-9e1b-2f8a6d4c3b10', type: 'SourceRegistered', schemaVersion: 1,
    recordedAt: '2024-10-07T09:15:00.000Z', data: { country: 'PK', kind: 'news-outlet', name: 'Geo News', sourceId: 'geo-news' },
    metadata: { actor: 'admin', correlationId: 'req-1' },
  };
  t.equal(b64(eventLeafHash(e)), 'jFmD9FQikig7SSCK5XneZpj/qfVJqu25aTkq+7KrcqA=');
});

// Our own golden vector, also written into docs/log.md: strings in arrays, '~' and '/' in
// keys, an empty string, and a null that is not a redaction. Its data is shaped to exercise the
// rules, not a valid domain event: the leaf format is defined over any JSON data.
const vector: LeafInput = {
  index: 12,
  stream: 'incident-vector',
  revision: 3,
  eventId: '00000000-0000-4000-8000-00000000000c',
  type: 'TestVector',
  schemaVersion: 1,
  recordedAt: '2025-01-02T03:04:05.006Z',
  metadata: { actor: 'editor-1', correlationId: 'req-12' },
  data: { claimId: 'c-vector0001', quotes: ['first ~ quote', { by: 'A. Person', n: 2 }], 'a/b': { 'm~n': 'slash and tilde', empty: '', flag: true, none: null }, count: 3 },
};
const seed0to31 = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const GOLDEN_LEAF = 'u9TbInWlbMH3zRYTh3DNeEw3wKBqLYF7w7lceZXUR1I=';
const GOLDEN_SALTS: Record<string, [string, string]> = {
  '/claimId': ['KDLwhmQaUofehYm/bdCTEqZOfyeDaZmxdoY6R2bwIV8=', 'NJVL5ukMt90h8uWj+nbtsPo13C+p/BfNedq9mZdfRDY='],
  '/quotes/0': ['NssM/A+++RFejeMmi3mCSPalH7C1ODWCiHW4JpQ/OUY=', 'NFFIWtmWbh8+DJT8ldLseUdctEMW3QbF8z1ReH0CX1g='],
  '/quotes/1/by': ['15dAx2Fz5vk+QcJf7CSJb0UGeXlehFciUf3JIimM5vE=', 'aYKYv0pN2qhr7jRBWfQ6tfJQC5x+OLxYyhnzYrrJ8bc='],
  '/a~1b/m~0n': ['GDJcWyJq0mRL79FEWvNiOBkoCUzAAN4PNyJp00A+IiU=', 'snoP5vR74doTsYB8IByzQOG3/GMSFL5R4vlykZnZM+w='],
  '/a~1b/empty': ['BXEdn+en/WoByY1C1gmcDr23NBEHZpIxwlLn0fldXyI=', 'FoE5hpvg8EJVh1YYs7S0GU+CKXm6SngzcYKiTyT7nIA='],
};

t.test('golden vector: nested strings, escaped pointers, before and after redacting one path', async (t) => {
  const strings = stringsOf(vector.data);
  t.same(strings.map((s) => s.pointer), Object.keys(GOLDEN_SALTS));
  for (const { pointer, value } of strings) {
    const [salt, commitment] = GOLDEN_SALTS[pointer] ?? ['', ''];
    t.equal(b64(saltOf(seed0to31, pointer)), salt, `salt of ${pointer}`);
    t.equal(b64(commitmentOf(saltOf(seed0to31, pointer), value)), commitment, `commitment of ${pointer}`);
  }
  t.match(committedData(vector.data, { seed: seed0to31 }), { 'a/b': { flag: true, none: null }, count: 3, quotes: [GOLDEN_SALTS['/quotes/0']?.[1], { n: 2 }] });
  t.equal(b64(leafHashV2(vector, { seed: seed0to31 })), GOLDEN_LEAF);

  const r = redact(vector.data, { seed: seed0to31 }, ['/a~1b/m~0n']);
  t.same(r, {
    data: { claimId: 'c-vector0001', quotes: ['first ~ quote', { by: 'A. Person', n: 2 }], 'a/b': { 'm~n': null, empty: '', flag: true, none: null }, count: 3 },
    salts: {
      '/claimId': GOLDEN_SALTS['/claimId']?.[0], '/quotes/0': GOLDEN_SALTS['/quotes/0']?.[0],
      '/quotes/1/by': GOLDEN_SALTS['/quotes/1/by']?.[0], '/a~1b/empty': GOLDEN_SALTS['/a~1b/empty']?.[0],
    },
    redacted: { '/a~1b/m~0n': 'snoP5vR74doTsYB8IByzQOG3/GMSFL5R4vlykZnZM+w=' },
  });
  t.equal(b64(leafHashV2({ ...vector, data: r.data }, r)), GOLDEN_LEAF);

  // A string inside an array can be erased too, and the leaf still holds.
  const inArray = redact(vector.data, { seed: seed0to31 }, ['/quotes/0']);
  t.equal((inArray.data as { quotes: unknown[] }).quotes[0], null);
  t.equal(b64(leafHashV2({ ...vector, data: inArray.data }, inArray)), GOLDEN_LEAF);
});

t.test('tampering with a redacted item changes the leaf or is refused', async (t) => {
  const r = redact(vector.data, { seed: seed0to31 }, ['/a~1b/m~0n']);
  const leaf = (data: unknown, salts = r.salts, redacted = r.redacted): string => b64(leafHashV2({ ...vector, data }, { salts, redacted }));
  const edited = structuredClone(r.data) as { claimId: string; count: number };
  edited.claimId = 'c-vector0002';
  t.not(leaf(edited), GOLDEN_LEAF, 'an edited remaining string changes the leaf');
  const other = { ...r.redacted, '/a~1b/m~0n': b64(commitmentOf(Buffer.alloc(32), 'another value')) };
  t.not(leaf(r.data, r.salts, other), GOLDEN_LEAF, 'a swapped commitment changes the leaf');
  t.throws(() => leaf(r.data, { ...r.salts, '/nowhere': r.salts['/claimId'] ?? '' }), { code: 'malformed-opening' }, 'a salt for no string');
  t.throws(() => leaf(r.data, r.salts, { ...r.redacted, '/count': r.redacted['/a~1b/m~0n'] ?? '' }), { code: 'malformed-opening' }, 'a redaction of a non-null');
  const { ['/claimId']: _gone, ...fewer } = r.salts;
  t.throws(() => leaf(r.data, fewer), { code: 'malformed-opening' }, 'a string without its salt');
  t.throws(() => leaf(r.data, { ...r.salts, '/claimId': 'AAAA' }), { code: 'malformed-opening' }, 'a short salt');
  // Claiming a real null was redacted cannot pass either: the commitment would have to be in the leaf.
  t.not(leaf(r.data, r.salts, { ...r.redacted, '/a~1b/none': r.redacted['/a~1b/m~0n'] ?? '' }), GOLDEN_LEAF);
  t.throws(() => redact(vector.data, { seed: seed0to31 }, ['/count']), { code: 'not-a-string' });
  t.throws(() => redact(vector.data, { seed: seed0to31 }, ['/missing']), { code: 'not-a-string' });
  t.throws(() => committedData({ x: Number.NaN }, { seed: seed0to31 }), { code: 'not-json' });
});

t.test('seeds and pointers', async (t) => {
  const a = newSeed();
  t.equal(a.length, 32);
  t.notSame(a, newSeed(), 'random');
  t.throws(() => saltOf(Buffer.alloc(16), '/x'), LeafV2Error);
  t.equal(pointerOf(['a/b', 'm~n', 0]), '/a~1b/m~0n/0');
  t.same(parsePointer('/a~1b/m~0n/0'), ['a/b', 'm~n', '0']);
  t.same(parsePointer('/~01'), ['~1'], 'unescaping ~1 before ~0 would give /');
  t.same(parsePointer(''), []);
  t.throws(() => parsePointer('note'), { code: 'malformed-pointer' });
  t.throws(() => parsePointer('/a~2'), { code: 'malformed-pointer' });
});

t.test('which paths may be redacted, by event type and field', async (t) => {
  const claim = witness.data as Record<string, unknown>;
  const only = (type: string, data: unknown, paths: string[]): string[] => redactionPathProblems(type, data, paths).map((p) => p.message);
  t.same(only('ClaimRecorded', claim, ['/citation/quote', '/note', '/citation/url']), []);
  for (const [path, why] of [
    ['/claimId', /id/], ['/sourceId', /id/], ['/predicate', /predicate/], ['/statedAt', /time/], ['/value/kind', /enumeration/],
    ['/value/value', /not a string/], ['/value', /not a string/], ['/citation/missing', /not in the event/], ['', /whole of data/],
    ['note', /JSON Pointer/],
  ] as const) {
    t.match(only('ClaimRecorded', claim, [path]), [why], path || '(root)');
  }
  t.match(only('ClaimRecorded', { ...claim, qualifiers: { group: 'civilians' } }, ['/qualifiers/group']), [/qualifiers/]);
  t.match(only('ClaimRecorded', { ...claim, mode: 'interview' }, ['/mode']), [/enumeration/]);
  t.match(only('ClaimRecorded', claim, ['/note', '/note']), [/twice/]);
  t.match(redactionPathProblems('ClaimRecorded', claim, ['/note', '/claimId']), [{ index: 1, path: '/claimId' }]);
  t.match(redactionPathProblems('ClaimRecorded', { ...claim, note: null }, ['/note'], ['/note']), [{ message: /already redacted/ }]);
  t.match(only('ClaimRecorded', claim, []), [/at least one/]);
  t.match(only('FieldsRedacted', { reason: 'court order' }, ['/reason']), [/cannot be redacted/]);

  // The same field name, decided by the type: a retraction's reason is free text, a rank's is not.
  t.same(only('ClaimRetracted', { claimId: 'c-1', statedAt: '2024-01-01', reason: 'the witness asked' }, ['/reason']), []);
  t.match(only('ClaimRanked', { claimId: 'c-1', rank: 'deprecated', reason: 'superseded' }, ['/reason']), [/enumeration/]);
  t.match(only('ClaimCorrected', { claimId: 'c-1', changes: { sourceId: 'x' }, reason: 'misattributed' }, ['/changes/sourceId']), [/id/]);

  // Values: a text claim and a perpetrator's name are free text; a time value and a stance are not.
  t.same(only('ClaimRecorded', { ...claim, predicate: 'cause', value: 'a named person' }, ['/value']), []);
  t.same(only('ClaimRevised', { claimId: 'c-1', value: { name: 'A. Suspect', role: 'driver' }, statedAt: '2024-01-01' }, ['/value/name', '/value/role']), []);
  t.match(only('ClaimRecorded', { ...claim, predicate: 'responsibility', value: { actor: 'Group X', stance: 'claimed' } }, ['/value/stance']), [/enumeration/]);
  t.same(only('ClaimRecorded', { ...claim, predicate: 'responsibility', value: { actor: 'Group X', stance: 'claimed' } }, ['/value/actor']), []);
  t.match(only('ClaimRecorded', { ...claim, predicate: 'occurredAt', value: { start: '2024-03-26', precision: 'day' } }, ['/value/start']), [/time/]);
  t.same(only('ClaimRecorded', { ...claim, predicate: 'location', value: { name: 'A house', country: 'PK' } }, ['/value/name']), []);
  t.match(only('ClaimRecorded', { ...claim, predicate: 'location', value: { name: 'A house', country: 'PK' } }, ['/value/country']), [/enumeration/]);

  // Incidents and sources.
  const incident = { incidentId: 'besham', title: 'Besham attack', occurredAt: { start: '2024-03-26', precision: 'day' }, location: { name: 'Besham', country: 'PK' }, category: 'bombing', tags: ['convoy'] };
  t.same(only('IncidentRegistered', incident, ['/title', '/location/name', '/tags/0']), []);
  t.match(only('IncidentRegistered', incident, ['/category']), [/enumeration/]);
  t.match(only('IncidentRegistered', incident, ['/occurredAt/start']), [/time/]);
  t.match(only('IncidentRegistered', incident, ['/incidentId']), [/id/]);
  t.same(only('IncidentAmended', { changes: { summary: 'names a witness' }, reason: 'new detail' }, ['/changes/summary', '/reason']), []);
  t.match(only('SourceRegistered', { sourceId: 'x-1', name: 'A blogger', kind: 'other', url: 'https://example.org' }, ['/kind']), [/enumeration/]);
  t.same(only('SourceRegistered', { sourceId: 'x-1', name: 'A blogger', kind: 'other', url: 'https://example.org' }, ['/name', '/url']), []);
  t.match(only('ClaimRecorded', { ...claim, citation: { title: 'T', publishedAt: '2024-01-01' } }, ['/citation/publishedAt']), [/time/]);
});

t.test('the served form of an opening round-trips, and a malformed one is refused', async (t) => {
  const whole = servedOpening({ seed: seed42 }) as { leafVersion: 2; seed: string };
  t.same(whole, { leafVersion: 2, seed: seed42.toString('base64') });
  t.same(openingOfItem({ ...witness, ...whole }), { seed: seed42 });
  const r = redact(witness.data, { seed: seed42 }, ['/note']);
  const item = { ...witness, data: r.data, ...servedOpening(r) };
  const opening = openingOfItem(item);
  t.ok(opening && b64(leafHashV2({ ...witness, data: r.data }, opening)) === 's95xoYwiBQFkJhmG/hQP0C/uWNo+pSH7WAKRWvsskqs=');
  t.equal(openingOfItem({ ...witness }), undefined, 'v1');
  t.equal(openingOfItem({ ...witness, leafVersion: 1 }), undefined, 'v1, said so');
  for (const bad of [
    { leafVersion: 3 }, { leafVersion: 2 }, { leafVersion: 2, seed: 'AAAA' }, { leafVersion: 2, seed: whole.seed, salts: {} },
    { leafVersion: 2, salts: { '/x': 1 }, redacted: {} }, { seed: whole.seed },
  ]) {
    t.throws(() => openingOfItem({ ...witness, ...bad }), { code: 'malformed-opening' }, JSON.stringify(bad));
  }
});

t.test('a key named __proto__ is committed like any other', async (t) => {
  const data = JSON.parse('{"__proto__": {"x": "secret"}, "y": "z"}') as unknown;
  t.same(stringsOf(data).map((s) => s.pointer), ['/__proto__/x', '/y']);
  const committed = committedData(data, { seed: seed42 }) as Record<string, unknown>;
  t.ok(Object.hasOwn(committed, '__proto__'), 'kept as an own key');
  const r = redact(data, { seed: seed42 }, ['/__proto__/x']);
  t.equal(b64(leafHashV2({ ...vector, data: r.data }, r)), b64(leafHashV2({ ...vector, data }, { seed: seed42 })));
});
