import t from 'tap';
import { fixtures, harness, json, type Harness } from '../http/harness.ts';

/**
 * Every route × every kind of caller → the status docs/api.md's roles give: reader (projections),
 * editor (writes), auditor (raw events and the log), admin (all). The expectations come from the
 * table below, not from the routes' own config, so a route with the wrong role fails here.
 */

type Need = 'reader' | 'editor' | 'auditor' | 'admin' | 'open';
type Who = 'anon-public' | 'anon-private' | 'unknown' | 'malformed' | 'forged' | 'revoked' | 'reader' | 'editor' | 'auditor' | 'admin';
const WHO: readonly Who[] = ['anon-public', 'anon-private', 'unknown', 'malformed', 'forged', 'revoked', 'reader', 'editor', 'auditor', 'admin'];

const GRANTS: Record<'reader' | 'editor' | 'auditor' | 'admin', readonly Need[]> = {
  reader: ['reader'],
  editor: ['reader', 'editor'],
  auditor: ['reader', 'auditor'],
  admin: ['reader', 'editor', 'auditor', 'admin'],
};

function expected(who: Who, need: Need, okStatus: number): number {
  switch (who) {
    case 'unknown':
    case 'malformed':
    case 'forged':
    case 'revoked':
      return 401; // a key that does not count is refused everywhere, even on open routes
    case 'anon-public':
      return need === 'open' || need === 'reader' || need === 'auditor' ? okStatus : 401;
    case 'anon-private':
      return need === 'open' ? okStatus : 401;
    default:
      // Keys are tried with public reads on: a key never has less than no key, so auditor reads pass.
      return need === 'open' || need === 'auditor' || GRANTS[who].includes(need) ? okStatus : 403;
  }
}

const exact = (value: number) => ({ kind: 'exact', value });

interface Req {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  payload?: unknown;
}
interface Route {
  method: Req['method'];
  /** OpenAPI path, to check the table covers every documented route. */
  path: string;
  need: Need;
  /** Builds a fresh request (writes get fresh targets so an allowed write always succeeds). */
  make(h: Harness, n: number): Promise<Req>;
}

async function freshClaim(h: Harness, n: number): Promise<string> {
  const id = `c-fresh-${n}`;
  const res = await h.post('/incidents/inc/claims', fixtures.deaths(id, 'src', exact(2)));
  if (res.statusCode !== 201) throw new Error(`setup claim: ${res.body}`);
  return id;
}

