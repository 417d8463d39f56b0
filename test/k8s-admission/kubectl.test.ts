/**
 * The rendered manifests and the policy against the real `kubectl` (fails when kubectl is missing).
 *
 * There is no cluster here, so `kubectl apply --dry-run=client` (which asks the server for its API groups and schemas)
 * cannot run; what runs offline is kubectl's own decoding of a manifest file (`--local` verbs) and its object
 * generators. So: kubectl reads back every document of the synthesized chart exactly as written (the CEL survives the
 * YAML), and the objects an attacker would make with `kubectl create … --dry-run=client` and
 * `kubectl set serviceaccount --local` (the command that points a workload at a ServiceAccount) are refused by the
 * policy, evaluated as the API server would.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, ApiObjectProps, App, Chart } from 'cdk8s';
// yaml is cdk8s's own YAML library (installed as its dependency).
// eslint-disable-next-line import/no-extraneous-dependencies
import { parseAllDocuments } from 'yaml';
import { admit } from './api-server';
import { CLOUDS, NAME, NAMESPACE, Obj, SERVICE_ACCOUNT, USERS, WORKLOADS } from './fixtures';
import { WorkloadServiceAccount } from '../../src/constructs/k8s';
import { OWNERSHIP, TODAY } from '../helpers/synth';

/** Runs kubectl without any cluster configuration; a missing kubectl fails the test with what to install. */
function kubectl(args: string[], input?: string): string {
  try {
    return execFileSync('kubectl', args, { input, encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/dev/null' }, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('kubectl is not on PATH: these tests read the manifests with the real kubectl; install it (https://kubernetes.io/docs/tasks/tools/)');
    throw new Error(`kubectl ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

const DENIED = 'ValidatingAdmissionPolicy \'keyless-payments.payments-api\' with binding \'keyless-payments.payments-api\' denied request: ';

let outdir: string;
let file: string;
let written: Obj[];

beforeAll(() => {
  // GIVEN a chart with an AKS-bound ServiceAccount and its Deployment, synthesized to YAML as `cdk8s synth` writes it
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-kubectl-'));
  const app = new App({ outdir });
  app.node.setContext('keyless:today', TODAY);
  const chart = new Chart(app, 'payments-aks');
  const account = new WorkloadServiceAccount(chart, 'ServiceAccount', { ...SERVICE_ACCOUNT, ownership: OWNERSHIP, identity: CLOUDS[4].identity() });
  account.bindWorkload(new ApiObject(chart, 'Deployment', structuredClone(WORKLOADS.Deployment) as ApiObjectProps));
  app.synth();
  file = path.join(outdir, 'payments-aks.k8s.yaml');
  written = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as Obj);
});

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('kubectl is installed (the suite fails, not skips, without it)', () => {
  expect(JSON.parse(kubectl(['version', '--client', '-o', 'json'])).clientVersion.major).toBe('1');
});

test('kubectl reads every document of the chart back exactly as written, the policy\'s CEL included', () => {
  // WHEN kubectl decodes the file (a --local verb: no server) and prints it back
  const items = parseAllDocuments(kubectl(['annotate', '--local', '--dry-run=client', '-f', file, 'keyless.dev/kubectl-read=true', '-o', 'yaml']))
    .map((d) => d.toJS() as Obj);
  // THEN it holds the same four objects, field for field (the annotation it was asked to add aside)
  expect(items.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
    'ServiceAccount payments-api', 'ValidatingAdmissionPolicy keyless-payments.payments-api', 'ValidatingAdmissionPolicyBinding keyless-payments.payments-api', 'Deployment payments-api',
  ]);
  for (const item of items) delete item.metadata.annotations['keyless.dev/kubectl-read'];
  for (const item of items) if (Object.keys(item.metadata.annotations).length === 0) delete item.metadata.annotations;
  expect(items).toEqual(written);
});

describe('objects an attacker makes with kubectl are refused', () => {
  const policy = () => written.find((o) => o.kind === 'ValidatingAdmissionPolicy')!;
  const binding = () => written.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding')!;
  /** `kubectl set serviceaccount --local` on a kubectl-generated object: the object pointed at the ServiceAccount. */
  const pointed = (generated: string): Obj => JSON.parse(kubectl(['set', 'serviceaccount', '--local', '-f', '-', NAME, '-o', 'json'], generated));

  test.each([
    ['deployment', ['create', 'deployment', 'shadow', '--image=busybox'], 'Deployment shadow'],
    ['job', ['create', 'job', 'shadow', '--image=busybox'], 'Job shadow'],
    ['cronjob', ['create', 'cronjob', 'shadow', '--image=busybox', '--schedule=* * * * *'], 'CronJob shadow'],
  ])('kubectl create %s … | kubectl set serviceaccount', (_kind, create, refused) => {
    const object = pointed(kubectl([...create, '-n', NAMESPACE, '--dry-run=client', '-o', 'yaml']));
    expect(admit(policy(), binding(), { operation: 'CREATE', object, username: USERS.alice })).toEqual({
      allowed: false,
      message: `${DENIED}${refused} may not run as ServiceAccount payments/payments-api: only Deployment payments-api runs as it, with the ReplicaSets the Deployment controller creates for it; requested by alice@example.com`,
    });
  });

  test('a pod manifest | kubectl set serviceaccount', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  namespace: payments\nspec:\n  containers:\n  - name: shell\n    image: busybox\n';
    expect(admit(policy(), binding(), { operation: 'CREATE', object: pointed(pod), username: USERS.alice })).toEqual({
      allowed: false,
      message: `${DENIED}Pod debug may not run as ServiceAccount payments/payments-api: only the pods the ReplicaSet controller (system:serviceaccount:kube-system:replicaset-controller or system:kube-controller-manager) creates for Deployment payments-api run as it (this one is created by alice@example.com)`,
    });
  });

  test('kubectl annotate --overwrite of the identity annotation', () => {
    const serviceAccount = written.find((o) => o.kind === 'ServiceAccount')!;
    const changed = JSON.parse(kubectl(['annotate', '--local', '--overwrite', '-f', '-', 'azure.workload.identity/client-id=00000000-0000-0000-0000-000000000000', '-o', 'json'], JSON.stringify(serviceAccount)));
    expect(admit(policy(), binding(), { operation: 'UPDATE', object: changed, oldObject: serviceAccount, username: USERS.alice })).toEqual({
      allowed: false,
      message: `${DENIED}ServiceAccount payments/payments-api must keep annotation azure.workload.identity/client-id: "6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31", its cloud identity as declared; this request removes or changes it`,
    });
  });
});
