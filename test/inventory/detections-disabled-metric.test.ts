/**
 * A GCP alert policy on a disabled logs-based metric never fires (a disabled metric "does not generate any points"),
 * and an alert whose only receivers (notification channels, action groups) are disabled alerts no one: the inventory
 * credits neither, reading `disabled` / `enabled` as Terraform reads a bool (session 28 finding 7, beyond the alert).
 */
import { Inventory } from '../../src/inventory/model';
import { buildInventory } from '../../src/inventory/records';
import type { NeutralResource } from '../../src/synth/model';

const TF_GCP = 'terraform/gcp/cdk.tf.json';
const tf = (type: string, name: string, properties: any): NeutralResource => ({ format: 'terraform', file: TF_GCP, type, id: `${type}.${name}`, properties });
const PROVIDER_ID = 'gcp:workload-identity-provider:acme-prod/ci-pool/github';

function detectionsWith(disabled: unknown, channels: unknown[] = ['projects/acme-sec/notificationChannels/123'], extra: NeutralResource[] = []): string | undefined {
  const resources = [
    tf('google_iam_workload_identity_pool', 'ci', { workload_identity_pool_id: 'ci-pool', project: 'acme-prod', description: 'owner=platform; tier=1' }),
    tf('google_iam_workload_identity_pool_provider', 'github', {
      workload_identity_pool_id: '${google_iam_workload_identity_pool.ci.workload_identity_pool_id}',
      workload_identity_pool_provider_id: 'github',
      project: 'acme-prod',
      attribute_mapping: { 'google.subject': 'assertion.sub' },
      oidc: { issuer_uri: 'https://token.actions.githubusercontent.com' },
    }),
    tf('google_logging_metric', 'refused', {
      name: 'keyless-refused-exchange-github',
      project: 'acme-prod',
      ...(disabled === undefined ? {} : { disabled }),
      filter: 'protoPayload.serviceName="sts.googleapis.com" AND protoPayload.status.code!=0 AND '
        + 'protoPayload.request.audience:"//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/ci-pool/providers/github"',
    }),
    tf('google_monitoring_alert_policy', 'refused', {
      display_name: 'Keyless detections for ci-pool/github: refused exchange',
      combiner: 'OR',
      project: 'acme-prod',
      notification_channels: channels,
      conditions: [{ display_name: 'refused', condition_threshold: { filter: 'metric.type="logging.googleapis.com/user/${google_logging_metric.refused.name}"', comparison: 'COMPARISON_GT' } }],
    }),
    ...extra,
  ];
  const inventory: Inventory = buildInventory({ resources, files: [{ file: TF_GCP, format: 'terraform' }], warnings: [] }, { today: '2026-11-22' });
  return inventory.identities.find((r) => r.id === PROVIDER_ID)?.attributes.detections;
}

const WATCHED = `watched: ${TF_GCP}:google_logging_metric.refused, ${TF_GCP}:google_monitoring_alert_policy.refused`;

describe('inventory: an alert policy on a disabled logging metric', () => {
  test.each([undefined, false, 'false', '0', '${false}'])('GIVEN the metric\'s `disabled` %p WHEN inventoried THEN the provider is watched', (disabled) => {
    expect(detectionsWith(disabled)).toBe(WATCHED);
  });

  test.each([true, 'true', '1', '${ true }'])('GIVEN `disabled` %p WHEN inventoried THEN the policy is not credited: it alerts on a disabled metric', (disabled) => {
    expect(detectionsWith(disabled)).toBe('missing: alert policy google_monitoring_alert_policy.refused alerts on logging metric google_logging_metric.refused, which is disabled');
  });

  test('GIVEN `disabled` a variable WHEN inventoried THEN the policy is not credited, and the value is named', () => {
    expect(detectionsWith('${var.metrics_off}')).toBe('missing: alert policy google_monitoring_alert_policy.refused alerts on logging metric '
      + 'google_logging_metric.refused, whose `disabled` "${var.metrics_off}" the output does not determine to be false');
  });
});

