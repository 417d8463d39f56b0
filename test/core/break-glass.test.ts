import { awsBreakGlassConditions, checkGcpBreakGlass, KeylessError, resolveBreakGlassExpiry } from '../../src';

const ctx = { path: 'App/BreakGlass', today: '2026-11-22' };

describe('break-glass expiry', () => {
  test('tomorrow is accepted; today is already expired', () => {
    expect(resolveBreakGlassExpiry('2026-11-23', ctx)).toEqual({ date: '2026-11-23', instant: '2026-11-23T00:00:00Z', daysAhead: 1 });
    expect(() => resolveBreakGlassExpiry('2026-11-22', ctx)).toThrow(
      '[KL-BG-EXPIRED] App/BreakGlass: `expires` is "2026-11-22", which has passed (today is 2026-11-22): this break-glass access has expired. Fix: remove the break-glass declaration, or, if the emergency is ongoing, get it re-approved and set a new expiry date.');
  });

  test('90 days ahead is the default bound: 90 accepted, 91 refused', () => {
    expect(resolveBreakGlassExpiry('2027-02-20', ctx).daysAhead).toBe(90);
    expect(() => resolveBreakGlassExpiry('2027-02-21', ctx)).toThrow(
      '[KL-BG-EXPIRY-HORIZON] App/BreakGlass: `expires` is "2027-02-21", 91 days ahead, beyond the 90-day bound on break-glass access. Fix: set an expiry on or before 2027-02-20, or raise `maxExpiryDays` explicitly with an approved reason.');
    expect(resolveBreakGlassExpiry('2027-02-21', ctx, 120).daysAhead).toBe(91);
  });

  test('expiry is mandatory', () => {
    expect(() => resolveBreakGlassExpiry(undefined, ctx)).toThrow(/^\[KL-BG-EXPIRY-MISSING\]/);
    expect(() => resolveBreakGlassExpiry('31/01/2027', ctx)).toThrow(/^\[KL-BG-EXPIRY-FORMAT\]/);
  });
});

describe('break-glass decisions', () => {
  test('AWS trust conditions: MFA present (Bool, not BoolIfExists) and recent, source identity, expiry', () => {
    const expiry = resolveBreakGlassExpiry('2027-01-31', ctx);
    expect(awsBreakGlassConditions({ principalArn: 'arn:aws:iam::123456789012:user/alice', sourceIdentity: 'alice' }, expiry, 900)).toEqual({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      NumericLessThan: { 'aws:MultiFactorAuthAge': '900' },
      StringEquals: { 'sts:SourceIdentity': 'alice' },
      DateLessThan: { 'aws:CurrentTime': '2027-01-31T00:00:00Z' },
    });
  });

  test('GCP: basic roles and non-human members are refused; members are sorted and unique', () => {
    expect(checkGcpBreakGlass('roles/container.admin', ['user:b@example.com', 'group:a@example.com', 'user:b@example.com'], ctx))
      .toEqual({ role: 'roles/container.admin', members: ['group:a@example.com', 'user:b@example.com'] });
    for (const role of ['roles/owner', 'roles/editor', 'roles/viewer']) {
      expect(() => checkGcpBreakGlass(role, ['group:a@example.com'], ctx)).toThrow(/^\[KL-BG-GCP-BASIC-ROLE\]/);
    }
    for (const member of ['serviceAccount:ci@p.iam.gserviceaccount.com', 'allUsers', 'domain:example.com', 'user:*@example.com']) {
      expect(() => checkGcpBreakGlass('roles/container.admin', [member], ctx)).toThrow(KeylessError);
    }
  });
});
