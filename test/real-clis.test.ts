/**
 * The real CLIs on examples/cli/: `cdk synth`, `cdktf synth` and `cdk8s synth` each run their own entry point of one
 * program (README, Using the real CLIs), with the guardrails attached once per app; a hand-written insecure resource
 * (KEYLESS_EXAMPLE_VIOLATION=1) fails each CLI run.
 *
 * The `cdk synth` run also holds an IdentityStacks set of 1,000 identities in one account (KEYLESS_EXAMPLE_FLEET):
 * nothing in it collides at deploy — one OIDC provider per issuer per account, retained; unique role names; every
 * stack within CloudFormation's resource and size limits; every identity present — and cfn-lint (installed on these
 * machines) reports no error on any template (a template it already found clean, byte for byte, is not linted again).
 *
 * The CLIs are the pinned dev dependencies, run from node_modules, and cfn-lint is run from the PATH: a missing one
 * fails this test (never a download). The six runs start together in beforeAll; each is a CLI plus the app under
 * ts-node, most of it loading frameworks; cfn-lint starts as soon as `cdk synth` is done.
 */
import { ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.join(__dirname, '..');
const CLI_DIR = path.join(ROOT, 'examples', 'cli');
/** Identities of the fleet in the `cdk synth` run. */
const FLEET = 1000;

interface Cli { readonly pkg: string; readonly bin: string; readonly args: (outdir: string) => string[] }
const CLIS = {
  aws: { pkg: 'aws-cdk', bin: 'cdk', args: (outdir: string) => ['synth', '--quiet', '--no-notices', '-o', outdir] },
  terraform: { pkg: 'cdktf-cli', bin: 'cdktf', args: (outdir: string) => ['synth', '--output', outdir] },
  k8s: { pkg: 'cdk8s-cli', bin: 'cdk8s', args: (outdir: string) => ['synth', '--no-check-upgrade', '-o', outdir] },
} satisfies Record<string, Cli>;
type Name = keyof typeof CLIS;

/** The CLI's script, from its own package.json: fails loudly when the dev dependency is not installed. */
function cliScript(cli: Cli): string {
  let manifest: string;
  try {
    manifest = require.resolve(`${cli.pkg}/package.json`, { paths: [ROOT] });
  } catch {
    throw new Error(`${cli.pkg} is not installed: it is a pinned dev dependency (.projenrc.ts); run \`npm ci\``);
  }
  const bin = JSON.parse(fs.readFileSync(manifest, 'utf8')).bin;
  const script = typeof bin === 'string' ? bin : bin?.[cli.bin];
  if (!script) throw new Error(`${cli.pkg} has no \`${cli.bin}\` executable`);
  return path.join(path.dirname(manifest), script);
}

/** No telemetry, no version or upgrade checks, no notices; the CLI names the output directory, nothing else does. */
function cliEnv(name: Name, violation: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of [
    'CDK_OUTDIR', 'CDKTF_OUTDIR', 'CDK8S_OUTDIR', 'CDK_CONTEXT_JSON', 'CDKTF_CONTEXT_JSON', 'KEYLESS_EXAMPLE_VIOLATION', 'KEYLESS_EXAMPLE_FLEET', 'KEYLESS_TODAY',
  ]) delete env[key];
  return {
    ...env,
    CI: 'true',
    FORCE_COLOR: '0',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CHECKPOINT_DISABLE: '1',
    CDKTF_DISABLE_TELEMETRY: 'true',
    CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
    DISABLE_VERSION_CHECK: 'true',
    ...(violation ? { KEYLESS_EXAMPLE_VIOLATION: '1' } : {}),
    ...(name === 'aws' && !violation ? { KEYLESS_EXAMPLE_FLEET: String(FLEET) } : {}),
  };
}

interface Run { readonly status: number | null; readonly output: string; readonly outdir: string; readonly seconds: number }

function runCli(name: Name, tmp: string, violation: boolean): Promise<Run> {
  const cli = CLIS[name];
  const outdir = path.join(tmp, `${name}${violation ? '-violation' : ''}`);
  const script = cliScript(cli);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...cli.args(outdir)], { cwd: CLI_DIR, env: cliEnv(name, violation), stdio: ['ignore', 'pipe', 'pipe'] });
    collect(child, reject, (status, output) => resolve({ status, output, outdir, seconds: (Date.now() - started) / 1000 }));
  });
}

/** Collects a child's stdout and stderr, in the order written. */
function collect(child: ChildProcess, reject: (error: Error) => void, done: (status: number | null, output: string) => void): void {
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  child.on('error', reject);
  child.on('close', (status) => done(status, output));
}

interface Lint { readonly status: number | null; readonly output: string }

