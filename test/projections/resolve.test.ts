import t from 'tap';
import { agreedCount, resolveFact, resolvePerpetrator, resolveResponsibility, resolveSingle } from '../../projections/resolve.ts';
import { atLeast, claim, exact, NONE, range, UNKNOWN } from './helpers.ts';

t.test('candidates exclude retracted, voided and deprecated claims', async (t) => {
  const r = resolveSingle('deaths', [
    claim(exact(3)),
    claim(exact(9), { status: 'retracted' }),
    claim(exact(10), { status: 'voided' }),
    claim(exact(11), { rank: 'deprecated' }),
  ]);
  t.same(r, { status: 'reported', value: exact(3) });
});

t.test('rule 1: a preferred candidate wins over disagreeing ones', async (t) => {
  const r = resolveSingle('deaths', [claim(exact(3)), claim(exact(5), { rank: 'preferred' }), claim(exact(7))]);
  t.same(r, { status: 'preferred', value: exact(5), agreement: 'disputed', range: { min: 3, max: 7 }, conservative: 3 }, 'the dispute stays visible beside the judgement');
});

t.test('rule 1: a preferred fact carries the agreement its candidates give without the rank', async (t) => {
  t.same(resolveSingle('deaths', [claim(exact(5)), claim(exact(5), { rank: 'preferred' })]), { status: 'preferred', value: exact(5), agreement: 'corroborated' });
  t.same(resolveSingle('deaths', [claim(exact(5), { rank: 'preferred', sourceId: 'a' }), claim(atLeast(2), { sourceId: 'a' })]), { status: 'preferred', value: exact(5), agreement: 'reported' });
  t.same(resolveSingle('cause', [claim('car bomb', { rank: 'preferred' }), claim('gas cylinder')]), { status: 'preferred', value: 'car bomb', agreement: 'disputed' }, 'a disputed text has no range');
});

t.test('rule 1: several preferred that agree → preferred with their intersection', async (t) => {
  const r = resolveSingle('deaths', [claim(atLeast(4), { rank: 'preferred' }), claim(range(2, 6), { rank: 'preferred' })]);
  t.same(r, { status: 'preferred', value: range(4, 6), agreement: 'corroborated' });
});

t.test('rule 1: several preferred that disagree → disputed, range over the preferred', async (t) => {
  const r = resolveSingle('deaths', [claim(exact(100)), claim(exact(3), { rank: 'preferred' }), claim(exact(5), { rank: 'preferred' })]);
  t.same(r, { status: 'disputed', value: null, range: { min: 3, max: 5 }, conservative: 3 });
});

t.test('a deprecated preferred claim is not a candidate', async (t) => {
  const r = resolveSingle('deaths', [claim(exact(3)), claim(exact(5), { rank: 'deprecated' })]);
  t.equal(r.status, 'reported');
});

t.test('rule 2: claims but no candidates → withdrawn, value null', async (t) => {
  t.same(resolveSingle('deaths', [claim(exact(3), { status: 'retracted' }), claim(exact(4), { rank: 'deprecated' })]), {
    status: 'withdrawn',
    value: null,
  });
  t.same(resolveSingle('cause', [claim('car bomb', { status: 'voided' })]), { status: 'withdrawn', value: null });
});

t.test('rule 3: agreement from one source → reported, from two → corroborated', async (t) => {
  t.same(resolveSingle('deaths', [claim(exact(3), { sourceId: 'a' }), claim(exact(3), { sourceId: 'a' })]), { status: 'reported', value: exact(3) });
  t.same(resolveSingle('deaths', [claim(exact(3), { sourceId: 'a' }), claim(exact(3), { sourceId: 'b' })]), {
    status: 'corroborated',
    value: exact(3),
  });
});

t.test('counts agree when their intervals share a point; the value is the intersection', async (t) => {
  t.same(agreedCount([exact(3), atLeast(2)]), exact(3));
  t.same(agreedCount([atLeast(2), atLeast(5)]), atLeast(5));
  t.same(agreedCount([range(2, 10), atLeast(4)]), range(4, 10));
  t.same(agreedCount([range(2, 5), range(5, 9)]), exact(5));
  t.same(agreedCount([range(2, 5), range(3, 9), exact(4)]), exact(4));
  t.equal(agreedCount([range(2, 4), range(5, 9)]), undefined);
  t.equal(agreedCount([exact(3), atLeast(4)]), undefined);
  t.same(resolveSingle('injuries', [claim(range(10, 20)), claim(atLeast(15))]), { status: 'corroborated', value: range(15, 20) });
});

t.test('none disagrees with every other value, even exact 0', async (t) => {
  t.equal(agreedCount([NONE, exact(0)]), undefined);
  t.same(agreedCount([NONE, NONE]), NONE);
  t.same(resolveSingle('arrests', [claim(NONE), claim(exact(0))]), { status: 'disputed', value: null, range: { min: 0, max: 0 }, conservative: 0 });
  t.same(resolveSingle('cause', [claim(NONE), claim('car bomb')]), { status: 'disputed', value: null });
});

