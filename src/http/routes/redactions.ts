import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppServices } from '../services.ts';
import { Index } from '../schemas.ts';
import { problems } from '../schemas/common.ts';
import { RedactionRequest, RedactionWritten } from '../schemas/log.ts';
import { idempotentContext } from '../write.ts';

const RedactionParams = z.strictObject({ index: Index });

/** POST /events/{index}/redactions: admin only (docs/log.md, "Leaf format v2 and redaction"). */
export function redactionRoutes(s: AppServices): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/events/:index/redactions', {
      config: { role: 'admin' },
      schema: {
        tags: ['log'],
        summary: 'Erase string values of one stored event (leaf format 2); every checkpoint and proof stays valid',
        description: 'Admin only. 400 names a path that may not be erased, 404 an index beyond the log, 409 `not-redactable` a v1 event. The FieldsRedacted event (stream `redactions`) names the target and the paths, never the values.',
        params: RedactionParams,
        body: RedactionRequest,
        response: { 201: RedactionWritten, ...problems([400, 401, 403, 404, 409, 413, 415, 422, 429, 503]) },
      },
    }, async (req, reply) => {
      const r = await s.redactions.redact(BigInt(req.params.index), req.body, idempotentContext(req));
      reply.code(201).header('ETag', `"${r.revision}"`);
      if (r.replayed) reply.header('Idempotency-Replayed', 'true');
      return reply.send({
        index: Number(r.index), stream: 'redactions' as const, revision: Number(r.revision), position: String(r.position), target: req.params.index,
      });
    });
  };
}
