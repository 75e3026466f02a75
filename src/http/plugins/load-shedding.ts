import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { problem, sendProblem } from '../problems.ts';

const SAMPLE_MS = 1000;
const RESOLUTION_MS = 10;

/**
 * 503 + Retry-After while the event loop's mean delay over the last second exceeds `maxDelayMs`
 * (0: off). It replaces @fastify/under-pressure, whose sampler calls process.memoryUsage() on a
 * timer: that opens /proc/self/statm, and when descriptors ran out it threw EMFILE from a timer,
 * an uncaught exception that shut the server down. A delay histogram needs no descriptor.
 */
export function registerLoadShedding(app: FastifyInstance, maxDelayMs: number): void {
  if (maxDelayMs <= 0) return;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let delay = 0;
  const timer = setInterval(() => {
    const mean = histogram.mean / 1e6 - RESOLUTION_MS;
    delay = Number.isNaN(mean) ? 0 : Math.max(0, mean);
    histogram.reset();
  }, SAMPLE_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    histogram.disable();
  });
  app.addHook('onRequest', async (_req, reply) => {
    if (delay > maxDelayMs) {
      return sendProblem(reply, problem('overloaded', `the server is overloaded (eventLoopDelay: ${Math.round(delay)} ms); retry later`), { 'Retry-After': '5' });
    }
    return undefined;
  });
}
