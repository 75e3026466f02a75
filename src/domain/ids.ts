import { randomInt } from 'node:crypto';
import { Slug } from './values.ts';

const SLUG_MAX = 40;

/** Letters NFKD does not decompose into ASCII plus a mark. */
const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h' };

/**
 * A generated id: a slug of the title or name (at most 40 characters) and 6 random base-36 characters.
 * `random(n)` supplies the random part, so this stays deterministic under test.
 */
export function slugId(text: string, random: (n: number) => string, fallback: 'incident' | 'source' = 'incident'): string {
  const folded = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}/gu, '')
    .replace(/[^\x00-\x7f]/g, (c) => FOLD[c] ?? c);
  const slug = folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, SLUG_MAX).replace(/-+$/, '');
  return checked(`${slug === '' ? fallback : slug}-${random(6)}`);
}

/** A generated claim id: 'c-' and 10 random base-36 characters. */
export function claimId(random: (n: number) => string): string {
  return checked(`c-${random(10)}`);
}

function checked(id: string): string {
  if (!Slug.safeParse(id).success) throw new Error(`generated id '${id}' is not a slug`);
  return id;
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * The one impure function here: n characters from the CSPRNG, uniformly over base 36 (randomInt
 * rejects biased draws, unlike `bytes % 36`). Callers inject it, so the domain stays testable.
 */
export function randomBase36(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += BASE36[randomInt(36)];
  return out;
}