const ROUTES: Route[] = [
  { method: 'POST', path: '/sources', need: 'editor', make: async (_h, n) => ({ method: 'POST', url: '/sources', payload: fixtures.source(`src-${n}`) }) },
  { method: 'GET', path: '/sources', need: 'reader', make: async () => ({ method: 'GET', url: '/sources' }) },
  { method: 'GET', path: '/sources/{id}', need: 'reader', make: async () => ({ method: 'GET', url: '/sources/src' }) },
  { method: 'PATCH', path: '/sources/{id}', need: 'editor', make: async (_h, n) => ({ method: 'PATCH', url: '/sources/src', payload: { name: `Renamed ${n}`, reason: 'rename' } }) },
  { method: 'POST', path: '/incidents', need: 'editor', make: async (_h, n) => ({ method: 'POST', url: '/incidents', payload: fixtures.incident(`inc-${n}`) }) },
  { method: 'GET', path: '/incidents', need: 'reader', make: async () => ({ method: 'GET', url: '/incidents' }) },
  { method: 'GET', path: '/incidents/{id}', need: 'reader', make: async () => ({ method: 'GET', url: '/incidents/inc' }) },
  { method: 'PATCH', path: '/incidents/{id}', need: 'editor', make: async (_h, n) => ({ method: 'PATCH', url: '/incidents/inc', payload: { title: `Title ${n}`, reason: 'clearer' } }) },
  { method: 'GET', path: '/incidents/{id}/history', need: 'reader', make: async () => ({ method: 'GET', url: '/incidents/inc/history' }) },
  { method: 'GET', path: '/incidents/{id}/events', need: 'auditor', make: async () => ({ method: 'GET', url: '/incidents/inc/events' }) },
  { method: 'POST', path: '/incidents/{id}/claims', need: 'editor', make: async (_h, n) => ({ method: 'POST', url: '/incidents/inc/claims', payload: fixtures.deaths(`c-new-${n}`, 'src', exact(n)) }) },
  { method: 'GET', path: '/incidents/{id}/claims/{claimId}', need: 'reader', make: async () => ({ method: 'GET', url: '/incidents/inc/claims/c-base' }) },
  {
    method: 'POST', path: '/incidents/{id}/claims/{claimId}/revisions', need: 'editor',
    make: async (h, n) => ({ method: 'POST', url: `/incidents/inc/claims/${await freshClaim(h, n)}/revisions`, payload: { value: exact(5), statedAt: '2024-10-08' } }),
  },
  {
    method: 'POST', path: '/incidents/{id}/claims/{claimId}/retractions', need: 'editor',
    make: async (h, n) => ({ method: 'POST', url: `/incidents/inc/claims/${await freshClaim(h, n)}/retractions`, payload: { statedAt: '2024-10-08', reason: 'withdrawn' } }),
  },
  {
    method: 'POST', path: '/incidents/{id}/claims/{claimId}/corrections', need: 'editor',
    make: async (h, n) => ({ method: 'POST', url: `/incidents/inc/claims/${await freshClaim(h, n)}/corrections`, payload: { changes: { value: exact(9) }, reason: 'transcription' } }),
  },
  {
    method: 'POST', path: '/incidents/{id}/claims/{claimId}/rank', need: 'editor',
    make: async (h, n) => ({ method: 'POST', url: `/incidents/inc/claims/${await freshClaim(h, n)}/rank`, payload: { rank: 'preferred', reason: 'best-available' } }),
  },
  { method: 'GET', path: '/events', need: 'auditor', make: async () => ({ method: 'GET', url: '/events?limit=5' }) },
  {
    method: 'POST', path: '/events/{index}/redactions', need: 'admin',
    make: async (h, n) => {
      const res = await h.post('/sources', fixtures.source(`erasable-${n}`, { description: 'to be erased' }));
      if (res.statusCode !== 201) throw new Error(`setup source: ${res.body}`);
      return { method: 'POST', url: `/events/${json(res).index}/redactions`, payload: { paths: ['/description'], reason: 'privacy request' } };
    },
  },
  { method: 'GET', path: '/log/checkpoint', need: 'auditor', make: async () => ({ method: 'GET', url: '/log/checkpoint' }) },
  { method: 'GET', path: '/log/checkpoints', need: 'auditor', make: async () => ({ method: 'GET', url: '/log/checkpoints?from=0' }) },
  { method: 'GET', path: '/log/public-key', need: 'auditor', make: async () => ({ method: 'GET', url: '/log/public-key' }) },
  { method: 'GET', path: '/log/proofs/inclusion', need: 'auditor', make: async () => ({ method: 'GET', url: '/log/proofs/inclusion?index=0&treeSize=2' }) },
  { method: 'GET', path: '/log/proofs/consistency', need: 'auditor', make: async () => ({ method: 'GET', url: '/log/proofs/consistency?from=1&to=2' }) },
  { method: 'GET', path: '/changes', need: 'reader', make: async () => ({ method: 'GET', url: '/changes?limit=5' }) },
  { method: 'GET', path: '/health', need: 'open', make: async () => ({ method: 'GET', url: '/health' }) },
  { method: 'GET', path: '/problems/{code}', need: 'open', make: async () => ({ method: 'GET', url: '/problems/validation' }) },
  { method: 'GET', path: '/docs', need: 'open', make: async () => ({ method: 'GET', url: '/docs' }) },
  { method: 'GET', path: '/openapi.json', need: 'open', make: async () => ({ method: 'GET', url: '/openapi.json' }) },
];
/** Tested over a listening server below: an allowed SSE request never ends by itself. */
const SSE = { method: 'GET', path: '/changes/stream', need: 'reader' as Need };

async function setup(t: Parameters<typeof harness>[0], publicRead: boolean): Promise<Harness> {
  const h = await harness(t, { publicRead });
  const ok = async (p: Promise<{ statusCode: number; body: string }>) => {
    const r = await p;
    if (r.statusCode !== 201) throw new Error(`setup: ${r.statusCode} ${r.body}`);
  };
  await ok(h.post('/sources', fixtures.source('src')));
  await ok(h.post('/incidents', fixtures.incident('inc')));
  await ok(h.post('/incidents/inc/claims', fixtures.deaths('c-base', 'src', exact(1))));
  return h;
}

interface Tokens {
  token(who: Who): string | null;
  actor(who: Who): string;
}

function makeTokens(pub: Harness): Tokens {
  const keys = pub.rt.keys;
  const reader = keys.create('reader', 'matrix reader');
  const editor = keys.create('editor', 'matrix editor');
  const auditor = keys.create('auditor', 'matrix auditor');
  const admin = keys.create('admin', 'matrix admin');
  const revoked = keys.create('editor', 'matrix revoked');
  if (!keys.revoke(revoked.id)) throw new Error('revoke failed');
  const byWho: Partial<Record<Who, { id: string; token: string }>> = { reader, editor, auditor, admin };
  return {
    token(who) {
      switch (who) {
        case 'anon-public':
        case 'anon-private':
          return null;
        case 'unknown':
          return `pal_nobody-abc123_${'A'.repeat(43)}`;
        case 'malformed':
          return 'not-a-palimpsest-token';
        case 'forged':
          return `pal_${editor.id}_${'B'.repeat(43)}`; // a real key id with a wrong secret
        case 'revoked':
          return revoked.token;
        default:
          return byWho[who]!.token;
      }
    },
    actor(who) {
      return byWho[who]!.id;
    },
  };
}

