// The committed typed client matches the server's OpenAPI document: a route or schema change without
// `npm run gen:client` fails here.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { CLIENT_DIR, generatedFiles } from '../../scripts/gen-client.ts';

t.test('src/client is what npm run gen:client generates today', async (t) => {
  const files = await generatedFiles();
  t.same(Object.keys(files).sort(), ['openapi.json', 'schema.ts']);
  for (const [name, text] of Object.entries(files)) {
    t.ok(fs.readFileSync(path.join(CLIENT_DIR, name), 'utf8') === text, `src/client/${name} is up to date (else run npm run gen:client)`);
  }
});
