import Fastify, { type FastifyInstance } from 'fastify';
import { type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { registerAuth } from './auth.ts';
import { registerErrorHandling } from './errors.ts';
import { applyConnectionLimits, connectionCap } from './plugins/connection-limits.ts';
import { jsonContentType, strictJson, wellFormedUnicode } from './plugins/body-checks.ts';
import { apiDocs } from './plugins/docs.ts';
import { integrityGate } from './plugins/integrity-gate.ts';
import { overload, rateLimits, readBudget } from './plugins/load-limits.ts';
import { closeConnectionsOnShutdown, correlationHeader } from './plugins/request-headers.ts';
import { crossOrigin, securityHeaders } from './plugins/security-headers.ts';
import type { AppOptions, AppPart } from './plugins/types.ts';
import { problem, sendProblem } from './problems.ts';
import { changeRoutes } from './routes/changes.ts';
import { claimRoutes } from './routes/claims.ts';
import { healthRoutes } from './routes/health.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { logRoutes } from './routes/log.ts';
import { problemRoutes } from './routes/problems.ts';
import { redactionRoutes } from './routes/redactions.ts';
import { sourceRoutes } from './routes/sources.ts';
import type { AppServices } from './services.ts';
import { validatorCompiler } from './validation.ts';

export type { AppOptions } from './plugins/types.ts';

const errorAnswers: AppPart = (app) => registerErrorHandling(app);
const authentication: AppPart = (app, s) => registerAuth(app, s.keys, s.config.publicRead);
/** Each resource is a plugin of its own: its routes, schemas and hooks. */
const resources: AppPart = async (app, s, opts) => {
  await app.register(healthRoutes(s));
  await app.register(sourceRoutes(s));
  await app.register(incidentRoutes(s));
  await app.register(claimRoutes(s));
  await app.register(logRoutes(s));
  await app.register(redactionRoutes(s));
  await app.register(changeRoutes(s, opts.changeFeed));
  await app.register(problemRoutes());
  // The web app last: its catch-all must not shadow an API route.
  await app.register((await import('./web-app.ts')).webAppRoutes());
};

/** The app, part by part, in the order the parts must apply (the security headers before the 415 check…). */
const PARTS: readonly AppPart[] = [
  errorAnswers,
  strictJson,
  correlationHeader,
  closeConnectionsOnShutdown,
  securityHeaders,
  jsonContentType,
  wellFormedUnicode,
  crossOrigin,
  overload,
  rateLimits,
  integrityGate,
  authentication,
  readBudget,
  apiDocs,
  resources,
];

export async function buildApp(s: AppServices, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: s.config.bodyLimit,
    requestTimeout: s.config.requestTimeoutMs,
    // A socket with no traffic either way for this long is closed (SSE heartbeats keep streams alive).
    connectionTimeout: s.config.idleTimeoutMs,
    keepAliveTimeout: Math.min(5000, s.config.idleTimeoutMs),
    http: { headersTimeout: Math.min(10_000, s.config.requestTimeoutMs) },
    genReqId: () => randomUUID(),
    // Prototype-pollution keys in a body are refused, not stripped.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: 200 },
    // Errors the router raises before any hook (a malformed %-escape, a path segment over
    // maxParamLength): problem+json like every other error, not fastify's own JSON.
    frameworkErrors: (err, _req, reply) => {
      void sendProblem(reply, problem('bad-request', err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is longer than 200 characters' : err.message));
    },
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>();

  applyConnectionLimits(app.server, { maxConnections: connectionCap(s.config.maxConnections) }, app.log);
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; answers are serialised as they are, without a second zod pass.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  for (const part of PARTS) await part(app, s, opts);
  return app;
}
