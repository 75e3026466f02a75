import t from 'tap';
import type { z } from 'zod';
import { demoIncidentIds, demoRequests, type DemoRequest } from '../../src/demo/dataset.ts';
import {
  ClaimCorrected, ClaimRanked, ClaimRecorded, ClaimRetracted, ClaimRevised, IncidentAmended, IncidentRegistered, SourceAmended,
  SourceRegistered,
} from '../../src/domain/events.ts';
import { factKey, PREDICATES, valueIdentity, type PredicateName } from '../../src/domain/predicates.ts';
import { Slug, statedInstant } from '../../src/domain/values.ts';

/** The subtest type (the last `t.test` overload takes only the callback). */
type TT = Parameters<Parameters<typeof t.test>[0]>[0];

const INCIDENTS = ['karachi-airport-2024', 'karachi-university-2022', 'dasu-bus-2021', 'besham-convoy-2024', 'gwadar-port-2024'];

interface ClaimState {
  predicate: PredicateName;
  qualifiers: Record<string, string>;
  value: unknown;
  sourceId: string;
  statedAt: string;
  retracted: boolean;
  revisions: { value: unknown; statedAt: string }[];
  rank?: { rank: string; reason: string };
  errata: Record<string, unknown>[];
}

interface Replay {
  sources: Set<string>;
  incidents: Map<string, Map<string, ClaimState>>;
}

const ROUTES: { re: RegExp; kind: string }[] = [
  { re: /^\/sources$/, kind: 'source' },
  { re: /^\/sources\/([^/]+)$/, kind: 'source-amend' },
  { re: /^\/incidents$/, kind: 'incident' },
  { re: /^\/incidents\/([^/]+)$/, kind: 'incident-amend' },
  { re: /^\/incidents\/([^/]+)\/claims$/, kind: 'claim' },
  { re: /^\/incidents\/([^/]+)\/claims\/([^/]+)\/revisions$/, kind: 'revision' },
  { re: /^\/incidents\/([^/]+)\/claims\/([^/]+)\/retractions$/, kind: 'retraction' },
  { re: /^\/incidents\/([^/]+)\/claims\/([^/]+)\/corrections$/, kind: 'correction' },
  { re: /^\/incidents\/([^/]+)\/claims\/([^/]+)\/rank$/, kind: 'rank' },
];

function route(req: DemoRequest): { kind: string; params: string[] } {
  for (const { re, kind } of ROUTES) {
    const m = re.exec(req.path);
    if (m) return { kind, params: m.slice(1) };
  }
  throw new Error(`unknown route ${req.method} ${req.path}`);
}

function issues(schema: z.ZodType, data: unknown): string[] {
  const r = schema.safeParse(data);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** Every null anywhere in a body (optional fields are omitted, never null). */
function nullPaths(v: unknown, path = ''): string[] {
  if (v === null) return [path || '(root)'];
  if (Array.isArray(v)) return v.flatMap((x, i) => nullPaths(x, `${path}/${i}`));
  if (typeof v === 'object' && v !== undefined) {
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => nullPaths(x, `${path}/${k}`));
  }
  return [];
}

function allStrings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(allStrings);
  if (typeof v === 'object' && v !== null) return Object.values(v).flatMap(allStrings);
  return [];
}

const current = (c: ClaimState): { value: unknown; statedAt: string } => c.revisions.at(-1) ?? { value: c.value, statedAt: c.statedAt };

