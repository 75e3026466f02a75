/**
 * Holds the OpenAPI document to the truth: every answer an HTTP test receives is validated against
 * the schema the document gives for its route, status and media type, so an answer that drifts from
 * its documentation fails the test that received it.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';

// ajv-formats is CommonJS: its default export arrives wrapped under tsx's ESM loader.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>> };

interface Operation {
  pattern: RegExp;
  method: string;
  path: string;
}

const DOC_ID = 'https://palimpsest.invalid/openapi.json';
const pointer = (parts: string[]): string => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export interface ContractChecker {
  /** Undefined when the answer fits its documentation (or its route is not documented), else why not. */
  check(method: string, url: string, res: LightMyRequestResponse): string | undefined;
}

export function contractChecker(doc: unknown): ContractChecker {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...(doc as object), $id: DOC_ID });
  const d = doc as Doc;
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(d.paths)) {
    const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const method of Object.keys(methods)) ops.push({ pattern, method: method.toUpperCase(), path });
  }
  const compiled = new Map<string, ValidateFunction>();
  const validator = (path: string, method: string, status: string, media: string): ValidateFunction => {
    const ref = `${DOC_ID}#/${pointer(['paths', path, method, 'responses', status, 'content', media, 'schema'])}`;
    let v = compiled.get(ref);
    if (v === undefined) compiled.set(ref, (v = ajv.compile({ $ref: ref })));
    return v;
  };

  return {
    check(method, url, res) {
      const bare = url.split('?')[0] ?? url;
      const op = ops.find((o) => o.method === method.toUpperCase() && o.pattern.test(bare));
      if (op === undefined) return undefined;
      const lower = op.method.toLowerCase();
      const responses = d.paths[op.path]?.[lower]?.responses ?? {};
      const status = String(res.statusCode);
      const documented = responses[status];
      const where = `${op.method} ${op.path} → ${status}`;
      if (documented === undefined) return `${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`;
      const content = documented.content ?? {};
      const type = String(res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      if (Object.keys(content).length === 0) return res.body.length === 0 ? undefined : `${where}: documented without a body, got ${type}`;
      if (!(type in content)) return `${where}: media type ${type || '(none)'} not documented (documented: ${Object.keys(content).join(', ')})`;
      if (!type.includes('json')) return undefined;
      const validate = validator(op.path, lower, status, type);
      const bodies = type === 'application/x-ndjson' ? res.body.split('\n').filter((l) => l.length > 0) : [res.body];
      for (const text of bodies) {
        if (!validate(JSON.parse(text))) return `${where}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`;
      }
      return undefined;
    },
  };
}
