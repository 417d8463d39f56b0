import { fail, ValidationContext } from './errors';
import { kubernetesServiceAccountSubject } from './facts/subjects';
import { describeValue } from './props';
import { RiskTier, tierPolicy } from './tier';

/** A Kubernetes service account, the unit a cloud identity is bound to. */
export interface KubernetesServiceAccountRef {
  /** Namespace: a DNS-1123 label (at most 63 characters). */
  readonly namespace: string;
  /** Service account name: a DNS-1123 subdomain (at most 253 characters), not `default`. */
  readonly name: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain (object names such as a ServiceAccount or a cluster-scoped policy), without its 253-character bound. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const K8S_NAMES_DOCS = 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/';
/** Namespaces of the control plane, where no application identity belongs. */
const SYSTEM_NAMESPACES = ['kube-node-lease', 'kube-public', 'kube-system'];

/** Validates a namespace name (DNS-1123 label, at most 63 characters). */
export function checkNamespace(value: unknown, ctx: ValidationContext, prop: string): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS1123_LABEL.test(value)) {
    fail({
      code: 'KL-K8S-NAMESPACE',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}${typeof value === 'string' && value.length > 63 ? ` (${value.length} characters)` : ''}: a namespace is a DNS-1123 label, at most 63 lowercase letters, digits and \`-\`, starting and ending with a letter or digit`,
      fix: 'use the namespace name exactly as in the cluster, e.g. "payments"',
      docs: K8S_NAMES_DOCS,
    });
  }
  if (SYSTEM_NAMESPACES.includes(value)) {
    fail({
      code: 'KL-K8S-SYSTEM-NAMESPACE',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}, a control-plane namespace: application identities do not belong there`,
      fix: 'bind the identity to the workload\'s own namespace',
    });
  }
  return value;
}

/** Validates a service account reference: DNS-1123 names, not the `default` service account. */
export function checkServiceAccountRef(ref: KubernetesServiceAccountRef | undefined, ctx: ValidationContext, prop = 'serviceAccount'): KubernetesServiceAccountRef {
  if (ref === undefined || ref === null || typeof ref !== 'object') {
    fail({ code: 'KL-K8S-SA-MISSING', path: ctx.path, prop, problem: 'is missing', fix: 'name the workload\'s own service account: `{ namespace: "payments", name: "payments-api" }`' });
  }
  const namespace = checkNamespace(ref.namespace, ctx, `${prop}.namespace`);
  const name = ref.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    fail({
      code: 'KL-K8S-SA-NAME',
      path: ctx.path,
      prop: `${prop}.name`,
      problem: `is ${describeValue(name)}: a service account name is a DNS-1123 subdomain, at most 253 lowercase letters, digits, \`-\` and \`.\`, starting and ending with a letter or digit`,
      fix: 'name the service account after the workload, e.g. "payments-api"',
      docs: K8S_NAMES_DOCS,
    });
  }
  if (name === 'default') {
    fail({
      code: 'KL-K8S-DEFAULT-SA',
      path: ctx.path,
      prop: `${prop}.name`,
      problem: 'is "default": every pod of the namespace that names no service account runs as it, so a cloud identity bound to it is shared by all of them (CKV_K8S_41/42)',
      fix: 'create a dedicated service account for the workload (WorkloadServiceAccount) and bind the identity to it',
    });
  }
  return { namespace, name };
}

/** The `sub` of a Kubernetes service account token: `system:serviceaccount:NS:SA`. */
export function serviceAccountSubject(ref: KubernetesServiceAccountRef): string {
  return kubernetesServiceAccountSubject(ref.namespace, ref.name);
}

/** Projected service account tokens: the kubelet requires `expirationSeconds` ≥ 600 (Kubernetes, "Projected volumes"). */
export const K8S_MIN_TOKEN_SECONDS = 600;

/** Resolves a projected token lifetime: at least 600 seconds, at most the tier's session maximum. */
export function resolveTokenExpiration(requested: number | undefined, tier: RiskTier, ctx: ValidationContext, prop = 'expirationSeconds'): number {
  const max = tierPolicy(tier).maxSessionSeconds;
  const seconds = requested ?? Math.min(3600, max);
  if (!Number.isInteger(seconds) || seconds < K8S_MIN_TOKEN_SECONDS || seconds > max) {
    fail({
      code: 'KL-K8S-TOKEN-EXPIRATION',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(seconds)}: a projected token lives between ${K8S_MIN_TOKEN_SECONDS} seconds (the kubelet minimum) and ${max} seconds (the tier ${tier} maximum)`,
      fix: `give a whole number of seconds from ${K8S_MIN_TOKEN_SECONDS} to ${max}; the kubelet rotates the token at 80% of its lifetime`,
      docs: 'https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken',
    });
  }
  return seconds;
}
