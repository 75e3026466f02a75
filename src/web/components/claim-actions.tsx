/** Revise, retract, correct (erratum with its reason) and rank one claim; each write carries If-Match. */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ClaimView } from '../types.ts';
import { ERRATUM_REASONS, RANK_REASONS, RANKS } from '../vocab.ts';
import { useSubmission } from '../writes.ts';
import { SourceSelect } from './claim-form.tsx';
import { Conflict } from './conflict.tsx';
import { Field, ProblemMessage } from './field.tsx';
import { draftOf, ValueEditor, valueOf, type ValueDraft } from './value-editor.tsx';

type Action = 'revisions' | 'retractions' | 'corrections' | 'rank';
const LABEL: Record<Action, string> = { revisions: 'Revise', retractions: 'Retract', corrections: 'Correct (erratum)', rank: 'Rank' };

export function ClaimActions({ incidentId, claim, revision }: { incidentId: string; claim: ClaimView; revision: number }) {
  const qc = useQueryClient();
  const sub = useSubmission();
  const [action, setAction] = useState<Action>('rank');
  const [value, setValue] = useState<ValueDraft>(() => draftOf(claim.predicate, claim.value));
  const [statedAt, setStatedAt] = useState('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [url, setUrl] = useState('');
  const [rank, setRank] = useState<string>(claim.rank === 'deprecated' ? 'normal' : 'deprecated');
  const [fix, setFix] = useState<'value' | 'sourceId' | 'statedAt'>('value');
  const [sourceId, setSourceId] = useState(claim.sourceId);
  const [started, setStarted] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const seen = started ?? revision;
  const id = `${claim.claimId}-actions`;

  const body = (): Record<string, unknown> => {
    const extra = { ...(note ? { note } : {}) };
    const citation = url ? { citation: { url } } : {};
    switch (action) {
      case 'revisions':
        return { value: valueOf(claim.predicate, value), statedAt, ...citation, ...extra };
      case 'retractions':
        return { statedAt, reason, ...citation };
      case 'corrections': {
        const changes = fix === 'value' ? { value: valueOf(claim.predicate, value) } : fix === 'sourceId' ? { sourceId } : { statedAt };
        return { changes, reason: reason || 'reporting-error', ...extra };
      }
      case 'rank':
        return { rank, reason: reason || (rank === 'preferred' ? 'best-available' : 'superseded'), ...extra };
    }
  };
  const send = async (ifMatch: number): Promise<void> => {
    const r = await sub.submit('POST', `/incidents/${encodeURIComponent(incidentId)}/claims/${encodeURIComponent(claim.claimId)}/${action}`, body(), ifMatch);
    if (r.ok) {
      setDone(`${LABEL[action]}: saved.`);
      setStarted(null);
      await qc.invalidateQueries({ queryKey: ['incident', incidentId] });
    }
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void send(seen);
  };
  const edited = (): void => {
    if (started === null) setStarted(revision);
    if (sub.problem) sub.reset();
    setDone(null);
  };
  const reasons: readonly string[] = action === 'corrections' ? ERRATUM_REASONS : action === 'rank' ? RANK_REASONS : [];
  const changesPtr = action === 'corrections' ? '/changes/value' : '/value';
  return (
    <details className="claim-actions">
      <summary>Edit claim</summary>
      <form aria-label={`Edit claim ${claim.claimId}`} onSubmit={submit} onChange={edited} className="editor-form compact">
        <Field label="Action">
          {(p) => (
            <select {...p} value={action} onChange={(e) => setAction(e.target.value as Action)} aria-controls={id}>
              {(Object.keys(LABEL) as Action[]).map((a) => <option key={a} value={a}>{LABEL[a]}</option>)}
            </select>
          )}
        </Field>
        <div id={id} className="form-grid">
          {action === 'rank' && (
            <Field label="Rank" pointer="/rank" problem={sub.problem}>
              {(p) => <select {...p} value={rank} onChange={(e) => setRank(e.target.value)}>{RANKS.map((r) => <option key={r}>{r}</option>)}</select>}
            </Field>
          )}
          {action === 'corrections' && (
            <Field label="Fix" hint="What our recording got wrong">
              {(p) => (
                <select {...p} value={fix} onChange={(e) => setFix(e.target.value as typeof fix)}>
                  <option value="value">the value</option>
                  <option value="sourceId">the source</option>
                  <option value="statedAt">the statement date</option>
                </select>
              )}
            </Field>
          )}
          {action === 'corrections' && fix === 'sourceId' && (
            <Field label="Source" pointer="/changes/sourceId" problem={sub.problem}>{(p) => <SourceSelect p={p} value={sourceId} onChange={setSourceId} />}</Field>
          )}
          {(action === 'revisions' || action === 'retractions' || (action === 'corrections' && fix === 'statedAt')) && (
            <Field label="Stated at" pointer={action === 'corrections' ? '/changes/statedAt' : '/statedAt'} problem={sub.problem}>
              {(p) => <input {...p} value={statedAt} onChange={(e) => setStatedAt(e.target.value)} placeholder="2024-10-08" required />}
            </Field>
          )}
          {reasons.length > 0 ? (
            <Field label="Reason" pointer="/reason" problem={sub.problem}>
              {(p) => <select {...p} value={reason || reasons[0]} onChange={(e) => setReason(e.target.value)}>{reasons.map((r) => <option key={r}>{r}</option>)}</select>}
            </Field>
          ) : action === 'retractions' ? (
            <Field label="Reason" pointer="/reason" problem={sub.problem}>{(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} required />}</Field>
          ) : null}
          {(action === 'revisions' || action === 'retractions') && (
            <Field label="Citation URL" pointer="/citation/url" problem={sub.problem}>{(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} />}</Field>
          )}
          {action !== 'retractions' && (
            <Field label="Note" pointer="/note" problem={sub.problem}>{(p) => <input {...p} value={note} onChange={(e) => setNote(e.target.value)} />}</Field>
          )}
        </div>
        {(action === 'revisions' || (action === 'corrections' && fix === 'value')) && (
          <ValueEditor predicate={claim.predicate} draft={value} onChange={setValue} problem={sub.problem} pointer={changesPtr} />
        )}
        {sub.problem?.status === 412 ? (
          <Conflict incidentId={incidentId} seen={seen} problem={sub.problem} onRetry={(c) => { setStarted(c); void send(c); }} pending={sub.pending} />
        ) : (
          <ProblemMessage problem={sub.problem} shownPointers={['/value', '/changes', '/statedAt', '/reason', '/rank', '/note', '/citation']} />
        )}
        <div className="form-actions">
          <button type="submit" disabled={sub.pending}>{LABEL[action]}</button>
          {done && <span role="status" className="done">{done}</span>}
        </div>
      </form>
    </details>
  );
}
