import { KeylessError } from '../../src/core/errors';
import { addDays, awsOwnershipTags, azureOwnershipTags, daysBetween, gcpLabelValue, gcpOwnership, isIsoDate, kubernetesOwnership, Ownership, resolveOwnership } from '../../src/core/ownership';

const ctx = { path: 'App/Stack/Trust', today: '2026-11-22' };
const ownership: Ownership = { owner: 'Payments.Team@Example.com', purpose: 'publish payments-api images', environment: 'production', tier: 1, reviewBy: '2027-04-30' };

describe('resolveOwnership', () => {
  test('accepts a complete declaration unchanged', () => {
    expect(resolveOwnership(ownership, ctx)).toEqual(ownership);
  });

  test('review-by: today is accepted, yesterday is not', () => {
    expect(resolveOwnership({ ...ownership, reviewBy: '2026-11-22' }, ctx).reviewBy).toBe('2026-11-22');
    expect(() => resolveOwnership({ ...ownership, reviewBy: '2026-11-21' }, ctx)).toThrow(
      '[KL-OWN-REVIEW-BY-PAST] App/Stack/Trust: `ownership.reviewBy` is "2026-11-21", which is in the past (today is 2026-11-22): the identity is overdue for review. Fix: review whether the identity is still needed and still owned by its owner, then set the next review-by date, or delete the identity.');
  });

  test('review-by horizon: 180 days ahead is accepted for tier 1, 181 is not; tier 2 allows 365', () => {
    expect(resolveOwnership({ ...ownership, reviewBy: '2027-05-21' }, ctx).reviewBy).toBe('2027-05-21');
    expect(() => resolveOwnership({ ...ownership, reviewBy: '2027-05-22' }, ctx)).toThrow(
      '[KL-OWN-REVIEW-BY-HORIZON] App/Stack/Trust: `ownership.reviewBy` is "2027-05-22", more than 180 days ahead (the tier 1 review horizon; today is 2026-11-22). Fix: set a review-by date on or before 2027-05-21.');
    expect(resolveOwnership({ ...ownership, tier: 2, reviewBy: '2027-11-22' }, ctx).tier).toBe(2);
    expect(() => resolveOwnership({ ...ownership, tier: 2, reviewBy: '2027-11-23' }, ctx)).toThrow(KeylessError);
  });

  test('purpose length: 3 and 100 characters are accepted, 2 and 101 are not', () => {
    expect(resolveOwnership({ ...ownership, purpose: 'abc' }, ctx).purpose).toBe('abc');
    expect(resolveOwnership({ ...ownership, purpose: 'a'.repeat(100) }, ctx).purpose).toHaveLength(100);
    expect(() => resolveOwnership({ ...ownership, purpose: 'ab' }, ctx)).toThrow(/KL-OWN-PURPOSE/);
    expect(() => resolveOwnership({ ...ownership, purpose: 'a'.repeat(101) }, ctx)).toThrow(/KL-OWN-PURPOSE/);
  });

  test('owner length: 64 characters are accepted, 65 are not', () => {
    expect(resolveOwnership({ ...ownership, owner: 'a'.repeat(64) }, ctx).owner).toHaveLength(64);
    expect(() => resolveOwnership({ ...ownership, owner: 'a'.repeat(65) }, ctx)).toThrow(/KL-OWN-OWNER/);
  });
});

