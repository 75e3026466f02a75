import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, useRead } from '../api.ts';
import type { SourceView } from '../types.ts';
import { GROUPS, isCountPredicate, MODES, PREDICATES } from '../vocab.ts';
import { useSubmission } from '../writes.ts';
import { Conflict } from './conflict.tsx';
import { Field, ProblemMessage } from './field.tsx';
import { ValueEditor, valueOf, type ValueDraft } from './value-editor.tsx';

export function useSources() {
  return useRead<{ items: SourceView[] }>(['sources'], () => api.GET('/sources', { params: { query: { limit: 200 } } }));
}

export function SourceSelect({ value, onChange, p }: { value: string; onChange: (v: string) => void; p: { id: string } }) {
  const sources = useSources();
  return (
    <select {...p} value={value} onChange={(e) => onChange(e.target.value)} required>
      <option value="">Choose a source…</option>
      {(sources.data?.items ?? []).map((s) => <option key={s.sourceId} value={s.sourceId}>{s.name}</option>)}
    </select>
  );
}

const SHOWN = ['/predicate', '/qualifiers', '/sourceId', '/statedAt', '/value', '/citation', '/mode', '/note'];

/** "Record claim": what a source said about this incident, with its value in the predicate's shape. */
export function ClaimForm({ incidentId, revision }: { incidentId: string; revision: number }) {
  const qc = useQueryClient();
  const sub = useSubmission();
  const [predicate, setPredicate] = useState<string>('deaths');
  const [group, setGroup] = useState('');
  const [nationality, setNationality] = useState('');
  const [sourceId, setSourceId] = useState('');
  const [statedAt, setStatedAt] = useState('');
  const [value, setValue] = useState<ValueDraft>({ kind: 'exact' });
  const [url, setUrl] = useState('');
  const [quote, setQuote] = useState('');
  const [mode, setMode] = useState('');
  const [note, setNote] = useState('');
  // If-Match is the revision the page showed when the user began this claim: a change that lands
  // while they type (live updates show it) must be looked at, not silently written over.
  const [started, setStarted] = useState<number | null>(null);
  const seen = started ?? revision;
  const [done, setDone] = useState<string | null>(null);
  const edited = (): void => {
    if (started === null) setStarted(revision);
    if (sub.problem) sub.reset();
    setDone(null);
  };

  const body = () => {
    const qualifiers = isCountPredicate(predicate) ? { ...(group ? { group } : {}), ...(nationality ? { nationality: nationality.toUpperCase() } : {}) } : {};
    return {
      predicate,
      ...(Object.keys(qualifiers).length ? { qualifiers } : {}),
      value: valueOf(predicate, value),
      sourceId,
      statedAt,
      ...(url || quote ? { citation: { ...(url ? { url } : {}), ...(quote ? { quote } : {}) } } : {}),
      ...(mode ? { mode } : {}),
      ...(note ? { note } : {}),
    };
  };
  const send = async (ifMatch: number): Promise<void> => {
    const r = await sub.submit('POST', `/incidents/${encodeURIComponent(incidentId)}/claims`, body(), ifMatch);
    if (r.ok) {
      const claimId = (r.body as { claimId?: string } | undefined)?.claimId ?? '';
      setDone(`Recorded claim ${claimId}.`);
      setValue({ kind: value.kind ?? 'exact' });
      setQuote('');
      setNote('');
      setStarted(null);
      await qc.invalidateQueries({ queryKey: ['incident', incidentId] });
    }
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void send(seen);
  };
  const retry = (current: number): void => {
    setStarted(current);
    void send(current);
  };
  return (
    <form role="form" aria-label="Record claim" className="editor-form" onSubmit={submit} onChange={edited}>
      <h3>Record a claim</h3>
      <div className="form-grid">
        <Field label="Predicate" pointer="/predicate" problem={sub.problem}>
          {(p) => (
            <select {...p} value={predicate} onChange={(e) => { setPredicate(e.target.value); setValue(isCountPredicate(e.target.value) ? { kind: 'exact' } : {}); }}>
              {PREDICATES.map((x) => <option key={x}>{x}</option>)}
            </select>
          )}
        </Field>
        {isCountPredicate(predicate) && (
          <>
            <Field label="Group" pointer="/qualifiers/group" problem={sub.problem}>
              {(p) => <select {...p} value={group} onChange={(e) => setGroup(e.target.value)}><option value="">(everyone)</option>{GROUPS.map((g) => <option key={g}>{g}</option>)}</select>}
            </Field>
            <Field label="Nationality" pointer="/qualifiers/nationality" problem={sub.problem} hint="Two-letter country code, optional">
              {(p) => <input {...p} value={nationality} maxLength={2} onChange={(e) => setNationality(e.target.value)} />}
            </Field>
          </>
        )}
        <Field label="Source" pointer="/sourceId" problem={sub.problem}>
          {(p) => <SourceSelect p={p} value={sourceId} onChange={setSourceId} />}
        </Field>
        <Field label="Stated at" pointer="/statedAt" problem={sub.problem} hint="YYYY-MM-DD, or a date-time with offset">
          {(p) => <input {...p} value={statedAt} onChange={(e) => setStatedAt(e.target.value)} placeholder="2024-10-07" required />}
        </Field>
      </div>
      <ValueEditor predicate={predicate} draft={value} onChange={setValue} problem={sub.problem} />
      <div className="form-grid">
        <Field label="Citation URL" pointer="/citation/url" problem={sub.problem}>
          {(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" />}
        </Field>
        <Field label="Quote" pointer="/citation/quote" problem={sub.problem} hint="One sentence at most">
          {(p) => <input {...p} value={quote} onChange={(e) => setQuote(e.target.value)} />}
        </Field>
        <Field label="Mode" pointer="/mode" problem={sub.problem}>
          {(p) => <select {...p} value={mode} onChange={(e) => setMode(e.target.value)}><option value="">(not given)</option>{MODES.map((m) => <option key={m}>{m}</option>)}</select>}
        </Field>
        <Field label="Note" pointer="/note" problem={sub.problem}>
          {(p) => <input {...p} value={note} onChange={(e) => setNote(e.target.value)} />}
        </Field>
      </div>
      {sub.problem?.status === 412 ? (
        <Conflict incidentId={incidentId} seen={seen} problem={sub.problem} onRetry={retry} pending={sub.pending} />
      ) : (
        <ProblemMessage problem={sub.problem} shownPointers={SHOWN} />
      )}
      {sub.problem && sub.problem.status !== 412 && sub.problem.status === 0 && <button type="button" onClick={() => void send(seen)}>Retry</button>}
      <div className="form-actions">
        <button type="submit" disabled={sub.pending}>Record claim</button>
        {done && <span role="status" className="done">{done}</span>}
      </div>
    </form>
  );
}
