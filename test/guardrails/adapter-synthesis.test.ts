/**
 * The guardrail adapters render and check once per `app.synth()` (issue 20): cdk8s validates the app once more for
 * every chart it writes, and cdktf renders every stack to write it before the app-level validation runs. Within one
 * synthesis the adapters reuse that work; across synthesis calls, and outside `synth()`, every check is made afresh
 * (a change made between two synthesis calls is seen).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import * as cdk8s from 'cdk8s';
import * as cdktf from 'cdktf';
import { addKubernetesGuardrails, addTerraformGuardrails, k8sAutomount, k8sDefaultSa } from '../../src/guardrails';

const TODAY = '2026-11-22';
const STATIC_FIX = 'remove the credential and use federation: CiOidcTrust for CI, WorkloadIdentity for workloads';

const tmpdirs: string[] = [];
function tmpdir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keyless-adapter-synthesis-${prefix}-`));
  tmpdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpdirs) fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => jest.restoreAllMocks());

describe('cdk8s: addKubernetesGuardrails checks once per app.synth()', () => {
  const clean = (chart: cdk8s.Chart, name: string) => new cdk8s.ApiObject(chart, name, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'apps' },
    spec: { serviceAccountName: name, automountServiceAccountToken: false, containers: [{ name: 'app', image: 'busybox:1.36' }] },
  });
  const debugPod = (chart: cdk8s.Chart) => new cdk8s.ApiObject(chart, 'debug', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'apps' }, spec: { containers: [{ name: 'shell', image: 'busybox:1.36' }] },
  });
  const findings = (chart: string) => 'Validation failed with the following errors:\n'
    + `  [] KL-G-K8S-AUTOMOUNT ${chart}.k8s.yaml Pod apps/debug [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is "unset (true)". Fix: ${k8sAutomount.fix}\n`
    + `  [] KL-G-K8S-DEFAULT-SA ${chart}.k8s.yaml Pod apps/debug [Subject::system:serviceaccount:apps:default]: pod runs as the default ServiceAccount (serviceAccountName unset). Fix: ${k8sDefaultSa.fix}`;

  function threeCharts(): { app: cdk8s.App; charts: cdk8s.Chart[]; outdir: string } {
    const outdir = tmpdir('cdk8s');
    const app = new cdk8s.App({ outdir });
    const charts = ['a', 'b', 'c'].map((id) => new cdk8s.Chart(app, id));
    charts.forEach((chart, i) => clean(chart, `svc-${i}`));
    addKubernetesGuardrails(app, { today: TODAY });
    return { app, charts, outdir };
  }

  test('each object is rendered twice per synthesis (checked once, written once), not once more per chart', () => {
    const { app, outdir } = threeCharts();
    const render = jest.spyOn(cdk8s.ApiObject.prototype, 'toJson');
    app.synth();
    // Before: 3 objects x (1 check in App.synth + 1 check per chart written (3) + 1 write) = 15.
    expect(render).toHaveBeenCalledTimes(6);
    expect(fs.readdirSync(outdir).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml', 'c.k8s.yaml']);
  });

  test('synthYaml() too', () => {
    const { app } = threeCharts();
    const render = jest.spyOn(cdk8s.ApiObject.prototype, 'toJson');
    app.synthYaml();
    expect(render).toHaveBeenCalledTimes(6);
  });

  test('a finding added after one synthesis fails the next', () => {
    const { app, charts } = threeCharts();
    expect(() => app.synth()).not.toThrow();
    debugPod(charts[1]);
    expect(() => app.synth()).toThrow(findings('b'));
  });

  test('outside app.synth() (Testing.synth, chart.toJson) every call checks afresh', () => {
    const { charts } = threeCharts();
    expect(() => cdk8s.Testing.synth(charts[2])).not.toThrow();
    debugPod(charts[2]);
    expect(() => cdk8s.Testing.synth(charts[2])).toThrow(findings('c'));
    expect(() => charts[0].toJson()).toThrow(findings('c'));
  });

  test('attached to the app and to a chart, each check still runs once per synthesis and both report', () => {
    const { app, charts } = threeCharts();
    addKubernetesGuardrails(charts[0], { today: TODAY });
    debugPod(charts[0]);
    const render = jest.spyOn(cdk8s.ApiObject.prototype, 'toJson');
    expect(() => app.synth()).toThrow(`${findings('a')}\n  [a] KL-G-K8S-AUTOMOUNT a.k8s.yaml`);
    // The app's check renders the 4 objects, the chart's check its 2; cdk8s stops before writing.
    expect(render).toHaveBeenCalledTimes(6);
  });
});

describe('cdktf: addTerraformGuardrails on the app checks what cdktf wrote in this synthesis', () => {
  const key = (stack: cdktf.TerraformStack) => new ServiceAccountKey(stack, 'ci_key', {
    serviceAccountId: 'projects/acme-prod/serviceAccounts/ci@acme-prod.iam.gserviceaccount.com',
  });
  const line = (stack: string) => `KL-G-STATIC-CREDENTIAL stacks/${stack}/cdk.tf.json google_service_account_key google_service_account_key.ci_key `
    + `[Credential::google_service_account_key]: a service account key. Fix: ${STATIC_FIX}`;

  function twoStacks(): { app: cdktf.App; stacks: cdktf.TerraformStack[]; outdir: string } {
    const outdir = tmpdir('cdktf');
    const app = new cdktf.App({ outdir, stackTraces: false });
    addTerraformGuardrails(app, { today: TODAY });
    // Declared after the guardrails: the stacks present when the app synthesizes are checked.
    const stacks = ['first', 'second'].map((id) => {
      const stack = new cdktf.TerraformStack(app, id);
      new GoogleProvider(stack, 'google', { project: 'acme-prod' });
      return stack;
    });
    return { app, stacks, outdir };
  }

  test('each stack is rendered once per synthesis (the render cdktf writes), not again by the check', () => {
    const { app } = twoStacks();
    const render = jest.spyOn(cdktf.TerraformStack.prototype, 'toTerraform');
    app.synth();
    expect(render).toHaveBeenCalledTimes(2);
  });

  test('a finding added after one synthesis fails the next, and a stack added later is checked', () => {
    const { app, stacks } = twoStacks();
    expect(() => app.synth()).not.toThrow();
    key(stacks[1]);
    const third = new cdktf.TerraformStack(app, 'third');
    new GoogleProvider(third, 'google', { project: 'acme-prod' });
    key(third);
    expect(() => app.synth()).toThrow(`App-level validation failed with the following errors:\n  ${line('second')}\n  ${line('third')}\n`);
  });

  test('the checked configuration is the one written to cdk.tf.json', () => {
    const { app, stacks, outdir } = twoStacks();
    key(stacks[0]);
    expect(() => app.synth()).toThrow(line('first'));
    const written = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'first', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(written.resource.google_service_account_key)).toEqual(['ci_key']);
  });

  test('outside app.synth() (Testing.synth) the stack is rendered and checked afresh', () => {
    const { stacks } = twoStacks();
    addTerraformGuardrails(stacks[0], { today: TODAY });
    expect(() => cdktf.Testing.synth(stacks[0], true)).not.toThrow();
    key(stacks[0]);
    expect(() => cdktf.Testing.synth(stacks[0], true)).toThrow(`[first] ${line('first')}`);
  });
});