describe('inventory: an alert whose receivers are disabled', () => {
  const channel = (enabled: unknown) => tf('google_monitoring_notification_channel', 'soc', { type: 'email', labels: { email_address: 'soc@acme.example' }, enabled });
  const SOC = '${google_monitoring_notification_channel.soc.name}';

  test('GIVEN the policy\'s one channel disabled ("false") WHEN inventoried THEN not credited, naming the channel', () => {
    expect(detectionsWith(undefined, [SOC], [channel('false')]))
      .toBe('missing: alert policy google_monitoring_alert_policy.refused has no enabled notification channel (google_monitoring_notification_channel.soc is disabled)');
  });

  test('GIVEN the channel\'s `enabled` a variable WHEN inventoried THEN not credited, naming the value', () => {
    expect(detectionsWith(undefined, [SOC], [channel('${var.soc_on}')]))
      .toBe('missing: alert policy google_monitoring_alert_policy.refused has no enabled notification channel (google_monitoring_notification_channel.soc has `enabled` "${var.soc_on}")');
  });

  test('GIVEN the channel enabled (absent, true), or a second channel not in the output WHEN inventoried THEN watched', () => {
    expect(detectionsWith(undefined, [SOC], [channel(undefined)])).toBe(WATCHED);
    expect(detectionsWith(undefined, [SOC], [channel(true)])).toBe(WATCHED);
    expect(detectionsWith(undefined, [SOC, 'projects/acme-sec/notificationChannels/123'], [channel(false)])).toBe(WATCHED);
  });

  test('GIVEN an Azure query rule whose one action group is disabled WHEN inventoried THEN not credited, naming the group', () => {
    const TF_AZURE = 'terraform/azure/cdk.tf.json';
    const az = (type: string, name: string, properties: any): NeutralResource => ({ format: 'terraform', file: TF_AZURE, type, id: `${type}.${name}`, properties });
    const resources = (groupEnabled: unknown) => [
      az('azurerm_user_assigned_identity', 'a', { name: 'deploy', resource_group_name: 'rg-a', location: 'westeurope', tags: { 'keyless-owner': 'platform', 'keyless-tier': '1' } }),
      az('azurerm_federated_identity_credential', 'a', {
        name: 'a',
        resource_group_name: 'rg-a',
        parent_id: '${azurerm_user_assigned_identity.a.id}',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:acme/app:environment:production',
        audience: ['api://AzureADTokenExchange'],
      }),
      az('azurerm_monitor_action_group', 'soc', { name: 'soc', resource_group_name: 'security', short_name: 'soc', enabled: groupEnabled }),
      az('azurerm_monitor_scheduled_query_rules_alert_v2', 'a', {
        name: 'keyless-refused-signin-deploy',
        resource_group_name: 'rg-a',
        tags: { 'keyless-identity': 'deploy', 'keyless-detection': 'refused-exchange' },
        criteria: [{ query: 'AADManagedIdentitySignInLogs\n| where ServicePrincipalId =~ "${azurerm_user_assigned_identity.a.principal_id}"' }],
        action: { action_groups: ['${azurerm_monitor_action_group.soc.id}'] },
      }),
    ];
    const detections = (groupEnabled: unknown) => buildInventory({ resources: resources(groupEnabled), files: [{ file: TF_AZURE, format: 'terraform' }], warnings: [] }, { today: '2026-11-22' })
      .identities.find((r) => r.id === 'azure:user-assigned-identity:rg-a/deploy')?.attributes.detections;
    expect(detections('${false}'))
      .toBe('missing: query rule azurerm_monitor_scheduled_query_rules_alert_v2.a has no enabled action group (azurerm_monitor_action_group.soc is disabled)');
    expect(detections(undefined)).toBe(`watched: ${TF_AZURE}:azurerm_monitor_scheduled_query_rules_alert_v2.a`);
  });
});
