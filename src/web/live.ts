/** Follows /changes/stream from a log index and calls back for each change (the browser's EventSource reconnects with Last-Event-ID). */
import type { Change } from './types.ts';

export function followChanges(from: number, onChange: (c: Change) => void): () => void {
  const es = new EventSource(`/changes/stream?from=${from}`);
  es.addEventListener('change', (m) => {
    try {
      onChange(JSON.parse((m as MessageEvent<string>).data) as Change);
    } catch {
      // A malformed message is skipped: the next read of the page is authoritative anyway.
    }
  });
  return () => es.close();
}
