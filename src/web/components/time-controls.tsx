import { useState, type FormEvent } from 'react';
import { formatDate, formatInstant } from '../format.ts';
import { navigate, withQuery } from '../router.tsx';

const describe = (s: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? `the end of ${formatDate(s)} (UTC)` : formatInstant(s));

/** A date `YYYY-MM-DD` means the end of that day (UTC), as the API defines it; sent as that instant. */
export function toApiTime(s: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T23:59:59.999Z` : s;
}

/** What point in time the page shows, in words. */
export function pointInTime(asOf: string | null, knownAt: string | null): string | null {
  if (!asOf && !knownAt) return null;
  const parts = [
    asOf ? `the record as it stood at ${describe(asOf)}` : null,
    knownAt ? `what the sources had said by ${describe(knownAt)}` : null,
  ].filter(Boolean);
  return `Showing ${parts.join(', and of that, ')}.`;
}

/** "As recorded at" (asOf, system time) and "As known at" (knownAt, statement time), kept in the URL. */
export function TimeControls({ path, query }: { path: string; query: URLSearchParams }) {
  const asOf = query.get('asOf');
  const knownAt = query.get('knownAt');
  const [draft, setDraft] = useState({ asOf: asOf ?? '', knownAt: knownAt ?? '' });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    navigate(withQuery(path, query, draft));
  };
  const said = pointInTime(asOf, knownAt);
  return (
    <div className="time-controls">
      <form onSubmit={submit} aria-label="Point in time" className="time-form">
        <div className="field">
          <label htmlFor="as-of">As recorded at</label>
          <input id="as-of" value={draft.asOf} onChange={(e) => setDraft({ ...draft, asOf: e.target.value })} placeholder="YYYY-MM-DD or date-time" aria-describedby="as-of-hint" />
          <span id="as-of-hint" className="hint">Our record then (system time)</span>
        </div>
        <div className="field">
          <label htmlFor="known-at">As known at</label>
          <input id="known-at" value={draft.knownAt} onChange={(e) => setDraft({ ...draft, knownAt: e.target.value })} placeholder="YYYY-MM-DD or date-time" aria-describedby="known-at-hint" />
          <span id="known-at-hint" className="hint">What sources had said by then</span>
        </div>
        <div className="filter-actions">
          <button type="submit">Show</button>
          {said && <button type="button" className="button-quiet" onClick={() => { setDraft({ asOf: '', knownAt: '' }); navigate(withQuery(path, query, { asOf: null, knownAt: null })); }}>Show now</button>}
        </div>
      </form>
      <p className={said ? 'point-in-time past' : 'point-in-time'} role="status">{said ?? 'Showing the current record.'}</p>
    </div>
  );
}
