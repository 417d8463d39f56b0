import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { evaluate } from '../../src/guardrails/engine';
import { Inventory } from '../../src/inventory/model';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { podSpec } from '../../src/synth/kubernetes';
import { readSynthesizedOutput, UnreadableInputError } from '../../src/synth/read';
import { cfnString, literal } from '../../src/synth/values';

/**
 * Hand-written output a reviewer found that crashed the inventory, or that the rules and the inventory read
 * differently. Each input must give a clean result (a finding, a record, or an unreadable-input error), never a
 * TypeError or a stack overflow, and `keyless check` and `keyless inventory` must read it the same way.
 */
const TODAY = '2026-12-02';

function dir(files: Record<string, unknown>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-hardening-'));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(root, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

function inventoryOf(files: Record<string, unknown>): Inventory {
  return buildInventory(readInventoryInput([dir(files)]), { today: TODAY });
}

const GITHUB_TRUST = (conditions: Record<string, unknown>) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: conditions,
    Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
  }],
});

describe('inputs that crashed the reader or the inventory', () => {
  test('a resource type block that is not an object is unreadable input (exit 2), not a TypeError', () => {
    const root = dir({ 'main.tf.json': { resource: { aws_iam_role: null } } });
    expect(() => readSynthesizedOutput([root])).toThrow(UnreadableInputError);
    expect(() => readSynthesizedOutput([root])).toThrow(`${path.basename(root)}/main.tf.json: \`resource.aws_iam_role\` is null: Terraform JSON expects an object of named blocks`);
  });

  test('a claim named __proto__ or constructor is a claim like any other', () => {
    const inventory = inventoryOf({
      'main.tf.json': {
        resource: {
          aws_iam_role: {
            r: { name: 'r', assume_role_policy: GITHUB_TRUST({ StringEquals: { 'token.actions.githubusercontent.com:__proto__': 'x', 'token.actions.githubusercontent.com:constructor': 'y' } }) },
          },
          google_iam_workload_identity_pool_provider: {
            p: {
              workload_identity_pool_id: 'pool',
              workload_identity_pool_provider_id: 'gh',
              project: 'acme',
              attribute_condition: "assertion.__proto__ == 'x' && assertion.repository_owner_id == '1'",
              oidc: { issuer_uri: 'https://token.actions.githubusercontent.com', allowed_audiences: [1, 'https://example.com'] },
            },
          },
        },
      },
    });
    const role = inventory.identities.find((r) => r.id === 'aws:role:r')!;
    expect(role.trustedSubjects.map((s) => Object.entries(s.claims))).toEqual([[['__proto__', ['x']], ['constructor', ['y']]]]);
    const provider = inventory.identities.find((r) => r.id === 'gcp:workload-identity-provider:acme/pool/gh')!;
    // A non-string audience is shown as written, not a crash.
    expect(provider.trustedSubjects.map((s) => s.text)).toEqual(['oidc token.actions.githubusercontent.com aud=1|https://example.com __proto__=x repository_owner_id=1']);
  });

  test('a workload with `spec: null` has no pod spec: no crash in the rules or the inventory', () => {
    expect(podSpec({ kind: 'Pod', spec: null })).toBeUndefined();
    expect(podSpec({ kind: 'Deployment', spec: { template: { spec: [] } } })).toBeUndefined();
    const root = dir({ 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec: null\n' });
    const input = readInventoryInput([root]);
    expect(buildInventory(input, { today: TODAY }).identities).toEqual([]);
    expect(evaluate(input.resources, { today: TODAY }).findings.filter((f) => f.key === 'RuleError')).toEqual([]);
  });

  test('intrinsics nested 20,000 deep are shown unresolved past 64 levels, never a stack overflow', () => {
    let deep: unknown = 'arn:aws:iam::aws:policy/AdministratorAccess';
    for (let i = 0; i < 20_000; i++) deep = { 'Fn::Join': ['', [deep]] };
    expect(literal(deep)).toBe('${…}');
    expect(cfnString(deep, new Map(), () => 'x')).toBe('${…}');
    // Written as text: JSON.stringify itself cannot write 20,000 levels.
    const arn = `${'{"Fn::Join":["",['.repeat(20_000)}"arn:aws:iam::aws:policy/AdministratorAccess"${']]}'.repeat(20_000)}`;
    const template = `{"Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{"RoleName":"r","AssumeRolePolicyDocument":{"Statement":[]},"ManagedPolicyArns":[${arn}]}}}}`;
    const input = readInventoryInput([dir({ 't.json': template })]);
    expect(evaluate(input.resources, { today: TODAY }).findings.filter((f) => f.key === 'RuleError')).toEqual([]);
    const inventory = buildInventory(input, { today: TODAY });
    expect(inventory.identities.find((r) => r.id === 'aws:role:r')!.permissions.map((p) => p.text)).toEqual(['policy ${…}']);
  });
});

describe('the rules and the inventory read the same resource', () => {
  test('a Terraform block given as a list of one object: both flag the admin policy and the basic role', () => {
    const files = {
      'main.tf.json': {
        resource: {
          google_project_iam_member: { x: [{ project: 'p1', role: 'roles/owner', member: 'serviceAccount:ci@p1.iam.gserviceaccount.com' }] },
          aws_iam_role_policy_attachment: { a: [{ role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }] },
        },
      },
    };
    const input = readInventoryInput([dir(files)]);
    expect(input.resources.map((r) => [r.id, r.properties.role])).toEqual([['google_project_iam_member.x', 'roles/owner'], ['aws_iam_role_policy_attachment.a', 'r']]);
    const findings = evaluate(input.resources, { today: TODAY }).findings.map((f) => `${f.ruleId} ${f.key}`);
    expect(findings).toEqual(expect.arrayContaining(['KL-G-AWS-ADMIN-POLICY ManagedPolicy::AdministratorAccess', 'KL-G-GCP-BASIC-ROLE Member::serviceAccount:ci@p1.iam.gserviceaccount.com']));
    const inventory = buildInventory(input, { today: TODAY });
    expect(inventory.identities.find((r) => r.id === 'aws:role:r')!.privilegedReasons).toEqual(['managed policy arn:aws:iam::aws:policy/AdministratorAccess']);
    expect(inventory.identities.find((r) => r.id === 'gcp:service-account:ci@p1.iam.gserviceaccount.com')!.privilegedReasons).toEqual(['basic role roles/owner on project p1']);
  });

  test('several objects under one name are several blocks, each read (none merged away)', () => {
    const root = dir({ 'main.tf.json': { resource: { aws_iam_access_key: { k: [{ user: 'a' }, { user: 'b' }] } } } });
    expect(readSynthesizedOutput([root]).resources.map((r) => r.id)).toEqual(['aws_iam_access_key.k[0]', 'aws_iam_access_key.k[1]']);
  });

  test('a tier is read exactly as written: " 3", "03" and "3.0" are no tier, in the inventory as in the exception lifetime', () => {
    for (const tier of [' 3', '03', '3.0']) {
      const inventory = inventoryOf({ 'main.tf.json': { resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: GITHUB_TRUST({}), tags: { 'keyless:tier': tier } } } } } });
      expect([tier, inventory.identities[0].ownership.tier]).toEqual([tier, undefined]);
    }
  });

  test('an empty namespace or serviceAccountName is `default`, in the inventory as in the rules', () => {
    const root = dir({ 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ""}\nspec: {serviceAccountName: "", containers: []}\n' });
    const input = readInventoryInput([root]);
    expect(buildInventory(input, { today: TODAY }).identities.map((r) => r.id)).toEqual(['kubernetes:service-account:default/default']);
    expect(evaluate(input.resources, { today: TODAY }).findings.map((f) => `${f.ruleId} ${f.key}`)).toContain('KL-G-K8S-DEFAULT-SA Subject::system:serviceaccount:default:default');
  });

  test('a resource on an aliased google provider takes that provider\'s project, not the default one', () => {
    const inventory = inventoryOf({
      'main.tf.json': {
        provider: { google: [{ alias: 'prod', project: 'acme-prod' }, { project: 'acme-sandbox' }] },
        resource: {
          google_service_account: { sa: { provider: 'google.prod', account_id: 'deployer' }, other: { account_id: 'tester' } },
          google_project_iam_member: { m: { provider: 'google.prod', role: 'roles/editor', member: '${google_service_account.sa.member}' } },
        },
      },
    });
    expect(inventory.identities.map((r) => r.id)).toEqual([
      'gcp:service-account:deployer@acme-prod.iam.gserviceaccount.com', 'gcp:service-account:tester@acme-sandbox.iam.gserviceaccount.com',
    ]);
    expect(inventory.identities[0].permissions.map((p) => p.text)).toEqual(['roles/editor on project acme-prod']);
  });
});
