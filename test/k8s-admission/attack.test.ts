/**
 * Attacks on the admission policy, and legitimate operations it must not break, evaluated with the project's API-server
 * model (test/k8s-admission/api-server.ts). Each test asserts the CORRECT behaviour; a failing test is a finding.
 *
 * The attacker holds create/update/patch on pods, deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs and
 * serviceaccounts in the namespace, but not update on the bound workload itself where that matters.
 */
import { ApiObject, ApiObjectProps, Chart, Testing } from 'cdk8s';
import { admit, Admission, AdmissionAttempt } from './api-server';
import {
  CLOUDS, controllerChain, jobOf, NAME, NAMESPACE, Obj, ownerReference, podOf, render, replicaSetOf, SERVICE_ACCOUNT, templateOf, USERS, WORKLOADS,
} from './fixtures';
import { IdentityAdmissionPolicy, WorkloadServiceAccount } from '../../src/constructs/k8s';
import { admissionPolicyName } from '../../src/core/kubernetes-admission';
import { OWNERSHIP, TODAY } from '../helpers/synth';

const POLICY = 'keyless-payments.payments-api';
const DENIED = `ValidatingAdmissionPolicy '${POLICY}' with binding '${POLICY}' denied request: `;
const SA = 'ServiceAccount payments/payments-api';
const IRSA = CLOUDS[0];
const AKS = CLOUDS[4];

const clone = <T>(value: T): T => structuredClone(value);
const create = (object: Obj, username: string): AdmissionAttempt => ({ operation: 'CREATE', object, username });
const update = (oldObject: Obj, object: Obj, username: string): AdmissionAttempt => ({ operation: 'UPDATE', object, oldObject, username });
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A refusal of the pod by this policy, whatever the fixer words the reason. */
const podRefusal = (pod: string) => ({ allowed: false, message: expect.stringMatching(new RegExp(`^${escape(`${DENIED}Pod ${pod} may not run as ${SA}: `)}.+`)) });
const admitted = (result: Admission): boolean => result.allowed;

function chart(): Chart {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  return new Chart(app, 'cluster');
}

