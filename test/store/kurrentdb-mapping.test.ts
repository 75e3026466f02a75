/**
 * The KurrentDB adapter's translations, checked without a server: they use the client's own
 * constants and error classes, so a client upgrade that changes them fails here.
 */
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  EVENT_TYPE,
  STREAM_NAME,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  AccessDeniedError,
} from '@kurrent/kurrentdb-client';
import type { Position } from '@kurrent/kurrentdb-client';
import t from 'tap';
import { canonicalLeaf, leafHashOf, leafInput } from '../../src/log/leaf.ts';
import { LogIndex } from '../../src/store/kurrentdb/log-index.ts';
import {
  MalformedEvent,
  PALIMPSEST_STREAM_PREFIXES,
  STREAM_PREFIXES_PARAM,
  comparePositions,
  decodeMetadata,
  encodeMetadata,
  isPalimpsestEvent,
  isStreamNotFound,
  nextRecordedAt,
  palimpsestFilter,
  parseStoreUrl,
  positionToBigint,
  recordedAtOf,
  toActualRevision,
  toEventData,
  toPortError,
  toStoredEvent,
  toStreamState,
  withStreamPrefixes,
} from '../../src/store/kurrentdb/mapping.ts';
import { StoreUnavailable, StreamNotFound, WrongExpectedVersion, type NewEvent } from '../../src/store/port.ts';

const pos = (commit: bigint, prepare = commit): Position => ({ commit, prepare });

t.test('expected revision → the client streamState', async (t) => {
  t.equal(toStreamState(undefined), ANY, 'no expected revision is any');
  t.equal(toStreamState('any'), ANY);
  t.equal(toStreamState('no_stream'), NO_STREAM);
  t.equal(toStreamState('stream_exists'), STREAM_EXISTS);
  t.equal(toStreamState(0n), 0n);
  t.equal(toStreamState(41n), 41n);
  t.throws(() => toStreamState(-1n), RangeError, 'a negative revision is refused before it reaches the server');
});

t.test('the client current state → the port actual revision', async (t) => {
  t.equal(toActualRevision(NO_STREAM), 'no_stream');
  t.equal(toActualRevision(0n), 0n);
  t.equal(toActualRevision(7n), 7n);
  t.equal(toActualRevision(-5n), 'no_stream', 'deleted stream');
  t.equal(toActualRevision(-6n), 'no_stream', 'tombstoned stream');
});

t.test('client errors → port errors', async (t) => {
  const wev = new WrongExpectedVersionError(undefined, { streamName: 'incident-a', expected: 3n, current: 5n });
  const mapped = toPortError(wev, 'incident-a', 3n);
  t.ok(mapped instanceof WrongExpectedVersion);
  if (mapped instanceof WrongExpectedVersion) {
    t.equal(mapped.stream, 'incident-a');
    t.equal(mapped.expected, 3n);
    t.equal(mapped.actual, 5n);
  }

  const missing = toPortError(new WrongExpectedVersionError(undefined, { streamName: 's', expected: STREAM_EXISTS, current: NO_STREAM }), 'source-x', 'stream_exists');
  t.ok(missing instanceof WrongExpectedVersion);
  if (missing instanceof WrongExpectedVersion) {
    t.equal(missing.expected, 'stream_exists', 'the port spelling of what the caller asked');
    t.equal(missing.actual, 'no_stream');
    t.equal(missing.stream, 'source-x', 'the port stream name, not the client one');
  }

  const exists = toPortError(new WrongExpectedVersionError(undefined, { streamName: 's', expected: NO_STREAM, current: 1n }), 's', 'no_stream');
  t.ok(exists instanceof WrongExpectedVersion && exists.actual === 1n && exists.expected === 'no_stream');

  const nf = toPortError(new StreamNotFoundError(undefined, 'incident-b'), 'incident-b');
  t.ok(nf instanceof StreamNotFound);
  if (nf instanceof StreamNotFound) t.equal(nf.stream, 'incident-b');
  t.ok(isStreamNotFound(new StreamNotFoundError(undefined, 'x')));
  t.notOk(isStreamNotFound(new Error('x')));

  const down = new UnavailableError(undefined, 'connection refused');
  const unavailable = toPortError(down, '$all');
  t.ok(unavailable instanceof StoreUnavailable, 'unreachable server → StoreUnavailable');
  if (unavailable instanceof StoreUnavailable) t.equal(unavailable.cause, down, 'keeps the client error as cause');

  const denied = new AccessDeniedError(undefined, 'no');
  t.equal(toPortError(denied, 's'), denied, 'a refused request is not unavailability: passed through');
  const other = new TypeError('bug');
  t.equal(toPortError(other, 's'), other, 'unknown errors pass through unchanged');
});

