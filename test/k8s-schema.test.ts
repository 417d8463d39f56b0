/**
 * Every Kubernetes object Keyless produces, in the examples' out/k8s manifests and in several WorkloadServiceAccount
 * configurations, is validated against the official Kubernetes OpenAPI schemas with `kubernetes-models`
 * (shared/REFERENCE.md, section "Kubernetes").
 *
 * `kubernetes-models` is ESM-only (its `exports` map has only `import` conditions), which Jest's CommonJS runtime
 * cannot load; the validation runs in a child Node process instead, as an ES module (one for the file), with the
 * objects as JSON lines on stdin. Note that these schemas accept unknown fields (the API server's strict field validation is not modelled).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App as AwsApp, Stack } from 'aws-cdk-lib/core';
import { ApiObject, Chart, Testing } from 'cdk8s';
// yaml is cdk8s's own YAML library (installed as its dependency); package.json is outside this suite's remit.
// eslint-disable-next-line import/no-extraneous-dependencies
import { parseAllDocuments } from 'yaml';
import { synthesizedExamples } from './helpers/examples';
import { DETECTION_ROUTES, OWNERSHIP, TODAY } from './helpers/synth';
import { CLOUDS, render, WORKLOADS } from './k8s-admission/fixtures';
import * as aws from '../src/constructs/aws';
import { BindWorkloadOptions, CloudIdentityBinding, IdentityAdmissionPolicy, WorkloadServiceAccount } from '../src/constructs/k8s';

type Obj = Record<string, any>;

interface Validation {
  readonly ok: boolean;
  readonly error?: string;
}

const REPO = path.resolve(__dirname, '..');

/**
 * The ES module run by the child process: reads one JSON array of objects per line and answers each line with one
 * line, the validation of each object with the model of its apiVersion and kind.
 */
const VALIDATOR = `
import { createInterface } from 'readline';
import { Pod, ServiceAccount } from 'kubernetes-models/v1';
import { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1';
const models = new Map([ServiceAccount, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding]
  .map((model) => [model.apiVersion + '/' + model.kind, model]));
for await (const line of createInterface({ input: process.stdin })) {
  const results = JSON.parse(line).map((object) => {
    const Model = models.get(object.apiVersion + '/' + object.kind);
    if (Model === undefined) return { ok: false, error: 'no model for ' + object.apiVersion + '/' + object.kind };
    try {
      new Model(object).validate();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: String(error && error.message) };
    }
  });
  process.stdout.write(JSON.stringify(results) + '\\n');
}
`;

/** One validator process for the whole file, started on first use: loading the models is most of its time. */
interface Validator {
  readonly child: ChildProcess;
  /** The validations sent and not answered yet, in order. */
  readonly waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }>;
}
let validator: Validator | undefined;

afterAll(() => {
  validator?.child.stdin?.end();
  validator = undefined;
});

function validatorProcess(): Validator {
  if (validator) return validator;
  const child = spawn(process.execPath, ['--input-type=module', '-e', VALIDATOR], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  const started: Validator = { child, waiting: [] };
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (let newline = stdout.indexOf('\n'); newline >= 0; newline = stdout.indexOf('\n')) {
      const line = stdout.slice(0, newline);
      stdout = stdout.slice(newline + 1);
      started.waiting.shift()?.resolve(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  child.on('exit', (code, signal) => {
    // A validator that cannot start (kubernetes-models missing) or dies fails every pending validation, loudly.
    for (const { reject } of started.waiting.splice(0)) reject(new Error(`the validator exited (${signal ?? code}): ${stderr}`));
    if (validator === started) validator = undefined;
  });
  validator = started;
  return started;
}

/** Validates objects against the Kubernetes schemas (in the file's validator process). */
async function validate(objects: Obj[]): Promise<Validation[]> {
  const { child, waiting } = validatorProcess();
  const line = await new Promise<string>((resolve, reject) => {
    waiting.push({ resolve, reject });
    child.stdin!.write(`${JSON.stringify(objects)}\n`);
  });
  const results = JSON.parse(line) as Validation[];
  if (results.length !== objects.length) throw new Error(`validated ${results.length} of ${objects.length} objects`);
  return results;
}

/** `KIND NAMESPACE/NAME: error` for every invalid object; empty when all are valid. */
async function invalid(objects: Obj[]): Promise<string[]> {
  return (await validate(objects)).flatMap((result, i) => result.ok
    ? []
    : [`${objects[i].kind} ${objects[i].metadata?.namespace}/${objects[i].metadata?.name}: ${result.error}`]);
}

const deploymentManifest = (containers: Obj[], volumes?: Obj[]): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'payments-api', namespace: 'payments' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { 'app.kubernetes.io/name': 'payments-api' } },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'payments-api' } },
      spec: { containers, ...(volumes ? { volumes } : {}) },
    },
  },
});