/** cfn-lint with arguments; fails loudly when it is not installed. */
function runCfnLint(args: string[]): Promise<Lint> {
  return new Promise((resolve, reject) => {
    const child = spawn('cfn-lint', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    collect(child, (error) => reject(new Error(`cfn-lint could not run: ${error.message}`)), (status, output) => resolve({ status, output }));
  });
}

/** Templates this cfn-lint version found clean, by content (a clean clone has none). */
const LINTED = path.join(ROOT, 'node_modules', '.cache', 'keyless', 'cfn-lint');

/**
 * cfn-lint on the templates, each content once: its verdict depends only on the template and its own version (the
 * CloudFormation specs ship with it), so a template byte-identical to one this version already found clean is not
 * linted again. The 1,000 identities are most of a run's time; they change only when the synthesized output does.
 */
async function cfnLint(files: string[]): Promise<Lint> {
  const version = await runCfnLint(['--version']);
  if (version.status !== 0) return version;
  const marker = (file: string) => path.join(LINTED, crypto.createHash('sha256').update(version.output).update('\0').update(fs.readFileSync(file)).digest('hex'));
  const pending = files.filter((file) => !fs.existsSync(marker(file)));
  if (pending.length === 0) return { status: 0, output: '' };
  const lint = await runCfnLint(pending);
  if (lint.status === 0 && lint.output === '') {
    fs.mkdirSync(LINTED, { recursive: true });
    for (const file of pending) fs.writeFileSync(marker(file), `${path.basename(file)}\n`);
  }
  return lint;
}

const names = Object.keys(CLIS) as Name[];
let tmp: string;
const runs: Partial<Record<`${Name}${'' | '-violation'}`, Run>> = {};
let lint: Lint | Error;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-real-clis-'));
  const results = await Promise.all(names.flatMap((name) => [false, true].map(async (violation) => {
    const run = await runCli(name, tmp, violation);
    if (name === 'aws' && !violation) {
      // cfn-lint starts as soon as its templates are there, beside the other CLIs' runs.
      lint = run.status === 0 ? await cfnLint(stacks(run).map((s) => s.file)).catch((error: Error) => error) : new Error(`cdk synth exited with ${run.status}`);
    }
    return [`${name}${violation ? '-violation' : ''}`, run] as const;
  })));
  for (const [key, run] of results) runs[key] = run;
}, 240_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function succeeded(key: Name): Run {
  const run = runs[key]!;
  if (run.status !== 0) throw new Error(`${CLIS[key].bin} synth exited with ${run.status}:\n${run.output}`);
  return run;
}

const readJson = (file: string): any => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The CloudFormation stacks of a cloud assembly. */
function stacks(run: Run): Array<{ name: string; account: string; file: string; template: any }> {
  const manifest = readJson(path.join(run.outdir, 'manifest.json'));
  return Object.entries<any>(manifest.artifacts)
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name, artifact]) => {
      const file = path.join(run.outdir, artifact.properties.templateFile);
      return { name, account: /^aws:\/\/([^/]+)\//.exec(artifact.environment)![1], file, template: readJson(file) };
    });
}

test('cdk synth runs aws.ts: the CI role trusts exactly production-environment jobs on main of the repository id, nothing else is synthesized', () => {
  const run = succeeded('aws');
  // The CI stack and the fleet's stacks (below), nothing else.
  expect(fs.readdirSync(run.outdir).filter((f) => f.endsWith('.template.json')).sort())
    .toEqual(['cli-ci-aws.template.json', ...stacks(run).filter((s) => s.name.startsWith('cli-fleet-aws')).map((s) => path.basename(s.file))].sort());
  const template = readJson(path.join(run.outdir, 'cli-ci-aws.template.json'));
  const roles = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
  expect(roles).toHaveLength(1);
  const [statement] = roles[0].Properties.AssumeRolePolicyDocument.Statement;
  expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
  expect(statement.Condition).toEqual({
    StringEquals: {
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:ref': 'refs/heads/main',
      'token.actions.githubusercontent.com:repository_id': '86301532',
      'token.actions.githubusercontent.com:sub': 'repo:acme@1342004/payments-api@86301532:environment:production',
    },
  });
  expect(roles[0].Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1);
  expect(roles[0].Properties.Tags).toEqual(expect.arrayContaining([
    { Key: 'keyless:owner', Value: 'team-payments' },
    { Key: 'keyless:review-by', Value: '2027-04-30' },
  ]));
  // Only the aws-cdk-lib app: no Terraform or Kubernetes output in the cloud assembly.
  expect(fs.readdirSync(run.outdir).filter((f) => f === 'stacks' || f.endsWith('.k8s.yaml'))).toEqual([]);
});

