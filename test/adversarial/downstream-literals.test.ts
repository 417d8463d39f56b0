/**
 * What Keyless validated is what Terraform and IAM evaluate: declarations whose values contain Terraform template
 * sequences (`${…}`, `%{…}`) or IAM policy variables are synthesized, the synthesized strings are evaluated by the
 * real `terraform` binary (test/helpers/terraform-eval.ts; the test fails when it is missing) or the IAM engine,
 * and the result is checked against forged tokens and out-of-scope requests.
 */
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib/core';
import { TerraformStack, Testing } from 'cdktf';
import { awsTrustKeyAudit } from './aws-trust-keys';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { Access, GitHubActions, GitHubActionsProps, terraformLiteral } from '../../src/core';
import { assumeRoleWithWebIdentityAllowed } from '../helpers/aws-trust-evaluator';
import { AzureRequest, BLOB_PATH, conditionAllows } from '../helpers/azure-abac';
import { admitted, findWorkloadIdentityProvider, gcpTokenExchange, synthesizedMembers, TerraformJson } from '../helpers/gcp-token-exchange';
import { DETECTION_ROUTES } from '../helpers/synth';
import { terraformReads } from '../helpers/terraform-eval';
import { Claims, githubToken, PAYMENTS } from '../helpers/tokens';

const TODAY = '2026-11-22';
const OWNERSHIP = { owner: 'team-payments', purpose: 'deploy payments-api from CI', environment: 'production', tier: 1, reviewBy: '2027-04-30' } as const;
const PROJECT = 'acme-payments-prod';
const PROJECT_NUMBER = '412345678901';
const ROLE = 'roles/run.developer';
const audit = awsTrustKeyAudit();

/** Decodes to `') || true || ('x' == '`: closes the CEL string literal and makes the condition true for any token. */
const CEL_BREAKOUT = '${base64decode("JykgfHwgdHJ1ZSB8fCAoJ3gnID09ICc=")}';
/** Terraform directive: without escaping, Terraform would drop the text between the directives. */
const DIRECTIVE = '%{if!true}x%{endif}';

const github = (props: Partial<GitHubActionsProps>) => GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', ...props });
const run = (ref: string, overrides: Partial<Parameters<typeof githubToken>[0]> = {}): Claims => githubToken({ ...PAYMENTS, ref, ...overrides });

