/** Glob patterns as IAM `StringLike` and Keyless subjects use them: `*` any run of characters, `?` one character. */

/** Whether a string is a glob pattern (`*` or `?`). */
export function isGlob(value: string): boolean {
  return /[*?]/.test(value);
}

/** Whether a glob admits a literal value (`*` also matches `/` and `:`, as in IAM). */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/**
 * Whether glob `outer` admits every string glob `inner` admits. Sound: a `*` in `inner` is admitted only by a `*`
 * in `outer`.
 */
export function globCovers(outer: string, inner: string, ignoreCase = false): boolean {
  const a = ignoreCase ? outer.toLowerCase() : outer;
  const b = ignoreCase ? inner.toLowerCase() : inner;
  if (!a.includes('*') && !a.includes('?')) return a === b;
  const memo = new Map<number, boolean>();
  const covers = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length) result = j === b.length;
    else if (a[i] === '*') result = covers(i + 1, j) || (j < b.length && covers(i, j + 1));
    else if (a[i] === '?') result = j < b.length && b[j] !== '*' && covers(i + 1, j + 1);
    else result = j < b.length && b[j] === a[i] && covers(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return covers(0, 0);
}
