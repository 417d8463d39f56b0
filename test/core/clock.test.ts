import { today } from '../../src/core/clock';
import { KeylessError } from '../../src/core/errors';

describe('today: the pinned date is a real calendar date or a KL-CLOCK error', () => {
  let previous: string | undefined;
  beforeEach(() => {
    previous = process.env.KEYLESS_TODAY;
    delete process.env.KEYLESS_TODAY;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.KEYLESS_TODAY;
    else process.env.KEYLESS_TODAY = previous;
  });

  test('a real date in the context is returned unchanged, including 29 February of a leap year', () => {
    expect(today('2026-11-22')).toBe('2026-11-22');
    expect(today('2028-02-29')).toBe('2028-02-29');
  });

  test.each(['2026-13-45', '0000-00-00', '2026-02-29', '2026-04-31', '2026-11-22T00:00:00Z', '22/11/2026', ' 2026-11-22'])(
    'context %p is refused, naming the context value and the fix', (value) => {
      expect(() => today(value, 'App/Stack/Trust')).toThrow(
        `[KL-CLOCK] App/Stack/Trust: \`keyless:today\` (context value) is ${JSON.stringify(value)}: a pinned date is a real calendar date written as YYYY-MM-DD (a string). Fix: set the \`keyless:today\` context value to a date such as "2026-11-22", or remove it to use the current date (UTC).`);
    });

  test('a context value that is not a string is refused, not silently ignored', () => {
    expect(() => today(20261122)).toThrow(
      '[KL-CLOCK] Keyless clock: `keyless:today` (context value) is 20261122: a pinned date is a real calendar date written as YYYY-MM-DD (a string). Fix: set the `keyless:today` context value to a date such as "2026-11-22", or remove it to use the current date (UTC).');
    expect(() => today(new Date('2026-11-22'))).toThrow(KeylessError);
  });

  test.each(['2026-13-45', '0000-00-00', '2026-00-10', 'today'])('KEYLESS_TODAY %p is refused, naming the environment variable', (value) => {
    process.env.KEYLESS_TODAY = value;
    expect(() => today(undefined, 'App/Stack/Trust')).toThrow(
      `[KL-CLOCK] App/Stack/Trust: \`KEYLESS_TODAY\` (environment variable) is ${JSON.stringify(value)}: a pinned date is a real calendar date written as YYYY-MM-DD. Fix: set KEYLESS_TODAY to a date such as "2026-11-22", or unset it to use the current date (UTC).`);
  });

  test('the context value wins over KEYLESS_TODAY; an empty value counts as not pinned', () => {
    process.env.KEYLESS_TODAY = '2026-01-02';
    expect(today('2026-11-22')).toBe('2026-11-22');
    expect(today('')).toBe('2026-01-02');
    expect(today(undefined)).toBe('2026-01-02');
  });

  test('unpinned, it is the current UTC date', () => {
    process.env.KEYLESS_TODAY = '';
    expect(today()).toBe(new Date().toISOString().slice(0, 10));
  });

  test('a KL-CLOCK error is a KeylessError with its code and prop, never a plain Error', () => {
    let error: unknown;
    try {
      today('2026-13-45');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeylessError);
    expect(error).toMatchObject({ code: 'KL-CLOCK', prop: 'keyless:today' });
  });
});