t.test('the table covers every documented route', async (t) => {
  const h = await harness(t);
  const doc = h.rt.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(doc.paths).flatMap(([p, ms]) => Object.keys(ms).map((m) => `${m.toUpperCase()} ${p}`)).sort();
  const tested = [...ROUTES, SSE].map((r) => `${r.method} ${r.path}`).filter((r) => r !== 'GET /docs' && r !== 'GET /openapi.json').sort();
  t.same(tested, documented);
});

t.test('every route × every caller → 2xx, 401 or 403 as the roles say; writes record the key id as actor', async (t) => {
  const pub = await setup(t, true);
  const priv = await setup(t, false);
  const tokens = makeTokens(pub);
  let n = 0;
  let cases = 0;
  const writes: { who: Who; url: string; index: number; revision: number }[] = [];

  for (const route of ROUTES) {
    for (const who of WHO) {
      const h = who === 'anon-private' ? priv : pub;
      const req = await route.make(h, ++n);
      const okStatus = route.method === 'POST' ? 201 : 200;
      const want = expected(who, route.need, okStatus);
      const res = await h.req({
        method: req.method,
        url: req.url,
        as: tokens.token(who),
        ...(req.payload !== undefined ? { payload: req.payload as Record<string, unknown>, headers: { 'content-type': 'application/json' } } : {}),
      });
      cases++;
      t.equal(res.statusCode, want, `${who} ${route.method} ${route.path} → ${want}: ${res.statusCode} ${res.statusCode >= 400 ? res.body : ''}`);
      if (want >= 400 && res.statusCode === want) {
        t.match(res.headers['content-type'], /^application\/problem\+json/, `${who} ${route.method} ${route.path}: problem+json`);
        t.equal(json(res).code, want === 401 ? 'unauthorized' : 'forbidden');
        if (want === 401) t.equal(res.headers['www-authenticate'], 'Bearer');
      }
      if (route.method !== 'GET' && res.statusCode < 300) {
        const body = json(res);
        writes.push({ who, url: req.url, index: body.index, revision: body.revision });
      }
    }
  }
  t.comment(`${cases} route × caller cases`);

  // Who wrote what: the actor of every allowed write is the key's id, in the log and in the history.
  t.ok(writes.length >= 2 * 9, 'editor and admin wrote on every write route');
  for (const w of writes) {
    const ev = json(await pub.get(`/events?from=${w.index}&limit=1`)).items[0];
    t.equal(ev.metadata.actor, tokens.actor(w.who), `actor of ${w.who}'s write to ${w.url} in /events`);
    const m = /^\/incidents\/([^/]+)/.exec(w.url);
    const incident = m ? m[1] : w.url === '/incidents' ? ev.stream.replace(/^incident-/, '') : undefined;
    if (incident !== undefined) {
      const history = json(await pub.get(`/incidents/${incident}/history`));
      const items: { revision: number; actor: string }[] = Array.isArray(history) ? history : history.items;
      const entry = items.find((i) => i.revision === w.revision);
      t.equal(entry?.actor, tokens.actor(w.who), `actor of ${w.who}'s write to ${w.url} in the history`);
    }
  }
  // The refused writes left nothing behind: only allowed callers' events and the setup's (actor admin).
  const all = json(await pub.get('/events?limit=1000')).items as { metadata: { actor: string } }[];
  const actors = new Set(all.map((e) => e.metadata.actor));
  t.same([...actors].sort(), ['admin', tokens.actor('admin'), tokens.actor('editor')].sort());
});

t.test('/changes/stream (SSE) over a listening server: same roles', async (t) => {
  const pub = await setup(t, true);
  const priv = await setup(t, false);
  const tokens = makeTokens(pub);
  const pubUrl = await pub.rt.app.listen({ port: 0, host: '127.0.0.1' });
  const privUrl = await priv.rt.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of WHO) {
    const base = who === 'anon-private' ? privUrl : pubUrl;
    const token = tokens.token(who);
    const ac = new AbortController();
    const res = await fetch(`${base}/changes/stream`, { headers: token === null ? {} : { authorization: `Bearer ${token}` }, signal: ac.signal });
    const want = expected(who, SSE.need, 200);
    t.equal(res.status, want, `${who} GET /changes/stream`);
    if (want === 200) t.match(res.headers.get('content-type'), /^text\/event-stream/);
    else t.match(res.headers.get('content-type'), /^application\/problem\+json/);
    ac.abort();
    await res.body?.cancel().catch(() => undefined);
  }
});
