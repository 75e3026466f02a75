import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { tempDir } from '../http/harness.ts';
import { sleep, startServer, track, type ChildServer } from './child-server.ts';
import { claimCounts, inParallel, post, readLog, revisionsByStream, sendClaim, startWriters, type ClaimRequest } from './load.ts';

/**
 * The real server as a child process under concurrent idempotent writes: SIGKILL mid-load loses no
 * acknowledged write and duplicates none; every request retried with its key answers 201 once; SIGTERM
 * lets in-flight writes finish, exits 0 and closes the store.
 */

const TOKEN = 'crash-test-admin-token-0123456789';
const INCIDENTS = ['inc-0', 'inc-1', 'inc-2', 'inc-3'];
const TARGET_ACKED = 300;

function env(dir: string): Record<string, string> {
  return { PALIMPSEST_DATA_DIR: dir, PALIMPSEST_ADMIN_TOKEN: TOKEN, PALIMPSEST_RATE_LIMIT: '1000000' };
}

async function seed(t: Test, base: string): Promise<void> {
  t.equal((await post(base, TOKEN, '/sources', { sourceId: 'src', name: 'Source', kind: 'news-outlet' })).status, 201);
  for (const id of INCIDENTS) {
    const body = { incidentId: id, title: `Incident ${id}`, occurredAt: { start: '2024-10-06', precision: 'day' }, location: { name: 'Karachi', country: 'PK' }, category: 'bombing' };
    t.equal((await post(base, TOKEN, '/incidents', body)).status, 201);
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  for (let i = 0; i < ms / 20 && !cond(); i++) await sleep(20);
  return cond();
}

function checkDense(t: Test, log: Awaited<ReturnType<typeof readLog>>): void {
  const dense = [...revisionsByStream(log)].every(([, revs]) => revs.every((r, i) => r === i));
  t.ok(dense, 'every stream has revisions 0..n in log order, no gap, no duplicate');
  t.ok(log.every((e, i) => e.index === i), 'log indexes dense');
}

t.test('SIGKILL mid-load: every acknowledged write stored exactly once; every retry answers 201', async (t) => {
  const dir = tempDir('palimpsest-crash-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const first = track(t, await startServer(env(dir)));
  await seed(t, first.url);

  const writers = startWriters(first.url, TOKEN, INCIDENTS, { loops: 8, perLoop: 2000, prefix: 'k' });
  t.ok(await waitFor(() => writers.acked() >= TARGET_ACKED, 120_000), 'enough writes acknowledged before the kill');
  const killed = await first.kill('SIGKILL');
  t.equal(killed.signal, 'SIGKILL');
  writers.stop();
  await writers.done;
  const acked = writers.requests.filter((r) => r.status === 201);
  const unacked = writers.requests.filter((r) => r.status !== 201);
  t.comment(`${acked.length} writes acknowledged before SIGKILL, ${unacked.length} in flight or refused`);
  t.ok(writers.requests.every((r) => r.status === undefined || r.status === 201), 'no request got anything but 201 or no answer');

  const second = track(t, await startServer(env(dir)));
  const log = await readLog(second.url, TOKEN);
  const counts = claimCounts(log);
  t.ok(acked.every((r) => counts.get(String(r.body.claimId)) === 1), 'every acknowledged claim is stored exactly once');
  t.ok([...counts.values()].every((n) => n === 1), 'no claim is stored twice');
  checkDense(t, log);
  // The acknowledged answers point at what is stored.
  const byIndex = new Map(log.map((e) => [e.index, e]));
  t.ok(acked.every((r) => byIndex.get(Number(r.answer!.index))?.data.claimId === r.body.claimId), 'each answer index holds its claim');
  const storedBefore = new Set(counts.keys());

  // Retry everything with its own Idempotency-Key.
  const retries: ClaimRequest[] = writers.requests.map((r) => ({ incident: r.incident, key: r.key, body: r.body }));
  await inParallel(retries, 8, (r) => sendClaim(second.url, TOKEN, r));
  let replayMismatch = 0;
  let unackedReplayWrong = 0;
  for (const [i, retry] of retries.entries()) {
    const original = writers.requests[i]!;
    if (retry.status !== 201) continue;
    if (original.status === 201) {
      if (!retry.replayed || JSON.stringify(retry.answer) !== JSON.stringify(original.answer)) replayMismatch++;
    } else if (retry.replayed !== storedBefore.has(String(original.body.claimId))) {
      unackedReplayWrong++;
    }
  }
  t.ok(retries.every((r) => r.status === 201), `every retry answers 201 (${retries.filter((r) => r.status !== 201).length} did not)`);
  t.equal(replayMismatch, 0, 'acknowledged requests replay their original answer with Idempotency-Replayed: true');
  t.equal(unackedReplayWrong, 0, 'unacknowledged requests replay exactly when they had been stored, else are written now');

  const after = await readLog(second.url, TOKEN);
  const afterCounts = claimCounts(after);
  t.ok(writers.requests.every((r) => afterCounts.get(String(r.body.claimId)) === 1), 'after the retries every request is stored exactly once');
  t.equal(afterCounts.size, writers.requests.length, 'and nothing else');
  checkDense(t, after);
  await second.kill('SIGTERM');
});

t.test('SIGTERM under load: in-flight writes finish, exit 0, the store closes cleanly', async (t) => {
  const dir = tempDir('palimpsest-term-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const server: ChildServer = track(t, await startServer(env(dir)));
  await seed(t, server.url);

  const writers = startWriters(server.url, TOKEN, INCIDENTS, { loops: 8, perLoop: 2000, prefix: 't' });
  t.ok(await waitFor(() => writers.acked() >= 100, 120_000), 'writes flowing');
  const exit = await server.kill('SIGTERM');
  writers.stop();
  await writers.done;
  t.equal(exit.code, 0, 'exit code 0', { output: server.output().split('\n').filter((l) => !l.includes('"reqId"')).join('\n') });
  t.match(server.output(), /shutting down/);
  const statuses = new Map<string, number>();
  for (const r of writers.requests) statuses.set(String(r.status), (statuses.get(String(r.status)) ?? 0) + 1);
  t.comment(`answers during SIGTERM: ${JSON.stringify(Object.fromEntries(statuses))}`);
  t.ok(writers.requests.every((r) => r.status === undefined || r.status === 201 || r.status === 503), 'only 201, 503 (closing) or no answer');
  // SQLite removes the WAL file when the last connection closes cleanly (it checkpoints first).
  t.notOk(fs.existsSync(path.join(dir, 'events.sqlite3-wal')), 'no WAL file left: the store was closed');

  const reopened = track(t, await startServer(env(dir)));
  const health = await fetch(`${reopened.url}/health`);
  t.equal(health.status, 200, 'reopens and is healthy');
  const log = await readLog(reopened.url, TOKEN);
  const counts = claimCounts(log);
  t.ok(writers.requests.filter((r) => r.status === 201).every((r) => counts.get(String(r.body.claimId)) === 1), 'every write answered 201 is stored once');
  t.ok(writers.requests.filter((r) => r.status === 503).every((r) => !counts.has(String(r.body.claimId))), 'a write answered 503 is not stored');
  checkDense(t, log);
  t.equal((await reopened.kill('SIGTERM')).code, 0);
});
