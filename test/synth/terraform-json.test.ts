/**
 * Terraform's JSON configuration syntax: every block level as an object or a list of objects, data sources, files of
 * lookups and variables only, and what is not Terraform. Fixtures: test/fixtures/formats/terraform-json/ (hand-written).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  awsAdminPolicy, evaluate, federatedTrustUnpinned, NeutralResource, ownership, policyUnreadable, sessionOverTier, wildcardAction, wildcardResource,
} from '../../src/guardrails';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { readSynthesizedOutput, terraformResources, UnreadableInputError } from '../../src/synth/read';
import { nestedBlock, nestedBlocks } from '../../src/synth/terraform';
import { isTerraformJson, terraformJsonProblem } from '../../src/synth/terraform-json';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'formats');
const TODAY = '2026-12-02';

/** The rules whose findings the forms must share (a fixed list: rules added later do not change this file). */
const FORM_RULES = [awsAdminPolicy, federatedTrustUnpinned, ownership, policyUnreadable, sessionOverTier, wildcardAction, wildcardResource];

/** `RESOURCE RULE [KEY]: message` of every finding, sorted. */
function findingLines(resources: readonly NeutralResource[]): string[] {
  return evaluate(resources, { today: TODAY, rules: FORM_RULES }).findings.map((f) => `${f.resource} ${f.ruleId} [${f.key}]: ${f.message}`).sort();
}

/** The findings of the insecure deploy role, whichever form it is written in. */
const DEPLOY_FINDINGS = [
  'aws_iam_role.deploy KL-G-FEDERATED-TRUST-UNPINNED [Subject::repo:acme/*]: sub repo:acme/* does not pin the owner and repository literally',
  'aws_iam_role_policy.deploy KL-G-WILDCARD-ACTION [Action::s3:*]: Action s3:*',
  'aws_iam_role_policy.deploy KL-G-WILDCARD-RESOURCE [Action::s3:*]: Resource * for s3:*',
  'aws_iam_role_policy_attachment.admin KL-G-AWS-ADMIN-POLICY [ManagedPolicy::AdministratorAccess]: managed policy AdministratorAccess',
];

const TRUST = JSON.stringify({
  Statement: [{
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } },
    Effect: 'Allow',
    Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
  }],
  Version: '2012-10-17',
});
const POLICY = '{"Statement":[{"Action":["s3:*"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}';
const TAGS = { 'keyless:owner': 'team-payments', 'keyless:environment': 'production', 'keyless:tier': '2', 'keyless:review-by': '2027-04-30' };
const ROLE = { name: 'payments-deploy', max_session_duration: 3600, assume_role_policy: TRUST, tags: TAGS };

function tempDir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-tfjson-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const summary = (r: NeutralResource) => ({ format: r.format, file: r.file, type: r.type, id: r.id, properties: r.properties });

