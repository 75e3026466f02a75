/** Edits a claim's value in the shape its predicate takes: counts by kind, texts, times, places, responsibility, perpetrator. */
import type { Problem } from '../types.ts';
import { COUNT_KINDS, isCountPredicate, PRECISIONS, STANCES } from '../vocab.ts';
import { Field } from './field.tsx';

export type ValueDraft = Record<string, string>;

/** The JSON value the draft stands for (numbers parsed; the server validates the rest and answers by pointer). */
export function valueOf(predicate: string, d: ValueDraft): unknown {
  const num = (s: string | undefined): number => (s === undefined || s.trim() === '' ? Number.NaN : Number(s));
  if (isCountPredicate(predicate)) {
    const kind = d.kind ?? 'exact';
    if (kind === 'range') return { kind, min: num(d.min), max: num(d.max) };
    if (kind === 'exact' || kind === 'atLeast') return { kind, value: num(d.value) };
    return { kind };
  }
  if (d.kind === 'unknown' || d.kind === 'none') return { kind: d.kind };
  switch (predicate) {
    case 'occurredAt':
      return { start: d.value ?? '', precision: d.precision ?? 'day', ...(d.approximate === 'true' ? { approximate: true } : {}) };
    case 'location':
      return { name: d.value ?? '', country: (d.country ?? '').toUpperCase(), ...(d.region ? { region: d.region } : {}) };
    case 'responsibility':
      return { actor: d.value ?? '', stance: d.stance ?? 'claimed' };
    case 'perpetrator':
      return { name: d.value ?? '', ...(d.role ? { role: d.role } : {}) };
    default:
      return d.value ?? '';
  }
}

/** A draft from an existing value, for revisions and errata. */
export function draftOf(predicate: string, v: unknown): ValueDraft {
  if (typeof v === 'string') return { value: v };
  if (typeof v !== 'object' || v === null) return {};
  const o = v as Record<string, unknown>;
  const s = (x: unknown): string => (x === undefined || x === null ? '' : String(x));
  if (isCountPredicate(predicate)) return { kind: s(o.kind), value: s(o.value), min: s(o.min), max: s(o.max) };
  if (o.kind === 'unknown' || o.kind === 'none') return { kind: s(o.kind) };
  if (predicate === 'occurredAt') return { value: s(o.start), precision: s(o.precision), approximate: o.approximate ? 'true' : '' };
  if (predicate === 'location') return { value: s(o.name), region: s(o.region), country: s(o.country) };
  if (predicate === 'responsibility') return { value: s(o.actor), stance: s(o.stance) };
  if (predicate === 'perpetrator') return { value: s(o.name), role: s(o.role) };
  return {};
}

export function ValueEditor({ predicate, draft, onChange, problem, pointer = '/value' }: {
  predicate: string;
  draft: ValueDraft;
  onChange: (d: ValueDraft) => void;
  problem: Problem | null;
  pointer?: string;
}) {
  const set = (k: string, v: string): void => onChange({ ...draft, [k]: v });
  const text = (k: string, label: string, ptr: string, extra: Record<string, string | boolean> = {}) => (
    <Field label={label} pointer={ptr} problem={problem}>
      {(p) => <input {...p} value={draft[k] ?? ''} onChange={(e) => set(k, e.target.value)} {...extra} />}
    </Field>
  );
  if (isCountPredicate(predicate)) {
    const kind = draft.kind ?? 'exact';
    return (
      <div className="value-editor">
        <Field label="Kind" pointer={`${pointer}/kind`} problem={problem}>
          {(p) => (
            <select {...p} value={kind} onChange={(e) => set('kind', e.target.value)}>
              {COUNT_KINDS.map((k) => <option key={k} value={k}>{k === 'atLeast' ? 'at least' : k}</option>)}
            </select>
          )}
        </Field>
        {(kind === 'exact' || kind === 'atLeast') && text('value', 'Value', pointer, { type: 'number', min: '0', step: '1', inputMode: 'numeric', required: true })}
        {kind === 'range' && (
          <>
            {text('min', 'Minimum', `${pointer}/min`, { type: 'number', min: '0', step: '1', required: true })}
            {text('max', 'Maximum', `${pointer}/max`, { type: 'number', min: '0', step: '1', required: true })}
          </>
        )}
      </div>
    );
  }
  switch (predicate) {
    case 'occurredAt':
      return (
        <div className="value-editor">
          {text('value', 'Value', `${pointer}/start`, { placeholder: '2024-10-06T23:00:00+05:00 or 2024-10-06', required: true })}
          <Field label="Precision" pointer={`${pointer}/precision`} problem={problem}>
            {(p) => <select {...p} value={draft.precision ?? 'day'} onChange={(e) => set('precision', e.target.value)}>{PRECISIONS.map((x) => <option key={x}>{x}</option>)}</select>}
          </Field>
          <label className="check"><input type="checkbox" checked={draft.approximate === 'true'} onChange={(e) => set('approximate', e.target.checked ? 'true' : '')} /> Approximate (“about”)</label>
        </div>
      );
    case 'location':
      return (
        <div className="value-editor">
          {text('value', 'Value', `${pointer}/name`, { placeholder: 'Place name', required: true })}
          {text('region', 'Region', `${pointer}/region`)}
          {text('country', 'Country', `${pointer}/country`, { placeholder: 'PK', maxLength: '2', required: true })}
        </div>
      );
    case 'responsibility':
      return (
        <div className="value-editor">
          {text('value', 'Value', `${pointer}/actor`, { placeholder: 'Group or person', required: true })}
          <Field label="Stance" pointer={`${pointer}/stance`} problem={problem}>
            {(p) => <select {...p} value={draft.stance ?? 'claimed'} onChange={(e) => set('stance', e.target.value)}>{STANCES.map((x) => <option key={x}>{x}</option>)}</select>}
          </Field>
        </div>
      );
    case 'perpetrator':
      return (
        <div className="value-editor">
          {text('value', 'Value', `${pointer}/name`, { placeholder: 'Name', required: true })}
          {text('role', 'Role', `${pointer}/role`, { placeholder: 'e.g. suicide bomber' })}
        </div>
      );
    default:
      return <div className="value-editor">{text('value', 'Value', pointer, { maxLength: '500', required: true })}</div>;
  }
}
