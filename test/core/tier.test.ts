import { checkAwsSessionBounds, resolveSessionSeconds, TIER_POLICIES } from '../../src';

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
});
