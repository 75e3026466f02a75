import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { ADMIN_TOKEN, fixtures, tempDir } from '../http/harness.ts';
import { startServer, track } from './child-server.ts';

/**
 * The tests run as root, and root ignores file modes, so chmod cannot make the file read-only.
 * The immutable flag (chattr +i, needs CAP_LINUX_IMMUTABLE and ext2/3/4, xfs, btrfs…) binds root
 * too: open(O_RDWR) fails with EPERM and SQLite opens the file read-only, exactly as it does for a
 * non-root user on a 0444 file or a read-only mount.
 */
function chattr(flag: '+i' | '-i', file: string): boolean {
  try {
    execFileSync('chattr', [flag, file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether this machine honours the flag here: probed once on a scratch file. */
function immutableWorks(): boolean {
  const probe = path.join(tempDir(), 'probe');
  fs.writeFileSync(probe, '');
  if (!chattr('+i', probe)) return false;
  chattr('-i', probe);
  return true;
}

const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

const skip = immutableWorks() ? false : 'chattr +i is not available here (no CAP_LINUX_IMMUTABLE, or a filesystem without the flag)';
t.test('a read-only database file: writes 503 and /health degraded; writable again, writes succeed without a restart', { skip }, async (t) => {
  const dir = tempDir();
  const file = path.join(dir, 'events.sqlite3');
  await (await openSqliteStore({ file })).close();
  t.ok(chattr('+i', file), 'the database file is immutable');
  t.teardown(() => chattr('-i', file));
  const server = track(t, await startServer({ PALIMPSEST_DATA_DIR: dir, PALIMPSEST_ADMIN_TOKEN: ADMIN_TOKEN }));
  const post = (url: string, body: unknown) => fetch(`${server.url}${url}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  const health = async () => {
    const res = await fetch(`${server.url}/health`);
    return `${res.status} ${(await res.json() as { status: string }).status}`;
  };

  t.equal(await health(), '200 degraded', '/health says degraded before any write was tried');
  const refused = await post('/sources', fixtures.source('src'));
  t.equal(refused.status, 503, 'a write is refused with 503, not 500');
  t.equal((await refused.json() as { code: string }).code, 'store-unavailable');
  t.ok(refused.headers.get('retry-after'), 'with Retry-After');
  t.equal(await health(), '200 degraded');

  t.ok(chattr('-i', file), 'the file is writable again');
  let status = 0;
  for (let i = 0; i < 100 && status !== 201; i++) {
    status = (await post('/sources', fixtures.source('src'))).status;
    if (status !== 201) await new Promise((r) => setTimeout(r, 200));
  }
  t.equal(status, 201, 'writes succeed again, same process');
  t.equal((await post('/incidents', fixtures.incident('inc'))).status, 201);
  const view = await fetch(`${server.url}/incidents/inc`);
  t.equal(view.status, 200, 'the write is read back (read-your-writes across the reopened connection)');
  t.equal(await health(), '200 ok', '/health is ok again');
  t.equal(server.proc.exitCode, null);
});
