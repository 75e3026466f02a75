/**
 * The background check of the events a snapshot spared: /health says `verifying` while it runs and
 * `ok` once it is done, and the server serves meanwhile; no snapshot is written until it is done.
 */
import fs from 'node:fs';
import t from 'tap';
import { snapshotPath } from '../../src/app/snapshots.ts';
import { openRuntime } from '../../src/cli/runtime.ts';
import { generateLog } from '../../scripts/gen-log.ts';
import { tempDir, testConfig } from '../http/harness.ts';

const EVENTS = 20_000;

t.test('a restart from a snapshot serves at once, says verifying, then ok', async (t) => {
  const dir = tempDir('palimpsest-self-check-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  await generateLog(dir, EVENTS, { quiet: true });
  const first = await openRuntime(testConfig(dir));
  t.equal(first.integrity.status.status, 'ok', 'without a snapshot every event is checked before serving');
  await first.close();
  t.ok(fs.existsSync(snapshotPath(dir)), 'the close wrote a snapshot');
  const written = fs.statSync(snapshotPath(dir)).mtimeMs;

  const rt = await openRuntime(testConfig(dir));
  t.teardown(() => rt.close());
  const during = await rt.app.inject({ method: 'GET', url: '/health' });
  t.equal(during.statusCode, 200);
  t.equal(JSON.parse(during.body).status, 'verifying', `the ${EVENTS} events the snapshot spared are being checked`);
  const read = await rt.app.inject({ method: 'GET', url: '/incidents?limit=1' });
  t.equal(read.statusCode, 200, 'reads are served while verifying');
  await rt.selfCheck;
  const after = await rt.app.inject({ method: 'GET', url: '/health' });
  t.equal(JSON.parse(after.body).status, 'ok', 'then ok');
  t.equal(fs.statSync(snapshotPath(dir)).mtimeMs, written, 'the snapshot was not rewritten while verifying');
});
