/**
 * `terraform show -json` plans and states read into the neutral model: planned values, prior state, child modules,
 * values known only after apply, provider configuration, and the two sides of a plan for the diff. Fixtures:
 * test/fixtures/formats/plan/ (hand-written following Terraform's JSON output format).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/keyless';
import {
  awsAdminPolicy, evaluate, federatedTrustUnpinned, NeutralResource, ownership, policyUnreadable, sessionOverTier, wildcardAction, wildcardResource,
} from '../../src/guardrails';
import { diffInventories } from '../../src/inventory/diff';
import { readInventoryInput, readInventoryPlanSides } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { readSynthesizedOutput, UnreadableInputError } from '../../src/synth/read';
import { isKnownAfterApply, knownAfterApply, readPlanSides, terraformShowKind, terraformShowOutput } from '../../src/synth/terraform-plan';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'formats');
const PLAN = path.join(FIXTURES, 'plan', 'deploy.plan.json');
const UNKNOWN = path.join(FIXTURES, 'plan', 'unknown-policy.plan.json');
const STATE = path.join(FIXTURES, 'plan', 'deployed.state.json');
const TODAY = '2026-12-02';

const FORM_RULES = [awsAdminPolicy, federatedTrustUnpinned, ownership, policyUnreadable, sessionOverTier, wildcardAction, wildcardResource];
const findingLines = (resources: readonly NeutralResource[]): string[] =>
  evaluate(resources, { today: TODAY, rules: FORM_RULES }).findings.map((f) => `${f.resource} ${f.ruleId} [${f.key}]: ${f.message}`).sort();

const OIDC = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const trust = (condition: Record<string, unknown>) => JSON.stringify({
  Statement: [{ Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition, Effect: 'Allow', Principal: { Federated: OIDC } }],
  Version: '2012-10-17',
});
const BROAD_TRUST = trust({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } });
const PINNED_TRUST = trust({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/payments-api:ref:refs/heads/main' } });
const POLICY = '{"Statement":[{"Action":["s3:*"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}';
const PRIOR_POLICY = '{"Statement":[{"Action":["s3:GetObject"],"Effect":"Allow","Resource":"arn:aws:s3:::acme-artifacts/*"}],"Version":"2012-10-17"}';
const TAGS = { 'keyless:owner': 'team-payments', 'keyless:environment': 'production', 'keyless:tier': '2', 'keyless:review-by': '2027-04-30' };
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const ROLE = {
  arn: 'arn:aws:iam::123456789012:role/payments-deploy',
  create_date: '2026-01-05T10:00:00Z',
  force_detach_policies: false,
  id: 'payments-deploy',
  inline_policy: [],
  managed_policy_arns: [],
  max_session_duration: 3600,
  name: 'payments-deploy',
  name_prefix: '',
  path: '/',
  tags: TAGS,
  tags_all: TAGS,
  unique_id: 'AROAEXAMPLEPAYMENTS01',
};

const rows = (resources: readonly NeutralResource[]) => resources.map((r) => [r.file, r.type, r.id]);
const byId = (resources: readonly NeutralResource[], id: string) => resources.find((r) => r.id === id)?.properties;

describe('a plan: its planned values', () => {
  const output = readSynthesizedOutput([PLAN]);

  test('resources by address, data sources as data.TYPE, properties the values without null attributes', () => {
    expect(output.files).toEqual([{ file: 'plan/deploy.plan.json', format: 'terraform' }]);
    expect(rows(output.resources)).toEqual([
      ['plan/deploy.plan.json', 'aws_iam_role', 'aws_iam_role.deploy'],
      ['plan/deploy.plan.json', 'aws_iam_role_policy', 'aws_iam_role_policy.deploy'],
      ['plan/deploy.plan.json', 'aws_iam_role_policy_attachment', 'aws_iam_role_policy_attachment.admin'],
      ['plan/deploy.plan.json', 'data.aws_iam_policy_document', 'data.aws_iam_policy_document.deploy'],
    ]);
    expect(byId(output.resources, 'aws_iam_role.deploy')).toEqual({ ...ROLE, assume_role_policy: BROAD_TRUST });
    expect(byId(output.resources, 'aws_iam_role_policy.deploy')).toEqual({ id: 'payments-deploy:deploy', name: 'deploy', name_prefix: '', policy: POLICY, role: 'payments-deploy' });
    expect(byId(output.resources, 'aws_iam_role_policy_attachment.admin')).toEqual({ policy_arn: ADMIN, role: 'payments-deploy' });
    expect(byId(output.resources, 'data.aws_iam_policy_document.deploy')).toMatchObject({ minified_json: POLICY, version: '2012-10-17' });
    expect(Object.keys(byId(output.resources, 'data.aws_iam_policy_document.deploy'))).not.toContain('override_json');
  });

  test('provider blocks from the configuration: constants, and variables the plan gives a value for', () => {
    expect(output.providers).toEqual([
      { file: 'plan/deploy.plan.json', name: 'aws', attributes: { region: 'eu-west-1' } },
      { file: 'plan/deploy.plan.json', name: 'aws', alias: 'us', attributes: { region: 'us-east-1', alias: 'us' } },
    ]);
  });

  test('the guardrails find in the plan what they find in the Terraform JSON of the same role (object and list forms)', () => {
    const expected = [
      'aws_iam_role.deploy KL-G-FEDERATED-TRUST-UNPINNED [Subject::repo:acme/*]: sub repo:acme/* does not pin the owner and repository literally',
      'aws_iam_role_policy.deploy KL-G-WILDCARD-ACTION [Action::s3:*]: Action s3:*',
      'aws_iam_role_policy.deploy KL-G-WILDCARD-RESOURCE [Action::s3:*]: Resource * for s3:*',
      'aws_iam_role_policy_attachment.admin KL-G-AWS-ADMIN-POLICY [ManagedPolicy::AdministratorAccess]: managed policy AdministratorAccess',
    ];
    expect(findingLines(output.resources)).toEqual(expected);
    for (const form of ['object', 'array']) {
      expect([form, findingLines(readSynthesizedOutput([path.join(FIXTURES, 'terraform-json', form)]).resources)]).toEqual([form, expected]);
    }
  });

  test('`keyless check` on the plan file reports those findings and fails', () => {
    const lines: string[] = [];
    const code = main(['check', PLAN, '--today', TODAY], (line) => lines.push(line));
    expect(code).toBe(1);
    expect(lines.filter((l) => /KL-G-(FEDERATED-TRUST-UNPINNED|WILDCARD-ACTION|WILDCARD-RESOURCE|AWS-ADMIN-POLICY) /.test(l))).toHaveLength(4);
    expect(lines[lines.length - 1]).toMatch(/^keyless check: 4 resources in 1 files, \d+ findings/);
  });
});

describe('a plan written by Terraform 1.11 (`terraform show -json` of a configuration without providers)', () => {
  test('values, an unknown the configuration sets (a placeholder), computed unknowns (absent), a child module', () => {
    const output = readSynthesizedOutput([path.join(FIXTURES, 'plan', 'terraform-data.plan.json')]);
    expect(output.resources.map((r) => [r.type, r.id, r.properties])).toEqual([
      ['terraform_data', 'terraform_data.x', {
        input: { name: 'a', policy: '{"Statement":[{"Action":"s3:*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}' },
      }],
      ['terraform_data', 'terraform_data.y', { input: '${known after apply: terraform_data.x.id}' }],
      ['terraform_data', 'module.m.terraform_data.inner', { input: 'v' }],
    ]);
    expect(output.providers).toEqual([{ file: 'plan/terraform-data.plan.json', name: 'terraform', attributes: {} }]);
    expect(readPlanSides(path.join(FIXTURES, 'plan', 'terraform-data.plan.json')).before.resources).toEqual([]);
  });
});

describe('values known only after apply', () => {
  const output = readSynthesizedOutput([UNKNOWN]);

  test('an unknown value the configuration sets is a placeholder naming its references; computed unknowns stay absent', () => {
    expect(rows(output.resources).map(([, type, id]) => [type, id])).toEqual([
      ['aws_s3_bucket', 'aws_s3_bucket.artifacts'],
      ['aws_iam_policy', 'aws_iam_policy.artifacts'],
      ['aws_iam_role', 'aws_iam_role.reader'],
      ['aws_iam_role_policy', 'module.ci.aws_iam_role_policy.publish[0]'],
    ]);
    // The bucket's `arn`, `policy`… are computed by the provider, not set: absent, not placeholders.
    expect(byId(output.resources, 'aws_s3_bucket.artifacts')).toEqual({ bucket: 'acme-artifacts', force_destroy: false });
    expect(byId(output.resources, 'aws_iam_policy.artifacts')).toEqual({ name: 'artifacts-read', path: '/', policy: '${known after apply: aws_s3_bucket.artifacts.arn}' });
    expect(byId(output.resources, 'aws_iam_role.reader')).toEqual({
      assume_role_policy: PINNED_TRUST,
      force_detach_policies: false,
      max_session_duration: 3600,
      name: 'artifacts-reader',
      path: '/',
      tags: TAGS,
      tags_all: TAGS,
      inline_policy: [{ name: 'read', policy: '${known after apply: aws_s3_bucket.artifacts.arn}' }],
    });
    // In a module (with count): its configuration is found under module_calls, its address keeps the index.
    expect(byId(output.resources, 'module.ci.aws_iam_role_policy.publish[0]')).toEqual({ name: 'publish', role: 'artifacts-reader', policy: '${known after apply: var.bucket_arn}' });
  });

  test('a policy known only after apply is reported unreadable, never compliant', () => {
    expect(findingLines(output.resources)).toEqual([
      'aws_iam_policy.artifacts KL-G-POLICY-UNREADABLE [Field::policy]: policy is ${known after apply: aws_s3_bucket.artifacts.arn}, which is not a JSON policy document',
      // An inline policy block of a role, computed at apply (issue 16: inline policies are checked too).
      'aws_iam_role.reader KL-G-POLICY-UNREADABLE [Field::inline_policy.policy]: inline_policy read policy is ${known after apply: aws_s3_bucket.artifacts.arn}, which is not a JSON policy document',
      'module.ci.aws_iam_role_policy.publish[0] KL-G-POLICY-UNREADABLE [Field::policy]: policy is ${known after apply: var.bucket_arn}, which is not a JSON policy document',
    ]);
  });

  test('without a configuration every unknown value is a placeholder (it cannot be told apart from a computed one)', () => {
    const document = {
      format_version: '1.2',
      planned_values: { root_module: { resources: [{ address: 'aws_iam_policy.p', mode: 'managed', type: 'aws_iam_policy', name: 'p', values: { name: 'p', tags: null } }] } },
      resource_changes: [{ address: 'aws_iam_policy.p', change: { actions: ['create'], after_unknown: { arn: true, policy: true, tags_all: true, statement: [{ resources: true }] } } }],
    };
    expect(terraformShowOutput(document, 'f').resources).toEqual([{
      format: 'terraform',
      file: 'f',
      type: 'aws_iam_policy',
      id: 'aws_iam_policy.p',
      properties: { name: 'p', arn: '${known after apply}', policy: '${known after apply}', tags_all: '${known after apply}', statement: [{ resources: '${known after apply}' }] },
    }]);
    expect(isKnownAfterApply(knownAfterApply(['a.b.c']))).toBe(true);
    expect(isKnownAfterApply('${aws_iam_role.x.arn}')).toBe(false);
  });
});

describe('a state', () => {
  test('resources of the root and nested child modules, for_each keys in the address, no provider blocks', () => {
    const output = readSynthesizedOutput([STATE]);
    expect(output.files).toEqual([{ file: 'plan/deployed.state.json', format: 'terraform' }]);
    expect(output.providers).toEqual([]);
    expect(rows(output.resources).map(([, type, id]) => [type, id])).toEqual([
      ['aws_iam_role', 'aws_iam_role.reader["blue"]'],
      ['data.aws_iam_policy_document', 'data.aws_iam_policy_document.read'],
      ['aws_iam_role_policy_attachment', 'module.audit.aws_iam_role_policy_attachment.admin'],
      ['aws_iam_policy', 'module.audit.module.inner.aws_iam_policy.audit'],
    ]);
    expect(byId(output.resources, 'aws_iam_role.reader["blue"]')).toEqual({
      ...ROLE, name: 'reader-blue', id: 'reader-blue', arn: 'arn:aws:iam::123456789012:role/reader-blue', assume_role_policy: BROAD_TRUST,
    });
    expect(byId(output.resources, 'module.audit.module.inner.aws_iam_policy.audit')).toEqual({
      arn: 'arn:aws:iam::123456789012:policy/audit', name: 'audit', path: '/', policy: PRIOR_POLICY, tags: {}, tags_all: {},
    });
    expect(findingLines(output.resources)).toEqual([
      'aws_iam_role.reader["blue"] KL-G-FEDERATED-TRUST-UNPINNED [Subject::repo:acme/*]: sub repo:acme/* does not pin the owner and repository literally',
      'module.audit.aws_iam_role_policy_attachment.admin KL-G-AWS-ADMIN-POLICY [ManagedPolicy::AdministratorAccess]: managed policy AdministratorAccess',
    ]);
  });

  test('the inventory reads a state as it reads the Terraform JSON of the same role', () => {
    const inventory = buildInventory(readInventoryInput([STATE]), { today: TODAY });
    expect(inventory.identities.map((i) => i.id)).toEqual(['aws:role:reader-blue']);
  });
});

describe('the two sides of a plan', () => {
  test('before is the prior state, after the planned values; both carry the plan\'s providers and label', () => {
    const { before, after } = readPlanSides(PLAN);
    expect(before.files).toEqual([{ file: 'plan/deploy.plan.json', format: 'terraform' }]);
    expect(after.files).toEqual(before.files);
    expect(rows(before.resources).map(([, , id]) => id)).toEqual(['aws_iam_role.deploy', 'aws_iam_role_policy.deploy', 'data.aws_iam_policy_document.deploy']);
    expect(byId(before.resources, 'aws_iam_role.deploy')).toEqual({ ...ROLE, assume_role_policy: PINNED_TRUST });
    expect(byId(before.resources, 'aws_iam_role_policy.deploy')).toEqual({ id: 'payments-deploy:deploy', name: 'deploy', name_prefix: '', policy: PRIOR_POLICY, role: 'payments-deploy' });
    expect(after.resources).toEqual(readSynthesizedOutput([PLAN]).resources);
    expect(before.providers).toEqual(after.providers);
    expect(findingLines(before.resources)).toEqual([]);
  });

  test('the inventory diff of a plan: the trust and the permissions it broadens', () => {
    const { base, head } = readInventoryPlanSides(PLAN);
    expect(base.relativeFile('plan/deploy.plan.json')).toBe('deploy.plan.json');
    expect(head.absoluteFile('plan/deploy.plan.json')).toBe(PLAN);
    const diff = diffInventories(buildInventory(base, { today: TODAY }), buildInventory(head, { today: TODAY }));
    expect(diff.identities.map((i) => [i.id, i.changes.map((c) => `${c.type} (${c.direction}): ${c.text}`)])).toEqual([
      ['aws:role:payments-deploy', [
        'trust-broadened (broadening): now assumable by oidc token.actions.githubusercontent.com sub=repo:acme/* aud=sts.amazonaws.com',
        'permission-broadened (broadening): can now do policy arn:aws:iam::aws:policy/AdministratorAccess',
        'permission-broadened (broadening): can now do s3:* on *',
      ]],
    ]);
  });

  test('a first plan (no prior state) has an empty before side', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-plan-'));
    const file = path.join(dir, 'first.json');
    fs.writeFileSync(file, JSON.stringify({ format_version: '1.2', planned_values: { root_module: {} }, resource_changes: [] }));
    expect(readPlanSides(file)).toEqual({
      before: { resources: [], providers: [], files: [{ file: `${path.basename(dir)}/first.json`, format: 'terraform' }] },
      after: { resources: [], providers: [], files: [{ file: `${path.basename(dir)}/first.json`, format: 'terraform' }] },
    });
  });
});

describe('what is a plan or a state, and what is refused', () => {
  test('detection by format_version and planned_values / resource_changes / prior_state / values only', () => {
    expect(terraformShowKind({ format_version: '1.2', planned_values: {} })).toBe('plan');
    expect(terraformShowKind({ format_version: '1.2', resource_changes: [] })).toBe('plan');
    expect(terraformShowKind({ format_version: '1.0', values: { root_module: {} } })).toBe('state');
    // `terraform validate -json`, `terraform providers schema -json`, an empty state: not resources.
    expect(terraformShowKind({ format_version: '1.0', valid: true, diagnostics: [] })).toBeUndefined();
    expect(terraformShowKind({ format_version: '1.0', provider_schemas: {} })).toBeUndefined();
    expect(terraformShowKind({ format_version: '1.0' })).toBeUndefined();
    expect(terraformShowKind({ planned_values: {} })).toBeUndefined();
  });

  function file(name: string, content: unknown): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-plan-'));
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    return path.join(dir, name);
  }

  test('an errored plan is partial: refused by the checker and the diff', () => {
    const errored = file('plan.json', { format_version: '1.2', planned_values: { root_module: {} }, errored: true });
    const message = `${path.basename(path.dirname(errored))}/plan.json: the plan errored (\`errored\` is true): its planned values are partial; fix the errors and run \`terraform plan\` and \`terraform show -json\` again`;
    expect(() => readSynthesizedOutput([errored])).toThrow(new UnreadableInputError(message));
    expect(() => readPlanSides(errored)).toThrow(new UnreadableInputError(message));
  });

  test('the diff of one file needs a plan', () => {
    expect(() => readPlanSides(STATE)).toThrow(new UnreadableInputError(`${STATE}: is a Terraform state, not a plan: it has one side only (compare two outputs, or run \`terraform show -json plan.out\`)`));
    const other = file('notes.json', { hello: 'world' });
    expect(() => readPlanSides(other)).toThrow(new UnreadableInputError(`${other}: not a Terraform plan: expected the output of \`terraform show -json plan.out\` (\`format_version\` with \`planned_values\`)`));
    const broken = file('plan.json', '{"format_version": ');
    expect(() => readPlanSides(broken)).toThrow(UnreadableInputError);
    expect(() => readPlanSides(broken)).toThrow(`${broken}: cannot be parsed as JSON (`);
    expect(() => readPlanSides(path.join(path.dirname(broken), 'missing.json'))).toThrow(new UnreadableInputError(`${path.join(path.dirname(broken), 'missing.json')}: no such file or directory`));
  });

  test('a resource without address and type is not show -json output', () => {
    expect(() => terraformShowOutput({ format_version: '1.0', values: { root_module: { resources: [{ values: {} }] } } }, 'f'))
      .toThrow(new UnreadableInputError('f: a resource of `root_module` has no `address` and `type`: not a `terraform show -json` document'));
  });
});
