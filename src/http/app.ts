import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { principalOf, registerAuth } from './auth.ts';
import { applyConnectionLimits, connectionCap } from './connection-limits.ts';
import { registerErrorHandling } from './errors.ts';
import { registerLoadShedding } from './load-shedding.ts';
import { registerReadBudget } from './read-budget.ts';
import { registerStrictJson } from './strict-json.ts';
import { HttpProblem, jsonPointer, problem, sendProblem } from './problems.ts';
import { claimRoutes } from './routes/claims.ts';
import { healthRoutes } from './routes/health.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { logRoutes } from './routes/log.ts';
import { sourceRoutes } from './routes/sources.ts';
import { changeRoutes, type ChangeFeedOptions } from './routes/changes.ts';
import type { AppServices } from './services.ts';
import { correlationId } from './write.ts';

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/** With the u flag a class of surrogates matches only unpaired ones. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * The JSON Pointer of the first string or key holding a lone surrogate (JSON's `"\ud800"`), which
 * RFC 8785 (the leaf hash of every event) cannot encode; iterative, so deep bodies cannot overflow.
 */
function loneSurrogateAt(body: unknown): string | undefined {
  const stack: [unknown, string][] = [[body, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return at;
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const p = `${at}${jsonPointer([k])}`;
        if (LONE_SURROGATE.test(k)) return p;
        stack.push([x, p]);
      }
    }
  }
  return undefined;
}

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  changeFeed?: ChangeFeedOptions;
}

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
  registerErrorHandling(app);
  registerStrictJson(app);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Correlation-Id', correlationId(req));
  });
  // On close, answers to the requests still in flight end their connection: a keep-alive socket left
  // idle after close() began is not closed by the server and would hold shutdown for its keep-alive timeout.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) reply.header('Connection', 'close');
    return payload;
  });

  await app.register(helmet, {
    // Swagger UI at /docs needs inline styles and data: images; everything else is JSON.
    contentSecurityPolicy: {
      directives: { 'img-src': ["'self'", 'data:'], 'style-src': ["'self'", "'unsafe-inline'"], 'script-src': ["'self'"] },
    },
  });
  // After helmet, so a 415 carries the security headers too.
  app.addHook('onRequest', async (req) => {
    if ((req.method === 'POST' || req.method === 'PATCH') && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      throw new HttpProblem('unsupported-media-type', 'writes take a JSON body with Content-Type: application/json');
    }
  });
  // A body that is not well-formed Unicode is refused before validation, not failed on at append (500).
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined || req.body === null) return;
    const at = loneSurrogateAt(req.body);
    if (at !== undefined) {
      throw new HttpProblem('validation', `body ${at || '/'}: not well-formed Unicode (a lone surrogate)`, {
        errors: [{ in: 'body', path: at, message: 'must be well-formed Unicode (no lone surrogates)' }],
      });
    }
  });
  if (s.config.corsOrigin !== undefined) {
    await app.register(cors, {
      origin: s.config.corsOrigin.split(',').map((o) => o.trim()),
      // PATCH is not among the CORS defaults (GET, HEAD, POST…): without it browsers cannot amend.
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'OPTIONS'],
      exposedHeaders: ['ETag', 'Location', 'X-Correlation-Id', 'Idempotency-Replayed', 'Retry-After'],
    });
  }
  // Only the event-loop delay: utilisation reaches 1 in any legitimate burst of CPU-bound work.
  registerLoadShedding(app, s.config.maxEventLoopDelayMs);
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
  registerAuth(app, s.keys, s.config.publicRead);
  registerReadBudget(app, s.keys, s.config.readBudgetMs);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Palimpsest',
        version: '0.1.0',
        description:
          'What the news says about violent incidents, and how that changes: claims, revisions, retractions, errata and rankings as immutable events, served as a current view with its provenance and a verifiable log.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key: pal_<key id>_<secret>' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'incidents' }, { name: 'claims' }, { name: 'sources' }, { name: 'log' }, { name: 'changes' }, { name: 'operations' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes(s));
  await app.register(sourceRoutes(s));
  await app.register(incidentRoutes(s));
  await app.register(claimRoutes(s));
  await app.register(logRoutes(s));
  await app.register(changeRoutes(s, opts.changeFeed));
  return app;
}
