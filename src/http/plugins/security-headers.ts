import cors from '@fastify/cors';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppPart } from './types.ts';

const HELMET_OPTIONS = {
  // Swagger UI at /docs needs inline styles and data: images; everything else is JSON.
  contentSecurityPolicy: {
    directives: { 'img-src': ["'self'", 'data:'], 'style-src': ["'self'", "'unsafe-inline'"], 'script-src': ["'self'"] },
  },
};

/**
 * The header set helmet's middleware writes, computed once: the same for every answer (no route
 * has options of its own, no nonces), so building it per request (helmet parses the CSP
 * directives each time) would only cost CPU and garbage on the read path.
 */
export function securityHeaderSet(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      // Lower case, as fastify keeps them: reply.header then stores each without a new string.
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return res;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  helmet(HELMET_OPTIONS)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err !== undefined) throw err instanceof Error ? err : new Error(String(err));
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously');
  return Object.freeze(headers);
}

export const securityHeaders: AppPart = (app) => {
  const headers = securityHeaderSet();
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
};

/** Only when PALIMPSEST_CORS_ORIGIN names the origins; the headers a browser client must read are exposed. */
export const crossOrigin: AppPart = async (app, s) => {
  if (s.config.corsOrigin === undefined) return;
  await app.register(cors, {
    origin: s.config.corsOrigin.split(',').map((o) => o.trim()),
    // PATCH is not among the CORS defaults (GET, HEAD, POST…): without it browsers cannot amend.
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'OPTIONS'],
    exposedHeaders: ['ETag', 'Location', 'X-Correlation-Id', 'Idempotency-Replayed', 'Retry-After'],
  });
};
