import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROBLEM_DOCS } from '../problem-docs.ts';
import { HttpProblem, isProblemCode, PROBLEMS } from '../problems.ts';
import { problems } from '../schemas/common.ts';

const ProblemDoc = z
  .object({ code: z.string(), title: z.string(), status: z.number().int(), description: z.string() })
  .meta({ id: 'ProblemDoc', examples: [{ code: 'unknown-source', title: PROBLEMS['unknown-source'][1], status: 422, description: PROBLEM_DOCS['unknown-source'] }] });

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(doc: z.infer<typeof ProblemDoc>): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.title)} — Palimpsest</title></head>
<body><main><h1>${escape(doc.title)}</h1>
<p>HTTP ${doc.status} · <code>${escape(doc.code)}</code></p>
<p>${escape(doc.description)}</p>
<p><a href="/docs">API documentation</a></p></main></body></html>
`;
}

/** A browser asks for text/html first; an API client for JSON, or for anything. */
function prefersHtml(accept: string): boolean {
  const q = (type: string): number => {
    for (const part of accept.split(',')) {
      const [t, ...params] = part.trim().split(';');
      if (t?.trim().toLowerCase() !== type) continue;
      const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return qp === undefined ? 1 : Number(qp.slice(2)) || 0;
    }
    return 0;
  };
  const html = q('text/html');
  return html > 0 && html >= q('application/json');
}

/** What every problem `type` URI names: HTML for a browser, JSON otherwise. */
export function problemRoutes(): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/problems/:code', {
      schema: {
        tags: ['operations'],
        summary: 'What a problem type means and what to do about it',
        params: z.strictObject({ code: z.string().max(100) }),
        response: {
          200: {
            description: 'The problem explained: JSON, or an HTML page when Accept prefers text/html',
            content: { 'application/json': { schema: ProblemDoc }, 'text/html': { schema: z.string() } },
          },
          ...problems([400, 401, 404, 429]),
        },
      },
    }, async (req, reply) => {
      const { code } = req.params;
      if (!isProblemCode(code)) throw new HttpProblem('not-found', `no problem type ${code}`);
      const [status, title] = PROBLEMS[code];
      const doc = { code, title, status, description: PROBLEM_DOCS[code] };
      const html = prefersHtml(req.headers.accept ?? '');
      if (html) return reply.type('text/html; charset=utf-8').send(page(doc));
      return reply.send(doc);
    });
  };
}
