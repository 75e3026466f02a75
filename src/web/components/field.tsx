import { useId, type ReactNode } from 'react';
import { fieldErrors } from '../writes.ts';
import type { Problem } from '../types.ts';

/** A labelled control with the problem+json messages whose JSON Pointer names it shown beside it. */
export function Field({ label, pointer, problem, children, hint }: {
  label: string;
  pointer?: string;
  problem?: Problem | null;
  hint?: string;
  children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const errors = pointer ? fieldErrors(problem ?? null, pointer) : [];
  const describedBy = [hint ? `${id}-hint` : '', errors.length ? `${id}-err` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${errors.length ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(errors.length ? { 'aria-invalid': true } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
      {errors.length > 0 && <span id={`${id}-err`} className="field-error">{errors.join('; ')}</span>}
    </div>
  );
}

/** The problem's message, unless every error it lists is shown next to a field already. */
export function ProblemMessage({ problem, shownPointers }: { problem: Problem | null; shownPointers: string[] }) {
  if (!problem) return null;
  const elsewhere = (problem.errors ?? []).filter((e) => !(e.in === 'body' && shownPointers.some((p) => e.path === p || e.path.startsWith(`${p}/`))));
  const allAtFields = (problem.errors?.length ?? 0) > 0 && elsewhere.length === 0;
  return (
    <div role="alert" className="problem">
      <strong>Not saved</strong>
      {allAtFields ? ': see the marked field.' : problem.detail ? `: ${problem.detail}` : problem.title ? `: ${problem.title}` : ''}
      {elsewhere.length > 0 && <ul>{elsewhere.map((e) => <li key={e.in + e.path}>{e.path || e.in}: {e.message}</li>)}</ul>}
    </div>
  );
}
