/**
 * Terraform's `kubernetes_*` resources in the rules that read Kubernetes objects besides the k8s-* rules (issue 16):
 * a shared ServiceAccount between a manifest-shaped Terraform Deployment and another, a service-account token
 * Secret, ownership labels of a `kubernetes_service_account_v1`. Attributes as the hashicorp/kubernetes provider
 * writes them (nested blocks as lists).
 */
import type { AddCase, CaseBuilders } from './builders';

export function cases(add: AddCase, b: CaseBuilders): void {
  const { tf, OWNED_LABELS } = b;
  const deployment = (name: string, namespace = 'payments') => tf('kubernetes_deployment_v1', name, {
    metadata: [{ name, namespace }],
    spec: [{ template: [{ metadata: [{ labels: { app: name } }], spec: [{ service_account_name: 'payments', automount_service_account_token: false, container: [{ name: 'c', image: 'busybox' }] }] }] }],
  });
  const api = deployment('api');
  const worker = deployment('worker');
  add('KL-G-SHARED-IDENTITY', 'finding', 'two Terraform Deployments on one ServiceAccount', api,
    [['Subject::system:serviceaccount:payments:payments', 'ServiceAccount payments/payments is also used by kubernetes_deployment_v1 kubernetes_deployment_v1.worker']], [worker]);
  add('KL-G-SHARED-IDENTITY', 'compliant', 'Terraform Deployments on the same name in two namespaces', api, [], [deployment('worker', 'staging')]);

  add('KL-G-STATIC-CREDENTIAL', 'finding', 'a kubernetes_secret_v1 service-account token', tf('kubernetes_secret_v1', 'token', {
    metadata: [{ name: 'ci-token', namespace: 'ci', annotations: { 'kubernetes.io/service-account.name': 'ci' } }], type: 'kubernetes.io/service-account-token',
  }), [['Credential::kubernetes.io/service-account-token', 'a long-lived ServiceAccount token Secret']]);
  add('KL-G-STATIC-CREDENTIAL', 'compliant', 'a kubernetes_secret of another type', tf('kubernetes_secret', 'tls', {
    metadata: { name: 'tls', namespace: 'apps' }, type: 'kubernetes.io/tls',
  }), []);

  add('KL-G-OWNERSHIP', 'finding', 'a kubernetes_service_account_v1 without ownership labels', tf('kubernetes_service_account_v1', 'api', {
    metadata: [{ name: 'api', namespace: 'payments' }], automount_service_account_token: false,
  }), [['Field::owner', 'missing owner'], ['Field::environment', 'missing environment'], ['Field::review-by', 'missing review-by']]);
  add('KL-G-OWNERSHIP', 'compliant', 'a kubernetes_service_account with the Keyless labels', tf('kubernetes_service_account', 'api', {
    metadata: { name: 'api', namespace: 'payments', labels: OWNED_LABELS }, automount_service_account_token: false,
  }), []);
}
