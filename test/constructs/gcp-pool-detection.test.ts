/**
 * The pool's undeclared-provider exchange detection (core/detections/gcp `undeclaredProviderExchangeDetection`,
 * constructs/gcp `renderGcpPoolDetection`): a Keyless member `principalSet://…/POOL/attribute.keyless_trust/NAME` is
 * minted by any provider of the pool that maps `attribute.keyless_trust` to NAME, so a successful exchange at a
 * provider of the pool that the app does not declare alerts. One per pool and app, not per trust.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { GitHubActions } from '../../src';
import { CiOidcTrust } from '../../src/constructs/gcp';
import { undeclaredProviderExchangeDetection } from '../../src/core/detections/gcp';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { matches } from '../helpers/logging-filter';
import { DETECTION_ROUTES, OWNERSHIP, TODAY, tfJson, tfResources } from '../helpers/synth';
import { terraformReads } from '../helpers/terraform-eval';

const PROJECT = 'acme-payments-prod';
const NUMBER = '412345678901';
const POOL = `projects/${NUMBER}/locations/global/workloadIdentityPools/ci-github`;
const CHANNEL = 'projects/acme-security/notificationChannels/1234567890';
const source = GitHubActions.repository({
  owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based', branches: ['main'],
});
const common = { name: 'payments-deploy', ownership: OWNERSHIP, source, project: PROJECT, projectNumber: NUMBER, poolId: 'ci-github' };
const POOL_METRIC = 'keyless/undeclared-provider/ci-github/payments-deploy';

/** The filter of the pool `ci-github` whose declared providers are `ids` (sorted), as rendered. */
const poolFilter = (ids: string) => 'protoPayload.serviceName="sts.googleapis.com"'
  + ' AND (protoPayload.methodName="google.identity.sts.v1.SecurityTokenService.ExchangeToken"'
  + ' OR protoPayload.methodName="google.identity.sts.v1beta.SecurityTokenService.ExchangeToken")'
  + ` AND protoPayload.resourceName=~"(^|/)projects/${NUMBER}/locations/global/workloadIdentityPools/ci-github/providers/[^/]+$"`
  + ' AND NOT (protoPayload.status.code>0)'
  + ` AND NOT (protoPayload.resourceName=~"(^|/)projects/${NUMBER}/locations/global/workloadIdentityPools/ci-github/providers/(${ids})$")`;

/** An app with the test date and routes, and its stacks. */
function app(...stackIds: string[]): TerraformStack[] {
  const root = Testing.app();
  root.node.setContext('keyless:today', TODAY);
  root.node.setContext('keyless:detections', DETECTION_ROUTES);
  return stackIds.map((id) => new TerraformStack(root, id));
}

const metricsOf = (stack: TerraformStack) => Object.values(tfResources(tfJson(stack), 'google_logging_metric')) as any[];
const poolMetrics = (stack: TerraformStack) => metricsOf(stack).filter((m) => m.name.startsWith('keyless/undeclared-provider/'));

// Built from "Example logs for Workload Identity Federation" (https://cloud.google.com/iam/docs/audit-logging/examples-workload-identity):
// the STS ExchangeToken entry, `protoPayload.resourceName` the provider the token is exchanged at,
// `authenticationInfo.principalSubject` the token's `sub`, `metadata.mapped_principal` its principal; a refused
// exchange carries the AuditLog `status` (google.rpc.Status, https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog).
function exchangeEntry(provider: string, status?: { code: number; message: string }, methodName = 'google.identity.sts.v1.SecurityTokenService.ExchangeToken') {
  const subject = 'repo:acme/payments-api:ref:refs/heads/main';
  return {
    logName: `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Fdata_access`,
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      'authenticationInfo': { principalSubject: subject },
      'metadata': { mapped_principal: `principal://iam.googleapis.com/${POOL}/subject/${subject}` },
      methodName,
      'resourceName': provider,
      'serviceName': 'sts.googleapis.com',
      ...(status ? { status } : {}),
    },
    resource: { type: 'audited_resource' },
  };
}

