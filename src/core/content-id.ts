import { createHash } from 'crypto';

/**
 * Ids derived from content, never from a position: adding, removing or reordering one declaration must not rename
 * (and so replace) the resources of the others.
 */

/** A short, stable hash of a value: the first 12 hex digits of its SHA-256. */
export function contentId(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}

/** At most this many characters of readable text in a {@link readableContentId}. */
export const READABLE_ID_MAX_CHARS = 60;

/**
 * A readable id for a resource: `PREFIX-READABLE-HASH`, where READABLE is `parts` with every run of characters other
 * than letters and digits written as `-` (at most {@link READABLE_ID_MAX_CHARS} characters), and HASH is the
 * {@link contentId} of `key`, the whole content that makes the resource what it is. The hash is always there: a
 * readable part alone would collide for two grants that differ only where it was shortened or sanitised (two
 * prefixes of one bucket), and a hash added only on a collision would rename the first resource when a colliding
 * one is added.
 */
export function readableContentId(prefix: string, parts: readonly string[], key: string): string {
  const readable = parts.join('-').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, READABLE_ID_MAX_CHARS).replace(/-+$/, '');
  return [prefix, readable, contentId(key)].filter((part) => part !== '').join('-');
}