const fullMetadata = { actor: 'editor-1', correlationId: 'req-9', causationId: 'req-8', idempotencyKey: 'k-1', requestHash: 'abc' };

t.test('metadata encode: our fields plus schemaVersion and recordedAt, absent ones omitted', async (t) => {
  t.same(encodeMetadata({ actor: 'admin', correlationId: 'req-1' }, 1, '2024-10-07T09:15:00.000Z'), {
    actor: 'admin', correlationId: 'req-1', schemaVersion: 1, recordedAt: '2024-10-07T09:15:00.000Z',
  });
  const encoded = encodeMetadata({ ...fullMetadata, causationId: undefined }, 2, '2024-10-07T09:15:00.000Z');
  t.notOk('causationId' in encoded, 'undefined optional fields are left out, never stored');
  t.same(encodeMetadata(fullMetadata, 3, '2024-10-07T09:15:00.000Z'), { ...fullMetadata, schemaVersion: 3, recordedAt: '2024-10-07T09:15:00.000Z' });
  t.throws(() => encodeMetadata(fullMetadata, 0, '2024-10-07T09:15:00.000Z'), RangeError);
  t.throws(() => encodeMetadata(fullMetadata, 1.5, '2024-10-07T09:15:00.000Z'), RangeError);
  t.throws(() => encodeMetadata(fullMetadata, 1, '2024-10-07T09:15:00Z'), RangeError, 'recordedAt has milliseconds');
});

t.test('metadata decode: round trip, strict shape, unknown keys dropped', async (t) => {
  const stored = encodeMetadata(fullMetadata, 4, '2025-01-02T03:04:05.678Z');
  // What the client hands back is JSON.parse of what it sent.
  const back = decodeMetadata(JSON.parse(JSON.stringify(stored)), 'incident-a@0');
  t.same(back, { metadata: fullMetadata, schemaVersion: 4, recordedAt: '2025-01-02T03:04:05.678Z' });

  const extra = decodeMetadata({ ...stored, $correlationId: 'x', other: 1 }, 'w');
  t.same(Object.keys(extra.metadata).sort(), Object.keys(fullMetadata).sort(), 'only the port metadata fields reach the leaf');

  const minimal = decodeMetadata({ actor: 'a', correlationId: 'c', schemaVersion: 1, recordedAt: '2025-01-02T03:04:05.678Z' }, 'w');
  t.same(minimal.metadata, { actor: 'a', correlationId: 'c' });
  t.notOk('causationId' in minimal.metadata);

  const bad: unknown[] = [
    undefined,
    'text',
    [1],
    new Uint8Array([1, 2]),
    { correlationId: 'c', schemaVersion: 1, recordedAt: '2025-01-02T03:04:05.678Z' },
    { actor: 'a', schemaVersion: 1, recordedAt: '2025-01-02T03:04:05.678Z' },
    { actor: 'a', correlationId: 'c', recordedAt: '2025-01-02T03:04:05.678Z' },
    { actor: 'a', correlationId: 'c', schemaVersion: 0, recordedAt: '2025-01-02T03:04:05.678Z' },
    { actor: 'a', correlationId: 'c', schemaVersion: '1', recordedAt: '2025-01-02T03:04:05.678Z' },
    { actor: 'a', correlationId: 'c', schemaVersion: 1 },
    { actor: 'a', correlationId: 'c', schemaVersion: 1, recordedAt: 'yesterday' },
    { actor: 'a', correlationId: 'c', schemaVersion: 1, recordedAt: '2025-01-02T03:04:05.678Z', causationId: 7 },
    { actor: 'a', correlationId: 'c', schemaVersion: 1, recordedAt: '2025-01-02T03:04:05.678Z', idempotencyKey: null },
  ];
  for (const raw of bad) t.throws(() => decodeMetadata(raw, 'incident-a@3'), MalformedEvent, JSON.stringify(raw) ?? String(raw));

  t.equal(recordedAtOf(stored), '2025-01-02T03:04:05.678Z');
  t.equal(recordedAtOf({ recordedAt: 'soon' }), undefined);
  t.equal(recordedAtOf(undefined), undefined);
});

