import rateLimit from '@fastify/rate-limit';
import { principalOf } from '../auth.ts';
import { registerLoadShedding } from './load-shedding.ts';
import { registerReadBudget } from './read-budget.ts';
import type { AppPart } from './types.ts';

/** Only the event-loop delay: utilisation reaches 1 in any legitimate burst of CPU-bound work. */
export const overload: AppPart = (app, s) => registerLoadShedding(app, s.config.maxEventLoopDelayMs);

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

/** After authentication: a costly read is charged to the caller's key when it has one. */
export const readBudget: AppPart = (app, s) => registerReadBudget(app, s.keys, s.config.readBudgetMs);
