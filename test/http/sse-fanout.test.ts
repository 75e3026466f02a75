import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import { openRuntime, type Runtime } from '../../src/cli/runtime.ts';
import { incidentStream } from '../../src/domain/events.ts';
import { ADMIN_TOKEN, fixtures, tempDir, testConfig } from './harness.ts';

async function listening(t: Test, changeFeed: { heartbeatMs: number; slowClientMs: number }, overrides = {}): Promise<{ rt: Runtime; port: number }> {
  const rt = await openRuntime(testConfig(tempDir(), overrides), { changeFeed });
  t.teardown(() => rt.close());
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = rt.app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return { rt, port: addr.port };
}

/** POST over HTTP (a real write, acknowledged by its status). */
function post(port: number, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

interface Subscriber { ids: number[]; req: http.ClientRequest; ready: Promise<void> }

function subscribe(port: number): Subscriber {
  const ids: number[] = [];
  let ready!: () => void;
  const sub: Subscriber = { ids, req: undefined as unknown as http.ClientRequest, ready: new Promise((r) => (ready = r)) };
  sub.req = http.get({ host: '127.0.0.1', port, path: '/changes/stream', agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
    ready();
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const m = /^id: (\d+)$/m.exec(buf.slice(0, cut));
        if (m) ids.push(Number(m[1]));
        buf = buf.slice(cut + 2);
      }
    });
  });
  sub.req.on('error', () => ready());
  return sub;
}

/**
 * A subscriber on a raw socket that decodes the chunked body itself: the hub writes one buffer per
 * broadcast, and each write is one HTTP chunk, so the chunks carrying changes count the broadcasts
 * this client was sent.
 */
