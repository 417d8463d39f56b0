import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/keyless';
import { diffInventories } from '../../src/inventory/diff';
import { diffJson } from '../../src/inventory/diff-report';
import { InventoryInput, readInventoryInput, readInventoryInputReusing, readInventoryPlanSides, sameInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { ParsedTexts } from '../../src/synth/read-files';
import { dataText } from '../helpers/data-text';
import { synthesizedExamples } from '../helpers/examples';

// Attacks on `keyless diff`'s shortcut for a head whose input is the base's (sameInventoryInput): inputs that differ
// where the inventory might look (variable files, the repository side, ignored directories, symlinks, `__proto__`,
// YAML aliases and cycles, nesting deeper than the stack, -0, plans), each diffed by the CLI and by two separate
// builds, which must agree; and the premise of the shortcut, that building an inventory never writes into its input.

const TODAY = '2026-11-22';

function scratch(prefix = 'keyless-attack-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes files { 'rel/path': text } below dir. */
function tree(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return dir;
}

interface Outcome {
  cli: { code: number; lines: string[]; json?: string; error?: string };
  reference: { json?: string; error?: string };
  /** sameInventoryInput as the CLI computes it (reuse), when both sides read. */
  same?: boolean;
}

/** The CLI (optimized) and two separate builds (reference) of `keyless diff base [head]`. */
function compare(base: string, head?: string): Outcome {
  const dir = scratch('keyless-attack-out-');
  const out = path.join(dir, 'diff.json');
  const lines: string[] = [];
  const outcome: Outcome = { cli: { code: -1, lines }, reference: {} };
  try {
    outcome.cli.code = main(['diff', base, ...(head !== undefined ? [head] : []), '--json', out, '--today', TODAY], (l) => lines.push(l));
    if (fs.existsSync(out)) outcome.cli.json = fs.readFileSync(out, 'utf8');
  } catch (error) {
    outcome.cli.error = `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
  try {
    if (head === undefined) {
      const sides = readInventoryPlanSides(base);
      outcome.same = sameInventoryInput(sides.base, sides.head);
      outcome.reference.json = diffJson(diffInventories(buildInventory(sides.base, { today: TODAY }), buildInventory(sides.head, { today: TODAY })));
    } else {
      const parsed = new ParsedTexts();
      const a = readInventoryInputReusing([base], parsed);
      const b = readInventoryInputReusing([head], parsed.reuse());
      outcome.same = sameInventoryInput(a, b);
      const [built, other] = [base, head].map((side) => buildInventory(readInventoryInput([side]), { today: TODAY }));
      outcome.reference.json = diffJson(diffInventories(built, other));
    }
  } catch (error) {
    outcome.reference.error = `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return outcome;
}


const FIXTURES = path.join(__dirname, '..', 'fixtures');

const role = (sub: string, extra: Record<string, unknown> = {}) => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    GitHubOidc: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] } },
    DeployRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'app-deploy',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Principal: { Federated: { Ref: 'GitHubOidc' } },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub } },
          }],
        },
        ...extra,
      },
    },
  },
});