/** The policy, binding and workload of a ServiceAccount bound to `manifest`, rendered by the real constructs. */
function renderWorkload(manifest: Obj, cloud = IRSA): { policy: Obj; binding: Obj; workload: Obj } {
  const scope = chart();
  const account = new WorkloadServiceAccount(scope, 'ServiceAccount', { ...SERVICE_ACCOUNT, ownership: OWNERSHIP, identity: cloud.identity() });
  account.bindWorkload(new ApiObject(scope, 'Workload', clone(manifest) as ApiObjectProps));
  const objects = Testing.synth(scope) as Obj[];
  const workload = objects.find((o) => o.kind === manifest.kind)!;
  const spec = workload.kind === 'Pod' ? workload.spec : templateOf(workload).spec;
  spec.serviceAccount = spec.serviceAccountName; // the API server mirrors the deprecated field
  return { policy: objects.find((o) => o.kind === 'ValidatingAdmissionPolicy')!, binding: objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding')!, workload };
}

/** A workload manifest whose pod template also carries a per-release label (`app.kubernetes.io/version`), as Helm charts write it. */
function versioned(kind: string, version: string): Obj {
  const manifest = clone(WORKLOADS[kind]);
  const template = kind === 'Pod' ? manifest : templateOf(manifest);
  template.metadata.labels = { ...template.metadata.labels, 'app.kubernetes.io/version': version };
  return manifest;
}

// ---------------------------------------------------------------------------------------------------------------------
// 1. A running pod's container image is mutable: `update pods` runs any code as the ServiceAccount.

describe('attack: changing the image of a running pod that runs as the ServiceAccount', () => {
  // Kubernetes ValidatePodUpdate (pkg/apis/core/validation): "pod updates may not change fields other than
  // `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` …": the
  // image IS mutable, and the kubelet restarts the container with the new image, with the pod's projected token mounted.
  describe.each(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'])('bound to a %s', (kind) => {
    const rendered = render(IRSA, kind);
    const workload = clone(rendered.workload!);
    const spec = kind === 'Pod' ? workload.spec : templateOf(workload).spec;
    spec.serviceAccount = spec.serviceAccountName;
    const pod = kind === 'Pod' ? workload : controllerChain(workload).slice(-1)[0].object;

    test('kubectl set image pod/… (UPDATE pods, spec.containers[0].image) by a user is refused', () => {
      // GIVEN the pod the bound workload's controller created, running as the ServiceAccount
      const tampered = clone(pod);
      tampered.spec.containers[0].image = 'ghcr.io/attacker/shell:latest';
      // WHEN a user with `patch pods` swaps its image
      const result = admit(rendered.policy, rendered.binding, update(pod, tampered, USERS.alice));
      // THEN the policy refuses: the new image would run as the ServiceAccount with its cloud identity
      expect(result).toEqual(podRefusal(pod.metadata.name));
    });

    test('legitimate pod updates stay admitted: labels, the Job controller\'s finalizer, the garbage collector\'s owner references', () => {
      const relabelled = { ...clone(pod), metadata: { ...clone(pod.metadata), labels: { ...pod.metadata.labels, 'cluster-autoscaler': 'x' } } };
      const finalized = { ...clone(pod), metadata: { ...clone(pod.metadata), finalizers: ['batch.kubernetes.io/job-tracking'] } };
      const released = clone(pod);
      delete released.metadata.ownerReferences;
      expect(admitted(admit(rendered.policy, rendered.binding, update(pod, relabelled, USERS.alice)))).toBe(true);
      expect(admitted(admit(rendered.policy, rendered.binding, update(finalized, pod, USERS.jobController)))).toBe(true);
      expect(admitted(admit(rendered.policy, rendered.binding, update(pod, released, USERS.garbageCollector)))).toBe(true);
      expect(admitted(admit(rendered.policy, rendered.binding, { ...update(pod, pod, 'system:node:ip-10-0-1-23.ec2.internal'), subResource: 'status' }))).toBe(true);
    });
  });

  test('an init container\'s image swapped (a restartable sidecar restarts with it) is refused', () => {
    const rendered = render(IRSA, 'Deployment');
    const pod = controllerChain(rendered.workload!).slice(-1)[0].object;
    pod.spec.initContainers = [{ name: 'proxy', image: 'registry.example.com/proxy:1.0', restartPolicy: 'Always' }];
    const tampered = clone(pod);
    tampered.spec.initContainers[0].image = 'ghcr.io/attacker/shell:latest';
    expect(admit(rendered.policy, rendered.binding, update(pod, tampered, USERS.alice))).toEqual(podRefusal(pod.metadata.name));
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// 2. The policy requires every pod template label with its value at synthesis: labels that change per release (a version,
//    Helm's chart label) make it refuse the previous release's pods and a rollback. The selector labels (immutable in
//    apps/v1) and the cloud webhook's label identify the workload; the requester and the owner reference already prove
//    who made the pod.

describe('legitimate: rollouts and rollbacks when the pod template carries a per-release label', () => {
  test('kubectl rollout undo (the Deployment patched back to the previous template) is admitted', () => {
    // GIVEN release 1.5.0 rendered (policy and Deployment), the previous release 1.4.0 stored
    const { policy, binding, workload } = renderWorkload(versioned('Deployment', '1.5.0'));
    const previous = clone(workload);
    previous.spec.template.metadata.labels['app.kubernetes.io/version'] = '1.4.0';
    // WHEN the operator rolls back
    const result = admit(policy, binding, update(workload, previous, USERS.deployer));
    // THEN it is admitted: it is the bound Deployment, by the deployer, as it ran yesterday
    expect(result).toEqual({ allowed: true, evaluated: true });
  });

  test('the previous ReplicaSet re-creating a pod (during the rollout, or scaled up again by a rollback) is admitted', () => {
    const { policy, binding, workload } = renderWorkload(versioned('Deployment', '1.5.0'));
    const previous = clone(workload);
    previous.spec.template.metadata.labels['app.kubernetes.io/version'] = '1.4.0';
    const oldReplicaSet = replicaSetOf(previous, '5f6c7d8e9a');
    expect(admit(policy, binding, create(podOf(oldReplicaSet), USERS.replicaSetController))).toEqual({ allowed: true, evaluated: true });
  });

  test('a StatefulSet partitioned rollout: the controller re-creates an ordinal below the partition from the current revision', () => {
    const { policy, binding, workload } = renderWorkload(versioned('StatefulSet', '1.5.0'));
    const currentRevision = clone(workload);
    currentRevision.spec.template.metadata.labels['app.kubernetes.io/version'] = '1.4.0';
    expect(admit(policy, binding, create(podOf(currentRevision), USERS.statefulSetController))).toEqual({ allowed: true, evaluated: true });
  });

  test('a Job created by the CronJob before the release retries a failed pod (backoffLimit) after it', () => {
    const { policy, binding, workload } = renderWorkload(versioned('CronJob', '1.5.0'));
    const before = clone(workload);
    before.spec.jobTemplate.spec.template.metadata.labels['app.kubernetes.io/version'] = '1.4.0';
    const job = jobOf(before);
    expect(admit(policy, binding, create(podOf(job, 'r2x9q'), USERS.jobController))).toEqual({ allowed: true, evaluated: true });
  });

  test('still refused: a user\'s bare pod with every label (the per-release label adds no protection)', () => {
    const { policy, binding, workload } = renderWorkload(versioned('Deployment', '1.5.0'));
    const pod = podOf(replicaSetOf(workload));
    expect(admit(policy, binding, create({ ...pod, metadata: { ...pod.metadata, name: 'debug' } }, USERS.alice))).toMatchObject({ allowed: false });
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// 3. Documented "does not stop" items that a ValidatingAdmissionPolicy can stop cheaply (no controller needs them).

describe('documented gaps the policy could close', () => {
  test('an ephemeral container added to the bound pod (UPDATE pods/ephemeralcontainers, `kubectl debug`) by a user is refused', () => {
    // An ephemeral container runs as the pod's ServiceAccount and may mount the pod's projected token volume.
    const rendered = render(IRSA, 'Deployment');
    const pod = controllerChain(rendered.workload!).slice(-1)[0].object;
    const debugged = clone(pod);
    debugged.spec.ephemeralContainers = [{ name: 'debugger', image: 'busybox', targetContainerName: 'api', volumeMounts: [{ name: 'keyless-token', mountPath: '/t' }] }];
    const result = admit(rendered.policy, rendered.binding, { ...update(pod, debugged, USERS.alice), subResource: 'ephemeralcontainers' });
    expect(result).toEqual(podRefusal(pod.metadata.name));
  });

  test('a token minted for the ServiceAccount by a user (CREATE serviceaccounts/token, `kubectl create token`) is refused; the kubelet\'s is admitted', () => {
    // The default `edit` ClusterRole grants create on serviceaccounts/token (bootstrappolicy/policy.go,
    // system:aggregate-to-edit); a token with audience sts.amazonaws.com is the IAM role, without any pod.
    const rendered = render(IRSA, 'Deployment');
    const tokenRequest = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: NAME, namespace: NAMESPACE },
      spec: { audiences: ['sts.amazonaws.com'], expirationSeconds: 3600 },
    };
    const byUser = admit(rendered.policy, rendered.binding, { ...create(tokenRequest, USERS.alice), subResource: 'token' });
    expect(byUser).toMatchObject({ allowed: false });
    const byKubelet = admit(rendered.policy, rendered.binding, { ...create(tokenRequest, 'system:node:ip-10-0-1-23.ec2.internal'), subResource: 'token' });
    expect(byKubelet.allowed).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// 4. The opt-out: version strings as `kubectl version` prints them, and a typo that opts a current cluster out.

describe('IdentityAdmissionPolicy.optOut version strings', () => {
  const reason = 'prod-eu runs 1.29 until its upgrade';
  // The refusal's own fix says "give the version `kubectl version` reports for the cluster's server": on EKS and GKE that
  // is `v1.29.10-eks-7f9249a` / `v1.29.8-gke.1031000` (k3s: `v1.29.4+k3s1`).
  test.each(['v1.29.10-eks-7f9249a', 'v1.29.8-gke.1031000', 'v1.29.4+k3s1'])('the server version %p, as kubectl version prints it, opts out as 1.29', (kubernetesVersion) => {
    const scope = chart();
    IdentityAdmissionPolicy.optOut(scope, { kubernetesVersion, reason });
    expect(IdentityAdmissionPolicy.optOutOf(scope)?.kubernetesVersion).toBe('1.29');
  });

  test('"1.3" (a typo of 1.30; Kubernetes 1.3 has no projected service account tokens, GA in 1.20) is refused', () => {
    expect(() => IdentityAdmissionPolicy.optOut(chart(), { kubernetesVersion: '1.3', reason }))
      .toThrow('[KL-K8S-ADMISSION-OPT-OUT] cluster: `kubernetesVersion` is "1.3"');
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Attacks that held up (regression guards; these pass).

describe('held up', () => {
  test('long names: a 63-character namespace and a 253-character ServiceAccount name give a valid, distinct policy name', () => {
    const namespace = `n${'a'.repeat(61)}z`;
    const name = `${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(70)}`;
    const a = admissionPolicyName({ namespace, name });
    const b = admissionPolicyName({ namespace, name: `${name.slice(0, -1)}f` });
    expect(a.length).toBeLessThanOrEqual(253);
    expect(a).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
    expect(a).not.toBe(b);
  });

  test('HPA / kubectl scale (UPDATE deployments/scale) is not evaluated; a Deployment\'s ReplicaSet scaled by the controller is admitted', () => {
    const rendered = render(IRSA, 'Deployment');
    const scaled = clone(rendered.workload!);
    scaled.spec.replicas = 7;
    expect(admit(rendered.policy, rendered.binding, { ...update(rendered.workload!, scaled, 'system:serviceaccount:kube-system:horizontal-pod-autoscaler'), subResource: 'scale' }))
      .toEqual({ allowed: true, evaluated: false });
    const replicaSet = replicaSetOf(rendered.workload!);
    const scaledSet = { ...clone(replicaSet), spec: { ...clone(replicaSet.spec), replicas: 7 } };
    expect(admit(rendered.policy, rendered.binding, update(replicaSet, scaledSet, USERS.deploymentController)))
      .toEqual({ allowed: true, evaluated: true });
  });

  test('kubectl rollout restart (an annotation on the template) and the new ReplicaSet are admitted', () => {
    const rendered = render(AKS, 'Deployment');
    const allowed = { allowed: true, evaluated: true };
    const restarted = clone(rendered.workload!);
    restarted.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-11-22T10:00:00Z' };
    expect(admit(rendered.policy, rendered.binding, update(rendered.workload!, restarted, USERS.deployer))).toEqual(allowed);
    const replicaSet = replicaSetOf(restarted, '6b5a4c3d2e');
    expect(admit(rendered.policy, rendered.binding, create(replicaSet, USERS.deploymentController))).toEqual(allowed);
    expect(admit(rendered.policy, rendered.binding, create(podOf(replicaSet), USERS.replicaSetController))).toEqual(allowed);
  });

  test('CronJob suspend and a Job\'s backoffLimit change leave the template as it was: admitted', () => {
    const rendered = render(IRSA, 'CronJob');
    const suspended = { ...clone(rendered.workload!), spec: { ...clone(rendered.workload!.spec), suspend: true } };
    expect(admit(rendered.policy, rendered.binding, update(rendered.workload!, suspended, USERS.alice))).toEqual({ allowed: true, evaluated: true });
    const job = jobOf(rendered.workload!);
    expect(admit(rendered.policy, rendered.binding, update(job, { ...clone(job), spec: { ...clone(job.spec), backoffLimit: 2 } }, USERS.alice)))
      .toEqual({ allowed: true, evaluated: true });
  });

  test('kubectl label sa and an SSA re-apply of the ServiceAccount with managedFields are admitted', () => {
    const rendered = render(IRSA, 'Deployment');
    const sa = rendered.serviceAccount;
    const labelled = { ...clone(sa), metadata: { ...clone(sa.metadata), labels: { ...sa.metadata.labels, team: 'payments' }, managedFields: [{ manager: 'argocd-controller', operation: 'Apply' }] } };
    expect(admit(rendered.policy, rendered.binding, update(sa, labelled, USERS.deployer))).toEqual({ allowed: true, evaluated: true });
  });

  test('a ReplicaSet the attacker owns, updated from another ServiceAccount to this one, is refused (the template changed)', () => {
    const rendered = render(IRSA, 'Deployment');
    const mine = replicaSetOf({ ...clone(rendered.workload!), metadata: { ...rendered.workload!.metadata, name: 'payments-api-x' } }, 'aaaa');
    mine.metadata.name = 'payments-api-7d4b9c8f6d0';
    mine.metadata.ownerReferences = [ownerReference(rendered.workload!)];
    const before = clone(mine);
    before.spec.template.spec.serviceAccountName = 'other';
    before.spec.template.spec.serviceAccount = 'other';
    mine.spec.template.spec.serviceAccount = NAME;
    expect(admit(rendered.policy, rendered.binding, update(before, mine, USERS.alice))).toMatchObject({ allowed: false });
  });
});
