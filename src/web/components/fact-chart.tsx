/**
 * A count fact over statement time: each source's figure as a step line, "at least" as an open band
 * upwards, ranges as bands, retracted claims hollow, errata marked, and the resolved value over them.
 */
import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'react';
import { factLabel, formatRange, isCount } from '../format.ts';
import type { ClaimView, Count, HistoryEntry, SingleFact } from '../types.ts';

interface Point {
  source: string;
  t: Date;
  lo: number;
  hi: number | null;
  kind: Count['kind'];
  retracted: boolean;
  erratum: boolean;
}

/** `2024-10-07` as that day's noon UTC, so no reader's time zone moves it to another day. */
function dateOf(s: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T12:00:00Z` : s);
}

function bounds(c: Count): { lo: number; hi: number | null } | null {
  if (c.kind === 'exact') return { lo: c.value, hi: c.value };
  if (c.kind === 'atLeast') return { lo: c.value, hi: null };
  if (c.kind === 'range') return { lo: c.min, hi: c.max };
  if (c.kind === 'none') return { lo: 0, hi: 0 };
  return null;
}

/** Every layer of every claim of the fact, from the history (the view holds only each claim's latest). */
export function chartPoints(claims: ClaimView[], history: HistoryEntry[]): Point[] {
  const byId = new Map(claims.map((c) => [c.claimId, c]));
  const points: Point[] = [];
  for (const e of history) {
    const claim = e.claimId === undefined ? undefined : byId.get(e.claimId);
    if (!claim || !['ClaimRecorded', 'ClaimRevised', 'ClaimCorrected'].includes(e.type)) continue;
    const value = e.after?.value;
    const last = [...points].reverse().find((p) => p.source === claim.claimId);
    const statedAt = typeof e.after?.statedAt === 'string' ? e.after.statedAt : e.statedAt;
    if (e.type === 'ClaimCorrected') {
      // An erratum fixes the claim's latest layer in place: that point moves, and is marked.
      if (!last) continue;
      last.erratum = true;
      const b = isCount(value) ? bounds(value) : null;
      if (b && isCount(value)) Object.assign(last, b, { kind: value.kind });
      if (typeof e.after?.statedAt === 'string') last.t = dateOf(e.after.statedAt);
      continue;
    }
    if (!isCount(value) || statedAt === undefined) continue;
    const b = bounds(value);
    if (!b) continue;
    points.push({ source: claim.claimId, t: dateOf(statedAt), ...b, kind: value.kind, retracted: claim.status !== 'active', erratum: false });
  }
  return points;
}

export function FactChart({ factKey, fact, history, sourceNames }: { factKey: string; fact: SingleFact; history: HistoryEntry[]; sourceNames: Map<string, string> }) {
  const ref = useRef<HTMLDivElement>(null);
  const claims = fact.claims ?? [];
  const nameOf = (claimId: string): string => {
    const c = claims.find((x) => x.claimId === claimId);
    return c ? (sourceNames.get(c.sourceId) ?? c.sourceId) : claimId;
  };
  const points = chartPoints(claims, history).map((p) => ({ ...p, source: nameOf(p.source) }));
  const top = Math.max(1, ...points.map((p) => p.hi ?? p.lo)) * 1.25;
  const resolved = isCount(fact.value) ? bounds(fact.value) : fact.range ? { lo: fact.range.min, hi: fact.range.maxOpen ? null : fact.range.max } : null;
  const label = `${factLabel(factKey)} over statement time`;

  useEffect(() => {
    const el = ref.current;
    if (!el || points.length === 0) return;
    const width = Math.max(280, Math.min(760, el.getBoundingClientRect().width || el.parentElement?.clientWidth || 640));
    const times = points.map((p) => p.t.getTime());
    const pad = Math.max(3 * 86_400_000, (Math.max(...times) - Math.min(...times)) * 0.08);
    const chart = Plot.plot({
      width,
      height: 260,
      marginLeft: 44,
      marginRight: 16,
      style: { fontSize: '12px', fontFamily: 'inherit', background: 'transparent' },
      x: { type: 'utc', label: 'stated', ticks: Math.max(2, Math.floor(width / 130)), tickFormat: '%-d %b %Y', domain: [new Date(Math.min(...times) - pad), new Date(Math.max(...times) + pad)] },
      y: { label: factLabel(factKey), domain: [0, top], grid: true, nice: true, ticks: Math.min(6, Math.ceil(top)), tickFormat: 'd' },
      color: { legend: true, type: 'categorical', scheme: 'tableau10' },
      marks: [
        resolved ? Plot.rectY([resolved], { y1: (d: typeof resolved) => d.lo, y2: (d: typeof resolved) => d.hi ?? top, fill: '#1f2937', fillOpacity: 0.07 }) : null,
        resolved ? Plot.ruleY([resolved.lo], { stroke: '#111827', strokeWidth: 2, strokeDasharray: '6,3' }) : null,
        Plot.ruleX(points.filter((p) => p.hi !== p.lo), { x: 't', y1: 'lo', y2: (p: Point) => p.hi ?? top, stroke: 'source', strokeWidth: 10, strokeOpacity: 0.22 }),
        Plot.line(points, { x: 't', y: 'lo', z: 'source', stroke: 'source', curve: 'step-after', strokeWidth: 2, sort: 't' }),
        Plot.dot(points.filter((p) => !p.retracted), { x: 't', y: 'lo', fill: 'source', r: 5, stroke: 'white' }),
        Plot.dot(points.filter((p) => p.retracted), { x: 't', y: 'lo', stroke: 'source', fill: 'white', r: 5, strokeWidth: 2 }),
        Plot.text(points.filter((p) => p.kind === 'atLeast'), { x: 't', y: 'lo', text: () => '+', dy: -11, fontWeight: 'bold' }),
        Plot.dot(points.filter((p) => p.erratum), { x: 't', y: 'lo', symbol: 'times', r: 9, stroke: '#b91c1c', strokeWidth: 2 }),
        resolved ? Plot.text([resolved.lo], { y: (d: number) => d, frameAnchor: 'right', text: () => `resolved ${fact.range ? formatRange(fact.range) : resolved.lo}`, dy: -7, fill: '#111827' }) : null,
      ],
    });
    chart.setAttribute('aria-hidden', 'true');
    el.replaceChildren(chart);
    return () => chart.remove();
  });

  if (points.length === 0) return null;
  return (
    <figure className="chart">
      <div role="img" aria-label={label} ref={ref} className="chart-canvas" />
      <figcaption>
        {label}: each source’s figure as it said it. Bands: ranges and “at least” (open upwards); hollow: retracted; ✕: an erratum; dashed: the resolved value.
      </figcaption>
    </figure>
  );
}
