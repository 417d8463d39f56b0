import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { WorkloadIdentity } from './workload-identity';
import { GcpAccessBinding } from '../../core/grants';
import { terraformConfig } from '../private/terraform';

/**
 * Renders the access a workload template decided (core/grants) for a GKE identity, and the cdktf types and checks
 * the templates need, so that the templates import no framework themselves.
 */

export type { TerraformStack } from 'cdktf';

/** Whether a value is a cdktf stack (GCP identities are created in one). */
export function isGcpStack(value: unknown): boolean {
  return TerraformStack.isStack(value);
}

/** One IAM member resource per decided binding, under its content-derived id, for `member` (none for a revoked identity). */
export function renderGcpAccessBindings(scope: Construct, member: string, bindings: readonly GcpAccessBinding[]): void {
  // A revoked identity's grants are not rendered: its principal may no longer act (see `WorkloadIdentityProps.revoked`).
  if (scope instanceof WorkloadIdentity && scope.revocation !== undefined) return;
  for (const { id, grant } of bindings) {
    if (grant.kind === 'storage-bucket') {
      new StorageBucketIamMember(scope, id, terraformConfig(scope, { bucket: grant.resource, role: grant.role, member, condition: grant.condition }));
    } else if (grant.kind === 'pubsub-topic') {
      new PubsubTopicIamMember(scope, id, terraformConfig(scope, { project: grant.project, topic: grant.resource, role: grant.role, member }));
    } else {
      new SecretManagerSecretIamMember(scope, id, terraformConfig(scope, {
        project: grant.project, secretId: grant.resource, role: grant.role, member,
      }));
    }
  }
}
