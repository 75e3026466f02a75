import { describeLeaf } from '../../app/integrity.ts';
import { HttpProblem } from '../problems.ts';
import type { AppPart } from './types.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Still answered when the store failed its self-check: it serves nothing read from the store's data. */
    servedWhenTampered?: boolean;
  }
}

/**
 * A store that failed its self-check serves no reads and no writes of its data (docs/log.md, "The
 * server checks itself"): every route that needs a role answers 503 `tampered`, unless it serves
 * nothing of the store (the verifier key, the kept checkpoints). /health, the docs and the problem
 * pages stay open, so an operator can see why.
 */
export const integrityGate: AppPart = (app, s) => {
  app.addHook('onRequest', (req, _reply, done) => {
    const fault = s.integrity.tampered;
    if (fault === undefined) return done();
    const config = req.routeOptions.config;
    if (config?.role === undefined || config.servedWhenTampered === true) return done();
    const leaf = fault.firstBadLeaf !== undefined ? ` (first bad ${describeLeaf(fault.firstBadLeaf)})` : '';
    done(new HttpProblem('tampered', `the store failed its integrity check${leaf}: no data is served until an operator restores it; see /health`));
  });
};
