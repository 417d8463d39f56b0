import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { GitHubActions } from '../../src';
import { CiOidcTrust, GcpPublishTarget, ScopedPublisherRole, WorkloadIdentity } from '../../src/constructs/gcp';
import { terraformConfig } from '../../src/constructs/private/terraform';
import {
  foreignExchangeDetection, foreignImpersonationDetection, GKE_DIRECT_NOT_WATCHED, loggingString,
  refusedExchangeDetection, regexLiteral, renderLoggingFilter,
} from '../../src/core/detections/gcp';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { matches } from '../helpers/logging-filter';
import { OWNERSHIP, TODAY, tfJson, tfResources, tfStack } from '../helpers/synth';
import { terraformReads } from '../helpers/terraform-eval';

const PROJECT = 'acme-payments-prod';
const NUMBER = '412345678901';
const POOL = `projects/${NUMBER}/locations/global/workloadIdentityPools/ci-github`;
const PROVIDER = `${POOL}/providers/payments-deploy`;
const CHANNEL = 'projects/acme-security/notificationChannels/1234567890';
const SA = 'payments-deploy@acme-payments-prod.iam.gserviceaccount.com';
const source = GitHubActions.repository({
  owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based', branches: ['main'], tagPatterns: ['v*'],
});
const common = { name: 'payments-deploy', ownership: OWNERSHIP, source, project: PROJECT, projectNumber: NUMBER, poolId: 'ci-github' };

const REFUSED_FILTER = 'protoPayload.serviceName="sts.googleapis.com"'
  + ' AND (protoPayload.methodName="google.identity.sts.v1.SecurityTokenService.ExchangeToken"'
  + ' OR protoPayload.methodName="google.identity.sts.v1beta.SecurityTokenService.ExchangeToken")'
  + ` AND protoPayload.resourceName=~"(^|/)${PROVIDER.replace(/\./g, '[.]')}$"`
  + ' AND protoPayload.status.code>0';
const SUBJECT = `principal://iam.googleapis.com/${POOL}/subject`;
const FOREIGN_FILTER = 'protoPayload.serviceName="iamcredentials.googleapis.com"'
  + ' AND (protoPayload.methodName="GenerateAccessToken" OR protoPayload.methodName="google.iam.credentials.v1.IAMCredentials.GenerateAccessToken")'
  + ` AND resource.type="service_account" AND resource.labels.email_id="${SA}"`
  + ` AND NOT (protoPayload.authenticationInfo.principalSubject="${SUBJECT}/repo:acme/payments-api:ref:refs/heads/main"`
  + ` OR protoPayload.authenticationInfo.principalSubject=~"^principal://iam[.]googleapis[.]com/${POOL}/subject/repo:acme/payments-api:ref:refs/tags/v")`;


// Sample entries built from "Example logs for Workload Identity Federation"
// (https://cloud.google.com/iam/docs/audit-logging/examples-workload-identity): the STS ExchangeToken entry with
// `authenticationInfo.principalSubject`, `metadata.mapped_principal` and the provider as `resourceName`; a refused
// exchange carries the AuditLog `status` (google.rpc.Status, https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog).
function exchangeEntry(provider: string, status?: { code: number; message: string }, subject = 'repo:acme/payments-api:ref:refs/heads/main') {
  return {
    logName: `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Fdata_access`,
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      'authenticationInfo': { principalSubject: subject },
      'metadata': { mapped_principal: `principal://iam.googleapis.com/${POOL}/subject/${subject}` },
      'methodName': 'google.identity.sts.v1.SecurityTokenService.ExchangeToken',
      'resourceName': provider,
      'serviceName': 'sts.googleapis.com',
      ...(status ? { status } : {}),
    },
    resource: { type: 'audited_resource' },
  };
}
// Built from "Example logs for service accounts" (https://cloud.google.com/iam/docs/audit-logging/examples-service-accounts):
// the GenerateAccessToken entry on resource `service_account` labelled with `email_id`; the caller's
// `principalSubject` as the workload identity examples write it.
function impersonationEntry(principalSubject: string | undefined, email = SA) {
  return {
    logName: `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Fdata_access`,
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      'authenticationInfo': principalSubject === undefined ? { principalEmail: 'mallory@example.com' } : { principalSubject },
      'methodName': 'GenerateAccessToken',
      'request': { '@type': 'type.googleapis.com/google.iam.credentials.v1.GenerateAccessTokenRequest', 'name': `projects/-/serviceAccounts/${email}` },
      'serviceName': 'iamcredentials.googleapis.com',
    },
    resource: { type: 'service_account', labels: { email_id: email, project_id: PROJECT, unique_id: '123456789012345678901' } },
  };
}

