/**
 * The cluster side of a workload identity: a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA since
 * Kubernetes 1.30) and its binding that let only the bound workload run as an identity-bound ServiceAccount, and keep
 * the ServiceAccount's identity annotations and `automountServiceAccountToken: false` as declared. Pure: the objects
 * and their CEL are built from plain data; the cdk8s construct renders them.
 *
 * The CEL uses the standard library only (`has`, `exists`, `all`, `startsWith`, `in`), no Kubernetes extension, so
 * that any CEL implementation evaluates it as the API server does. Kubernetes binds `object` and `oldObject` as
 * untyped maps of the request's objects and `request` as the AdmissionRequest
 * (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/).
 */
import { contentId } from './content-id';
import { fail, quote, ValidationContext } from './errors';
import {
  BoundWorkloadKind, CLOUD_IDENTITY_ANNOTATION_PREFIXES, CLOUD_WEBHOOK_POD_LABELS, CONTROLLER_TITLES, controllerUsernames, KubernetesController,
  POD_TEMPLATE_HASH_LABEL, PROJECTED_TOKEN_GA_MINOR, TOKEN_REQUESTER_PREFIXES, WORKLOAD_CHAINS,
} from './facts/kubernetes-controllers';
import { DNS1123_SUBDOMAIN, KubernetesServiceAccountRef } from './kubernetes';
import { MANAGED_BY, OWNERSHIP_PREFIX, sortKeys } from './ownership';
import { describeValue, isObject } from './props';
import { celString } from './trust/cel';

export type { BoundWorkloadKind } from './facts/kubernetes-controllers';

/** The ServiceAccount annotation that names its admission policy (or {@link ADMISSION_POLICY_OPTED_OUT}). */
export const ADMISSION_POLICY_ANNOTATION = `${OWNERSHIP_PREFIX.kubernetes}admission-policy`;
/** The value of {@link ADMISSION_POLICY_ANNOTATION} on a ServiceAccount whose chart opted out of the policy. */
export const ADMISSION_POLICY_OPTED_OUT = 'opted-out';
/** The ServiceAccount annotation that says why its chart opted out, with the cluster's version. */
export const ADMISSION_POLICY_OPT_OUT_ANNOTATION = `${OWNERSHIP_PREFIX.kubernetes}admission-policy-opt-out`;
/** The policy and binding annotation that names the ServiceAccount they protect, `NAMESPACE/NAME`. */
export const PROTECTS_SERVICE_ACCOUNT_ANNOTATION = `${OWNERSHIP_PREFIX.kubernetes}protects-service-account`;

/** ValidatingAdmissionPolicy is GA (admissionregistration.k8s.io/v1) from this Kubernetes minor version (1.30). */
export const ADMISSION_POLICY_GA_MINOR = 30;
/** The API version of ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding. */
export const ADMISSION_POLICY_API_VERSION = 'admissionregistration.k8s.io/v1';
const ADMISSION_POLICY_DOCS = 'https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/';

/** Object names of ValidatingAdmissionPolicies and bindings are DNS-1123 subdomains: at most 253 characters. */
const MAX_NAME = 253;

/** The workload a ServiceAccount is bound to, as its manifest reads once rendered. */
export interface BoundWorkload {
  readonly kind: BoundWorkloadKind;
  readonly name: string;
  /**
   * The pod labels the policy requires: the workload's `spec.selector.matchLabels` (immutable in apps/v1, so the same
   * for every release and rollback) and the labels a cloud webhook reads on the pod (`azure.workload.identity/use`).
   * Other pod template labels (a version, Helm's chart label) change per release and are not required.
   */
  readonly requiredLabels: Readonly<Record<string, string>>;
}

/** What the admission policy of one identity-bound ServiceAccount is decided from. */
export interface IdentityAdmissionInput {
  readonly serviceAccount: KubernetesServiceAccountRef;
  /** The cloud identity annotations declared on the ServiceAccount (possibly none: Pod Identity, GKE direct access). */
  readonly identityAnnotations: Readonly<Record<string, string>>;
  /** The ServiceAccount's ownership labels, carried by the policy and the binding. */
  readonly labels: Readonly<Record<string, string>>;
  /** The bound workload; none refuses every pod and workload that names the ServiceAccount. */
  readonly workload?: BoundWorkload;
}

/**
 * The name of the policy and of its binding: `keyless-NAMESPACE.NAME`. The `.` cannot occur in a namespace, so two
 * ServiceAccounts never share a name (`a-b/c` and `a/b-c` would with a `-`); cluster-scoped names over 253 characters
 * keep their start and end with a content hash of `NAMESPACE/NAME`.
 */
