/**
 * IdentityAdmissionPolicy as a construct: rendered next to every identity-bound WorkloadServiceAccount, from the bound
 * workload's manifest as it is at synthesis; the per-chart opt-out for clusters older than 1.30; names; the templates.
 */
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { admit } from './api-server';
import { CLOUDS, NAME, NAMESPACE, Obj, podOf, replicaSetOf, SERVICE_ACCOUNT, USERS, WORKLOADS } from './fixtures';
import { checkoutService, reconciliationJob } from '../../examples/templates/app-team';
import { CloudIdentityBinding, IdentityAdmissionPolicy, WorkloadServiceAccount } from '../../src/constructs/k8s';
import { admissionPolicyName, boundWorkloadOf } from '../../src/core/kubernetes-admission';
import { OWNERSHIP, TODAY } from '../helpers/synth';
import { teamTargets } from '../helpers/team';

const IRSA = CLOUDS[0];

function chart(id = 'cluster'): Chart {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  return new Chart(app, id);
}

function account(scope: Chart, props: Partial<{ namespace: string; name: string; identity: CloudIdentityBinding }> = {}): WorkloadServiceAccount {
  return new WorkloadServiceAccount(scope, props.name ?? 'ServiceAccount', { ...SERVICE_ACCOUNT, ownership: OWNERSHIP, identity: IRSA.identity(), ...props });
}

const deployment = (scope: Chart, id = 'Deployment'): ApiObject => new ApiObject(scope, id, structuredClone(WORKLOADS.Deployment) as any);
const kinds = (scope: Chart): string[] => (Testing.synth(scope) as Obj[]).map((o) => `${o.kind} ${o.metadata.name}`);
const find = (scope: Chart, kind: string): Obj => (Testing.synth(scope) as Obj[]).find((o) => o.kind === kind)!;

const OWNERSHIP_LABELS = {
  'app.kubernetes.io/managed-by': 'keyless',
  'keyless.dev/environment': 'production',
  'keyless.dev/owner': 'team-payments',
  'keyless.dev/review-by': '2027-04-30',
  'keyless.dev/tier': '1',
};