describe('GCP detection filters (core/detections/gcp)', () => {
  const refused = refusedExchangeDetection('payments-deploy', { projectNumber: NUMBER, poolId: 'ci-github', providerId: 'payments-deploy' });
  const foreign = foreignImpersonationDetection('payments-deploy', SA, 'payments-deploy', {
    exact: [`${SUBJECT}/repo:acme/payments-api:ref:refs/heads/main`], prefixes: [`${SUBJECT}/repo:acme/payments-api:ref:refs/tags/v`],
  });

  test('refused exchange: STS ExchangeToken at exactly this provider with an error status', () => {
    expect(refused.filterText).toBe(REFUSED_FILTER);
    expect(refused.metricName).toBe('keyless/refused-exchange/ci-github/payments-deploy');
    expect(refused.requiredAuditLogs).toEqual([{ service: 'iam.googleapis.com', logType: 'ADMIN_READ' }, { service: 'sts.googleapis.com', logType: 'ADMIN_READ' }]);
  });

  test('refused exchange: samples from the documentation', () => {
    expect(matches(refused.filter, exchangeEntry(PROVIDER, { code: 7, message: 'The given credential is rejected by the attribute condition.' }))).toBe(true);
    expect(matches(refused.filter, exchangeEntry(`//iam.googleapis.com/${PROVIDER}`, { code: 3, message: 'Invalid audience' }))).toBe(true);
    expect(matches(refused.filter, exchangeEntry(PROVIDER))).toBe(false); // succeeded
    expect(matches(refused.filter, exchangeEntry(PROVIDER, { code: 0, message: '' }))).toBe(false);
    expect(matches(refused.filter, exchangeEntry(`${POOL}/providers/other-deploy`, { code: 7, message: 'rejected' }))).toBe(false);
    expect(matches(refused.filter, exchangeEntry(`${POOL}/providers/payments-deploy-2`, { code: 7, message: 'rejected' }))).toBe(false);
    expect(matches(refused.filter, exchangeEntry(`${POOL}/providers/x-payments-deploy`.replace('providers/x-', 'providers/xpayments/'), { code: 7, message: 'r' })))
      .toBe(false);
  });

  test('foreign exchange: STS ExchangeToken at exactly this provider, not an error, by an undeclared subject', () => {
    const foreignExchange = foreignExchangeDetection('payments-deploy', { projectNumber: NUMBER, poolId: 'ci-github', providerId: 'payments-deploy' }, {
      exact: ['repo:acme/payments-api:ref:refs/heads/main'], prefixes: ['repo:acme/payments-api:ref:refs/tags/v'],
    });
    expect(foreignExchange.filterText).toBe(REFUSED_FILTER.replace(' AND protoPayload.status.code>0', '')
      + ' AND NOT (protoPayload.status.code>0)'
      + ' AND NOT (protoPayload.authenticationInfo.principalSubject="repo:acme/payments-api:ref:refs/heads/main"'
      + ' OR protoPayload.authenticationInfo.principalSubject=~"^repo:acme/payments-api:ref:refs/tags/v")');
    expect(foreignExchange.metricName).toBe('keyless/foreign-exchange/ci-github/payments-deploy');
    expect(foreignExchange.requiredAuditLogs).toEqual(refused.requiredAuditLogs);
  });

  test('foreign exchange: samples from the documentation', () => {
    const foreignExchange = foreignExchangeDetection('payments-deploy', { projectNumber: NUMBER, poolId: 'ci-github', providerId: 'payments-deploy' }, {
      exact: ['repo:acme/payments-api:ref:refs/heads/main'], prefixes: ['repo:acme/payments-api:ref:refs/tags/v'],
    });
    const at = (subject: string, status?: { code: number; message: string }, provider = PROVIDER) =>
      matches(foreignExchange.filter, exchangeEntry(provider, status, subject));
    expect(at('repo:acme/payments-api:ref:refs/heads/main')).toBe(false);
    expect(at('repo:acme/payments-api:ref:refs/tags/v1.2.3')).toBe(false);
    expect(at('repo:acme/payments-api:ref:refs/heads/feature')).toBe(true);
    expect(at('repo:acme/payments-api:pull_request', { code: 0, message: '' })).toBe(true); // status OK written out
    expect(at('repo:mallory/payments-api:ref:refs/heads/main', undefined, `//iam.googleapis.com/${PROVIDER}`)).toBe(true);
    expect(at('x repo:acme/payments-api:ref:refs/tags/v1')).toBe(true); // the prefix is anchored
    expect(at('repo:mallory/payments-api:ref:refs/heads/main', { code: 7, message: 'rejected' })).toBe(false); // refused: the other detection
    expect(at('repo:mallory/payments-api:ref:refs/heads/main', undefined, `${POOL}/providers/other-deploy`)).toBe(false);
  });

  test('foreign impersonation: GenerateAccessToken on the account by anyone but the declared subjects', () => {
    expect(foreign.filterText).toBe(FOREIGN_FILTER);
    expect(foreign.metricName).toBe('keyless/foreign-impersonation/payments-deploy');
  });

  test('foreign impersonation: samples from the documentation', () => {
    expect(matches(foreign.filter, impersonationEntry(`${SUBJECT}/repo:acme/payments-api:ref:refs/heads/main`))).toBe(false);
    expect(matches(foreign.filter, impersonationEntry(`${SUBJECT}/repo:acme/payments-api:ref:refs/tags/v1.2.3`))).toBe(false);
    expect(matches(foreign.filter, impersonationEntry(`${SUBJECT}/repo:acme/payments-api:ref:refs/heads/feature`))).toBe(true);
    expect(matches(foreign.filter, impersonationEntry(`${SUBJECT}/repo:mallory/payments-api:ref:refs/heads/main`))).toBe(true);
    // A subject that embeds the declared one after another prefix: the pattern is anchored.
    expect(matches(foreign.filter, impersonationEntry(`${SUBJECT}/x${SUBJECT}/repo:acme/payments-api:ref:refs/tags/v1`))).toBe(true);
    expect(matches(foreign.filter, impersonationEntry(undefined))).toBe(true); // a human caller: no principalSubject
    expect(matches(foreign.filter, impersonationEntry('user:mallory@example.com'))).toBe(true);
    expect(matches(foreign.filter, impersonationEntry('user:mallory@example.com', 'other@acme-payments-prod.iam.gserviceaccount.com'))).toBe(false);
  });

  test('values are quoted for the Logging query language; regular expression metacharacters stand in classes', () => {
    expect(loggingString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(regexLiteral('a.b+c*(d)|e$^[f]\\')).toBe('a[.]b[+]c[*][(]d[)][|]e[$]\\^\\[f\\]\\\\');
    expect(renderLoggingFilter({ terms: [{ kind: 'none', clauses: [{ field: 'x', operator: '=', value: 'q"' }] }] })).toBe('NOT (x="q\\"")');
  });

  test('Terraform reads the rendered filter back verbatim, `${` and `%{` included', () => {
    const tricky = foreignImpersonationDetection('payments-deploy', SA, 'payments-deploy', { exact: [`${SUBJECT}/repo:a/$\{var.x}:%{ if true }`] });
    const stack = tfStack();
    const config = terraformConfig(stack, { filter: tricky.filterText, refused: refused.filterText });
    expect(config.filter).toContain('$${var.x}');
    expect(terraformReads([config.filter, config.refused])).toEqual([tricky.filterText, refused.filterText]);
  });
});

describe('GCP detection resources', () => {
  test('CiOidcTrust with impersonation: two metrics and two alert policies to the route, labelled (and its pool\'s one pair)', () => {
    const stack = tfStack();
    const trust = new CiOidcTrust(stack, 'Trust', { ...common, access: 'impersonation' });
    const json = tfJson(stack);
    expect(trust.detections).toEqual({ enabled: true });
    expect(trust.detectionRules.map((d) => d.kind)).toEqual(['refused-exchange', 'foreign-impersonation', 'undeclared-provider-exchange']);
    expect(trust.requiredAuditLogs).toEqual([
      { service: 'iam.googleapis.com', logType: 'ADMIN_READ' },
      { service: 'iamcredentials.googleapis.com', logType: 'ADMIN_READ' },
      { service: 'iamcredentials.googleapis.com', logType: 'DATA_READ' },
      { service: 'sts.googleapis.com', logType: 'ADMIN_READ' },
    ]);
    const metrics = Object.values(tfResources(json, 'google_logging_metric')) as any[];
    expect(metrics.map((m) => [m.name, m.project, m.filter]).sort()).toEqual([
      ['keyless/foreign-impersonation/payments-deploy', PROJECT, FOREIGN_FILTER],
      ['keyless/refused-exchange/ci-github/payments-deploy', PROJECT, REFUSED_FILTER],
      ['keyless/undeclared-provider/ci-github/payments-deploy', PROJECT, trust.detectionRules[2].filter],
    ]);
    expect(metrics.find((m) => m.name.startsWith('keyless/refused'))!.metric_descriptor).toEqual({ metric_kind: 'DELTA', value_type: 'INT64', unit: '1', display_name: 'Keyless: refused token exchange for payments-deploy' });
    const policies = Object.values(tfResources(json, 'google_monitoring_alert_policy')) as any[];
    expect(policies).toHaveLength(3);
    const refused = policies.find((p) => p.user_labels['keyless-detection'] === 'refused-exchange');
    const foreign = policies.find((p) => p.user_labels['keyless-detection'] === 'foreign-impersonation');
    expect(refused.display_name).toBe('Keyless detections for payments-deploy: refused token exchange at provider payments-deploy');
    expect(foreign.display_name).toBe(`Keyless detections for payments-deploy: impersonation of ${SA} by an undeclared principal`);
    expect(refused.notification_channels).toEqual([CHANNEL]);
    expect(refused.combiner).toBe('OR');
    expect(refused.conditions).toEqual([{
      display_name: 'keyless/refused-exchange/ci-github/payments-deploy > 0',
      condition_threshold: {
        filter: 'metric.type="logging.googleapis.com/user/keyless/refused-exchange/ci-github/payments-deploy"',
        comparison: 'COMPARISON_GT',
        threshold_value: 0,
        duration: '0s',
        aggregations: [{ alignment_period: '60s', per_series_aligner: 'ALIGN_SUM', cross_series_reducer: 'REDUCE_SUM' }],
        trigger: { count: 1 },
      },
    }]);
    expect(refused.user_labels).toEqual({
      'keyless-detection': 'refused-exchange',
      'keyless-environment': 'production',
      'keyless-identity': 'payments-deploy',
      'keyless-managed-by': 'keyless',
      'keyless-owner': 'team-payments',
      'keyless-purpose': 'deploy_payments-api_from_ci',
      'keyless-review-by': '2027-04-30',
      'keyless-tier': '1',
    });
    expect(foreign.user_labels['keyless-detection']).toBe('foreign-impersonation');
    expect(refused.documentation.mime_type).toBe('text/markdown');
    expect(refused.documentation.content).toContain(`**What fired**: the Security Token Service refused a token exchange at the workload identity pool provider \`${PROVIDER}\``);
    expect(refused.documentation.content).toContain('**What to do**');
    expect(refused.depends_on).toEqual([expect.stringContaining('google_logging_metric.')]);
  });

  test('direct access: refused exchange and foreign exchange (a subject the provider was not declared for)', () => {
    const stack = tfStack();
    const trust = new CiOidcTrust(stack, 'Trust', common);
    expect(trust.detectionRules.map((d) => d.kind)).toEqual(['refused-exchange', 'foreign-exchange', 'undeclared-provider-exchange']);
    expect(trust.detectionRules[1].filter).toContain(' AND NOT (protoPayload.status.code>0) AND NOT (protoPayload.authenticationInfo.principalSubject=');
    const policies = Object.values(tfResources(tfJson(stack), 'google_monitoring_alert_policy')) as any[];
    expect(policies.map((p) => [p.user_labels['keyless-detection'], p.display_name]).sort()).toEqual([
      ['foreign-exchange', 'Keyless detections for payments-deploy: token exchange by an undeclared subject at provider payments-deploy'],
      ['refused-exchange', 'Keyless detections for payments-deploy: refused token exchange at provider payments-deploy'],
      ['undeclared-provider-exchange', 'Keyless detections for pool ci-github: token exchange at a provider Keyless does not declare'],
    ]);
  });

  test('trusts sharing a pool each watch their own provider, listed once, and the pool once (no `providers/ID` path in its filter)', () => {
    const stack = tfStack();
    new CiOidcTrust(stack, 'A', common);
    new CiOidcTrust(stack, 'B', { ...common, name: 'payments-release', providerId: 'payments-release' });
    const metrics = (Object.values(tfResources(tfJson(stack), 'google_logging_metric')) as any[]).map((m) => [m.name, /\/providers\/([a-z-]+)\$"/.exec(m.filter)?.[1]]);
    expect(metrics.sort()).toEqual([
      ['keyless/foreign-exchange/ci-github/payments-deploy', 'payments-deploy'],
      ['keyless/foreign-exchange/ci-github/payments-release', 'payments-release'],
      ['keyless/refused-exchange/ci-github/payments-deploy', 'payments-deploy'],
      ['keyless/refused-exchange/ci-github/payments-release', 'payments-release'],
      ['keyless/undeclared-provider/ci-github/payments-deploy', undefined],
    ]);
  });

  test('GKE impersonation: foreign impersonation of the Google service account; direct access: nothing to watch', () => {
    const stack = tfStack();
    const gke = new WorkloadIdentity(stack, 'Api', {
      name: 'payments-api', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'payments-api' }, project: PROJECT, access: 'impersonation',
    });
    const direct = new WorkloadIdentity(stack, 'Worker', {
      name: 'payments-worker', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'worker' }, project: PROJECT, projectNumber: NUMBER,
    });
    expect(gke.detectionRules.map((d) => d.filter)).toEqual([
      'protoPayload.serviceName="iamcredentials.googleapis.com"'
      + ' AND (protoPayload.methodName="GenerateAccessToken" OR protoPayload.methodName="google.iam.credentials.v1.IAMCredentials.GenerateAccessToken")'
      + ' AND resource.type="service_account" AND resource.labels.email_id="payments-api@acme-payments-prod.iam.gserviceaccount.com"'
      + ' AND NOT (protoPayload.authenticationInfo.principalSubject="serviceAccount:acme-payments-prod.svc.id.goog[payments/payments-api]")',
    ]);
    expect(direct.detections).toEqual({ enabled: false, optOutReason: GKE_DIRECT_NOT_WATCHED });
    expect(GKE_DIRECT_NOT_WATCHED).toBe('direct access: no audit log names an undeclared principal for a GKE workload principal');
    expect(direct.detectionRules).toEqual([]);
    expect(Object.keys(tfResources(tfJson(stack), 'google_logging_metric'))).toHaveLength(1);
  });

  test('GKE direct access: no route is needed, a reason given is kept, `{ enabled: true }` is refused', () => {
    const app = Testing.app({ context: { 'keyless:today': TODAY } });
    const stack = new TerraformStack(app, 'platform');
    const props = { name: 'payments-worker', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'worker' }, project: PROJECT, projectNumber: NUMBER };
    expect(new WorkloadIdentity(stack, 'Default', props).detections).toEqual({ enabled: false, optOutReason: GKE_DIRECT_NOT_WATCHED });
    expect(new WorkloadIdentity(stack, 'Reason', { ...props, serviceAccount: { namespace: 'payments', name: 'w2' }, detections: { enabled: false, reason: 'watched by the SOC SIEM SEC-881' } })
      .detections).toEqual({ enabled: false, optOutReason: 'watched by the SOC SIEM SEC-881' });
    expect(() => new WorkloadIdentity(stack, 'On', { ...props, serviceAccount: { namespace: 'payments', name: 'w3' }, detections: { enabled: true } })).toThrow(
      '[KL-DETECT-UNSUPPORTED] platform/On: `detections` is `{ enabled: true }` with `access: "direct"`: GKE\'s metadata server exchanges the workload\'s token, '
      + 'and no documented audit log of that exchange names an undeclared principal, so no detection could be rendered. '
      + 'Fix: use `access: "impersonation"` (impersonation of the Google service account by any other principal is watched), '
      + 'or leave `detections` out (the identity then reads `enabled: false` with the reason). See https://cloud.google.com/iam/docs/audit-logging/examples-workload-identity');
  });

  test('ScopedPublisherRole passes detections to its trust', () => {
    const stack = tfStack();
    const role = new ScopedPublisherRole(stack, 'Publisher', {
      name: 'payments-publish',
      ownership: OWNERSHIP,
      source,
      project: PROJECT,
      projectNumber: NUMBER,
      target: GcpPublishTarget.storagePrefix({ bucket: 'acme-artifacts', prefix: 'payments-api/releases' }),
      detections: { enabled: false, reason: 'watched by the SOC SIEM SEC-881' },
    });
    expect(role.detections).toEqual({ enabled: false, optOutReason: 'watched by the SOC SIEM SEC-881' });
    expect(tfResources(tfJson(stack), 'google_logging_metric')).toEqual({});
  });
});