describe('the pool\'s undeclared-provider exchange filter (core/detections/gcp)', () => {
  const spec = undeclaredProviderExchangeDetection({ projectNumber: NUMBER, poolId: 'ci-github', providerId: 'payments-deploy' }, ['payments-release', 'payments-deploy', 'payments-deploy']);

  test('STS ExchangeToken at a provider of the pool, not an error, at none of the declared providers (sorted, deduplicated)', () => {
    expect(spec.filterText).toBe(poolFilter('payments-deploy|payments-release'));
    expect([spec.kind, spec.metricName]).toEqual(['undeclared-provider-exchange', POOL_METRIC]);
    expect(spec.requiredAuditLogs).toEqual([{ service: 'iam.googleapis.com', logType: 'ADMIN_READ' }, { service: 'sts.googleapis.com', logType: 'ADMIN_READ' }]);
  });

  test('samples from the documentation: an exchange issued at an undeclared provider fires; refused ones, declared providers and other pools do not', () => {
    const at = (provider: string, status?: { code: number; message: string }, method?: string) =>
      matches(spec.filter, exchangeEntry(provider, status, method));
    expect([
      at(`${POOL}/providers/rogue`),
      at(`//iam.googleapis.com/${POOL}/providers/rogue`),
      at(`${POOL}/providers/rogue`, { code: 0, message: '' }),
      at(`${POOL}/providers/rogue`, undefined, 'google.identity.sts.v1beta.SecurityTokenService.ExchangeToken'),
      at(`${POOL}/providers/payments-deploy-2`),
      at(`${POOL}/providers/xpayments-deploy`),
    ]).toEqual([true, true, true, true, true, true]);
    expect([
      at(`${POOL}/providers/rogue`, { code: 7, message: 'The given credential is rejected by the attribute condition.' }),
      at(`${POOL}/providers/payments-deploy`),
      at(`//iam.googleapis.com/${POOL}/providers/payments-release`),
      at(`projects/${NUMBER}/locations/global/workloadIdentityPools/ci-gitlab/providers/rogue`),
      at(`projects/${NUMBER}/locations/global/workloadIdentityPools/xci-github/providers/rogue`),
      at('projects/412345678902/locations/global/workloadIdentityPools/ci-github/providers/rogue'),
      at(`${POOL}/providers/rogue/keys/k1`),
      at(`${POOL}/providers/rogue`, undefined, 'google.iam.credentials.v1.IAMCredentials.GenerateAccessToken'),
    ]).toEqual([false, false, false, false, false, false, false, false]);
  });
});

