import http from 'node:http';
import t from 'tap';
import { fixtures, harness } from './harness.ts';

// A write answers once: its status line and headers are written one time, and no error handler
// runs after the answer (a second send threw ERR_HTTP_HEADERS_SENT on every write, each costing
// an error object, a problem answer that went nowhere and a log line).
t.test('a write writes its head once', async (t) => {
  const h = await harness(t);
  t.equal((await h.post('/sources', fixtures.source('src-a'))).statusCode, 201);
  const proto = http.ServerResponse.prototype;
  const original = proto.writeHead;
  const thrown: string[] = [];
  let heads = 0;
  proto.writeHead = function (this: http.ServerResponse, ...args: Parameters<typeof original>) {
    heads += 1;
    try {
      return original.apply(this, args);
    } catch (err) {
      thrown.push((err as { code?: string }).code ?? String(err));
      throw err;
    }
  } as typeof original;
  t.teardown(() => {
    proto.writeHead = original;
  });
  const writes = [
    () => h.post('/incidents', fixtures.incident('inc')),
    () => h.post('/incidents/inc/claims', fixtures.deaths('c-one', 'src-a', { kind: 'exact', value: 2 })),
    () => h.post('/incidents/inc/claims', fixtures.deaths('c-two', 'src-a', { kind: 'exact', value: 3 }), { 'idempotency-key': 'k-1' }),
    () => h.post('/incidents/inc/claims', fixtures.deaths('c-two', 'src-a', { kind: 'exact', value: 3 }), { 'idempotency-key': 'k-1' }),
  ];
  for (const w of writes) {
    heads = 0;
    const res = await w();
    t.equal(res.statusCode, 201, res.body);
    // The answer is complete when inject resolves, but a second send would follow a tick later.
    await new Promise((r) => setImmediate(r));
    t.equal(heads, 1, 'one head per answer');
  }
  t.same(thrown, [], 'no write of a head after the answer');
});
