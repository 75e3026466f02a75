import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { eventItem } from '../../log/event-item.ts';
import type { MerkleLog } from '../../log/merkle.ts';
import { signCheckpoint } from '../../log/checkpoint.ts';
import { ArchiveError } from '../../log/checkpoint-archive.ts';
import type { AppServices } from '../services.ts';
import { CheckpointQuery, ConsistencyQuery, InclusionQuery, KeptCheckpointsQuery, LogEventsQuery } from '../schemas.ts';
import { problems, READ_ERRORS } from '../schemas/common.ts';
import { ConsistencyProof, EventItem, EventsPage, InclusionProof, KeptCheckpoints, text } from '../schemas/log.ts';
import * as ex from '../schemas/examples.ts';
import { readLog } from '../../store/read-log.ts';
import { HttpProblem } from '../problems.ts';


export { eventItem };

const b64 = (hs: Buffer[]): string[] => hs.map((h) => h.toString('base64'));

export function logRoutes(s: AppServices): FastifyPluginAsyncZod {
  const tree = (): MerkleLog => s.live.state<MerkleLog>('merkle');
  const outOfRange = (detail: string, path: string): HttpProblem =>
    new HttpProblem('validation', detail, { errors: [{ in: 'query', path, message: detail }] });

  /**
   * Every note is kept before it is served. Two trees of one size signed means the log was rewritten
   * under this process: from then on it serves nothing (and this note is not sent).
   */
  const keep = (note: string, t: MerkleLog): void => {
    try {
      s.archive.keep(note, (i) => t.leafHash(i));
    } catch (err) {
      if (!(err instanceof ArchiveError)) throw err;
      s.integrity.tamper({ reason: err.message });
      throw new HttpProblem('tampered', err.message);
    }
  };

  return async (app) => {
    app.get('/events', {
      config: { role: 'auditor' },
      schema: {
        tags: ['log'],
        summary: 'The global log in order; Accept: application/x-ndjson streams every item from `from` on',
        querystring: LogEventsQuery,
        response: {
          200: {
            description: 'A page of events; with Accept: application/x-ndjson every event from `from` on, one JSON object a line',
            content: { 'application/json': { schema: EventsPage }, 'application/x-ndjson': { schema: EventItem } },
          },
          ...READ_ERRORS,
        },
      },
    }, async (req, reply) => {
      const accept = req.headers.accept ?? '';
      if (accept.includes('application/x-ndjson')) {
        reply.type('application/x-ndjson');
        return reply.send(Readable.from(ndjson(s, BigInt(req.query.from))) as never);
      }
      const items = await s.store.readAll({ from: BigInt(req.query.from), limit: req.query.limit });
      const size = await s.store.size();
      const next = BigInt(req.query.from) + BigInt(items.length);
      return { items: items.map(eventItem), nextFrom: next < size ? Number(next) : null };
    });

    app.get('/log/checkpoint', {
      config: { role: 'auditor' },
      schema: { tags: ['log'], summary: 'Signed C2SP checkpoint of the log, or of its first `size` leaves', querystring: CheckpointQuery, response: { 200: text('text/plain', 'A C2SP signed note: origin, size, base64 root, blank line, signature line', ex.checkpoint), ...READ_ERRORS } },
    }, async (req, reply) => {
      const t = tree();
      const size = req.query.size ?? t.size;
      if (size > t.size) throw outOfRange(`size ${size} is beyond the log's ${t.size} leaves`, '/size');
      const note = signCheckpoint(s.signingKey, size, t.root(size));
      keep(note, t);
      return reply.type('text/plain; charset=utf-8').send(note);
    });

    app.get('/log/checkpoints', {
      config: { role: 'auditor', servedWhenTampered: true },
      schema: {
        tags: ['log'],
        summary: 'Every checkpoint this server signed, kept outside the event tables, from tree size `from` on',
        querystring: KeptCheckpointsQuery,
        response: { 200: KeptCheckpoints, ...READ_ERRORS },
      },
    }, async (req) => {
      const kept = s.archive.readFrom(req.query.from);
      const page = kept.slice(0, req.query.limit);
      const after = kept[req.query.limit];
      return {
        items: page.map((c) => ({ size: c.size, root: c.root.toString('base64'), note: c.note })),
        nextFrom: after === undefined ? null : after.size,
      };
    });

    app.get('/log/public-key', {
      config: { role: 'auditor', servedWhenTampered: true },
      schema: { tags: ['log'], summary: "The checkpoints' verifier key, as Go's note package writes it", response: { 200: text('text/plain', '<origin>+<8 hex key hash>+<base64(0x01 ‖ Ed25519 key)>, one line', ex.publicKey), ...problems([401, 403, 429, 503]) } },
    }, async (_req, reply) => reply.type('text/plain; charset=utf-8').send(`${s.signingKey.verifierKey}\n`));

    app.get('/log/proofs/inclusion', {
      config: { role: 'auditor' },
      schema: { tags: ['log'], summary: 'RFC 9162 inclusion proof (audit path)', querystring: InclusionQuery, response: { 200: InclusionProof, ...READ_ERRORS } },
    }, async (req) => {
      const t = tree();
      const { index, treeSize } = req.query;
      if (treeSize > t.size) throw outOfRange(`treeSize ${treeSize} is beyond the log's ${t.size} leaves`, '/treeSize');
      if (index >= treeSize) throw outOfRange('index must be below treeSize', '/index');
      return { index, treeSize, leafHash: t.leafHash(index).toString('base64'), hashes: b64(t.inclusionProof(index, treeSize)) };
    });

    app.get('/log/proofs/consistency', {
      config: { role: 'auditor' },
      schema: { tags: ['log'], summary: 'RFC 9162 consistency proof between two tree sizes', querystring: ConsistencyQuery, response: { 200: ConsistencyProof, ...READ_ERRORS } },
    }, async (req) => {
      const t = tree();
      const { from, to } = req.query;
      if (to > t.size) throw outOfRange(`to ${to} is beyond the log's ${t.size} leaves`, '/to');
      if (from < 1 || from > to) throw outOfRange('need 1 ≤ from ≤ to', '/from');
      return { from, to, hashes: from === to ? [] : b64(t.consistencyProof(from, to)) };
    });
  };
}

/** Streams the log page by page; a page is read only when the client has taken the previous one. */
async function* ndjson(s: AppServices, from: bigint): AsyncGenerator<string> {
  const PAGE = 1000;
  let lines: string[] = [];
  for await (const e of readLog(s.store, { from, pageSize: PAGE })) {
    lines.push(JSON.stringify(eventItem(e)));
    if (lines.length < PAGE) continue;
    yield `${lines.join('\n')}\n`;
    lines = [];
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}
