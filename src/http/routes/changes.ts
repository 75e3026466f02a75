import sseModule, { type SSEPluginOptions } from '@fastify/sse';
import type { FastifyPluginAsync } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changeItem } from '../change-item.ts';
import { SseHub } from '../sse-hub.ts';
import type { AppServices } from '../services.ts';
import { LogEventsQuery } from '../schemas.ts';
import { READ_ERRORS } from '../schemas/common.ts';
import { ChangePage, text } from '../schemas/log.ts';
import { HttpProblem, problem, sendProblem } from '../problems.ts';

// The module's CommonJS export is the plugin wrapped with fastify-plugin (its decorators must reach
// these routes); the named `fastifySSE` export is the unwrapped one. The types call the namespace default.
const ssePlugin = sseModule as unknown as FastifyPluginAsync<SSEPluginOptions>;

const StreamQuery = z.strictObject({ from: LogEventsQuery.shape.from.optional() });

export interface ChangeFeedOptions {
  heartbeatMs: number;
  /** A client that has not taken a write within this time is dropped: its backlog stays in the log, not in memory. */
  slowClientMs: number;
}

export function changeRoutes(s: AppServices, opts: ChangeFeedOptions = { heartbeatMs: 15_000, slowClientMs: 30_000 }): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(ssePlugin, { heartbeatInterval: opts.heartbeatMs });
    const hub = new SseHub(s.live, s.store, { ...opts, maxSubscribers: s.config.sseMaxSubscribers, maxPerKey: s.config.sseMaxPerKey });
    // Open streams end when the server closes: a graceful shutdown must not wait on idle listeners.
    app.addHook('preClose', async () => hub.close());

    app.get('/changes', {
      config: { role: 'reader' },
      schema: {
        tags: ['changes'],
        summary: 'Changes since a log index: the events and the incidents they touched',
        querystring: LogEventsQuery,
        response: { 200: ChangePage, ...READ_ERRORS },
      },
    }, async (req) => {
      const from = BigInt(req.query.from);
      // Only what this instance's read models have applied: a client that follows up with a read sees it.
      const applied = s.live.next;
      const limit = from >= applied ? 0 : Math.min(req.query.limit, Number(applied - from));
      const events = limit === 0 ? [] : await s.store.readAll({ from, limit });
      const items = events.map(changeItem);
      const incidents = [...new Set(items.flatMap((i) => (typeof i.incidentId === 'string' ? [i.incidentId] : [])))].sort();
      const next = from + BigInt(events.length);
      return { items, incidents, nextFrom: Number(next < applied ? next : applied) };
    });

    app.get('/changes/stream', {
      sse: { kind: 'only' },
      config: { role: 'reader' },
      schema: {
        tags: ['changes'],
        summary: 'Server-Sent Events: every change from `from` (or after Last-Event-ID), then live; event ids are log indexes',
        querystring: StreamQuery,
        response: { 200: text('text/event-stream', 'Server-Sent Events: `event: change`, `id: <log index>`, `data: <a ChangeItem as JSON>`; heartbeats as comments'), ...READ_ERRORS },
      },
    }, async (req, reply) => {
      let from = BigInt(req.query.from ?? 0);
      const last = reply.sse.lastEventId;
      if (last !== null) {
        if (!/^\d{1,15}$/.test(last)) throw new HttpProblem('validation', 'Last-Event-ID must be a log index', { errors: [{ in: 'headers', path: '/last-event-id', message: 'must be a log index' }] });
        from = BigInt(last) + 1n;
      }
      const key = req.principal ? `key:${req.principal.id}` : `ip:${req.ip}`;
      const refused = hub.refusal(key);
      if (refused !== undefined) return sendProblem(reply, problem('overloaded', `${refused}; retry later`), { 'Retry-After': '30' });
      // The hub writes to the socket itself: one shared buffer per broadcast, not a send per subscriber.
      reply.sse.keepAlive();
      reply.hijack();
      const headers: OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v;
      reply.raw.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      reply.raw.flushHeaders();
      hub.add(reply.raw, key, from, req.log);
      return reply;
    });
  };
}
