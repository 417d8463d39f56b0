import { fail, quote, ValidationContext } from '../errors';

/** Plain values of CI source props: numeric ids and lists. */

/** Checks a numeric id (GitHub and GitLab ids are decimal integers; tokens carry them as strings). */
export function checkNumericId(value: unknown, ctx: ValidationContext, prop: string, what: string): string {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,19}$/.test(value)) {
    fail({
      code: 'KL-CI-ID',
      path: ctx.path,
      prop,
      problem: `is ${quote(value)}: the ${what} is a decimal number with no wildcard, given as a string`,
      fix: `copy the numeric ${what} exactly (e.g. from the API), as a string such as "123456"`,
    });
  }
  return value;
}

/** Sorted, de-duplicated copy of a list. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Converts a list prop that may be undefined into an array, rejecting non-arrays. */
export function listProp(value: unknown, ctx: ValidationContext, prop: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fail({ code: 'KL-PROP-LIST', path: ctx.path, prop, problem: `is ${quote(value)}: expected a list`, fix: `give \`${prop}\` as an array` });
  }
  for (let i = 0; i < value.length; i++) {
    // A hole (`[, "main"]`) is skipped by forEach and map: refuse it rather than silently drop or crash on it.
    if (!(i in value)) {
      fail({ code: 'KL-PROP-LIST-HOLE', path: ctx.path, prop: `${prop}[${i}]`, problem: 'is an empty slot of a sparse array', fix: `remove the extra comma, or give every element of \`${prop}\`` });
    }
  }
  return value;
}
