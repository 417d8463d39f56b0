/**
 * Kubernetes objects of synthesized output: manifests and the Terraform `kubernetes_*` resources of the hashicorp/kubernetes
 * provider read as the objects they create, pod specs of workloads and the service account they run as.
 */
import { NeutralResource } from './model';

/** Pod spec of a Kubernetes workload object, or undefined. */
export function podSpec(object: any): any {
  const spec = specOf(object);
  // A workload whose spec is missing or not an object (`spec: null`) has no pod spec to read.
  return spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? spec : undefined;
}

function specOf(object: any): unknown {
  switch (object?.kind) {
    case 'Pod': return object.spec;
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': case 'ReplicationController':
      return object.spec?.template?.spec;
    case 'CronJob': return object.spec?.jobTemplate?.spec?.template?.spec;
    default: return undefined;
  }
}

/** The service account a pod spec runs as (`serviceAccountName`, or the deprecated `serviceAccount`); undefined = `default`. */
export function podServiceAccount(spec: any): string | undefined {
  const name = spec?.serviceAccountName ?? spec?.serviceAccount;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** An object's namespace (`default` when unset). */
export function namespaceOf(object: any): string {
  const namespace = object?.metadata?.namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : 'default';
}

/**
 * Terraform `kubernetes_*` resources (hashicorp/kubernetes provider) as the Kubernetes objects they create, so that
 * rules read either form alike. The provider's schema: nested blocks are lists (`metadata[0]`, `spec[0].template[0]`),
 * a repeated block is named in the singular (`rule`, `subject`, `container`), attributes are snake_case. Terraform
 * JSON and HCL converters write a block as a one-object list or as the object: both are read. Map attributes
 * (`labels`, `annotations`, `match_labels`…) keep their keys as written.
 *
 * Source: hashicorp/kubernetes provider documentation, resources `service_account_v1`, `default_service_account_v1`,
 * `role_v1`, `cluster_role_v1`, `role_binding_v1`, `cluster_role_binding_v1`, `pod_v1`, `deployment_v1`, `job_v1`,
 * `cron_job_v1`, `stateful_set_v1`, `daemon_set_v1`, `replication_controller_v1`, `secret_v1`, `manifest`
 * (checked 2026). `automount_service_account_token` of a service account defaults to `true` in the provider's
 * schema (written out here); on a pod spec it has no default (Kubernetes mounts when unset).
 */
const TERRAFORM_KINDS: Readonly<Record<string, readonly [kind: string, apiVersion: string]>> = {
  kubernetes_service_account: ['ServiceAccount', 'v1'],
  kubernetes_default_service_account: ['ServiceAccount', 'v1'],
  kubernetes_secret: ['Secret', 'v1'],
  kubernetes_role: ['Role', 'rbac.authorization.k8s.io/v1'],
  kubernetes_cluster_role: ['ClusterRole', 'rbac.authorization.k8s.io/v1'],
  kubernetes_role_binding: ['RoleBinding', 'rbac.authorization.k8s.io/v1'],
  kubernetes_cluster_role_binding: ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1'],
  kubernetes_pod: ['Pod', 'v1'],
  kubernetes_deployment: ['Deployment', 'apps/v1'],
  kubernetes_stateful_set: ['StatefulSet', 'apps/v1'],
  kubernetes_daemonset: ['DaemonSet', 'apps/v1'],
  kubernetes_daemon_set: ['DaemonSet', 'apps/v1'],
  kubernetes_replication_controller: ['ReplicationController', 'v1'],
  kubernetes_job: ['Job', 'batch/v1'],
  kubernetes_cron_job: ['CronJob', 'batch/v1'],
};

/** Blocks of at most one element (Max: 1 in the provider's schema): the object, not a list. */
const SINGLE_BLOCKS = new Set([
  'metadata', 'spec', 'template', 'job_template', 'selector', 'role_ref', 'security_context', 'aggregation_rule', 'strategy',
  'update_strategy', 'rolling_update', 'affinity', 'dns_config', 'resources', 'liveness_probe', 'readiness_probe', 'startup_probe',
  'lifecycle', 'value_from', 'secret_key_ref', 'config_map_key_ref', 'field_ref', 'resource_field_ref', 'projected',
  'service_account_token', 'capabilities', 'se_linux_options', 'seccomp_profile', 'exec', 'http_get', 'tcp_socket', 'grpc',
]);

/** Repeated blocks and attributes whose Kubernetes field has another name than the camelCase of the provider's. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  rule: 'rules',
  subject: 'subjects',
  container: 'containers',
  init_container: 'initContainers',
  ephemeral_container: 'ephemeralContainers',
  volume: 'volumes',
  volume_mount: 'volumeMounts',
  port: 'ports',
  toleration: 'tolerations',
  image_pull_secret: 'imagePullSecrets',
  image_pull_secrets: 'imagePullSecrets',
  secret: 'secrets',
  env_from: 'envFrom',
  host_aliases: 'hostAliases',
  sources: 'sources',
  non_resource_urls: 'nonResourceURLs',
  cluster_role_selectors: 'clusterRoleSelectors',
  topology_spread_constraint: 'topologySpreadConstraints',
  readiness_gate: 'readinessGates',
  volume_claim_template: 'volumeClaimTemplates',
  match_expressions: 'matchExpressions',
};

/** Map attributes: their keys are data (label names), never renamed. */
const MAP_ATTRIBUTES = new Set(['labels', 'annotations', 'match_labels', 'node_selector', 'data', 'string_data', 'binary_data']);

/** Terraform meta-arguments and provider-only attributes: not part of the object. */
const TERRAFORM_ONLY = new Set(['timeouts', 'wait_for_rollout', 'wait_for_service_account_token', 'wait_for_completion', 'wait_for_load_balancer',
  'depends_on', 'provider', 'lifecycle', 'count', 'for_each', '//']);

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The one object of a block written as a one-object list or as the object; undefined for anything else. */
export function oneBlock(value: unknown): any {
  const block = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
  return block !== null && typeof block === 'object' && !Array.isArray(block) ? block : undefined;
}

function convertValue(key: string, value: unknown, depth: number): unknown {
  if (depth > 32) return value;
  if (MAP_ATTRIBUTES.has(key)) return oneBlock(value) ?? value;
  if (SINGLE_BLOCKS.has(key)) {
    const block = oneBlock(value);
    return block === undefined ? value : convertBlock(block, depth + 1);
  }
  if (Array.isArray(value)) return value.map((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? convertBlock(v, depth + 1) : v));
  if (value !== null && typeof value === 'object') return convertBlock(value, depth + 1);
  return value;
}

function convertBlock(block: any, depth: number): any {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block)) out[FIELD_NAMES[key] ?? camel(key)] = convertValue(key, value, depth);
  return out;
}

