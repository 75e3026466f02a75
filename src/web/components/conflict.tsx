import { api, useRead } from '../api.ts';
import { formatInstant } from '../format.ts';
import type { HistoryEntry, Problem } from '../types.ts';
import { Diff } from './history.tsx';

/** A 412: what others recorded since the revision the user saw, and a retry on the new state. */
export function Conflict({ incidentId, seen, problem, onRetry, pending }: { incidentId: string; seen: number; problem: Problem; onRetry: (current: number) => void; pending: boolean }) {
  const current = typeof problem.currentRevision === 'number' ? problem.currentRevision : undefined;
  const history = useRead<{ items: HistoryEntry[] }>(['history', incidentId, 'conflict', current], () => api.GET('/incidents/{id}/history', { params: { path: { id: incidentId } } }));
  const since = (history.data?.items ?? []).filter((e) => e.revision > seen);
  return (
    <div role="alert" className="conflict">
      <h4>This incident changed while you were editing</h4>
      <p>You saw revision {seen}; it is now at revision {current ?? '?'}. Nothing was saved. What changed meanwhile:</p>
      <ul className="conflict-list">
        {since.map((e) => (
          <li key={e.revision}>
            <strong>{e.type}</strong>{e.fact ? ` · ${e.fact}` : ''} by {e.actor}, {formatInstant(e.recordedAt)}
            <Diff before={e.before} after={e.after} />
          </li>
        ))}
      </ul>
      {current !== undefined && (
        <button type="button" disabled={pending} onClick={() => onRetry(current)}>Retry on revision {current}</button>
      )}
    </div>
  );
}
