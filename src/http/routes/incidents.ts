import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { isPlain } from '../../app/reads.ts';
import { randomBase36, slugId } from '../../domain/ids.ts';
import type { AppServices } from '../services.ts';
import { AmendIncidentBody, AsOfQuery, HistoryQuery, IncidentParams, RegisterIncidentBody, StreamEventsQuery, TimelineQuery } from '../schemas.ts';
import { AMEND_ERRORS, CREATE_ERRORS, NotModified, READ_ERRORS, READ_ONE_ERRORS, Written } from '../schemas/common.ts';
import { HistoryPage, IncidentView, TimelinePage } from '../schemas/incidents.ts';
import { EventsPage } from '../schemas/log.ts';
import { asOfFromQuery, readEtag, replyWithEtag } from '../etag.ts';
import { HttpProblem } from '../problems.ts';
import { write } from '../write.ts';
import { itemsJson, keptViewBytes, pageJson, ReadModelTexts, sendJsonText, viewBytes } from '../json-cache.ts';
import { eventItem } from './log.ts';

type AsOfQueryT = z.infer<typeof AsOfQuery>;

/** A view read the slow way: an as-of read, or the first read of a revision (which keeps its bytes). */
async function readIncident(s: AppServices, id: string, q: AsOfQueryT, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const view = await s.reads.incident(id, asOfFromQuery(q));
  if (!view) throw new HttpProblem('incident-not-found', `no incident ${id}${q.asOf || q.atRevision !== undefined || q.knownAt ? ' at that point' : ''}`);
  replyWithEtag(req, reply, readEtag(view.revision, q), 'text' in view ? view.text : await viewBytes(view));
}

/** Bytes of timeline pages kept for the read models' current index. */
const TIMELINE_TEXT_BYTES = 4 * 1024 * 1024;

export function incidentRoutes(s: AppServices): FastifyPluginAsyncZod {
  return async (app) => {
    const timelineTexts = new ReadModelTexts(TIMELINE_TEXT_BYTES);
    app.post('/incidents', {
      config: { role: 'editor' },
      schema: { tags: ['incidents'], summary: 'Register an incident', body: RegisterIncidentBody, response: { 201: Written, ...CREATE_ERRORS } },
    }, (req, reply) => write(req, reply, {
      status: 201, idField: 'incidentId', id: (r) => String(r.ids.incidentId), location: (r) => `/incidents/${String(r.ids.incidentId)}`,
    }, (ctx) => s.writer.handleIncident({ type: 'RegisterIncident', ...req.body, incidentId: req.body.incidentId ?? slugId(req.body.title, randomBase36) }, ctx)));

    app.patch('/incidents/:id', {
      config: { role: 'editor' },
      schema: { tags: ['incidents'], summary: 'Amend an incident (changed fields and a reason)', params: IncidentParams, body: AmendIncidentBody, response: { 200: Written, ...AMEND_ERRORS } },
    }, (req, reply) => write(req, reply, { status: 200, idField: 'incidentId', id: () => req.params.id }, (ctx) => {
      const { reason, ...changes } = req.body;
      return s.writer.handleIncident({ type: 'AmendIncident', incidentId: req.params.id, changes, reason }, ctx);
    }));

    app.get('/incidents', {
      config: { role: 'reader' },
      schema: { tags: ['incidents'], summary: 'Timeline of incidents with headline facts', querystring: TimelineQuery, response: { 200: TimelinePage, ...READ_ERRORS } },
    }, (req, reply) => {
      // A plain page depends only on the read models' index and the query: answered from the bytes
      // once made, without a promise.
      const plain = req.query.asOf === undefined && req.query.knownAt === undefined;
      const applied = s.live.applied;
      const cached = plain ? timelineTexts.get(applied, req.url) : undefined;
      if (cached !== undefined) {
        sendJsonText(reply, cached);
        return undefined;
      }
      return (async () => {
        const page = await s.reads.timeline(req.query);
        const text = Buffer.from(pageJson(page.items, { nextCursor: page.nextCursor }));
        if (plain) timelineTexts.set(applied, req.url, text);
        sendJsonText(reply, text);
      })();
    });

    app.get('/incidents/:id', {
      config: { role: 'reader' },
      schema: { tags: ['incidents'], summary: 'Current view of an incident, every fact resolved with its claims', params: IncidentParams, querystring: AsOfQuery, response: { 200: IncidentView, 304: NotModified, ...READ_ONE_ERRORS } },
    }, (req, reply) => {
      const q = req.query;
      // A plain read of a view whose bytes are kept is answered without a promise: the common read.
      if (isPlain(q)) {
        const view = s.reads.currentIncident(req.params.id);
        const bytes = view && keptViewBytes(view);
        if (view !== undefined && bytes !== undefined) {
          replyWithEtag(req, reply, readEtag(view.revision, q), bytes);
          return undefined;
        }
      }
      return readIncident(s, req.params.id, q, req, reply);
    });

    app.get('/incidents/:id/history', {
      config: { role: 'reader' },
      schema: { tags: ['incidents'], summary: 'Provenance of an incident, oldest first', params: IncidentParams, querystring: HistoryQuery, response: { 200: HistoryPage, 304: NotModified, ...READ_ONE_ERRORS } },
    }, async (req, reply) => {
      const { fact, claimId, ...asOf } = req.query;
      const h = await s.reads.history(req.params.id, asOfFromQuery(asOf), { ...(fact !== undefined ? { fact } : {}), ...(claimId !== undefined ? { claimId } : {}) });
      if (!h) throw new HttpProblem('incident-not-found', `no incident ${req.params.id}`);
      return replyWithEtag(req, reply, readEtag(h.revision, asOf), itemsJson(h.items));
    });

    app.get('/incidents/:id/events', {
      config: { role: 'auditor' },
      schema: { tags: ['log'], summary: "The incident stream's stored events, paged by revision", params: IncidentParams, querystring: StreamEventsQuery, response: { 200: EventsPage, ...READ_ONE_ERRORS } },
    }, async (req) => {
      const page = await s.reads.streamEvents(req.params.id, BigInt(req.query.from), req.query.limit);
      if (!page) throw new HttpProblem('incident-not-found', `no incident ${req.params.id}`);
      return { items: page.items.map(eventItem), nextFrom: page.nextFrom === null ? null : Number(page.nextFrom) };
    });
  };
}
