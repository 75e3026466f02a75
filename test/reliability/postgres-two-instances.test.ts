/**
 * Two `palimpsest serve` processes on one PostgreSQL database, with their own data directories and
 * one signing key. Eight writers record claims on one incident, half through each instance, with
 * Idempotency-Keys; one instance is killed with SIGKILL mid-load and its writers retry on the
 * other. Every acknowledged claim is stored exactly once, the incident's revisions and the global
 * index are dense, and the restarted instance signs the same tree size and root as the survivor.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { tempDir } from '../http/harness.ts';
import { postgresForTests } from '../support/postgres.ts';
import { sleep, startServer, track, type ChildServer } from './child-server.ts';
import { claimBody, post, readLog } from './load.ts';

const TOKEN = 'two-instance-admin-token-0123456789';
const WRITERS = 8;
const PER_WRITER = 15;
const KILL_AFTER = 30;
const MAX_TRIES = 40;

const server = await postgresForTests(t, 'two API instances on PostgreSQL');

if (server !== undefined) {
  t.test('two instances, one database, kill -9 of one mid-load: nothing lost or doubled, same tree', { timeout: 240_000 }, async (t) => {
    const url = await server.newDatabase('two');
    const root = tempDir('palimpsest-pg-two-');
    t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
    const keyFile = path.join(root, 'log-key.pem');
    const env = (n: number): Record<string, string> => ({
      PALIMPSEST_STORE: 'postgres', DATABASE_URL: url, PALIMPSEST_DATA_DIR: path.join(root, `data-${n}`),
      PALIMPSEST_LOG_KEY_FILE: keyFile, PALIMPSEST_ADMIN_TOKEN: TOKEN, PALIMPSEST_RATE_LIMIT: '1000000',
    });
    // The first creates the signing key and the schema; the second then shares them.
    const a = track(t, await startServer(env(0)));
    const b = track(t, await startServer(env(1)));
    const servers: ChildServer[] = [a, b];

    t.equal((await post(a.url, TOKEN, '/sources', { sourceId: 'src', name: 'Source', kind: 'news-outlet' })).status, 201);
    const incident = { incidentId: 'shared', title: 'Shared', occurredAt: { start: '2024-10-06', precision: 'day' }, location: { name: 'Karachi', country: 'PK' }, category: 'bombing' };
    t.equal((await post(b.url, TOKEN, '/incidents', incident)).status, 201);

    let killed = false;
    let acked = 0;
    const ackedIds = new Set<string>();
    const unexpected: string[] = [];
    let retriedElsewhere = 0;
    const writer = async (w: number): Promise<void> => {
      for (let j = 0; j < PER_WRITER; j++) {
        const claimId = `w${w}-${j}`;
        for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
          // Writers start on their own instance and move to the survivor once it is gone.
          const target = killed ? b : servers[w % 2] ?? a;
          if (killed && w % 2 === 0 && attempt > 1) retriedElsewhere += 1;
          let status: number;
          try {
            const res = await post(target.url, TOKEN, '/incidents/shared/claims', claimBody(claimId, j), { 'idempotency-key': `k-${claimId}` });
            status = res.status;
            await res.text();
          } catch {
            status = 0;
          }
          if (status === 201) {
            ackedIds.add(claimId);
            acked += 1;
            break;
          }
          // 0: the instance is gone; 409 conflict / 503: contention or the store, answered honestly: retry.
          if (status !== 0 && status !== 409 && status !== 503) unexpected.push(`${claimId}: ${status}`);
          await sleep(20);
        }
        if (acked >= KILL_AFTER && !killed) {
          killed = true;
          await a.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    t.ok(killed, 'instance A was killed mid-load');
    t.same(unexpected, [], 'no unexpected answer');
    t.equal(ackedIds.size, WRITERS * PER_WRITER, 'every claim was acknowledged in the end');
    t.comment(`${retriedElsewhere} retries moved to the survivor`);

    const log = await readLog(b.url, TOKEN);
    t.ok(log.every((e, i) => e.index === i), 'the global index is dense');
    const incidentEvents = log.filter((e) => e.stream === 'incident-shared');
    t.ok(incidentEvents.every((e, i) => e.revision === i), 'the incident\'s revisions are dense');
    const claims = incidentEvents.filter((e) => e.type === 'ClaimRecorded').map((e) => String((e.data as { claimId?: unknown }).claimId));
    t.equal(claims.length, new Set(claims).size, 'no claim stored twice');
    t.same(new Set(claims), ackedIds, 'exactly the acknowledged claims are stored');

    // The killed instance comes back on its own data directory and catches up from the log.
    const again = track(t, await startServer(env(0)));
    const head = log.length;
    let health: { index?: number } = {};
    for (let i = 0; i < 100 && health.index !== head - 1; i++) {
      health = await (await fetch(`${again.url}/health`)).json() as { index?: number };
      if (health.index !== head - 1) await sleep(100);
    }
    const checkpoints = await Promise.all([again, b].map(async (s) => (await fetch(`${s.url}/log/checkpoint`)).text()));
    const [restarted, survivor] = checkpoints.map((c) => c.split('\n').slice(0, 3).join('\n'));
    t.match(survivor, new RegExp(`\\n${head}\\n`), `the survivor signs the whole log (${head} leaves)`);
    t.equal(restarted, survivor, 'the restarted instance signs the same tree size and root');
    t.equal(checkpoints[0], checkpoints[1], 'and, with the one key, the same signed note');
  });
}