t.test('rule 4: a disputed count gives range (lowest lower bound, highest figure) and conservative', async (t) => {
  const r = resolveSingle('deaths', [claim(exact(12)), claim(atLeast(20)), claim(range(5, 8))]);
  t.same(r, { status: 'disputed', value: null, range: { min: 5, max: 20, maxOpen: true }, conservative: 5 }, 'the highest figure is an "at least"');
  t.same(resolveSingle('deaths', [claim(exact(4)), claim(atLeast(6)), claim(exact(6))]).range, { min: 4, max: 6, maxOpen: true });
  t.same(resolveSingle('deaths', [claim(atLeast(4)), claim(exact(3)), claim(exact(6))]).range, { min: 3, max: 6 }, 'an exact top figure closes the range');
});

t.test('a disputed text has no range', async (t) => {
  const r = resolveSingle('cause', [claim('car bomb'), claim('suicide vest')]);
  t.same(r, { status: 'disputed', value: null });
  t.notOk('range' in r);
});

t.test('unknown is ignored beside known values', async (t) => {
  t.same(resolveSingle('deaths', [claim(UNKNOWN), claim(exact(4), { sourceId: 'x' }), claim(exact(4), { sourceId: 'x' })]), {
    status: 'reported',
    value: exact(4),
  });
  t.same(resolveSingle('deaths', [claim(UNKNOWN), claim(exact(4)), claim(exact(5))]).status, 'disputed');
});

t.test('only unknowns → value unknown, status by sources (or preferred)', async (t) => {
  t.same(resolveSingle('deaths', [claim(UNKNOWN, { sourceId: 'a' })]), { status: 'reported', value: UNKNOWN });
  t.same(resolveSingle('deaths', [claim(UNKNOWN, { sourceId: 'a' }), claim(UNKNOWN, { sourceId: 'b' })]), { status: 'corroborated', value: UNKNOWN });
  t.same(resolveSingle('deaths', [claim(UNKNOWN, { rank: 'preferred' })]), { status: 'preferred', value: UNKNOWN, agreement: 'reported' });
});

t.test('texts agree after trim, NFKC and lower-case; the earliest-stated spelling is shown', async (t) => {
  const r = resolveSingle('cause', [
    claim('  CAR BOMB ', { statedAt: '2024-10-08' }),
    claim('Car bomb', { statedAt: '2024-10-07T08:00:00Z' }),
    claim('ｃａｒ bomb', { statedAt: '2024-10-09T08:00:00Z' }),
  ]);
  t.same(r, { status: 'corroborated', value: 'Car bomb' });
  t.equal(resolveSingle('cause', [claim('car bomb'), claim('car-bomb')]).status, 'disputed');
});

t.test('a date-only statedAt counts as the end of its day when picking the earliest spelling', async (t) => {
  const r = resolveSingle('target', [claim('Market', { statedAt: '2024-10-07' }), claim('MARKET', { statedAt: '2024-10-07T20:00:00Z' })]);
  t.same(r.value, 'MARKET');
});

t.test('time values agree when precision and instants are equal', async (t) => {
  const a = { start: '2024-10-07T14:00:00Z', precision: 'hour' as const };
  const b = { start: '2024-10-07T16:00+02:00', precision: 'hour' as const, approximate: true };
  t.equal(resolveSingle('occurredAt', [claim(a), claim(b)]).status, 'corroborated');
  const c = { start: '2024-10-07', precision: 'day' as const };
  t.equal(resolveSingle('occurredAt', [claim(a), claim(c)]).status, 'disputed');
  const d = { start: '2024-10-07T14:00:00Z', end: '2024-10-07T15:00:00Z', precision: 'hour' as const };
  t.equal(resolveSingle('occurredAt', [claim(a), claim(d)]).status, 'disputed');
});

t.test('places agree after folding names, with the same country', async (t) => {
  const r = resolveSingle('location', [
    claim({ name: 'Karachi ', country: 'PK' }, { statedAt: '2024-10-06' }),
    claim({ name: 'karachi', country: 'PK' }),
  ]);
  t.same(r, { status: 'corroborated', value: { name: 'Karachi ', country: 'PK' } });
  t.equal(resolveSingle('location', [claim({ name: 'Karachi', country: 'PK' }), claim({ name: 'Karachi', country: 'IN' })]).status, 'disputed');
  t.equal(
    resolveSingle('location', [claim({ name: 'Karachi', country: 'PK' }), claim({ name: 'Karachi', region: 'Sindh', country: 'PK' })]).status,
    'disputed',
  );
});

