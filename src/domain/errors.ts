/** Every rule `decide` can refuse a command with; the HTTP layer maps each code to a status (src/http/problems.ts). */
export type DomainErrorCode =
  | 'incident-exists'
  | 'incident-not-found'
  | 'source-exists'
  | 'source-not-found'
  | 'unknown-source'
  | 'claim-exists'
  | 'claim-not-found'
  | 'claim-retracted'
  | 'claim-voided'
  | 'claim-not-retracted'
  | 'invalid-value'
  | 'revision-changes-identity'
  | 'revision-before-statement'
  | 'empty-changes';

/** A field-level problem; `path` is a JSON Pointer relative to the command body, e.g. '/value/kind'. */
export interface FieldProblem {
  path: string;
  message: string;
}

export interface DomainErrorDetails {
  errors?: FieldProblem[];
  [k: string]: unknown;
}

/**
 * A refused command. Thrown rather than returned so that `decide` keeps the plain
 * `(command, state) → events` shape; the code, not the class or the message, is the contract.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: DomainErrorCode;
  readonly details?: DomainErrorDetails;

  constructor(code: DomainErrorCode, message: string, details?: DomainErrorDetails) {
    super(message);
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

export function fail(code: DomainErrorCode, message: string, details?: DomainErrorDetails): never {
  throw new DomainError(code, message, details);
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** The default of an exhaustive switch: a compile error when a case is missing, a throw if bad data slips through. */
export function unreachable(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