const cronJobManifest = (containers: Obj[]): Obj => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'settlement-import', namespace: 'payments' },
  spec: {
    schedule: '15 2 * * *',
    jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers } } } },
  },
});

const API = { name: 'api', image: 'registry.example.com/payments-api:1.4.2' };
const SIDECAR = {
  name: 'proxy',
  image: 'registry.example.com/proxy:2.0.0',
  volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
};

/** An IRSA identity for payments/payments-api, in a stack with an explicit environment (for the role ARN). */
function irsaIdentity(): aws.WorkloadIdentity {
  const app = new AwsApp({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  const stack = new Stack(app, 'Workload', { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false });
  return new aws.WorkloadIdentity(stack, 'PaymentsApi', {
    name: 'payments-api',
    ownership: OWNERSHIP,
    serviceAccount: { namespace: 'payments', name: 'payments-api' },
    eks: { kind: 'irsa', issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C' },
  });
}

interface Configuration {
  readonly name: string;
  readonly workload: Obj;
  readonly identity?: () => CloudIdentityBinding;
  readonly options?: BindWorkloadOptions;
}

const TOKEN: BindWorkloadOptions = { tokenAudience: 'sts.amazonaws.com', tokenExpirationSeconds: 900 };

const CONFIGURATIONS: Configuration[] = [
  { name: 'Deployment, no identity, no token', workload: deploymentManifest([API]) },
  { name: 'Deployment, projected token', workload: deploymentManifest([API]), options: TOKEN },
  {
    name: 'Deployment with two containers and a volume of its own, IRSA identity, projected token',
    workload: deploymentManifest([API, SIDECAR], [{ name: 'cache', emptyDir: {} }]),
    identity: () => CloudIdentityBinding.aws(irsaIdentity()),
    options: TOKEN,
  },
  { name: 'CronJob, no identity, no token', workload: cronJobManifest([API]) },
  { name: 'CronJob, projected token', workload: cronJobManifest([API]), options: TOKEN },
  {
    name: 'CronJob, AKS identity (pod label), projected token',
    workload: cronJobManifest([API, SIDECAR]),
    identity: () => CloudIdentityBinding.azure({ serviceAccount: { namespace: 'payments', name: 'payments-api' } }, '6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31'),
    options: TOKEN,
  },
];

/** Synthesizes a WorkloadServiceAccount bound to the workload: the ServiceAccount, its admission policy and binding (with an identity), the workload. */
function synthesize(configuration: Configuration): { serviceAccount: Obj; workload: Obj; admission: Obj[] } {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  app.node.setContext('keyless:detections', DETECTION_ROUTES);
  const chart = new Chart(app, 'test');
  const account = new WorkloadServiceAccount(chart, 'ServiceAccount', {
    namespace: 'payments', name: 'payments-api', ownership: OWNERSHIP, identity: configuration.identity?.(),
  });
  const workload = new ApiObject(chart, 'Workload', JSON.parse(JSON.stringify(configuration.workload)));
  account.bindWorkload(workload, configuration.options);
  const objects = Testing.synth(chart) as Obj[];
  const admission = configuration.identity === undefined ? [] : ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];
  expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', ...admission, configuration.workload.kind]);
  return { serviceAccount: objects[0], workload: objects[objects.length - 1], admission: objects.slice(1, -1) };
}

const podSpecOf = (workload: Obj): Obj => workload.kind === 'CronJob'
  ? workload.spec.jobTemplate.spec.template.spec
  : workload.spec.template.spec;
const podMetadataOf = (workload: Obj): Obj => workload.kind === 'CronJob'
  ? workload.spec.jobTemplate.spec.template.metadata
  : workload.spec.template.metadata;

describe('Kubernetes schemas', () => {
  describe('negative controls: the validator rejects invalid objects', () => {
    test('a ServiceAccount with automountServiceAccountToken: "no"', async () => {
      const [result] = await validate([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'payments-api', namespace: 'payments' }, automountServiceAccountToken: 'no' }]);
      expect(result.ok).toBe(false);
      expect(result.error).toContain('data/automountServiceAccountToken must be boolean');
    });

    test('a Deployment whose projected token has a string expirationSeconds', async () => {
      const [result] = await validate([deploymentManifest([API], [{
        name: 'keyless-token', projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: '900', path: 'token' } }] },
      }])]);
      expect(result.ok).toBe(false);
      expect(result.error).toContain('expirationSeconds must be integer');
    });

    test('a Deployment without selector, and a CronJob without schedule', async () => {
      const deployment = deploymentManifest([API]);
      delete deployment.spec.selector;
      const cronJob = cronJobManifest([API]);
      delete cronJob.spec.schedule;
      const results = await validate([deployment, cronJob]);
      expect(results.map((r) => r.ok)).toEqual([false, false]);
      expect(results[0].error).toContain('data/spec must have required property selector');
      expect(results[1].error).toContain('data/spec must have required property schedule');
    });

    test('a container whose volume mount has readOnly: "true"', async () => {
      const [result] = await validate([deploymentManifest([{ ...API, volumeMounts: [{ name: 'x', mountPath: '/x', readOnly: 'true' }] }], [{ name: 'x', emptyDir: {} }])]);
      expect(result.ok).toBe(false);
      expect(result.error).toContain('readOnly must be boolean');
    });

    test('an object of a kind the validator has no model for is not silently accepted', async () => {
      const [result] = await validate([{ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'x' } }]);
      expect(result).toEqual({ ok: false, error: 'no model for apps/v1beta1/Deployment' });
    });

    test('a ValidatingAdmissionPolicy with failurePolicy "Deny", a binding without policyName, a binding that "Refuse"s', async () => {
      const vap = 'admissionregistration.k8s.io/v1';
      const results = await validate([
        { apiVersion: vap, kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' }, spec: { failurePolicy: 'Deny', validations: [{ expression: 'true' }] } },
        { apiVersion: vap, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'p' }, spec: { validationActions: ['Deny'] } },
        { apiVersion: vap, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'p' }, spec: { policyName: 'p', validationActions: ['Refuse'] } },
      ]);
      expect(results.map((r) => r.error)).toEqual([
        'data/spec/failurePolicy must be equal to one of the allowed values',
        'data/spec must have required property policyName',
        'data/spec/validationActions/0 must be equal to one of the allowed values',
      ]);
    });

    test('a valid object passes (the controls fail for their error, not for the harness)', async () => {
      expect(await validate([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'payments-api', namespace: 'payments' }, automountServiceAccountToken: false }]))
        .toEqual([{ ok: true }]);
    });
  });

  describe('the examples\' out/k8s manifests', () => {
    let objects: Obj[] = [];
    beforeAll(() => {
      const k8sDir = path.join(synthesizedExamples(), 'k8s');
      objects = fs.readdirSync(k8sDir).filter((f) => f.endsWith('.k8s.yaml')).sort().flatMap((file) => {
        const documents = parseAllDocuments(fs.readFileSync(path.join(k8sDir, file), 'utf8'));
        if (!Array.isArray(documents)) throw new Error(`${file}: not a YAML stream`);
        return documents.map((document) => {
          if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
          return document.toJS() as Obj;
        });
      }).filter((object) => object !== null);
    });

    test('hold the platform and app-team ServiceAccounts, Deployments and CronJobs, and an admission policy per ServiceAccount', () => {
      const count = (kind: string) => objects.filter((o) => `${o.apiVersion} ${o.kind}` === kind).length;
      // payments-api on three clusters; checkout-api and checkout-reconcile on EKS, GKE (and checkout-api on AKS); six batch CronJobs on EKS.
      expect([count('v1 ServiceAccount'), count('apps/v1 Deployment'), count('batch/v1 CronJob'), objects.length]).toEqual([14, 6, 8, 56]);
      // Every ServiceAccount is identity-bound: each has its ValidatingAdmissionPolicy and binding.
      expect([count('admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy'), count('admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding')]).toEqual([14, 14]);
    });

    test('every object is valid', async () => {
      expect(await invalid(objects)).toEqual([]);
    });
  });

  describe.each(CONFIGURATIONS.map((c) => [c.name, c] as const))('WorkloadServiceAccount: %s', (_name, configuration) => {
    const { serviceAccount, workload, admission } = synthesize(configuration);
    const podSpec = podSpecOf(workload);

    test('the ServiceAccount, its admission policy and binding, and the workload are valid', async () => {
      expect(await invalid([serviceAccount, ...admission, workload])).toEqual([]);
    });

    test('the workload runs as the ServiceAccount without automounted token', () => {
      expect(serviceAccount.automountServiceAccountToken).toBe(false);
      expect(podSpec.serviceAccountName).toBe('payments-api');
      expect(podSpec.automountServiceAccountToken).toBe(false);
    });

    if (configuration.options?.tokenAudience !== undefined) {
      test('projects one token for sts.amazonaws.com, of 900 s, mounted read-only in every container', () => {
        const tokenVolumes = (podSpec.volumes as Obj[]).filter((v) => v.projected?.sources?.some((s: Obj) => s.serviceAccountToken));
        expect(tokenVolumes).toEqual([{
          name: 'keyless-token',
          projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 900, path: 'token' } }] },
        }]);
        const [source] = tokenVolumes[0].projected.sources;
        expect(source.serviceAccountToken.audience).toBe('sts.amazonaws.com');
        expect(source.serviceAccountToken.expirationSeconds).toBe(900);
        // The workload's own volumes are kept.
        const ownVolumes = (podSpecOf(configuration.workload).volumes ?? []) as Obj[];
        expect(podSpec.volumes).toEqual([...ownVolumes, tokenVolumes[0]]);
        const containers = podSpec.containers as Obj[];
        expect(containers.map((c) => c.name)).toEqual(podSpecOf(configuration.workload).containers.map((c: Obj) => c.name));
        for (const container of containers) {
          const mounts = (container.volumeMounts as Obj[]).filter((m) => m.name === 'keyless-token');
          expect(mounts).toEqual([{ name: 'keyless-token', mountPath: '/var/run/secrets/keyless', readOnly: true }]);
        }
      });
    } else {
      test('mounts no token at all', () => {
        expect(podSpec.volumes).toBeUndefined();
        for (const container of podSpec.containers as Obj[]) expect(container.volumeMounts).toBeUndefined();
      });
    }

    if (configuration.workload.kind === 'CronJob' && configuration.identity !== undefined) {
      test('labels the CronJob\'s pod template (not the CronJob) for the AKS webhook', () => {
        expect(podMetadataOf(workload).labels).toEqual({ 'azure.workload.identity/use': 'true' });
        expect(workload.metadata.labels).toBeUndefined();
        expect(serviceAccount.metadata.annotations['azure.workload.identity/client-id']).toBe('6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31');
      });
    }
  });

  describe('admission policies: every workload kind and cloud, bound to no workload, and an opted-out chart', () => {
    const renders = CLOUDS.flatMap((cloud) => [...Object.keys(WORKLOADS), undefined].map((kind) => ({ name: `${cloud.name}, ${kind ?? 'no workload'}`, rendered: render(cloud, kind) })));

    test('render a policy and a binding each (40 configurations)', () => {
      expect(renders).toHaveLength(CLOUDS.length * 8);
      for (const { rendered } of renders) expect([rendered.policy?.kind, rendered.binding?.kind]).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
    });

    test('every ServiceAccount, policy, binding and workload is valid', async () => {
      expect(await invalid(renders.flatMap(({ rendered }) => rendered.objects))).toEqual([]);
    });

    test('an opted-out chart\'s ServiceAccount is valid', async () => {
      const app = Testing.app();
      app.node.setContext('keyless:today', TODAY);
      app.node.setContext('keyless:detections', DETECTION_ROUTES);
      const chart = new Chart(app, 'old-cluster');
      IdentityAdmissionPolicy.optOut(chart, { kubernetesVersion: '1.29', reason: 'prod-eu runs 1.29 until its upgrade' });
      new WorkloadServiceAccount(chart, 'ServiceAccount', { namespace: 'payments', name: 'payments-api', ownership: OWNERSHIP, identity: CLOUDS[0].identity() });
      const objects = Testing.synth(chart) as Obj[];
      expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount']);
      expect(await invalid(objects)).toEqual([]);
    });
  });
});
