/**
 * Summarises a V8 CPU profile (node --cpu-prof): the functions with the most self time, and the
 * most inclusive time among the project's own code.
 *
 *   npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top = 25]
 */
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export function summarize(file: string, top = 25): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const label = (n: Node): string => {
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules\/|src\/|projections\/|scripts\/)/, '$1');
    return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    self.set(label(n), (self.get(label(n)) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + us);
    }
  }
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const lines = [`${(total / 1e6).toFixed(1)} s sampled`, '', 'self time:'];
  for (const [l, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${l}`);
  lines.push('', 'inclusive, project code (src/, projections/):');
  for (const [l, us] of [...incl].filter(([l]) => /^(\S+ )?(src|projections)\//.test(l) || / (src|projections)\//.test(l)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${pct(us)}  ${l}`);
  }
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  console.log(summarize(process.argv[2]!, Number(process.argv[3] ?? 25)));
}
