import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Layout } from './components/layout.tsx';
import { AuditPage } from './pages/audit.tsx';
import { IncidentPage } from './pages/incident.tsx';
import { NewIncidentPage, NewSourcePage } from './pages/new-records.tsx';
import { SourcePage } from './pages/source.tsx';
import { TimelinePage } from './pages/timeline.tsx';
import { BASE, useLocation } from './router.tsx';
import './styles.css';

const queries = new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: false } } });

function Routes() {
  const { path } = useLocation();
  const rest = path.startsWith(`${BASE}/`) ? path.slice(BASE.length + 1) : '';
  const [first, second] = rest.split('/').map(decodeURIComponent);
  if (first === 'incidents' && second === 'new') return <NewIncidentPage />;
  if (first === 'incidents' && second) return <IncidentPage id={second} />;
  if (first === 'sources' && second === 'new') return <NewSourcePage />;
  if (first === 'sources' && second) return <SourcePage id={second} />;
  if (first === 'audit') return <AuditPage />;
  if (!first) return <TimelinePage />;
  return (
    <main id="main" className="page">
      <h1>Page not found</h1>
      <p>Nothing lives at {path}.</p>
    </main>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queries}>
        <Layout>
          <Routes />
        </Layout>
      </QueryClientProvider>
    </StrictMode>,
  );
}
