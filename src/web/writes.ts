/**
 * Writes as the API wants them: an Idempotency-Key per submission, kept when the same submission is
 * retried (so a retry after a lost answer appends nothing twice), and If-Match with the revision the
 * user saw, so a change made meanwhile by someone else is a 412 to look at, not an overwrite.
 */
import { useRef, useState } from 'react';
import type { Problem } from './types.ts';
import { api } from './api.ts';

export interface WriteResult {
  ok: boolean;
  status: number;
  body: unknown;
  problem?: Problem;
}

/** A fresh key for each new submission; `retry` re-sends with the same one. */
export function newIdempotencyKey(): string {
  return `ui-${crypto.randomUUID()}`;
}

export async function sendWrite(method: 'POST' | 'PATCH', path: string, body: unknown, opts: { idempotencyKey?: string; ifMatch?: number }): Promise<WriteResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.idempotencyKey && method === 'POST') headers['idempotency-key'] = opts.idempotencyKey;
  if (opts.ifMatch !== undefined) headers['if-match'] = `"${opts.ifMatch}"`;
  // Through the typed client (its middleware adds the key); the path is already filled in, so the
  // call is typed loosely here; the server validates the body and answers by JSON Pointer.
  const init = { body: body as never, headers, parseAs: 'text' as const };
  const { response: res, data, error } = method === 'POST' ? await api.POST(path as never, init as never) : await api.PATCH(path as never, init as never);
  // openapi-fetch hands back a success body as text (parseAs) and an error body already parsed when it is JSON.
  let parsed: unknown = error;
  if (res.ok && typeof data === 'string' && data !== '') {
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = data;
    }
  }
  if (res.ok) return { ok: true, status: res.status, body: parsed };
  const p = typeof parsed === 'object' && parsed !== null ? (parsed as Problem) : { status: res.status, detail: typeof parsed === 'string' ? parsed : res.statusText };
  return { ok: false, status: res.status, body: parsed, problem: { ...p, status: res.status } };
}

/**
 * One form's submission state. The idempotency key lives as long as the submission does: a retry
 * after a failure reuses it; `reset` (after success, or when the user edits the form) starts anew.
 */
export function useSubmission() {
  const key = useRef<string>(newIdempotencyKey());
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  return {
    pending,
    problem,
    idempotencyKey: () => key.current,
    reset() {
      key.current = newIdempotencyKey();
      setProblem(null);
    },
    async submit(method: 'POST' | 'PATCH', path: string, body: unknown, ifMatch?: number): Promise<WriteResult> {
      setPending(true);
      try {
        const r = await sendWrite(method, path, body, { idempotencyKey: key.current, ...(ifMatch !== undefined ? { ifMatch } : {}) });
        setProblem(r.ok ? null : (r.problem ?? { status: r.status }));
        if (r.ok) key.current = newIdempotencyKey();
        return r;
      } catch (e) {
        const p = { status: 0, detail: `The server could not be reached (${String(e)}). Retrying sends the same request again, safely.` };
        setProblem(p);
        return { ok: false, status: 0, body: undefined, problem: p };
      } finally {
        setPending(false);
      }
    },
  };
}

/** The messages a problem's `errors` give for one field, by its JSON Pointer (or any pointer below it). */
export function fieldErrors(problem: Problem | null, pointer: string): string[] {
  return (problem?.errors ?? []).filter((e) => e.in === 'body' && (e.path === pointer || e.path.startsWith(`${pointer}/`))).map((e) => e.message);
}
