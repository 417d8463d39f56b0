import { createHash } from 'crypto';

/** A short, stable hash, for construct ids derived from a value (so adding a value does not renumber the others). */
export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}