t.test('recordedAt never goes back', async (t) => {
  const now = new Date('2025-03-01T12:00:00.000Z');
  t.equal(nextRecordedAt(now, undefined), '2025-03-01T12:00:00.000Z');
  t.equal(nextRecordedAt(now, '2025-03-01T11:59:59.999Z'), '2025-03-01T12:00:00.000Z', 'the clock when it is later');
  t.equal(nextRecordedAt(now, '2025-03-01T12:00:00.500Z'), '2025-03-01T12:00:00.500Z', 'the last value when the clock is behind');
  t.equal(nextRecordedAt(now, '2025-03-01T12:00:00.000Z'), '2025-03-01T12:00:00.000Z', 'equal is allowed (never decreasing, not increasing)');
});

t.test('new event → client EventData', async (t) => {
  const e: NewEvent = {
    eventId: '0b6c1f3e-7d2a-4c55-9e1b-2f8a6d4c3b10',
    type: 'SourceRegistered',
    schemaVersion: 1,
    data: { sourceId: 'geo-news', name: 'Geo News', kind: 'news-outlet', country: 'PK' },
    metadata: { actor: 'admin', correlationId: 'req-1' },
  };
  const d = toEventData(e, '2024-10-07T09:15:00.000Z');
  t.equal(d.id, e.eventId, 'our event id is the KurrentDB event id, which the server deduplicates on');
  t.equal(d.type, 'SourceRegistered');
  t.equal(d.contentType, 'application/json');
  t.same(d.data, e.data);
  t.same(d.metadata, { actor: 'admin', correlationId: 'req-1', schemaVersion: 1, recordedAt: '2024-10-07T09:15:00.000Z' });
  t.throws(() => toEventData({ ...e, data: 42 }, '2024-10-07T09:15:00.000Z'), TypeError, 'data must be JSON object, array or string');
  t.throws(() => toEventData({ ...e, data: null }, '2024-10-07T09:15:00.000Z'), TypeError);
});

t.test('positions', async (t) => {
  t.equal(positionToBigint(pos(1234n, 1200n)), 1234n, 'the commit position');
  t.equal(comparePositions(pos(5n), pos(5n)), 0);
  t.equal(comparePositions(pos(4n), pos(5n)), -1);
  t.equal(comparePositions(pos(6n), pos(5n)), 1);
  t.equal(comparePositions(pos(5n, 1n), pos(5n, 2n)), -1, 'same commit (one transaction): prepare decides');
  t.equal(comparePositions(pos(5n, 3n), pos(5n, 2n)), 1);
  const big = 2n ** 63n + 7n;
  t.equal(positionToBigint(pos(big)), big, 'no precision lost beyond 2^53');
});

