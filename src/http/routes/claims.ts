import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { claimId as newClaimId, randomBase36 } from '../../domain/ids.ts';
import type { WriteResult } from '../../app/write-service.ts';
import type { AppServices } from '../services.ts';
import {
  AsOfQuery, ClaimParams, CorrectClaimBody, IncidentParams, RankClaimBody, RecordClaimBody, RetractClaimBody, ReviseClaimBody,
} from '../schemas.ts';
import { CLAIM_WRITE_ERRORS, NotModified, READ_ONE_ERRORS, Written } from '../schemas/common.ts';
import { ClaimWithHistory } from '../schemas/incidents.ts';
import { asOfFromQuery, readEtag, replyWithEtag } from '../etag.ts';
import { HttpProblem } from '../problems.ts';
import { write } from '../write.ts';

const claimIdOf = (r: WriteResult): string => String(r.ids.claimId);

/** The four events a claim can take after it is recorded, each its own sub-resource. */
const CLAIM_EVENTS = [
  { path: 'revisions', type: 'ReviseClaim', body: ReviseClaimBody, summary: 'The source revised its statement' },
  { path: 'retractions', type: 'RetractClaim', body: RetractClaimBody, summary: 'The source withdrew its statement' },
  { path: 'corrections', type: 'CorrectClaim', body: CorrectClaimBody, summary: 'Our erratum on how the claim was recorded' },
  { path: 'rank', type: 'RankClaim', body: RankClaimBody, summary: 'Our judgement of the claim' },
] as const;

export function claimRoutes(s: AppServices): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/incidents/:id/claims', {
      config: { role: 'editor' },
      schema: { tags: ['claims'], summary: 'Record what a source said', params: IncidentParams, body: RecordClaimBody, response: { 201: Written, ...CLAIM_WRITE_ERRORS } },
    }, (req, reply) => write(req, reply, {
      status: 201, idField: 'claimId', id: claimIdOf, location: (r) => `/incidents/${req.params.id}/claims/${claimIdOf(r)}`,
    }, (ctx) => s.writer.handleIncident({
      type: 'RecordClaim', ...req.body, incidentId: req.params.id, claimId: req.body.claimId ?? newClaimId(randomBase36),
    }, ctx)));

    for (const ev of CLAIM_EVENTS) {
      app.post(`/incidents/:id/claims/:claimId/${ev.path}`, {
        config: { role: 'editor' },
        schema: { tags: ['claims'], summary: ev.summary, params: ClaimParams, body: ev.body as z.ZodType<Record<string, unknown>>, response: { 201: Written, ...CLAIM_WRITE_ERRORS } },
      }, (req, reply) => write(req, reply, { status: 201, idField: 'claimId', id: () => req.params.claimId }, (ctx) => s.writer.handleIncident({
        type: ev.type, ...(req.body as object), incidentId: req.params.id, claimId: req.params.claimId,
      } as Parameters<typeof s.writer.handleIncident>[0], ctx)));
    }

    app.get('/incidents/:id/claims/:claimId', {
      config: { role: 'reader' },
      schema: { tags: ['claims'], summary: 'One claim as in the view, with its own history', params: ClaimParams, querystring: AsOfQuery, response: { 200: ClaimWithHistory, 304: NotModified, ...READ_ONE_ERRORS } },
    }, async (req, reply) => {
      const found = await s.reads.claim(req.params.id, req.params.claimId, asOfFromQuery(req.query));
      if (found === 'no-incident') throw new HttpProblem('incident-not-found', `no incident ${req.params.id}`);
      if (!found) throw new HttpProblem('claim-not-found', `no claim ${req.params.claimId} in incident ${req.params.id}`);
      return replyWithEtag(req, reply, readEtag(found.revision, req.query), found.claim);
    });
  };
}
