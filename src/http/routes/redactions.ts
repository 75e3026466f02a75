import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppServices } from '../services.ts';
import { Index, ProblemSchema } from '../schemas.ts';
import { writeContext } from '../write.ts';

const RedactionParams = z.strictObject({ index: Index });
const RedactionBody = z.strictObject({
  paths: z.array(z.string().max(1000)).min(1).max(200).describe('JSON Pointers (RFC 6901) into the event’s data, e.g. /citation/quote'),
  reason: z.string().min(1).max(2000).describe('Why (a court order, a privacy request); recorded in the FieldsRedacted event'),
}).meta({ id: 'RedactionRequest' });
const RedactionWritten = z.object({
  index: z.number().int().describe('Log index of the FieldsRedacted event'),
  stream: z.literal('redactions'),
  revision: z.number().int(),
  position: z.string(),
  target: z.number().int().describe('Log index of the redacted event'),
}).meta({ id: 'RedactionWritten' });

/** POST /events/{index}/redactions: admin only (docs/log-format.md, "Redaction"). */
export function redactionRoutes(s: AppServices): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/events/:index/redactions', {
      config: { role: 'admin' },
      schema: {
        tags: ['log'],
        summary: 'Erase string values of one stored event (leaf format 2); every proof stays valid',
        params: RedactionParams,
        body: RedactionBody,
        response: { 201: RedactionWritten, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
      },
    }, async (req, reply) => {
      const r = await s.redactions.redact(BigInt(req.params.index), req.body, writeContext(req));
      return reply.code(201).header('ETag', `"${r.revision}"`).send({
        index: Number(r.index), stream: 'redactions' as const, revision: Number(r.revision), position: String(r.position), target: req.params.index,
      });
    });
  };
}
