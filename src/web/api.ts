/** The one client of the REST API (same origin), its reads as TanStack queries, and the problem shape of errors. */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { createPalimpsestClient } from '../client/index.ts';
import { getKey } from './session.ts';
import type { Problem } from './types.ts';

export const api = createPalimpsestClient(window.location.origin, getKey);

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
}

export function asProblem(error: unknown, response: Response): Problem {
  const p = typeof error === 'object' && error !== null ? (error as Partial<Problem>) : {};
  return { ...p, status: response.status, detail: p.detail ?? response.statusText };
}

/** The answer's body typed as the app's view type (see types.ts), or an ApiError. */
export async function read<T>(call: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined) throw new ApiError(asProblem(error, response));
  return data as T;
}

export function useRead<T>(key: unknown[], fn: () => Promise<{ data?: unknown; error?: unknown; response: Response }>): UseQueryResult<T, ApiError> {
  return useQuery<T, ApiError>({ queryKey: key, queryFn: () => read<T>(fn()) });
}

/** Probes the key: a read proves it is known; an empty write tells an editor (400, nothing appended) from a reader (403). */
export async function probeRole(key: string): Promise<'reader' | 'editor'> {
  const headers = { authorization: `Bearer ${key}` };
  const known = await api.GET('/sources', { params: { query: { limit: 1 } }, headers });
  if (known.response.status === 401) throw new ApiError({ status: 401, detail: 'This key is unknown or revoked.' });
  const write = await api.POST('/sources', { body: {} as never, headers });
  return write.response.status === 403 || write.response.status === 401 ? 'reader' : 'editor';
}
