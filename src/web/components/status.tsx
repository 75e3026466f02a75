import type { Status } from '../types.ts';

const WHY: Record<Status, string> = {
  preferred: 'chosen by a fact-checker',
  corroborated: 'two or more sources agree',
  reported: 'one source',
  disputed: 'sources disagree',
  withdrawn: 'every claim retracted or set aside',
};

/** The status word as text (never colour alone), with what it means on hover and for screen readers. */
export function StatusWord({ status }: { status: Status }) {
  return (
    <span className={`status status-${status}`} title={WHY[status]}>
      {status}
    </span>
  );
}