describe('resolveOwnership refuses values of the wrong type (regexes would coerce them)', () => {
  const FIX_OWNER = 'Fix: name the owning team, e.g. "team-payments" or "payments@example.com".';

  test.each([
    [['team'], '["team"] (an array)'],
    [{ name: 'team' }, '{"name":"team"} (an object)'],
    [42, '42 (a number)'],
    [true, 'true (a boolean)'],
  ])('owner %p is KL-OWN-OWNER, saying a string is expected', (owner, shown) => {
    expect(() => resolveOwnership({ ...ownership, owner } as never, ctx)).toThrow(
      `[KL-OWN-OWNER] App/Stack/Trust: \`ownership.owner\` is ${shown}: an owner is a string, a team slug or an email address. ${FIX_OWNER}`);
  });

  test('an owner that cannot be printed as JSON (a BigInt) is still a KL error, not a TypeError', () => {
    expect(() => resolveOwnership({ ...ownership, owner: 10n } as never, ctx)).toThrow(
      `[KL-OWN-OWNER] App/Stack/Trust: \`ownership.owner\` is 10n (a bigint): an owner is a string, a team slug or an email address. ${FIX_OWNER}`);
  });

  test('purpose, environment and reviewBy must be strings; tier must be a number', () => {
    expect(() => resolveOwnership({ ...ownership, purpose: ['publish images'] } as never, ctx)).toThrow(
      '[KL-OWN-PURPOSE] App/Stack/Trust: `ownership.purpose` is ["publish images"] (an array): a purpose is a string of 3–100 characters. Fix: say in a few words why the identity exists, e.g. "publish payments-api images".');
    expect(() => resolveOwnership({ ...ownership, environment: ['production'] } as never, ctx)).toThrow(
      '[KL-OWN-ENVIRONMENT] App/Stack/Trust: `ownership.environment` is ["production"] (an array): an environment is a string such as "production". Fix: use a name such as "production" or "staging".');
    expect(() => resolveOwnership({ ...ownership, tier: '1' } as never, ctx)).toThrow(
      '[KL-OWN-TIER] App/Stack/Trust: `ownership.tier` is "1" (a string): the risk tier is the number 1 (most sensitive), 2 or 3. Fix: use 1 for production write, publishing or privileged access, 2 for other production access, 3 for non-production.');
    expect(() => resolveOwnership({ ...ownership, tier: [1] } as never, ctx)).toThrow(/^\[KL-OWN-TIER\] .* is \[1\] \(an array\)/);
    expect(() => resolveOwnership({ ...ownership, reviewBy: ['2027-04-30'] } as never, ctx)).toThrow(
      '[KL-OWN-REVIEW-BY-FORMAT] App/Stack/Trust: `ownership.reviewBy` is ["2027-04-30"] (an array): a review-by date is a string, a calendar date written as YYYY-MM-DD. Fix: give a date such as "2027-02-20".');
    expect(() => resolveOwnership({ ...ownership, reviewBy: new Date('2027-04-30') } as never, ctx)).toThrow(/^\[KL-OWN-REVIEW-BY-FORMAT\]/);
  });

  test.each([
    ['a string', 'team-payments', '"team-payments" (a string)'],
    ['an array', [ownership], `[${JSON.stringify(ownership)}] (an array)`],
    ['a number', 1, '1 (a number)'],
  ])('an ownership that is %s is KL-OWN-MISSING, saying an object is expected', (_kind, input, shown) => {
    expect(() => resolveOwnership(input as never, ctx)).toThrow(
      `[KL-OWN-MISSING] App/Stack/Trust: \`ownership\` is ${shown}: ownership is an object with the fields owner, purpose, environment, tier and reviewBy. Fix: declare \`ownership: { owner, purpose, environment, tier, reviewBy }\`: every identity has an owner, a purpose and a review date.`);
  });

  test('the errors are KeylessErrors carrying the code and the prop', () => {
    expect(() => resolveOwnership({ ...ownership, owner: ['team'] } as never, ctx)).toThrow(KeylessError);
    try {
      resolveOwnership({ ...ownership, owner: ['team'] } as never, ctx);
    } catch (error) {
      expect(error).toMatchObject({ code: 'KL-OWN-OWNER', prop: 'ownership.owner', path: 'App/Stack/Trust' });
    }
  });
});

describe('review-by bounds hold with invalid dates', () => {
  test.each(['2026-13-45', '0000-00-00', '2027-02-29', '2099-12-32'])('review-by %p is a format error, never within the horizon', (reviewBy) => {
    expect(() => resolveOwnership({ ...ownership, reviewBy }, ctx)).toThrow(
      `[KL-OWN-REVIEW-BY-FORMAT] App/Stack/Trust: \`ownership.reviewBy\` is ${JSON.stringify(reviewBy)}: a review-by date is a calendar date written as YYYY-MM-DD. Fix: give a date such as "2027-02-20".`);
  });

  test.each(['2026-13-45', '0000-00-00', '', 'garbage'])('an invalid today (%p) is KL-CLOCK: a review-by in 2099 is not accepted', (today) => {
    expect(() => resolveOwnership({ ...ownership, reviewBy: '2099-01-01' }, { path: 'App/Stack/Trust', today })).toThrow(
      `[KL-CLOCK] App/Stack/Trust: \`today\` is ${JSON.stringify(today)}: the date review-by and expiry dates are checked against is a calendar date written as YYYY-MM-DD. Fix: pin it with the \`keyless:today\` context value or the KEYLESS_TODAY environment variable set to a real date, e.g. "2026-11-22", or leave both unset to use the current date (UTC).`);
  });
});

