/**
 * Which strings of a stored event may be erased (docs/log.md, "Leaf format v2 and redaction"):
 * free text only. Ids, the predicate, qualifiers, enumeration values (country codes included: a code
 * from a fixed list that read models filter on) and times stay, because the domain's rules, the read
 * models' keys and the as-of answers depend on them. Decided from the event type's own data schema,
 * so the same field name can differ by type: a retraction's `reason` is free text, a rank's is an
 * enumeration. Pure.
 */
import { z } from 'zod';
import { EVENT_SCHEMAS, isEventType } from '../domain/events.ts';
import { PredicateName, Qualifiers } from '../domain/predicates.ts';
import { Country, DateTime, StatedAt, TimeValue } from '../domain/values.ts';
import { LeafV2Error, parsePointer } from './leaf-v2.ts';

export interface RedactionPathProblem {
  /** The pointer as the caller gave it. */
  path: string;
  /** Its place in the caller's list, so an HTTP answer can point at `/paths/<i>`. */
  index: number;
  message: string;
}

const ID_FIELDS = new Set(['incidentId', 'claimId', 'sourceId']);

type Verdict = 'ok' | 'absent' | { refused: string };
const refused = (why: string): Verdict => ({ refused: why });

function classify(schema: z.ZodType, tokens: readonly string[], value: unknown): Verdict {
  if (schema === StatedAt || schema === DateTime || schema === TimeValue) return refused('times cannot be redacted');
  if (schema === Country) return refused('country codes are enumeration values and cannot be redacted');
  if (schema === PredicateName) return refused('the predicate cannot be redacted');
  if (schema === Qualifiers) return refused('qualifiers cannot be redacted');
  if (schema instanceof z.ZodOptional) return classify(schema.unwrap() as z.ZodType, tokens, value);
  if (schema instanceof z.ZodUnion) {
    // The members the value is an instance of decide; when none parses (a string of it already
    // erased reads as null), every member that knows the path has a say, and the strictest wins.
    const options = schema.options as readonly z.ZodType[];
    const parsing = options.filter((o) => o.safeParse(value).success);
    const verdicts = (parsing.length > 0 ? parsing : options).map((o) => classify(o, tokens, value)).filter((v) => v !== 'absent');
    return verdicts.find((v) => v !== 'ok') ?? verdicts[0] ?? 'absent';
  }
  const [head, ...rest] = tokens;
  if (head === undefined) {
    if (schema instanceof z.ZodEnum || schema instanceof z.ZodLiteral) return refused('enumeration values cannot be redacted');
    return schema instanceof z.ZodString || schema instanceof z.ZodStringFormat ? 'ok' : 'absent';
  }
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodType>;
    if (!Object.hasOwn(shape, head)) return 'absent';
    if (rest.length === 0 && ID_FIELDS.has(head)) return refused(`${head} is an id and cannot be redacted`);
    const child = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[head] : undefined;
    return classify(shape[head] as z.ZodType, rest, child);
  }
  if (schema instanceof z.ZodArray) {
    const child = Array.isArray(value) ? value[Number(head)] : undefined;
    return classify(schema.element as z.ZodType, rest, child);
  }
  return 'absent';
}

function valueAt(data: unknown, tokens: readonly string[]): { found: boolean; value: unknown } {
  let v = data;
  for (const t of tokens) {
    if (Array.isArray(v) && /^(0|[1-9][0-9]*)$/.test(t) && Number(t) < v.length) v = v[Number(t)];
    else if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, t)) v = (v as Record<string, unknown>)[t];
    else return { found: false, value: undefined };
  }
  return { found: true, value: v };
}

/**
 * The problems with erasing `paths` from an event of `type` holding `data`; empty when every path may
 * be erased. `alreadyRedacted` lists the pointers an earlier redaction erased (they read as null).
 */
export function redactionPathProblems(
  type: string,
  data: unknown,
  paths: readonly string[],
  alreadyRedacted: readonly string[] = [],
): RedactionPathProblem[] {
  const problems: RedactionPathProblem[] = [];
  const seen = new Set<string>();
  const erased = new Set(alreadyRedacted);
  if (paths.length === 0) problems.push({ path: '', index: -1, message: 'name at least one path to redact' });
  paths.forEach((path, index) => {
    const problem = (message: string): void => void problems.push({ path, index, message });
    if (seen.has(path)) return problem(`${path} is listed twice`);
    seen.add(path);
    let tokens: string[];
    try {
      tokens = parsePointer(path);
    } catch (err) {
      return problem(err instanceof LeafV2Error ? err.message : String(err));
    }
    if (tokens.length === 0) return problem('the whole of data cannot be redacted: name the strings');
    if (!isEventType(type)) return problem(`events of type ${type} cannot be redacted`);
    const { found, value } = valueAt(data, tokens);
    if (!found) return problem(`${path} is not in the event's data`);
    if (erased.has(path)) return problem(`${path} is already redacted`);
    if (typeof value !== 'string') return problem(`${path} is not a string: only strings can be redacted`);
    const verdict = classify(EVENT_SCHEMAS[type].schema, tokens, data);
    if (verdict === 'absent') return problem(`${path} is not a field of ${type}`);
    if (verdict !== 'ok') return problem(`${path}: ${verdict.refused}`);
  });
  return problems;
}
