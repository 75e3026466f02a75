/**
 * The small collection helpers the read models share. Pure: no I/O, no clock.
 */

/**
 * One copy of each repeated string: a million claims name a handful of sources, predicates and
 * modes, and each event parsed from the store brings its own copy.
 */
export function intern<T extends string>(table: Map<string, string>, s: T): T {
  const found = table.get(s) as T | undefined;
  if (found !== undefined) return found;
  table.set(s, s);
  return s;
}

/** A Map's entry, moved to the most recently used end. */
export function lruGet<K, V>(cache: Map<K, V>, key: K): V | undefined {
  const v = cache.get(key);
  if (v === undefined) return undefined;
  cache.delete(key);
  cache.set(key, v);
  return v;
}

/** Sets an entry as the most recently used, and drops the least recently used past `limit`. */
export function lruSet<K, V>(cache: Map<K, V>, key: K, value: V, limit: number): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > limit) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
}

/** The first position in the sorted `list` whose element is not before the target (`compare(element) >= 0`). */
export function lowerBound<T>(list: readonly T[], compare: (element: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as T) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first position in the sorted `list` whose element is after the target (`compare(element) > 0`). */
export function upperBound<T>(list: readonly T[], compare: (element: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as T) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