describe('GCP detections: defaults, opt-out, route', () => {
  test('tier 1 opt-out: nothing rendered, the reason in the provider description', () => {
    const stack = tfStack();
    const trust = new CiOidcTrust(stack, 'Trust', { ...common, detections: { enabled: false, reason: 'watched by the SOC SIEM SEC-881' } });
    const json = tfJson(stack);
    expect(trust.detections).toEqual({ enabled: false, optOutReason: 'watched by the SOC SIEM SEC-881' });
    expect(trust.requiredAuditLogs).toEqual([]);
    expect(tfResources(json, 'google_logging_metric')).toEqual({});
    expect(tfResources(json, 'google_monitoring_alert_policy')).toEqual({});
    const [provider] = Object.values(tfResources(json, 'google_iam_workload_identity_pool_provider')) as any[];
    expect(provider.description).toBe('environment=production; managed-by=keyless; owner=team-payments; purpose=deploy payments-api from CI; '
      + 'review-by=2027-04-30; tier=1; detections-opt-out=watched by the SOC SIEM SEC-881');
  });

  test('tiers 2 and 3 are off by default and may opt in', () => {
    const stack = tfStack();
    const off = new CiOidcTrust(stack, 'Off', { ...common, ownership: { ...OWNERSHIP, tier: 2 } });
    const on = new CiOidcTrust(stack, 'On', { ...common, name: 'payments-staging', providerId: 'payments-staging', ownership: { ...OWNERSHIP, tier: 3 }, detections: { enabled: true } });
    expect(off.detections).toEqual({ enabled: false });
    expect(off.detectionRules).toEqual([]);
    expect(on.detectionRules.map((d) => d.kind)).toEqual(['refused-exchange', 'foreign-exchange', 'undeclared-provider-exchange']);
  });

  test('a watched identity without a GCP route is refused', () => {
    const app = Testing.app({ context: { 'keyless:today': TODAY } });
    const stack = new TerraformStack(app, 'platform');
    expect(() => new CiOidcTrust(stack, 'Trust', common)).toThrow(
      '[KL-DETECT-NO-ROUTE] platform/Trust: `detections` is on (the default for tier 1) but no GCP detection target is declared where the identity sits '
      + '(context `keyless:detections`): refused and foreign assumptions would alert no one. Fix: declare the target once, before the identities: '
      + '`routeDetections(app, { gcp: { notificationChannels: ["projects/acme-sec/notificationChannels/123"] } })`; '
      + 'or opt this identity out with `detections: { enabled: false, reason }`.');
  });
});

