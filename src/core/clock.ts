import { isIsoDate } from './dates';
import { fail, quote } from './errors';

/**
 * Today's date (UTC, `YYYY-MM-DD`) for review-by and expiry checks.
 *
 * The `keyless:today` context value, or else the `KEYLESS_TODAY` environment variable, pins it, so that tests and
 * reproducible builds do not depend on the wall clock. A pinned date must be a real calendar date: anything else
 * fails with `KL-CLOCK` rather than letting every date bound compare against nonsense. An empty string counts as
 * not pinned. The date only decides whether input is accepted; it never appears in synthesized output.
 *
 * @param contextValue the `keyless:today` context value, if any
 * @param path where the date is being read (a construct path), for the error message
 */
export function today(contextValue?: unknown, path = 'Keyless clock'): string {
  if (contextValue !== undefined && contextValue !== null && contextValue !== '') {
    if (!isIsoDate(contextValue)) {
      fail({
        code: 'KL-CLOCK',
        path,
        prop: 'keyless:today',
        problem: `(context value) is ${quote(contextValue)}: a pinned date is a real calendar date written as YYYY-MM-DD (a string)`,
        fix: 'set the `keyless:today` context value to a date such as "2026-11-22", or remove it to use the current date (UTC)',
      });
    }
    return contextValue;
  }
  const pinned = process.env.KEYLESS_TODAY;
  if (pinned !== undefined && pinned !== '') {
    if (!isIsoDate(pinned)) {
      fail({
        code: 'KL-CLOCK',
        path,
        prop: 'KEYLESS_TODAY',
        problem: `(environment variable) is ${quote(pinned)}: a pinned date is a real calendar date written as YYYY-MM-DD`,
        fix: 'set KEYLESS_TODAY to a date such as "2026-11-22", or unset it to use the current date (UTC)',
      });
    }
    return pinned;
  }
  return new Date().toISOString().slice(0, 10);
}