export function admissionPolicyName(ref: KubernetesServiceAccountRef): string {
  const full = `keyless-${ref.namespace}.${ref.name}`;
  if (full.length <= MAX_NAME) return full;
  const hash = contentId(`${ref.namespace}/${ref.name}`);
  return `${full.slice(0, MAX_NAME - hash.length - 1).replace(/[-.]+$/, '')}-${hash}`;
}

// Label keys (optional DNS-subdomain prefix, name of at most 63) and values (at most 63), Kubernetes "Labels and Selectors".
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  return LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix)));
}

/** Where a workload kind holds its pod template (`metadata` and `spec`), from the object's root. */
const TEMPLATE_PATH: Readonly<Record<BoundWorkloadKind, readonly string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Where a workload kind holds its label selector, from the object's root (none: a bare Pod). */
const SELECTOR_PATH: Readonly<Record<BoundWorkloadKind, readonly string[] | undefined>> = {
  Pod: undefined,
  Deployment: ['spec', 'selector'],
  ReplicaSet: ['spec', 'selector'],
  StatefulSet: ['spec', 'selector'],
  DaemonSet: ['spec', 'selector'],
  Job: ['spec', 'selector'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'selector'],
};

function readPath(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  return value;
}

/**
 * The bound workload as its rendered manifest reads: kind, name, and the pod labels the policy requires (selector
 * labels and cloud webhook labels), checked (the policy compares them with what the API server sees).
 */
export function boundWorkloadOf(manifest: unknown, ctx: ValidationContext, prop = 'workload'): BoundWorkload {
  const kind = isObject(manifest) ? manifest.kind : undefined;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(WORKLOAD_CHAINS, kind)) {
    fail({
      code: 'KL-K8S-WORKLOAD-KIND',
      path: ctx.path,
      prop,
      problem: `is a ${describeValue(kind)}: the admission policy knows the controllers of ${Object.keys(WORKLOAD_CHAINS).join(', ')}`,
      fix: 'bind the object that owns the pod template',
    });
  }
  const workloadKind = kind as BoundWorkloadKind;
  const metadata = (manifest as Record<string, any>).metadata;
  const name = isObject(metadata) ? metadata.name : undefined;
  if (typeof name !== 'string' || name.length > MAX_NAME || !DNS1123_SUBDOMAIN.test(name)) {
    fail({
      code: 'KL-K8S-ADMISSION-WORKLOAD',
      path: ctx.path,
      prop: `${prop}.metadata.name`,
      problem: `is ${describeValue(name)}: the admission policy admits the ${workloadKind} by its name, a DNS-1123 subdomain of at most 253 characters`,
      fix: `give the ${workloadKind} a literal name, e.g. "payments-api"`,
    });
  }
  const template = readPath(manifest, TEMPLATE_PATH[workloadKind]);
  const labels: unknown = isObject(template) && isObject(template.metadata) ? template.metadata.labels : undefined;
  const where = [...TEMPLATE_PATH[workloadKind], 'metadata', 'labels'].join('.');
  if (labels !== undefined && !isObject(labels)) {
    fail({
      code: 'KL-K8S-ADMISSION-WORKLOAD',
      path: ctx.path,
      prop: `${prop}.${where}`,
      problem: `is ${describeValue(labels)}: expected an object of label names and values`,
      fix: `write \`${where}\` as an object, e.g. \`{ "app.kubernetes.io/name": "${name}" }\``,
    });
  }
  const podLabels: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!isLabelKey(key) || typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      fail({
        code: 'KL-K8S-ADMISSION-WORKLOAD',
        path: ctx.path,
        prop: `${prop}.${where}`,
        problem: `holds ${quote(key)}: ${describeValue(value)}, which is not a Kubernetes label (a name of at most 63 characters with an optional DNS prefix, a string value of at most 63 letters, digits, \`-\`, \`_\` and \`.\`): the API server would refuse the pod the policy admits by its labels`,
        fix: 'write the pod template labels as Kubernetes accepts them',
        docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set',
      });
    }
    podLabels[key] = value;
  }
  const required: Record<string, string> = {};
  for (const key of CLOUD_WEBHOOK_POD_LABELS) if (key in podLabels) required[key] = podLabels[key];
  const selectorPath = SELECTOR_PATH[workloadKind];
  const matchLabels = selectorPath === undefined ? undefined : readPath(manifest, [...selectorPath, 'matchLabels']);
  if (selectorPath !== undefined && isObject(matchLabels)) {
    for (const [key, value] of Object.entries(matchLabels)) {
      // The API server refuses a selector that does not select the template (apps/v1): a mismatch is refused here too.
      if (podLabels[key] !== value) {
        fail({
          code: 'KL-K8S-ADMISSION-WORKLOAD',
          path: ctx.path,
          prop: `${prop}.${selectorPath.join('.')}.matchLabels`,
          problem: `holds ${quote(key)}: ${describeValue(value)}, which \`${where}\` does not carry: the selector must select the pod template, and the policy requires the selector's labels on every pod`,
          fix: 'give the pod template the selector\'s labels, or select on the template\'s labels',
        });
      }
      required[key] = value as string;
    }
  }
  return { kind: workloadKind, name, requiredLabels: sortKeys(required) };
}