describe('the pool\'s undeclared-provider exchange detection, rendered', () => {
  test('once per pool and app, on its first watched trust; the filter lists every provider the app declares in the pool (later trusts, other stacks) and those vouched for', () => {
    const [platform, release] = app('platform', 'release');
    new CiOidcTrust(platform, 'Staging', { ...common, name: 'payments-staging', providerId: 'payments-staging', ownership: { ...OWNERSHIP, tier: 3 } });
    const deploy = new CiOidcTrust(platform, 'Deploy', common);
    const gitlab = new CiOidcTrust(platform, 'Gitlab', { ...common, name: 'payments-gitlab', poolId: 'ci-gitlab' });
    const rel = new CiOidcTrust(release, 'Release', {
      ...common, name: 'payments-release', access: 'impersonation', useExistingPool: true, otherPoolProviders: ['gitlab-runners', 'gitlab-runners'],
    });
    expect(deploy.detectionRules.map((d) => d.kind)).toEqual(['refused-exchange', 'foreign-exchange', 'undeclared-provider-exchange']);
    expect(rel.detectionRules.map((d) => d.kind)).toEqual(['refused-exchange', 'foreign-impersonation']);
    expect(gitlab.detectionRules.map((d) => d.kind)).toEqual(['refused-exchange', 'foreign-exchange', 'undeclared-provider-exchange']);

    const expected = poolFilter('gitlab-runners|payments-deploy|payments-release|payments-staging');
    expect(deploy.detectionRules[2].filter).toBe(expected);
    expect(poolMetrics(platform).map((m) => [m.name, m.project, m.filter])).toEqual([
      [POOL_METRIC, PROJECT, expected],
      ['keyless/undeclared-provider/ci-gitlab/payments-gitlab', PROJECT, poolFilter('payments-gitlab').split('/ci-github/').join('/ci-gitlab/')],
    ]);
    expect(poolMetrics(release)).toEqual([]);
    // Two resources per watched pool, whatever the number of trusts in it.
    expect([metricsOf(platform).length, metricsOf(release).length]).toEqual([6, 2]);

    const policies = Object.values(tfResources(tfJson(platform), 'google_monitoring_alert_policy')) as any[];
    const policy = policies.find((p) => p.conditions[0].condition_threshold.filter === `metric.type="logging.googleapis.com/user/${POOL_METRIC}"`);
    expect([policy.display_name, policy.notification_channels, policy.severity]).toEqual([
      'Keyless detections for pool ci-github: token exchange at a provider Keyless does not declare', [CHANNEL], 'CRITICAL',
    ]);
    expect(policy.user_labels).toEqual({
      'keyless-detection': 'undeclared-provider-exchange',
      'keyless-environment': 'production',
      'keyless-managed-by': 'keyless',
      'keyless-owner': 'team-payments',
      'keyless-pool': 'ci-github',
      'keyless-purpose': 'deploy_payments-api_from_ci',
      'keyless-review-by': '2027-04-30',
      'keyless-tier': '1',
    });
    expect(policy.documentation.content).toContain(`**What fired**: the Security Token Service issued a federated token at a provider of the workload identity pool \`${POOL}\``);
    expect(policy.depends_on).toEqual([expect.stringContaining('google_logging_metric.Deploy_PoolDetection_UndeclaredProviderExchangeMetric_')]);
  });

  test('Terraform 1.11 reads the synthesized filter literally (`$` before a quote or a parenthesis is no template)', () => {
    const [stack] = app('platform');
    new CiOidcTrust(stack, 'Deploy', common);
    const [metric] = poolMetrics(stack);
    expect(terraformReads([metric.filter])).toEqual([poolFilter('payments-deploy')]);
  });

  test('no watched trust in the pool: no pool detection (the providers are still declared for a watched trust added later)', () => {
    const [stack] = app('platform');
    new CiOidcTrust(stack, 'Off', { ...common, detections: { enabled: false, reason: 'watched by the SOC SIEM SEC-881' } });
    expect(poolMetrics(stack)).toEqual([]);
    const later = new CiOidcTrust(stack, 'Later', { ...common, name: 'payments-release' });
    expect(later.detectionRules[2].filter).toBe(poolFilter('payments-deploy|payments-release'));
    expect(poolMetrics(stack).map((m) => m.name)).toEqual(['keyless/undeclared-provider/ci-github/payments-release']);
  });

  test('the inventory credits the pool detection to no identity: an opted-out trust of the pool stays opted out', () => {
    const [stack] = app('platform');
    new CiOidcTrust(stack, 'Deploy', common);
    new CiOidcTrust(stack, 'Off', { ...common, name: 'payments-release', detections: { enabled: false, reason: 'watched by the SOC SIEM SEC-881' } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-pool-detection-'));
    try {
      fs.mkdirSync(path.join(dir, 'gcp'));
      fs.writeFileSync(path.join(dir, 'gcp', 'cdk.tf.json'), JSON.stringify(tfJson(stack)));
      const inventory = buildInventory(readInventoryInput([dir]), { today: TODAY });
      const detections = (id: string) => inventory.identities.find((r) => r.id === id)!.attributes.detections.split(`${path.basename(dir)}/`).join('');
      expect(detections('gcp:workload-identity-provider:acme-payments-prod/ci-github/payments-release')).toBe('opted-out: watched by the SOC SIEM SEC-881');
      expect(detections('gcp:workload-identity-provider:acme-payments-prod/ci-github/payments-deploy')).toBe('watched: '
        + 'gcp/cdk.tf.json:google_logging_metric.Deploy_Detections_ForeignExchangeMetric_C2F2F9B4, '
        + 'gcp/cdk.tf.json:google_logging_metric.Deploy_Detections_RefusedExchangeMetric_E9920D50, '
        + 'gcp/cdk.tf.json:google_monitoring_alert_policy.Deploy_Detections_ForeignExchangeAlert_EB3177D7, '
        + 'gcp/cdk.tf.json:google_monitoring_alert_policy.Deploy_Detections_RefusedExchangeAlert_9371A93F');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a pool whose filter would exceed a log-based metric\'s 20,000 characters is refused at the trust that adds the provider over it', () => {
    const location = { projectNumber: NUMBER, poolId: 'ci-github', providerId: 'payments-deploy' };
    const empty = undeclaredProviderExchangeDetection(location, []).filterText.length;
    const id = (i: number) => `p${String(i).padStart(31, '0')}`; // 32 characters, the longest provider id
    const fits = Math.floor((20000 - empty - 'payments-deploy'.length) / 33);
    const ids = Array.from({ length: fits }, (_, i) => id(i));
    const [stack] = app('platform');
    new CiOidcTrust(stack, 'Deploy', { ...common, otherPoolProviders: ids });
    const [metric] = poolMetrics(stack);
    expect(metric.filter.length).toBe(empty + 'payments-deploy'.length + 33 * fits);
    expect(metric.filter.length).toBeLessThanOrEqual(20000);
    expect(metric.filter.length).toBeGreaterThan(20000 - 33);
    expect(() => new CiOidcTrust(stack, 'Over', { ...common, name: 'payments-over', otherPoolProviders: [id(fits)] })).toThrow(
      '[KL-DETECT-FILTER-LENGTH] platform/Over: `otherPoolProviders` adds providers to pool `ci-github` of project `acme-payments-prod`, whose '
      + `undeclared-provider detection filter would then be ${empty + 'payments-deploy'.length + 33 * fits + 14 + 33} characters (${fits + 3} providers): `
      + 'a log-based metric\'s filter holds at most 20000. Fix: put some trusts in another pool (`poolId`), or use shorter provider ids (`providerId`). '
      + 'See https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics');
  });

  test('`otherPoolProviders` must be a list of provider ids', () => {
    const [stack] = app('platform');
    expect(() => new CiOidcTrust(stack, 'A', { ...common, otherPoolProviders: 'gitlab-runners' as any })).toThrow(
      '[KL-PROP-TYPE] platform/A: `otherPoolProviders` is "gitlab-runners": expected a list of workload identity pool provider ids. '
      + 'Fix: list the provider ids, e.g. `otherPoolProviders: ["gitlab-runners"]`, or remove the prop.');
    expect(() => new CiOidcTrust(stack, 'B', { ...common, name: 'payments-b', otherPoolProviders: ['gitlab-runners', 'GitLab'] })).toThrow(
      '[KL-GCP-POOL-ID] platform/B: `otherPoolProviders[1]` is "GitLab": a workload identity pool or provider id is 4–32 characters of lowercase letters, '
      + 'digits and `-`, and the `gcp-` prefix is reserved. Fix: use a shorter lowercase id such as "ci-github". '
      + 'See https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create');
  });
});
