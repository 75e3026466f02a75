import { demoRequests, type DemoRequest } from '../demo/dataset.ts';
import type { Runtime } from './runtime.ts';

export class SeedError extends Error {
  override readonly name = 'SeedError';
}

/**
 * Loads the demo dataset through the real HTTP routes, as a fact-checker would send it, under the
 * actor `system` (docs/configuration.md, PALIMPSEST_DEMO: its events are recorded at load time, so knownAt tells the story).
 */
export async function seedDemo(rt: Runtime, requests: readonly DemoRequest[] = demoRequests): Promise<number> {
  const token = rt.keys.createEphemeral('system', 'admin');
  // The load is one operation: its requests are not logged one by one.
  const level = rt.app.log.level;
  rt.app.log.level = 'warn';
  try {
    for (const r of requests) {
      const res = await rt.app.inject({
        method: r.method,
        url: r.path,
        payload: r.body,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-correlation-id': 'demo-seed' },
      });
      if (res.statusCode >= 300) throw new SeedError(`demo request ${r.method} ${r.path} answered ${res.statusCode}: ${res.body}`);
    }
    return requests.length;
  } finally {
    rt.app.log.level = level;
    rt.keys.dropEphemeral(token);
  }
}

/** `npm start` on an empty store loads the demo unless PALIMPSEST_DEMO=false. */
export async function seedIfEmpty(rt: Runtime): Promise<number> {
  if (!rt.config.demo || (await rt.store.size()) > 0n) return 0;
  return seedDemo(rt);
}
