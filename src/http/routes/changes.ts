import sseModule, { type SSEPluginOptions } from '@fastify/sse';
import type { FastifyPluginAsync } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { INCIDENT_STREAM_PREFIX, SOURCE_STREAM_PREFIX } from '../../domain/events.ts';
import type { StoredEvent } from '../../store/port.ts';
import type { AppServices } from '../services.ts';
import { LogEventsQuery } from '../schemas.ts';
import { READ_ERRORS } from '../schemas/common.ts';
import { ChangeItem, ChangePage, text } from '../schemas/log.ts';
import { HttpProblem } from '../problems.ts';

// The module's CommonJS export is the plugin wrapped with fastify-plugin (its decorators must reach
// these routes); the named `fastifySSE` export is the unwrapped one. The types call the namespace default.
const ssePlugin = sseModule as unknown as FastifyPluginAsync<SSEPluginOptions>;

/** One change: what happened, and which incident or source it touched (ACLED-style sync). */
export function changeItem(e: StoredEvent): z.infer<typeof ChangeItem> {
  const data = e.data as { claimId?: unknown };
  return {
    index: Number(e.index),
    type: e.type,
    recordedAt: e.recordedAt,
    actor: e.metadata.actor,
    stream: e.stream,
    ...(e.stream.startsWith(INCIDENT_STREAM_PREFIX) ? { incidentId: e.stream.slice(INCIDENT_STREAM_PREFIX.length) } : {}),
    ...(e.stream.startsWith(SOURCE_STREAM_PREFIX) ? { sourceId: e.stream.slice(SOURCE_STREAM_PREFIX.length) } : {}),
    ...(typeof data.claimId === 'string' ? { claimId: data.claimId } : {}),
    revision: Number(e.revision),
  };
}

const StreamQuery = z.strictObject({ from: LogEventsQuery.shape.from.optional() });

export interface ChangeFeedOptions {
  heartbeatMs: number;
  /** A client that has not taken a write within this time is dropped: its backlog stays in the log, not in memory. */
  slowClientMs: number;
}

export function changeRoutes(s: AppServices, opts: ChangeFeedOptions = { heartbeatMs: 15_000, slowClientMs: 30_000 }): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(ssePlugin, { heartbeatInterval: opts.heartbeatMs });
    // Open streams end when the server closes: a graceful shutdown must not wait on idle listeners.
    const streams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of streams) end();
    });

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
      reply.sse.keepAlive();
      let wake: (() => void) | undefined;
      const unsubscribe = s.live.onEvent(() => wake?.());
      let open = true;
      let closed!: () => void;
      const whenClosed = new Promise<void>((resolve) => {
        closed = resolve;
      });
      const end = (): void => {
        open = false;
        wake?.();
        closed();
      };
      streams.add(end);
      reply.sse.onClose(end);
      try {
        while (open) {
          if (from >= s.live.next) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              if (!open || from < s.live.next) resolve();
            });
            wake = undefined;
            continue;
          }
          const page = await s.store.readAll({ from, limit: Math.min(500, Number(s.live.next - from)) });
          for (const e of page) {
            const sent = reply.sse.send({ id: String(e.index), event: 'change', data: changeItem(e) });
            const taken = await within(sent, opts.slowClientMs, whenClosed);
            if (taken === 'closed') break;
            if (taken === 'timeout') {
              req.log.info({ index: Number(e.index) }, 'dropping a slow change-feed client');
              open = false;
              break;
            }
          }
          from += BigInt(page.length);
        }
      } finally {
        streams.delete(end);
        unsubscribe();
        reply.sse.close();
      }
    });
  };
}

/** How a write ended: taken by the client, still waiting on 'drain' after ms (a stalled client), or the stream closed. */
async function within(p: Promise<void>, ms: number, closed: Promise<void>): Promise<'sent' | 'timeout' | 'closed'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([p.then(() => 'sent' as const), timeout, closed.then(() => 'closed' as const)]);
  } finally {
    clearTimeout(timer);
  }
}
