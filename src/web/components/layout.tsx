import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, probeRole } from '../api.ts';
import { Link } from '../router.tsx';
import { signIn, signOut, useSession } from '../session.ts';

function SignIn() {
  const { key, role } = useSession();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (key) {
    return (
      <div className="signin">
        <span className="who">Signed in · {role}</span>
        <button type="button" className="link-button" onClick={signOut}>Sign out</button>
      </div>
    );
  }
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      signIn(value.trim(), await probeRole(value.trim()));
      setValue('');
      setOpen(false);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  if (!open) return <button type="button" className="button-quiet" onClick={() => setOpen(true)}>Sign in to edit</button>;
  return (
    <form className="signin" onSubmit={submit} aria-label="Sign in">
      <label htmlFor="api-key">API key</label>
      <input id="api-key" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} required aria-describedby={error ? 'api-key-error' : undefined} />
      <button type="submit">Sign in</button>
      {error && <p id="api-key-error" className="field-error" role="alert">{error}</p>}
    </form>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { role } = useSession();
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="masthead">
        <div className="masthead-inner">
          <Link to="/ui/" className="brand">Palimpsest</Link>
          <nav aria-label="Sections">
            <Link to="/ui/">Timeline</Link>
            {role === 'editor' && <Link to="/ui/incidents/new">New incident</Link>}
            {role === 'editor' && <Link to="/ui/sources/new">New source</Link>}
            <Link to="/ui/audit">Audit</Link>
            <a href="/docs">API</a>
          </nav>
          <SignIn />
        </div>
      </header>
      {children}
      <footer className="footer">
        <p>Every claim, revision, retraction and erratum is an immutable event in a signed, verifiable log.</p>
      </footer>
    </>
  );
}
