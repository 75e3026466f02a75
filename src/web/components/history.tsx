import { factLabel, formatInstant, formatValue } from '../format.ts';
import { Link } from '../router.tsx';
import type { HistoryEntry } from '../types.ts';

const show = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : formatValue(v));

/** Only the fields the event changed, each as before → after. */
export function Diff({ before, after }: { before?: Record<string, unknown> | undefined; after?: Record<string, unknown> | undefined }) {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  if (keys.length === 0) return null;
  return (
    <dl className="diff">
      {keys.map((k) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            {before && k in before && <del>{show(before[k])}</del>}
            {before && k in before && after && k in after && <span aria-hidden="true"> → </span>}
            {before && k in before && after && k in after && <span className="visually-hidden"> became </span>}
            {after && k in after && <ins>{show(after[k])}</ins>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

const WHAT: Record<string, string> = {
  IncidentRegistered: 'Incident registered',
  IncidentAmended: 'Incident amended',
  ClaimRecorded: 'Claim recorded',
  ClaimRevised: 'Revised by its source',
  ClaimRetracted: 'Retracted by its source',
  ClaimCorrected: 'Erratum (our correction)',
  ClaimRanked: 'Ranked',
};

/** The provenance history, oldest first: who, when, why, and what changed. */
export function History({ items, asOfLink }: { items: HistoryEntry[]; asOfLink?: (recordedAt: string) => string }) {
  return (
    <ol className="history">
      {items.map((e) => (
        <li key={e.revision} className={`history-entry type-${e.type}`}>
          <div className="history-head">
            <span className="history-type">{WHAT[e.type] ?? e.type}</span>
            {e.fact && <span className="history-fact">{factLabel(e.fact)}</span>}
            {e.sourceId && <Link to={`/ui/sources/${encodeURIComponent(e.sourceId)}`}>{e.sourceId}</Link>}
          </div>
          <p className="history-meta">
            <span>rev. {e.revision}</span> · by <strong>{e.actor}</strong> · recorded <time dateTime={e.recordedAt}>{formatInstant(e.recordedAt)}</time>
            {e.statedAt && <> · stated {e.statedAt}</>}
            {e.claimId && <> · <code>{e.claimId}</code></>}
            {asOfLink && <> · <Link to={asOfLink(e.recordedAt)}>as recorded then</Link></>}
          </p>
          <Diff before={e.before} after={e.after} />
          {(e.reason || e.note) && <p className="history-why">{e.reason && <strong>{e.reason}</strong>}{e.reason && e.note ? ': ' : ''}{e.note}</p>}
        </li>
      ))}
    </ol>
  );
}