describe('GCP detections read back by the inventory', () => {
  test('the same trust name, pool and provider ids in staging and production: each project\'s alerts count for its own identity only', () => {
    const stack = tfStack();
    new CiOidcTrust(stack, 'Staging', { ...common, project: 'acme-payments-stg', projectNumber: '412345678902' });
    new CiOidcTrust(stack, 'Prod', { ...common, detections: { enabled: false, reason: 'watched by the SOC SIEM SEC-881' } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-detections-'));
    try {
      fs.mkdirSync(path.join(dir, 'gcp'));
      fs.writeFileSync(path.join(dir, 'gcp', 'cdk.tf.json'), JSON.stringify(tfJson(stack)));
      const inventory = buildInventory(readInventoryInput([dir]), { today: TODAY });
      const detections = (id: string) => inventory.identities.find((r) => r.id === id)!.attributes.detections.split(`${path.basename(dir)}/`).join('');
      expect(detections('gcp:workload-identity-provider:acme-payments-prod/ci-github/payments-deploy')).toBe('opted-out: watched by the SOC SIEM SEC-881');
      expect(detections('gcp:workload-identity-provider:acme-payments-stg/ci-github/payments-deploy')).toBe('watched: '
        + 'gcp/cdk.tf.json:google_logging_metric.Staging_Detections_ForeignExchangeMetric_5B6DAFAC, '
        + 'gcp/cdk.tf.json:google_logging_metric.Staging_Detections_RefusedExchangeMetric_22D45387, '
        + 'gcp/cdk.tf.json:google_monitoring_alert_policy.Staging_Detections_ForeignExchangeAlert_243A885B, '
        + 'gcp/cdk.tf.json:google_monitoring_alert_policy.Staging_Detections_RefusedExchangeAlert_CE0510E0');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
