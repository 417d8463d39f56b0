/**
 * The admission matrix: for each workload kind a ServiceAccount is bound to and each cloud's annotations, the policy
 * the constructs render is evaluated like the API server does (test/k8s-admission/api-server.ts) against the objects
 * the bound workload's controllers create (admitted) and the ones an attacker with `create pods` / `create
 * deployments` / `update replicasets` in the namespace would send (refused), with the exact messages.
 */
import { admit, Admission, AdmissionAttempt } from './api-server';
import {
  CLOUDS, Cloud, controllerChain, jobOf, NAME, NAMESPACE, Obj, ownerReference, POD_CREATOR, podOf, render, Rendered, replicaSetOf,
  templateOf, USERS, WORKLOADS,
} from './fixtures';

const POLICY = 'keyless-payments.payments-api';
const DENIED = `ValidatingAdmissionPolicy '${POLICY}' with binding '${POLICY}' denied request: `;
const SA = 'ServiceAccount payments/payments-api';

/** How the messages name each kind's controller chain (literal, as a reviewer reads them). */
const KINDS: Record<string, { creator?: string; owner?: string; runsAsIt: string }> = {
  Deployment: {
    creator: 'the ReplicaSet controller (system:serviceaccount:kube-system:replicaset-controller or system:kube-controller-manager)',
    owner: 'ReplicaSet payments-api-<pod-template-hash> of Deployment payments-api',
    runsAsIt: 'only Deployment payments-api runs as it, with the ReplicaSets the Deployment controller creates for it',
  },
  StatefulSet: {
    creator: 'the StatefulSet controller (system:serviceaccount:kube-system:statefulset-controller or system:kube-controller-manager)',
    owner: 'StatefulSet payments-api',
    runsAsIt: 'only StatefulSet payments-api runs as it',
  },
  DaemonSet: {
    creator: 'the DaemonSet controller (system:serviceaccount:kube-system:daemon-set-controller or system:kube-controller-manager)',
    owner: 'DaemonSet payments-api',
    runsAsIt: 'only DaemonSet payments-api runs as it',
  },
  ReplicaSet: {
    creator: 'the ReplicaSet controller (system:serviceaccount:kube-system:replicaset-controller or system:kube-controller-manager)',
    owner: 'ReplicaSet payments-api',
    runsAsIt: 'only ReplicaSet payments-api runs as it',
  },
  Job: {
    creator: 'the Job controller (system:serviceaccount:kube-system:job-controller or system:kube-controller-manager)',
    owner: 'Job payments-api',
    runsAsIt: 'only Job payments-api runs as it',
  },
  CronJob: {
    creator: 'the Job controller (system:serviceaccount:kube-system:job-controller or system:kube-controller-manager)',
    owner: 'a Job payments-api-… of CronJob payments-api',
    runsAsIt: 'only CronJob payments-api runs as it, with the Jobs the CronJob controller creates for it',
  },
  Pod: { runsAsIt: 'only Pod payments-api runs as it' },
};

/** One row of the matrix: a request and what the API server answers. */
interface Case {
  readonly name: string;
  readonly attempt: AdmissionAttempt;
  /** `allowed` (the policy evaluated it and admitted it), `not-matched` (the policy does not apply), or the exact denial. */
  readonly expected: 'allowed' | 'not-matched' | { readonly refused: string };
}

const clone = <T>(value: T): T => structuredClone(value);
const create = (object: Obj, username: string): AdmissionAttempt => ({ operation: 'CREATE', object, username });
const update = (oldObject: Obj, object: Obj, username: string): AdmissionAttempt => ({ operation: 'UPDATE', object, oldObject, username });

/** A Deployment of the namespace that is not the bound workload, its pod template naming `serviceAccountName`. */
function otherDeployment(name: string, serviceAccountName?: string): Obj {
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'shell', image: 'busybox' }], ...(serviceAccountName ? { serviceAccountName } : {}) } },
    },
  };
}

