/**
 * Request validation: zod, except that a claim value is judged by its predicate. The body schemas say
 * only that a value is *some* claim value, so zod alone can answer no better than "Invalid input";
 * the predicate's own check (the one `decide` runs) names the shapes the predicate takes and points
 * at the wrong part. Where the body names no predicate (revisions, errata), the value is passed on
 * to `decide`, which knows the claim's predicate and answers the same way.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { safeParse, type $ZodIssue, type $ZodType } from 'zod/v4/core';
import { checkClaimValue } from '../domain/claim-values.ts';
import { PredicateName, type Qualifiers } from '../domain/predicates.ts';

import { jsonPointer } from './problems.ts';

/** What the error handler reads of a validation failure (the shape fastify's own validators give). */
interface Issue {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}
type Body = Record<string, unknown>;

function fromZod(issues: readonly $ZodIssue[]): Issue[] {
  return issues.map(({ path, code, message, ...params }) => ({ keyword: code, instancePath: jsonPointer(path), message, params }));
}

/** Where a body holds a claim value. */
const VALUE_PATHS: readonly (readonly string[])[] = [['value'], ['changes', 'value']];
const PLACEHOLDER = { kind: 'unknown' };

const startsWith = (path: readonly PropertyKey[], prefix: readonly string[]): boolean => prefix.every((p, i) => path[i] === p);

function get(o: unknown, path: readonly string[]): unknown {
  let v = o;
  for (const p of path) v = typeof v === 'object' && v !== null ? (v as Body)[p] : undefined;
  return v;
}

function replaced(body: Body, path: readonly string[], value: unknown): Body {
  const [head, ...rest] = path;
  if (head === undefined) return body;
  const inner = body[head];
  if (rest.length === 0) return { ...body, [head]: value };
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? { ...body, [head]: replaced(inner as Body, rest, value) } : body;
}

/**
 * Whether a value may be handed on unchecked: no claim value nests deeper than a few levels, and JSON
 * numbers past double range parse as Infinity, which no canonical JSON (request hash, leaf) encodes.
 */
function plain(v: unknown, depth = 0): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'object' && v !== null) return depth < 4 && Object.values(v).every((x) => plain(x, depth + 1));
  return true;
}

function isEmptyObject(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  for (const _ in data) return false;
  return true;
}

export const validatorCompiler: FastifySchemaCompiler<$ZodType> = ({ schema, httpPart }) => {
  // No query string is the common read: its parse (defaults included) is made once per route and
  // frozen, so that a handler cannot change what the next request sees.
  let emptyQuery: { value: unknown } | { error: Error } | undefined;
  return (data) => {
    if (httpPart !== 'querystring' || !isEmptyObject(data)) return validate(schema, httpPart, data);
    emptyQuery ??= validate(schema, httpPart, {});
    if ('value' in emptyQuery && typeof emptyQuery.value === 'object' && emptyQuery.value !== null) Object.freeze(emptyQuery.value);
    return emptyQuery;
  };
};

function validate(schema: $ZodType, httpPart: string | undefined, data: unknown): { value: unknown } | { error: Error } {
  const result = safeParse(schema, data);
  if (!result.error) return { value: result.data };
  if (httpPart !== 'body' || typeof data !== 'object' || data === null || Array.isArray(data)) return { error: fromZod(result.error.issues) as unknown as Error };
  const body = data as Body;
  const at = VALUE_PATHS.find((p) => result.error.issues.some((i) => startsWith(i.path, p)));
  if (at === undefined) return { error: fromZod(result.error.issues) as unknown as Error };

  const predicate = PredicateName.safeParse(body.predicate);
  const others = result.error.issues.filter((i) => !startsWith(i.path, at));
  if (others.length === 0 && !predicate.success && plain(get(body, at))) {
    // No predicate here: the rest of the body is sound, so `decide` judges the value by the claim's predicate.
    const rest = safeParse(schema, replaced(body, at, PLACEHOLDER));
    if (!rest.error) return { value: replaced(rest.data as Body, at, get(body, at)) };
  }
  const valueIssues: Issue[] = predicate.success
    ? checkClaimValue(predicate.data, body.qualifiers as Qualifiers | undefined, get(body, at)).map((p) => ({
      keyword: 'invalid-value', instancePath: p.path, message: p.message, params: {},
    }))
    : [];
  const kept = valueIssues.length === 0 ? result.error.issues : others;
  return { error: [...fromZod(kept), ...valueIssues] as unknown as Error };
}
