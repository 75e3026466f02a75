import t from 'tap';
import { harness, json } from './harness.ts';

const ROUTES: [string, string][] = [
  ['post', '/sources'], ['get', '/sources'], ['get', '/sources/{id}'], ['patch', '/sources/{id}'],
  ['post', '/incidents'], ['get', '/incidents'], ['get', '/incidents/{id}'], ['patch', '/incidents/{id}'],
  ['get', '/incidents/{id}/history'], ['get', '/incidents/{id}/events'], ['post', '/incidents/{id}/claims'],
  ['get', '/incidents/{id}/claims/{claimId}'], ['post', '/incidents/{id}/claims/{claimId}/revisions'],
  ['post', '/incidents/{id}/claims/{claimId}/retractions'], ['post', '/incidents/{id}/claims/{claimId}/corrections'],
  ['post', '/incidents/{id}/claims/{claimId}/rank'], ['get', '/events'], ['get', '/log/checkpoint'], ['get', '/log/checkpoints'], ['get', '/log/public-key'],
  ['get', '/log/proofs/inclusion'], ['get', '/log/proofs/consistency'], ['get', '/changes'], ['get', '/changes/stream'], ['get', '/health'], ['get', '/problems/{code}'],
];

t.test('the OpenAPI 3.1 document lists every route with its schemas and errors', async (t) => {
  const h = await harness(t);
  const res = await h.get('/openapi.json');
  t.equal(res.statusCode, 200);
  const doc = json(res);
  t.equal(doc.openapi, '3.1.0');
  for (const [method, path] of ROUTES) {
    const op = doc.paths[path]?.[method];
    t.ok(op, `${method.toUpperCase()} ${path} is documented`);
    if (!op) continue;
    t.ok(op.responses && Object.keys(op.responses).some((s) => s.startsWith('2')), `${method} ${path} has a success response`);
    if (method !== 'get' || path !== '/health') {
      t.ok(Object.keys(op.responses).some((s) => s.startsWith('4')), `${method} ${path} documents its errors`);
    }
    if (method === 'post' || method === 'patch') t.ok(op.requestBody?.content?.['application/json']?.schema, `${method} ${path} has a body schema`);
  }
  const ref: string = doc.paths['/incidents/{id}/claims'].post.requestBody.content['application/json'].schema.$ref;
  const claim = JSON.stringify(doc.components.schemas[ref.replace('#/components/schemas/', '')]);
  t.match(claim, /karachi-airport-2024|c-airport/, 'the claim example is drawn from the demo data');
  const docs = await h.get('/docs/');
  t.equal(docs.statusCode, 200);
  t.match(docs.body, /swagger/i);
});