/** A bare pod an attacker creates: the bound workload's labels, the ServiceAccount, automount off, and `extra` metadata. */
function attackerPod(name: string, extra: Obj = {}, spec: Obj = { serviceAccountName: NAME }): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': NAME, 'azure.workload.identity/use': 'true' }, ...extra },
    spec: { containers: [{ name: 'shell', image: 'busybox' }], automountServiceAccountToken: false, ...spec },
  };
}

/** Kinds whose manifest has `spec.selector.matchLabels` (`app.kubernetes.io/name: payments-api`, fixtures.ts). */
const SELECTOR_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

/** The pod labels the policy requires: the workload's selector labels and the cloud webhook's label. */
function requiredLabels(cloud: Cloud, kind: string): Record<string, string> {
  return { ...(SELECTOR_KINDS.includes(kind) ? { 'app.kubernetes.io/name': NAME } : {}), ...cloud.podLabels };
}

/** The required labels, as the messages list them. */
function labelText(cloud: Cloud, kind: string): string {
  return Object.entries(requiredLabels(cloud, kind)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(', ');
}

const podRefused = (pod: string, why: string) => ({ refused: `${DENIED}Pod ${pod} may not run as ${SA}: ${why}` });
const workloadRefused = (kind: string, name: string, why: string) => ({ refused: `${DENIED}${kind} ${name} may not run as ${SA}: ${why}` });

/** The ServiceAccount cases: identity annotations and automount as declared. */
function serviceAccountCases(cloud: Cloud, rendered: Rendered): Case[] {
  const sa = clone(rendered.serviceAccount);
  const withAnnotations = (annotations: Obj): Obj => ({ ...clone(sa), metadata: { ...sa.metadata, annotations } });
  const declared = Object.keys(cloud.annotations);
  const cases: Case[] = [
    { name: 'the ServiceAccount as rendered, applied', attempt: create(sa, USERS.deployer), expected: 'allowed' },
    {
      name: 'the ServiceAccount updated with an unrelated annotation',
      attempt: update(sa, withAnnotations({ ...sa.metadata.annotations, 'kubectl.kubernetes.io/last-applied-configuration': '{}' }), USERS.deployer),
      expected: 'allowed',
    },
    {
      name: 'the ServiceAccount with automountServiceAccountToken: true',
      attempt: update(sa, { ...clone(sa), automountServiceAccountToken: true }, USERS.alice),
      expected: { refused: `${DENIED}${SA} must keep automountServiceAccountToken: false` },
    },
    {
      name: 'the ServiceAccount without automountServiceAccountToken (Kubernetes then automounts)',
      attempt: update(sa, (({ automountServiceAccountToken: _, ...rest }) => rest)(clone(sa)), USERS.alice),
      expected: { refused: `${DENIED}${SA} must keep automountServiceAccountToken: false` },
    },
  ];
  for (const key of declared) {
    const keep = `${DENIED}${SA} must keep annotation ${key}: ${JSON.stringify(cloud.annotations[key])}, its cloud identity as declared; this request removes or changes it`;
    cases.push({ name: `annotation ${key} changed`, attempt: update(sa, withAnnotations({ ...sa.metadata.annotations, [key]: `${cloud.annotations[key]}0` }), USERS.alice), expected: { refused: keep } });
    cases.push({
      name: `annotation ${key} removed`,
      attempt: update(sa, withAnnotations(Object.fromEntries(Object.entries(sa.metadata.annotations).filter(([k]) => k !== key))), USERS.alice),
      expected: { refused: keep },
    });
  }
  const foreign = cloud.name.startsWith('EKS') ? 'iam.gke.io/gcp-service-account' : 'eks.amazonaws.com/role-arn';
  const other = declared.length === 0 ? 'none: Keyless declared none' : `the declared ${declared.join(', ')}`;
  cases.push({
    name: `annotation ${foreign} added`,
    attempt: update(sa, withAnnotations({ ...sa.metadata.annotations, [foreign]: 'attacker' }), USERS.alice),
    expected: { refused: `${DENIED}${SA} may carry no cloud identity annotation (azure.workload.identity/*, eks.amazonaws.com/*, iam.gke.io/*) but ${other}; this request adds one` },
  });
  cases.push({
    name: 'a ServiceAccount of the same name recreated without its annotations',
    attempt: create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: NAME, namespace: NAMESPACE }, automountServiceAccountToken: false }, USERS.alice),
    expected: declared.length === 0 ? 'allowed' : { refused: `${DENIED}${SA} must keep annotation ${declared[0]}: ${JSON.stringify(cloud.annotations[declared[0]])}, its cloud identity as declared; this request removes or changes it` },
  });
  const tokenRequest = (name: string): Obj => ({
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name, namespace: NAMESPACE },
    spec: { audiences: ['sts.amazonaws.com'], expirationSeconds: 3600 },
  });
  const token = (username: string, name = NAME): AdmissionAttempt => ({ ...create(tokenRequest(name), username), subResource: 'token' });
  cases.push({
    name: 'a token of the ServiceAccount requested by a user (kubectl create token)',
    attempt: token(USERS.alice),
    expected: {
      refused: `${DENIED}TokenRequest by ${USERS.alice} may not mint a token of ${SA}: only nodes (system:node:*, the kubelet projecting the token of a pod it runs) `
        + 'and control-plane agents (system:serviceaccount:kube-system:*) request its tokens',
    },
  });
  cases.push({ name: 'a token of the ServiceAccount requested by a node (the kubelet projecting a pod\'s token)', attempt: token(USERS.kubelet), expected: 'allowed' });
  cases.push({ name: 'a token of the ServiceAccount requested by a kube-system service account (a node agent)', attempt: token('system:serviceaccount:kube-system:gke-metadata-server'), expected: 'allowed' });
  cases.push({ name: 'a token of another ServiceAccount, by a user (not matched)', attempt: token(USERS.alice, 'batch'), expected: 'not-matched' });
  // The legacy flow: a user creates the Secret, the tokens controller (kube-controller-manager) fills it with UPDATE.
  const legacySecret = (serviceAccount: string, data?: Obj): Obj => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${serviceAccount}-token`, namespace: NAMESPACE, annotations: { 'kubernetes.io/service-account.name': serviceAccount } },
    type: 'kubernetes.io/service-account-token',
    ...(data === undefined ? {} : { data }),
  });
  const legacyRefused = (username: string) => ({
    refused: `${DENIED}Secret ${NAME}-token by ${username} may not hold a long-lived token of ${SA}: only the control plane (system:kube-controller-manager, `
      + 'system:serviceaccount:kube-system:*) creates a long-lived token Secret of it (kubernetes.io/service-account-token); request a short-lived projected token instead',
  });
  cases.push({ name: 'a legacy token Secret of the ServiceAccount created by a user', attempt: create(legacySecret(NAME), USERS.alice), expected: legacyRefused(USERS.alice) });
  cases.push({ name: 'a legacy token Secret of the ServiceAccount created by a deployer', attempt: create(legacySecret(NAME), USERS.deployer), expected: legacyRefused(USERS.deployer) });
  cases.push({
    name: 'a legacy token Secret of another ServiceAccount pointed at the ServiceAccount by a user (UPDATE)',
    attempt: update(legacySecret('batch'), { ...legacySecret('batch'), metadata: { ...legacySecret('batch').metadata, name: `${NAME}-token`, annotations: { 'kubernetes.io/service-account.name': NAME } } }, USERS.alice),
    expected: legacyRefused(USERS.alice),
  });
  cases.push({
    name: 'the tokens controller filling a legacy token Secret of the ServiceAccount (kube-controller-manager, UPDATE)',
    attempt: update(legacySecret(NAME), legacySecret(NAME, { token: 'ZXlK', namespace: 'cGF5bWVudHM=' }), USERS.manager),
    expected: 'allowed',
  });
  cases.push({
    name: 'a legacy token Secret of the ServiceAccount filled by a kube-system service account (UPDATE)',
    attempt: update(legacySecret(NAME), legacySecret(NAME, { token: 'ZXlK' }), 'system:serviceaccount:kube-system:tokens-controller'),
    expected: 'allowed',
  });
  cases.push({
    name: 'a label added to an existing legacy token Secret of the ServiceAccount by a user (UPDATE)',
    attempt: update(legacySecret(NAME), { ...legacySecret(NAME), metadata: { ...legacySecret(NAME).metadata, labels: { team: 'payments' } } }, USERS.alice),
    expected: 'allowed',
  });
  cases.push({ name: 'a legacy token Secret of another ServiceAccount, by a user (not matched)', attempt: create(legacySecret('batch'), USERS.alice), expected: 'not-matched' });
  cases.push({
    name: 'an Opaque Secret annotated with the ServiceAccount, by a user (not matched)',
    attempt: create({ ...legacySecret(NAME), type: 'Opaque' }, USERS.alice),
    expected: 'not-matched',
  });
  cases.push({
    name: 'another ServiceAccount of the namespace (not matched)',
    attempt: create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'batch', namespace: NAMESPACE, annotations: { 'eks.amazonaws.com/role-arn': 'x' } } }, USERS.alice),
    expected: 'not-matched',
  });
  return cases;
}

/** The cases of a ServiceAccount bound to a workload of `kind`. */
function boundCases(cloud: Cloud, kind: string, rendered: Rendered): Case[] {
  const workload = withPodMirror(clone(rendered.workload!));
  const k = KINDS[kind];
  const labels = labelText(cloud, kind);
  const required = requiredLabels(cloud, kind);
  const cases: Case[] = [];

  // Admitted: the workload, what its controllers create, and updates of them.
  for (const step of controllerChain(workload)) {
    cases.push({ name: `${step.what}, created by ${step.username}`, attempt: create(step.object, step.username), expected: 'allowed' });
  }
  const pod = kind === 'Pod' ? workload : controllerChain(workload).slice(-1)[0].object;
  if (kind !== 'Pod') {
    cases.push({ name: 'a pod its controller creates, on a control plane without per-controller credentials', attempt: create(pod, USERS.manager), expected: 'allowed' });
    const newImage = clone(workload);
    templateOf(newImage).spec.containers[0].image = 'registry.example.com/payments-api:1.5.0';
    cases.push({ name: `the ${kind} updated with a new image`, attempt: update(workload, newImage, USERS.deployer), expected: 'allowed' });
    const newVersion = clone(workload);
    templateOf(newVersion).metadata.labels['app.kubernetes.io/version'] = '1.5.0';
    cases.push({ name: `the ${kind} updated with a new per-release label on its pod template`, attempt: update(workload, newVersion, USERS.deployer), expected: 'allowed' });
  }
  const previousRelease = clone(pod);
  previousRelease.metadata.labels['app.kubernetes.io/version'] = '1.4.0';
  cases.push({
    name: 'a pod with a per-release label its template no longer has (an older ReplicaSet, revision or Job)',
    attempt: create(previousRelease, POD_CREATOR[kind] ?? USERS.deployer),
    expected: 'allowed',
  });
  if (kind === 'Deployment' || kind === 'CronJob') {
    const made = kind === 'Deployment' ? replicaSetOf(workload) : jobOf(workload);
    const finalizing = clone(made);
    finalizing.metadata.finalizers = ['foregroundDeletion'];
    const released = clone(made);
    delete released.metadata.ownerReferences;
    cases.push({ name: `the garbage collector removes a finalizer of the ${made.kind} (template unchanged)`, attempt: update(finalizing, made, USERS.garbageCollector), expected: 'allowed' });
    cases.push({ name: `the garbage collector orphans the ${made.kind} (template unchanged)`, attempt: update(made, released, USERS.garbageCollector), expected: 'allowed' });
  }
  cases.push({ name: 'a pod of another ServiceAccount (not matched)', attempt: create(attackerPod('debug', {}, { serviceAccountName: 'debug' }), USERS.alice), expected: 'not-matched' });
  cases.push({
    name: 'a pod naming the ServiceAccount in another namespace (not matched)',
    attempt: { ...create({ ...attackerPod('debug'), metadata: { ...attackerPod('debug').metadata, namespace: 'sandbox' } }, USERS.alice) },
    expected: 'not-matched',
  });
  // Running pods: a pod's service account is immutable, its images are not (ValidatePodUpdate).
  cases.push({ name: 'a running pod relabelled, its images unchanged', attempt: update(pod, { ...clone(pod), metadata: { ...pod.metadata, labels: { ...pod.metadata.labels, x: 'y' } } }, USERS.alice), expected: 'allowed' });
  const orphan = clone(pod);
  delete orphan.metadata.ownerReferences;
  cases.push({ name: 'a running pod orphaned by the garbage collector', attempt: update(pod, orphan, USERS.garbageCollector), expected: 'allowed' });
  cases.push({ name: 'a pod\'s status written by the kubelet (pods/status, not matched)', attempt: { ...update(pod, pod, USERS.kubelet), subResource: 'status' }, expected: 'not-matched' });
  const swapped = clone(pod);
  swapped.spec.containers[0].image = 'ghcr.io/attacker/shell:latest';
  const keepsImages = 'a running pod keeps its container and init container images (a new image runs as new pods of the bound workload)';
  cases.push({ name: 'a running pod given another image (kubectl set image pod/…)', attempt: update(pod, swapped, USERS.alice), expected: podRefused(pod.metadata.name, `${keepsImages}; requested by ${USERS.alice}`) });
  const withInit = { ...clone(pod), spec: { ...clone(pod.spec), initContainers: [{ name: 'proxy', image: 'registry.example.com/proxy:1.0', restartPolicy: 'Always' }] } };
  const initSwapped = clone(withInit);
  initSwapped.spec.initContainers[0].image = 'ghcr.io/attacker/shell:latest';
  cases.push({ name: 'a running pod\'s init container given another image', attempt: update(withInit, initSwapped, USERS.alice), expected: podRefused(pod.metadata.name, `${keepsImages}; requested by ${USERS.alice}`) });
  const debugged = { ...clone(pod), spec: { ...clone(pod.spec), ephemeralContainers: [{ name: 'debugger', image: 'busybox', targetContainerName: 'api' }] } };
  cases.push({
    name: 'an ephemeral container added to the bound pod (kubectl debug, pods/ephemeralcontainers)',
    attempt: { ...update(pod, debugged, USERS.alice), subResource: 'ephemeralcontainers' },
    expected: podRefused(pod.metadata.name, `no ephemeral container is added to a pod that runs as it (pods/ephemeralcontainers, kubectl debug); requested by ${USERS.alice}`),
  });

  // Refused: pods.
  if (kind === 'Pod') {
    cases.push({ name: 'a bare pod of another name, by a user', attempt: create(attackerPod('debug'), USERS.alice), expected: podRefused('debug', k.runsAsIt) });
    cases.push({ name: 'a bare pod naming the ServiceAccount by the deprecated serviceAccount only', attempt: create(attackerPod('debug', {}, { serviceAccount: NAME }), USERS.alice), expected: podRefused('debug', k.runsAsIt) });
  } else {
    const notCreator = (user: string) => podRefused('debug', `only the pods ${k.creator} creates for ${kind} payments-api run as it (this one is created by ${user})`);
    cases.push({ name: 'a bare pod by a user', attempt: create(attackerPod('debug'), USERS.alice), expected: notCreator(USERS.alice) });
    cases.push({ name: 'a bare pod naming the ServiceAccount by the deprecated serviceAccount only', attempt: create(attackerPod('debug', {}, { serviceAccount: NAME }), USERS.alice), expected: notCreator(USERS.alice) });
    cases.push({
      name: 'a pod with forged owner references and labels, by a user',
      attempt: create({ ...clone(pod), metadata: { ...clone(pod.metadata), name: 'debug' } }, USERS.alice),
      expected: notCreator(USERS.alice),
    });
    cases.push({ name: 'a bare pod by another controller (the Job controller for a Deployment, the ReplicaSet controller otherwise)', attempt: create(attackerPod('debug'), POD_CREATOR[kind] === USERS.jobController ? USERS.replicaSetController : USERS.jobController), expected: notCreator(POD_CREATOR[kind] === USERS.jobController ? USERS.replicaSetController : USERS.jobController) });
    const foreignOwner = clone(pod);
    foreignOwner.metadata.name = 'debug';
    foreignOwner.metadata.ownerReferences = [ownerReference(kind === 'Deployment' || kind === 'ReplicaSet'
      ? { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'shadow-7d4b9c8f6d' } }
      : { ...foreignOwnerOf(kind) })];
    cases.push({ name: 'a pod by the right controller, controlled by another object', attempt: create(foreignOwner, POD_CREATOR[kind]!), expected: podRefused('debug', `its controller (metadata.ownerReferences) must be ${k.owner}`) });
    const notController = clone(pod);
    notController.metadata.ownerReferences = notController.metadata.ownerReferences.map((r: Obj) => ({ ...r, controller: false }));
    cases.push({ name: 'a pod by the right controller whose owner reference is not its controller', attempt: create(notController, POD_CREATOR[kind]!), expected: podRefused(pod.metadata.name, `its controller (metadata.ownerReferences) must be ${k.owner}`) });
  }
  if (Object.keys(required).length > 0) {
    const unlabelled = clone(pod);
    for (const key of Object.keys(required)) delete unlabelled.metadata.labels[key];
    cases.push({ name: 'a pod without the selector\'s and the cloud webhook\'s labels', attempt: create(unlabelled, POD_CREATOR[kind] ?? USERS.deployer), expected: podRefused(pod.metadata.name, `it must carry the pod labels of ${kind} payments-api (${labels})`) });
  }
  const automount = clone(pod);
  automount.spec.automountServiceAccountToken = true;
  cases.push({
    name: 'a pod with automountServiceAccountToken: true',
    attempt: create(automount, POD_CREATOR[kind] ?? USERS.deployer),
    expected: podRefused(pod.metadata.name, 'it must set automountServiceAccountToken: false (Keyless projects the token it needs, never the automounted one)'),
  });

  // Refused: workloads.
  const shadow = withPodMirror(otherDeployment('payments-api-shadow', NAME));
  shadow.spec.template.spec.automountServiceAccountToken = false;
  cases.push({ name: 'another Deployment naming the ServiceAccount', attempt: create(shadow, USERS.alice), expected: workloadRefused('Deployment', 'payments-api-shadow', `${k.runsAsIt}; requested by ${USERS.alice}`) });
  const renamed = otherDeployment('payments-api-shadow');
  const pointed = clone(renamed);
  pointed.spec.template.spec.serviceAccountName = NAME;
  cases.push({ name: 'another Deployment updated to name the ServiceAccount', attempt: update(renamed, pointed, USERS.alice), expected: workloadRefused('Deployment', 'payments-api-shadow', `${k.runsAsIt}; requested by ${USERS.alice}`) });
  const sameNameOtherKind = kind === 'StatefulSet' ? { ...clone(WORKLOADS.Deployment), kind: 'Deployment' } : { ...clone(WORKLOADS.StatefulSet) };
  templateOf(sameNameOtherKind).spec = { ...templateOf(sameNameOtherKind).spec, serviceAccountName: NAME, automountServiceAccountToken: false };
  cases.push({
    name: `a ${sameNameOtherKind.kind} of the workload's name naming the ServiceAccount`,
    attempt: create(sameNameOtherKind, USERS.alice),
    expected: workloadRefused(sameNameOtherKind.kind, NAME, `${k.runsAsIt}; requested by ${USERS.alice}`),
  });
  const boundTemplate = kind === 'Pod' ? { metadata: { labels: clone(workload.metadata.labels) }, spec: clone(workload.spec) } : clone(templateOf(workload));
  const forgedReplicaSet = replicaSetOf({ ...clone(WORKLOADS.Deployment), spec: { ...clone(WORKLOADS.Deployment.spec), template: boundTemplate } }, 'f0f0f0f0f0');
  cases.push({
    name: 'a ReplicaSet with a forged owner reference, by a user',
    attempt: create(forgedReplicaSet, USERS.alice),
    expected: workloadRefused('ReplicaSet', forgedReplicaSet.metadata.name, `${k.runsAsIt}; requested by ${USERS.alice}`),
  });
  if (kind === 'Deployment') {
    const replicaSet = replicaSetOf(workload);
    const tampered = clone(replicaSet);
    tampered.spec.template.spec.containers[0].image = 'busybox';
    cases.push({ name: 'the controller\'s ReplicaSet given a new image by a user', attempt: update(replicaSet, tampered, USERS.alice), expected: workloadRefused('ReplicaSet', replicaSet.metadata.name, `${k.runsAsIt}; requested by ${USERS.alice}`) });
    const wrongName = { ...clone(replicaSet), metadata: { ...clone(replicaSet.metadata), name: 'shadow-7d4b9c8f6d' } };
    cases.push({ name: 'a ReplicaSet by the Deployment controller not named after the Deployment', attempt: create(wrongName, USERS.deploymentController), expected: workloadRefused('ReplicaSet', 'shadow-7d4b9c8f6d', `${k.runsAsIt}; requested by ${USERS.deploymentController}`) });
    const malformed = clone(pod);
    delete malformed.metadata.ownerReferences[0].apiVersion;
    cases.push({
      name: 'a pod whose owner reference has no apiVersion (an evaluation error: failurePolicy Fail denies)',
      attempt: create(malformed, USERS.replicaSetController),
      expected: { refused: `${DENIED}expression '${rendered.policy.spec.validations[cloudValidationCount(cloud) + 1].expression}' resulted in error: field not found: apiVersion` },
    });
  }
  if (kind === 'CronJob') {
    const manual = jobOf(workload, 'manual-1');
    manual.metadata.name = 'payments-api-manual-1';
    cases.push({ name: 'a Job created by hand from the CronJob (kubectl create job --from)', attempt: create(manual, USERS.alice), expected: workloadRefused('Job', 'payments-api-manual-1', `${k.runsAsIt}; requested by ${USERS.alice}`) });
  }
  if (kind !== 'Pod') {
    const automountTemplate = clone(workload);
    templateOf(automountTemplate).spec.automountServiceAccountToken = true;
    cases.push({ name: `the ${kind} updated with automountServiceAccountToken: true`, attempt: update(workload, automountTemplate, USERS.deployer), expected: workloadRefused(kind, NAME, 'its pod template must set automountServiceAccountToken: false') });
    if (Object.keys(required).length > 0) {
      const relabelled = clone(workload);
      for (const key of Object.keys(required)) delete templateOf(relabelled).metadata.labels[key];
      cases.push({
        name: `the ${kind} updated without the selector's and the cloud webhook's labels on its pod template`,
        attempt: update(workload, relabelled, USERS.deployer),
        expected: workloadRefused(kind, NAME, `its pod template must carry the pod labels of ${kind} payments-api (${labels})`),
      });
    }
  }
  return cases;
}

