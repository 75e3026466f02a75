import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { slugId, randomBase36 } from '../../domain/ids.ts';
import type { AppServices } from '../services.ts';
import { AmendSourceBody, RegisterSourceBody, SourceParams, SourcesQuery, AsOfCollectionQuery } from '../schemas.ts';
import { AMEND_ERRORS, CREATE_ERRORS, NotModified, READ_ERRORS, READ_ONE_ERRORS, Written } from '../schemas/common.ts';
import { SourcesPage, SourceView } from '../schemas/sources.ts';
import { asOfFromQuery, readEtag, replyWithEtag } from '../etag.ts';
import { HttpProblem } from '../problems.ts';
import { write } from '../write.ts';

export function sourceRoutes(s: AppServices): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/sources', {
      config: { role: 'editor' },
      schema: { tags: ['sources'], summary: 'Register a source', body: RegisterSourceBody, response: { 201: Written, ...CREATE_ERRORS } },
    }, (req, reply) => write(req, reply, {
      status: 201, idField: 'sourceId', id: (r) => String(r.ids.sourceId), location: (r) => `/sources/${String(r.ids.sourceId)}`,
    }, (ctx) => s.writer.handleSource({ type: 'RegisterSource', ...req.body, sourceId: req.body.sourceId ?? slugId(req.body.name, randomBase36, 'source') }, ctx)));

    app.patch('/sources/:id', {
      config: { role: 'editor' },
      schema: { tags: ['sources'], summary: 'Amend a source (changed fields and a reason)', params: SourceParams, body: AmendSourceBody, response: { 200: Written, ...AMEND_ERRORS } },
    }, (req, reply) => write(req, reply, { status: 200, idField: 'sourceId', id: () => req.params.id }, (ctx) => {
      const { reason, ...changes } = req.body;
      return s.writer.handleSource({ type: 'AmendSource', sourceId: req.params.id, changes, reason }, ctx);
    }));

    app.get('/sources', {
      config: { role: 'reader' },
      schema: { tags: ['sources'], summary: 'List sources with their counts', querystring: SourcesQuery, response: { 200: SourcesPage, ...READ_ERRORS } },
    }, async (req) => s.reads.sources(req.query));

    app.get('/sources/:id', {
      config: { role: 'reader' },
      schema: { tags: ['sources'], summary: 'One source with its counts', params: SourceParams, querystring: AsOfCollectionQuery, response: { 200: SourceView, 304: NotModified, ...READ_ONE_ERRORS } },
    }, async (req, reply) => {
      const source = await s.reads.source(req.params.id, asOfFromQuery(req.query));
      if (!source) throw new HttpProblem('source-not-found', `no source ${req.params.id}`);
      return replyWithEtag(req, reply, readEtag(source.revision, req.query), source);
    });
  };
}
