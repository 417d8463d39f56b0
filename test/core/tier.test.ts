import { checkAwsSessionBounds, resolveSessionSeconds, TIER_POLICIES } from '../../src/core/tier';

const ctx = { path: 'App/Trust', today: '2026-11-22' };

describe('tier policy', () => {
  test('tier 1 credentials live at most one hour', () => {
    expect(TIER_POLICIES[1].maxSessionSeconds).toBe(3600);
  });

  test('the default session is one hour on every tier', () => {
    expect([1, 2, 3].map((tier) => resolveSessionSeconds(undefined, tier as 1 | 2 | 3, ctx))).toEqual([3600, 3600, 3600]);
  });

  test('tier maximum: equal is accepted, one second more is refused', () => {
    expect(resolveSessionSeconds(3600, 1, ctx)).toBe(3600);
    expect(() => resolveSessionSeconds(3601, 1, ctx)).toThrow(
      '[KL-SESSION-OVER-TIER] App/Trust: `maxSessionDuration` is 3601 seconds, over the tier 1 maximum of 3600 seconds. Fix: ask for at most 3600 seconds, or declare the identity in a lower-risk tier if that is really what it is.');
    expect(resolveSessionSeconds(14400, 2, ctx)).toBe(14400);
    expect(() => resolveSessionSeconds(14401, 2, ctx)).toThrow(/KL-SESSION-OVER-TIER/);
    expect(resolveSessionSeconds(43200, 3, ctx)).toBe(43200);
  });

  test('AWS bounds: 3600 and 43200 are accepted, 3599 is refused', () => {
    expect(checkAwsSessionBounds(3600, ctx)).toBe(3600);
    expect(checkAwsSessionBounds(43200, ctx)).toBe(43200);
    expect(() => checkAwsSessionBounds(3599, ctx)).toThrow(/KL-AWS-SESSION-BOUNDS.*3599 seconds, outside the AWS IAM MaxSessionDuration range of 3600–43200 seconds/);
  });

  test('values that are not whole numbers are refused, never compared: NaN, fractions, strings', () => {
    expect(() => checkAwsSessionBounds(NaN, ctx)).toThrow(
      '[KL-AWS-SESSION-BOUNDS] App/Trust: `maxSessionDuration` is NaN seconds, outside the AWS IAM MaxSessionDuration range of 3600–43200 seconds. Fix: give a value between 3600 and 43200 seconds (a role session can be shortened further by the caller\'s DurationSeconds). See https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html');
    expect(() => checkAwsSessionBounds(3600.5, ctx)).toThrow(/KL-AWS-SESSION-BOUNDS.*is 3600.5 seconds/);
    expect(() => resolveSessionSeconds('3600' as never, 1, ctx)).toThrow(
      '[KL-SESSION-INVALID] App/Trust: `maxSessionDuration` is "3600" seconds: a session lifetime must be a whole, positive number of seconds. Fix: give a whole number of seconds, e.g. Duration.hours(1).');
  });
});