describe('IdentityAdmissionPolicy next to a WorkloadServiceAccount', () => {
  test('an identity-bound ServiceAccount: the policy and binding after it, named keyless-NAMESPACE.NAME, with its ownership labels', () => {
    // GIVEN an IRSA-bound ServiceAccount bound to a Deployment
    const scope = chart();
    const sa = account(scope);
    sa.bindWorkload(deployment(scope));
    // WHEN the chart is synthesized
    const objects = Testing.synth(scope) as Obj[];
    // THEN the chart holds the ServiceAccount, the policy, the binding and the Deployment
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'ServiceAccount payments-api', 'ValidatingAdmissionPolicy keyless-payments.payments-api', 'ValidatingAdmissionPolicyBinding keyless-payments.payments-api', 'Deployment payments-api',
    ]);
    const [serviceAccount, policy, binding] = objects;
    expect(serviceAccount.metadata.annotations['keyless.dev/admission-policy']).toBe('keyless-payments.payments-api');
    for (const object of [policy, binding]) {
      expect(object.apiVersion).toBe('admissionregistration.k8s.io/v1');
      expect(object.metadata).toEqual({
        name: 'keyless-payments.payments-api',
        labels: OWNERSHIP_LABELS,
        annotations: { 'keyless.dev/protects-service-account': 'payments/payments-api' },
      });
    }
    expect(binding.spec).toEqual({
      policyName: 'keyless-payments.payments-api',
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } } },
    });
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'payments' } });
    expect(sa.admissionPolicy?.name).toBe('keyless-payments.payments-api');
    expect(sa.admissionPolicy?.policy?.kind).toBe('ValidatingAdmissionPolicy');
    expect(sa.identityAnnotations).toEqual(IRSA.annotations);
  });

  test('the rendered policy of a Deployment bound to an IRSA ServiceAccount (snapshot)', () => {
    const scope = chart();
    account(scope).bindWorkload(deployment(scope));
    expect(find(scope, 'ValidatingAdmissionPolicy')).toMatchSnapshot();
  });

  test('a ServiceAccount without identity has no policy and no annotation', () => {
    const scope = chart();
    const sa = new WorkloadServiceAccount(scope, 'ServiceAccount', { ...SERVICE_ACCOUNT, ownership: OWNERSHIP });
    sa.bindWorkload(deployment(scope));
    expect(kinds(scope)).toEqual(['ServiceAccount payments-api', 'Deployment payments-api']);
    expect(sa.admissionPolicy).toBeUndefined();
    expect(find(scope, 'ServiceAccount').metadata.annotations['keyless.dev/admission-policy']).toBeUndefined();
  });

  test('rendered at synthesis: a workload bound after the ServiceAccount, and selector labels patched after the binding, are what the policy admits', () => {
    const scope = chart();
    const sa = account(scope);
    const workload = deployment(scope);
    sa.bindWorkload(workload);
    workload.addJsonPatch(
      JsonPatch.add('/spec/selector/matchLabels/tier', 'api'),
      JsonPatch.add('/spec/template/metadata/labels/tier', 'api'),
      JsonPatch.add('/spec/template/metadata/labels/app.kubernetes.io~1version', '1.4.2'),
    );
    const objects = Testing.synth(scope) as Obj[];
    const [policy, binding, rendered] = ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'Deployment'].map((k) => objects.find((o) => o.kind === k)!);
    const pod = podOf(replicaSetOf(rendered));
    expect(admit(policy, binding, { operation: 'CREATE', object: pod, username: USERS.replicaSetController })).toEqual({ allowed: true, evaluated: true });
    // A per-release label is not required: the previous release's pods lack it (or carry another value).
    delete pod.metadata.labels['app.kubernetes.io/version'];
    expect(admit(policy, binding, { operation: 'CREATE', object: pod, username: USERS.replicaSetController })).toEqual({ allowed: true, evaluated: true });
    delete pod.metadata.labels.tier;
    expect(admit(policy, binding, { operation: 'CREATE', object: pod, username: USERS.replicaSetController })).toEqual({
      allowed: false,
      message: 'ValidatingAdmissionPolicy \'keyless-payments.payments-api\' with binding \'keyless-payments.payments-api\' denied request: Pod payments-api-7d4b9c8f6d-x7k2p '
        + 'may not run as ServiceAccount payments/payments-api: it must carry the pod labels of Deployment payments-api (app.kubernetes.io/name=payments-api, tier=api)',
    });
  });

  test('a ServiceAccount never bound renders the policy that admits no pod; binding it later changes that', () => {
    const scope = chart();
    const sa = account(scope);
    const unbound = find(scope, 'ValidatingAdmissionPolicy');
    expect(unbound.spec.validations.map((v: Obj) => v.message).filter((m: string) => m.includes('no workload'))).toEqual([
      'a Pod may not run as ServiceAccount payments/payments-api: it is bound to a cloud identity and to no workload, so no pod runs as it',
      'a workload may not run as ServiceAccount payments/payments-api: it is bound to a cloud identity and to no workload, so no workload runs as it',
    ]);
    sa.bindWorkload(deployment(scope));
    expect(find(scope, 'ValidatingAdmissionPolicy').spec.validations.some((v: Obj) => v.message.includes('no workload'))).toBe(false);
  });

  test('synthesis is deterministic', () => {
    const render = () => {
      const scope = chart();
      account(scope).bindWorkload(deployment(scope));
      return JSON.stringify(Testing.synth(scope));
    };
    expect(render()).toBe(render());
  });

  test('a second policy for the same ServiceAccount is refused (the cluster-scoped names would collide)', () => {
    const scope = chart();
    const sa = account(scope);
    expect(() => new IdentityAdmissionPolicy(scope, 'Again', { serviceAccount: sa })).toThrow(
      '[KL-K8S-ADMISSION-DUPLICATE] cluster/Again: `serviceAccount` is payments/payments-api, already protected by cluster/ServiceAccount/AdmissionPolicy: a second policy of the same cluster-scoped name would replace the first. Fix: use the existing policy (`account.admissionPolicy`).');
  });

  test('a policy for something that is not a WorkloadServiceAccount is refused', () => {
    expect(() => new IdentityAdmissionPolicy(chart(), 'Policy', { serviceAccount: {} as any })).toThrow(
      '[KL-PROP-TYPE] cluster/Policy: `serviceAccount`');
  });

  test('a pod template label that is not a string is refused at synthesis, naming the workload', () => {
    const scope = chart();
    const workload = deployment(scope);
    account(scope).bindWorkload(workload);
    workload.addJsonPatch(JsonPatch.add('/spec/template/metadata/labels/tier', 3));
    expect(() => Testing.synth(scope)).toThrow(
      '[KL-K8S-ADMISSION-WORKLOAD] cluster/ServiceAccount: `workload.spec.template.metadata.labels` holds "tier": 3, which is not a Kubernetes label');
  });
});

