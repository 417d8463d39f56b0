import { ApiObject } from 'cdk8s';
import { kubernetesOwnership, Ownership } from '../../core/ownership';

/**
 * Adds ownership labels (`keyless.dev/owner`, …, `app.kubernetes.io/managed-by: keyless`) and annotations (the
 * exact values) to a Kubernetes object. Label values are sanitised to the label rules; annotations keep the
 * values verbatim.
 */
export function addOwnershipMetadata(apiObject: ApiObject, ownership: Ownership): void {
  const { labels, annotations } = kubernetesOwnership(ownership);
  for (const [key, value] of Object.entries(labels)) apiObject.metadata.addLabel(key, value);
  for (const [key, value] of Object.entries(annotations)) apiObject.metadata.addAnnotation(key, value);
}
