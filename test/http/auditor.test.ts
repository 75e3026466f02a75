import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { openRuntime } from '../../src/cli/runtime.ts';
import { seedDemo } from '../../src/cli/seed.ts';
import { ADMIN_TOKEN, fixtures, tempDir, testConfig } from './harness.ts';

const run = promisify(execFile);
const script = path.resolve('scripts/audit-log.mjs');

t.test('an auditor with only the documented algorithms verifies checkpoints and proofs', async (t) => {
  const dir = tempDir();
  const rt = await openRuntime(testConfig(dir));
  t.teardown(async () => {
    await rt.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await seedDemo(rt);
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = rt.app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${addr.port}`;
  const saved = path.join(dir, 'checkpoint-today.txt');
  const keyFile = path.join(dir, 'verifier-key.txt');
  fs.writeFileSync(keyFile, (await rt.app.inject({ url: '/log/public-key' })).body);

  await run(process.execPath, [script, 'save', base, saved]);
  // "next week": more writes
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  await rt.app.inject({ method: 'POST', url: '/incidents', headers, payload: fixtures.incident('next-week') });
  await rt.app.inject({ method: 'POST', url: '/incidents', headers, payload: fixtures.incident('week-after') });

  const ok = await run(process.execPath, [script, 'check', base, saved, keyFile]);
  t.match(ok.stdout, /consistency 62 → 64: ok/);
  t.match(ok.stdout, /leaves 0–63: 64 recomputed from their events/);
  t.match(ok.stdout, /root of the 64 leaves: the signed root, ok/);
  t.match(ok.stdout, /\nok\n$/);

  // A forged checkpoint (root changed, signature kept) is refused.
  const text = fs.readFileSync(saved, 'utf8').split('\n');
  text[2] = Buffer.alloc(32, 7).toString('base64');
  fs.writeFileSync(saved, text.join('\n'));
  const forged = await run(process.execPath, [script, 'check', base, saved, keyFile]).then(() => undefined, (e: { code: number; stderr: string }) => e);
  t.ok(forged, 'the check fails');
  t.match(forged?.stderr, /no valid signature/);

  // A checkpoint validly signed over a different history fails the consistency proof.
  const other = rt.signingKey;
  const { signCheckpoint } = await import('../../src/log/checkpoint.ts');
  fs.writeFileSync(saved, signCheckpoint(other, 62, Buffer.alloc(32, 9)));
  const rewritten = await run(process.execPath, [script, 'check', base, saved, keyFile]).then(() => undefined, (e: { stderr: string }) => e);
  t.match(rewritten?.stderr, /consistency proof FAILED/);
});
