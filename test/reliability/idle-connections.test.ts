import http from 'node:http';
import net from 'node:net';
import t from 'tap';
import { tempDir } from '../http/harness.ts';
import { startServer, track } from './child-server.ts';

/** GET /health on a fresh connection; resolves with the status code (bounded by a timeout). */
function health(port: number, timeoutMs = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('/health did not answer')));
    req.on('error', reject);
  });
}

/** Opens `count` TCP connections that send nothing, in waves so the listen backlog is not the bottleneck. */
async function idleConnections(port: number, count: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i += 250) {
    const wave = Array.from({ length: Math.min(250, count - i) }, () => new Promise<void>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      sockets.push(s);
      s.on('connect', () => resolve()).on('error', () => resolve()).on('close', () => resolve());
    }));
    await Promise.all(wave);
  }
  return sockets;
}

// The server runs with a soft descriptor limit of 1024 (lowered in its own shell, which any user
// may do), so 5,000 idle connections are five times what it could hold: without a cap the
// accept path and every sampler that opens a file hit EMFILE.
t.test('5,000 idle TCP connections leave the server up and /health answering', async (t) => {
  const server = track(t, await startServer({ PALIMPSEST_DATA_DIR: tempDir(), PALIMPSEST_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef' }, 60_000, 1024));
  const sockets = await idleConnections(server.port, 5000);
  t.teardown(() => { for (const s of sockets) s.destroy(); });
  t.equal(await health(server.port), 200, '/health answers while the idle connections are open');
  // A second wave after the first was taken: the server still accepts and still answers.
  const more = await idleConnections(server.port, 1000);
  t.teardown(() => { for (const s of more) s.destroy(); });
  t.equal(await health(server.port), 200, '/health answers after a second wave');
  t.equal(server.proc.exitCode, null, 'the server is still running');
  t.notMatch(server.output(), /shutting down after an error|EMFILE/, 'nothing treated descriptor exhaustion as fatal');
});
