/**
 * What the write and read services refuse, beyond the domain's own rules (DomainError). The codes
 * are the public problem codes; src/http/problems.ts maps each to its status, nothing here knows one.
 */
export type AppErrorCode =
  /** The stream kept changing under every retry. */
  | 'conflict'
  /** The caller's expected revision (If-Match) is not the stream's current one. */
  | 'precondition-failed'
  /** An idempotency key came back with another request. */
  | 'idempotency-key-reused'
  | 'invalid-cursor'
  | 'revision-out-of-range'
  /** No event at that log index. */
  | 'event-not-found'
  /** A v1 event, or a store without the redaction capability. */
  | 'not-redactable'
  /** A redaction path that may not be erased (see redactionPathProblems). */
  | 'validation';

export interface AppErrorDetails {
  /** The read parameter at fault, by its name (`cursor`, `atRevision`). */
  parameter?: string;
  /** For precondition-failed: the stream's revision now, null when it has none. */
  currentRevision?: bigint | null;
  /** Field errors in the request body, by JSON Pointer. */
  errors?: { path: string; message: string }[];
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: AppErrorDetails = {},
  ) {
    super(message);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