/** Replays the dataset against the rules `decide` enforces, failing the test at the first request that breaks one. */
function replay(tt: TT): Replay {
  const state: Replay = { sources: new Set(), incidents: new Map() };
  demoRequests.forEach((req, i) => {
    const where = `#${i} ${req.method} ${req.path}`;
    const { kind, params } = route(req);
    const body = req.body;
    tt.same(nullPaths(body), [], `${where}: no nulls`);
    const expectMethod = kind.endsWith('-amend') ? 'PATCH' : 'POST';
    tt.equal(req.method, expectMethod, `${where}: method`);
    for (const p of params) tt.ok(Slug.safeParse(p).success, `${where}: path segment ${p} is a slug`);

    const needIncident = (id: string): Map<string, ClaimState> => {
      const inc = state.incidents.get(id);
      if (!inc) throw new Error(`${where}: incident ${id} not registered before use`);
      return inc;
    };
    const needClaim = (incidentId: string, claimId: string): ClaimState => {
      const c = needIncident(incidentId).get(claimId);
      if (!c) throw new Error(`${where}: claim ${claimId} not recorded earlier in ${incidentId}`);
      return c;
    };
    const needSource = (id: string): void => {
      if (!state.sources.has(id)) throw new Error(`${where}: source ${id} not registered before use`);
    };
    const checkValue = (predicate: PredicateName, value: unknown, label: string): void => {
      tt.same(issues(PREDICATES[predicate].value, value), [], `${where}: ${label} fits predicate ${predicate}`);
    };

    switch (kind) {
      case 'source': {
        tt.same(issues(SourceRegistered, body), [], `${where}: SourceRegistered`);
        const id = body.sourceId as string;
        tt.notOk(state.sources.has(id), `${where}: source ${id} registered once`);
        state.sources.add(id);
        break;
      }
      case 'source-amend':
        tt.same(issues(SourceAmended, body), [], `${where}: SourceAmended`);
        needSource(params[0]!);
        break;
      case 'incident': {
        tt.same(issues(IncidentRegistered, body), [], `${where}: IncidentRegistered`);
        const id = body.incidentId as string;
        tt.notOk(state.incidents.has(id), `${where}: incident ${id} registered once`);
        state.incidents.set(id, new Map());
        break;
      }
      case 'incident-amend':
        tt.same(issues(IncidentAmended, body), [], `${where}: IncidentAmended`);
        needIncident(params[0]!);
        break;
      case 'claim': {
        tt.same(issues(ClaimRecorded, body), [], `${where}: ClaimRecorded`);
        const claims = needIncident(params[0]!);
        const predicate = body.predicate as PredicateName;
        const claimId = body.claimId as string;
        tt.notOk(claims.has(claimId), `${where}: claim id ${claimId} unique in its incident`);
        needSource(body.sourceId as string);
        checkValue(predicate, body.value, 'value');
        const qualifiers = (body.qualifiers ?? {}) as Record<string, string>;
        tt.same(issues(PREDICATES[predicate].qualifiers, qualifiers), [], `${where}: qualifiers fit predicate ${predicate}`);
        claims.set(claimId, {
          predicate, qualifiers, value: body.value, sourceId: body.sourceId as string, statedAt: body.statedAt as string,
          retracted: false, revisions: [], errata: [],
        });
        break;
      }
      case 'revision': {
        tt.notOk('claimId' in body, `${where}: claimId comes from the path`);
        tt.same(issues(ClaimRevised, { claimId: params[1], ...body }), [], `${where}: ClaimRevised`);
        const c = needClaim(params[0]!, params[1]!);
        tt.notOk(c.retracted, `${where}: claim not retracted`);
        checkValue(c.predicate, body.value, 'revised value');
        tt.equal(valueIdentity(c.predicate, body.value), valueIdentity(c.predicate, current(c).value), `${where}: same actor/name`);
        tt.ok(statedInstant(body.statedAt as string) >= statedInstant(current(c).statedAt), `${where}: revision not before the claim`);
        c.revisions.push({ value: body.value, statedAt: body.statedAt as string });
        break;
      }
      case 'retraction': {
        tt.notOk('claimId' in body, `${where}: claimId comes from the path`);
        tt.same(issues(ClaimRetracted, { claimId: params[1], ...body }), [], `${where}: ClaimRetracted`);
        const c = needClaim(params[0]!, params[1]!);
        tt.notOk(c.retracted, `${where}: claim not already retracted`);
        c.retracted = true;
        break;
      }
      case 'correction': {
        tt.notOk('claimId' in body, `${where}: claimId comes from the path`);
        tt.same(issues(ClaimCorrected, { claimId: params[1], ...body }), [], `${where}: ClaimCorrected`);
        const c = needClaim(params[0]!, params[1]!);
        const changes = body.changes as Record<string, unknown>;
        tt.ok(Object.keys(changes).length > 0, `${where}: the erratum changes something`);
        if (body.restore !== true) tt.notOk(c.retracted, `${where}: retracted claims need restore`);
        if (changes.sourceId !== undefined) {
          needSource(changes.sourceId as string);
          c.sourceId = changes.sourceId as string;
        }
        if (changes.value !== undefined) checkValue(c.predicate, changes.value, 'corrected value');
        if (changes.qualifiers !== undefined) {
          tt.same(issues(PREDICATES[c.predicate].qualifiers, changes.qualifiers), [], `${where}: corrected qualifiers`);
        }
        c.errata.push(body);
        break;
      }
      case 'rank': {
        tt.notOk('claimId' in body, `${where}: claimId comes from the path`);
        tt.same(issues(ClaimRanked, { claimId: params[1], ...body }), [], `${where}: ClaimRanked`);
        const c = needClaim(params[0]!, params[1]!);
        c.rank = { rank: body.rank as string, reason: body.reason as string };
        break;
      }
      default:
        tt.fail(`${where}: unhandled route ${kind}`);
    }
  });
  return state;
}