t.test('which $all events are Palimpsest events', async (t) => {
  t.same(PALIMPSEST_STREAM_PREFIXES, ['incident-', 'source-']);
  t.ok(isPalimpsestEvent('incident-2024-islamabad-abc123', 'ClaimRecorded'));
  t.ok(isPalimpsestEvent('source-geo-news', 'SourceRegistered'));
  t.notOk(isPalimpsestEvent('incident-x', '$streamDeleted'), 'a tombstone in our stream is a system event');
  t.notOk(isPalimpsestEvent('incident-x', '$metadata'));
  t.notOk(isPalimpsestEvent('$$incident-x', '$metadata'), 'metastream');
  t.notOk(isPalimpsestEvent('$ce-incident', '$>'), 'category link stream');
  t.notOk(isPalimpsestEvent('$stats-127.0.0.1:2113', '$statsCollected'));
  t.notOk(isPalimpsestEvent('$scavenges', '$scavengeStarted'));
  t.notOk(isPalimpsestEvent('orders-1', 'OrderPlaced'), 'another application on the same server');
  t.notOk(isPalimpsestEvent('incidents-1', 'X'), 'a prefix is matched with its dash');
  t.notOk(isPalimpsestEvent('incident-', 'X'), 'the prefix alone is not a stream of ours');
  t.ok(isPalimpsestEvent('contract-a-1', 'T', ['contract-']));
  t.notOk(isPalimpsestEvent('incident-a', 'T', ['contract-']));

  const filter = palimpsestFilter();
  t.equal(filter.filterOn, STREAM_NAME, 'the server filters on stream name');
  t.not(filter.filterOn, EVENT_TYPE);
  t.same('prefixes' in filter ? filter.prefixes : undefined, ['incident-', 'source-']);
  t.ok(filter.checkpointInterval > 0, 'the client refuses a zero interval');
  const wide = palimpsestFilter(['contract-']);
  t.same('prefixes' in wide ? wide.prefixes : undefined, ['contract-']);
});

t.test('connection string: our prefix parameter is read and removed', async (t) => {
  t.same(parseStoreUrl('kurrentdb://127.0.0.1:2113?tls=false'), { clientUrl: 'kurrentdb://127.0.0.1:2113?tls=false', prefixes: PALIMPSEST_STREAM_PREFIXES });
  t.same(parseStoreUrl('kurrentdb://127.0.0.1:2113'), { clientUrl: 'kurrentdb://127.0.0.1:2113', prefixes: PALIMPSEST_STREAM_PREFIXES });
  const cluster = 'kurrentdb://admin:changeit@n1:2113,n2:2113,n3:2113?tls=true&tlsCAFile=/certs/ca/ca.crt';
  const parsed = parseStoreUrl(`${cluster}&${STREAM_PREFIXES_PARAM}=incident-,source-,contract-`);
  t.equal(parsed.clientUrl, cluster, "the client's own parameters are passed on byte for byte");
  t.same(parsed.prefixes, ['incident-', 'source-', 'contract-']);
  t.same(parseStoreUrl(`kurrentdb://h:2113?${STREAM_PREFIXES_PARAM}=a-`), { clientUrl: 'kurrentdb://h:2113', prefixes: ['a-'] });
  t.throws(() => parseStoreUrl(`kurrentdb://h:2113?${STREAM_PREFIXES_PARAM}=`), TypeError);
  t.throws(() => parseStoreUrl(`kurrentdb://h:2113?${STREAM_PREFIXES_PARAM}=noDash`), TypeError);
  t.throws(() => parseStoreUrl(`kurrentdb://h:2113?${STREAM_PREFIXES_PARAM}=$all-`), TypeError, 'never a system prefix');

  const built = withStreamPrefixes('kurrentdb://127.0.0.1:2113?tls=false', ['contract-']);
  t.same(parseStoreUrl(built), { clientUrl: 'kurrentdb://127.0.0.1:2113?tls=false', prefixes: ['contract-'] });
  t.same(parseStoreUrl(withStreamPrefixes(built, ['x-'])).prefixes, ['x-'], 'setting it twice replaces it');
  t.same(parseStoreUrl(withStreamPrefixes('kurrentdb://h:1', ['x-'])), { clientUrl: 'kurrentdb://h:1', prefixes: ['x-'] });
});

