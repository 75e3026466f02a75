/** Register an incident or a source (editors). */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Field, ProblemMessage } from '../components/field.tsx';
import { navigate } from '../router.tsx';
import { useSession } from '../session.ts';
import { CATEGORIES, PRECISIONS, SOURCE_KINDS } from '../vocab.ts';
import { useSubmission } from '../writes.ts';

function NeedsEditor() {
  return <main id="main" className="page"><h1>Sign in as an editor</h1><p>Registering records needs an editor’s API key.</p></main>;
}

export function NewIncidentPage() {
  const { role } = useSession();
  const sub = useSubmission();
  const qc = useQueryClient();
  const [f, setF] = useState<Record<string, string>>({ precision: 'day', category: 'bombing' });
  const set = (k: string) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  if (role !== 'editor') return <NeedsEditor />;
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const body = {
      ...(f.incidentId ? { incidentId: f.incidentId } : {}),
      title: f.title ?? '',
      ...(f.summary ? { summary: f.summary } : {}),
      occurredAt: { start: f.start ?? '', precision: f.precision ?? 'day' },
      location: { name: f.place ?? '', country: (f.country ?? '').toUpperCase(), ...(f.region ? { region: f.region } : {}) },
      category: f.category ?? 'other',
      tags: (f.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    };
    const r = await sub.submit('POST', '/incidents', body);
    const id = (r.body as { id?: string } | undefined)?.id;
    if (r.ok && id) {
      await qc.invalidateQueries({ queryKey: ['timeline'] });
      navigate(`/ui/incidents/${encodeURIComponent(id)}`);
    }
  };
  const input = (k: string, label: string, pointer: string, extra: Record<string, string | boolean> = {}) => (
    <Field label={label} pointer={pointer} problem={sub.problem}>{(p) => <input {...p} value={f[k] ?? ''} onChange={set(k)} {...extra} />}</Field>
  );
  return (
    <main id="main" className="page">
      <h1>Register an incident</h1>
      <form className="editor-form" aria-label="Register incident" onSubmit={submit} onChange={() => sub.problem && sub.reset()}>
        <div className="form-grid">
          {input('title', 'Title', '/title', { required: true })}
          {input('incidentId', 'Id (optional)', '/incidentId', { placeholder: 'generated from the title' })}
          {input('start', 'Occurred at', '/occurredAt/start', { placeholder: '2024-10-06', required: true })}
          <Field label="Precision" pointer="/occurredAt/precision" problem={sub.problem}>{(p) => <select {...p} value={f.precision} onChange={set('precision')}>{PRECISIONS.map((x) => <option key={x}>{x}</option>)}</select>}</Field>
          {input('place', 'Place', '/location/name', { required: true })}
          {input('region', 'Region', '/location/region')}
          {input('country', 'Country', '/location/country', { maxLength: '2', placeholder: 'PK', required: true })}
          <Field label="Category" pointer="/category" problem={sub.problem}>{(p) => <select {...p} value={f.category} onChange={set('category')}>{CATEGORIES.map((x) => <option key={x}>{x}</option>)}</select>}</Field>
          {input('tags', 'Tags', '/tags', { placeholder: 'comma, separated' })}
        </div>
        <Field label="Summary" pointer="/summary" problem={sub.problem}>{(p) => <textarea {...p} rows={3} value={f.summary ?? ''} onChange={set('summary')} />}</Field>
        <ProblemMessage problem={sub.problem} shownPointers={['/title', '/incidentId', '/occurredAt', '/location', '/category', '/tags', '/summary']} />
        <div className="form-actions"><button type="submit" disabled={sub.pending}>Register incident</button></div>
      </form>
    </main>
  );
}

export function NewSourcePage() {
  const { role } = useSession();
  const sub = useSubmission();
  const qc = useQueryClient();
  const [f, setF] = useState<Record<string, string>>({ kind: 'news-outlet' });
  const set = (k: string) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  if (role !== 'editor') return <NeedsEditor />;
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const body = {
      ...(f.sourceId ? { sourceId: f.sourceId } : {}),
      name: f.name ?? '',
      kind: f.kind ?? 'other',
      ...(f.url ? { url: f.url } : {}),
      ...(f.country ? { country: f.country.toUpperCase() } : {}),
      ...(f.description ? { description: f.description } : {}),
    };
    const r = await sub.submit('POST', '/sources', body);
    const id = (r.body as { id?: string } | undefined)?.id;
    if (r.ok && id) {
      await qc.invalidateQueries({ queryKey: ['sources'] });
      navigate(`/ui/sources/${encodeURIComponent(id)}`);
    }
  };
  const input = (k: string, label: string, extra: Record<string, string | boolean> = {}) => (
    <Field label={label} pointer={`/${k}`} problem={sub.problem}>{(p) => <input {...p} value={f[k] ?? ''} onChange={set(k)} {...extra} />}</Field>
  );
  return (
    <main id="main" className="page">
      <h1>Register a source</h1>
      <form className="editor-form" aria-label="Register source" onSubmit={submit} onChange={() => sub.problem && sub.reset()}>
        <div className="form-grid">
          {input('name', 'Name', { required: true })}
          {input('sourceId', 'Id (optional)', { placeholder: 'generated from the name' })}
          <Field label="Kind" pointer="/kind" problem={sub.problem}>{(p) => <select {...p} value={f.kind} onChange={set('kind')}>{SOURCE_KINDS.map((x) => <option key={x}>{x}</option>)}</select>}</Field>
          {input('url', 'Web address', { type: 'url' })}
          {input('country', 'Country', { maxLength: '2' })}
        </div>
        <Field label="Description" pointer="/description" problem={sub.problem}>{(p) => <textarea {...p} rows={2} value={f.description ?? ''} onChange={set('description')} />}</Field>
        <ProblemMessage problem={sub.problem} shownPointers={['/name', '/sourceId', '/kind', '/url', '/country', '/description']} />
        <div className="form-actions"><button type="submit" disabled={sub.pending}>Register source</button></div>
      </form>
    </main>
  );
}
