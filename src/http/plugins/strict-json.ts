import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '../problems.ts';

/**
 * JSON bodies must be well-formed UTF-8: fastify's own parser decodes with replacement, so a bad
 * byte would be stored as U+FFFD, which is not what the client sent. The bytes are decoded
 * strictly, then handed to fastify's parser (with its prototype-poisoning checks).
 */
export function registerStrictJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let text: string;
    try {
      text = decoder.decode(body as Buffer);
    } catch {
      done(new HttpProblem('bad-request', 'the body is not well-formed UTF-8'), undefined);
      return;
    }
    parse(req, text, done);
  });
}
