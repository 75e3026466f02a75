import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_GRANTS, type KeyRing, type Principal, type Role } from '../auth/keys.ts';
import { HttpProblem } from './problems.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role a route needs; routes without one (health, docs) are open. */
    role?: Role;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

/** Anonymous clients, when public reads are on, read projections and the log as readers and auditors. */
const ANONYMOUS_GRANTS: readonly Role[] = ['reader', 'auditor'];

/** Each request's bearer token, resolved once: null for a token that names no active key. */
const resolved = new WeakMap<FastifyRequest, Principal | null>();
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The principal the request's Authorization header stands for: undefined without a header, null for
 * an unknown, revoked or malformed token. Shared by the rate limiter and authentication, so a token
 * is checked once per request.
 */
export function principalOf(req: FastifyRequest, keys: KeyRing): Principal | null | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  let p = resolved.get(req);
  if (p === undefined) {
    const m = BEARER.exec(header);
    p = (m ? keys.authenticate(m[1]!) : undefined) ?? null;
    resolved.set(req, p);
  }
  return p;
}

export function registerAuth(app: FastifyInstance, keys: KeyRing, publicRead: boolean): void {
  app.decorateRequest('principal', undefined);
  // preParsing, not onRequest: @fastify/rate-limit's hook is route-level, so it runs after every
  // app-level onRequest hook; authenticating later lets requests with bad tokens be rate limited too.
  // A callback hook: an async one costs a promise and a microtask on every request.
  app.addHook('preParsing', (req: FastifyRequest, reply: FastifyReply, payload, done) => {
    try {
      authenticate(req, reply, keys, publicRead);
    } catch (err) {
      return done(err as Error);
    }
    done(null, payload);
  });
}

function authenticate(req: FastifyRequest, reply: FastifyReply, keys: KeyRing, publicRead: boolean): void {
  const principal = principalOf(req, keys);
  if (principal !== undefined) {
    // An unknown key is refused even on public reads: a client that sends a key expects it to count.
    if (principal === null) throw new HttpProblem('unauthorized', 'the bearer token is unknown, revoked or malformed', {}, { 'WWW-Authenticate': 'Bearer' });
    req.principal = principal;
    // The key id (never the token) on this request's later log lines, "request completed" included.
    req.log = reply.log = req.log.child({ actor: principal.id });
  }
  const needed = req.routeOptions.config?.role;
  if (needed === undefined) return;
  if (req.principal === undefined) {
    if (publicRead && ANONYMOUS_GRANTS.includes(needed)) return;
    throw new HttpProblem('unauthorized', `this route needs a key with the ${needed} role`, {}, { 'WWW-Authenticate': 'Bearer' });
  }
  // A key never has less than no key: what anonymous clients may read, any key may read too.
  if (publicRead && ANONYMOUS_GRANTS.includes(needed)) return;
  if (!ROLE_GRANTS[req.principal.role].includes(needed)) {
    throw new HttpProblem('forbidden', `the key's role ${req.principal.role} may not do this (needs ${needed})`);
  }
}
