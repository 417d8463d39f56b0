import { isIsoInstant, resolveRevocation } from '../../src/core/revocation';

const ctx = { path: 'App/Stack/Deploy', today: '2026-12-03' };
const REASON = 'INC-4711 runner token leaked';

describe('revocation declaration', () => {
  test('GIVEN no prop THEN the identity is not revoked', () => {
    expect(resolveRevocation(undefined, ctx)).toBeUndefined();
  });

  test('GIVEN a UTC instant and a reason THEN both are kept exactly', () => {
    expect(resolveRevocation({ sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: REASON }, ctx))
      .toEqual({ sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: REASON });
  });

  test.each([
    '2026-12-03', '2026-12-03T10:15:00', '2026-12-03T10:15:00.000Z', '2026-12-03T10:15:00+01:00', '2026-02-30T10:15:00Z',
    '2026-12-03T24:00:00Z', '2026-12-03T10:60:00Z', ' 2026-12-03T10:15:00Z', '${aws:CurrentTime}',
  ])('GIVEN the moment %p THEN it is refused with the format and an example', (moment) => {
    expect(() => resolveRevocation({ sessionsIssuedBefore: moment, reason: REASON }, ctx)).toThrow(
      `[KL-REVOKE-MOMENT] App/Stack/Deploy: \`revoked.sessionsIssuedBefore\` is ${JSON.stringify(moment)}: expected a real UTC instant written YYYY-MM-DDTHH:MM:SSZ (seconds, \`Z\`, no offset or fraction), as IAM's \`aws:TokenIssueTime\` compares it. Fix: give the moment you deploy the revocation, or later, e.g. "2026-12-03T10:15:00Z".`);
  });

  test('GIVEN a number, Date or missing moment THEN it is refused, never coerced', () => {
    for (const moment of [Date.UTC(2026, 11, 3), new Date('2026-12-03T10:15:00Z'), undefined]) {
      expect(() => resolveRevocation({ sessionsIssuedBefore: moment, reason: REASON }, ctx)).toThrow(/^\[KL-REVOKE-MOMENT\] App\/Stack\/Deploy: `revoked.sessionsIssuedBefore` is /);
    }
  });

  test.each(['', 'ab', 'x'.repeat(101), 'leaked; see <ticket>', 'INC ${var}', 'line\nbreak'])('GIVEN the reason %p THEN it is refused', (reason) => {
    expect(() => resolveRevocation({ sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason }, ctx)).toThrow(
      `[KL-REVOKE-REASON] App/Stack/Deploy: \`revoked.reason\` is ${JSON.stringify(reason)}: expected 3–100 characters of letters, digits, spaces and \`_ . : / = + - @\` (it is written as a tag next to the moment). Fix: name the incident, e.g. "INC-4711 runner token leaked".`);
  });

  test('reason bounds: 3 and 100 characters are accepted', () => {
    expect(resolveRevocation({ sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: 'abc' }, ctx)?.reason).toBe('abc');
    expect(resolveRevocation({ sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: 'x'.repeat(100) }, ctx)?.reason).toHaveLength(100);
  });

  test('GIVEN `true`, a string or an unknown field THEN the error names the prop and the shape', () => {
    expect(() => resolveRevocation(true, ctx)).toThrow(
      '[KL-REVOKE-INVALID] App/Stack/Deploy: `revoked` is true: expected an object with `sessionsIssuedBefore` and `reason`. Fix: give `revoked: { sessionsIssuedBefore: "2026-12-03T10:15:00Z", reason: "INC-4711 runner token leaked" }`, or remove the prop to keep the identity active.');
    expect(() => resolveRevocation({ sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: REASON, allowNewSessions: true }, ctx)).toThrow(
      '[KL-REVOKE-INVALID] App/Stack/Deploy: `revoked.allowNewSessions` is not a revocation field: a revocation has exactly `sessionsIssuedBefore` and `reason`. Fix: give `revoked: { sessionsIssuedBefore: "2026-12-03T10:15:00Z", reason: "INC-4711 runner token leaked" }`.');
  });

  test('isIsoInstant accepts leap days only in leap years', () => {
    expect(isIsoInstant('2028-02-29T00:00:00Z')).toBe(true);
    expect(isIsoInstant('2027-02-29T00:00:00Z')).toBe(false);
    expect(isIsoInstant(20261203)).toBe(false);
  });
});