describe('names', () => {
  test('keyless-NAMESPACE.NAME: a namespace has no dot, so no two ServiceAccounts share a name', () => {
    expect(admissionPolicyName({ namespace: 'a-b', name: 'c' })).toBe('keyless-a-b.c');
    expect(admissionPolicyName({ namespace: 'a', name: 'b-c' })).toBe('keyless-a.b-c');
  });

  test('at most 253 characters: a longer name keeps its start and ends with a content hash', () => {
    const namespace = 'n'.repeat(63);
    const fits = 'a'.repeat(253 - 'keyless-'.length - 64);
    expect(admissionPolicyName({ namespace, name: fits })).toHaveLength(253);
    expect(admissionPolicyName({ namespace, name: fits })).toBe(`keyless-${namespace}.${fits}`);
    const long = admissionPolicyName({ namespace, name: `${fits}b` });
    expect(long).toHaveLength(253);
    expect(long).toMatch(/^keyless-n{63}\.a+-[0-9a-f]{12}$/);
    expect(admissionPolicyName({ namespace, name: `${fits}c` })).not.toBe(long);
    // A cut that ends in `.` or `-` is trimmed: the name stays a DNS-1123 subdomain.
    const dotted = admissionPolicyName({ namespace, name: `${'a'.repeat(fits.length - 13)}.${'b'.repeat(20)}` });
    expect(dotted).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
    expect(dotted.length).toBeLessThanOrEqual(253);
  });

  test('the bound workload is read from its manifest: kind, name, and the selector\'s and cloud webhook\'s pod labels', () => {
    const ctx = { path: 'p', today: TODAY };
    expect(boundWorkloadOf(WORKLOADS.Deployment, ctx)).toEqual({ kind: 'Deployment', name: NAME, requiredLabels: { 'app.kubernetes.io/name': NAME } });
    expect(boundWorkloadOf(WORKLOADS.CronJob, ctx)).toEqual({ kind: 'CronJob', name: NAME, requiredLabels: {} });
    expect(boundWorkloadOf(WORKLOADS.Pod, ctx)).toEqual({ kind: 'Pod', name: NAME, requiredLabels: {} });
    const aks = structuredClone(WORKLOADS.Job);
    aks.spec.template.metadata.labels = { ...aks.spec.template.metadata.labels, 'azure.workload.identity/use': 'true', 'app.kubernetes.io/version': '1.4.2' };
    expect(boundWorkloadOf(aks, ctx)).toEqual({ kind: 'Job', name: NAME, requiredLabels: { 'azure.workload.identity/use': 'true' } });
    const unselected = structuredClone(WORKLOADS.StatefulSet);
    unselected.spec.selector.matchLabels = { app: 'other' };
    expect(() => boundWorkloadOf(unselected, ctx)).toThrow(
      '[KL-K8S-ADMISSION-WORKLOAD] p: `workload.spec.selector.matchLabels` holds "app": "other", which `spec.template.metadata.labels` does not carry: the selector must select the pod template, and the policy requires the selector\'s labels on every pod. Fix: give the pod template the selector\'s labels, or select on the template\'s labels.');
    expect(() => boundWorkloadOf({ kind: 'ReplicationController', metadata: { name: NAME } }, ctx)).toThrow(
      '[KL-K8S-WORKLOAD-KIND] p: `workload` is a "ReplicationController": the admission policy knows the controllers of Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob. Fix: bind the object that owns the pod template.');
    expect(() => boundWorkloadOf({ kind: 'Job', metadata: { name: 'Payments' } }, ctx)).toThrow(
      '[KL-K8S-ADMISSION-WORKLOAD] p: `workload.metadata.name` is "Payments": the admission policy admits the Job by its name, a DNS-1123 subdomain of at most 253 characters. Fix: give the Job a literal name, e.g. "payments-api".');
  });
});

