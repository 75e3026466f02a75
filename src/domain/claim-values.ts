import type { z } from 'zod';
import type { FieldProblem } from './errors.ts';
import { PREDICATES, shapesOf, type PredicateName, type Qualifiers } from './predicates.ts';

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;

/**
 * A problem found at `path` (segments below the checked value). `kinds` / `types` are set when no
 * alternative of a union matched at all, so that an enclosing union can merge the expectations into
 * one message instead of listing every branch's complaint.
 */
interface Leaf {
  path: Segment[];
  message: string;
  kinds?: string[];
  types?: string[];
}

/**
 * Checks a claim's value and qualifiers against its predicate. The event schema only says that a value
 * is *some* claim value; whether a count may stand where a text is expected is decided here, by the
 * predicate's own schemas. Paths are JSON Pointers into the command body ('/value/…', '/qualifiers/…').
 */
export function checkClaimValue(predicate: PredicateName, qualifiers: Qualifiers | undefined, value: unknown): FieldProblem[] {
  const spec = PREDICATES[predicate];
  if (spec === undefined) return [{ path: '/predicate', message: `unknown predicate '${String(predicate)}'` }];
  // Each value problem names the shapes the predicate takes: "Invalid input" alone teaches nothing.
  const valueProblems = problems('/value', spec.value, value).map((p) => ({ ...p, message: `${p.message}; ${shapesOf(predicate)}` }));
  return [...valueProblems, ...problems('/qualifiers', spec.qualifiers, qualifiers ?? {})];
}

function problems(prefix: string, schema: z.ZodType, input: unknown): FieldProblem[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return leaves(result.error.issues, [], input).map((l) => ({ path: prefix + pointer(l.path), message: l.message }));
}

function leaves(issues: readonly Issue[], base: Segment[], input: unknown): Leaf[] {
  const out: Leaf[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    switch (issue.code) {
      case 'invalid_union': {
        if (issue.errors.length === 0) {
          out.push({ path, message: issue.message });
          break;
        }
        out.push(...bestBranch(issue.errors.map((branch) => leaves(branch, path, input)), path, input));
        break;
      }
      case 'invalid_type':
        out.push({ path, message: issue.message, types: [issue.expected] });
        break;
      case 'invalid_value':
        // By convention every tagged value in this domain is tagged by `kind`: a literal mismatch there
        // means "this alternative does not apply", not "fix this field".
        if (path.at(-1) === 'kind' && issue.values.length === 1) out.push({ path, message: issue.message, kinds: issue.values.map(String) });
        else out.push({ path, message: issue.message });
        break;
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ path: [...path, key], message: `unknown field '${key}'` });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}

/** The alternative the input most plausibly meant, or one merged "expected …" problem if none fits. */
function bestBranch(branches: Leaf[][], path: Segment[], input: unknown): Leaf[] {
  const kindPath = [...path, 'kind'];
  const isKindMismatch = (l: Leaf): boolean => l.kinds !== undefined && samePath(l.path, kindPath);
  const isTypeMismatch = (l: Leaf): boolean => l.types !== undefined && samePath(l.path, path);
  const fits = branches.filter((b) => !b.some(isKindMismatch) && !b.every(isTypeMismatch));
  if (fits.length > 0) return fits.reduce((best, b) => (b.length < best.length ? b : best));

  const kinds = unique(branches.flat().filter(isKindMismatch).flatMap((l) => l.kinds ?? []));
  const types = unique(branches.flat().filter(isTypeMismatch).flatMap((l) => l.types ?? []));
  const tagged = kinds.length > 0 && hasKind(at(input, path));
  const alternatives = [
    ...types.filter((t) => !(kinds.length > 0 && t === 'object')).map((t) => `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`),
    ...(kinds.length > 0 ? [`an object with kind ${kinds.map((k) => `'${k}'`).join(' | ')}`] : []),
  ];
  const message = tagged
    ? `must be one of ${kinds.map((k) => `'${k}'`).join(', ')}${alternatives.length > 1 ? ` (or the value must be ${alternatives.slice(0, -1).join(' or ')})` : ''}`
    : `must be ${alternatives.join(', or ')}`;
  return [{ path: tagged ? kindPath : path, message, kinds, types }];
}

function at(input: unknown, path: Segment[]): unknown {
  let v = input;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

function hasKind(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'kind' in v;
}

function samePath(a: Segment[], b: Segment[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** RFC 6901: '~' and '/' inside a member name are escaped. */
function pointer(path: Segment[]): string {
  return path.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
