import { HttpProblem, jsonPointer } from '../problems.ts';
import { registerStrictJson } from './strict-json.ts';
import type { AppPart } from './types.ts';

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/** JSON bodies are decoded as strict UTF-8 (a bad byte is a 400, not a stored U+FFFD). */
export const strictJson: AppPart = (app) => registerStrictJson(app);

/** Writes take JSON only. Applied after the security headers, so a 415 carries them too. */
export const jsonContentType: AppPart = (app) => {
  app.addHook('onRequest', (req, _reply, done) => {
    if ((req.method === 'POST' || req.method === 'PATCH') && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      return done(new HttpProblem('unsupported-media-type', 'writes take a JSON body with Content-Type: application/json'));
    }
    done();
  });
};

/** A body that is not well-formed Unicode is refused before validation, not failed on at append (500). */
export const wellFormedUnicode: AppPart = (app) => {
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.body === undefined || req.body === null) return done();
    const at = loneSurrogateAt(req.body);
    if (at !== undefined) {
      return done(new HttpProblem('validation', `body ${at || '/'}: not well-formed Unicode (a lone surrogate)`, {
        errors: [{ in: 'body', path: at, message: 'must be well-formed Unicode (no lone surrogates)' }],
      }));
    }
    done();
  });
};

/** With the u flag a class of surrogates matches only unpaired ones. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * The JSON Pointer of the first string or key holding a lone surrogate (JSON's `"\ud800"`), which
 * RFC 8785 (the leaf hash of every event) cannot encode; iterative, so deep bodies cannot overflow.
 */
function loneSurrogateAt(body: unknown): string | undefined {
  const stack: [unknown, string][] = [[body, '']];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, at] = top;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return at;
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const p = `${at}${jsonPointer([k])}`;
        if (LONE_SURROGATE.test(k)) return p;
        stack.push([x, p]);
      }
    }
  }
  return undefined;
}
