import { fail, quote, ValidationContext } from './errors';

/**
 * Calendar dates (`YYYY-MM-DD`, UTC) and the day arithmetic of review-by and expiry checks.
 *
 * Every function here refuses a string that is not a real calendar date instead of returning `NaN` or an
 * `Invalid Date`: a bound computed from `NaN` compares false both ways, so a date check built on it would pass.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
// Years 0001–9999: the four-digit range `YYYY-MM-DD` can write (proleptic Gregorian calendar, ISO 8601).
const MIN_YEAR = 1;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether a value is a real calendar date written as `YYYY-MM-DD` (years 0001–9999; `2026-02-29` is not). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= MIN_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Milliseconds since the epoch of 00:00 UTC on a date, once the date is known to be real. */
function utcMidnight(date: unknown, prop: string): number {
  if (!isIsoDate(date)) {
    fail({
      code: 'KL-DATE-INVALID',
      path: 'Keyless date arithmetic',
      prop,
      problem: `is ${quote(date)}: expected a calendar date written as YYYY-MM-DD`,
      fix: 'validate the date (isIsoDate) before computing with it',
    });
  }
  const [year, month, day] = date.split('-').map(Number);
  const instant = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  instant.setUTCFullYear(year, month - 1, day);
  return instant.getTime();
}

/** Days from `from` to `to`, both `YYYY-MM-DD`. Throws `KL-DATE-INVALID` if either is not a real date. */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to, 'to') - utcMidnight(from, 'from')) / DAY_MS);
}

/**
 * Adds a whole number of days to a `YYYY-MM-DD` date. Throws `KL-DATE-INVALID` if the date is not real, the
 * number of days is not an integer, or the result leaves the years 0001–9999.
 */
export function addDays(date: string, days: number): string {
  const start = utcMidnight(date, 'date');
  // JSON would print NaN as null: numbers are printed as themselves.
  if (!Number.isSafeInteger(days)) {
    fail({ code: 'KL-DATE-INVALID', path: 'Keyless date arithmetic', prop: 'days', problem: `is ${typeof days === 'number' ? String(days) : quote(days)}: expected a whole number of days`, fix: 'pass an integer' });
  }
  const result = new Date(start + days * DAY_MS);
  const year = result.getUTCFullYear();
  const text = `${String(year).padStart(4, '0')}-${String(result.getUTCMonth() + 1).padStart(2, '0')}-${String(result.getUTCDate()).padStart(2, '0')}`;
  if (Number.isNaN(result.getTime()) || !isIsoDate(text)) {
    fail({ code: 'KL-DATE-INVALID', path: 'Keyless date arithmetic', prop: 'days', problem: `is ${days}: ${date} plus ${days} days is outside the years 0001–9999`, fix: 'use a date closer to today' });
  }
  return text;
}

/**
 * Refuses a validation context whose `today` is not a real calendar date (`KL-CLOCK`), so that no review-by or
 * expiry bound is computed from it.
 *
 * @returns `ctx.today`, once valid
 */
export function checkToday(ctx: ValidationContext): string {
  if (!isIsoDate(ctx.today)) {
    fail({
      code: 'KL-CLOCK',
      path: ctx.path,
      prop: 'today',
      problem: `is ${quote(ctx.today)}: the date review-by and expiry dates are checked against is a calendar date written as YYYY-MM-DD`,
      fix: 'pin it with the `keyless:today` context value or the KEYLESS_TODAY environment variable set to a real date, e.g. "2026-11-22", or leave both unset to use the current date (UTC)',
    });
  }
  return ctx.today;
}
