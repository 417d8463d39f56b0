/**
 * Fixtures of the admission-policy tests: identity-bound ServiceAccounts rendered by the real constructs, one per
 * workload kind and cloud, and the objects the Kubernetes controllers create for a workload, as the controllers and
 * the API server write them (names, owner references, labels, the deprecated `serviceAccount` mirror).
 */
import { ApiObject, ApiObjectProps, Chart, Testing } from 'cdk8s';
import { CloudIdentityBinding, WorkloadServiceAccount } from '../../src/constructs/k8s';
import { OWNERSHIP, TODAY } from '../helpers/synth';

export type Obj = Record<string, any>;

export const NAMESPACE = 'payments';
export const NAME = 'payments-api';
export const SERVICE_ACCOUNT = { namespace: NAMESPACE, name: NAME };
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/payments-api';
export const GSA_EMAIL = 'payments-api@acme-payments-prod.iam.gserviceaccount.com';
export const AZURE_CLIENT_ID = '6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31';

/** A cloud identity binding and the annotations it renders on the ServiceAccount (tier 1: 3600 s tokens). */
export interface Cloud {
  readonly name: string;
  readonly identity: () => CloudIdentityBinding;
  readonly annotations: Record<string, string>;
  /** Pod labels the cloud's webhook needs (added to the pod template). */
  readonly podLabels: Record<string, string>;
}

export const CLOUDS: readonly Cloud[] = [
  {
    name: 'EKS IRSA',
    identity: () => CloudIdentityBinding.aws({ serviceAccount: SERVICE_ACCOUNT, mechanism: 'irsa', roleArnLiteral: () => ROLE_ARN }),
    annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN, 'eks.amazonaws.com/token-expiration': '3600' },
    podLabels: {},
  },
  {
    name: 'EKS Pod Identity',
    identity: () => CloudIdentityBinding.aws({ serviceAccount: SERVICE_ACCOUNT, mechanism: 'pod-identity', roleArnLiteral: () => ROLE_ARN }),
    annotations: {},
    podLabels: {},
  },
  {
    name: 'GKE impersonation',
    identity: () => CloudIdentityBinding.gcp({ serviceAccount: SERVICE_ACCOUNT, googleServiceAccountEmail: GSA_EMAIL }),
    annotations: { 'iam.gke.io/gcp-service-account': GSA_EMAIL },
    podLabels: {},
  },
  {
    name: 'GKE direct access',
    identity: () => CloudIdentityBinding.gcp({ serviceAccount: SERVICE_ACCOUNT }),
    annotations: {},
    podLabels: {},
  },
  {
    name: 'AKS',
    identity: () => CloudIdentityBinding.azure({ serviceAccount: SERVICE_ACCOUNT }, AZURE_CLIENT_ID),
    annotations: { 'azure.workload.identity/client-id': AZURE_CLIENT_ID, 'azure.workload.identity/service-account-token-expiration': '3600' },
    podLabels: { 'azure.workload.identity/use': 'true' },
  },
];

const LABELS = { 'app.kubernetes.io/name': NAME };
const CONTAINERS = [{ name: 'api', image: 'registry.example.com/payments-api:1.4.2' }];
const podTemplate = (extra: Obj = {}): Obj => ({ metadata: { labels: LABELS }, spec: { containers: CONTAINERS, ...extra } });

/** The workload manifests the tests bind, by kind (the pod template labelled `app.kubernetes.io/name: payments-api`). */
export const WORKLOADS: Record<string, Obj> = {
  Deployment: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: { replicas: 2, selector: { matchLabels: LABELS }, template: podTemplate() },
  },
  StatefulSet: {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: { serviceName: NAME, replicas: 2, selector: { matchLabels: LABELS }, template: podTemplate() },
  },
  DaemonSet: {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: { selector: { matchLabels: LABELS }, template: podTemplate() },
  },
  ReplicaSet: {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: { replicas: 2, selector: { matchLabels: LABELS }, template: podTemplate() },
  },
  Job: {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: { template: podTemplate({ restartPolicy: 'Never' }) },
  },
  CronJob: {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: { schedule: '15 2 * * *', jobTemplate: { spec: { template: podTemplate({ restartPolicy: 'OnFailure' }) } } },
  },
  Pod: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
    spec: { containers: CONTAINERS },
  },
};

/** What one chart renders: the ServiceAccount, the policy and binding, and the bound workload (if any). */
export interface Rendered {
  readonly serviceAccount: Obj;
  readonly policy: Obj;
  readonly binding: Obj;
  readonly workload?: Obj;
  readonly objects: Obj[];
}