describe('IdentityAdmissionPolicy.optOut: clusters older than Kubernetes 1.30', () => {
  const OPTED_OUT = {
    'keyless.dev/admission-policy': 'opted-out',
    'keyless.dev/admission-policy-opt-out': 'Kubernetes 1.29 (ValidatingAdmissionPolicy is GA from 1.30): prod-eu runs 1.29 until its upgrade',
  };
  const options = { kubernetesVersion: '1.29', reason: 'prod-eu runs 1.29 until its upgrade' };
  const annotations = (scope: Chart, name = NAME) => (Testing.synth(scope) as Obj[]).find((o) => o.kind === 'ServiceAccount' && o.metadata.name === name)!.metadata.annotations;

  test('before the ServiceAccounts: no policy in the chart, the opt-out on each identity-bound ServiceAccount', () => {
    const scope = chart();
    IdentityAdmissionPolicy.optOut(scope, options);
    const sa = account(scope);
    sa.bindWorkload(deployment(scope));
    new WorkloadServiceAccount(scope, 'Plain', { namespace: NAMESPACE, name: 'plain', ownership: OWNERSHIP });
    expect(kinds(scope)).toEqual(['ServiceAccount payments-api', 'Deployment payments-api', 'ServiceAccount plain']);
    expect(annotations(scope)).toMatchObject(OPTED_OUT);
    expect(annotations(scope, 'plain')['keyless.dev/admission-policy']).toBeUndefined();
    expect(sa.admissionPolicy?.policy).toBeUndefined();
    expect(sa.admissionPolicy?.binding).toBeUndefined();
    expect(sa.admissionPolicy?.optedOut).toEqual({ kubernetesVersion: '1.29', reason: options.reason, annotation: OPTED_OUT['keyless.dev/admission-policy-opt-out'] });
    expect(IdentityAdmissionPolicy.optOutOf(scope)?.kubernetesVersion).toBe('1.29');
  });

  test('after the ServiceAccounts: their policies are removed, and the opt-out recorded', () => {
    const scope = chart();
    const sa = account(scope);
    sa.bindWorkload(deployment(scope));
    expect(kinds(scope)).toHaveLength(4);
    IdentityAdmissionPolicy.optOut(scope, { kubernetesVersion: 'v1.28.7', reason: options.reason });
    expect(kinds(scope)).toEqual(['ServiceAccount payments-api', 'Deployment payments-api']);
    expect(annotations(scope)).toMatchObject({
      'keyless.dev/admission-policy': 'opted-out',
      'keyless.dev/admission-policy-opt-out': 'Kubernetes 1.28 (ValidatingAdmissionPolicy is GA from 1.30): prod-eu runs 1.29 until its upgrade',
    });
  });

  test('per chart: another chart of the app keeps its policy; a chart nested in the opted-out one (same cluster) is opted out too', () => {
    const scope = chart('old');
    const other = new Chart(scope.node.scope as any, 'new');
    const nested = new Chart(scope, 'nested');
    const deeper = new Chart(nested, 'deeper');
    const before = account(deeper);
    IdentityAdmissionPolicy.optOut(scope, options);
    account(other);
    account(nested);
    expect(kinds(other)).toContain('ValidatingAdmissionPolicy keyless-payments.payments-api');
    expect(kinds(nested)).toEqual(['ServiceAccount payments-api']);
    expect(annotations(nested)).toMatchObject(OPTED_OUT);
    expect(kinds(deeper)).toEqual(['ServiceAccount payments-api']);
    expect(before.admissionPolicy?.optedOut?.kubernetesVersion).toBe('1.29');
    expect(IdentityAdmissionPolicy.optOutOf(nested)?.kubernetesVersion).toBe('1.29');
    expect(IdentityAdmissionPolicy.optOutOf(other)).toBeUndefined();
    expect(() => IdentityAdmissionPolicy.optOut(nested, options)).toThrow(
      '[KL-K8S-ADMISSION-OPT-OUT] old/nested: `chart` already opted out with old, the chart it is nested in (Kubernetes 1.29 (ValidatingAdmissionPolicy is GA from 1.30): prod-eu runs 1.29 until its upgrade): a chart opts out once, for its one cluster. Fix: call `IdentityAdmissionPolicy.optOut` once per chart, on the outermost chart of the cluster.');
  });

  test('a nested chart that opted out first keeps its own opt-out when the chart holding it opts out', () => {
    const scope = chart('old');
    const nested = new Chart(scope, 'nested');
    IdentityAdmissionPolicy.optOut(nested, { kubernetesVersion: '1.28', reason: options.reason });
    account(nested);
    IdentityAdmissionPolicy.optOut(scope, options);
    expect(IdentityAdmissionPolicy.optOutOf(nested)?.kubernetesVersion).toBe('1.28');
    expect(annotations(nested)['keyless.dev/admission-policy-opt-out']).toBe('Kubernetes 1.28 (ValidatingAdmissionPolicy is GA from 1.30): prod-eu runs 1.29 until its upgrade');
  });

  test.each([
    ['1.30', '`kubernetesVersion` is "1.30": ValidatingAdmissionPolicy is GA (admissionregistration.k8s.io/v1) from Kubernetes 1.30, so this cluster enforces the policy that stops other pods of the namespace from running as an identity-bound ServiceAccount. Fix: remove the opt-out; opt out only a chart for a cluster older than 1.30. See https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/'],
    ['1.33.2', '`kubernetesVersion` is "1.33.2": ValidatingAdmissionPolicy is GA'],
    ['1.29.', '`kubernetesVersion` is "1.29.": expected the cluster\'s Kubernetes version as MAJOR.MINOR, e.g. "1.29". Fix: give the version `kubectl version` reports for the cluster\'s server, e.g. "1.29".'],
    ['2.0', '`kubernetesVersion` is "2.0": expected the cluster\'s Kubernetes version as MAJOR.MINOR'],
    ['1.3', '`kubernetesVersion` is "1.3": Kubernetes 1.3 predates projected service account tokens (GA in 1.20), which every workload identity Keyless binds reads, so no such cluster runs one. Fix: give the cluster\'s version (1.20–1.29) as `kubectl version` reports it; a cluster of 1.30 or newer enforces the policy: remove the opt-out. See https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#serviceaccount-token-volume-projection'],
    ['1.19', '`kubernetesVersion` is "1.19": Kubernetes 1.19 predates projected service account tokens (GA in 1.20)'],
    ['v1.31.2-eks-7f9249a', '`kubernetesVersion` is "v1.31.2-eks-7f9249a": ValidatingAdmissionPolicy is GA'],
    ['1.29-eks', '`kubernetesVersion` is "1.29-eks": expected'],
    ['v1.29.10-', '`kubernetesVersion` is "v1.29.10-": expected'],
    ['latest', '`kubernetesVersion` is "latest": expected'],
    [129, '`kubernetesVersion` is 129: expected'],
  ])('version %p is refused', (kubernetesVersion, message) => {
    expect(() => IdentityAdmissionPolicy.optOut(chart(), { kubernetesVersion: kubernetesVersion as string, reason: options.reason })).toThrow(`[KL-K8S-ADMISSION-OPT-OUT] cluster: ${message}`);
  });

  test.each([['1.29', '1.29'], ['v1.20.0', '1.20'], ['v1.28.15-eks-a737599', '1.28'], ['v1.27.16-gke.2703000', '1.27'], ['v1.29.4+k3s1', '1.29']])(
    'version %p opts out as %p', (kubernetesVersion, minor) => {
      const scope = chart();
      IdentityAdmissionPolicy.optOut(scope, { kubernetesVersion, reason: options.reason });
      expect(IdentityAdmissionPolicy.optOutOf(scope)?.kubernetesVersion).toBe(minor);
    });

  test('the boundary: 1.29 opts out, 1.30 does not', () => {
    expect(() => IdentityAdmissionPolicy.optOut(chart(), { kubernetesVersion: '1.29', reason: options.reason })).not.toThrow();
    expect(() => IdentityAdmissionPolicy.optOut(chart(), { kubernetesVersion: '1.30', reason: options.reason })).toThrow('[KL-K8S-ADMISSION-OPT-OUT]');
  });

  test.each([
    [undefined, 'undefined'],
    ['', '""'],
    ['ok', '"ok"'],
    ['two\nlines', '"two\\nlines"'],
    ['x'.repeat(201), `"${'x'.repeat(201)}"`],
  ])('reason %p is refused', (reason, shown) => {
    expect(() => IdentityAdmissionPolicy.optOut(chart(), { kubernetesVersion: '1.29', reason: reason as string })).toThrow(
      `[KL-K8S-ADMISSION-OPT-OUT] cluster: \`reason\` is ${shown}`);
  });

  test('a chart opts out once; the options and the chart are checked', () => {
    const scope = chart();
    IdentityAdmissionPolicy.optOut(scope, options);
    expect(() => IdentityAdmissionPolicy.optOut(scope, options)).toThrow(
      '[KL-K8S-ADMISSION-OPT-OUT] cluster: `chart` already opted out (Kubernetes 1.29 (ValidatingAdmissionPolicy is GA from 1.30): prod-eu runs 1.29 until its upgrade): a chart opts out once, for its one cluster. Fix: call `IdentityAdmissionPolicy.optOut` once per chart.');
    expect(() => IdentityAdmissionPolicy.optOut({} as Chart, options)).toThrow(
      '[KL-PROP-TYPE] IdentityAdmissionPolicy.optOut: `chart` is {}: expected the cdk8s Chart of the cluster that runs a Kubernetes older than 1.30.');
    expect(() => IdentityAdmissionPolicy.optOut(chart(), undefined as any)).toThrow('[KL-PROP-TYPE] cluster: `options` is undefined');
  });
});

