import fs from 'node:fs';
import t from 'tap';
import { tempDir } from '../http/harness.ts';
import { sleep, startServer, track } from './child-server.ts';
import { claimBody, post, readLog } from './load.ts';

/**
 * Two server processes on one SQLite data directory (WAL), both taking concurrent claims on the same
 * incident without If-Match: nothing lost, no revision used twice, and each serves the other's writes.
 * A 409 `conflict` (the writer's retries exhausted under cross-process contention) is an honest answer:
 * the client retries it, and the test counts them.
 */

const TOKEN = 'two-process-admin-token-0123456789';
const LOOPS_PER_SERVER = 4;
const PER_LOOP = 40;
const MAX_TRIES = 30;

t.test('two processes, one data dir, one incident: no lost update, dense revisions, both converge', async (t) => {
  const dir = tempDir('palimpsest-two-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { PALIMPSEST_DATA_DIR: dir, PALIMPSEST_ADMIN_TOKEN: TOKEN, PALIMPSEST_RATE_LIMIT: '1000000' };
  // Started together: the schema migrations must cope with a second process opening the same file.
  const [a, b] = await Promise.all([startServer(env), startServer(env)]);
  track(t, a!);
  track(t, b!);
  const servers = [a!, b!];

  t.equal((await post(a!.url, TOKEN, '/sources', { sourceId: 'src', name: 'Source', kind: 'news-outlet' })).status, 201);
  const incident = { incidentId: 'shared', title: 'Shared', occurredAt: { start: '2024-10-06', precision: 'day' }, location: { name: 'Karachi', country: 'PK' }, category: 'bombing' };
  t.equal((await post(a!.url, TOKEN, '/incidents', incident)).status, 201);

  let conflicts = 0;
  const unexpected: string[] = [];
  const written = new Map<string, { via: number; revision: number }>();
  const loop = async (server: number, i: number): Promise<void> => {
    for (let j = 0; j < PER_LOOP; j++) {
      const claimId = `p${server}-${i}-${j}`;
      for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
        const res = await post(servers[server]!.url, TOKEN, '/incidents/shared/claims', claimBody(claimId, j));
        const body = (await res.json()) as { code?: string; revision?: number };
        if (res.status === 201) {
          written.set(claimId, { via: server, revision: body.revision! });
          break;
        }
        if (res.status === 409 && body.code === 'conflict') {
          conflicts++;
          continue;
        }
        unexpected.push(`${claimId}: ${res.status} ${JSON.stringify(body)}`);
        break;
      }
    }
  };
  await Promise.all(servers.flatMap((_, s) => Array.from({ length: LOOPS_PER_SERVER }, (_, i) => loop(s, i))));
  const total = servers.length * LOOPS_PER_SERVER * PER_LOOP;
  t.same(unexpected, [], 'no answer but 201 or 409 conflict');
  t.equal(written.size, total, `every claim written (${conflicts} conflicts retried)`);
  t.comment(`${total} claims through two processes; ${conflicts} answers were 409 conflict and were retried`);
  const revisions = [...written.values()].map((w) => w.revision).sort((x, y) => x - y);
  t.same(revisions, Array.from({ length: total }, (_, i) => i + 1), 'the acknowledged revisions are 1..n, each once');

  // Both processes catch up (bounded) and list every claim, whoever wrote it.
  for (const [s, server] of servers.entries()) {
    let listed: string[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${server.url}/incidents/shared`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const view = (await res.json()) as { revision: number; facts: { deaths?: { claims: { claimId: string }[] } } };
      listed = (view.facts.deaths?.claims ?? []).map((c) => c.claimId);
      if (listed.length >= total && view.revision === total) break;
      await sleep(100);
    }
    t.same([...listed].sort(), [...written.keys()].sort(), `server ${s === 0 ? 'A' : 'B'} lists every claim of both`);
  }

  const logs = await Promise.all(servers.map((s) => readLog(s.url, TOKEN)));
  t.same(logs[0], logs[1], 'both serve the same log');
  const stream = logs[0]!.filter((e) => e.stream === 'incident-shared');
  t.same(stream.map((e) => e.revision), Array.from({ length: total + 1 }, (_, i) => i), 'stream revisions dense 0..n, no duplicate');
  const ids = stream.filter((e) => e.type === 'ClaimRecorded').map((e) => String(e.data.claimId));
  t.equal(new Set(ids).size, ids.length, 'no claim stored twice');
  t.ok(logs[0]!.every((e, i) => e.index === i), 'log indexes dense');

  for (const s of servers) t.equal((await s.kill('SIGTERM')).code, 0, 'clean exit');
});
