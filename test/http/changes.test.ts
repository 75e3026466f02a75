import http from 'node:http';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { openRuntime, type Runtime } from '../../src/cli/runtime.ts';
import { incidentStream } from '../../src/domain/events.ts';
import { ADMIN_TOKEN, fixtures, harness, json, tempDir, testConfig } from './harness.ts';

t.test('GET /changes pages through the log with the incidents each page touched', async (t) => {
  const h = await harness(t);
  await h.post('/sources', fixtures.source('src'));
  await h.post('/incidents', fixtures.incident('one'));
  await h.post('/incidents', fixtures.incident('two'));
  await h.post('/incidents/two/claims', fixtures.deaths('c-1', 'src', { kind: 'exact', value: 1 }));
  const first = json(await h.get('/changes?from=0&limit=2'));
  t.same(first.items.map((i: { index: number }) => i.index), [0, 1]);
  t.match(first.items[0], { type: 'SourceRegistered', sourceId: 'src', actor: 'admin' });
  t.same(first.incidents, ['one']);
  t.equal(first.nextFrom, 2);
  const rest = json(await h.get(`/changes?from=${first.nextFrom}&limit=100`));
  t.same(rest.items.map((i: { index: number }) => i.index), [2, 3]);
  t.match(rest.items[1], { type: 'ClaimRecorded', incidentId: 'two', claimId: 'c-1' });
  t.same(rest.incidents, ['two']);
  t.equal(rest.nextFrom, 4, 'nextFrom is where to ask next');
  const empty = json(await h.get('/changes?from=4'));
  t.same(empty.items, []);
  t.equal(empty.nextFrom, 4);
  t.equal((await h.get('/changes?from=-1')).statusCode, 400);
});

interface SseEvent { id: string; event: string; data: string }

/** Reads SSE events from a listening server until `count` arrived or the stream ends. */
function readEvents(url: string, headers: Record<string, string>, count: number): Promise<{ events: SseEvent[]; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
          if (fields.id !== undefined) events.push(fields as unknown as SseEvent);
          if (events.length >= count) {
            resolve({ events, req });
            return;
          }
        }
      });
      res.on('end', () => resolve({ events, req }));
    });
    req.on('error', reject);
  });
}

async function listening(t: Parameters<typeof harness>[0], slowClientMs = 30_000): Promise<{ rt: Runtime; base: string }> {
  const rt = await openRuntime(testConfig(tempDir()), { changeFeed: { heartbeatMs: 60_000, slowClientMs } });
  t.teardown(() => rt.close());
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = rt.app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return { rt, base: `http://127.0.0.1:${addr.port}` };
}

const post = (rt: Runtime, url: string, body: unknown) =>
  rt.app.inject({ method: 'POST', url, payload: body as Record<string, unknown>, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' } });

t.test('SSE: history, then live events, and resume by Last-Event-ID', async (t) => {
  const { rt, base } = await listening(t);
  await post(rt, '/sources', fixtures.source('src'));
  await post(rt, '/incidents', fixtures.incident('live'));

  const pending = readEvents(`${base}/changes/stream`, {}, 3);
  setTimeout(() => void post(rt, '/incidents/live/claims', fixtures.deaths('c-live', 'src', { kind: 'exact', value: 2 })), 100);
  const { events, req } = await pending;
  req.destroy();
  t.same(events.map((e) => e.id), ['0', '1', '2'], 'ids are log indexes, history then live');
  t.ok(events.every((e) => e.event === 'change'));
  t.match(JSON.parse(events[2]!.data), { index: 2, type: 'ClaimRecorded', incidentId: 'live', claimId: 'c-live' });

  await post(rt, '/incidents/live/claims', fixtures.deaths('c-later', 'src', { kind: 'exact', value: 3 }));
  const resumed = await readEvents(`${base}/changes/stream`, { 'last-event-id': '2' }, 1);
  resumed.req.destroy();
  t.same(resumed.events.map((e) => e.id), ['3'], 'resumes right after the last event the client saw');

  const fromQuery = await readEvents(`${base}/changes/stream?from=1`, {}, 1);
  fromQuery.req.destroy();
  t.equal(fromQuery.events[0]?.id, '1');

  const bad = await rt.app.inject({ method: 'GET', url: '/changes/stream', headers: { accept: 'text/event-stream', 'last-event-id': 'abc' } });
  t.equal(bad.statusCode, 400);
});

t.test('SSE: a client that stops reading is dropped instead of buffered', async (t) => {
  const { rt, base } = await listening(t, 300);
  // Enough changes to fill the socket buffers on both sides several times over.
  const total = 60_000;
  await post(rt, '/sources', fixtures.source('src'));
  await post(rt, '/incidents', fixtures.incident('flood'));
  let revision = 0n;
  for (let i = 0; i < total; i += 2000) {
    const batch = Array.from({ length: 2000 }, (_, j) => ({
      eventId: randomUUID(),
      type: 'ClaimRecorded',
      schemaVersion: 1,
      data: { claimId: `c-${i + j}`, predicate: 'deaths', value: { kind: 'exact', value: 1 }, sourceId: 'src', statedAt: '2024-10-07' },
      metadata: { actor: 'admin', correlationId: 'flood' },
    }));
    revision = (await rt.store.append(incidentStream('flood'), batch, { expected: revision })).nextRevision;
  }
  await rt.live.waitFor(BigInt(total + 1));

  const outcome = await new Promise<{ received: number; ended: boolean }>((resolve, reject) => {
    let received = 0;
    const req = http.get(`${base}/changes/stream`, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.pause(); // a client that stops reading
      setTimeout(() => {
        const guard = setTimeout(() => {
          req.destroy();
          resolve({ received, ended: false });
        }, 20_000);
        res.on('data', (chunk: Buffer) => {
          received += (chunk.toString("utf8").match(/^id: /gm) ?? []).length;
        });
        res.on('end', () => {
          clearTimeout(guard);
          resolve({ received, ended: true });
        });
        res.on('error', () => {
          clearTimeout(guard);
          resolve({ received, ended: true });
        });
        res.resume();
      }, 2000);
    });
    req.on('error', reject);
  });
  t.ok(outcome.ended, 'the server closed the stream of the stalled client');
  t.ok(outcome.received < total, `the client got ${outcome.received} of ${total + 2} changes before it was dropped`);
  t.equal(json(await rt.app.inject({ method: 'GET', url: '/health' })).status, 'ok', 'the server is fine');
});