/** Synthesizes an identity-bound ServiceAccount bound to a workload of `kind` (none: unbound). */
export function render(cloud: Cloud, kind?: string): Rendered {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  const chart = new Chart(app, 'cluster');
  const account = new WorkloadServiceAccount(chart, 'ServiceAccount', { ...SERVICE_ACCOUNT, ownership: OWNERSHIP, identity: cloud.identity() });
  if (kind !== undefined) account.bindWorkload(new ApiObject(chart, 'Workload', structuredClone(WORKLOADS[kind]) as ApiObjectProps));
  const objects = Testing.synth(chart) as Obj[];
  const byKind = (k: string) => objects.find((o) => o.kind === k);
  return {
    serviceAccount: byKind('ServiceAccount')!,
    policy: byKind('ValidatingAdmissionPolicy')!,
    binding: byKind('ValidatingAdmissionPolicyBinding')!,
    workload: kind === undefined ? undefined : byKind(kind),
    objects,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// What the controllers create

/** Usernames of the requests, as the API server authenticates them. */
export const USERS = {
  deployer: 'system:serviceaccount:ci:deployer',
  alice: 'alice@example.com',
  manager: 'system:kube-controller-manager',
  deploymentController: 'system:serviceaccount:kube-system:deployment-controller',
  replicaSetController: 'system:serviceaccount:kube-system:replicaset-controller',
  statefulSetController: 'system:serviceaccount:kube-system:statefulset-controller',
  daemonSetController: 'system:serviceaccount:kube-system:daemon-set-controller',
  jobController: 'system:serviceaccount:kube-system:job-controller',
  cronJobController: 'system:serviceaccount:kube-system:cronjob-controller',
  garbageCollector: 'system:serviceaccount:kube-system:generic-garbage-collector',
  kubelet: 'system:node:ip-10-0-1-23.ec2.internal',
} as const;

/** The controller that creates each kind's pods (and its intermediate objects). */
export const POD_CREATOR: Record<string, string | undefined> = {
  Deployment: USERS.replicaSetController,
  ReplicaSet: USERS.replicaSetController,
  StatefulSet: USERS.statefulSetController,
  DaemonSet: USERS.daemonSetController,
  Job: USERS.jobController,
  CronJob: USERS.jobController,
  Pod: undefined,
};

const clone = <T>(value: T): T => structuredClone(value);

/** A controller owner reference, as every controller writes it. */
export function ownerReference(owner: Obj): Obj {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: `uid-${owner.kind.toLowerCase()}-${owner.metadata.name}`,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The pod template of a workload object. */
export function templateOf(workload: Obj): Obj {
  return workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template;
}

/** The ReplicaSet the Deployment controller creates: `NAME-HASH`, labelled `pod-template-hash: HASH`. */
export function replicaSetOf(deployment: Obj, hash = '7d4b9c8f6d'): Obj {
  const template = clone(deployment.spec.template);
  template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      labels: template.metadata.labels,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [ownerReference(deployment)],
    },
    spec: { replicas: deployment.spec.replicas, selector: { matchLabels: { ...deployment.spec.selector.matchLabels, 'pod-template-hash': hash } }, template },
  };
}

/** The Job the CronJob controller creates: `NAME-<scheduled minute>`, with the job labels the API server adds. */
export function jobOf(cronJob: Obj, minute = '29380935'): Obj {
  const name = `${cronJob.metadata.name}-${minute}`;
  const spec = clone(cronJob.spec.jobTemplate.spec);
  spec.template.metadata = { ...spec.template.metadata, labels: { ...spec.template.metadata?.labels, ...jobLabels(name) } };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: cronJob.metadata.namespace, labels: jobLabels(name), ownerReferences: [ownerReference(cronJob)] },
    spec,
  };
}

function jobLabels(name: string): Obj {
  return { 'batch.kubernetes.io/controller-uid': `uid-job-${name}`, 'batch.kubernetes.io/job-name': name, 'controller-uid': `uid-job-${name}`, 'job-name': name };
}

/**
 * The pod a controller creates from its object's template: named after the owner, controlled by it, with the
 * template's labels (and the controller's own), and `serviceAccount` mirroring `serviceAccountName` as the API server
 * writes it.
 */
export function podOf(owner: Obj, suffix = 'x7k2p'): Obj {
  const template = clone(templateOf(owner));
  const labels: Obj = { ...template.metadata?.labels };
  if (owner.kind === 'StatefulSet') Object.assign(labels, { 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': `${owner.metadata.name}-6c9b8d7f5`, 'statefulset.kubernetes.io/pod-name': `${owner.metadata.name}-0` });
  if (owner.kind === 'DaemonSet') Object.assign(labels, { 'controller-revision-hash': '6c9b8d7f5', 'pod-template-generation': '1' });
  if (owner.kind === 'Job' && !('job-name' in labels)) Object.assign(labels, jobLabels(owner.metadata.name));
  const name = owner.kind === 'StatefulSet' ? `${owner.metadata.name}-0` : `${owner.metadata.name}-${suffix}`;
  return withServiceAccountMirror({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: owner.metadata.namespace, labels, ownerReferences: [ownerReference(owner)] },
    spec: template.spec,
  });
}

/** The API server writes the deprecated `spec.serviceAccount` as a copy of `spec.serviceAccountName`. */
export function withServiceAccountMirror(pod: Obj): Obj {
  if (pod.spec.serviceAccountName !== undefined && pod.spec.serviceAccount === undefined) pod.spec.serviceAccount = pod.spec.serviceAccountName;
  return pod;
}

/**
 * The chain of objects the controllers create for a bound workload, each with who creates it: the workload itself (by
 * the deployer), a Deployment's ReplicaSet or a CronJob's Job, and the pods.
 */
export function controllerChain(workload: Obj, deployer: string = USERS.deployer): Array<{ what: string; object: Obj; username: string }> {
  const chain: Array<{ what: string; object: Obj; username: string }> = [{ what: `the ${workload.kind} itself`, object: workload, username: deployer }];
  if (workload.kind === 'Pod') return chain;
  let podOwner = workload;
  if (workload.kind === 'Deployment') {
    podOwner = replicaSetOf(workload);
    chain.push({ what: 'the ReplicaSet the Deployment controller creates', object: podOwner, username: USERS.deploymentController });
  }
  if (workload.kind === 'CronJob') {
    podOwner = jobOf(workload);
    chain.push({ what: 'the Job the CronJob controller creates', object: podOwner, username: USERS.cronJobController });
  }
  chain.push({ what: 'a pod its controller creates', object: podOf(podOwner), username: POD_CREATOR[workload.kind]! });
  return chain;
}
