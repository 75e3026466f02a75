/** The signed-in key, kept for this browser session only (sessionStorage), and the role it was found to have. */
import { useSyncExternalStore } from 'react';

const KEY = 'palimpsest.apiKey';
const ROLE = 'palimpsest.role';
export type SessionRole = 'reader' | 'editor';

const listeners = new Set<() => void>();
const notify = (): void => listeners.forEach((l) => l());

export const getKey = (): string | null => sessionStorage.getItem(KEY);
export const getRole = (): SessionRole | null => {
  const r = sessionStorage.getItem(ROLE);
  return r === 'reader' || r === 'editor' ? r : null;
};

export function signIn(key: string, role: SessionRole): void {
  sessionStorage.setItem(KEY, key);
  sessionStorage.setItem(ROLE, role);
  notify();
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(ROLE);
  notify();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useSession(): { key: string | null; role: SessionRole | null } {
  const key = useSyncExternalStore(subscribe, getKey);
  const role = useSyncExternalStore(subscribe, getRole);
  return { key, role };
}
