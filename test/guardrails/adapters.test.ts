/**
 * The three framework adapters with hand-written insecure resources: aws-cdk-lib (KeylessPolicyValidation as a
 * validation plugin, addAwsGuardrails as a node validation), cdktf (addTerraformGuardrails) and cdk8s
 * (addKubernetesGuardrails). Findings of one synthesis come in one error, with their finding keys; the adapters load
 * their framework only when called.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk from 'aws-cdk-lib/core';
import * as cdk8s from 'cdk8s';
import * as cdktf from 'cdktf';
import { addAwsGuardrails, addKubernetesGuardrails, addTerraformGuardrails, GuardrailException, k8sAutomount, k8sDefaultSa, KeylessPolicyValidation } from '../../src/guardrails';

const TODAY = '2026-11-22';
const STATIC_FIX = 'remove the credential and use federation: CiOidcTrust for CI, WorkloadIdentity for workloads';

const tmpdirs: string[] = [];
function tmpdir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keyless-adapters-${prefix}-`));
  tmpdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpdirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('aws-cdk-lib adapter: KeylessPolicyValidation', () => {
  let consoleError: jest.SpyInstance;
  beforeEach(() => {
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => consoleError.mockRestore());

  function legacyApp(options: ConstructorParameters<typeof KeylessPolicyValidation>[0]): { app: cdk.App; outdir: string } {
    const outdir = tmpdir('cdk');
    // In-memory mode (as under any test runner): the thrown error carries the whole report.
    const app = new cdk.App({ outdir, context: { 'aws:cdk:disable-creation-stack-traces': true, '@aws-cdk/core:appMode': 'inmemory' } });
    cdk.Validations.of(app).addPlugins(new KeylessPolicyValidation(options));
    const stack = new cdk.Stack(app, 'Legacy', { analyticsReporting: false });
    new iam.CfnAccessKey(stack, 'CiKey', { userName: 'ci-user' });
    return { app, outdir };
  }

  const readReport = (outdir: string): any => JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));

  test('a hand-written CfnAccessKey fails app.synth(), and validation-report.json names the rule and the logical id', () => {
    const { app, outdir } = legacyApp({ today: TODAY });
    const reportPath = path.join(outdir, 'validation-report.json');
    let thrown: Error | undefined;
    try {
      app.synth();
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).toBe([
      'ERROR KL-G-STATIC-CREDENTIAL [Credential::AWS::IAM::AccessKey]: an IAM access key (keyless-guardrails)',
      '   Legacy/CiKey (CiKey) aws-cdk-lib.aws_iam.CfnAccessKey',
      `   Suggested fix: ${STATIC_FIX}`,
      "   Acknowledge with 'keyless-guardrails::KL-G-STATIC-CREDENTIAL'",
      '',
      // aws-cdk-lib prints the shorter of the absolute and the cwd-relative path: it depends on where tests run.
      `A copy of this report can be found in: ${path.relative(process.cwd(), reportPath).length < reportPath.length ? path.relative(process.cwd(), reportPath) : reportPath}`,
    ].join('\n'));

    const report = readReport(outdir);
    expect(report.pluginReports).toHaveLength(1);
    const plugin = report.pluginReports[0];
    expect(plugin.pluginName).toBe('keyless-guardrails');
    expect(plugin.conclusion).toBe('failure');
    expect(plugin.violations).toHaveLength(1);
    expect(plugin.violations[0]).toMatchObject({
      ruleName: 'KL-G-STATIC-CREDENTIAL',
      description: 'KL-G-STATIC-CREDENTIAL [Credential::AWS::IAM::AccessKey]: an IAM access key',
      suggestedFix: STATIC_FIX,
      severity: 'error',
    });
    expect(plugin.violations[0].violatingConstructs).toHaveLength(1);
    expect(plugin.violations[0].violatingConstructs[0]).toMatchObject({
      constructPath: 'Legacy/CiKey',
      cloudFormationResource: { templatePath: 'Legacy.template.json', logicalId: 'CiKey' },
    });
  });

  test("mode 'report' does not throw, and still reports the violation", () => {
    const { app, outdir } = legacyApp({ today: TODAY, mode: 'report' });
    expect(() => app.synth()).not.toThrow();
    const plugin = readReport(outdir).pluginReports[0];
    expect(plugin.conclusion).toBe('success');
    expect(plugin.violations.map((v: any) => [v.ruleName, v.violatingConstructs[0].cloudFormationResource.logicalId])).toEqual([['KL-G-STATIC-CREDENTIAL', 'CiKey']]);
  });

  const EXCEPTION = { ruleId: 'KL-G-STATIC-CREDENTIAL', resource: 'Legacy.template.json:CiKey', reason: 'vendor integration without OIDC support', owner: 'team-platform', expires: '2027-01-31' };
  const EXPIRED = 'exceptions[0]: the exception to KL-G-STATIC-CREDENTIAL for Legacy.template.json:CiKey (owner team-platform) expired on 2026-01-31: fix the finding, or renew the exception with a new reason and date';

  test('a live Keyless exception (template:logical id) lets synthesis pass', () => {
    const { app, outdir } = legacyApp({ today: TODAY, exceptions: [EXCEPTION] });
    expect(() => app.synth()).not.toThrow();
    expect(readReport(outdir).pluginReports.flatMap((r: any) => r.violations)).toEqual([]);
  });

  test('an expired exception brings the finding back, and is reported as KL-G-EXCEPTION in validation-report.json', () => {
    const { app, outdir } = legacyApp({ today: TODAY, exceptions: [{ ...EXCEPTION, expires: '2026-01-31' }] });
    expect(() => app.synth()).toThrow(/^ERROR KL-G-STATIC-CREDENTIAL \[Credential::AWS::IAM::AccessKey\]: an IAM access key \(keyless-guardrails\)\n/);
    const plugin = readReport(outdir).pluginReports[0];
    expect(plugin.conclusion).toBe('failure');
    expect(plugin.violations.map((v: any) => [v.ruleName, v.description])).toEqual([
      ['KL-G-STATIC-CREDENTIAL', 'KL-G-STATIC-CREDENTIAL [Credential::AWS::IAM::AccessKey]: an IAM access key'],
      ['KL-G-EXCEPTION', EXPIRED],
    ]);
  });

  // Once an adapter bug: exception errors were returned as violations without a violating resource. aws-cdk-lib's report
  // formatter prints only violations with constructs and returns without throwing when it has nothing to print, so
  // validation-report.json says "failure" while app.synth() passes silently. The engine only matches exceptions by
  // rule and resource, so an invalid exception (no owner, a one-letter reason) still covers its finding: in
  // aws-cdk-lib it is a working suppression. The cdktf and cdk8s adapters and the CLI fail on the same input.
  test('an invalid exception (no owner, reason "x") fails app.synth()', () => {
    const { app, outdir } = legacyApp({ today: TODAY, exceptions: [{ ...EXCEPTION, owner: '', reason: 'x' }] });
    let thrown: Error | undefined;
    try {
      app.synth();
    } catch (error) {
      thrown = error as Error;
    }
    expect(readReport(outdir).pluginReports[0].conclusion).toBe('failure');
    expect(thrown?.message).toContain('exceptions[0]: `owner` is missing: every exception has an owner');
  });

  // The same, without a finding: an exception left behind after its finding was fixed, now expired.
  test('an expired exception fails app.synth() even when its finding is gone', () => {
    const outdir = tmpdir('cdk');
    const app = new cdk.App({ outdir, context: { '@aws-cdk/core:appMode': 'inmemory' } });
    cdk.Validations.of(app).addPlugins(new KeylessPolicyValidation({ today: TODAY, exceptions: [{ ...EXCEPTION, expires: '2026-01-31' }] }));
    const stack = new cdk.Stack(app, 'Legacy', { analyticsReporting: false });
    new iam.CfnManagedPolicy(stack, 'ReadPolicy', {
      policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme/*' }] },
    });
    expect(() => app.synth()).toThrow(EXPIRED);
  });

  // aws-cdk-lib lets any construct acknowledge a plugin rule app-wide ("keyless-guardrails::RULE"),
  // with any reason, no owner and no expiry. Synthesis then passes and the finding only appears under
  // suppressedViolations: a blanket suppression that bypasses Keyless's time-boxed exceptions entirely.
  test('with addAwsGuardrails, a CDK acknowledgement does not silence a Keyless finding (only Keyless exceptions do)', () => {
    // With the plugin, aws-cdk-lib lets an acknowledgement silence a rule app-wide; addAwsGuardrails does not.
    const outdir = tmpdir('cdk');
    const app = new cdk.App({ outdir, context: { '@aws-cdk/core:appMode': 'inmemory' } });
    addAwsGuardrails(app, { today: TODAY });
    cdk.Validations.of(app).acknowledge({ id: 'keyless-guardrails::KL-G-STATIC-CREDENTIAL', reason: 'x' });
    const stack = new cdk.Stack(app, 'Legacy', { analyticsReporting: false });
    new iam.CfnAccessKey(stack, 'CiKey', { userName: 'ci' });
    expect(() => app.synth()).toThrow('KL-G-STATIC-CREDENTIAL Legacy.template.json AWS::IAM::AccessKey CiKey [Credential::AWS::IAM::AccessKey]: an IAM access key');
  });
});

describe('cdktf adapter: addTerraformGuardrails', () => {
  function legacyStack(mode?: 'error' | 'report'): { app: cdktf.App; outdir: string; stack: cdktf.TerraformStack } {
    const outdir = tmpdir('cdktf');
    const app = new cdktf.App({ outdir, stackTraces: false });
    const stack = new cdktf.TerraformStack(app, 'legacy');
    new GoogleProvider(stack, 'google', { project: 'acme-prod' });
    new ServiceAccountKey(stack, 'ci_key', { serviceAccountId: 'projects/acme-prod/serviceAccounts/ci@acme-prod.iam.gserviceaccount.com' });
    addTerraformGuardrails(stack, { today: TODAY, mode });
    return { app, outdir, stack };
  }
  const line = 'KL-G-STATIC-CREDENTIAL stacks/legacy/cdk.tf.json google_service_account_key google_service_account_key.ci_key [Credential::google_service_account_key]: '
    + `a service account key. Fix: ${STATIC_FIX}`;

  test('a hand-written GoogleServiceAccountKey fails app.synth() with the finding', () => {
    const { app } = legacyStack();
    expect(() => app.synth()).toThrow(`Validation failed with the following errors:\n  [legacy] ${line}\n`);
  });

  test('Testing.synth(stack, true) runs the same validation', () => {
    const { stack } = legacyStack();
    expect(() => cdktf.Testing.synth(stack, true)).toThrow(`[legacy] ${line}`);
  });

  test('attached once to the app, it checks every stack present when the app synthesizes', () => {
    const outdir = tmpdir('cdktf-app');
    const app = new cdktf.App({ outdir, stackTraces: false });
    addTerraformGuardrails(app, { today: TODAY });
    // Both stacks are declared after the guardrails: the app's check finds them when it runs.
    new GoogleProvider(new cdktf.TerraformStack(app, 'clean'), 'google', { project: 'acme-prod' });
    const legacy = new cdktf.TerraformStack(app, 'legacy');
    new GoogleProvider(legacy, 'google', { project: 'acme-prod' });
    new ServiceAccountKey(legacy, 'ci_key', { serviceAccountId: 'projects/acme-prod/serviceAccounts/ci@acme-prod.iam.gserviceaccount.com' });
    expect(() => app.synth()).toThrow(`App-level validation failed with the following errors:\n  ${line}\n`);
  });

  test("mode 'report' synthesizes", () => {
    const { app, outdir } = legacyStack('report');
    expect(() => app.synth()).not.toThrow();
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'legacy', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource.google_service_account_key)).toEqual(['ci_key']);
  });
});

describe('cdk8s adapter: addKubernetesGuardrails', () => {
  function chartWith(spec: any): { app: cdk8s.App; chart: cdk8s.Chart; outdir: string } {
    const outdir = tmpdir('cdk8s');
    const app = new cdk8s.App({ outdir });
    const chart = new cdk8s.Chart(app, 'legacy');
    new cdk8s.ApiObject(chart, 'debug', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'apps' }, spec: { containers: [{ name: 'shell', image: 'busybox:1.36' }], ...spec } });
    addKubernetesGuardrails(chart, { today: TODAY });
    return { app, chart, outdir };
  }
  const expected = 'Validation failed with the following errors:\n'
    + `  [legacy] KL-G-K8S-AUTOMOUNT legacy.k8s.yaml Pod apps/debug [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is "unset (true)". Fix: ${k8sAutomount.fix}\n`
    + `  [legacy] KL-G-K8S-DEFAULT-SA legacy.k8s.yaml Pod apps/debug [Subject::system:serviceaccount:apps:default]: pod runs as the default ServiceAccount (serviceAccountName unset). Fix: ${k8sDefaultSa.fix}`;

  test('a hand-written Pod with no serviceAccountName fails app.synth() naming KL-G-K8S-AUTOMOUNT and KL-G-K8S-DEFAULT-SA', () => {
    const { app, outdir } = chartWith({});
    expect(() => app.synth()).toThrow(expected);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('Testing.synth(chart) runs the same validation', () => {
    expect(() => cdk8s.Testing.synth(chartWith({}).chart)).toThrow(expected);
  });

  test('attached once to the app, it checks every chart present when the app synthesizes', () => {
    const app = new cdk8s.App({ outdir: tmpdir('cdk8s-app') });
    addKubernetesGuardrails(app, { today: TODAY });
    new cdk8s.Chart(app, 'clean');
    const chart = new cdk8s.Chart(app, 'legacy');
    new cdk8s.ApiObject(chart, 'debug', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'apps' }, spec: { containers: [{ name: 'shell', image: 'busybox:1.36' }] } });
    expect(() => app.synth()).toThrow(/KL-G-K8S-AUTOMOUNT legacy\.k8s\.yaml Pod apps\/debug \[Field::automountServiceAccountToken\]: pod spec automountServiceAccountToken is "unset \(true\)"/);
  });

  test('the same Pod with its own ServiceAccount and no automounted token synthesizes', () => {
    const { app, outdir } = chartWith({ serviceAccountName: 'debug', automountServiceAccountToken: false });
    expect(() => app.synth()).not.toThrow();
    expect(fs.readdirSync(outdir)).toEqual(['legacy.k8s.yaml']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// One synthesis, one error: every finding of every stack or chart together
// ---------------------------------------------------------------------------------------------------------------

const thrownBy = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
};

describe('findings of one synthesis are reported together', () => {
  let consoleError: jest.SpyInstance;
  beforeEach(() => {
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => consoleError.mockRestore());

  const awsApp = (): cdk.App => {
    const app = new cdk.App({ outdir: tmpdir('cdk-two'), context: { 'aws:cdk:disable-creation-stack-traces': true, '@aws-cdk/core:appMode': 'inmemory' } });
    new iam.CfnAccessKey(new cdk.Stack(app, 'First', { analyticsReporting: false }), 'FirstKey', { userName: 'first' });
    new iam.CfnAccessKey(new cdk.Stack(app, 'Second', { analyticsReporting: false }), 'SecondKey', { userName: 'second' });
    return app;
  };
  const awsLine = (stack: string, id: string) => `${stack}.template.json AWS::IAM::AccessKey ${id} [Credential::AWS::IAM::AccessKey]: an IAM access key. Fix: ${STATIC_FIX}`;

  test('aws-cdk-lib addAwsGuardrails: two stacks, one error naming both findings', () => {
    const app = awsApp();
    addAwsGuardrails(app, { today: TODAY });
    expect(thrownBy(() => app.synth())).toBe('Validation failed with the following errors:\n'
      + `  [] KL-G-STATIC-CREDENTIAL ${awsLine('First', 'FirstKey')}\n`
      + `  [] KL-G-STATIC-CREDENTIAL ${awsLine('Second', 'SecondKey')}`);
  });

  test('aws-cdk-lib KeylessPolicyValidation: two stacks, one error naming both findings', () => {
    const app = awsApp();
    cdk.Validations.of(app).addPlugins(new KeylessPolicyValidation({ today: TODAY }));
    const message = thrownBy(() => app.synth());
    expect(message).toContain('   First/FirstKey (FirstKey) aws-cdk-lib.aws_iam.CfnAccessKey');
    expect(message).toContain('   Second/SecondKey (SecondKey) aws-cdk-lib.aws_iam.CfnAccessKey');
    expect(message.match(/^ERROR KL-G-STATIC-CREDENTIAL \[Credential::AWS::IAM::AccessKey\]: an IAM access key \(keyless-guardrails\)$/gm)).toHaveLength(2);
  });

  const tfApp = (): cdktf.App => {
    const app = new cdktf.App({ outdir: tmpdir('cdktf-two'), stackTraces: false });
    for (const name of ['first', 'second']) {
      const stack = new cdktf.TerraformStack(app, name);
      new GoogleProvider(stack, 'google', { project: 'acme-prod' });
      new ServiceAccountKey(stack, 'ci_key', { serviceAccountId: `projects/acme-prod/serviceAccounts/${name}@acme-prod.iam.gserviceaccount.com` });
    }
    return app;
  };
  const tfLine = (stack: string) =>
    `KL-G-STATIC-CREDENTIAL stacks/${stack}/cdk.tf.json google_service_account_key google_service_account_key.ci_key [Credential::google_service_account_key]: a service account key. Fix: ${STATIC_FIX}`;
  const EXPIRED: GuardrailException = {
    ruleId: 'KL-G-STATIC-CREDENTIAL',
    resource: 'stacks/first/cdk.tf.json:google_service_account_key.ci_key',
    reason: 'vendor integration without OIDC support',
    owner: 'team-platform',
    expires: '2026-01-31',
  };

  test('cdktf addTerraformGuardrails on the app: two stacks, one error naming both findings, an exception error once', () => {
    const app = tfApp();
    addTerraformGuardrails(app, { today: TODAY, exceptions: [EXPIRED] });
    const message = thrownBy(() => app.synth());
    // cdktf adds a hint on skipping validations after the errors.
    expect(message.split('\n')[0]).toBe('App-level validation failed with the following errors:');
    expect(message.split('\n').filter((l) => l.startsWith('  ') && l.trim() !== '')).toEqual([
      `  ${tfLine('first')}`,
      `  ${tfLine('second')}`,
      '  exceptions[0]: the exception to KL-G-STATIC-CREDENTIAL for stacks/first/cdk.tf.json:google_service_account_key.ci_key (owner team-platform) expired on 2026-01-31: '
      + 'fix the finding, or renew the exception with a new reason and date',
    ]);
  });

  // cdktf validates stacks one at a time and stops at the first that fails: attached to each stack, the guardrails
  // can only report that stack. Attach them to the app (as the README says) to see every stack at once.
  test('cdktf addTerraformGuardrails on each stack: cdktf stops at the first stack, which lists all of its findings', () => {
    const app = tfApp();
    for (const stack of app.node.children.filter(cdktf.TerraformStack.isStack)) addTerraformGuardrails(stack, { today: TODAY });
    const message = thrownBy(() => app.synth());
    expect(message.split('\n')[0]).toBe('Validation failed with the following errors:');
    expect(message.split('\n').filter((l) => l.startsWith('  ') && l.trim() !== '')).toEqual([`  [first] ${tfLine('first')}`]);
  });

  const pod = (chart: cdk8s.Chart, name: string) =>
    new cdk8s.ApiObject(chart, name, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'apps' }, spec: { serviceAccountName: name, containers: [{ name, image: 'busybox:1.36' }] } });
  const podLine = (chart: string, name: string) =>
    `KL-G-K8S-AUTOMOUNT ${chart}.k8s.yaml Pod apps/${name} [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is "unset (true)". Fix: ${k8sAutomount.fix}`;

  test('cdk8s addKubernetesGuardrails on the app: two charts, one error naming both findings', () => {
    const app = new cdk8s.App({ outdir: tmpdir('cdk8s-two') });
    addKubernetesGuardrails(app, { today: TODAY });
    pod(new cdk8s.Chart(app, 'first'), 'api');
    pod(new cdk8s.Chart(app, 'second'), 'worker');
    expect(thrownBy(() => app.synth())).toBe(`Validation failed with the following errors:\n  [] ${podLine('first', 'api')}\n  [] ${podLine('second', 'worker')}`);
  });

  test('cdk8s addKubernetesGuardrails on each chart: cdk8s gathers both charts into one error', () => {
    const app = new cdk8s.App({ outdir: tmpdir('cdk8s-two') });
    const first = new cdk8s.Chart(app, 'first');
    const second = new cdk8s.Chart(app, 'second');
    pod(first, 'api');
    pod(second, 'worker');
    addKubernetesGuardrails(first, { today: TODAY });
    addKubernetesGuardrails(second, { today: TODAY });
    expect(thrownBy(() => app.synth())).toBe(`Validation failed with the following errors:\n  [first] ${podLine('first', 'api')}\n  [second] ${podLine('second', 'worker')}`);
  });

  test('attached to one chart, an exception on a resource of another chart is held to that resource\'s tier', () => {
    const app = new cdk8s.App({ outdir: tmpdir('cdk8s-tier') });
    const first = new cdk8s.Chart(app, 'first');
    const second = new cdk8s.Chart(app, 'second');
    new cdk8s.ApiObject(second, 'legacy', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      automountServiceAccountToken: false,
      metadata: { name: 'legacy', namespace: 'apps', labels: { 'keyless.dev/tier': '3', 'keyless.dev/environment': 'production', 'keyless.dev/review-by': '2027-04-30' } },
    });
    // Tier 3: 200 days is within its 365, although the first chart has no such resource.
    const exceptions: GuardrailException[] = [{
      ruleId: 'KL-G-OWNERSHIP', resource: 'apps/legacy', reason: 'owner being reassigned after the reorg', owner: 'team-platform', expires: '2027-06-10',
    }];
    addKubernetesGuardrails(first, { today: TODAY, exceptions });
    addKubernetesGuardrails(second, { today: TODAY, exceptions });
    expect(() => app.synth()).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Lazy loading: importing the guardrails loads no framework
// ---------------------------------------------------------------------------------------------------------------

describe('the guardrails load their frameworks only when an adapter is called', () => {
  test.each(['aws-cdk-lib', 'cdktf', 'cdk8s', 'constructs'])('importing src/guardrails and evaluating does not load %s', (pkg) => {
    jest.isolateModules(() => {
      jest.doMock(pkg, () => {
        throw new Error(`${pkg} was loaded`);
      });
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const guardrails = require('../../src/guardrails');
        expect(guardrails.evaluate([], { today: TODAY }).findings).toEqual([]);
        expect(typeof guardrails.addTerraformGuardrails).toBe('function');
      } finally {
        jest.dontMock(pkg);
      }
    });
  });
});