t.test('every request is valid and replays in order', (tt) => {
  tt.ok(demoRequests.length > 0, 'the dataset is not empty');
  replay(tt);
  tt.end();
});

t.test('sources come first, then each incident with its claims, then its follow-ups', (tt) => {
  const kinds = demoRequests.map((r) => route(r).kind);
  const lastSource = kinds.lastIndexOf('source');
  const firstOther = kinds.findIndex((k) => k !== 'source');
  tt.ok(lastSource < firstOther, 'all sources before anything else');
  // Within each incident: claims, then revisions/retractions, then ranks, then corrections.
  const order: Record<string, number> = { claim: 0, revision: 1, retraction: 1, rank: 2, correction: 3 };
  let incident = '';
  let stage = -1;
  for (const r of demoRequests) {
    const { kind, params } = route(r);
    if (kind === 'incident') {
      incident = r.body.incidentId as string;
      stage = -1;
      continue;
    }
    const s = order[kind];
    if (s === undefined) continue;
    tt.equal(params[0], incident, `${r.path}: grouped under its incident`);
    tt.ok(s >= stage, `${r.path}: ${kind} comes in order`);
    stage = s;
  }
  tt.end();
});

t.test('all five incidents are present, with fixed ids', (tt) => {
  const registered = demoRequests.filter((r) => route(r).kind === 'incident').map((r) => r.body.incidentId);
  tt.same(registered, INCIDENTS);
  tt.same([...demoIncidentIds], INCIDENTS, 'demoIncidentIds lists them');
  tt.end();
});

t.test('text is clean: no machine paths, short quotes', (tt) => {
  for (const r of demoRequests) {
    for (const s of allStrings(r.body)) {
      tt.notMatch(s, /(^|\s)(\/(work|home|tmp|usr|Users)\/|[A-Z]:\\|file:)/, `${r.path}: no machine path in ${JSON.stringify(s.slice(0, 40))}`);
    }
    const quotes = [
      (r.body.citation as { quote?: string } | undefined)?.quote,
      (r.body.evidence as { quote?: string } | undefined)?.quote,
      ((r.body.changes as { citation?: { quote?: string } } | undefined)?.citation)?.quote,
    ].filter((q): q is string => q !== undefined);
    for (const q of quotes) {
      tt.ok(q.length <= 200, `${r.path}: quote is short`);
      tt.notMatch(q.trim().replace(/[.!?]+$/, ''), /[.!?]\s/, `${r.path}: quote is at most one sentence`);
    }
  }
  tt.end();
});