/** A controller object of the same kind as the bound one, of another name, as a forged pod's owner. */
function foreignOwnerOf(kind: string): Obj {
  if (kind === 'CronJob') return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'shadow-29380935' } };
  return { apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, metadata: { name: 'shadow' } };
}

/** Validations of the ServiceAccount that come before the pod validations: automount, one per annotation, no others. */
function cloudValidationCount(cloud: Cloud): number {
  return 2 + Object.keys(cloud.annotations).length;
}

/** The API server mirrors `serviceAccountName` into the deprecated `serviceAccount` of a pod spec. */
function withPodMirror(workload: Obj): Obj {
  const spec = workload.kind === 'Pod' ? workload.spec : templateOf(workload).spec;
  if (spec.serviceAccountName !== undefined) spec.serviceAccount = spec.serviceAccountName;
  return workload;
}

/** The cases of a ServiceAccount bound to no workload. */
function unboundCases(): Case[] {
  const deployment = withPodMirror(clone(WORKLOADS.Deployment));
  deployment.spec.template.spec = { ...deployment.spec.template.spec, serviceAccountName: NAME, automountServiceAccountToken: false };
  const pod = podOf(replicaSetOf(deployment));
  pod.spec.automountServiceAccountToken = false;
  const why = 'it is bound to a cloud identity and to no workload, so no';
  return [
    { name: 'a pod by the ReplicaSet controller', attempt: create(pod, USERS.replicaSetController), expected: podRefused(pod.metadata.name, `${why} pod runs as it`) },
    { name: 'a bare pod by a user', attempt: create(attackerPod('debug'), USERS.alice), expected: podRefused('debug', `${why} pod runs as it`) },
    { name: 'a Deployment naming it', attempt: create(deployment, USERS.deployer), expected: workloadRefused('Deployment', NAME, `${why} workload runs as it`) },
  ];
}