function tfApp(): TerraformStack {
  return new TerraformStack(Testing.app({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'test');
}

/** The provider's strings as Terraform evaluates them, substituted into its configuration. */
function evaluatedProvider(json: TerraformJson, providerId: string) {
  const provider = findWorkloadIdentityProvider(json, providerId);
  const config = provider.config as Record<string, any>;
  const mappingKeys = Object.keys(config.attribute_mapping);
  const [condition, issuer, ...mapping] = terraformReads([
    config.attribute_condition, config.oidc.issuer_uri, ...mappingKeys.map((k) => config.attribute_mapping[k]),
  ]);
  return {
    ...provider,
    config: {
      ...config,
      attribute_condition: condition,
      oidc: { ...config.oidc, issuer_uri: issuer },
      attribute_mapping: Object.fromEntries(mappingKeys.map((k, i) => [k, mapping[i]])),
    },
  };
}

test('sanity: unescaped, Terraform changes both payloads (the attack is real)', () => {
  expect(terraformReads([CEL_BREAKOUT, DIRECTIVE, terraformLiteral(CEL_BREAKOUT), terraformLiteral(DIRECTIVE)]))
    .toEqual(["') || true || ('x' == '", '', CEL_BREAKOUT, DIRECTIVE]);
});

describe('Terraform template sequences in a GCP CiOidcTrust', () => {
  const stack = tfApp();
  const trust = new gcp.CiOidcTrust(stack, 'Deploy', {
    name: 'payments-deploy',
    ownership: OWNERSHIP,
    project: PROJECT,
    projectNumber: PROJECT_NUMBER,
    source: github({ branches: [CEL_BREAKOUT, DIRECTIVE], tagPatterns: ['v*'] }),
  });
  trust.members.forEach((member, i) => new ProjectIamMember(stack, `Grant${i}`, { project: PROJECT, role: ROLE, member }));
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  const provider = evaluatedProvider(json, 'payments-deploy');
  const members = synthesizedMembers(json, 'google_project_iam_member', ROLE);
  const allowed = (claims: Claims) => admitted(gcpTokenExchange({
    stack: json, provider, projectNumber: PROJECT_NUMBER, poolId: 'payments-deploy', claims: { ...claims, aud: trust.audience },
  }), members);

  test('the attribute condition Terraform evaluates is the one Keyless decided, with the branch names verbatim', () => {
    const rendered = (json as any).resource.google_iam_workload_identity_pool_provider;
    const raw = Object.values(rendered)[0] as { attribute_condition: string };
    expect(raw.attribute_condition).toContain("'repo:acme/payments-api:ref:refs/heads/$${base64decode(\"JykgfHwgdHJ1ZSB8fCAoJ3gnID09ICc=\")}'");
    expect(raw.attribute_condition).toContain("'repo:acme/payments-api:ref:refs/heads/%%{if!true}x%%{endif}'");
    expect(provider.config.attribute_condition).toBe(
      "assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && ("
      + `assertion.sub == 'repo:acme/payments-api:ref:refs/heads/${CEL_BREAKOUT}' || `
      + `assertion.sub == 'repo:acme/payments-api:ref:refs/heads/${DIRECTIVE}' || `
      + "assertion.sub.startsWith('repo:acme/payments-api:ref:refs/tags/v'))",
    );
  });
  test('a run of another organization on any branch is denied (the payload stays inside its string literal)', () => {
    const other = { owner: 'evil', repository: 'payments-api', ownerId: '999', repositoryId: '998' };
    expect(allowed(githubToken({ ...other, ref: 'refs/heads/main' }))).toBe(false);
    expect(allowed(githubToken({ ...other, ref: 'refs/tags/v1.0.0' }))).toBe(false);
    expect(allowed(run('refs/heads/main'))).toBe(false);
  });
  test('the runs declared are admitted: the branches named exactly as given, and the tag pattern', () => {
    expect(allowed(run(`refs/heads/${CEL_BREAKOUT}`))).toBe(true);
    expect(allowed(run(`refs/heads/${DIRECTIVE}`))).toBe(true);
    expect(allowed(run('refs/tags/v1.0.0'))).toBe(true);
  });
});

describe('Terraform template sequences in the ref claim of a GCP CiOidcTrust (environment AND branches)', () => {
  const stack = tfApp();
  const trust = new gcp.CiOidcTrust(stack, 'Deploy', {
    name: 'payments-deploy',
    ownership: OWNERSHIP,
    project: PROJECT,
    projectNumber: PROJECT_NUMBER,
    source: github({ environments: ['production'], branches: [CEL_BREAKOUT, DIRECTIVE] }),
  });
  trust.members.forEach((member, i) => new ProjectIamMember(stack, `Grant${i}`, { project: PROJECT, role: ROLE, member }));
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  const provider = evaluatedProvider(json, 'payments-deploy');
  const members = synthesizedMembers(json, 'google_project_iam_member', ROLE);
  const allowed = (claims: Claims) => admitted(gcpTokenExchange({
    stack: json, provider, projectNumber: PROJECT_NUMBER, poolId: 'payments-deploy', claims: { ...claims, aud: trust.audience },
  }), members);

  test('the ref requirement Terraform evaluates names the branches verbatim', () => {
    expect(provider.config.attribute_condition).toContain(
      `(assertion.ref == 'refs/heads/${CEL_BREAKOUT}' || assertion.ref == 'refs/heads/${DIRECTIVE}')`);
  });
  test('a production job on main, or on a branch named like the decoded payload, is denied', () => {
    expect(allowed(run('refs/heads/main', { environment: 'production' }))).toBe(false);
    expect(allowed(run("refs/heads/') || true || ('x' == '", { environment: 'production' }))).toBe(false);
    expect(allowed(run('refs/heads/', { environment: 'production' }))).toBe(false);
  });
  test('production jobs on the branches named exactly as given are admitted; outside the environment they are not', () => {
    expect(allowed(run(`refs/heads/${CEL_BREAKOUT}`, { environment: 'production' }))).toBe(true);
    expect(allowed(run(`refs/heads/${DIRECTIVE}`, { environment: 'production' }))).toBe(true);
    expect(allowed(run(`refs/heads/${CEL_BREAKOUT}`))).toBe(false);
  });
});

describe('Terraform template sequences in publish and access prefixes', () => {
  test('GCS publish prefix: the IAM condition Terraform evaluates is the prefix condition Keyless decided', () => {
    const stack = tfApp();
    const publisher = new gcp.ScopedPublisherRole(stack, 'Publisher', {
      name: 'payments-publish',
      ownership: OWNERSHIP,
      project: PROJECT,
      projectNumber: PROJECT_NUMBER,
      source: github({ branches: ['main'] }),
      target: gcp.GcpPublishTarget.storagePrefix({ bucket: 'acme-artifacts', prefix: `payments/${CEL_BREAKOUT}` }),
    });
    const json = JSON.parse(Testing.synth(stack)) as any;
    const binding = Object.values(json.resource.google_storage_bucket_iam_member)[0] as any;
    const [expression, description] = terraformReads([binding.condition.expression, binding.condition.description]);
    expect(expression).toBe(`resource.name.startsWith('projects/_/buckets/acme-artifacts/objects/payments/${CEL_BREAKOUT}/')`);
    expect(expression).toBe(publisher.grant.condition!.expression);
    expect(description).toBe(`Create objects under payments/${CEL_BREAKOUT}/ only`);
  });
  test('Azure: every string of a federated credential reaches Terraform as declared', () => {
    const stack = tfApp();
    new azure.CiOidcTrust(stack, 'Deploy', {
      name: 'payments-deploy',
      ownership: OWNERSHIP,
      resourceGroupName: 'rg-ci',
      location: 'westeurope',
      source: github({ branches: [CEL_BREAKOUT] }),
    });
    const json = JSON.parse(Testing.synth(stack)) as any;
    const credential = Object.values(json.resource.azurerm_federated_identity_credential)[0] as any;
    expect(credential.subject).toBe(`repo:acme/payments-api:ref:refs/heads/${terraformLiteral(CEL_BREAKOUT)}`);
    expect(terraformReads([credential.subject, credential.issuer])).toEqual([
      `repo:acme/payments-api:ref:refs/heads/${CEL_BREAKOUT}`, 'https://token.actions.githubusercontent.com',
    ]);
  });
});

describe('IAM policy variables', () => {
  const awsTrust = (branch: string) => {
    const stack = new Stack(new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Trusts');
    return new aws.CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: github({ branches: [branch] }) });
  };
  test('a branch containing `${` is refused on AWS in the ref key too (environment AND branches)', () => {
    const stack = new Stack(new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Trusts');
    expect(() => new aws.CiOidcTrust(stack, 'Deploy', {
      name: 'payments-deploy', ownership: OWNERSHIP, source: github({ environments: ['production'], branches: ['${aws.username}'] }),
    })).toThrow('[KL-AWS-POLICY-VARIABLE] Trusts/Deploy: `source` renders "refs/heads/${aws.username}" into an IAM policy');
  });
  test('a branch containing `${` is refused on AWS, where IAM would read it as a policy variable', () => {
    expect(() => awsTrust('${aws.username}')).toThrow(
      '[KL-AWS-POLICY-VARIABLE] Trusts/Deploy: `source` renders "repo:acme/payments-api:ref:refs/heads/${aws.username}" into an IAM policy, '
      + 'where `${…}` is a policy variable that IAM replaces with a value from the request: the policy would no longer match the literal you declared. '
      + 'Fix: rename the branch, tag, environment or prefix so that it has no `${`, or do not trust it on AWS. See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html',
    );
  });
  test('a `$` or `{` alone is a literal to IAM: the trust admits that branch and nothing else', () => {
    const template = audit.record(Template.fromStack(awsTrust('release$x{1}').node.scope as Stack).toJSON());
    const allowed = (claims: Claims) => assumeRoleWithWebIdentityAllowed(template, 'payments-deploy', claims);
    expect(allowed(run('refs/heads/release$x{1}'))).toBe(true);
    expect(allowed(run('refs/heads/release'))).toBe(false);
    expect(allowed(run('refs/heads/release$x{2}'))).toBe(false);
  });
  test('an S3 publish prefix or read prefix containing `${` is refused', () => {
    const stack = new Stack(new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Publish');
    expect(() => new aws.ScopedPublisherRole(stack, 'Publisher', {
      name: 'payments-publish',
      ownership: OWNERSHIP,
      source: github({ branches: ['main'] }),
      target: aws.AwsPublishTarget.s3Prefix({ bucketName: 'acme-artifacts', prefix: 'payments/${aws:username}' }),
    })).toThrow('[KL-AWS-POLICY-VARIABLE] Publish/Publisher: `target.prefix` renders "payments/${aws:username}/" into an IAM policy');
  });
});

describe('Azure Access.readObjects: reads and listing under the prefix only', () => {
  const grant = Access.readObjects({
    azure: { storageAccountId: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acme', container: 'settlements', prefix: 'payments' },
  }).resolve({ path: 'Platform/Service', today: TODAY }, 'access[0]').azure[0];
  const request = (subOperation: string | undefined, attributes: { path?: string; prefix?: string }): AzureRequest => ({
    operation: 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
    dataAction: true,
    scope: grant.scope,
    subOperation,
    resource: attributes.path === undefined ? {} : { [BLOB_PATH]: attributes.path } as Record<string, string>,
    request: attributes.prefix === undefined ? {} : { 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix': attributes.prefix } as Record<string, string>,
  });
  test('a blob under the prefix is read; one outside is not', () => {
    expect(conditionAllows(grant.condition!, request(undefined, { path: 'payments/2026/11.csv' }))).toBe(true);
    expect(conditionAllows(grant.condition!, request(undefined, { path: 'payroll/2026/11.csv' }))).toBe(false);
  });
  test('listing is allowed with a prefix under the folder only: not the container root, not another folder', () => {
    expect(conditionAllows(grant.condition!, request('Blob.List', { prefix: 'payments/2026/' }))).toBe(true);
    expect(conditionAllows(grant.condition!, request('Blob.List', { prefix: '' }))).toBe(false);
    expect(conditionAllows(grant.condition!, request('Blob.List', { prefix: 'payroll/' }))).toBe(false);
    expect(conditionAllows(grant.condition!, request('Blob.List', {}))).toBe(false);
  });
});

audit.defineTest();