t.test('the demo shows the facts it is meant to show', (tt) => {
  const { incidents, sources } = replay(tt);
  const airport = incidents.get('karachi-airport-2024')!;
  const ku = incidents.get('karachi-university-2022')!;
  const claim = (m: Map<string, ClaimState>, id: string): ClaimState => {
    const c = m.get(id);
    if (!c) throw new Error(`missing claim ${id}`);
    return c;
  };

  tt.notOk(sources.has('adnkronos'), 'Adnkronos is a cited publisher, not a source');

  // Revisions by the Sindh home minister on 11 November.
  const hmDeaths = claim(airport, 'c-airport-deaths-sindh-hm');
  tt.same(hmDeaths.value, { kind: 'atLeast', value: 2 });
  tt.same(hmDeaths.revisions, [{ value: { kind: 'exact', value: 3 }, statedAt: '2024-11-11' }]);
  const hmInjuries = claim(airport, 'c-airport-injuries-sindh-hm');
  tt.same(hmInjuries.value, { kind: 'exact', value: 10 });
  tt.same(hmInjuries.revisions, [{ value: { kind: 'atLeast', value: 16 }, statedAt: '2024-11-11' }]);

  // Deprecations.
  tt.same(claim(airport, 'c-airport-cause-govt').rank, { rank: 'deprecated', reason: 'contradicted-by-evidence' });
  tt.equal(claim(airport, 'c-airport-cause-govt').value, 'oil tanker explosion');
  tt.same(claim(airport, 'c-airport-injuries-geo').rank, { rank: 'deprecated', reason: 'superseded' });
  tt.same(claim(airport, 'c-airport-foreign-deaths-ary').rank, { rank: 'deprecated', reason: 'contradicted-by-evidence' });
  tt.same(claim(ku, 'c-ku-cause-dawn-initial').rank, { rank: 'deprecated', reason: 'superseded' });
  tt.equal(claim(ku, 'c-ku-cause-dawn-initial').value, 'cylinder explosion');

  // ARY vs the foreign ministry on deaths[group=foreign-nationals].
  const foreign = [...airport.values()].filter((c) => factKey(c.predicate, c.qualifiers) === 'deaths[group=foreign-nationals]');
  tt.same(foreign.map((c) => c.sourceId).sort(), ['ary-news', 'pk-foreign-ministry']);

  // The Adnkronos misattribution erratum.
  const adn = claim(airport, 'c-airport-arrests-adnkronos');
  tt.equal(adn.sourceId, 'sindh-home-minister', 'the erratum moves the claim to the Sindh home minister');
  tt.same(adn.errata.map((e) => e.reason), ['misattributed']);

  // Corroborated at the airport: deaths (all agree on 3), the bomber named by two sources.
  const latest = (m: Map<string, ClaimState>, key: string): ClaimState[] =>
    [...m.values()].filter((c) => factKey(c.predicate, c.qualifiers) === key && c.rank?.rank !== 'deprecated' && !c.retracted);
  tt.same(new Set(latest(airport, 'perpetrator').map((c) => c.sourceId)).size, 2, 'perpetrator from two sources');
  tt.same(latest(airport, 'deaths').map((c) => current(c).value).filter((v) => (v as { kind: string }).kind === 'exact'),
    [{ kind: 'exact', value: 3 }, { kind: 'exact', value: 3 }], 'exact deaths agree on 3');

  // Disputed at the university: injuries (4 vs at least 6) and the time of the attack (three claims).
  tt.same(latest(ku, 'injuries').map((c) => current(c).value), [{ kind: 'exact', value: 4 }, { kind: 'atLeast', value: 6 }]);
  const times = latest(ku, 'occurredAt').map((c) => current(c).value as { start: string; approximate?: boolean });
  tt.same(times.map((v) => v.start), ['2022-04-26T14:30:00+05:00', '2022-04-26T14:00:00+05:00', '2022-04-26T13:58:00+05:00']);
  tt.same(times.map((v) => v.approximate === true), [true, true, false]);

  // FT claims: stand-in date, explained in a note.
  const ftClaims = demoRequests.filter((r) => route(r).kind === 'claim' && r.body.sourceId === 'financial-times');
  tt.equal(ftClaims.length, 7);
  for (const r of ftClaims) {
    tt.equal(r.body.statedAt, '2024-10-14');
    tt.match(r.body.note, /undated/i, 'the note says the report is undated in our copy');
  }
  tt.end();
});
