import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KeyRing } from '../../auth/keys.ts';
import { principalOf } from '../auth.ts';
import { problem, sendProblem } from '../problems.ts';

/** Seconds of refill a client may save up: a burst of costly reads, then its steady share. */
const BURST_SECONDS = 4;
const AS_OF = /[?&](asOf|atRevision|knownAt)=/;
const COSTLY_PATH = /^\/incidents\/[^/?]+\/(history|claims\/)/;

interface Bucket { tokens: number; at: number }

/** History, claim and as-of reads: their cost follows the incident's history, not the answer. */
export function isCostly(url: string): boolean {
  return COSTLY_PATH.test(url) || (url.startsWith('/incidents') || url.startsWith('/sources')) && AS_OF.test(url);
}

/**
 * A per-client budget of event-loop time for costly reads: each client (API key, else address)
 * earns `msPerSecond` of handler time per second, up to a few seconds' worth; a costly read is
 * refused with 429 and Retry-After while its budget is spent. What a read cost is measured after
 * it ran, so one read may overdraw the budget and the next ones wait for it to refill. Plain reads
 * and writes are not counted: no single client can take more than its share from them.
 */
export function registerReadBudget(app: FastifyInstance, keys: KeyRing, msPerSecond: number): void {
  if (msPerSecond <= 0) return;
  const buckets = new Map<string, Bucket>();
  const started = new WeakMap<FastifyRequest, number>();
  const cap = msPerSecond * BURST_SECONDS;
  const clientOf = (req: FastifyRequest): string => {
    const p = principalOf(req, keys);
    return p ? `key:${p.id}` : `ip:${req.ip}`;
  };
  const refill = (b: Bucket, now: number): void => {
    b.tokens = Math.min(cap, b.tokens + ((now - b.at) / 1000) * msPerSecond);
    b.at = now;
  };
  // Callback hooks, as on every hot hook: an async one costs a promise and a microtask per request.
  // Whether a read is costly is decided once, in onRequest; the later hooks only look it up.
  const costly = new WeakSet<FastifyRequest>();
  app.addHook('onRequest', (req, reply, done) => {
    if (req.method !== 'GET' || !isCostly(req.url)) return done();
    costly.add(req);
    const now = performance.now();
    const key = clientOf(req);
    const b = buckets.get(key) ?? { tokens: cap, at: now };
    refill(b, now);
    buckets.set(key, b);
    if (b.tokens <= 0) {
      const wait = Math.max(1, Math.ceil(-b.tokens / msPerSecond));
      // Answered here: the request goes no further, so `done` is not called.
      void sendProblem(reply, problem('rate-limited', `this client's budget for costly reads (history, claims, as-of) is spent; retry in ${wait} s`), { 'Retry-After': String(wait) });
      return;
    }
    done();
  });
  app.addHook('preHandler', (req, _reply, done) => {
    if (costly.has(req)) started.set(req, performance.now());
    done();
  });
  app.addHook('onSend', (req, _reply, payload, done) => {
    const t0 = started.get(req);
    if (t0 !== undefined) {
      const b = buckets.get(clientOf(req));
      if (b !== undefined) b.tokens -= performance.now() - t0;
    }
    done(null, payload);
  });
  // Full buckets carry no information: forget them, so the map does not grow with every address seen.
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [k, b] of buckets) {
      refill(b, now);
      if (b.tokens >= cap) buckets.delete(k);
    }
  }, 60_000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));
}
