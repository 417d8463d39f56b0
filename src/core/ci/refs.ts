import { fail, quote, ValidationContext } from '../errors';

/** Git refs in CI subjects: exact branch and tag names (git check-ref-format) and declared tag patterns. */

/** Wildcard and pattern characters in AWS `StringLike` (`*`, `?`) and globs generally (`[`). */
export const WILDCARD_CHARS = /[*?[\]]/;

/**
 * Validates a git ref name (branch or tag) as git's `check-ref-format` does, which also guarantees it contains no
 * `:` (the subject separator) and no wildcard.
 */
export function checkRefName(name: unknown, kind: 'branch' | 'tag', ctx: ValidationContext, prop: string, patternProp: string): string {
  const docs = 'https://git-scm.com/docs/git-check-ref-format';
  if (typeof name !== 'string' || name.length === 0) {
    fail({ code: 'KL-CI-REF-EMPTY', path: ctx.path, prop, problem: `is ${quote(name)}: a ${kind} name must be a non-empty string`, fix: `name the ${kind}, e.g. "${kind === 'branch' ? 'main' : 'v1.2.3'}"` });
  }
  if (WILDCARD_CHARS.test(name)) {
    const hint = kind === 'tag'
      ? `declare the pattern in \`${patternProp}\` (a literal prefix and one trailing \`*\`, e.g. "v*") so that it is rendered as an explicit, reviewed pattern`
      : 'list each branch exactly; branch patterns are not supported because a `*` also matches `/` and `:` in a subject';
    fail({ code: 'KL-CI-REF-WILDCARD', path: ctx.path, prop, problem: `is ${quote(name)}: wildcards are not allowed in an exact ${kind} name`, fix: hint });
  }
  if (/^refs\//.test(name)) {
    fail({
      code: 'KL-CI-REF-QUALIFIED',
      path: ctx.path,
      prop,
      problem: `is ${quote(name)}: give the short ${kind} name; Keyless adds the \`refs/${kind === 'branch' ? 'heads' : 'tags'}/\` prefix itself`,
      fix: `use ${quote(name.replace(/^refs\/(heads|tags)\//, ''))}`,
    });
  }
  // git check-ref-format: no control characters, space, ~ ^ : \ ; no "..", "@{", "//"; no leading/trailing "/" or "."; no ".lock" suffix.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:\\]/.test(name) || name.includes('..') || name.includes('@{') || name.includes('//')
    || /^[/.-]|[/.]$/.test(name) || name.endsWith('.lock') || name === '@' || name.length > 255) {
    fail({
      code: 'KL-CI-REF-INVALID',
      path: ctx.path,
      prop,
      problem: `is ${quote(name)}, which is not a valid git ${kind} name (no spaces, \`~ ^ : \\\`, \`..\`, \`//\`, leading \`-\`, \`/\` or \`.\`, trailing \`/\`, \`.\` or \`.lock\`; at most 255 characters)`,
      fix: `use the ${kind} name exactly as git shows it`,
      docs,
    });
  }
  return name;
}

/**
 * Validates a declared ref pattern: a literal prefix that is a valid ref name start, then a single trailing `*`.
 * Returns the literal prefix.
 */
export function checkRefPattern(pattern: unknown, ctx: ValidationContext, prop: string): string {
  if (typeof pattern !== 'string' || !/^[^*?[\]]+\*$/.test(pattern)) {
    fail({
      code: 'KL-CI-PATTERN-FORM',
      path: ctx.path,
      prop,
      problem: `is ${quote(pattern)}: a pattern is a literal prefix of at least one character followed by a single trailing \`*\` (no \`?\`, \`[\`, inner or bare \`*\`)`,
      fix: 'write it as e.g. "v*" or "release-*"; list other refs exactly',
    });
  }
  const prefix = pattern.slice(0, -1);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:\\]/.test(prefix) || prefix.includes('..') || prefix.includes('//') || /^[/.-]/.test(prefix) || prefix.startsWith('refs/')) {
    fail({
      code: 'KL-CI-PATTERN-INVALID',
      path: ctx.path,
      prop,
      problem: `is ${quote(pattern)}: its prefix ${quote(prefix)} cannot start a valid git ref name (no spaces, \`~ ^ : \\\`, \`..\`, leading \`-\`, \`/\`, \`.\` or \`refs/\`)`,
      fix: 'write the short tag name prefix, e.g. "v*"',
    });
  }
  return prefix;
}
