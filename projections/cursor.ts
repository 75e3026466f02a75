/** A bad query parameter (cursor, from/to): the HTTP layer answers 400. */
export class InvalidQuery extends Error {
  override readonly name = 'InvalidQuery';
  constructor(
    readonly code: 'invalid-cursor' | 'invalid-query',
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

/** Cursors are opaque to clients: base64url of the JSON of the last item's sort key. */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) throw new InvalidQuery('invalid-cursor', 'cursor', 'cursor is not a cursor this API returned');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidQuery('invalid-cursor', 'cursor', 'cursor is not a cursor this API returned');
  }
  if (!Array.isArray(parsed)) throw new InvalidQuery('invalid-cursor', 'cursor', 'cursor is not a cursor this API returned');
  return parsed;
}