test('cdktf synth runs terraform.ts: the GCP provider pins owner, repository and subjects; the Azure credential the service account', () => {
  const run = succeeded('terraform');
  expect(fs.readdirSync(path.join(run.outdir, 'stacks')).sort()).toEqual(['cli-ci-gcp', 'cli-workload-azure']);
  const gcp = readJson(path.join(run.outdir, 'stacks', 'cli-ci-gcp', 'cdk.tf.json'));
  const providers = Object.values<any>(gcp.resource.google_iam_workload_identity_pool_provider);
  expect(providers).toHaveLength(1);
  expect(providers[0].attribute_condition).toBe("assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && "
    + "assertion.ref == 'refs/heads/main' && assertion.sub == 'repo:acme@1342004/payments-api@86301532:environment:production'");
  expect(providers[0].oidc.issuer_uri).toBe('https://token.actions.githubusercontent.com');
  const azure = readJson(path.join(run.outdir, 'stacks', 'cli-workload-azure', 'cdk.tf.json'));
  const credentials = Object.values<any>(azure.resource.azurerm_federated_identity_credential);
  expect(credentials).toHaveLength(1);
  expect(credentials[0]).toMatchObject({ subject: 'system:serviceaccount:payments:payments-api', audience: ['api://AzureADTokenExchange'] });
  expect(readJson(path.join(run.outdir, 'manifest.json')).stacks).toHaveProperty(['cli-ci-gcp']);
});

test('cdk8s synth runs k8s.ts: the ServiceAccount does not automount its token and carries the Keyless labels', () => {
  const run = succeeded('k8s');
  expect(fs.readdirSync(run.outdir).filter((f) => f.endsWith('.k8s.yaml'))).toEqual(['cli-payments-api-aks.k8s.yaml']);
  const objects = parseAllDocuments(fs.readFileSync(path.join(run.outdir, 'cli-payments-api-aks.k8s.yaml'), 'utf8')).map((d) => d.toJS());
  // The ServiceAccount is bound to no workload: its admission policy admits no pod (test/k8s-admission).
  expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
  const [account] = objects;
  expect(account.automountServiceAccountToken).toBe(false);
  expect(account.metadata).toMatchObject({ name: 'payments-api', namespace: 'payments' });
  expect(account.metadata.labels).toMatchObject({
    'app.kubernetes.io/managed-by': 'keyless',
    'keyless.dev/owner': 'team-payments',
    'keyless.dev/environment': 'production',
    'keyless.dev/review-by': '2027-04-30',
  });
  expect(account.metadata.annotations['azure.workload.identity/client-id']).toBe('6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31');
});

test.each([
  ['aws', /KL-G-WILDCARD-ACTION cli-ci-aws\.template\.json AWS::IAM::Policy HandWrittenAdmin/],
  ['terraform', /KL-G-GCP-BASIC-ROLE stacks\/cli-ci-gcp\/cdk\.tf\.json google_project_iam_member google_project_iam_member\.HandWrittenOwner/],
  ['k8s', /KL-G-K8S-CLUSTER-ADMIN cli-payments-api-aks\.k8s\.yaml ClusterRoleBinding payments-api-admin/],
] as Array<[Name, RegExp]>)('a hand-written insecure resource fails the %s CLI run with the guardrail finding', (name, finding) => {
  const run = runs[`${name}-violation`]!;
  expect(run.status).not.toBe(0);
  expect(run.status).not.toBeNull(); // exited, not killed
  expect(run.output).toMatch(finding);
});

test(`${FLEET.toLocaleString('en')} identities over several stacks of one account: one retained provider, unique role names, within limits`, () => {
  const all = stacks(succeeded('aws'));
  const fleet = all.filter((s) => s.name.startsWith('cli-fleet-aws'));
  expect(fleet.length).toBeGreaterThanOrEqual(3);
  const providers = new Map<string, number>();
  const roleNames = new Map<string, number>();
  let fleetRoles = 0;
  for (const stack of all) {
    const resources = Object.values<any>(stack.template.Resources);
    expect(resources.length).toBeLessThanOrEqual(500);
    expect(fs.statSync(stack.file).size).toBeLessThanOrEqual(1024 * 1024);
    for (const resource of resources) {
      if (resource.Type === 'AWS::IAM::OIDCProvider') {
        expect(resource.DeletionPolicy).toBe('Retain');
        const key = `${stack.account} ${resource.Properties.Url}`;
        providers.set(key, (providers.get(key) ?? 0) + 1);
      }
      if (resource.Type === 'AWS::IAM::Role') {
        const key = `${stack.account} ${resource.Properties.RoleName}`;
        roleNames.set(key, (roleNames.get(key) ?? 0) + 1);
        if (stack.name.startsWith('cli-fleet-aws')) fleetRoles++;
      }
    }
  }
  expect([...providers.entries()].filter(([key]) => key.startsWith('123456789012 '))).toEqual([['123456789012 https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C', 1]]);
  expect([...roleNames.values()].every((count) => count === 1)).toBe(true);
  expect(fleetRoles).toBe(FLEET);
});

test('cfn-lint reports no error on any template of the cdk synth run', () => {
  if (lint instanceof Error) throw lint;
  expect(lint.output).toBe('');
  expect(lint.status).toBe(0);
});
