/** How values read on the page: counts with an en dash for ranges, time values, places, dates. */
import type { Count, FactView, HeadlineFact, Place, TimeValue } from './types.ts';

export const EN_DASH = '\u2013';

export function isCount(v: unknown): v is Count {
  return typeof v === 'object' && v !== null && 'kind' in v && typeof (v as { kind: unknown }).kind === 'string';
}

export function formatCount(c: Count): string {
  switch (c.kind) {
    case 'exact':
      return String(c.value);
    case 'atLeast':
      return `at least ${c.value}`;
    case 'range':
      return `${c.min}${EN_DASH}${c.max}`;
    case 'unknown':
      return 'unknown';
    case 'none':
      return 'none';
  }
}

export function formatRange(r: { min: number; max: number; maxOpen?: boolean }): string {
  return r.maxOpen ? `${r.min}${EN_DASH}${r.max}+` : `${r.min}${EN_DASH}${r.max}`;
}

export function formatTime(t: TimeValue): string {
  const f = (s: string): string => {
    if (/^\d{4}(-\d{2}){0,2}$/.test(s)) return s.length === 10 ? formatDate(s) : s;
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) return s;
    // The time as the source gave it, with its offset: the local time of the incident, not the reader's.
    const m = /T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(s);
    return `${formatDate(s.slice(0, 10))}${m ? `, ${m[1]} ${m[2] === 'Z' ? 'UTC' : `UTC${m[2]}`}` : ''}`;
  };
  const text = t.end ? `${f(t.start)} ${EN_DASH} ${f(t.end)}` : f(t.start);
  return t.approximate ? `about ${text}` : text;
}

export const formatPlace = (p: Place): string => [p.name, p.region, p.country].filter(Boolean).join(', ');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2024-10-07` → `7 Oct 2024`, without the reader's time zone moving the day. */
export function formatDate(s: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return s;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

export function formatInstant(s: string): string {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return `${formatDate(d.toISOString())}, ${d.toISOString().slice(11, 19)} UTC`;
}

/** Any predicate's value as one line of text. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v !== 'object') return String(v);
  if ('actor' in v && 'stance' in v) return `${String(v.actor)} (${String(v.stance)})`;
  if ('name' in v && 'country' in v) return formatPlace(v as Place);
  if ('name' in v) return 'role' in v && v.role ? `${String(v.name)} (${String(v.role)})` : String(v.name);
  if ('start' in v && 'precision' in v) return formatTime(v as TimeValue);
  if (isCount(v)) return formatCount(v);
  return JSON.stringify(v);
}

/** The fact's headline figure: its value, or for a disputed count its range; multi-valued facts list their actors or names. */
export function factFigure(f: FactView | HeadlineFact): string {
  if ('actors' in f) return f.actors.map((a) => `${a.actor} (${a.stances.join(', ')})`).join('; ') || '—';
  if ('names' in f) return f.names.map((n) => (n.roles.length ? `${n.name} (${n.roles.join(', ')})` : n.name)).join('; ') || '—';
  if (f.value !== null && f.value !== undefined) return formatValue(f.value);
  if ('range' in f && f.range) return formatRange(f.range);
  return '—';
}

/** `deaths[nationality=CN]` → `deaths, nationality CN`. */
export function factLabel(key: string): string {
  const m = /^([^[]+)(?:\[(.*)\])?$/.exec(key);
  if (!m || !m[2]) return key;
  return `${m[1]} (${m[2].split(',').map((q) => q.replace('=', ': ')).join(', ')})`;
}
