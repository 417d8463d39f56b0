/** Ownership as synthesized: the tags, labels or descriptions an identity resource carries, decoded once. */
import { kubernetesObject } from './kubernetes';
import { NeutralResource } from './model';
import { asList } from './values';
import { decodeOwnershipDescription, decodeOwnershipTags, OWNERSHIP_PREFIX } from '../core/ownership';

/** CloudFormation `Tags: [{Key, Value}]` as a record. */
export function cloudFormationTags(tags: unknown): Record<string, string> {
  return Object.fromEntries(asList<any>(tags as any).filter((t) => typeof t?.Key === 'string').map((t) => [t.Key, String(t.Value)]));
}

/**
 * Ownership fields (`owner`, `environment`, `review-by`…) of an identity resource, decoded as Keyless encodes them;
 * undefined when the resource is not an identity that carries ownership.
 */
export function ownershipFieldsOf(resource: NeutralResource): Record<string, string> | undefined {
  const p = resource.properties;
  switch (resource.type) {
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
      return decodeOwnershipTags(cloudFormationTags(p.Tags), OWNERSHIP_PREFIX.aws);
    case 'aws_iam_role':
    case 'aws_iam_user':
      return decodeOwnershipTags(p.tags, OWNERSHIP_PREFIX.aws);
    case 'azurerm_user_assigned_identity':
      return decodeOwnershipTags(p.tags, OWNERSHIP_PREFIX.azure);
    case 'google_service_account':
      // Service accounts have no labels: Keyless writes `key=value; …` into the description.
      return decodeOwnershipDescription(p.description);
    default: {
      // A ServiceAccount manifest, or Terraform's `kubernetes_service_account(_v1)` read as one.
      const object = kubernetesObject(resource);
      if (object?.kind !== 'ServiceAccount') return undefined;
      return {
        ...decodeOwnershipTags(object.metadata?.labels, OWNERSHIP_PREFIX.kubernetes),
        ...decodeOwnershipTags(object.metadata?.annotations, OWNERSHIP_PREFIX.kubernetes),
      };
    }
  }
}