t.test('responsibility: one actor claimed by two sources', async (t) => {
  const r = resolveResponsibility([
    claim({ actor: 'TTP', stance: 'claimed' }, { claimId: 'c1', sourceId: 'a', statedAt: '2024-10-07T09:00:00Z' }),
    claim({ actor: 'ttp', stance: 'claimed' }, { claimId: 'c2', sourceId: 'b' }),
  ]);
  t.same(r, {
    status: 'corroborated',
    claimed: true,
    competingClaims: false,
    denied: [],
    actors: [{ actor: 'TTP', stances: ['claimed'], status: 'corroborated', claims: ['c1', 'c2'] }],
  });
});

t.test('responsibility: competing claims → disputed', async (t) => {
  const r = resolveResponsibility([claim({ actor: 'TTP', stance: 'claimed' }), claim({ actor: 'ISKP', stance: 'claimed' })]);
  t.equal(r.status, 'disputed');
  t.equal(r.competingClaims, true);
  t.equal(r.claimed, true);
  t.same(r.actors.map((a) => a.status), ['reported', 'reported']);
});

t.test('responsibility: an actor with differing stances is disputed, and denied lists it', async (t) => {
  const r = resolveResponsibility([claim({ actor: 'TTP', stance: 'claimed' }), claim({ actor: 'TTP', stance: 'denied' })]);
  t.equal(r.status, 'disputed');
  t.same(r.denied, ['TTP']);
  t.same(r.actors[0]?.stances, ['claimed', 'denied']);
  t.equal(r.actors[0]?.status, 'disputed');
});

t.test('responsibility: a preferred stance settles an actor', async (t) => {
  const r = resolveResponsibility([claim({ actor: 'TTP', stance: 'claimed' }, { rank: 'preferred' }), claim({ actor: 'TTP', stance: 'denied' })]);
  t.equal(r.status, 'preferred');
  t.same(r.denied, []);
  t.same(r.actors[0]?.stances, ['claimed']);
});

t.test('responsibility: none beside a claimed stance → disputed; none beside a suspicion is not', async (t) => {
  t.equal(resolveResponsibility([claim(NONE), claim({ actor: 'TTP', stance: 'claimed' })]).status, 'disputed');
  const r = resolveResponsibility([claim(NONE, { sourceId: 'a' }), claim({ actor: 'TTP', stance: 'suspected' }, { sourceId: 'b' })]);
  t.equal(r.status, 'reported');
  t.equal(r.claimed, false);
});

t.test('responsibility: only none stands → agreed, no actors', async (t) => {
  const r = resolveResponsibility([claim(NONE, { sourceId: 'a' }), claim(NONE, { sourceId: 'b' })]);
  t.same(r, { status: 'corroborated', claimed: false, competingClaims: false, denied: [], actors: [] });
});

t.test('responsibility: an actor whose claims are all withdrawn is listed as withdrawn and not counted', async (t) => {
  const r = resolveResponsibility([
    claim({ actor: 'TTP', stance: 'claimed' }, { status: 'retracted', claimId: 'x1' }),
    claim({ actor: 'ISKP', stance: 'claimed' }, { claimId: 'x2' }),
  ]);
  t.equal(r.status, 'reported');
  t.equal(r.competingClaims, false);
  t.same(r.actors.map((a) => [a.actor, a.status, a.stances]), [['TTP', 'withdrawn', []], ['ISKP', 'reported', ['claimed']]]);
  t.equal(resolveResponsibility([claim({ actor: 'TTP', stance: 'claimed' }, { status: 'retracted' })]).status, 'withdrawn');
});

t.test('responsibility: corroborated only when every standing actor is', async (t) => {
  const r = resolveResponsibility([
    claim({ actor: 'TTP', stance: 'suspected' }, { sourceId: 'a' }),
    claim({ actor: 'TTP', stance: 'suspected' }, { sourceId: 'b' }),
    claim({ actor: 'ISKP', stance: 'attributed' }, { sourceId: 'a' }),
  ]);
  t.equal(r.status, 'reported');
});

t.test('perpetrator compares names only; roles describe', async (t) => {
  const r = resolvePerpetrator([
    claim({ name: 'A. Khan', role: 'bomber' }, { claimId: 'p1', sourceId: 'a' }),
    claim({ name: 'a. khan', role: 'driver' }, { claimId: 'p2', sourceId: 'b' }),
  ]);
  t.same(r, { status: 'corroborated', names: [{ name: 'A. Khan', roles: ['bomber', 'driver'], status: 'corroborated', claims: ['p1', 'p2'] }] });
  t.equal(resolvePerpetrator([claim(NONE), claim({ name: 'A. Khan' })]).status, 'disputed');
});

t.test('resolveFact dispatches on the predicate', async (t) => {
  t.ok('actors' in resolveFact('responsibility', [claim({ actor: 'X', stance: 'claimed' })]));
  t.ok('names' in resolveFact('perpetrator', [claim({ name: 'X' })]));
  t.ok('value' in resolveFact('deaths', [claim(exact(1))]));
});