function chunkCounter(port: number): { ids: number[]; chunks: () => number; socket: net.Socket; ready: Promise<void> } {
  const ids: number[] = [];
  let chunks = 0;
  let raw = Buffer.alloc(0);
  let inBody = false;
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const ready = new Promise<void>((resolve) => {
    socket.once('connect', () => {
      socket.write('GET /changes/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    });
    socket.on('data', (data: Buffer) => {
      raw = Buffer.concat([raw, data]);
      if (!inBody) {
        const end = raw.indexOf('\r\n\r\n');
        if (end < 0) return;
        inBody = true;
        raw = raw.subarray(end + 4);
        resolve();
      }
      for (;;) {
        const eol = raw.indexOf('\r\n');
        if (eol < 0) return;
        const size = parseInt(raw.subarray(0, eol).toString('latin1'), 16);
        if (raw.length < eol + 2 + size + 2) return;
        const body = raw.subarray(eol + 2, eol + 2 + size).toString('utf8');
        raw = raw.subarray(eol + 2 + size + 2);
        const found = [...body.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
        if (found.length > 0) chunks++;
        ids.push(...found);
      }
    });
  });
  return { ids, chunks: () => chunks, socket, ready };
}

const until = async (cond: () => boolean, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return cond();
};

t.test('SSE: with 1,000 subscribers every write is acknowledged and every subscriber gets every change', async (t) => {
  const { port } = await listening(t, { heartbeatMs: 60_000, slowClientMs: 30_000 });
  t.equal(await post(port, '/sources', fixtures.source('src')), 201);
  t.equal(await post(port, '/incidents', fixtures.incident('fan')), 201);
  const subs = Array.from({ length: 999 }, () => subscribe(port));
  const counted = chunkCounter(port);
  t.teardown(() => { for (const s of subs) s.req.destroy(); counted.socket.destroy(); });
  await Promise.all([...subs.map((s) => s.ready), counted.ready]);
  const writes = 40;
  const statuses = await Promise.all(Array.from({ length: writes }, (_, i) => post(port, '/incidents/fan/claims', fixtures.deaths(`c-${i}`, 'src', { kind: 'exact', value: i }))));
  t.same(statuses, Array(writes).fill(201), 'every write acknowledged with 201');
  const total = writes + 2;
  const want = Array.from({ length: total }, (_, i) => i);
  t.ok(await until(() => subs.every((s) => s.ids.length >= total) && counted.ids.length >= total, 60_000), 'every subscriber got every change');
  t.equal(subs.filter((s) => JSON.stringify(s.ids) !== JSON.stringify(want)).length, 0, 'each in log order, no gap, no repeat');
  t.same(counted.ids, want, 'the raw-socket subscriber too');
  // The 40 claims were sent at once: they reach each subscriber in far fewer buffers than writes
  // (the history this client caught up on counts as one more).
  t.ok(counted.chunks() <= writes / 2, `${counted.chunks()} buffers carried ${writes} writes`);
});

t.test('SSE: a stalled client is dropped and its socket closed', async (t) => {
  const { rt, port } = await listening(t, { heartbeatMs: 60_000, slowClientMs: 300 });
  await post(port, '/sources', fixtures.source('src'));
  await post(port, '/incidents', fixtures.incident('flood'));
  // A raw socket that sends the request and then never reads: its receive window fills.
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write('GET /changes/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  socket.pause();
  await new Promise((r) => setTimeout(r, 300)); // the server has taken the request and caught the client up
  // Live changes, far more than the socket buffers on both sides hold (each change is ~200 bytes).
  const connections = (): Promise<number> => new Promise((r) => rt.app.server.getConnections((_e, n) => r(n)));
  let isClosed = false;
  let revision = 0n;
  for (let i = 0; i < 60_000 && !isClosed; i += 2000) {
    const batch = Array.from({ length: 2000 }, (_, j) => ({
      eventId: randomUUID(), type: 'ClaimRecorded', schemaVersion: 1,
      data: { claimId: `c-${i + j}`, predicate: 'deaths', value: { kind: 'exact', value: 1 }, sourceId: 'src', statedAt: '2024-10-07' },
      metadata: { actor: 'admin', correlationId: 'flood' },
    }));
    revision = (await rt.store.append(incidentStream('flood'), batch, { expected: revision })).nextRevision;
    await rt.live.waitFor(revision + 1n);
    isClosed = (await connections()) === 0;
  }
  // The server's own count of open sockets: a response merely ended would stay open, queued behind
  // megabytes the client never reads; a destroyed socket is gone at once.
  t.ok(isClosed, 'the server closed (destroyed) the stalled client\'s socket');
  const closed = new Promise<boolean>((r) => { socket.once('close', () => r(true)); setTimeout(() => r(false), 10_000); });
  socket.resume();
  t.ok(await closed, 'the client, reading again, finds the stream closed');
  socket.destroy();
  t.equal((await rt.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
});

t.test('SSE: subscribers are capped per key and in total (503 with Retry-After)', async (t) => {
  const { port } = await listening(t, { heartbeatMs: 60_000, slowClientMs: 30_000 }, { sseMaxSubscribers: 3, sseMaxPerKey: 2 });
  const a = subscribe(port);
  const b = subscribe(port);
  t.teardown(() => { a.req.destroy(); b.req.destroy(); });
  await Promise.all([a.ready, b.ready]);
  const third = await fetch(`http://127.0.0.1:${port}/changes/stream`, { headers: { accept: 'text/event-stream' } });
  t.equal(third.status, 503, 'a third anonymous subscriber from the same address is refused');
  t.ok(third.headers.get('retry-after'));
  t.match(await third.text(), /subscriber/);
  const withKey = new AbortController();
  t.teardown(() => withKey.abort());
  const keyed = await fetch(`http://127.0.0.1:${port}/changes/stream`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${ADMIN_TOKEN}` }, signal: withKey.signal });
  t.equal(keyed.status, 200, 'another key has its own share');
  const fourth = await fetch(`http://127.0.0.1:${port}/changes/stream`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${ADMIN_TOKEN}` } });
  t.equal(fourth.status, 503, 'the total cap holds');
  await fourth.text();
});
