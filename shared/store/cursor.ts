import { validationError } from '../domain/errors.js';

/**
 * Opaque pagination cursors: base64url JSON of DynamoDB's LastEvaluatedKey. A cursor is only accepted
 * for the same partition it came from (`scope`), so one tenant's cursor cannot page through another's
 * list: the partition is always derived from the caller's token, never from the cursor.
 */
export type StoreKey = Record<string, string | number>;

export function encodeCursor(key: StoreKey | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

export function decodeCursor(
  cursor: string | undefined,
  scope: { attribute: string; value: string },
  allowedAttributes: readonly string[],
): StoreKey | undefined {
  if (cursor === undefined) return undefined;
  const invalid = validationError([
    { path: 'query.cursor', message: 'is not a cursor this list issued to you' },
  ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid;
  const entries = Object.entries(parsed);
  const wellFormed =
    entries.length === allowedAttributes.length &&
    entries.every(([k, v]) => allowedAttributes.includes(k) && typeof v === 'string' && v.length <= 512);
  if (!wellFormed || (parsed as StoreKey)[scope.attribute] !== scope.value) throw invalid;
  return parsed as StoreKey;
}
