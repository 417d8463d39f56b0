import {
  awsOwnershipTags, azureOwnershipTags, gcpLabelValue, gcpOwnership, KeylessError, kubernetesOwnership, Ownership,
  resolveOwnership,
} from '../../src';

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