function outcome(admission: Admission): Case['expected'] {
  if (!admission.allowed) return { refused: admission.message };
  return admission.evaluated ? 'allowed' : 'not-matched';
}

const BOUND_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];

describe.each(CLOUDS.map((cloud) => [cloud.name, cloud] as const))('%s', (_cloudName, cloud) => {
  describe.each(BOUND_KINDS)('bound to a %s', (kind) => {
    const rendered = render(cloud, kind);
    test.each([...boundCases(cloud, kind, rendered), ...serviceAccountCases(cloud, rendered)].map((c) => [c.name, c] as const))('%s', (_name, c) => {
      // GIVEN the policy and binding rendered for the ServiceAccount bound to the workload
      // WHEN the API server admits the request
      // THEN it answers as the matrix says, with the exact message
      expect(outcome(admit(rendered.policy, rendered.binding, c.attempt))).toEqual(c.expected);
    });
  });

  describe('bound to no workload', () => {
    const rendered = render(cloud);
    test.each([...unboundCases(), ...serviceAccountCases(cloud, rendered)].map((c) => [c.name, c] as const))('%s', (_name, c) => {
      expect(outcome(admit(rendered.policy, rendered.binding, c.attempt))).toEqual(c.expected);
    });
  });
});

describe('the admission model itself (negative controls)', () => {
  const rendered = render(CLOUDS[0], 'Deployment');

  test('a binding of another policy is not evaluated as this one', () => {
    expect(() => admit(rendered.policy, { ...rendered.binding, spec: { ...rendered.binding.spec, policyName: 'other' } }, create(attackerPod('debug'), USERS.alice)))
      .toThrow('binds other, not keyless-payments.payments-api');
  });

  test('a policy without its validations would admit the attacker\'s pod: the refusals come from the validations', () => {
    const empty = { ...rendered.policy, spec: { ...rendered.policy.spec, validations: [] } };
    expect(outcome(admit(empty, rendered.binding, create(attackerPod('debug'), USERS.alice)))).toBe('allowed');
  });

  test('a namespace the binding does not select is not evaluated', () => {
    expect(outcome(admit(rendered.policy, rendered.binding, { ...create(attackerPod('debug'), USERS.alice), namespaceLabels: { 'kubernetes.io/metadata.name': 'sandbox' } }))).toBe('not-matched');
  });

  test('a failing match condition denies (failurePolicy: Fail)', () => {
    const broken = { ...rendered.policy, spec: { ...rendered.policy.spec, matchConditions: [{ name: 'broken', expression: 'object.nope.x' }] } };
    expect(outcome(admit(broken, rendered.binding, create(attackerPod('debug'), USERS.alice))))
      .toEqual({ refused: `${DENIED}failed to evaluate match condition broken: field not found: nope` });
  });
});