describe('every block level as an object or a list of objects', () => {
  test('the cdktf object form: resources, provider blocks and the file', () => {
    const output = readSynthesizedOutput([path.join(FIXTURES, 'terraform-json', 'object')]);
    expect(output.files).toEqual([{ file: 'object/cdk.tf.json', format: 'terraform' }]);
    expect(output.resources.map(summary)).toEqual([
      {
        format: 'terraform',
        file: 'object/cdk.tf.json',
        type: 'aws_iam_role',
        id: 'aws_iam_role.deploy',
        properties: { ...ROLE, '//': { metadata: { path: 'deploy/deploy', uniqueId: 'deploy' } } },
      },
      {
        format: 'terraform',
        file: 'object/cdk.tf.json',
        type: 'aws_iam_role_policy',
        id: 'aws_iam_role_policy.deploy',
        properties: { name: 'deploy', role: '${aws_iam_role.deploy.name}', policy: POLICY },
      },
      {
        format: 'terraform',
        file: 'object/cdk.tf.json',
        type: 'aws_iam_role_policy_attachment',
        id: 'aws_iam_role_policy_attachment.admin',
        properties: { role: '${aws_iam_role.deploy.name}', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      },
    ]);
    expect(output.providers).toEqual([{ file: 'object/cdk.tf.json', name: 'aws', attributes: { region: 'eu-west-1' } }]);
  });

  test('lists at the top, type and name levels read as the same resources; a data source is `data.TYPE.NAME`', () => {
    const output = readSynthesizedOutput([path.join(FIXTURES, 'terraform-json', 'array')]);
    const file = 'array/main.tf.json';
    expect(output.files).toEqual([{ file, format: 'terraform' }]);
    expect(output.resources.map(summary)).toEqual([
      { format: 'terraform', file, type: 'aws_iam_role', id: 'aws_iam_role.deploy', properties: ROLE },
      { format: 'terraform', file, type: 'aws_iam_role_policy', id: 'aws_iam_role_policy.deploy', properties: { name: 'deploy', role: '${aws_iam_role.deploy.name}', policy: POLICY } },
      {
        format: 'terraform',
        file,
        type: 'aws_iam_role_policy_attachment',
        id: 'aws_iam_role_policy_attachment.admin',
        properties: { role: '${aws_iam_role.deploy.name}', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      },
      { format: 'terraform', file, type: 'data.aws_caller_identity', id: 'data.aws_caller_identity.current', properties: {} },
    ]);
    expect(output.providers).toEqual([{ file, name: 'aws', attributes: { region: 'eu-west-1' } }]);
  });

  test('the guardrails find the same problems in the object and the list forms', () => {
    const object = readSynthesizedOutput([path.join(FIXTURES, 'terraform-json', 'object')]).resources;
    const list = readSynthesizedOutput([path.join(FIXTURES, 'terraform-json', 'array')]).resources;
    expect(findingLines(object)).toEqual(DEPLOY_FINDINGS);
    expect(findingLines(list)).toEqual(DEPLOY_FINDINGS);
  });

  test('a type-level list of several names, in written order; a top-level list is never read as type "0"', () => {
    const resources = terraformResources({
      resource: [
        { aws_iam_role: [{ a: { name: 'a' } }, { b: { name: 'b' } }] },
        { aws_iam_role: { c: [{ name: 'c' }] }, aws_iam_user: [{ d: {} }] },
      ],
    }, 'f');
    expect(resources.map((r) => [r.type, r.id, r.properties])).toEqual([
      ['aws_iam_role', 'aws_iam_role.a', { name: 'a' }],
      ['aws_iam_role', 'aws_iam_role.b', { name: 'b' }],
      ['aws_iam_role', 'aws_iam_role.c', { name: 'c' }],
      ['aws_iam_user', 'aws_iam_user.d', {}],
    ]);
  });

  test('`//` comments at every level are skipped; nested blocks stay as written', () => {
    const resources = terraformResources({
      '//': 'generated',
      'resource': { '//': 'roles', 'aws_iam_role': { '//': 'one role', 'x': { inline_policy: [{ name: 'p', policy: POLICY }], tags: {} } } },
      'data': { aws_iam_policy_document: { d: { statement: { actions: ['s3:GetObject'] } } } },
    }, 'f');
    expect(resources.map((r) => [r.type, r.id, r.properties])).toEqual([
      ['aws_iam_role', 'aws_iam_role.x', { inline_policy: [{ name: 'p', policy: POLICY }], tags: {} }],
      ['data.aws_iam_policy_document', 'data.aws_iam_policy_document.d', { statement: { actions: ['s3:GetObject'] } }],
    ]);
  });

  test('one nested block in either form', () => {
    expect(nestedBlocks([{ a: 1 }, { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(nestedBlocks({ a: 1 })).toEqual([{ a: 1 }]);
    expect(nestedBlocks('${var.x}')).toEqual([]);
    expect(nestedBlocks(undefined)).toEqual([]);
    expect(nestedBlocks([{ a: 1 }, null, 'x', [{ b: 2 }]])).toEqual([{ a: 1 }]);
    expect(nestedBlock([{ name: 'x' }])).toEqual({ name: 'x' });
    expect(nestedBlock({ name: 'y' })).toEqual({ name: 'y' });
    expect(nestedBlock([])).toBeUndefined();
  });
});

describe('each directory of Terraform JSON is one module, evaluated before it is read', () => {
  test('jsonencode and a local of another file of the same directory resolve; another directory is another module', () => {
    const policy = '${jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", '
      + 'Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }, '
      + 'Condition = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }, StringLike = { "token.actions.githubusercontent.com:sub" = local.sub } } }] })}';
    const role = { resource: [{ aws_iam_role: [{ ci: [{ name: 'ci', assume_role_policy: policy, tags: TAGS }] }] }] };
    const dir = tempDir({
      'a/locals.tf.json': { locals: [{ sub: 'repo:acme/*' }] },
      'a/main.tf.json': role,
      'b/main.tf.json': role,
    });
    const output = readSynthesizedOutput([dir]);
    const [a, b] = output.resources;
    expect(JSON.parse(a.properties.assume_role_policy).Statement[0].Condition.StringLike).toEqual({ 'token.actions.githubusercontent.com:sub': 'repo:acme/*' });
    // In b/ there is no `local.sub`: the policy stays as written, and is reported unreadable.
    expect(b.properties.assume_role_policy).toBe(policy);
    expect(evaluate(output.resources, { today: TODAY, rules: FORM_RULES }).findings.map((f) => `${f.file} ${f.ruleId} [${f.key}]`)).toEqual([
      `${path.basename(dir)}/a/main.tf.json KL-G-FEDERATED-TRUST-UNPINNED [Subject::repo:acme/*]`,
      `${path.basename(dir)}/b/main.tf.json KL-G-POLICY-UNREADABLE [Field::assume_role_policy]`,
    ]);
  });
});

describe('what is Terraform JSON and what is not', () => {
  test('a file of lookups, variables, locals and outputs only is Terraform: data sources, no managed resource', () => {
    const output = readSynthesizedOutput([path.join(FIXTURES, 'terraform-json', 'data-only')]);
    expect(output.files).toEqual([{ file: 'data-only/lookups.tf.json', format: 'terraform' }]);
    expect(output.resources.map((r) => [r.type, r.id])).toEqual([
      ['data.aws_iam_role', 'data.aws_iam_role.deploy'],
      ['data.aws_iam_policy_document', 'data.aws_iam_policy_document.read'],
    ]);
    expect(findingLines(output.resources)).toEqual([]);
  });

  test('the inventory reads such a file instead of refusing the directory, and finds no identity in a lookup', () => {
    const input = readInventoryInput([path.join(FIXTURES, 'terraform-json', 'data-only')]);
    expect(input.files).toEqual([{ file: 'data-only/lookups.tf.json', format: 'terraform' }]);
    const inventory = buildInventory(input, { today: TODAY });
    expect(inventory.identities).toEqual([]);
    expect(inventory.sources).toEqual([{ file: 'data-only/lookups.tf.json', format: 'terraform' }]);
  });

  test('any JSON of Terraform blocks is Terraform whatever its name; CDK manifests, tree.json, package.json and other JSON are not', () => {
    const dir = tempDir({
      'vars.json': { variable: { region: { default: 'eu-west-1' } } },
      'cdk.out/manifest.json': { version: '36.0.0', artifacts: { App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } } } },
      'cdk.out/tree.json': { version: 'tree-0.1', tree: { id: 'App', path: '' } },
      'cdktf.out/manifest.json': { version: '0.20.0', stacks: { app: { synthesizedStackPath: 'stacks/app/cdk.tf.json' } } },
      'package.json': { name: 'x', version: '1.0.0', dependencies: {} },
      'cdktf.json': { language: 'typescript', app: 'npx ts-node main.ts', terraformProviders: [] },
      'build.json': { output: 'dist' },
      'empty.json': {},
      'list.json': [{ resource: { aws_iam_role: { x: {} } } }],
      'api-response.json': { data: { items: [{ id: 1 }], total: 1 } },
      'fixture.json': { data: { user: { name: 'x' } }, resource: 'users' },
    });
    expect(readSynthesizedOutput([dir]).files).toEqual([{ file: path.join(path.basename(dir), 'vars.json'), format: 'terraform' }]);
    // Terraform's dependency cache (downloaded modules), like node_modules, is not the module checked.
    const cached = tempDir({ 'main.tf.json': { locals: { a: 1 } }, '.terraform/modules/iam/main.tf.json': { resource: { aws_iam_role: { x: {} } } } });
    expect(readSynthesizedOutput([cached]).files).toEqual([{ file: path.join(path.basename(cached), 'main.tf.json'), format: 'terraform' }]);
    expect(isTerraformJson({ output: 'dist' })).toBe(false);
    expect(isTerraformJson({ output: { x: { value: 1 } } })).toBe(true);
    expect(isTerraformJson({ resource: { a: { b: {} } }, extra: 1 })).toBe(true);
    expect(isTerraformJson({ data: { user: { name: 'x' } } })).toBe(false);
    expect(isTerraformJson({ data: [{ aws_iam_role: [{ ci: [{ name: 'ci' }] }] }] })).toBe(true);
    expect(isTerraformJson({ '//': 'only a comment' })).toBe(false);
    expect(isTerraformJson([])).toBe(false);
  });

  test('a *.tf.json Terraform would refuse is unreadable input, named with the block at fault', () => {
    const cases: Array<[unknown, string]> = [
      [{ resources: {} }, 'has `resources`, which is not a Terraform block type (expected resource, data, locals, variable, output, provider, terraform, module, moved, import, check, removed, ephemeral)'],
      [[], 'is a list: Terraform JSON is an object of blocks'],
      [{ resource: 'aws_iam_role' }, '`resource` is "aws_iam_role": Terraform JSON expects an object or a list of objects'],
    ];
    for (const [document, problem] of cases) {
      expect(terraformJsonProblem(document)).toBe(problem);
      const dir = tempDir({ 'main.tf.json': document });
      expect(() => readSynthesizedOutput([dir])).toThrow(new UnreadableInputError(`${path.basename(dir)}/main.tf.json: ${problem}`));
    }
    expect(terraformJsonProblem({})).toBeUndefined();
    const empty = tempDir({ 'empty.tf.json': {} });
    expect(readSynthesizedOutput([empty])).toEqual({ resources: [], providers: [], files: [{ file: `${path.basename(empty)}/empty.tf.json`, format: 'terraform' }] });
  });

  test('malformed levels and duplicate blocks are unreadable input, not a TypeError or a silent overwrite', () => {
    expect(() => terraformResources({ resource: { aws_iam_role: [{ x: {} }, 'y'] } }, 'f'))
      .toThrow(new UnreadableInputError('f: `resource.aws_iam_role` is [{"x":{}},"y"]: Terraform JSON expects an object of named blocks'));
    expect(() => terraformResources({ resource: { aws_iam_role: { x: 'y' } } }, 'f'))
      .toThrow(new UnreadableInputError('f: `resource.aws_iam_role.x` is "y": Terraform JSON expects an object of attributes'));
    expect(() => terraformResources({ resource: [{ aws_iam_role: { x: {} } }, { aws_iam_role: { x: {} } }] }, 'f'))
      .toThrow(new UnreadableInputError('f: `resource.aws_iam_role.x` is declared twice: Terraform refuses duplicate blocks (rename one)'));
    expect(() => terraformResources({ data: 7 }, 'f')).toThrow(new UnreadableInputError('f: `data` is 7: Terraform JSON expects an object of resource types'));
    // A name given several blocks (no valid Terraform, but read rather than lost) keeps an index per block.
    expect(terraformResources({ resource: { aws_iam_role: { x: [{ name: 'a' }, { name: 'b' }] } } }, 'f').map((r) => r.id)).toEqual(['aws_iam_role.x[0]', 'aws_iam_role.x[1]']);
  });
});