describe('templates get their policies', () => {
  test('DeployService and ScheduledJob: one policy per cluster ServiceAccount, admitting their Deployment and CronJob', () => {
    const t = teamTargets();
    checkoutService(t);
    reconciliationJob(t);
    for (const scope of [t.eksChart, t.gkeChart]) {
      const objects = Testing.synth(scope) as Obj[];
      const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
      const accounts = objects.filter((o) => o.kind === 'ServiceAccount');
      expect(policies.map((p) => p.metadata.annotations['keyless.dev/protects-service-account']))
        .toEqual(accounts.map((a) => `${a.metadata.namespace}/${a.metadata.name}`));
      expect(accounts.map((a) => a.metadata.annotations['keyless.dev/admission-policy'])).toEqual(policies.map((p) => p.metadata.name));
      for (const policy of policies) {
        const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === policy.metadata.name)!;
        const [namespace, name] = policy.metadata.annotations['keyless.dev/protects-service-account'].split('/');
        const workload = objects.find((o) => ['Deployment', 'CronJob'].includes(o.kind) && o.metadata.name === name && o.metadata.namespace === namespace)!;
        expect(admit(policy, binding, { operation: 'CREATE', object: workload, username: USERS.deployer })).toEqual({ allowed: true, evaluated: true });
      }
    }
  });
});