/** The Terraform resource types read as Kubernetes objects (`kubernetes_role_binding` and `kubernetes_role_binding_v1`…). */
export function terraformKubernetesKind(type: string): string | undefined {
  return TERRAFORM_KINDS[type.replace(/_v1$/, '')]?.[0];
}

/**
 * The Kubernetes object a Terraform `kubernetes_*` resource creates, manifest-shaped (`kind`, `apiVersion`,
 * `metadata`, `spec.template.spec`, `rules`, `roleRef`, `subjects`…); undefined for other types. A
 * `kubernetes_manifest` gives its `manifest`; a `kubernetes_default_service_account` is the `default` account.
 */
export function terraformKubernetesObject(type: string, attributes: any): any {
  if (attributes === null || typeof attributes !== 'object') return undefined;
  if (type === 'kubernetes_manifest') {
    const manifest = oneBlock(attributes.manifest);
    return typeof manifest?.kind === 'string' ? manifest : undefined;
  }
  const base = type.replace(/_v1$/, '');
  const known = TERRAFORM_KINDS[base];
  if (!known) return undefined;
  const all = Array.isArray(attributes) ? Object.assign({}, ...attributes) : attributes;
  const own = Object.fromEntries(Object.entries(all).filter(([key]) => !TERRAFORM_ONLY.has(key)));
  const object = { apiVersion: known[1], kind: known[0], ...convertBlock(own, 0) };
  if (object.metadata === undefined || typeof object.metadata !== 'object') object.metadata = {};
  if (base === 'kubernetes_default_service_account') object.metadata = { ...object.metadata, name: 'default' };
  if (known[0] === 'ServiceAccount' && object.automountServiceAccountToken === undefined) object.automountServiceAccountToken = true;
  return object;
}

const OBJECTS = new WeakMap<NeutralResource, { object: any }>();

/**
 * The Kubernetes object of a resource: a manifest's object as written, or the object a Terraform `kubernetes_*`
 * resource creates ({@link terraformKubernetesObject}); undefined for other resources.
 */
export function kubernetesObject(resource: NeutralResource): any {
  if (resource.format === 'kubernetes') return resource.properties;
  if (resource.format !== 'terraform' || !resource.type.startsWith('kubernetes_')) return undefined;
  let cached = OBJECTS.get(resource);
  if (!cached) OBJECTS.set(resource, cached = { object: terraformKubernetesObject(resource.type, resource.properties) });
  return cached.object;
}
