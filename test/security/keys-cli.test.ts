import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { tempDir } from '../http/harness.ts';
import { runCli, sleep, startServer, track } from '../reliability/child-server.ts';

/**
 * The first start of a real server without keys and without PALIMPSEST_ADMIN_TOKEN, then
 * `palimpsest keys create|list|revoke` as child processes against the same data directory, with the
 * server running: tokens are printed once, never stored or logged, and a revocation applies at once.
 */

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

/** Polls a request until it answers the wanted status (the key ring re-reads keys.json at most once a second). */
async function eventually(fn: () => Promise<number>, want: number, tries = 40): Promise<number> {
  let last = -1;
  for (let i = 0; i < tries; i++) {
    last = await fn();
    if (last === want) return last;
    await sleep(250);
  }
  return last;
}

t.test('first start, keys create/list/revoke against a running server', async (t) => {
  const dir = tempDir('palimpsest-keys-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { PALIMPSEST_DATA_DIR: dir };
  const server = track(t, await startServer(env));

  // The first admin token: a file of mode 0600 named in the log, the token itself nowhere in it.
  const tokenFile = path.join(dir, 'admin-token');
  t.ok(fs.existsSync(tokenFile), 'admin-token written');
  t.equal(mode(tokenFile), 0o600, 'admin-token is mode 0600');
  const admin = fs.readFileSync(tokenFile, 'utf8').trim();
  t.match(admin, /^pal_admin_[A-Za-z0-9_-]{43}$/);
  const warn = server.logLines().find((l) => l.msg !== undefined && String(l.msg).includes('admin token'));
  t.equal(warn?.file, tokenFile, 'the log names the file');
  t.equal(mode(path.join(dir, 'keys.json')), 0o600, 'keys.json is mode 0600');

  const get = async (url: string, token: string) => (await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${token}` } })).status;
  t.equal(await get('/events', admin), 200, 'the first admin token works');

  // keys create: the token on stdout once, only the id on stderr.
  const created = await runCli(['keys', 'create', '--role', 'editor', '--name', 'newsroom-desk'], env);
  t.equal(created.code, 0, created.stderr);
  const lines = created.stdout.trim().split('\n');
  t.equal(lines.length, 1, 'stdout is the token alone');
  const token = lines[0]!;
  const m = /^pal_(newsroom-desk-[0-9a-f]{6})_([A-Za-z0-9_-]{43})$/.exec(token);
  t.ok(m, `token shape: ${token.slice(0, 30)}…`);
  const id = m![1]!;
  const secret = m![2]!;
  t.match(created.stderr, id);
  t.notOk(created.stderr.includes(secret), 'stderr does not repeat the token');

  const keysJson = fs.readFileSync(path.join(dir, 'keys.json'), 'utf8');
  t.equal(mode(path.join(dir, 'keys.json')), 0o600, 'keys.json stays mode 0600 after the CLI rewrote it');
  t.notOk(keysJson.includes(secret), 'keys.json holds no editor secret');
  // The secret is base64url, which may itself contain '_': it is everything after `pal_<id>_`.
  t.notOk(keysJson.includes(admin.replace(/^pal_[a-z0-9-]+_/, '')), 'keys.json holds no admin secret');
  t.match(JSON.parse(keysJson).keys.find((k: { id: string }) => k.id === id), { role: 'editor', name: 'newsroom-desk', salt: String, hash: String });

  // The running server picks the new key up and records its id as the actor.
  t.equal(await eventually(() => get('/incidents', token), 200), 200, 'the new key works in the running server');
  const write = await fetch(`${server.url}/sources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sourceId: 'desk-source', name: 'Desk', kind: 'news-outlet' }),
  });
  t.equal(write.status, 201);
  const ev = (await (await fetch(`${server.url}/events?limit=1`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { items: { metadata: { actor: string } }[] };
  t.equal(ev.items[0]!.metadata.actor, id, 'actor is the key id');
  // Public read is on: a key never has less than no key, so an editor reads the public log too.
  t.equal(await get('/events', token), 200, 'an editor reads the raw log when anonymous clients may');

  // keys list: ids, roles, state; never tokens.
  const listed = await runCli(['keys', 'list'], env);
  t.equal(listed.code, 0, listed.stderr);
  t.match(listed.stdout, new RegExp(`^${id}\\teditor\\tnewsroom-desk\\t\\S+\\tactive$`, 'm'));
  t.match(listed.stdout, /^admin\tadmin\t/m);
  t.notOk(listed.stdout.includes(secret) || listed.stdout.includes('pal_'), 'list shows no token');

  // keys revoke: the running server refuses the token within its re-read interval.
  const revoked = await runCli(['keys', 'revoke', id], env);
  t.equal(revoked.code, 0, revoked.stderr);
  t.equal(await eventually(() => get('/incidents', token), 401), 401, 'the revoked key is refused by the running server');
  t.match((await runCli(['keys', 'list'], env)).stdout, new RegExp(`^${id}\\t.*\\trevoked \\S+$`, 'm'));
  const again = await runCli(['keys', 'revoke', id], env);
  t.equal(again.code, 1, 'revoking twice fails');
  const bad = await runCli(['keys', 'create', '--role', 'superuser', '--name', 'x'], env);
  t.not(bad.code, 0, 'an unknown role is refused');

  // Nothing the server logged contains a token or a secret.
  const out = server.output();
  for (const [what, s] of [['admin token', admin], ['editor token', token], ['editor secret', secret]] as const) {
    t.notOk(out.includes(s), `the server log does not contain the ${what}`);
  }
  t.equal((await server.kill('SIGTERM')).code, 0, 'SIGTERM exits 0');

  // A second start finds the keys and leaves the admin token file alone.
  const before = fs.readFileSync(tokenFile, 'utf8');
  const second = track(t, await startServer(env));
  t.equal(fs.readFileSync(tokenFile, 'utf8'), before, 'no new admin token on a later start');
  t.notOk(second.output().includes('created the first admin token'));
  await second.kill('SIGTERM');
});
