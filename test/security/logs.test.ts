import fs from 'node:fs';
import t from 'tap';
import { KeyRing } from '../../src/auth/keys.ts';
import { tempDir } from '../http/harness.ts';
import { sleep, startServer, track } from '../reliability/child-server.ts';

/**
 * The real server's pino output (child stdout) during authenticated requests: no token ever appears,
 * every request line carries the request id, and lines after authentication carry the actor (key id).
 */

const ADMIN = 'log-test-admin-token-0123456789';

t.test('request logs carry reqId and actor, never a token', async (t) => {
  const dir = tempDir('palimpsest-logs-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const editor = new KeyRing(KeyRing.fileIn(dir), ADMIN).create('editor', 'log editor');
  const unknown = `pal_${editor.id}_${'Z'.repeat(43)}`;
  const server = track(t, await startServer({ PALIMPSEST_DATA_DIR: dir, PALIMPSEST_ADMIN_TOKEN: ADMIN }));

  const call = async (method: string, url: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    await res.arrayBuffer();
    // Without X-Correlation-Id the server echoes its request id.
    return { status: res.status, reqId: res.headers.get('x-correlation-id')! };
  };

  const requests = [
    { ...(await call('POST', '/sources', editor.token, { sourceId: 'log-src', name: 'Log', kind: 'news-outlet' })), actor: editor.id, want: 201 },
    { ...(await call('GET', '/incidents', editor.token)), actor: editor.id, want: 200 },
    { ...(await call('GET', '/events', ADMIN)), actor: 'admin', want: 200 },
    { ...(await call('POST', '/incidents', ADMIN, { incidentId: 'log-inc', title: 'x', occurredAt: { start: '2024-10-06', precision: 'day' }, location: { name: 'K', country: 'PK' }, category: 'bombing' })), actor: 'admin', want: 201 },
    // Public read is on: what anonymous clients may read, any key may read too.
    { ...(await call('GET', '/events', editor.token)), actor: editor.id, want: 200 },
    { ...(await call('GET', '/incidents', null)), actor: undefined, want: 200 },
    { ...(await call('GET', '/incidents', unknown)), actor: undefined, want: 401 },
  ];
  for (const r of requests) t.equal(r.status, r.want, `status of request ${r.reqId}`);

  // Wait (bounded) until every request's completion line is out.
  const completed = () => server.logLines().filter((l) => l.msg === 'request completed');
  for (let i = 0; i < 40 && requests.some((r) => !completed().some((l) => l.reqId === r.reqId)); i++) await sleep(100);

  const lines = server.logLines();
  const requestLines = lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed');
  t.ok(requestLines.length >= 2 * requests.length, `${requestLines.length} request log lines`);
  t.ok(requestLines.every((l) => typeof l.reqId === 'string' && l.reqId.length > 0), 'every request line carries reqId');
  for (const r of requests) {
    const done = lines.find((l) => l.msg === 'request completed' && l.reqId === r.reqId);
    t.ok(done, `a completion line for ${r.reqId}`);
    t.equal(done?.actor, r.actor, `completion line of ${r.reqId} names actor ${String(r.actor)}`);
    t.ok(lines.some((l) => l.msg === 'incoming request' && l.reqId === r.reqId), `an incoming line for ${r.reqId}`);
  }

  const out = server.output();
  for (const [what, s] of [['admin token', ADMIN], ['editor token', editor.token], ['editor secret', editor.token.slice(-43)], ['refused token', unknown]] as const) {
    t.notOk(out.includes(s), `the log does not contain the ${what}`);
  }
  t.notOk(/authorization/i.test(out), 'no authorization header is logged');
  await server.kill('SIGTERM');
});
