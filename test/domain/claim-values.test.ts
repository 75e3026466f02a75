import t from 'tap';
import { checkClaimValue } from '../../src/domain/claim-values.ts';
import type { PredicateName, Qualifiers } from '../../src/domain/predicates.ts';

const paths = (predicate: PredicateName, value: unknown, qualifiers?: Qualifiers): string[] =>
  checkClaimValue(predicate, qualifiers, value).map((p) => p.path);

t.test('values that fit their predicate', async (t) => {
  const fits: [PredicateName, unknown][] = [
    ['deaths', { kind: 'exact', value: 0 }], ['deaths', { kind: 'atLeast', value: 7 }], ['injuries', { kind: 'range', min: 0, max: 1 }],
    ['arrests', { kind: 'exact', value: Number.MAX_SAFE_INTEGER }],
    ['cause', 'vehicle-borne IED'], ['target', 'x'.repeat(500)],
    ['occurredAt', { start: '2024', precision: 'year' }], ['occurredAt', { start: '2024-10', end: '2024-11', precision: 'month' }],
    ['occurredAt', { start: '2024-10-07T14:30:00+03:00', precision: 'hour', approximate: true }],
    ['location', { name: 'Kabul', country: 'AF' }],
    ['responsibility', { actor: 'IS-K', stance: 'denied' }], ['perpetrator', { name: 'X' }],
  ];
  for (const [predicate, value] of fits) t.strictSame(checkClaimValue(predicate, undefined, value), [], `${predicate} ${JSON.stringify(value)}`);
});

t.test('every predicate accepts unknown and none, and nothing else beside kind', async (t) => {
  for (const predicate of ['deaths', 'injuries', 'arrests', 'cause', 'target', 'occurredAt', 'location', 'responsibility', 'perpetrator'] as const) {
    t.strictSame(paths(predicate, { kind: 'unknown' }), [], `${predicate} unknown`);
    t.strictSame(paths(predicate, { kind: 'none' }), [], `${predicate} none`);
    t.strictSame(paths(predicate, { kind: 'none', value: 0 }), ['/value/value'], `${predicate} none with a stray field`);
  }
});

t.test('counts', async (t) => {
  t.strictSame(paths('deaths', { kind: 'exact', value: -1 }), ['/value/value']);
  t.strictSame(paths('deaths', { kind: 'exact', value: 2.5 }), ['/value/value']);
  t.strictSame(paths('deaths', { kind: 'range', min: 3, max: 3 }), ['/value'], 'range needs min < max');
  t.strictSame(paths('deaths', { kind: 'range', min: 1 }), ['/value/max']);
  const [kind] = checkClaimValue('deaths', undefined, { kind: 'approx', value: 3 });
  t.equal(kind?.path, '/value/kind');
  t.match(kind?.message, /'exact'.*'atLeast'.*'range'.*'unknown'.*'none'/, 'names every kind a count may have');
  t.strictSame(paths('deaths', 3), ['/value']);
  t.strictSame(paths('deaths', 'three'), ['/value']);
});

t.test('texts', async (t) => {
  t.strictSame(paths('cause', ''), ['/value']);
  t.strictSame(paths('cause', '   '), ['/value'], 'blank after trimming');
  t.strictSame(paths('target', 'x'.repeat(501)), ['/value']);
  t.strictSame(paths('cause', { kind: 'exact', value: 1 }), ['/value/kind']);
  t.strictSame(paths('cause', 42), ['/value']);
});

t.test('time values and places', async (t) => {
  t.strictSame(paths('occurredAt', { start: '2024-10', precision: 'day' }), ['/value/start']);
  t.strictSame(paths('occurredAt', { start: '2024-10-07', precision: 'minute' }), ['/value/start', '/value/start'], 'wrong format and too coarse');
  t.strictSame(paths('occurredAt', { start: '2024-02-30', precision: 'day' }), ['/value/start']);
  t.strictSame(paths('occurredAt', { start: '2024', precision: 'decade' }), ['/value/precision']);
  t.strictSame(paths('location', { name: 'Kabul', country: 'af' }), ['/value/country']);
  t.strictSame(paths('location', { name: 'Kabul', country: 'AF', lat: 34.5 }), ['/value/lat'], 'a place has no coordinates');
});

t.test('responsibility and perpetrator', async (t) => {
  t.strictSame(paths('responsibility', { actor: 'IS-K', stance: 'boasted' }), ['/value/stance']);
  t.strictSame(paths('responsibility', { actor: ' ', stance: 'claimed' }), ['/value/actor']);
  t.strictSame(paths('responsibility', { actor: 'IS-K' }), ['/value/stance']);
  t.strictSame(paths('perpetrator', { name: 'X', role: '' }), ['/value/role']);
  t.strictSame(paths('perpetrator', { actor: 'X' }).sort(), ['/value/actor', '/value/name']);
});

t.test('qualifiers', async (t) => {
  t.strictSame(paths('deaths', { kind: 'exact', value: 1 }, { group: 'civilians', nationality: 'CN' }), []);
  t.strictSame(paths('deaths', { kind: 'exact', value: 1 }, {}), []);
  t.strictSame(paths('deaths', { kind: 'exact', value: 1 }, { group: 'children' }), ['/qualifiers/group']);
  t.strictSame(paths('deaths', { kind: 'exact', value: 1 }, { nationality: 'China' }), ['/qualifiers/nationality']);
  t.strictSame(paths('deaths', { kind: 'exact', value: 1 }, { age: 'adult' }), ['/qualifiers/age']);
  t.strictSame(paths('cause', 'bomb', { group: 'all' }), ['/qualifiers/group'], 'texts take no qualifiers');
  t.strictSame(paths('responsibility', { actor: 'A', stance: 'claimed' }, { country: 'AF' }), ['/qualifiers/country']);
  t.strictSame(paths('deaths', { kind: 'exact', value: 1 }, { 'a/b~c': 'x' }), ['/qualifiers/a~1b~0c'], 'JSON Pointer escaping');
});

t.test('value and qualifier problems are reported together', async (t) => {
  t.strictSame(paths('injuries', { kind: 'exact', value: -3 }, { group: 'nobody' }), ['/value/value', '/qualifiers/group']);
});
