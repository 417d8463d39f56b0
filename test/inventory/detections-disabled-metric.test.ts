/**
 * A GCP alert policy on a disabled logs-based metric never fires (a disabled metric "does not generate any points"):
 * the inventory does not credit it, reading `disabled` as Terraform reads a bool (session 28 finding 7, the metric side).
 */
import { Inventory } from '../../src/inventory/model';
import { buildInventory } from '../../src/inventory/records';
import type { NeutralResource } from '../../src/synth/model';

const TF_GCP = 'terraform/gcp/cdk.tf.json';
const tf = (type: string, name: string, properties: any): NeutralResource => ({ format: 'terraform', file: TF_GCP, type, id: `${type}.${name}`, properties });
const PROVIDER_ID = 'gcp:workload-identity-provider:acme-prod/ci-pool/github';

function detectionsWith(disabled: unknown): string | undefined {
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
      notification_channels: ['projects/acme-sec/notificationChannels/123'],
      conditions: [{ display_name: 'refused', condition_threshold: { filter: 'metric.type="logging.googleapis.com/user/${google_logging_metric.refused.name}"', comparison: 'COMPARISON_GT' } }],
    }),
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
