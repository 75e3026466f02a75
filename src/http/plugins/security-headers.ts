import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { AppPart } from './types.ts';

export const securityHeaders: AppPart = async (app) => {
  await app.register(helmet, {
    // Swagger UI at /docs needs inline styles and data: images; everything else is JSON.
    contentSecurityPolicy: {
      directives: { 'img-src': ["'self'", 'data:'], 'style-src': ["'self'", "'unsafe-inline'"], 'script-src': ["'self'"] },
    },
  });
};

/** Only when PALIMPSEST_CORS_ORIGIN names the origins; the headers a browser client must read are exposed. */
export const crossOrigin: AppPart = async (app, s) => {
  if (s.config.corsOrigin === undefined) return;
  await app.register(cors, {
    origin: s.config.corsOrigin.split(',').map((o) => o.trim()),
    exposedHeaders: ['ETag', 'Location', 'X-Correlation-Id', 'Idempotency-Replayed', 'Retry-After'],
  });
};
