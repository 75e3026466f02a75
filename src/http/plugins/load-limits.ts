import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import { principalOf } from '../auth.ts';
import { problem, sendProblem } from '../problems.ts';
import type { AppPart } from './types.ts';

/** Only the event-loop delay: utilisation reaches 1 in any legitimate burst of CPU-bound work. */
export const overload: AppPart = async (app, s) => {
  await app.register(underPressure, {
    maxEventLoopDelay: s.config.maxEventLoopDelayMs,
    retryAfter: 5,
    exposeStatusRoute: false,
    pressureHandler: (_req, reply, type, value) => {
      void sendProblem(reply, problem('overloaded', `the server is overloaded (${type}: ${String(value)}); retry later`), { 'Retry-After': '5' });
    },
  });
};

export const rateLimits: AppPart = async (app, s) => {
  await app.register(rateLimit, {
    max: s.config.rateLimit,
    timeWindow: 60_000,
    // Per key when the request carries a valid one, else per client address: a forged token naming
    // someone's key id spends the sender's budget, not the key holder's.
    keyGenerator: (req) => {
      const principal = principalOf(req, s.keys);
      return principal ? `key:${principal.id}` : `ip:${req.ip}`;
    },
    allowList: (req) => req.url === '/health',
  });
};
