/**
 * Issue 16, HCL in the CLI: `keyless check|inventory|diff` on directories of `.tf` files, and `keyless diff PLAN.json`
 * (a plan's prior state against its planned values). Fixtures: test/fixtures/formats/hcl/ (hand-written).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { main } from '../../src/cli/keyless';

const ROOT = path.resolve(__dirname, '..', '..');
const HCL = path.join(ROOT, 'test', 'fixtures', 'formats', 'hcl');
const PLAN = path.join(ROOT, 'test', 'fixtures', 'formats', 'plan', 'deploy.plan.json');
const TODAY = ['--today', '2026-12-01'];

function run(argv: string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = main(argv, (line) => lines.push(...line.split('\n')));
  return { code, lines };
}

describe('keyless check on HCL', () => {
  test('github-oidc: the same findings as the module written as Terraform JSON with literal policies', () => {
    const hcl = run(['check', path.join(HCL, 'github-oidc'), ...TODAY]);
    const literal = run(['check', path.join(HCL, 'github-oidc-json'), ...TODAY]);
    expect(hcl.code).toBe(1);
    expect(literal.code).toBe(1);
    // The HCL module also has the data document itself; it is used by the role policy, so it is checked there only.
    const findings = (lines: string[]) => lines.slice(0, -1);
    expect(findings(hcl.lines)).toEqual(findings(literal.lines).map((l) => l.replace(' github-oidc-json/main.tf.json ', ' github-oidc/main.tf ')));
    expect(findings(hcl.lines).map((l) => l.replace(/\]: .*$/, ']'))).toEqual([
      'KL-G-WILDCARD-ACTION github-oidc/main.tf aws_iam_policy aws_iam_policy.admin [Action::*]',
      'KL-G-WILDCARD-RESOURCE github-oidc/main.tf aws_iam_policy aws_iam_policy.admin [Action::*]',
      'KL-G-FEDERATED-TRUST-UNPINNED github-oidc/main.tf aws_iam_role aws_iam_role.deploy [Subject::repo:acme/api:*]',
      'KL-G-OWNERSHIP github-oidc/main.tf aws_iam_role aws_iam_role.deploy [Field::environment]',
      'KL-G-OWNERSHIP github-oidc/main.tf aws_iam_role aws_iam_role.deploy [Field::owner]',
      'KL-G-OWNERSHIP github-oidc/main.tf aws_iam_role aws_iam_role.deploy [Field::review-by]',
      'KL-G-WILDCARD-ACTION github-oidc/main.tf aws_iam_role_policy aws_iam_role_policy.artifacts [Action::s3:*]',
    ]);
  });

  test('unknowns: each policy known only at apply time is a KL-G-POLICY-UNREADABLE finding', () => {
    const { code, lines } = run(['check', path.join(HCL, 'unknowns'), ...TODAY]);
    expect(code).toBe(1);
    expect(lines.filter((l) => l.startsWith('KL-G-POLICY-UNREADABLE')).map((l) => l.replace(/ \[Field::(policy|json)\]: .*$/, ''))).toEqual([
      'conditional', 'dynamic_document', 'file', 'for_each', 'function', 'list_variable', 'merged_document', 'resource_attribute',
    ].map((name) => `KL-G-POLICY-UNREADABLE unknowns/main.tf aws_iam_policy aws_iam_policy.${name}`));
    // The expression as written, up to the rule's fix text.
    expect(lines.find((l) => l.includes(' aws_iam_policy.file '))?.replace(/ Fix: .*$/, '')).toBe('KL-G-POLICY-UNREADABLE unknowns/main.tf aws_iam_policy '
      + 'aws_iam_policy.file [Field::policy]: policy is ${file("${path.module}/policy.json")}, which is not a JSON policy document.');
  });

  test('data-documents: a document no resource uses is checked as a document; an undetermined one is unreadable', () => {
    const { code, lines } = run(['check', path.join(HCL, 'data-documents'), ...TODAY]);
    expect(code).toBe(1);
    expect(lines.slice(0, -1).map((l) => l.replace(/\]: .*$/, ']'))).toEqual([
      'KL-G-WILDCARD-ACTION data-documents/main.tf data.aws_iam_policy_document data.aws_iam_policy_document.admin [Action::*]',
      'KL-G-WILDCARD-RESOURCE data-documents/main.tf data.aws_iam_policy_document data.aws_iam_policy_document.admin [Action::*]',
      'KL-G-POLICY-UNREADABLE data-documents/main.tf data.aws_iam_policy_document data.aws_iam_policy_document.undetermined [Field::json]',
    ]);
  });

  test('tfvars: the module\'s variable files win over the defaults (the pinned default subject is widened by terraform.tfvars)', () => {
    const { code, lines } = run(['check', path.join(HCL, 'tfvars'), ...TODAY]);
    expect(code).toBe(1);
    expect(lines.filter((l) => l.startsWith('KL-G-FEDERATED-TRUST-UNPINNED')).map((l) => l.replace(/\]: .*$/, ']')))
      .toEqual(['KL-G-FEDERATED-TRUST-UNPINNED tfvars/main.tf aws_iam_role aws_iam_role.deploy [Subject::repo:acme/api:*]']);
    expect(lines[lines.length - 1]).toMatch(/^keyless check: 2 resources in 1 files, /);
    // The bucket of b.auto.tfvars.json, the last variable file.
    expect(run(['inventory', path.join(HCL, 'tfvars'), ...TODAY]).lines).toContain('- `s3:GetObject on arn:aws:s3:::acme-auto-b/*`');
  });

  test('a syntax error: exit 2 naming FILE:LINE:COLUMN', () => {
    expect(run(['check', path.join(HCL, 'syntax-error')])).toEqual({
      code: 2,
      lines: [`keyless: ${path.join(HCL, 'syntax-error', 'main.tf')}:6:3: cannot be parsed as HCL (Invalid expression; Expected the start of an expression, but found an invalid expression token.)`],
    });
  });

  test('without @cdktf/hcl2json: exit 2 with the package to install, no stack trace', async () => {
    const child = promisify(execFile)(process.execPath, [
      '--require', path.join(ROOT, 'test', 'api', 'fixtures', 'without-frameworks.js'), '--require', 'ts-node/register/transpile-only',
      path.join(ROOT, 'src', 'cli', 'keyless.ts'), 'check', path.join(HCL, 'github-oidc'),
    ], { cwd: ROOT, env: { ...process.env, KEYLESS_TEST_UNINSTALLED: '@cdktf/hcl2json', TS_NODE_PROJECT: 'test/tsconfig.json' }, encoding: 'utf8' });
    await expect(child).rejects.toMatchObject({
      code: 2,
      stderr: '',
      stdout: `keyless: ${path.join(HCL, 'github-oidc', 'main.tf')}: reading HCL needs @cdktf/hcl2json, which is not installed (an optional peer dependency of `
        + '@keyless/constructs, which npm installs only when asked). Fix: `npm i @cdktf/hcl2json@^0.21.0` next to @keyless/constructs, or check the Terraform JSON '
        + 'of the module (`terraform show -json` of a plan)\n',
    });
  });
});

describe('keyless inventory and diff on HCL', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-hcl-cli-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('inventory: the same identities as the Terraform JSON module', () => {
    const hcl = run(['inventory', path.join(HCL, 'github-oidc'), ...TODAY]);
    const literal = run(['inventory', path.join(HCL, 'github-oidc-json'), ...TODAY]);
    expect(hcl.code).toBe(0);
    const normal = (lines: string[]) => lines.map((l) => l.replace(/github-oidc(-json)?\/main\.tf(\.json)?/g, 'FILE').replace(/(from|in) [12] files/, '$1 N files'));
    expect(normal(hcl.lines)).toEqual(normal(literal.lines));
    expect(hcl.lines).toContain('- `oidc token.actions.githubusercontent.com sub=repo:acme/api:* aud=sts.amazonaws.com` (admits pull_request runs)');
    expect(hcl.lines).toContain('- `s3:* on arn:aws:s3:::acme-artifacts/*` (wildcard)');
  });

  test('diff BASE HEAD of two HCL modules: the data document\'s s3:* broadens the role', () => {
    for (const side of ['base', 'head']) {
      fs.mkdirSync(path.join(tmp, side, 'infra'), { recursive: true });
      for (const file of ['main.tf', 'variables.tf']) {
        const text = fs.readFileSync(path.join(HCL, 'github-oidc', file), 'utf8');
        fs.writeFileSync(path.join(tmp, side, 'infra', file), side === 'base' ? text.replace('actions   = ["s3:*"]', 'actions   = ["s3:GetObject"]') : text);
      }
    }
    const { code, lines } = run(['diff', path.join(tmp, 'base', 'infra'), path.join(tmp, 'head', 'infra'), '--fail-on', 'broadening', ...TODAY]);
    expect(code).toBe(1);
    expect(lines).toContain('- **Permissions broadened**: can now do `s3:* on arn:aws:s3:::acme-artifacts` (was `s3:GetObject on arn:aws:s3:::acme-artifacts`; wildcard)');
    expect(lines[lines.length - 1]).toBe('keyless diff: 1 broadened, 0 added, 0 removed, 0 narrowed, 0 otherwise changed, 0 unchanged (fails --fail-on broadening)');
  });

  test('diff PLAN.json: the plan\'s prior state against its planned values', () => {
    const { code, lines } = run(['diff', PLAN, '--fail-on', 'broadening', ...TODAY]);
    expect(code).toBe(1);
    expect(lines).toContain('- **Permissions broadened**: can now do `s3:* on *` (was `s3:GetObject on arn:aws:s3:::acme-artifacts/*`; wildcard)');
    expect(lines[lines.length - 1]).toBe('keyless diff: 1 broadened, 0 added, 0 removed, 0 narrowed, 0 otherwise changed, 0 unchanged (fails --fail-on broadening)');
  });

  test.each([
    ['a directory', () => path.join(HCL, 'github-oidc'), (p: string) => `keyless: ${p} is a directory: one path is a Terraform plan (\`terraform show -json plan.out > plan.json\`); `
      + 'to compare two outputs, give BASE and HEAD. usage: keyless diff BASE HEAD|PLAN.json [--markdown FILE] [--json FILE] [--sarif FILE] [--fail-on broadening|any|never] [--today YYYY-MM-DD]'],
    ['a state', () => path.join(ROOT, 'test', 'fixtures', 'formats', 'plan', 'deployed.state.json'), (p: string) => `keyless: plan: ${p}: is a Terraform state, not a plan: it has one side `
      + 'only (compare two outputs, or run `terraform show -json plan.out`): cannot compare'],
  ])('diff with one path that is %s: exit 2', (_, target, message) => {
    expect(run(['diff', target()])).toEqual({ code: 2, lines: [message(target())] });
  });

  test('diff with three paths: exit 2 with the usage', () => {
    expect(run(['diff', PLAN, PLAN, PLAN])).toEqual({
      code: 2,
      lines: ['keyless: expected BASE and HEAD, or one plan file, got 3 path(s). usage: keyless diff BASE HEAD|PLAN.json [--markdown FILE] [--json FILE] [--sarif FILE] '
        + '[--fail-on broadening|any|never] [--today YYYY-MM-DD]'],
    });
  });
});
