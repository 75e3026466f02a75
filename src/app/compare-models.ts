import type { Projection } from '../../projections/projection.ts';

export interface ModelDifference {
  readModel: string;
  /** The items that differ (incident or source ids), when the read model can name them. */
  items: string[];
}

const MAX_NAMED = 20;

/** The read models whose states differ between `a` and `b`, each with the items that differ. */
export function compareModels(folds: readonly Projection[], a: Map<string, unknown>, b: Map<string, unknown>): ModelDifference[] {
  const out: ModelDifference[] = [];
  for (const f of folds) {
    const sa = a.get(f.name);
    const sb = b.get(f.name);
    if (f.serialize(sa) === f.serialize(sb)) continue;
    const items: string[] = [];
    if (f.items !== undefined) {
      const ia = f.items(sa);
      const ib = f.items(sb);
      for (const id of [...new Set([...ia.keys(), ...ib.keys()])].sort()) if (ia.get(id) !== ib.get(id)) items.push(id);
    }
    out.push({ readModel: f.name, items });
  }
  return out;
}

export function describeDifferences(diffs: readonly ModelDifference[]): string {
  return diffs
    .map((d) => d.items.length === 0 ? d.readModel : `${d.readModel} (${d.items.slice(0, MAX_NAMED).join(', ')}${d.items.length > MAX_NAMED ? `, and ${d.items.length - MAX_NAMED} more` : ''})`)
    .join('; ');
}
