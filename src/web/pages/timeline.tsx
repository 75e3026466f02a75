import { useState, type FormEvent } from 'react';
import { api, useRead } from '../api.ts';
import { StatusWord } from '../components/status.tsx';
import { factFigure, formatPlace, formatTime } from '../format.ts';
import { Link, navigate, useLocation, withQuery } from '../router.tsx';
import type { HeadlineFact, Timeline, TimelineItem } from '../types.ts';
import { CATEGORIES } from '../vocab.ts';

const FILTERS = ['q', 'country', 'category', 'tag', 'from', 'to'] as const;


function Headline({ label, fact }: { label: string; fact: HeadlineFact | null }) {
  if (!fact) return null;
  return (
    <div className="headline-fact">
      <dt>{label}</dt>
      <dd>
        <span className="figure">{factFigure(fact)}</span> <StatusWord status={fact.status} />
      </dd>
    </div>
  );
}

function Item({ item }: { item: TimelineItem }) {
  return (
    <li className="card incident-card">
      <p className="kicker">
        <time>{formatTime(item.occurredAt)}</time> · {formatPlace(item.location)} · {item.category}
      </p>
      <h2>
        <Link to={`/ui/incidents/${encodeURIComponent(item.incidentId)}`}>{item.title}</Link>
      </h2>
      <dl className="headline">
        <Headline label="Deaths" fact={item.headline.deaths} />
        <Headline label="Injuries" fact={item.headline.injuries} />
        <Headline label="Responsibility" fact={item.headline.responsibility} />
      </dl>
      {item.tags.length > 0 && (
        <ul className="tags" aria-label="Tags">
          {item.tags.map((t) => <li key={t}><Link to={`/ui/?tag=${encodeURIComponent(t)}`}>#{t}</Link></li>)}
        </ul>
      )}
    </li>
  );
}

export function TimelinePage() {
  const { path, query } = useLocation();
  const params: Record<string, string> = {};
  for (const k of [...FILTERS, 'cursor', 'order', 'limit']) {
    const v = query.get(k);
    if (v) params[k] = v;
  }
  const list = useRead<Timeline>(['timeline', params], () => api.GET('/incidents', { params: { query: { limit: 20, ...params } as never } }));
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? ''])));
  const apply = (e: FormEvent): void => {
    e.preventDefault();
    navigate(withQuery(path, new URLSearchParams(), { ...draft, order: query.get('order') }));
  };
  const field = (k: (typeof FILTERS)[number], label: string, extra: Record<string, string> = {}) => (
    <div className="field">
      <label htmlFor={`f-${k}`}>{label}</label>
      <input id={`f-${k}`} name={k} value={draft[k] ?? ''} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} {...extra} />
    </div>
  );
  const active = FILTERS.some((k) => query.get(k));
  return (
    <main id="main" className="page">
      <h1>Incidents</h1>
      <p className="lede">What sources have said about each attack, and how sure that is.</p>
      <form className="filters" onSubmit={apply} role="search" aria-label="Filter incidents">
        {field('q', 'Search')}
        {field('country', 'Country', { placeholder: 'PK', maxLength: '2', size: '3' })}
        <div className="field">
          <label htmlFor="f-category">Category</label>
          <select id="f-category" value={draft.category ?? ''} onChange={(e) => setDraft({ ...draft, category: e.target.value })}>
            <option value="">Any</option>
            {CATEGORIES.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </div>
        {field('tag', 'Tag')}
        {field('from', 'From', { type: 'date' })}
        {field('to', 'To', { type: 'date' })}
        <div className="filter-actions">
          <button type="submit">Apply filters</button>
          {active && <button type="button" className="button-quiet" onClick={() => { setDraft({}); navigate(path); }}>Clear</button>}
        </div>
      </form>
      {list.isPending && <p aria-live="polite">Loading…</p>}
      {list.error && <p role="alert" className="error">{list.error.message}</p>}
      {list.data && (
        <>
          <p className="count" aria-live="polite">
            {list.data.items.length === 0 ? 'No incident matches these filters.' : `${list.data.items.length} incident${list.data.items.length === 1 ? '' : 's'}${params.cursor ? ' on this page' : ''}`}
          </p>
          <ol className="cards">{list.data.items.map((i) => <Item key={i.incidentId} item={i} />)}</ol>
          <nav className="pager" aria-label="Pages">
            {params.cursor && <button type="button" className="button-quiet" onClick={() => window.history.back()}>Previous page</button>}
            {list.data.nextCursor && <Link className="button-link" to={withQuery(path, query, { cursor: list.data.nextCursor })}>Next page</Link>}
          </nav>
        </>
      )}
    </main>
  );
}