const cases: Array<[string, () => [string, string?]]> = [
  ['tfvars (HCL) changed, .tf same', () => {
    const d = scratch();
    for (const side of ['a', 'b']) fs.cpSync(path.join(FIXTURES, 'formats/hcl/tfvars'), path.join(d, side, 'out'), { recursive: true });
    fs.writeFileSync(path.join(d, 'b/out/terraform.tfvars'), 'subject = "*"\nbucket  = "acme-tfvars"\n');
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['auto.tfvars.json changed, .tf same', () => {
    const d = scratch();
    for (const side of ['a', 'b']) fs.cpSync(path.join(FIXTURES, 'formats/hcl/tfvars'), path.join(d, side, 'out'), { recursive: true });
    fs.writeFileSync(path.join(d, 'b/out/b.auto.tfvars.json'), '{ "bucket": "*" }');
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['tfvars.json with same .tf.json', () => {
    const d = scratch();
    const tf = JSON.stringify({
      variable: { sub: { type: 'string', default: 'repo:acme/app:ref:refs/heads/main' } },
      resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: '${jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", Principal = {Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}, Condition = {StringEquals = {"token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"}, StringLike = {"token.actions.githubusercontent.com:sub" = var.sub}}}]})}' } } },
    }, null, 2);
    tree(path.join(d, 'a/out'), { 'main.tf.json': tf, 'terraform.tfvars.json': '{"sub": "repo:acme/app:ref:refs/heads/main"}' });
    tree(path.join(d, 'b/out'), { 'main.tf.json': tf, 'terraform.tfvars.json': '{"sub": "repo:*"}' });
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['workflow listed in ci/manifest.json changed', () => {
    const d = scratch();
    for (const side of ['a', 'b']) fs.cpSync(path.join(FIXTURES, 'inventory-sides/out'), path.join(d, side, 'out'), { recursive: true });
    fs.writeFileSync(path.join(d, 'b/out/ci/github/acme/app/workflow.yml'), 'on: pull_request_target\njobs: {}\n');
    fs.writeFileSync(path.join(d, 'b/out/ci/github/acme/app/oidc-subject.json'), '{"use_default": true}');
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['.terraform dir content changed', () => {
    const d = scratch();
    for (const side of ['a', 'b']) tree(path.join(d, side, 'out'), { 'aws/t.template.json': JSON.stringify(role('repo:acme/app:ref:refs/heads/main')) });
    tree(path.join(d, 'b/out'), { '.terraform/modules/m/role.template.json': JSON.stringify(role('repo:*')) });
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['symlinked template changed', () => {
    const d = scratch();
    for (const side of ['a', 'b']) {
      tree(path.join(d, side, 'out'), { 'aws/t.template.json': JSON.stringify(role('repo:acme/app:ref:refs/heads/main')) });
      tree(path.join(d, side, 'real'), { 'r.template.json': JSON.stringify({ Resources: { R: role(side === 'a' ? 'repo:acme/x:ref:refs/heads/main' : 'repo:*').Resources.DeployRole } }) });
      fs.symlinkSync(path.join(d, side, 'real/r.template.json'), path.join(d, side, 'out/aws/link.template.json'));
    }
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['__proto__ key in template properties', () => {
    const d = scratch();
    const t = (sub: string) => JSON.stringify(role('repo:acme/app:ref:refs/heads/main')).replace('"RoleName"', `"__proto__":{"RoleName":"x","AssumeRolePolicyDocument":${JSON.stringify(role(sub).Resources.DeployRole.Properties.AssumeRolePolicyDocument)}},"RoleName"`);
    tree(path.join(d, 'a/out'), { 't.template.json': t('repo:acme/app:ref:refs/heads/main') });
    tree(path.join(d, 'b/out'), { 't.template.json': t('repo:*') });
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['YAML alias (shared) vs written copy', () => {
    const d = scratch();
    const doc = (x: string) => `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  GitHubOidc:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      Url: https://token.actions.githubusercontent.com\n      ClientIdList: [sts.amazonaws.com]\n  DeployRole:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: app-deploy\n      AssumeRolePolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n          - ${x}\n`;
    const stmt = '{Effect: Allow, Principal: {Federated: {Ref: GitHubOidc}}, Action: "sts:AssumeRoleWithWebIdentity", Condition: {StringEquals: {"token.actions.githubusercontent.com:aud": sts.amazonaws.com, "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}}';
    tree(path.join(d, 'a/out'), { 't.template.yaml': doc(`&s ${stmt}`).replace('        Statement:\n          - ', '        Statement:\n          - ') + '' });
    fs.appendFileSync(path.join(d, 'a/out/t.template.yaml'), '          - *s\n');
    tree(path.join(d, 'b/out'), { 't.template.yaml': doc(stmt) + `          - ${stmt}\n` });
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['YAML cyclic alias in k8s annotations', () => {
    const d = scratch();
    const sa = (arn: string, cyc: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: app\n  annotations:\n    eks.amazonaws.com/role-arn: ${arn}\n  x: &c\n    - ${cyc}\n    - *c\n`;
    tree(path.join(d, 'a/out'), { 'sa.yaml': sa('arn:aws:iam::123456789012:role/a', 'one') });
    tree(path.join(d, 'b/out'), { 'sa.yaml': sa('arn:aws:iam::123456789012:role/b', 'one') });
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['YAML cyclic alias, identical data', () => {
    const d = scratch();
    const sa = (pad: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: app\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/a\n  x: &c\n    - one${pad}\n    - *c\n`;
    tree(path.join(d, 'a/out'), { 'sa.yaml': sa('') });
    tree(path.join(d, 'b/out'), { 'sa.yaml': `# comment\n${sa('')}` });
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['deep nesting (200k) in an unrelated property, whitespace-only change', () => {
    const d = scratch();
    const deep = '['.repeat(200000) + ']'.repeat(200000);
    const t = JSON.stringify(role('repo:acme/app:ref:refs/heads/main', { Tags: [{ Key: 'x', Value: 'DEEP' }] })).replace('"DEEP"', deep);
    tree(path.join(d, 'a/out'), { 't.template.json': t });
    tree(path.join(d, 'b/out'), { 't.template.json': `${t}\n` });
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['deep nesting (200k), trust changed', () => {
    const d = scratch();
    const deep = '['.repeat(200000) + ']'.repeat(200000);
    const t = (sub: string) => JSON.stringify(role(sub, { Tags: [{ Key: 'x', Value: 'DEEP' }] })).replace('"DEEP"', deep);
    tree(path.join(d, 'a/out'), { 't.template.json': t('repo:acme/app:ref:refs/heads/main') });
    tree(path.join(d, 'b/out'), { 't.template.json': t('repo:*') });
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['-0 vs 0', () => {
    const d = scratch();
    tree(path.join(d, 'a/out'), { 't.template.json': JSON.stringify(role('repo:acme/app:ref:refs/heads/main', { MaxSessionDuration: 3600 })) });
    tree(path.join(d, 'b/out'), { 't.template.json': JSON.stringify(role('repo:acme/app:ref:refs/heads/main', { MaxSessionDuration: 3600 })).replace('3600', '-0') });
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
  ['same directory twice', () => {
    const d = scratch();
    fs.cpSync(path.join(FIXTURES, 'inventory-sides/out'), path.join(d, 'out'), { recursive: true });
    return [path.join(d, 'out'), path.join(d, 'out')];
  }],
  ['plan alone: fixture deploy.plan.json', () => [path.join(FIXTURES, 'formats/plan/deploy.plan.json')]],
  ['plan alone: prior_state = planned_values', () => {
    const d = scratch();
    const plan = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'formats/plan/deploy.plan.json'), 'utf8'));
    plan.prior_state = { format_version: '1.0', values: plan.planned_values };
    plan.resource_changes = (plan.resource_changes ?? []).map((c: any) => ({ ...c, change: { ...c.change, after_unknown: {} } }));
    tree(d, { 'p/plan.json': JSON.stringify(plan) });
    return [path.join(d, 'p/plan.json')];
  }],
  ['plan alone: __proto__ in after_unknown', () => {
    const d = scratch();
    const plan = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'formats/plan/deploy.plan.json'), 'utf8'));
    plan.prior_state = { format_version: '1.0', values: plan.planned_values };
    const text = JSON.stringify(plan).replace(/"after_unknown":\{/, '"after_unknown":{"__proto__":{"assume_role_policy":true},');
    tree(d, { 'p/plan.json': text });
    return [path.join(d, 'p/plan.json')];
  }],
  ['HCL: same .tf, sibling .tf added that redefines nothing visible', () => {
    const d = scratch();
    for (const side of ['a', 'b']) fs.cpSync(path.join(FIXTURES, 'formats/hcl/tfvars'), path.join(d, side, 'out'), { recursive: true });
    fs.writeFileSync(path.join(d, 'b/out/extra.tf'), 'locals {\n  x = 1\n}\n');
    return [path.join(d, 'a/out'), path.join(d, 'b/out')];
  }],
];

test.each(cases)('%s', (_name, make) => {
  const [base, head] = make();
  const o = compare(base, head);
  expect({ cli: o.cli.json, error: o.cli.error }).toEqual({ cli: o.reference.json, error: o.reference.error });
});

const snap = (i: InventoryInput) => dataText({ r: i.resources, f: i.files, p: i.providers, w: i.warnings, s: i.repositorySides });

function targets(): string[] {
  const out: string[] = [synthesizedExamples()];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { out.push(p); walk(p); } else if (/\.(json|ya?ml|tf)$/.test(e.name)) {out.push(p);}
    }
  };
  walk(path.join(__dirname, '..', 'fixtures'));
  return out;
}

test('buildInventory never writes into its input: the examples and every fixture, before and after', () => {
  const mutated: string[] = [];
  for (const t of targets()) {
    const inputs: InventoryInput[] = [];
    try { inputs.push(readInventoryInput([t])); } catch { /* skip */ }
    if (t.endsWith('.json')) { try { const s = readInventoryPlanSides(t); inputs.push(s.base, s.head); } catch { /* skip */ } }
    for (const input of inputs) {
      const before = snap(input);
      try { buildInventory(input, { today: '2026-11-22' }); } catch (e) { mutated.push(`${t}: build threw ${(e as Error).message}`); continue; }
      const after = snap(input);
      if (before !== after) {
        let i = 0; while (before[i] === after[i]) i++;
        mutated.push(`${t}: MUTATED at ${i}: ${before.slice(Math.max(0, i - 200), i + 200)} ||| ${after.slice(Math.max(0, i - 200), i + 200)}`);
      }
    }
  }
  expect(mutated).toEqual([]);
});
