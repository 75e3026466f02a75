import t from 'tap';
import { EVENT_SCHEMAS, type EventType } from '../../src/domain/events.ts';
import { parseIncidentEvent, parseSourceEvent, StoredEventError, upcast } from '../../src/domain/upcast.ts';

const claim = { claimId: 'c-1', predicate: 'deaths', value: { kind: 'exact', value: 3 }, sourceId: 'reuters', statedAt: '2024-10-07' };

t.test('version 1 reads as itself, for every type', async (t) => {
  for (const type of Object.keys(EVENT_SCHEMAS) as EventType[]) {
    const data = { any: 'thing' };
    t.strictSame(upcast(type, 1, data), { type, data }, type);
  }
});

t.test('unknown types and unreadable versions throw', async (t) => {
  t.throws(() => upcast('ClaimInvented', 1, {}), StoredEventError);
  t.throws(() => upcast('ClaimRecorded', 2, claim), { message: /newer/ });
  t.throws(() => upcast('ClaimRecorded', 0, claim), StoredEventError);
  t.throws(() => upcast('ClaimRecorded', 1.5, claim), StoredEventError);
  t.throws(() => upcast('toString', 1, {}), StoredEventError, 'inherited names are not event types');
});

t.test('parseIncidentEvent upcasts and checks the data', async (t) => {
  t.strictSame(parseIncidentEvent({ type: 'ClaimRecorded', schemaVersion: 1, data: claim }), { type: 'ClaimRecorded', data: claim });
  t.throws(() => parseIncidentEvent({ type: 'ClaimRecorded', schemaVersion: 1, data: { ...claim, statedAt: 'yesterday' } }), { message: /statedAt/ });
  t.throws(() => parseIncidentEvent({ type: 'ClaimRecorded', schemaVersion: 1, data: { ...claim, extra: 1 } }), StoredEventError);
  t.throws(() => parseIncidentEvent({ type: 'SourceRegistered', schemaVersion: 1, data: { sourceId: 'afp', name: 'AFP', kind: 'news-outlet' } }), {
    message: /incident stream/,
  });
});

t.test('parseSourceEvent upcasts and checks the data', async (t) => {
  const data = { sourceId: 'afp', name: 'AFP', kind: 'news-outlet' };
  t.strictSame(parseSourceEvent({ type: 'SourceRegistered', schemaVersion: 1, data }), { type: 'SourceRegistered', data });
  t.throws(() => parseSourceEvent({ type: 'ClaimRecorded', schemaVersion: 1, data: claim }), { message: /source stream/ });
  t.throws(() => parseSourceEvent({ type: 'SourceRegistered', schemaVersion: 1, data: { ...data, kind: 'blog' } }), StoredEventError);
});