describe('date helpers (exported from ownership and dates)', () => {
  test('isIsoDate accepts real calendar dates only', () => {
    for (const date of ['2026-11-22', '2028-02-29', '2000-02-29', '0001-01-01', '9999-12-31']) expect(isIsoDate(date)).toBe(true);
    for (const date of ['2026-13-45', '0000-00-00', '0000-01-01', '1900-02-29', '2026-02-29', '2026-04-31', '2026-1-1', '20261122', 2026, null]) {
      expect(isIsoDate(date)).toBe(false);
    }
  });

  test('daysBetween and addDays compute across months, leap days and years', () => {
    expect(daysBetween('2026-11-22', '2027-05-21')).toBe(180);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(addDays('2026-11-22', 90)).toBe('2027-02-20');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('0050-01-01', 1)).toBe('0050-01-02');
  });

  test('date arithmetic refuses an invalid date instead of returning NaN', () => {
    expect(() => daysBetween('2026-13-45', '2099-01-01')).toThrow(
      '[KL-DATE-INVALID] Keyless date arithmetic: `from` is "2026-13-45": expected a calendar date written as YYYY-MM-DD. Fix: validate the date (isIsoDate) before computing with it.');
    expect(() => daysBetween('2026-11-22', '0000-00-00')).toThrow(/^\[KL-DATE-INVALID\] Keyless date arithmetic: `to` is "0000-00-00"/);
    expect(() => addDays('2026-02-30', 1)).toThrow(/^\[KL-DATE-INVALID\] Keyless date arithmetic: `date` is "2026-02-30"/);
    expect(() => addDays('2026-11-22', Number.NaN)).toThrow(
      '[KL-DATE-INVALID] Keyless date arithmetic: `days` is NaN: expected a whole number of days. Fix: pass an integer.');
    expect(() => addDays('9999-12-31', 1)).toThrow(
      '[KL-DATE-INVALID] Keyless date arithmetic: `days` is 1: 9999-12-31 plus 1 days is outside the years 0001–9999. Fix: use a date closer to today.');
  });
});

describe('ownership rendering', () => {
  test('AWS tags carry every field verbatim, with the managed-by marker, in key order', () => {
    expect(Object.entries(awsOwnershipTags(ownership))).toEqual([
      ['keyless:environment', 'production'],
      ['keyless:managed-by', 'keyless'],
      ['keyless:owner', 'Payments.Team@Example.com'],
      ['keyless:purpose', 'publish payments-api images'],
      ['keyless:review-by', '2027-04-30'],
      ['keyless:tier', '1'],
    ]);
  });

  test('Azure tags use names without reserved characters or prefixes', () => {
    const tags = azureOwnershipTags(ownership);
    expect(tags['keyless-owner']).toBe('Payments.Team@Example.com');
    for (const key of Object.keys(tags)) {
      expect(key).not.toMatch(/[<>%&\\?/]|^(microsoft|azure|windows)/i);
    }
  });

  test('GCP labels are sanitised to the label rules and the description keeps exact values', () => {
    const { labels, description } = gcpOwnership(ownership, ctx);
    expect(labels).toEqual({
      'keyless-environment': 'production',
      'keyless-managed-by': 'keyless',
      'keyless-owner': 'payments_team_example_com',
      'keyless-purpose': 'publish_payments-api_images',
      'keyless-review-by': '2027-04-30',
      'keyless-tier': '1',
    });
    for (const [key, value] of Object.entries(labels)) {
      expect(key).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
      expect(value).toMatch(/^[a-z0-9_-]{0,63}$/);
    }
    expect(description).toBe('environment=production; managed-by=keyless; owner=Payments.Team@Example.com; purpose=publish payments-api images; review-by=2027-04-30; tier=1');
  });

  test('a GCP label value is cut to 63 characters', () => {
    expect(gcpLabelValue('A'.repeat(80))).toBe('a'.repeat(63));
  });

  test('GCP description over 256 characters is refused, naming the excess', () => {
    const long = { ...ownership, owner: 'o'.repeat(64), purpose: 'p'.repeat(100), environment: 'e'.repeat(24) };
    expect(() => gcpOwnership(long, ctx)).toThrow(
      '[KL-OWN-GCP-DESCRIPTION] App/Stack/Trust: `ownership.purpose` makes the GCP ownership description 268 characters long, over the 256-character limit of a GCP description (service accounts and workload identity pools have no labels, so ownership is carried there). Fix: shorten `ownership.purpose` or `ownership.owner` by 12 characters.');
  });

  test('Kubernetes labels follow the label value rules; annotations keep exact values', () => {
    const { labels, annotations } = kubernetesOwnership(ownership);
    expect(labels).toEqual({
      'app.kubernetes.io/managed-by': 'keyless',
      'keyless.dev/environment': 'production',
      'keyless.dev/owner': 'Payments.Team_Example.com',
      'keyless.dev/review-by': '2027-04-30',
      'keyless.dev/tier': '1',
    });
    expect(annotations['keyless.dev/owner']).toBe('Payments.Team@Example.com');
    expect(annotations['keyless.dev/purpose']).toBe('publish payments-api images');
  });
});
