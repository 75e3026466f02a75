import { z } from 'zod';
import { Country, Place, TimeValue } from './values.ts';

const Int = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const Unknown = z.strictObject({ kind: z.literal('unknown') });
export const None = z.strictObject({ kind: z.literal('none') });

export const Count = z.union([
  z.strictObject({ kind: z.literal('exact'), value: Int }),
  z.strictObject({ kind: z.literal('atLeast'), value: Int }),
  z.strictObject({ kind: z.literal('range'), min: Int, max: Int }).refine((r) => r.min < r.max, 'range needs min < max'),
]);
export type Count = z.infer<typeof Count>;

export const Text = z.string().trim().min(1).max(500);
export const Stance = z.enum(['claimed', 'denied', 'attributed', 'suspected']);
export const Responsibility = z.strictObject({ actor: z.string().trim().min(1).max(200), stance: Stance });
export const Perpetrator = z.strictObject({ name: z.string().trim().min(1).max(200), role: z.string().min(1).max(200).optional() });

export const Group = z.enum(['all', 'victims', 'attackers', 'security-forces', 'civilians', 'foreign-nationals']);
const CountQualifiers = z.strictObject({ group: Group.optional(), nationality: Country.optional() });
const NoQualifiers = z.strictObject({});

export type PredicateKind = 'count' | 'text' | 'time' | 'place' | 'responsibility' | 'perpetrator';

export interface PredicateSpec {
  kind: PredicateKind;
  /** The value schema, `unknown` and `none` included. */
  value: z.ZodType;
  qualifiers: z.ZodType<Record<string, string | undefined>>;
  /** Multi-valued predicates resolve per identity (actor or name, case-folded). */
  multiValued: boolean;
}

function spec(kind: PredicateKind, value: z.ZodType, qualifiers: z.ZodType<Record<string, string | undefined>>, multiValued = false): PredicateSpec {
  return { kind, value: z.union([value, Unknown, None]), qualifiers, multiValued };
}

export const PREDICATES = {
  deaths: spec('count', Count, CountQualifiers),
  injuries: spec('count', Count, CountQualifiers),
  arrests: spec('count', Count, CountQualifiers),
  cause: spec('text', Text, NoQualifiers),
  target: spec('text', Text, NoQualifiers),
  occurredAt: spec('time', TimeValue, NoQualifiers),
  location: spec('place', Place, NoQualifiers),
  responsibility: spec('responsibility', Responsibility, NoQualifiers, true),
  perpetrator: spec('perpetrator', Perpetrator, NoQualifiers, true),
} as const satisfies Record<string, PredicateSpec>;

/** The shapes a value of each kind takes, as an error names them to the client who sent a wrong one. */
const SHAPES: Record<PredicateKind, string> = {
  count: 'exact {value}, atLeast {value}, range {min, max}, unknown, none; counts are JSON integers ≥ 0 and min < max, e.g. {"kind":"exact","value":6}',
  text: 'a string of 1–500 characters, or {"kind":"unknown"}, or {"kind":"none"}',
  time: '{start, end?, precision: year|month|day|hour|minute, approximate?}, unknown, none',
  place: '{name, region?, country (ISO 3166-1 alpha-2)}, unknown, none',
  responsibility: '{actor, stance: claimed|denied|attributed|suspected}, unknown, none',
  perpetrator: '{name, role?}, unknown, none',
};

/** What a value of this predicate may look like, for error messages. */
export function shapesOf(predicate: keyof typeof PREDICATES): string {
  return `${predicate} takes ${SHAPES[PREDICATES[predicate].kind]}`;
}

export const PredicateName = z.enum(Object.keys(PREDICATES) as [keyof typeof PREDICATES, ...(keyof typeof PREDICATES)[]]);
export type PredicateName = z.infer<typeof PredicateName>;

export const Qualifiers = z.record(z.string(), z.string());
export type Qualifiers = z.infer<typeof Qualifiers>;

/** A claim's value: checked against its predicate by `checkValue`. */
export const ClaimValue = z.union([
  Count, Unknown, None, Text, TimeValue, Place, Responsibility, Perpetrator,
]);
export type ClaimValue = z.infer<typeof ClaimValue>;

/** The fact key: `predicate` or `predicate[k=v,k2=v2]` with qualifier keys sorted. */
export function factKey(predicate: string, qualifiers?: Qualifiers): string {
  const entries = Object.entries(qualifiers ?? {}).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? predicate : `${predicate}[${entries.map(([k, v]) => `${k}=${v}`).join(',')}]`;
}

/** The identity a multi-valued value resolves under (actor or name, case-folded); undefined for single-valued. */
export function valueIdentity(predicate: PredicateName, value: unknown): string | undefined {
  if (!PREDICATES[predicate].multiValued || typeof value !== 'object' || value === null) return undefined;
  const v = value as { actor?: unknown; name?: unknown };
  const id = predicate === 'responsibility' ? v.actor : v.name;
  return typeof id === 'string' ? id.normalize('NFKC').trim().toLocaleLowerCase('en') : undefined;
}