t.test('recorded event → StoredEvent, and its leaf', async (t) => {
  // The docs/log.md test vector, as KurrentDB would hand it back.
  const recorded = {
    streamId: 'source-geo-news',
    id: '0B6C1F3E-7D2A-4C55-9E1B-2F8A6D4C3B10',
    revision: 0n,
    type: 'SourceRegistered',
    isJson: true,
    data: { sourceId: 'geo-news', name: 'Geo News', kind: 'news-outlet', country: 'PK' },
    metadata: { actor: 'admin', correlationId: 'req-1', schemaVersion: 1, recordedAt: '2024-10-07T09:15:00.000Z' },
    created: new Date('2030-01-01T00:00:00Z'),
  };
  const stored = toStoredEvent(recorded, 0n, pos(98765n, 98700n));
  t.same(stored, {
    stream: 'source-geo-news',
    revision: 0n,
    eventId: '0b6c1f3e-7d2a-4c55-9e1b-2f8a6d4c3b10',
    type: 'SourceRegistered',
    schemaVersion: 1,
    recordedAt: '2024-10-07T09:15:00.000Z',
    data: recorded.data,
    metadata: { actor: 'admin', correlationId: 'req-1' },
    index: 0n,
    position: 98765n,
  });
  t.notOk('leafHash' in stored, 'this store keeps no leaf hash; the log computes it');
  t.equal(
    leafHashOf(canonicalLeaf(leafInput(stored))).toString('base64'),
    'jFmD9FQikig7SSCK5XneZpj/qfVJqu25aTkq+7KrcqA=',
    'the docs/log.md leaf vector: recordedAt from our metadata, not KurrentDB created',
  );
  t.throws(() => toStoredEvent({ ...recorded, isJson: false }, 0n, pos(1n)), MalformedEvent, 'a binary event is not ours');
  t.throws(() => toStoredEvent({ ...recorded, metadata: undefined }, 0n, pos(1n)), MalformedEvent);
});

t.test('a v2 event carries its opening in the metadata, outside the leaf\'s metadata', async (t) => {
  const seed = Buffer.alloc(32, 0x2a);
  const e = {
    eventId: '5f0c2a9e-3b1d-4e8a-9c7f-1a2b3c4d5e6f', type: 'SourceRegistered', schemaVersion: 1,
    data: { sourceId: 'x', name: 'X', kind: 'other' }, metadata: { actor: 'admin', correlationId: 'req-7' },
  };
  const d = toEventData(e, '2024-03-26T12:00:00.000Z', { seed });
  t.same((d.metadata as Record<string, unknown>).leafOpening, { leafVersion: 2, seed: seed.toString('base64') });
  const stored = toStoredEvent({
    streamId: 'source-x', id: e.eventId, revision: 0n, type: e.type, isJson: true, data: e.data,
    metadata: d.metadata,
  }, 0n, pos(1n));
  t.same(stored.metadata, e.metadata, 'the leaf commits to the port\'s metadata only');
  t.ok(stored.opening && 'seed' in stored.opening && stored.opening.seed.equals(seed), 'the seed comes back');
  t.throws(() => toStoredEvent({
    streamId: 'source-x', id: e.eventId, revision: 0n, type: e.type, isJson: true, data: e.data,
    metadata: { ...(d.metadata as Record<string, unknown>), leafOpening: { leafVersion: 2, seed: 'short' } },
  }, 0n, pos(1n)), MalformedEvent, 'a malformed opening is not ours');
});

t.test('index map: dense, in $all order, resumable reads do not repeat', async (t) => {
  const idx = new LogIndex();
  t.equal(idx.size, 0n);
  t.equal(idx.last, undefined);
  t.equal(idx.push('a', pos(10n)), 0n);
  t.equal(idx.push('b', pos(20n, 15n)), 1n);
  t.equal(idx.push('c', pos(20n, 18n)), 2n, 'same commit, later prepare: the next event of one transaction');
  t.equal(idx.push('c', pos(20n, 18n)), undefined, 'the event a resumed read starts on is refused');
  t.equal(idx.push('x', pos(15n)), undefined, 'an earlier position is refused');
  t.equal(idx.size, 3n);
  t.equal(idx.indexOf('b'), 1n);
  t.equal(idx.indexOf('x'), undefined);
  t.same(idx.at(2n), { eventId: 'c', position: pos(20n, 18n) });
  t.equal(idx.at(3n), undefined);
  t.equal(idx.at(-1n), undefined);
  t.same(idx.last, { eventId: 'c', position: pos(20n, 18n) });
  t.throws(() => idx.push('a', pos(30n)), /twice/, 'one id at two positions would make index ambiguous');
});
