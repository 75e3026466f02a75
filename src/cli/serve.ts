import closeWithGrace from 'close-with-grace';
import { Command } from 'commander';
import { openRuntime } from './runtime.ts';
import { seedDemo, seedIfEmpty } from './seed.ts';
import { loadConfig } from '../config.ts';

const LOGGER = {
  level: process.env.LOG_LEVEL ?? 'info',
  // Tokens never reach the log, even if a serializer someday includes headers.
  redact: ['req.headers.authorization', 'headers.authorization'],
};

export function serveCommand(): Command {
  return new Command('serve').description('serve the REST API and the web app at /ui/ (loads the demo dataset into an empty store unless PALIMPSEST_DEMO=false)').action(async () => {
    const config = loadConfig();
    const rt = await openRuntime(config, { logger: LOGGER });
    if (rt.adminTokenFile) rt.app.log.warn({ file: rt.adminTokenFile }, 'created the first admin token; read it from this file (mode 0600)');
    const started = Date.now();
    const loaded = await seedIfEmpty(rt);
    if (loaded > 0) rt.app.log.info({ requests: loaded, ms: Date.now() - started }, 'loaded the demo dataset');
    // SIGTERM/SIGINT: stop accepting, let in-flight writes finish, then close the store.
    closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
      if (err) rt.app.log.error({ err }, 'shutting down after an error');
      else rt.app.log.info({ signal }, 'shutting down');
      await rt.close();
    });
    await rt.app.listen({ port: config.port, host: config.host });
    // On stdout, apart from the JSON log, so a person who ran `npm start` sees where to go.
    const address = rt.app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
    console.log(`Palimpsest is running:\n  web app   http://${host}:${port}/ui/\n  API docs  http://${host}:${port}/docs`);
  });
}

export function seedCommand(): Command {
  return new Command('seed').description('load the demo dataset (into an empty store)').option('--force', 'load even when the store is not empty').action(async (opts: { force?: boolean }) => {
    const config = loadConfig();
    const rt = await openRuntime(config);
    try {
      const size = await rt.store.size();
      if (size > 0n && !opts.force) {
        console.error(`the store already holds ${size} events; use --force to load the demo anyway`);
        process.exitCode = 1;
        return;
      }
      const started = performance.now();
      const n = await seedDemo(rt);
      console.log(`loaded ${n} demo requests (${await rt.store.size()} events) in ${Math.round(performance.now() - started)} ms`);
    } finally {
      await rt.close();
    }
  });
}
