import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { api, useRead } from '../api.ts';
import { ClaimForm, useSources } from '../components/claim-form.tsx';
import { FactCard } from '../components/fact-card.tsx';
import { History } from '../components/history.tsx';
import { TimeControls, toApiTime } from '../components/time-controls.tsx';
import { StatusWord } from '../components/status.tsx';
import { factFigure, formatInstant, formatPlace, formatTime } from '../format.ts';
import { followChanges } from '../live.ts';
import { Link, useLocation, withQuery } from '../router.tsx';
import { useSession } from '../session.ts';
import type { Change, HistoryEntry, IncidentView } from '../types.ts';

const ORDER = ['deaths', 'injuries', 'responsibility', 'perpetrator', 'cause', 'target', 'arrests', 'occurredAt', 'location'];
const factOrder = (key: string): number => {
  const i = ORDER.indexOf(key.replace(/\[.*$/, ''));
  return (i < 0 ? ORDER.length : i) * 2 + (key.includes('[') ? 1 : 0);
};

export function IncidentPage({ id }: { id: string }) {
  const { path, query } = useLocation();
  const { role } = useSession();
  const qc = useQueryClient();
  const asOf = query.get('asOf');
  const knownAt = query.get('knownAt');
  const at = { ...(asOf ? { asOf: toApiTime(asOf) } : {}), ...(knownAt ? { knownAt: toApiTime(knownAt) } : {}) };
  const view = useRead<IncidentView>(['incident', id, 'view', at], () => api.GET('/incidents/{id}', { params: { path: { id }, query: at } }));
  const history = useRead<{ items: HistoryEntry[] }>(['incident', id, 'history', at], () => api.GET('/incidents/{id}/history', { params: { path: { id }, query: at } }));
  const sources = useSources();
  const sourceNames = useMemo(() => new Map((sources.data?.items ?? []).map((s) => [s.sourceId, s.name ?? s.sourceId])), [sources.data]);
  const [live, setLive] = useState<Change[]>([]);
  const past = asOf !== null || knownAt !== null;
  const lastIndex = Math.max(-1, ...(history.data?.items ?? []).map((e) => e.index));
  const following = !past && history.data !== undefined;

  useEffect(() => {
    if (!following) return;
    return followChanges(lastIndex + 1, (c) => {
      if (c.incidentId !== id) return;
      setLive((l) => [c, ...l].slice(0, 5));
      void qc.invalidateQueries({ queryKey: ['incident', id] });
    });
    // Opened once per page and point in time; later events arrive on the same stream.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [following, id]);

  if (view.error) {
    return (
      <main id="main" className="page">
        <h1>{view.error.problem.status === 404 ? (past ? 'Not yet recorded at that point in time' : 'Incident not found') : 'Could not load the incident'}</h1>
        <p role="alert">{view.error.message}</p>
        <TimeControls key={query.toString()} path={path} query={query} />
      </main>
    );
  }
  if (!view.data) return <main id="main" className="page"><p aria-live="polite">Loading…</p></main>;
  const v = view.data;
  // The facts a reader looks for first, then the rest in the API's order.
  const facts = Object.entries(v.facts).sort(([a], [b]) => factOrder(a) - factOrder(b));
  const historyItems = history.data?.items ?? [];
  const knownAtLink = (statedAt: string): string => withQuery(path, query, { knownAt: statedAt });
  return (
    <main id="main" className="page incident-page">
      <nav aria-label="Breadcrumb" className="crumbs"><Link to="/ui/">Incidents</Link> › {v.incidentId}</nav>
      <p className="kicker"><time>{formatTime(v.occurredAt)}</time> · {formatPlace(v.location)} · {v.category}</p>
      <h1>{v.title}</h1>
      {v.summary && <p className="lede">{v.summary}</p>}
      <p className="meta">Revision {v.revision} · updated {formatInstant(v.updatedAt)}{v.tags.length > 0 && <> · {v.tags.map((t) => `#${t}`).join(' ')}</>}</p>
      <dl className="headline key-figures" aria-label="Key figures">
        {(['deaths', 'injuries', 'responsibility'] as const).map((k) => {
          const f = v.facts[k];
          return f ? (
            <div key={k} className="headline-fact">
              <dt>{k}</dt>
              <dd><span className="figure">{factFigure(f)}</span> <StatusWord status={f.status} /></dd>
            </div>
          ) : null;
        })}
      </dl>
      <TimeControls key={query.toString()} path={path} query={query} />
      <div aria-live="polite" className="live">
        {following && <span className="live-dot">Live</span>}
        {live.map((c) => <p key={c.index} className="live-item">New: {c.type}{c.claimId ? ` (${c.claimId})` : ''} by {c.actor}, {formatInstant(c.recordedAt)}</p>)}
      </div>
      <h2>What is known</h2>
      <div className="facts">
        {facts.length === 0 && <p>No claims recorded{past ? ' at that point in time' : ''}.</p>}
        {facts.map(([key, fact]) => (
          <FactCard key={key} factKey={key} fact={fact} history={historyItems} sourceNames={sourceNames} editable={role === 'editor' && !past} incidentId={id} revision={v.revision} knownAtLink={knownAtLink} />
        ))}
      </div>
      {role === 'editor' && !past && <ClaimForm incidentId={id} revision={v.revision} />}
      <h2>Provenance</h2>
      <p className="hint">Every event of this incident, oldest first. Open the record as it stood after any of them.</p>
      <History items={historyItems} asOfLink={(recordedAt) => withQuery(path, new URLSearchParams(), { asOf: recordedAt })} />
    </main>
  );
}
