import { awsBreakGlassConditions, checkGcpBreakGlass, resolveBreakGlassExpiry, resolveGcpAuditServices } from '../../src/core/break-glass';
import { KeylessError } from '../../src/core/errors';

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

describe('break-glass expiry bounds hold with invalid dates', () => {
  test.each(['2026-13-45', '0000-00-00', '2027-02-29'])('expiry %p is a format error, never within bounds', (expires) => {
    expect(() => resolveBreakGlassExpiry(expires, ctx)).toThrow(
      `[KL-BG-EXPIRY-FORMAT] App/BreakGlass: \`expires\` is ${JSON.stringify(expires)}: an expiry is a calendar date written as YYYY-MM-DD (access ends at 00:00 UTC that day). Fix: give a date such as "2026-12-22".`);
  });

  test.each(['2026-13-45', '0000-00-00', ''])('an invalid today (%p) is KL-CLOCK: an expiry in 2099 is not accepted', (today) => {
    expect(() => resolveBreakGlassExpiry('2099-01-01', { path: 'App/BreakGlass', today })).toThrow(
      `[KL-CLOCK] App/BreakGlass: \`today\` is ${JSON.stringify(today)}: the date review-by and expiry dates are checked against is a calendar date written as YYYY-MM-DD. Fix: pin it with the \`keyless:today\` context value or the KEYLESS_TODAY environment variable set to a real date, e.g. "2026-11-22", or leave both unset to use the current date (UTC).`);
  });

  test('an expiry that is not a string is a format error', () => {
    expect(() => resolveBreakGlassExpiry(['2027-01-31'], ctx)).toThrow(/^\[KL-BG-EXPIRY-FORMAT\] App\/BreakGlass: `expires` is \["2027-01-31"\]/);
    expect(() => resolveBreakGlassExpiry(20270131, ctx)).toThrow(/^\[KL-BG-EXPIRY-FORMAT\]/);
  });
});

describe('GCP break-glass audit services', () => {
  test.each([
    ['roles/container.admin', ['container.googleapis.com']],
    ['roles/cloudsql.admin', ['cloudsql.googleapis.com']],
    ['roles/resourcemanager.projectIamAdmin', ['cloudresourcemanager.googleapis.com']],
    ['roles/billing.projectManager', ['cloudbilling.googleapis.com']],
    ['roles/bigtable.admin', ['bigtable.googleapis.com', 'bigtableadmin.googleapis.com']],
    ['roles/iam.serviceAccountTokenCreator', ['iam.googleapis.com']],
    ['roles/secretmanager.secretAccessor', ['secretmanager.googleapis.com']],
    ['roles/storage.objectAdmin', ['storage.googleapis.com']],
  ])('%s is audited as %p', (role, services) => {
    expect(resolveGcpAuditServices(role, undefined, ctx)).toEqual(services);
  });

  test('a known role may repeat its service in auditService, never name another', () => {
    expect(resolveGcpAuditServices('roles/cloudsql.admin', 'cloudsql.googleapis.com', ctx)).toEqual(['cloudsql.googleapis.com']);
    expect(() => resolveGcpAuditServices('roles/cloudsql.admin', 'sqladmin.googleapis.com', ctx)).toThrow(
      '[KL-BG-GCP-AUDIT-SERVICE] App/BreakGlass: `auditService` is "sqladmin.googleapis.com", but "roles/cloudsql.admin" is audited as cloudsql.googleapis.com: an audit configuration for another service would leave the emergency access unaudited. Fix: remove `auditService` (Keyless enables cloudsql.googleapis.com), or grant a role of the service you mean.');
  });

  test('a custom role needs auditService (no silent allServices)', () => {
    expect(() => resolveGcpAuditServices('projects/acme-payments-prod/roles/sqlRepair', undefined, ctx)).toThrow(
      '[KL-BG-GCP-AUDIT-SERVICE] App/BreakGlass: `role` is "projects/acme-payments-prod/roles/sqlRepair", a custom role: its permissions may belong to any service, so Keyless cannot tell which service\'s Data Access audit logs record the emergency access (and will not enable them for allServices). Fix: give `auditService`, the service the role\'s permissions belong to as named on its "Audit logging" page, e.g. "cloudsql.googleapis.com".');
    expect(() => resolveGcpAuditServices('organizations/123456789012/roles/breakGlass', undefined, ctx)).toThrow(/^\[KL-BG-GCP-AUDIT-SERVICE\] App\/BreakGlass: `role` is "organizations\/123456789012\/roles\/breakGlass", a custom role/);
    expect(resolveGcpAuditServices('projects/acme-payments-prod/roles/sqlRepair', 'cloudsql.googleapis.com', ctx)).toEqual(['cloudsql.googleapis.com']);
  });

  test('a predefined role outside the table is refused unless auditService is given; prototype names find nothing', () => {
    expect(() => resolveGcpAuditServices('roles/datastore.owner', undefined, ctx)).toThrow(
      '[KL-BG-GCP-AUDIT-SERVICE] App/BreakGlass: `role` is "roles/datastore.owner": Keyless does not know which service records this role\'s use in Cloud Audit Logs (known role families: artifactregistry, bigquery, bigtable, billing, cloudfunctions, cloudkms, cloudsql, compute, container, dns, iam, logging, monitoring, pubsub, resourcemanager, run, secretmanager, spanner, storage), so the emergency access would not be audited. Fix: give `auditService`, the service the role\'s permissions belong to as named on its "Audit logging" page, e.g. "cloudsql.googleapis.com".');
    for (const role of ['roles/constructor.admin', 'roles/__proto__.admin', 'roles/toString.x', 'roles/browser']) {
      expect(() => resolveGcpAuditServices(role, undefined, ctx)).toThrow(/^\[KL-BG-GCP-AUDIT-SERVICE\] App\/BreakGlass: `role`/);
    }
    expect(resolveGcpAuditServices('roles/datastore.owner', 'datastore.googleapis.com', ctx)).toEqual(['datastore.googleapis.com']);
  });

  test.each(['allServices', 'cloudsql', 'sqladmin.googleapis.com.evil.com', '*.googleapis.com', 'CloudSQL.googleapis.com', 'cloudsql.googleapis.com ', ['cloudsql.googleapis.com'], ''])(
    'auditService %p is refused: one *.googleapis.com service name only', (auditService) => {
      expect(() => resolveGcpAuditServices('projects/acme-payments-prod/roles/sqlRepair', auditService, ctx)).toThrow(
        `[KL-BG-GCP-AUDIT-SERVICE] App/BreakGlass: \`auditService\` is ${JSON.stringify(auditService)}: an audit service is one service name ending in .googleapis.com (never allServices, which would replace the project's audit configuration for every service). Fix: give the service whose data the role reaches, as named on its "Audit logging" page, e.g. "cloudsql.googleapis.com". See https://cloud.google.com/logging/docs/audit/configure-data-access`);
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