/** A Kubernetes version a chart opts out for, and why, as the ServiceAccounts' annotations record it. */
export interface AdmissionOptOut {
  /** The cluster's version, `1.MINOR`, older than 1.30. */
  readonly kubernetesVersion: string;
  /** Why the chart goes without the policy, as given. */
  readonly reason: string;
  /** The value of the ServiceAccounts' `keyless.dev/admission-policy-opt-out` annotation: the version and the reason. */
  readonly annotation: string;
}

/**
 * Checks an opt-out: a cluster older than 1.30 (where ValidatingAdmissionPolicy is not GA), and a reason of one line.
 * A cluster of 1.30 or newer enforces the policy: opting out there is refused.
 */
export function resolveAdmissionOptOut(input: unknown, ctx: ValidationContext): AdmissionOptOut {
  const example = '`{ kubernetesVersion: "1.29", reason: "prod-eu runs 1.29 until the upgrade of 2026-09" }`';
  if (!isObject(input)) {
    fail({ code: 'KL-PROP-TYPE', path: ctx.path, prop: 'options', problem: `is ${describeValue(input)}: expected the cluster's version and the reason`, fix: `give ${example}` });
  }
  const version = input.kubernetesVersion;
  // As `kubectl version` prints a server: `1.29`, `v1.29.10`, and the providers' builds `v1.29.10-eks-7f9249a`,
  // `v1.29.8-gke.1031000`, `v1.29.4+k3s1` (a SemVer pre-release or build suffix after the patch).
  const match = typeof version === 'string'
    ? /^v?1\.(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,3})([-+][0-9A-Za-z][-+.0-9A-Za-z]{0,63})?)?$/.exec(version)
    : null;
  if (match === null) {
    fail({
      code: 'KL-K8S-ADMISSION-OPT-OUT',
      path: ctx.path,
      prop: 'kubernetesVersion',
      problem: `is ${describeValue(version)}: expected the cluster's Kubernetes version as MAJOR.MINOR, e.g. "1.29"`,
      fix: 'give the version `kubectl version` reports for the cluster\'s server, e.g. "1.29"',
    });
  }
  const minor = Number(match[1]);
  if (minor < PROJECTED_TOKEN_GA_MINOR) {
    fail({
      code: 'KL-K8S-ADMISSION-OPT-OUT',
      path: ctx.path,
      prop: 'kubernetesVersion',
      problem: `is ${quote(version)}: Kubernetes 1.${minor} predates projected service account tokens (GA in 1.${PROJECTED_TOKEN_GA_MINOR}), which every workload identity Keyless binds reads, so no such cluster runs one`,
      fix: `give the cluster's version (1.${PROJECTED_TOKEN_GA_MINOR}–1.${ADMISSION_POLICY_GA_MINOR - 1}) as \`kubectl version\` reports it; a cluster of 1.${ADMISSION_POLICY_GA_MINOR} or newer enforces the policy: remove the opt-out`,
      docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#serviceaccount-token-volume-projection',
    });
  }
  if (minor >= ADMISSION_POLICY_GA_MINOR) {
    fail({
      code: 'KL-K8S-ADMISSION-OPT-OUT',
      path: ctx.path,
      prop: 'kubernetesVersion',
      problem: `is ${quote(version)}: ValidatingAdmissionPolicy is GA (${ADMISSION_POLICY_API_VERSION}) from Kubernetes 1.${ADMISSION_POLICY_GA_MINOR}, so this cluster enforces the policy that stops other pods of the namespace from running as an identity-bound ServiceAccount`,
      fix: `remove the opt-out; opt out only a chart for a cluster older than 1.${ADMISSION_POLICY_GA_MINOR}`,
      docs: ADMISSION_POLICY_DOCS,
    });
  }
  const reason = input.reason;
  if (typeof reason !== 'string' || reason.trim().length < 3 || reason.length > 200 || /[\u0000-\u001f\u007f]/.test(reason)) {
    fail({
      code: 'KL-K8S-ADMISSION-OPT-OUT',
      path: ctx.path,
      prop: 'reason',
      problem: `is ${describeValue(reason)}: an opt-out says why, in one line of 3–200 characters, recorded on every ServiceAccount of the chart`,
      fix: `give the reason, e.g. ${example}`,
    });
  }
  const kubernetesVersion = `1.${minor}`;
  return {
    kubernetesVersion,
    reason,
    annotation: `Kubernetes ${kubernetesVersion} (ValidatingAdmissionPolicy is GA from 1.${ADMISSION_POLICY_GA_MINOR}): ${reason.trim()}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// CEL

const KIND = 'request.kind.kind';
/** The workload kinds the policy reads a pod template of, sorted. */
const WORKLOAD_KINDS = ['CronJob', 'DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'StatefulSet'] as const;
const TEMPLATE_KINDS = WORKLOAD_KINDS.filter((kind) => kind !== 'CronJob');

const list = (values: readonly string[]): string => `[${values.map(celString).join(', ')}]`;
const kindIs = (kind: string): string => `${KIND} == ${celString(kind)}`;

/** The pod template of `root` (`object` or `oldObject`) for a workload kind: `spec.template`, a CronJob's `spec.jobTemplate.spec.template`. */
const templateOf = (root: string, kind: 'CronJob' | 'other'): string => (kind === 'CronJob' ? `${root}.spec.jobTemplate.spec.template` : `${root}.spec.template`);

/** Whether a pod spec names the ServiceAccount, by `serviceAccountName` or the deprecated `serviceAccount`. */
function namesServiceAccount(spec: string, name: string): string {
  return `(has(${spec}.serviceAccountName) && ${spec}.serviceAccountName == ${celString(name)})`
    + ` || (has(${spec}.serviceAccount) && ${spec}.serviceAccount == ${celString(name)})`;
}

/**
 * The policy's variables (evaluated lazily, when a validation reads them): the pod template of a workload object, and
 * whether the request brings a new one. An UPDATE that leaves the pod template as it was (scaling, a controller's
 * annotations, the garbage collector's finalizers and owner references) runs nothing new as the ServiceAccount.
 */
const VARIABLES = [
  { name: 'podTemplate', expression: `${kindIs('CronJob')} ? ${templateOf('object', 'CronJob')} : ${templateOf('object', 'other')}` },
  {
    name: 'newPodTemplate',
    expression: `${KIND} in ${list(WORKLOAD_KINDS)} && !(request.operation == 'UPDATE'`
      + ` && (${kindIs('CronJob')} ? ${templateOf('oldObject', 'CronJob')} : ${templateOf('oldObject', 'other')}) == variables.podTemplate)`,
  },
];
const NOT_NEW_TEMPLATE = '!variables.newPodTemplate';

const automountOff = (spec: string): string => `has(${spec}.automountServiceAccountToken) && ${spec}.automountServiceAccountToken == false`;

/** Every label of `labels` on the object metadata `metadata` (an expression), with its value. */
function carriesLabels(metadata: string, labels: Readonly<Record<string, string>>): string {
  return [`has(${metadata}.labels)`, ...Object.entries(labels).flatMap(([key, value]) => [
    `${celString(key)} in ${metadata}.labels`, `${metadata}.labels[${celString(key)}] == ${celString(value)}`,
  ])].join(' && ');
}

const byController = (controller: KubernetesController): string => `request.userInfo.username in ${list(controllerUsernames(controller))}`;

/** The object's `controller: true` owner reference is `apiVersion`/`kind` and its name satisfies `name` (of `r.name`). */
function controlledBy(apiVersion: string, kind: string, name: (ref: string) => string): string {
  return 'has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(r, has(r.controller) && r.controller == true'
    + ` && r.apiVersion == ${celString(apiVersion)} && r.kind == ${celString(kind)} && ${name('r.name')})`;
}

/** One validation of the policy: an expression that must be true, the message when it is not. */
export interface AdmissionValidation {
  readonly expression: string;
  readonly message: string;
  readonly messageExpression?: string;
  readonly reason?: 'Forbidden';
}

/** How a refusal names what it refuses: in the message (`a Pod`), and by its own name in the message expression. */
interface Refused {
  readonly static: string;
  /** A CEL expression, e.g. `'Pod ' + object.metadata.name`. */
  readonly named: string;
  /** What follows the subject, e.g. ` may not run as ServiceAccount NS/NAME`. */
  readonly verb: string;
}

/**
 * A message, and the same with the object's own name (`messageExpression`, evaluated when the validation fails;
 * `dynamicWhy` appends request facts, e.g. the requester).
 */
function refusal(subject: Refused, why: string, dynamicWhy?: string): Pick<AdmissionValidation, 'message' | 'messageExpression'> {
  return {
    message: `${subject.static}${subject.verb}: ${why}`,
    messageExpression: `${subject.named} + ${celString(`${subject.verb}: ${why}`)}${dynamicWhy ?? ''}`,
  };
}

/** How the validations name the ServiceAccount's workload and its pods. */
function describeWorkload(workload: BoundWorkload): { title: string; runsAsIt: string } {
  const title = `${workload.kind} ${workload.name}`;
  const chain = WORKLOAD_CHAINS[workload.kind] as { intermediate?: { kind: string; createdBy: KubernetesController } };
  const runsAsIt = chain.intermediate === undefined
    ? `only ${title} runs as it`
    : `only ${title} runs as it, with the ${chain.intermediate.kind}s ${CONTROLLER_TITLES[chain.intermediate.createdBy]} creates for it`;
  return { title, runsAsIt };
}

const POD: Refused = { static: 'a Pod', named: '\'Pod \' + object.metadata.name', verb: '' };
const podRefused = (sa: string): Refused => ({ ...POD, verb: ` may not run as ServiceAccount ${sa}` });
const REQUESTED_BY = ' + \'; requested by \' + request.userInfo.username';

/**
 * Whether the pod's `containers` or `initContainers` (`field`) keep their images on an UPDATE, by container name. The
 * API server refuses a pod UPDATE that adds, removes, renames or reorders containers (ValidatePodUpdate lets only
 * `image` change in them) and container names are unique in a pod, so the same names both ways, each with the same
 * image, compare them by name and position.
 */
function sameImages(field: 'containers' | 'initContainers'): string {
  const now = `(has(object.spec.${field}) ? object.spec.${field} : [])`;
  const before = `(has(oldObject.spec.${field}) ? oldObject.spec.${field} : [])`;
  return `${now}.all(c, ${before}.exists(o, o.name == c.name && o.image == c.image)) && ${before}.all(o, ${now}.exists(c, c.name == o.name))`;
}

/**
 * The validations of running pods that name the ServiceAccount (UPDATE): a pod's `spec.containers[*].image` and
 * `spec.initContainers[*].image` are mutable (ValidatePodUpdate), and an ephemeral container (`kubectl debug`) runs in
 * the pod with its ServiceAccount; no controller of the bound workload does either. Labels, annotations, finalizers and
 * owner references change freely; `pods/status` is not matched.
 */
function podUpdateValidations(sa: string): AdmissionValidation[] {
  const pod = podRefused(sa);
  const notPodUpdate = `${KIND} != 'Pod' || request.operation != 'UPDATE'`;
  return [
    {
      expression: `${notPodUpdate} || request.subResource != 'ephemeralcontainers'`,
      ...refusal(pod, 'no ephemeral container is added to a pod that runs as it (pods/ephemeralcontainers, kubectl debug)', REQUESTED_BY),
      reason: 'Forbidden',
    },
    {
      expression: `${notPodUpdate} || (${sameImages('containers')} && ${sameImages('initContainers')})`,
      ...refusal(pod, 'a running pod keeps its container and init container images (a new image runs as new pods of the bound workload)', REQUESTED_BY),
      reason: 'Forbidden',
    },
  ];
}

/**
 * The validation of TokenRequests (`serviceaccounts/token` CREATE, `kubectl create token`) for the ServiceAccount: a
 * token of the ServiceAccount is its cloud identity without any pod. Nodes (the kubelet, projecting a pod's token) and
 * `kube-system` service accounts (control-plane agents) request them.
 */
function tokenRequestValidations(sa: string): AdmissionValidation[] {
  const allowed = TOKEN_REQUESTER_PREFIXES.map((prefix) => `request.userInfo.username.startsWith(${celString(prefix)})`).join(' || ');
  const why = `only nodes (${TOKEN_REQUESTER_PREFIXES[0]}*, the kubelet projecting the token of a pod it runs) and control-plane agents (${TOKEN_REQUESTER_PREFIXES[1]}*) request its tokens`;
  return [{
    expression: `${KIND} != 'TokenRequest' || ${allowed}`,
    message: `a TokenRequest may not mint a token of ServiceAccount ${sa}: ${why}`,
    messageExpression: `'TokenRequest by ' + request.userInfo.username + ${celString(` may not mint a token of ServiceAccount ${sa}: ${why}`)}`,
    reason: 'Forbidden',
  }];
}

/** The Secret type the legacy tokens controller fills with a long-lived token, and the annotation naming its ServiceAccount. */
const LEGACY_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const LEGACY_TOKEN_SA_ANNOTATION = 'kubernetes.io/service-account.name';
/** The tokens controller runs in kube-controller-manager with its root credentials (rootClientBuilder "tokens-controller"). */
const CONTROLLER_MANAGER = 'system:kube-controller-manager';

/** Whether `object` (a Secret) is a legacy token Secret of the ServiceAccount `name`. */
function legacyTokenOf(object: string, name: string): string {
  return `has(${object}.type) && ${object}.type == ${celString(LEGACY_TOKEN_TYPE)} && has(${object}.metadata.annotations)`
    + ` && ${celString(LEGACY_TOKEN_SA_ANNOTATION)} in ${object}.metadata.annotations && ${object}.metadata.annotations[${celString(LEGACY_TOKEN_SA_ANNOTATION)}] == ${celString(name)}`;
}

/**
 * The validation of legacy token Secrets (type `kubernetes.io/service-account-token`, annotation
 * `kubernetes.io/service-account.name`) of the ServiceAccount: a user creates one, the tokens controller of
 * kube-controller-manager fills it (UPDATE) with a token that never expires, the ServiceAccount's cloud identity
 * without any pod. Only the control plane creates one or points one at the ServiceAccount; an UPDATE of a Secret that
 * already named it (the controller filling it, a label) is admitted.
 */
function legacyTokenValidations(sa: string, name: string): AdmissionValidation[] {
  const prefix = TOKEN_REQUESTER_PREFIXES[1];
  const controlPlane = `request.userInfo.username == ${celString(CONTROLLER_MANAGER)} || request.userInfo.username.startsWith(${celString(prefix)})`;
  const named = `(request.operation == 'UPDATE' && ${legacyTokenOf('oldObject', name)})`;
  const why = `only the control plane (${CONTROLLER_MANAGER}, ${prefix}*) creates a long-lived token Secret of it (${LEGACY_TOKEN_TYPE}); request a short-lived projected token instead`;
  return [{
    expression: `${KIND} != 'Secret' || ${controlPlane} || ${named}`,
    message: `a Secret may not hold a long-lived token of ServiceAccount ${sa}: ${why}`,
    messageExpression: `'Secret ' + object.metadata.name + ' by ' + request.userInfo.username + ${celString(` may not hold a long-lived token of ServiceAccount ${sa}: ${why}`)}`,
    reason: 'Forbidden',
  }];
}

/** The validations for pods (CREATE) that name the ServiceAccount. */
function podValidations(sa: string, workload: BoundWorkload | undefined): AdmissionValidation[] {
  const pod = podRefused(sa);
  const notPod = `${KIND} != 'Pod' || request.operation != 'CREATE'`;
  if (workload === undefined) {
    return [{
      expression: notPod,
      ...refusal(pod, 'it is bound to a cloud identity and to no workload, so no pod runs as it'),
      reason: 'Forbidden',
    }];
  }
  const { title } = describeWorkload(workload);
  const validations: AdmissionValidation[] = [];
  const chain = WORKLOAD_CHAINS[workload.kind] as { podCreator?: KubernetesController; intermediate?: { apiVersion: string; kind: string } };
  if (chain.podCreator === undefined) {
    // A bare Pod has no controller: it is admitted by its name, which is unique in the namespace.
    validations.push({ expression: `${notPod} || object.metadata.name == ${celString(workload.name)}`, ...refusal(pod, `only Pod ${workload.name} runs as it`), reason: 'Forbidden' });
  } else {
    const creator = CONTROLLER_TITLES[chain.podCreator];
    const users = controllerUsernames(chain.podCreator).join(' or ');
    validations.push({
      expression: `${notPod} || ${byController(chain.podCreator)}`,
      ...refusal(pod, `only the pods ${creator} (${users}) creates for ${title} run as it`, ' + \' (this one is created by \' + request.userInfo.username + \')\''),
      reason: 'Forbidden',
    });
    let owner: string;
    let ownerText: string;
    if (workload.kind === 'Deployment') {
      // The Deployment controller names each ReplicaSet DEPLOYMENT-HASH and labels its pods pod-template-hash: HASH.
      const hash = `object.metadata.labels[${celString(POD_TEMPLATE_HASH_LABEL)}]`;
      owner = `has(object.metadata.labels) && ${celString(POD_TEMPLATE_HASH_LABEL)} in object.metadata.labels && `
        + controlledBy('apps/v1', 'ReplicaSet', (ref) => `${ref} == ${celString(`${workload.name}-`)} + ${hash}`);
      ownerText = `ReplicaSet ${workload.name}-<${POD_TEMPLATE_HASH_LABEL}> of ${title}`;
    } else if (chain.intermediate !== undefined) {
      owner = controlledBy(chain.intermediate.apiVersion, chain.intermediate.kind, (ref) => `${ref}.startsWith(${celString(`${workload.name}-`)})`);
      ownerText = `a ${chain.intermediate.kind} ${workload.name}-… of ${title}`;
    } else {
      owner = controlledBy(WORKLOAD_CHAINS[workload.kind].apiVersion, workload.kind, (ref) => `${ref} == ${celString(workload.name)}`);
      ownerText = title;
    }
    validations.push({ expression: `${notPod} || (${owner})`, ...refusal(pod, `its controller (metadata.ownerReferences) must be ${ownerText}`), reason: 'Forbidden' });
  }
  if (Object.keys(workload.requiredLabels).length > 0) {
    validations.push({
      expression: `${notPod} || (${carriesLabels('object.metadata', workload.requiredLabels)})`,
      ...refusal(pod, `it must carry the pod labels of ${title} (${labelList(workload.requiredLabels)})`),
      reason: 'Forbidden',
    });
  }
  validations.push({
    expression: `${notPod} || (${automountOff('object.spec')})`,
    ...refusal(pod, 'it must set automountServiceAccountToken: false (Keyless projects the token it needs, never the automounted one)'),
    reason: 'Forbidden',
  });
  return validations;
}

/** The validations for workload objects (CREATE, UPDATE) whose pod template names the ServiceAccount. */
function workloadValidations(sa: string, workload: BoundWorkload | undefined): AdmissionValidation[] {
  const object: Refused = { static: 'a workload', named: `${KIND} + ' ' + object.metadata.name`, verb: ` may not run as ServiceAccount ${sa}` };
  const guard = NOT_NEW_TEMPLATE;
  if (workload === undefined) {
    return [{ expression: guard, ...refusal(object, 'it is bound to a cloud identity and to no workload, so no workload runs as it'), reason: 'Forbidden' }];
  }
  const { title, runsAsIt } = describeWorkload(workload);
  const admitted = [`(${kindIs(workload.kind)} && object.metadata.name == ${celString(workload.name)})`];
  const chain = WORKLOAD_CHAINS[workload.kind] as { intermediate?: { apiVersion: string; kind: string; createdBy: KubernetesController } };
  if (chain.intermediate !== undefined) {
    const { apiVersion } = WORKLOAD_CHAINS[workload.kind];
    admitted.push(`(${kindIs(chain.intermediate.kind)} && ${byController(chain.intermediate.createdBy)}`
      + ` && object.metadata.name.startsWith(${celString(`${workload.name}-`)})`
      + ` && ${controlledBy(apiVersion, workload.kind, (ref) => `${ref} == ${celString(workload.name)}`)})`);
  }
  const validations: AdmissionValidation[] = [];
  if (workload.kind !== 'Pod') {
    validations.push({
      expression: `${guard} || ${admitted.join(' || ')}`,
      ...refusal(object, runsAsIt, ' + \'; requested by \' + request.userInfo.username'),
      reason: 'Forbidden',
    });
  } else {
    validations.push({ expression: guard, ...refusal(object, `only Pod ${workload.name} runs as it`, ' + \'; requested by \' + request.userInfo.username'), reason: 'Forbidden' });
    return validations;
  }
  if (Object.keys(workload.requiredLabels).length > 0) {
    validations.push({
      expression: `${guard} || (has(variables.podTemplate.metadata) && ${carriesLabels('variables.podTemplate.metadata', workload.requiredLabels)})`,
      ...refusal(object, `its pod template must carry the pod labels of ${title} (${labelList(workload.requiredLabels)})`),
      reason: 'Forbidden',
    });
  }
  validations.push({
    expression: `${guard} || (${automountOff('variables.podTemplate.spec')})`,
    ...refusal(object, 'its pod template must set automountServiceAccountToken: false'),
    reason: 'Forbidden',
  });
  return validations;
}

/** The validations of the ServiceAccount itself (CREATE, UPDATE): identity annotations as declared, automount off. */
function serviceAccountValidations(sa: string, annotations: Readonly<Record<string, string>>): AdmissionValidation[] {
  const notSa = `${KIND} != 'ServiceAccount'`;
  const subject = `ServiceAccount ${sa}`;
  const validations: AdmissionValidation[] = [{
    expression: `${notSa} || (${automountOff('object')})`,
    message: `${subject} must keep automountServiceAccountToken: false`,
    reason: 'Forbidden',
  }];
  for (const [key, value] of Object.entries(annotations)) {
    validations.push({
      expression: `${notSa} || (has(object.metadata.annotations) && ${celString(key)} in object.metadata.annotations && object.metadata.annotations[${celString(key)}] == ${celString(value)})`,
      message: `${subject} must keep annotation ${key}: ${JSON.stringify(value)}, its cloud identity as declared; this request removes or changes it`,
      reason: 'Forbidden',
    });
  }
  const prefixes = CLOUD_IDENTITY_ANNOTATION_PREFIXES;
  const declared = Object.keys(annotations);
  const isIdentityKey = prefixes.map((prefix) => `k.startsWith(${celString(prefix)})`).join(' || ');
  validations.push({
    expression: `${notSa} || !has(object.metadata.annotations) || object.metadata.annotations.all(k, !(${isIdentityKey}) || k in ${list(declared)})`,
    message: `${subject} may carry no cloud identity annotation (${prefixes.map((p) => `${p}*`).join(', ')}) but ${declared.length === 0 ? 'none: Keyless declared none' : `the declared ${declared.join(', ')}`}; this request adds one`,
    reason: 'Forbidden',
  });
  return validations;
}

function labelList(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(', ');
}

/**
 * The resources the policy is asked about: pods (CREATE, and UPDATE for their images; a pod's service account is
 * immutable) and their ephemeral containers, the workloads, the ServiceAccount, its tokens and legacy token Secrets
 * (a Secret's type is immutable; DELETE is not matched). `pods/status` and the
 * workloads' `scale` are not: they run nothing new.
 */
const RESOURCE_RULES = [
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'], scope: 'Namespaced' },
  { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods/ephemeralcontainers'], scope: 'Namespaced' },
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['serviceaccounts'], scope: 'Namespaced' },
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['serviceaccounts/token'], scope: 'Namespaced' },
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'], scope: 'Namespaced' },
  { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], scope: 'Namespaced' },
  { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['cronjobs', 'jobs'], scope: 'Namespaced' },
];

/** The namespace selector of one namespace: the API server labels every namespace `kubernetes.io/metadata.name: NAME` (Kubernetes 1.22+). */
function namespaceSelector(namespace: string): Record<string, unknown> {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
}

/** The name, labels and annotations of the policy and of the binding. */
export interface AdmissionPolicyMetadata {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** Labels and annotations of the policy and the binding. */
function policyMetadata(input: IdentityAdmissionInput): AdmissionPolicyMetadata {
  const { namespace, name } = input.serviceAccount;
  return {
    name: admissionPolicyName(input.serviceAccount),
    labels: sortKeys({ ...input.labels, 'app.kubernetes.io/managed-by': MANAGED_BY }),
    annotations: { [PROTECTS_SERVICE_ACCOUNT_ANNOTATION]: `${namespace}/${name}` },
  };
}

/** The spec of the ValidatingAdmissionPolicy. */
export function identityAdmissionPolicySpec(input: IdentityAdmissionInput): Record<string, unknown> {
  const { namespace, name } = input.serviceAccount;
  const sa = `${namespace}/${name}`;
  const matchCondition = [
    `(${kindIs('ServiceAccount')} && object.metadata.name == ${celString(name)})`,
    // A TokenRequest is created as a subresource of the ServiceAccount: its name is the request's.
    `(${kindIs('TokenRequest')} && request.subResource == 'token' && request.name == ${celString(name)})`,
    `(${kindIs('Secret')} && ${legacyTokenOf('object', name)})`,
    `(${kindIs('Pod')} && (${namesServiceAccount('object.spec', name)}))`,
    `(${kindIs('CronJob')} && (${namesServiceAccount(`${templateOf('object', 'CronJob')}.spec`, name)}))`,
    `(${KIND} in ${list(TEMPLATE_KINDS)} && (${namesServiceAccount(`${templateOf('object', 'other')}.spec`, name)}))`,
  ].join(' || ');
  return {
    failurePolicy: 'Fail',
    matchConstraints: {
      matchPolicy: 'Equivalent',
      namespaceSelector: namespaceSelector(namespace),
      resourceRules: RESOURCE_RULES,
    },
    matchConditions: [{ name: 'names-the-service-account', expression: matchCondition }],
    variables: VARIABLES,
    validations: [
      ...serviceAccountValidations(sa, input.identityAnnotations),
      ...podValidations(sa, input.workload),
      ...podUpdateValidations(sa),
      ...tokenRequestValidations(sa),
      ...legacyTokenValidations(sa, name),
      ...workloadValidations(sa, input.workload),
    ],
  };
}

/** The ValidatingAdmissionPolicy of an identity-bound ServiceAccount. */
export function identityAdmissionPolicy(input: IdentityAdmissionInput): Record<string, any> {
  return { apiVersion: ADMISSION_POLICY_API_VERSION, kind: 'ValidatingAdmissionPolicy', metadata: policyMetadata(input), spec: identityAdmissionPolicySpec(input) };
}

/** The spec of the binding: the policy, denying, in the ServiceAccount's namespace only. */
export function identityAdmissionPolicyBindingSpec(input: IdentityAdmissionInput): Record<string, unknown> {
  return {
    policyName: admissionPolicyName(input.serviceAccount),
    validationActions: ['Deny'],
    matchResources: { namespaceSelector: namespaceSelector(input.serviceAccount.namespace) },
  };
}

/** The ValidatingAdmissionPolicyBinding of an identity-bound ServiceAccount. */
export function identityAdmissionPolicyBinding(input: IdentityAdmissionInput): Record<string, any> {
  return { apiVersion: ADMISSION_POLICY_API_VERSION, kind: 'ValidatingAdmissionPolicyBinding', metadata: policyMetadata(input), spec: identityAdmissionPolicyBindingSpec(input) };
}

/** The metadata of the policy and the binding (name, labels, annotations): known before the workload is bound. */
export function identityAdmissionMetadata(
  serviceAccount: KubernetesServiceAccountRef, labels: Readonly<Record<string, string>>,
): AdmissionPolicyMetadata {
  return policyMetadata({ serviceAccount, labels, identityAnnotations: {} });
}
