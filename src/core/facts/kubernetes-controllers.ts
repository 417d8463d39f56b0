/**
 * Who creates the pods of each Kubernetes workload kind, as the API server sees the request, once.
 *
 * Sources (checked 2026):
 * - Controller identities: "Using RBAC Authorization", section "Controller roles"
 *   (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#controller-roles): "When started with
 *   `--use-service-account-credentials`, kube-controller-manager starts each controller using a separate service
 *   account" (kubeadm's default), the accounts of `system:controller:*` roles in `kube-system`, named in
 *   kubernetes/kubernetes `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/controller_policy.go`
 *   (`deployment-controller`, `replicaset-controller`, `statefulset-controller`, `daemon-set-controller`,
 *   `job-controller`, `cronjob-controller`); without that flag every controller acts as `system:kube-controller-manager`
 *   ("Core component roles", same page).
 * - Names of what the controllers create: Deployment "The name of a ReplicaSet is always formatted as
 *   `[DEPLOYMENT-NAME]-[HASH]` … the same as the `pod-template-hash` label on the ReplicaSet"
 *   (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/); CronJob "the CronJob controller will
 *   automatically append 11 characters to the name you provide" (`NAME-<scheduled minute>`,
 *   https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/); every controller sets itself as the
 *   `controller: true` owner reference of what it creates
 *   (https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/).
 */

/** The user every controller of kube-controller-manager acts as when it runs without per-controller credentials. */
export const KUBE_CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';

/** A controller of kube-controller-manager that creates pods or pod-creating objects. */
export type KubernetesController = 'deployment' | 'replicaset' | 'statefulset' | 'daemonset' | 'job' | 'cronjob';

/** The `kube-system` service account each controller acts as with `--use-service-account-credentials`. */
const CONTROLLER_SERVICE_ACCOUNTS: Readonly<Record<KubernetesController, string>> = {
  deployment: 'deployment-controller',
  replicaset: 'replicaset-controller',
  statefulset: 'statefulset-controller',
  daemonset: 'daemon-set-controller',
  job: 'job-controller',
  cronjob: 'cronjob-controller',
};

/** How a message names a controller. */
export const CONTROLLER_TITLES: Readonly<Record<KubernetesController, string>> = {
  deployment: 'the Deployment controller',
  replicaset: 'the ReplicaSet controller',
  statefulset: 'the StatefulSet controller',
  daemonset: 'the DaemonSet controller',
  job: 'the Job controller',
  cronjob: 'the CronJob controller',
};

/**
 * The usernames a controller's requests carry: its own service account, and the shared controller-manager user (a
 * control plane without per-controller credentials).
 */
export function controllerUsernames(controller: KubernetesController): readonly string[] {
  return [`system:serviceaccount:kube-system:${CONTROLLER_SERVICE_ACCOUNTS[controller]}`, KUBE_CONTROLLER_MANAGER_USER];
}

/** An object a controller creates for a workload: its kind, and how its name follows from the workload's. */
export interface ControllerMade {
  readonly apiVersion: string;
  readonly kind: string;
  /** The controller that creates it. */
  readonly createdBy: KubernetesController;
}

/** A workload kind a pod runs under, and the chain of controllers from it to the pod. */
export interface WorkloadChain {
  readonly apiVersion: string;
  /** The controller that creates the pods. */
  readonly podCreator?: KubernetesController;
  /**
   * The object between the workload and its pods (a Deployment's ReplicaSets, a CronJob's Jobs), named
   * `WORKLOAD-…` and owned by the workload.
   */
  readonly intermediate?: ControllerMade;
}

/**
 * Each workload kind a service account can be bound to: who creates its pods, and what it creates in between. A bare
 * Pod has no controller: it is created by whoever applies it.
 */
export const WORKLOAD_CHAINS = {
  Pod: { apiVersion: 'v1' },
  Deployment: { apiVersion: 'apps/v1', podCreator: 'replicaset', intermediate: { apiVersion: 'apps/v1', kind: 'ReplicaSet', createdBy: 'deployment' } },
  ReplicaSet: { apiVersion: 'apps/v1', podCreator: 'replicaset' },
  StatefulSet: { apiVersion: 'apps/v1', podCreator: 'statefulset' },
  DaemonSet: { apiVersion: 'apps/v1', podCreator: 'daemonset' },
  Job: { apiVersion: 'batch/v1', podCreator: 'job' },
  CronJob: { apiVersion: 'batch/v1', podCreator: 'job', intermediate: { apiVersion: 'batch/v1', kind: 'Job', createdBy: 'cronjob' } },
} as const satisfies Record<string, WorkloadChain>;

/** A workload kind of {@link WORKLOAD_CHAINS}. */
export type BoundWorkloadKind = keyof typeof WORKLOAD_CHAINS;

/** The label the Deployment controller puts on each ReplicaSet's pod template: the `HASH` of `DEPLOYMENT-HASH`. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * Annotation key prefixes the clouds' workload identity webhooks read on a ServiceAccount: EKS IRSA
 * (`eks.amazonaws.com/role-arn`, `…/audience`, `…/sts-regional-endpoints`, `…/token-expiration`,
 * https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html), GKE
 * (`iam.gke.io/gcp-service-account`, https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity) and AKS
 * (`azure.workload.identity/client-id`, `…/tenant-id`, `…/service-account-token-expiration`,
 * https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html).
 */
export const CLOUD_IDENTITY_ANNOTATION_PREFIXES: readonly string[] = ['azure.workload.identity/', 'eks.amazonaws.com/', 'iam.gke.io/'];

/**
 * Pod label keys a cloud's mutating webhook reads on the pod itself: AKS workload identity injects the token and
 * environment only into pods labelled `azure.workload.identity/use: "true"`
 * (https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html#pod).
 * EKS (IRSA, Pod Identity) and GKE read the ServiceAccount, not pod labels.
 */
export const CLOUD_WEBHOOK_POD_LABELS: readonly string[] = ['azure.workload.identity/use'];

/**
 * Requesters that may create a TokenRequest (`serviceaccounts/token`) for an identity-bound ServiceAccount:
 * - nodes (`system:node:NAME`): the kubelet mints the projected token of each pod it runs through the TokenRequest API
 *   ("the kubelet will request and store the token on behalf of the Pod",
 *   https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#serviceaccount-token-volume-projection), which IRSA, EKS
 *   Pod Identity and AKS read (their webhooks add a projected `serviceAccountToken` volume to the pod:
 *   https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html); the Node authorizer limits a kubelet
 *   to the pods bound to its node;
 * - `kube-system` service accounts: control-plane agents. GKE's gke-metadata-server (a `kube-system` DaemonSet) serves
 *   a pod its ServiceAccount's Google token without a projected volume in the pod, so it obtains the Kubernetes token
 *   itself; Google does not document its requester, so every `kube-system` service account is kept (whoever may
 *   run pods in `kube-system` is the cluster's administrator already).
 */
export const TOKEN_REQUESTER_PREFIXES: readonly string[] = ['system:node:', 'system:serviceaccount:kube-system:'];

/**
 * The oldest Kubernetes minor version that runs a workload identity Keyless binds: projected service account tokens
 * (TokenRequest and TokenRequestProjection) are GA from Kubernetes 1.20
 * (https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#serviceaccount-token-volume-projection,
 * kubernetes CHANGELOG-1.20), and IRSA, EKS Pod Identity, GKE and AKS workload identity all read one.
 */
export const PROJECTED_TOKEN_GA_MINOR = 20;
