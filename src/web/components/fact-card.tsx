import { factFigure, factLabel, formatDate, formatRange, formatValue } from '../format.ts';
import { Link } from '../router.tsx';
import { isSingleFact, type FactView, type HistoryEntry } from '../types.ts';
import { isCountPredicate } from '../vocab.ts';
import { ClaimActions } from './claim-actions.tsx';
import { FactChart } from './fact-chart.tsx';
import { StatusWord } from './status.tsx';

export function FactCard({ factKey, fact, history, sourceNames, editable, incidentId, revision, knownAtLink }: {
  factKey: string;
  fact: FactView;
  history: HistoryEntry[];
  sourceNames: Map<string, string>;
  editable: boolean;
  incidentId: string;
  revision: number;
  knownAtLink: (statedAt: string) => string;
}) {
  const predicate = factKey.replace(/\[.*$/, '');
  const claims = fact.claims ?? [];
  const single = isSingleFact(fact) ? fact : null;
  const multi = 'actors' in fact ? fact : null;
  const errata = (claimId: string): number => history.filter((e) => e.claimId === claimId && e.type === 'ClaimCorrected').length;
  const headingId = `fact-${factKey.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  return (
    <section className="card fact" aria-labelledby={headingId}>
      <header className="fact-head">
        <h3 id={headingId}>{factLabel(factKey)}</h3>
        <StatusWord status={fact.status} />
      </header>
      <p className="fact-figure">{factFigure(fact)}</p>
      <ul className="fact-notes">
        {single?.conservative !== undefined && !single.agreement && <li>Conservative figure: <strong>{single.conservative}</strong></li>}
        {single?.agreement && (
          <li>
            A fact-checker preferred one claim; the sources on their own are <StatusWord status={single.agreement} />
            {single.range && <> ({formatRange(single.range)}{single.conservative !== undefined ? `, conservative ${single.conservative}` : ''})</>}
          </li>
        )}
        {multi?.competingClaims && <li>Competing claims of responsibility</li>}
        {multi && multi.denied.length > 0 && <li>Denied by {multi.denied.join(', ')}</li>}
      </ul>
      {isCountPredicate(predicate) && single && <FactChart factKey={factKey} fact={single} history={history} sourceNames={sourceNames} />}
      <div className="table-wrap">
        <table className="claims">
          <caption className="visually-hidden">Claims about {factLabel(factKey)}</caption>
          <thead>
            <tr><th scope="col">Source</th><th scope="col">Value</th><th scope="col">Stated</th><th scope="col">Status</th><th scope="col">Rank</th><th scope="col">Revisions</th><th scope="col">Errata</th><th scope="col">Citation</th></tr>
          </thead>
          <tbody>
            {claims.map((c) => (
              <tr key={c.claimId} className={`claim-${c.status} rank-${c.rank}`}>
                <td data-label="Source"><Link to={`/ui/sources/${encodeURIComponent(c.sourceId)}`}>{sourceNames.get(c.sourceId) ?? c.sourceId}</Link></td>
                <td data-label="Value" className="claim-value">{formatValue(c.value)}</td>
                <td data-label="Stated"><Link to={knownAtLink(c.statedAt)} title="What the sources had said by then">{formatDate(c.statedAt)}</Link></td>
                <td data-label="Status">{c.status}</td>
                <td data-label="Rank">{c.rank}</td>
                <td data-label="Revisions">{c.revisionCount}</td>
                <td data-label="Errata">{c.correctionCount ?? errata(c.claimId)}</td>
                <td data-label="Citation" className="citation">
                  {c.citation?.url ? <a href={c.citation.url} rel="noopener noreferrer external" target="_blank">{c.citation.publisher ?? c.citation.title ?? new URL(c.citation.url).hostname}</a> : (c.citation?.title ?? '—')}
                  {c.citation?.quote && <q>{c.citation.quote}</q>}
                  {editable && <ClaimActions incidentId={incidentId} claim={c} revision={revision} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
