import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppServices } from '../services.ts';
import * as ex from '../schemas/examples.ts';
import { ProblemSchema, problems } from '../schemas/common.ts';

const LeafRef = z.object({ index: z.number().int(), stream: z.string(), revision: z.number().int() });

const Health = z.object({
  status: z.enum(['ok', 'degraded', 'down', 'verifying', 'tampered'])
    .describe('verifying: events a snapshot spared are still being checked in the background; tampered: the store failed its self-check and no data is served'),
  store: z.object({ kind: z.string(), reachable: z.boolean() }),
  index: z.number().int().nullable().describe('Size of the global log (the next index), null when the store is unreachable'),
  projections: z.object({ index: z.number().int(), lag: z.number().int().nullable() }),
  firstBadLeaf: LeafRef.optional().describe('When tampered: the first leaf whose event or stored leaf hash is not the one signed'),
  readModel: z.string().optional().describe("When tampered by a snapshot: the read model whose state is not the log's"),
  items: z.array(z.string()).optional().describe('When tampered by a snapshot: the incidents or sources that differ'),
  reason: z.string().optional().describe('When tampered: what does not match, in one sentence'),
}).meta({ id: 'Health', examples: [ex.health] });

/** A projection this far behind the log is reported as degraded. */
const DEGRADED_LAG = 1000n;

export function healthRoutes(s: AppServices): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/health', {
      schema: { tags: ['operations'], summary: 'Store reachability and projection lag', response: { 200: Health, 503: {
        description: 'Down (the store is unreachable or a projection failed), tampered (the store failed its self-check: firstBadLeaf, or readModel and items), or overloaded (problem+json, with Retry-After)',
        content: { 'application/json': { schema: Health }, 'application/problem+json': { schema: ProblemSchema } },
      }, ...problems([401]) } },
    }, async (_req, reply) => {
      let size: bigint | undefined;
      const reachable = await s.store.ping().catch(() => false);
      if (reachable) size = await s.store.size().catch(() => undefined);
      const lag = size === undefined ? undefined : size - s.live.next;
      const down = !reachable || size === undefined || s.live.failed !== undefined;
      const check = s.integrity.status;
      if (check.status === 'tampered') {
        const { status, ...fault } = check;
        return reply.code(503).send({
          status,
          store: { kind: s.store.kind, reachable },
          index: size === undefined ? null : Number(size),
          projections: { index: Number(s.live.next), lag: lag === undefined ? null : Number(lag) },
          ...fault,
        });
      }
      const writesFail = s.store.writeFault?.() !== undefined;
      const health = writesFail || !s.live.caughtUp || (lag ?? 0n) > DEGRADED_LAG ? 'degraded' : check.status;
      const status = down ? 'down' : health;
      return reply.code(down ? 503 : 200).send({
        status,
        store: { kind: s.store.kind, reachable },
        index: size === undefined ? null : Number(size),
        projections: { index: Number(s.live.next), lag: lag === undefined ? null : Number(lag) },
      });
    });
  };
}
