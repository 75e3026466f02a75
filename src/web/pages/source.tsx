import { useQuery } from '@tanstack/react-query';
import { api, read, useRead } from '../api.ts';
import { factLabel, formatDate, formatValue } from '../format.ts';
import { Link } from '../router.tsx';
import type { ClaimView, IncidentView, SourceView, Timeline } from '../types.ts';

interface SourceClaim extends ClaimView {
  incidentId: string;
  /** null when a redaction erased it. */
  incidentTitle: string | null;
  fact: string;
}

/**
 * The claims attributed to a source, gathered from the incident views: the API has no per-source
 * claim list yet, so this walks the timeline (a page of up to 200 incidents).
 */
async function claimsOf(sourceId: string): Promise<SourceClaim[]> {
  const timeline = await read<Timeline>(api.GET('/incidents', { params: { query: { limit: 200 } as never } }));
  const views = await Promise.all(timeline.items.map((i) => read<IncidentView>(api.GET('/incidents/{id}', { params: { path: { id: i.incidentId } } }))));
  return views.flatMap((v) =>
    Object.entries(v.facts).flatMap(([fact, f]) => (f.claims ?? []).filter((c) => c.sourceId === sourceId).map((c) => ({ ...c, fact, incidentId: v.incidentId, incidentTitle: v.title }))),
  );
}

export function SourcePage({ id }: { id: string }) {
  const source = useRead<SourceView>(['source', id], () => api.GET('/sources/{id}', { params: { path: { id } } }));
  const claims = useQuery({ queryKey: ['source', id, 'claims'], queryFn: () => claimsOf(id) });
  if (source.error) {
    return <main id="main" className="page"><h1>{source.error.problem.status === 404 ? 'Source not found' : 'Could not load the source'}</h1><p role="alert">{source.error.message}</p></main>;
  }
  if (!source.data) return <main id="main" className="page"><p aria-live="polite">Loading…</p></main>;
  const s = source.data;
  const counts: [string, number][] = [['Claims', s.counts.claims], ['Revisions', s.counts.revisions], ['Retractions', s.counts.retractions], ['Errata', s.counts.errata], ['Deprecated', s.counts.deprecated]];
  return (
    <main id="main" className="page">
      <nav aria-label="Breadcrumb" className="crumbs"><Link to="/ui/">Incidents</Link> › Sources › {s.sourceId}</nav>
      <p className="kicker">{s.kind}{s.country ? ` · ${s.country}` : ''}</p>
      <h1>{s.name}</h1>
      {s.description && <p className="lede">{s.description}</p>}
      {s.url && <p><a href={s.url} rel="noopener noreferrer external" target="_blank">{s.url}</a></p>}
      <dl className="counts">
        {counts.map(([k, n]) => <div key={k}><dt>{k}</dt><dd>{n}</dd></div>)}
      </dl>
      <h2>Claims</h2>
      {claims.isPending && <p aria-live="polite">Loading claims…</p>}
      {claims.data && claims.data.length === 0 && <p>No claim is attributed to this source.</p>}
      {claims.data && claims.data.length > 0 && (
        <div className="table-wrap">
          <table className="claims">
            <thead><tr><th scope="col">Incident</th><th scope="col">Fact</th><th scope="col">Value</th><th scope="col">Stated</th><th scope="col">Status</th><th scope="col">Rank</th><th scope="col">Revisions</th></tr></thead>
            <tbody>
              {claims.data.map((c) => (
                <tr key={`${c.incidentId}/${c.claimId}`} className={`claim-${c.status} rank-${c.rank}`}>
                  <td data-label="Incident"><Link to={`/ui/incidents/${encodeURIComponent(c.incidentId)}`}>{c.incidentTitle}</Link></td>
                  <td data-label="Fact">{factLabel(c.fact)}</td>
                  <td data-label="Value" className="claim-value">{formatValue(c.value)}</td>
                  <td data-label="Stated">{formatDate(c.statedAt)}</td>
                  <td data-label="Status">{c.status}</td>
                  <td data-label="Rank">{c.rank}</td>
                  <td data-label="Revisions">{c.revisionCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
