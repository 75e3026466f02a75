import { useEffect, useState, type FormEvent } from 'react';
import { createPalimpsestClient } from '../../client/index.ts';
import { formatInstant } from '../format.ts';
import { checkConsistency, checkInclusion, latestCheckpoint, type InclusionResult } from '../verify/audit.ts';
import { toBase64 } from '../verify/bytes.ts';
import type { VerifiedCheckpoint } from '../verify/note.ts';

const REMEMBERED = 'palimpsest.checkpoint';

// The log is public (auditor reads are open to anonymous clients): an editor's key, which does not
// grant the auditor role, must not turn the audit into a 403, so these reads go without a key.
const api = createPalimpsestClient(window.location.origin, () => null);

type Check<T> = { state: 'idle' } | { state: 'working' } | { state: 'ok'; value: T } | { state: 'failed'; why: string };
const failed = (e: unknown): { state: 'failed'; why: string } => ({ state: 'failed', why: e instanceof Error ? e.message : String(e) });

export function AuditPage() {
  const [cp, setCp] = useState<Check<VerifiedCheckpoint>>({ state: 'working' });
  const [consistency, setConsistency] = useState<Check<{ from: number; to: number; savedAt: string }> | { state: 'first' }>({ state: 'idle' });
  const [incl, setIncl] = useState<Check<InclusionResult>>({ state: 'idle' });
  const [index, setIndex] = useState('0');

  useEffect(() => {
    let gone = false;
    void (async () => {
      try {
        const now = await latestCheckpoint(api);
        if (gone) return;
        setCp({ state: 'ok', value: now });
        const saved = localStorage.getItem(REMEMBERED);
        const remembered = saved ? (JSON.parse(saved) as { note?: string; savedAt?: string }) : null;
        if (remembered?.note) {
          setConsistency({ state: 'working' });
          try {
            const r = await checkConsistency(api, remembered.note, now);
            if (!gone) setConsistency({ state: 'ok', value: { ...r, savedAt: remembered.savedAt ?? '' } });
          } catch (e) {
            // A failed proof keeps the old checkpoint: it is the evidence.
            if (!gone) setConsistency(failed(e));
            return;
          }
        } else {
          setConsistency({ state: 'first' });
        }
        localStorage.setItem(REMEMBERED, JSON.stringify({ note: now.note, savedAt: new Date().toISOString() }));
      } catch (e) {
        if (!gone) setCp(failed(e));
      }
    })();
    return () => {
      gone = true;
    };
  }, []);

  const verifyEvent = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (cp.state !== 'ok') return;
    setIncl({ state: 'working' });
    try {
      setIncl({ state: 'ok', value: await checkInclusion(api, Number(index), cp.value) });
    } catch (err) {
      setIncl(failed(err));
    }
  };

  return (
    <main id="main" className="page audit-page">
      <h1>Audit the log</h1>
      <p className="lede">Every event is a leaf of a signed Merkle tree. This page checks it in your browser, with the log’s published key — it does not take the server’s word for anything.</p>
      <section className="card" aria-labelledby="cp-h">
        <h2 id="cp-h">Signed checkpoint</h2>
        {cp.state === 'working' && <p aria-live="polite">Verifying the signature…</p>}
        {cp.state === 'failed' && <p role="alert" className="verdict bad">Not verified: {cp.why}</p>}
        {cp.state === 'ok' && (
          <>
            <p className="verdict good" role="status"><span aria-hidden="true">✓ </span>verified — Ed25519 signature checked in this browser</p>
            <dl className="kv">
              <div><dt>Origin</dt><dd><code>{cp.value.origin}</code></dd></div>
              <div><dt>Tree size</dt><dd>{cp.value.size}</dd></div>
              <div><dt>Root</dt><dd><code className="hash">{toBase64(cp.value.root)}</code></dd></div>
            </dl>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="cons-h">
        <h2 id="cons-h">Since your last visit</h2>
        {consistency.state === 'first' && <p>This browser had no checkpoint yet. It remembers this one; next time, it proves that the log only grew since.</p>}
        {consistency.state === 'working' && <p aria-live="polite">Checking the consistency proof…</p>}
        {consistency.state === 'ok' && (
          <p className="verdict good" role="status">
            <span aria-hidden="true">✓ </span>consistency proof verified: the log of {consistency.value.to} events extends the one of {consistency.value.from} you saw{consistency.value.savedAt ? ` on ${formatInstant(consistency.value.savedAt)}` : ''}; nothing was rewritten.
          </p>
        )}
        {consistency.state === 'failed' && <p role="alert" className="verdict bad">Consistency not proven: {consistency.why}. The checkpoint you saved is kept as evidence.</p>}
      </section>
      <section className="card" aria-labelledby="incl-h">
        <h2 id="incl-h">Check one event</h2>
        <p>Pick an event by its log index. Its leaf is recomputed here from its fields (RFC 8785 canonical JSON, SHA-256) and its audit path checked against the signed root.</p>
        <form onSubmit={verifyEvent} className="inline-form" aria-label="Verify an event">
          <div className="field">
            <label htmlFor="event-index">Event index</label>
            <input id="event-index" type="number" min={0} max={cp.state === 'ok' ? cp.value.size - 1 : undefined} value={index} onChange={(e) => setIndex(e.target.value)} />
          </div>
          <button type="submit" disabled={cp.state !== 'ok'}>Verify inclusion</button>
        </form>
        {incl.state === 'working' && <p aria-live="polite">Recomputing…</p>}
        {incl.state === 'failed' && <p role="alert" className="verdict bad">Not included: {incl.why}</p>}
        {incl.state === 'ok' && (
          <div role="status">
            <p className="verdict good"><span aria-hidden="true">✓ </span>included: event {incl.value.item.index} hashes into the signed root</p>
            <dl className="kv">
              <div><dt>Event</dt><dd>{incl.value.item.type} · <code>{incl.value.item.stream}</code> rev. {incl.value.item.revision}</dd></div>
              <div><dt>Recorded</dt><dd>{formatInstant(incl.value.item.recordedAt)} by {String(incl.value.item.metadata.actor)}</dd></div>
              <div><dt>Leaf hash</dt><dd><code className="hash">{toBase64(incl.value.leafHash)}</code></dd></div>
            </dl>
          </div>
        )}
      </section>
    </main>
  );
}
