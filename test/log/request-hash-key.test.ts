import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { loadOrCreateRequestHashKey, requestHashKeyFile } from '../../src/log/request-hash-key.ts';
import { tempDir } from '../http/harness.ts';

t.test('the request hash key is created once, mode 0600, beside the log key, and refused when damaged', async (t) => {
  const dir = tempDir('palimpsest-rhk-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = requestHashKeyFile(path.join(dir, 'keys', 'log-key.pem'));
  t.equal(file, path.join(dir, 'keys', 'request-hash-key'));
  const key = loadOrCreateRequestHashKey(file);
  t.equal(key.length, 32);
  t.equal(fs.statSync(file).mode & 0o777, 0o600);
  t.same(loadOrCreateRequestHashKey(file), key, 'the same key at the next start');
  t.same(fs.readdirSync(path.dirname(file)), ['request-hash-key'], 'no temporary file left');
  fs.writeFileSync(file, 'c2hvcnQ=\n');
  t.throws(() => loadOrCreateRequestHashKey(file), /not 32 bytes/);
});
