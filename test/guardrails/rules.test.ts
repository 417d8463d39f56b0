/**
 * Every guardrail rule, one resource at a time: for each rule of ALL_RULES, resources it must flag (with the exact
 * finding keys and messages `rule.check` returns), resources it must find compliant, and resources it does not apply
 * to. A rule that returns the wrong status (compliant for everything, findings where it does not apply) fails here.
 *
 * Resources are written the way they appear in synthesized output (CloudFormation properties, Terraform attributes,
 * whole Kubernetes objects), not built with Keyless.
 */
import { cases as awsCases } from './cases/aws';
import type { CaseBuilders, Kind } from './cases/builders';
import { cases as gcpK8sAzureCases } from './cases/gcp-k8s-azure';
import { cases as kubernetesTerraformCases } from './cases/kubernetes-terraform';
import { cases as policyDocumentCases } from './cases/policy-documents';
import { ALL_RULES, COMPLIANT, evaluate, GuardrailRule, NeutralResource, NOT_APPLICABLE, RuleResult, staticCredential } from '../../src/guardrails';

const TODAY = '2026-11-22';


interface Case {
  readonly rule: string;
  readonly kind: Kind;
  readonly name: string;
  readonly resource: NeutralResource;
  /** Other resources of the same run (cross-resource rules). */
  readonly others?: readonly NeutralResource[];
  /** The findings, as [key, message] (none unless the kind is `finding`). */
  readonly expected: ReadonlyArray<readonly [string, string]>;
}

function cfn(type: string, properties: any, id = 'Resource', file = 'stack.template.json'): NeutralResource {
  return { format: 'cloudformation', file, type, id, properties };
}

function tf(type: string, name: string, attributes: any, file = 'stacks/platform/cdk.tf.json'): NeutralResource {
  return { format: 'terraform', file, type, id: `${type}.${name}`, properties: attributes };
}

function k8s(object: any, file = 'app.k8s.yaml'): NeutralResource {
  const id = `${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? '(unnamed)'}`;
  return { format: 'kubernetes', file, type: object.kind, id, properties: object };
}

function check(rule: GuardrailRule, resource: NeutralResource, others: readonly NeutralResource[] = []): RuleResult {
  return rule.check(resource, { resources: [resource, ...others], today: TODAY });
}

/** The result a case expects. */
function expectedResult(c: Pick<Case, 'kind' | 'expected'>): RuleResult {
  if (c.kind === 'compliant') return COMPLIANT;
  if (c.kind === 'not applicable') return NOT_APPLICABLE;
  return { status: 'non-compliant', findings: c.expected.map(([key, message]) => ({ key, message })) };
}

const rule = (id: string): GuardrailRule => {
  const found = ALL_RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};

// ---------------------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------------------

const OWNED_TAGS = [
  { Key: 'keyless:owner', Value: 'team-payments' },
  { Key: 'keyless:environment', Value: 'production' },
  { Key: 'keyless:review-by', Value: '2027-04-30' },
];
const OWNED_TF_TAGS = { 'keyless:owner': 'team-payments', 'keyless:environment': 'production', 'keyless:review-by': '2027-04-30' };

const GITHUB = 'token.actions.githubusercontent.com';
const GITHUB_PROVIDER_ARN = `arn:aws:iam::111122223333:oidc-provider/${GITHUB}`;
const EKS = 'oidc.eks.eu-west-1.amazonaws.com/id/5C0A1D7E';
const AUD = { [`${GITHUB}:aud`]: 'sts.amazonaws.com' };

/** A CloudFormation role trusting GitHub Actions with the given condition. */
function githubRole(condition: any, options: { federated?: any; action?: any; notAction?: any; effect?: string; id?: string } = {}): NeutralResource {
  return cfn('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{
        Effect: options.effect ?? 'Allow',
        Principal: { Federated: options.federated ?? GITHUB_PROVIDER_ARN },
        ...(options.notAction === undefined ? { Action: options.action ?? 'sts:AssumeRoleWithWebIdentity' } : { NotAction: options.notAction }),
        ...(condition === undefined ? {} : { Condition: condition }),
      }],
    },
    Tags: OWNED_TAGS,
  }, options.id ?? 'CiRole');
}

/** A CloudFormation role trusting an EKS service account (IRSA). */
function irsaRole(id: string, subject: string, file = 'stack.template.json'): NeutralResource {
  return cfn('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [{
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${EKS}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com', [`${EKS}:sub`]: subject } },
      }],
    },
    Tags: OWNED_TAGS,
  }, id, file);
}

const serviceRole = (properties: any = {}, id = 'ServiceRole'): NeutralResource => cfn('AWS::IAM::Role', {
  AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  Tags: OWNED_TAGS,
  ...properties,
}, id);

const managedPolicy = (statements: any[]): NeutralResource => cfn('AWS::IAM::ManagedPolicy', { PolicyDocument: { Version: '2012-10-17', Statement: statements } }, 'Policy');

const KEYLESS_GCP_CONDITION = "assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && (assertion.sub == 'repo:acme/payments-api:environment:production' || assertion.sub == 'repo:acme/payments-api:ref:refs/heads/main' || assertion.sub.startsWith('repo:acme/payments-api:ref:refs/tags/v'))";
const gcpProvider = (issuer: string, condition?: string): NeutralResource => tf('google_iam_workload_identity_pool_provider', 'github', {
  workload_identity_pool_id: 'ci',
  workload_identity_pool_provider_id: 'github',
  attribute_mapping: { 'google.subject': 'assertion.sub' },
  ...(condition === undefined ? {} : { attribute_condition: condition }),
  oidc: [{ issuer_uri: issuer }],
});
const POOL = 'principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github';

const pod = (spec: any, name = 'app', namespace = 'apps'): any => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });
const deployment = (name: string, spec: any, namespace = 'apps'): any => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `acme/${name}` }], ...spec } } },
});
const cronJob = (spec: any): any => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'nightly', namespace: 'apps' },
  spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'acme/job' }], ...spec } } } } },
});
const serviceAccount = (name: string, extra: any = {}, metadata: any = {}): any => ({
  apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'apps', ...metadata }, ...extra,
});
const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', roleRef: any, subjects: any[], namespace?: string): any => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'grant', ...(namespace ? { namespace } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects,
});
const rbacRole = (kind: 'Role' | 'ClusterRole', rules: any[]): any => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'apps' } : {}) }, rules });
const CONFIG_MAP = k8s({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' }, data: { a: 'b' } });
const OWNED_LABELS = { 'keyless.dev/owner': 'team-payments', 'keyless.dev/environment': 'production', 'keyless.dev/review-by': '2027-04-30' };

// ---------------------------------------------------------------------------------------------------------------
// Cases, by rule
// ---------------------------------------------------------------------------------------------------------------

const CASES: Case[] = [];
type Expected = ReadonlyArray<readonly [string, string]>;
const add = (ruleId: string, kind: Kind, name: string, resource: NeutralResource, expected: Expected, others?: readonly NeutralResource[]) =>
  CASES.push({ rule: ruleId, kind, name, resource, expected, others });

// Rules whose cases live in their own files (test/guardrails/cases/*.ts): each exports `cases(add, build)`, one per line.
const CASE_MODULES: ReadonlyArray<(addCase: typeof add, build: CaseBuilders) => void> = [
  awsCases,
  gcpK8sAzureCases,
  policyDocumentCases,
  kubernetesTerraformCases,
];
for (const register of CASE_MODULES) register(add, { cfn, tf, k8s, OWNED_TAGS, OWNED_TF_TAGS, OWNED_LABELS });

// KL-G-AWS-ADMIN-POLICY
{
  const id = 'KL-G-AWS-ADMIN-POLICY';
  add(id, 'finding', 'CloudFormation Fn::Join ARN of AdministratorAccess (as CDK writes it)', serviceRole({
    ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] }],
  }), [['ManagedPolicy::AdministratorAccess', 'managed policy AdministratorAccess']]);
  add(id, 'finding', 'IAMFullAccess among other policies of a user', cfn('AWS::IAM::User', {
    ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/IAMFullAccess'], Tags: OWNED_TAGS,
  }), [['ManagedPolicy::IAMFullAccess', 'managed policy IAMFullAccess']]);
  add(id, 'finding', 'a *FullAccess policy on a group', cfn('AWS::IAM::Group', { ManagedPolicyArns: ['arn:aws-us-gov:iam::aws:policy/AmazonS3FullAccess'] }),
    [['ManagedPolicy::AmazonS3FullAccess', 'managed policy AmazonS3FullAccess']]);
  add(id, 'finding', 'Terraform aws_iam_role_policy_attachment of PowerUserAccess', tf('aws_iam_role_policy_attachment', 'ci', {
    role: '${aws_iam_role.ci.name}', policy_arn: 'arn:aws:iam::aws:policy/PowerUserAccess',
  }), [['ManagedPolicy::PowerUserAccess', 'managed policy PowerUserAccess']]);
  add(id, 'finding', 'Terraform aws_iam_role managed_policy_arns', tf('aws_iam_role', 'ci', {
    managed_policy_arns: ['arn:aws:iam::aws:policy/AdministratorAccess'], tags: OWNED_TF_TAGS,
  }), [['ManagedPolicy::AdministratorAccess', 'managed policy AdministratorAccess']]);
  add(id, 'finding', 'Terraform aws_iam_user_policy_attachment', tf('aws_iam_user_policy_attachment', 'ci', {
    user: 'ci', policy_arn: 'arn:aws:iam::aws:policy/IAMFullAccess',
  }), [['ManagedPolicy::IAMFullAccess', 'managed policy IAMFullAccess']]);
  // Unified with the inventory (core/facts AWS_ADMIN_POLICY): an admin policy under a path is one too. These passed before.
  add(id, 'finding', 'a customer copy of a full-access policy under a path (:policy/team/XFullAccess)', serviceRole({
    ManagedPolicyArns: ['arn:aws:iam::123456789012:policy/team/XFullAccess'],
  }), [['ManagedPolicy::team/XFullAccess', 'managed policy team/XFullAccess']]);
  add(id, 'finding', 'AdministratorAccess under the job-function path', tf('aws_iam_role_policy_attachment', 'jf', {
    role: 'ci', policy_arn: 'arn:aws:iam::123456789012:policy/job-function/AdministratorAccess',
  }), [['ManagedPolicy::job-function/AdministratorAccess', 'managed policy job-function/AdministratorAccess']]);
  add(id, 'compliant', 'a read-only policy under a path', serviceRole({ ManagedPolicyArns: ['arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'] }), []);
  add(id, 'compliant', 'read-only and customer-managed policies', serviceRole({
    ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', { Ref: 'DeployPolicy' }, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']] }],
  }), []);
  add(id, 'compliant', 'Terraform attachment of a read-only policy', tf('aws_iam_role_policy_attachment', 'ro', {
    role: 'ci', policy_arn: 'arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess',
  }), []);
  add(id, 'not applicable', 'a role without managed policies', serviceRole(), []);
  add(id, 'not applicable', 'a ManagedPolicy document', managedPolicy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]), []);
  add(id, 'not applicable', 'a Kubernetes binding', k8s(binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'cluster-admin' }, [])), []);
}

// KL-G-AZURE-FIC-AUDIENCE
{
  const id = 'KL-G-AZURE-FIC-AUDIENCE';
  const fic = (type: string, attributes: any) => tf(type, 'github', {
    issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/payments-api:environment:production', ...attributes,
  });
  add(id, 'compliant', 'azurerm credential with the token exchange audience and an exact subject',
    fic('azurerm_federated_identity_credential', { audience: ['api://AzureADTokenExchange'] }), []);
  add(id, 'compliant', 'azuread credential with the token exchange audience and an exact subject',
    fic('azuread_application_federated_identity_credential', { audiences: ['api://AzureADTokenExchange'] }), []);
  add(id, 'finding', 'azurerm credential with a wrong audience', fic('azurerm_federated_identity_credential', { audience: ['https://sts.windows.net'] }),
    [['Audience::https://sts.windows.net', 'audience ["https://sts.windows.net"]']]);
  add(id, 'finding', 'azuread credential with a second audience', fic('azuread_application_federated_identity_credential', { audiences: ['api://AzureADTokenExchange', 'api://other'] }),
    [['Audience::api://AzureADTokenExchange,api://other', 'audience ["api://AzureADTokenExchange","api://other"]']]);
  add(id, 'finding', 'no audience at all', fic('azurerm_federated_identity_credential', {}), [['Audience::', 'no audience']]);
  add(id, 'finding', 'a wildcard subject', fic('azurerm_federated_identity_credential', { audience: ['api://AzureADTokenExchange'], subject: 'repo:acme/payments-api:*' }),
    [['Subject::repo:acme/payments-api:*', 'subject repo:acme/payments-api:* contains a wildcard']]);
  add(id, 'finding', 'wrong audience and wildcard subject', fic('azuread_application_federated_identity_credential', { audiences: ['api://acme'], subject: 'repo:acme/*' }),
    [['Audience::api://acme', 'audience ["api://acme"]'], ['Subject::repo:acme/*', 'subject repo:acme/* contains a wildcard']]);
  add(id, 'not applicable', 'a user-assigned identity', tf('azurerm_user_assigned_identity', 'ci', { name: 'id-ci', tags: {} }), []);
}

// KL-G-FEDERATED-TRUST-UNPINNED
{
  const id = 'KL-G-FEDERATED-TRUST-UNPINNED';
  add(id, 'compliant', 'StringEquals aud and sub pinned to repository and branch',
    githubRole({ StringEquals: { ...AUD, [`${GITHUB}:sub`]: 'repo:acme/payments-api:ref:refs/heads/main' } }), []);
  add(id, 'compliant', 'StringLike tag pattern after the repository (repo:acme/app:ref:refs/tags/v*)',
    githubRole({ StringEquals: AUD, StringLike: { [`${GITHUB}:sub`]: 'repo:acme/app:ref:refs/tags/v*' } }), []);
  add(id, 'compliant', 'a literal * under StringEquals matches only "*"',
    githubRole({ StringEquals: { ...AUD, [`${GITHUB}:sub`]: 'repo:acme/*' } }), []);
  add(id, 'compliant', 'subject pinned by immutable ids',
    githubRole({ StringEquals: { ...AUD, [`${GITHUB}:sub`]: 'repository_owner_id:1342004:repository_id:86301532:ref:refs/heads/main' } }), []);
  add(id, 'compliant', 'GitLab project path and branch',
    githubRole({ StringEquals: { 'gitlab.com:aud': 'https://gitlab.com', 'gitlab.com:sub': 'project_path:acme/finance/ledger:ref_type:branch:ref:main' } },
      { federated: 'arn:aws:iam::111122223333:oidc-provider/gitlab.com' }), []);
  add(id, 'compliant', 'an EKS service account subject', irsaRole('ApiRole', 'system:serviceaccount:payments:api'), []);
  add(id, 'finding', 'StringLike repo:acme/* (every repository of the owner)',
    githubRole({ StringEquals: AUD, StringLike: { [`${GITHUB}:sub`]: 'repo:acme/*' } }), [['Subject::repo:acme/*', 'sub repo:acme/* does not pin the owner and repository literally']]);
  add(id, 'finding', 'StringLike repo:acme* (every owner starting with acme)',
    githubRole({ StringEquals: AUD, StringLike: { [`${GITHUB}:sub`]: 'repo:acme*' } }), [['Subject::repo:acme*', 'sub repo:acme* does not pin the owner and repository literally']]);
  add(id, 'finding', 'StringLike repo:acme/app* (every repository starting with app)',
    githubRole({ StringEquals: AUD, StringLike: { [`${GITHUB}:sub`]: ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app*'] } }),
    [['Subject::repo:acme/app*', 'sub repo:acme/app* does not pin the owner and repository literally']]);
  add(id, 'finding', 'StringLike service account wildcard', cfn('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [{
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${EKS}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:payments:*' } },
      }],
    },
  }, 'NsRole'), [['Subject::system:serviceaccount:payments:*', 'sub system:serviceaccount:payments:* does not pin the owner and repository literally']]);
  add(id, 'finding', 'trust without sub', githubRole({ StringEquals: AUD }),
    [['Condition::token.actions.githubusercontent.com:sub', `trust of ${GITHUB} has no sub condition: every token of the issuer is admitted`]]);
  add(id, 'finding', 'trust without any condition (Fn::Join provider ARN)', githubRole(undefined, {
    federated: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:oidc-provider/${GITHUB}`]] },
  }), [['Condition::token.actions.githubusercontent.com:aud', `trust of ${GITHUB} has no aud condition`], ['Condition::token.actions.githubusercontent.com:sub', `trust of ${GITHUB} has no sub condition: every token of the issuer is admitted`]]);
  add(id, 'finding', 'trust with ForAnyValue:StringLike on sub',
    githubRole({ 'StringEquals': AUD, 'ForAnyValue:StringLike': { [`${GITHUB}:sub`]: 'repo:acme/app:*' } }),
    [['Operator::ForAnyValue:StringLike', 'sub condition uses ForAnyValue:StringLike, which admits tokens without a matching sub'],
      ['Subject::repo:acme/app:*', 'sub repo:acme/app:* admits pull_request runs, every branch and every environment']]);
  add(id, 'finding', 'trust with StringEqualsIfExists on sub',
    githubRole({ StringEquals: AUD, StringEqualsIfExists: { [`${GITHUB}:sub`]: 'repo:acme/app:ref:refs/heads/main' } }),
    [['Condition::token.actions.githubusercontent.com:sub', 'trust of token.actions.githubusercontent.com has no positive sub condition (StringEqualsIfExists does not pin the subject)'], ['Operator::StringEqualsIfExists', 'sub condition uses StringEqualsIfExists, which admits tokens without a matching sub']]);
  add(id, 'finding', 'Action sts:* counts as web identity', githubRole({ StringEquals: AUD }, { action: ['sts:*'] }),
    [['Condition::token.actions.githubusercontent.com:sub', `trust of ${GITHUB} has no sub condition: every token of the issuer is admitted`]]);
  add(id, 'finding', 'Terraform aws_iam_role with the trust as a JSON string', tf('aws_iam_role', 'ci', {
    assume_role_policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: GITHUB_PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: AUD, StringLike: { [`${GITHUB}:sub`]: 'repo:acme/*' } } }],
    }),
    tags: OWNED_TF_TAGS,
  }), [['Subject::repo:acme/*', 'sub repo:acme/* does not pin the owner and repository literally']]);
  // One finding per key: two statements of one provider without a pinned sub are one finding (was: two findings keyed
  // Condition::…:sub, with different messages).
  add(id, 'finding', 'two statements of one provider: no sub, and only a negated sub', cfn('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [
        { Effect: 'Allow', Principal: { Federated: GITHUB_PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: AUD } },
        {
          Effect: 'Allow',
          Principal: { Federated: GITHUB_PROVIDER_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: AUD, StringNotEquals: { [`${GITHUB}:sub`]: 'repo:evil/x:ref:refs/heads/main' } },
        },
      ],
    },
    Tags: OWNED_TAGS,
  }, 'TwoStatements'), [['Condition::token.actions.githubusercontent.com:sub', `trust of ${GITHUB} has no sub condition: every token of the issuer is admitted`]]);
  // NotAction: what it does not exclude is allowed (was: not applicable).
  add(id, 'finding', 'NotAction sts:AssumeRole allows AssumeRoleWithWebIdentity (was: not applicable)',
    githubRole(undefined, { notAction: 'sts:AssumeRole' }),
    [['Condition::token.actions.githubusercontent.com:aud', `trust of ${GITHUB} has no aud condition`], ['Condition::token.actions.githubusercontent.com:sub', `trust of ${GITHUB} has no sub condition: every token of the issuer is admitted`]]);
  add(id, 'finding', 'NotAction listing other actions, with aud but no sub', githubRole({ StringEquals: AUD }, { notAction: ['sts:TagSession', 'sts:AssumeRoleWithSAML'] }),
    [['Condition::token.actions.githubusercontent.com:sub', `trust of ${GITHUB} has no sub condition: every token of the issuer is admitted`]]);
  add(id, 'compliant', 'NotAction sts:AssumeRole with aud and sub pinned', githubRole({ StringEquals: { ...AUD, [`${GITHUB}:sub`]: 'repo:acme/app:ref:refs/heads/main' } }, { notAction: 'sts:AssumeRole' }), []);
  add(id, 'not applicable', 'NotAction excluding web identity, case-insensitively', githubRole(undefined, { notAction: 'STS:AssumeRoleWithWebIdentity' }), []);
  add(id, 'not applicable', 'NotAction excluding web identity by a glob', githubRole(undefined, { notAction: ['sts:AssumeRoleWith*'] }), []);
  add(id, 'not applicable', 'a service-principal trust', serviceRole(), []);
  add(id, 'not applicable', 'a Deny statement', githubRole(undefined, { effect: 'Deny' }), []);
  add(id, 'not applicable', 'a federated principal for another action', githubRole(undefined, { action: 'sts:TagSession' }), []);
  add(id, 'not applicable', 'a policy document', managedPolicy([{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Resource: '*' }]), []);
}

// KL-G-GCP-BASIC-ROLE
{
  const id = 'KL-G-GCP-BASIC-ROLE';
  add(id, 'finding', 'roles/editor for a service account', tf('google_project_iam_member', 'ci_editor', {
    project: 'acme-prod', role: 'roles/editor', member: 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com',
  }), [['Member::serviceAccount:ci@acme-prod.iam.gserviceaccount.com', 'roles/editor for serviceAccount:ci@acme-prod.iam.gserviceaccount.com']]);
  add(id, 'finding', 'roles/owner binding with a federated principal among users (user: flagged too since issue 16)', tf('google_project_iam_binding', 'owners', {
    project: 'acme-prod', role: 'roles/owner', members: ['user:alice@acme.example', `${POOL}/attribute.repository/acme/app`],
  }), [['Member::user:alice@acme.example', 'roles/owner for user:alice@acme.example'], ['Member::principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/attribute.repository/acme/app', `roles/owner for ${POOL}/attribute.repository/acme/app`]]);
  add(id, 'finding', 'roles/viewer on a folder for a principal', tf('google_folder_iam_member', 'viewer', {
    folder: 'folders/1', role: 'roles/viewer', member: 'principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/subject/x',
  }), [['Member::principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/subject/x', 'roles/viewer for principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/subject/x']]);
  // Members as cdktf writes them: references to a service account of the same file (was: compliant).
  const sa = tf('google_service_account', 'sa', { account_id: 'ci', project: 'acme-prod' });
  add(id, 'finding', 'roles/owner for ${google_service_account.sa.member} (was: compliant)', tf('google_project_iam_member', 'owner', {
    project: 'acme-prod', role: 'roles/owner', member: '${google_service_account.sa.member}',
  }), [['Member::${google_service_account.sa.member}', 'roles/owner for ${google_service_account.sa.member} (serviceAccount:ci@acme-prod.iam.gserviceaccount.com)']], [sa]);
  add(id, 'finding', 'roles/editor for serviceAccount:${google_service_account.sa.email} among users (was: compliant)', tf('google_project_iam_binding', 'editors', {
    project: 'acme-prod', role: 'roles/editor', members: ['user:alice@acme.example', 'serviceAccount:${google_service_account.sa.email}'],
  }), [['Member::user:alice@acme.example', 'roles/editor for user:alice@acme.example'],
    ['Member::serviceAccount:${google_service_account.sa.email}', 'roles/editor for serviceAccount:${google_service_account.sa.email} (serviceAccount:ci@acme-prod.iam.gserviceaccount.com)']], [sa]);
  add(id, 'finding', 'a service account member reference that cannot be followed (data source, or another file)', tf('google_project_iam_binding', 'viewers', {
    project: 'acme-prod', role: 'roles/viewer', members: ['${data.google_service_account.shared.member}', '${google_service_account.elsewhere.member}'],
  }), [
    ['Member::${data.google_service_account.shared.member}', 'roles/viewer for ${data.google_service_account.shared.member} (serviceAccount:${data.google_service_account.shared.member})'],
    ['Member::${google_service_account.elsewhere.member}', 'roles/viewer for ${google_service_account.elsewhere.member} (serviceAccount:${google_service_account.elsewhere.member})'],
  ], [sa]);
  add(id, 'compliant', 'a predefined role for ${google_service_account.sa.member}', tf('google_project_iam_member', 'reader', {
    project: 'acme-prod', role: 'roles/storage.objectViewer', member: '${google_service_account.sa.member}',
  }), [], [sa]);
  add(id, 'compliant', 'a predefined role for a service account', tf('google_storage_bucket_iam_member', 'reader', {
    bucket: 'b', role: 'roles/storage.objectViewer', member: 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com',
  }), []);
  add(id, 'not applicable', 'a service account', tf('google_service_account', 'ci', { account_id: 'ci', role: 'roles/editor' }), []);
  add(id, 'not applicable', 'a non-Terraform resource with the same fields', cfn('Custom::Grant', { role: 'roles/editor', member: 'serviceAccount:x@y' }), []);
}

// KL-G-GCP-PRINCIPALSET-WILDCARD
{
  const id = 'KL-G-GCP-PRINCIPALSET-WILDCARD';
  add(id, 'finding', 'principalSet://…/POOL/* on a service account', tf('google_service_account_iam_member', 'wif', {
    service_account_id: 'projects/p/serviceAccounts/ci@p.iam.gserviceaccount.com', role: 'roles/iam.workloadIdentityUser', member: `${POOL}/*`,
  }), [['Member::principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/*', `member ${POOL}/*`]]);
  add(id, 'finding', 'principalSet://…/POOL/* among members of a binding', tf('google_project_iam_binding', 'readers', {
    project: 'p', role: 'roles/storage.objectViewer', members: [`${POOL}/attribute.repository_id/86301532`, `${POOL}/*`],
  }), [['Member::principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/*', `member ${POOL}/*`]]);
  add(id, 'finding', 'a reference to a literal principalSet://…/POOL/* of the same file', tf('google_service_account_iam_member', 'copy', {
    service_account_id: 'sa', role: 'roles/iam.workloadIdentityUser', member: '${google_service_account_iam_member.wif.member}',
  }), [['Member::${google_service_account_iam_member.wif.member}', `member \${google_service_account_iam_member.wif.member} (${POOL}/*)`]], [
    tf('google_service_account_iam_member', 'wif', { service_account_id: 'sa', role: 'roles/iam.workloadIdentityUser', member: `${POOL}/*` }),
  ]);
  add(id, 'compliant', 'one subject', tf('google_service_account_iam_member', 'wif', {
    service_account_id: 'sa', role: 'roles/iam.workloadIdentityUser', member: 'principal://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/subject/repo:acme/app:ref:refs/heads/main',
  }), []);
  add(id, 'compliant', 'an attribute that identifies the workload', tf('google_service_account_iam_member', 'wif', {
    service_account_id: 'sa', role: 'roles/iam.workloadIdentityUser', member: `${POOL}/attribute.repository_id/86301532`,
  }), []);
  add(id, 'not applicable', 'the pool itself', tf('google_iam_workload_identity_pool', 'github', { workload_identity_pool_id: 'github' }), []);
  add(id, 'not applicable', 'a Kubernetes object', CONFIG_MAP, []);
}

// KL-G-GCP-PROVIDER-UNPINNED
{
  const id = 'KL-G-GCP-PROVIDER-UNPINNED';
  const gh = 'https://token.actions.githubusercontent.com';
  add(id, 'compliant', 'Keyless-style condition: owner and repository ids, parenthesised sub alternatives', gcpProvider(gh, KEYLESS_GCP_CONDITION), []);
  add(id, 'compliant', 'GitLab namespace pinned', gcpProvider('https://gitlab.com', "assertion.namespace_id == '5521' && assertion.project_id == '48213'"), []);
  add(id, 'not applicable', 'a single-tenant issuer needs no owner pin', gcpProvider('https://ci.acme.example'), []);
  add(id, 'finding', 'no attribute_condition', gcpProvider(gh), [['Field::attribute_condition', `provider for ${gh} has no attribute_condition`]]);
  add(id, 'finding', 'a blank attribute_condition (Terraform Cloud)', gcpProvider('https://app.terraform.io', '  '), [['Field::attribute_condition', 'provider for https://app.terraform.io has no attribute_condition']]);
  add(id, 'finding', 'a top-level || that bypasses the owner pin',
    gcpProvider(gh, "assertion.repository_owner_id == '1342004' || assertion.sub.startsWith('repo:')"),
    [['Condition::assertion.repository_owner_id == \'1342004\' || assertion.sub.startsWith(\'repo:\')', `attribute_condition of the provider for ${gh} has a top-level || that bypasses the owner pin: assertion.repository_owner_id == '1342004' || assertion.sub.startsWith('repo:')`]]);
  add(id, 'finding', 'a sub prefix but no owner', gcpProvider(gh, "assertion.sub.startsWith('repo:acme/')"),
    [['Condition::assertion.sub.startsWith(\'repo:acme/\')', `attribute_condition of the provider for ${gh} pins no owner: assertion.sub.startsWith('repo:acme/')`]]);
  add(id, 'finding', 'an owner "pinned" to a wildcard', gcpProvider(gh, "assertion.repository_owner == '*'"),
    [['Condition::assertion.repository_owner == \'*\'', `attribute_condition of the provider for ${gh} pins no owner: assertion.repository_owner == '*'`]]);
  add(id, 'finding', 'oidc as an object (not a block list)', tf('google_iam_workload_identity_pool_provider', 'gh', { oidc: { issuer_uri: gh } }),
    [['Field::attribute_condition', `provider for ${gh} has no attribute_condition`]]);
  // Unified with synth/cel (conjuncts, isTopLevelDisjunction): the owner pin is one whole top-level conjunct.
  const compared = "assertion.repository_owner_id == '1342004' == (assertion.ref == 'refs/heads/main')";
  add(id, 'finding', 'an owner pin inside a larger term (`owner == X == (ref == main)` admits other owners; was: compliant)', gcpProvider(gh, compared),
    [[`Condition::${compared}`, `attribute_condition of the provider for ${gh} pins no owner at its top level: ${compared}`]]);
  const wrapped = "(assertion.repository_owner_id == '1342004' && assertion.repository_id == '86301532')";
  add(id, 'compliant', 'a condition wrapped whole in parentheses (was: "pins no owner at its top level")', gcpProvider(gh, wrapped), []);
  const wrappedOr = "(assertion.repository_owner_id == '1342004' || assertion.sub.startsWith('repo:'))";
  add(id, 'finding', 'a disjunction wrapped whole in parentheses is a top-level ||', gcpProvider(gh, wrappedOr),
    [[`Condition::${wrappedOr}`, `attribute_condition of the provider for ${gh} has a top-level || that bypasses the owner pin: ${wrappedOr}`]]);
  const quoted = "assertion.repository_owner_id == '1342004' && assertion.sub == 'repo:acme/app:ref:refs/heads/a||b'";
  add(id, 'compliant', 'a || inside a quoted value is no disjunction', gcpProvider(gh, quoted), []);
  add(id, 'not applicable', 'a pool', tf('google_iam_workload_identity_pool', 'github', { workload_identity_pool_id: 'github' }), []);
}

// KL-G-K8S-AUTOMOUNT
{
  const id = 'KL-G-K8S-AUTOMOUNT';
  add(id, 'finding', 'pod spec with automount unset', k8s(pod({ serviceAccountName: 'api' })), [['Field::automountServiceAccountToken', 'pod spec automountServiceAccountToken is "unset (true)"']]);
  add(id, 'finding', 'Deployment with automount true', k8s(deployment('web', { serviceAccountName: 'web', automountServiceAccountToken: true })),
    [['Field::automountServiceAccountToken', 'pod spec automountServiceAccountToken is true']]);
  add(id, 'finding', 'CronJob with automount unset', k8s(cronJob({ serviceAccountName: 'nightly' })), [['Field::automountServiceAccountToken', 'pod spec automountServiceAccountToken is "unset (true)"']]);
  add(id, 'compliant', 'pod with automount false', k8s(pod({ serviceAccountName: 'api', automountServiceAccountToken: false })), []);
  add(id, 'compliant', 'CronJob with automount false', k8s(cronJob({ serviceAccountName: 'nightly', automountServiceAccountToken: false })), []);
  add(id, 'not applicable', 'a ServiceAccount', k8s(serviceAccount('api')), []);
  add(id, 'not applicable', 'a CloudFormation resource of type Pod', cfn('Pod', { spec: {} }), []);
}

// KL-G-K8S-CLUSTER-ADMIN
{
  const id = 'KL-G-K8S-CLUSTER-ADMIN';
  add(id, 'finding', 'ClusterRoleBinding to cluster-admin', k8s(binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'cluster-admin' }, [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' }])),
    [['RoleRef::cluster-admin', 'ClusterRoleBinding to cluster-admin']]);
  add(id, 'finding', 'RoleBinding to the cluster-admin ClusterRole', k8s(binding('RoleBinding', { kind: 'ClusterRole', name: 'cluster-admin' }, [{ kind: 'ServiceAccount', name: 'deployer' }], 'apps')),
    [['RoleRef::cluster-admin', 'RoleBinding to cluster-admin']]);
  add(id, 'compliant', 'ClusterRoleBinding to view', k8s(binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'api', namespace: 'apps' }])), []);
  add(id, 'not applicable', 'the cluster-admin ClusterRole itself', k8s({ ...rbacRole('ClusterRole', []), metadata: { name: 'cluster-admin' } }), []);
}

// KL-G-K8S-DEFAULT-SA
{
  const id = 'KL-G-K8S-DEFAULT-SA';
  add(id, 'finding', 'pod spec without serviceAccountName', k8s(pod({ automountServiceAccountToken: false })), [['Subject::system:serviceaccount:apps:default', 'pod runs as the default ServiceAccount (serviceAccountName unset)']]);
  add(id, 'finding', 'Deployment naming the default ServiceAccount', k8s(deployment('web', { serviceAccountName: 'default', automountServiceAccountToken: false })),
    [['Subject::system:serviceaccount:apps:default', 'pod runs as the default ServiceAccount']]);
  add(id, 'finding', 'the default ServiceAccount automounting', k8s(serviceAccount('default')), [['Field::automountServiceAccountToken', 'default ServiceAccount does not set automountServiceAccountToken: false']]);
  add(id, 'finding', 'RoleBinding to the default ServiceAccount', k8s(binding('RoleBinding', { kind: 'Role', name: 'reader' }, [{ kind: 'ServiceAccount', name: 'default', namespace: 'apps' }], 'apps')),
    [['Subject::system:serviceaccount:apps:default', 'binds ServiceAccount apps/default']]);
  add(id, 'finding', 'RoleBinding to default, namespace taken from the binding', k8s(binding('RoleBinding', { kind: 'Role', name: 'reader' }, [{ kind: 'ServiceAccount', name: 'default' }], 'jobs')),
    [['Subject::system:serviceaccount:jobs:default', 'binds ServiceAccount jobs/default']]);
  add(id, 'finding', 'ClusterRoleBinding to group system:serviceaccounts', k8s(binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'view' }, [
    { kind: 'ServiceAccount', name: 'api', namespace: 'apps' }, { kind: 'Group', name: 'system:serviceaccounts', apiGroup: 'rbac.authorization.k8s.io' },
  ])), [['Subject::system:serviceaccounts', 'binds group system:serviceaccounts (every service account, including default)']]);
  add(id, 'finding', 'RoleBinding to group system:serviceaccounts:apps', k8s(binding('RoleBinding', { kind: 'Role', name: 'reader' }, [
    { kind: 'Group', name: 'system:serviceaccounts:apps', apiGroup: 'rbac.authorization.k8s.io' },
  ], 'apps')), [['Subject::system:serviceaccounts:apps', 'binds group system:serviceaccounts:apps (every service account, including default)']]);
  // Unified with core/facts/subjects and synth/kubernetes (podServiceAccount, namespaceOf): verdicts that changed.
  add(id, 'finding', 'an empty serviceAccountName runs as default (was: compliant)', k8s(pod({ serviceAccountName: '', automountServiceAccountToken: false })),
    [['Subject::system:serviceaccount:apps:default', 'pod runs as the default ServiceAccount (serviceAccountName "")']]);
  add(id, 'finding', 'an empty namespace is the default namespace', k8s(pod({ automountServiceAccountToken: false }, 'app', '')),
    [['Subject::system:serviceaccount:default:default', 'pod runs as the default ServiceAccount (serviceAccountName unset)']]);
  add(id, 'finding', 'a User subject named by the default account\'s token subject (was: compliant)', k8s(binding('RoleBinding', { kind: 'Role', name: 'reader' }, [
    { kind: 'User', name: 'system:serviceaccount:apps:default', apiGroup: 'rbac.authorization.k8s.io' },
  ], 'apps')), [['Subject::system:serviceaccount:apps:default', 'binds ServiceAccount apps/default']]);
  add(id, 'compliant', 'a User subject of a dedicated account', k8s(binding('RoleBinding', { kind: 'Role', name: 'reader' }, [
    { kind: 'User', name: 'system:serviceaccount:apps:api', apiGroup: 'rbac.authorization.k8s.io' },
  ], 'apps')), []);
  add(id, 'compliant', 'a group name Kubernetes never issues (system:serviceaccounts:a:b; was: a finding)', k8s(binding('RoleBinding', { kind: 'Role', name: 'reader' }, [
    { kind: 'Group', name: 'system:serviceaccounts:apps:extra', apiGroup: 'rbac.authorization.k8s.io' },
  ], 'apps')), []);
  add(id, 'compliant', 'pod with its own ServiceAccount', k8s(pod({ serviceAccountName: 'api', automountServiceAccountToken: false })), []);
  add(id, 'compliant', 'the default ServiceAccount with automount false', k8s(serviceAccount('default', { automountServiceAccountToken: false })), []);
  add(id, 'compliant', 'RoleBinding to a dedicated ServiceAccount and a people group', k8s(binding('RoleBinding', { kind: 'Role', name: 'reader' }, [
    { kind: 'ServiceAccount', name: 'api', namespace: 'apps' }, { kind: 'Group', name: 'team-payments', apiGroup: 'rbac.authorization.k8s.io' },
  ], 'apps')), []);
  add(id, 'not applicable', 'a ConfigMap', CONFIG_MAP, []);
  add(id, 'not applicable', 'a CloudFormation role', serviceRole(), []);
}

// KL-G-K8S-RBAC-WILDCARD
{
  const id = 'KL-G-K8S-RBAC-WILDCARD';
  add(id, 'finding', 'ClusterRole with * everywhere', k8s(rbacRole('ClusterRole', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])),
    [['Rules[0].ApiGroup::*', 'rules[0].apiGroups contains *'], ['Rules[0].Resource::*', 'rules[0].resources contains *'], ['Rules[0].Verb::*', 'rules[0].verbs contains *']]);
  add(id, 'finding', 'Role with a wildcard subresource and wildcard non-resource URLs', k8s(rbacRole('Role', [
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods/*'], verbs: ['get'] },
    { nonResourceURLs: ['/metrics*'], verbs: ['get'] },
  ])), [['Rules[1].Resource::pods/*', 'rules[1].resources contains *'], ['Rules[2].NonResourceURL::/metrics*', 'rules[2].nonResourceURLs contains *']]);
  // One key per finding: `resources: ['*']` under metrics.k8s.io and under the core group (Secrets) are two findings.
  add(id, 'finding', 'resources * in two rules, under different apiGroups (was: two findings keyed Resource::*)', k8s(rbacRole('ClusterRole', [
    { apiGroups: ['metrics.k8s.io'], resources: ['*'], verbs: ['get'] },
    { apiGroups: [''], resources: ['*'], verbs: ['get', 'list'] },
  ])), [['Rules[0].Resource::*', 'rules[0].resources contains *'], ['Rules[1].Resource::*', 'rules[1].resources contains *']]);
  add(id, 'compliant', 'Role with exact groups, resources and verbs', k8s(rbacRole('Role', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'], verbs: ['get', 'watch'] }])), []);
  add(id, 'not applicable', 'a RoleBinding', k8s(binding('RoleBinding', { kind: 'Role', name: '*' }, [{ kind: 'ServiceAccount', name: 'api' }], 'apps')), []);
}

// KL-G-OWNERSHIP
{
  const id = 'KL-G-OWNERSHIP';
  const tagged = (reviewBy: string) => serviceRole({ Tags: [OWNED_TAGS[0], OWNED_TAGS[1], { Key: 'keyless:review-by', Value: reviewBy }] });
  add(id, 'finding', 'role without ownership tags', serviceRole({ Tags: [{ Key: 'team', Value: 'payments' }] }), [['Field::owner', 'missing owner'], ['Field::environment', 'missing environment'], ['Field::review-by', 'missing review-by']]);
  add(id, 'finding', 'role past its review-by date', tagged('2026-11-21'), [['ReviewBy::2026-11-21', 'review-by 2026-11-21 has passed (today is 2026-11-22)']]);
  add(id, 'finding', 'review-by that is not a calendar date', tagged('2026-02-30'), [['ReviewBy::2026-02-30', 'review-by 2026-02-30 is not a YYYY-MM-DD date']]);
  add(id, 'compliant', 'complete ownership', serviceRole(), []);
  add(id, 'compliant', 'review-by today', tagged(TODAY), []);
  add(id, 'finding', 'Terraform role without environment', tf('aws_iam_role', 'ci', { tags: { 'keyless:owner': 'team-payments', 'keyless:review-by': '2027-04-30' } }), [['Field::environment', 'missing environment']]);
  add(id, 'compliant', 'Terraform user with complete tags', tf('aws_iam_user', 'ci', { tags: OWNED_TF_TAGS }), []);
  add(id, 'finding', 'GCP service account without a description', tf('google_service_account', 'ci', { account_id: 'ci' }), [['Field::owner', 'missing owner'], ['Field::environment', 'missing environment'], ['Field::review-by', 'missing review-by']]);
  add(id, 'compliant', 'GCP service account with the Keyless description', tf('google_service_account', 'ci', {
    account_id: 'ci', description: 'environment=production; managed-by=keyless; owner=team-payments; purpose=deploy payments-api from CI; review-by=2027-04-30; tier=1',
  }), []);
  // Unified with the inventory (synth ownershipFieldsOf): a description value keeps every `=` after the first, as
  // the encoder writes it; the rule's own decoder dropped any part with a second `=`.
  const described = (description: string) => tf('google_service_account', 'ci', { account_id: 'ci', description });
  add(id, 'compliant', 'GCP service account whose purpose contains `=`', described(
    'environment=production; managed-by=keyless; owner=team-payments; purpose=sync a=b pairs; review-by=2027-04-30; tier=1',
  ), []);
  add(id, 'finding', 'GCP review-by with a second `=` is read whole, and is not a date (was: missing review-by)', described(
    'environment=production; owner=team-payments; review-by=2027-04-30=x',
  ), [['ReviewBy::2027-04-30=x', 'review-by 2027-04-30=x is not a YYYY-MM-DD date']]);
  add(id, 'compliant', 'GCP owner with a second `=` is read whole, as tags are (was: missing owner)', described(
    'environment=production; owner=team=payments; review-by=2027-04-30',
  ), []);
  add(id, 'finding', 'Azure identity past review-by', tf('azurerm_user_assigned_identity', 'ci', {
    tags: { 'keyless-owner': 'team-payments', 'keyless-environment': 'production', 'keyless-review-by': '2026-01-31' },
  }), [['ReviewBy::2026-01-31', 'review-by 2026-01-31 has passed (today is 2026-11-22)']]);
  add(id, 'compliant', 'Azure identity with complete tags', tf('azurerm_user_assigned_identity', 'ci', {
    tags: { 'keyless-owner': 'team-payments', 'keyless-environment': 'production', 'keyless-review-by': '2027-04-30' },
  }), []);
  add(id, 'finding', 'Kubernetes ServiceAccount without labels', k8s(serviceAccount('api', { automountServiceAccountToken: false })), [['Field::owner', 'missing owner'], ['Field::environment', 'missing environment'], ['Field::review-by', 'missing review-by']]);
  add(id, 'compliant', 'Kubernetes ServiceAccount with labels', k8s(serviceAccount('api', { automountServiceAccountToken: false }, { labels: OWNED_LABELS })), []);
  add(id, 'compliant', 'Kubernetes ServiceAccount with labels and annotations', k8s(serviceAccount('api', {}, {
    labels: { 'keyless.dev/owner': 'team-payments', 'keyless.dev/environment': 'production' }, annotations: { 'keyless.dev/review-by': '2027-04-30' },
  })), []);
  add(id, 'not applicable', 'the default ServiceAccount (never an owned identity)', k8s(serviceAccount('default', { automountServiceAccountToken: false })), []);
  add(id, 'not applicable', 'an IAM group', cfn('AWS::IAM::Group', {}), []);
  add(id, 'not applicable', 'a ServiceAccount type outside Kubernetes', cfn('ServiceAccount', { metadata: { name: 'x' } }), []);
}

// KL-G-SESSION-OVER-TIER
{
  const id = 'KL-G-SESSION-OVER-TIER';
  const withTier = (seconds: number, tier?: string) => serviceRole({ MaxSessionDuration: seconds, Tags: tier ? [...OWNED_TAGS, { Key: 'keyless:tier', Value: tier }] : OWNED_TAGS });
  add(id, 'finding', 'MaxSessionDuration 7200 without a tier', withTier(7200), [['MaxSessionDuration::7200', 'MaxSessionDuration 7200 s exceeds 3600 s (no tier: tier 1 assumed)']]);
  add(id, 'compliant', 'MaxSessionDuration 7200 with keyless:tier 3', withTier(7200, '3'), []);
  add(id, 'compliant', 'MaxSessionDuration 3600 without a tier', withTier(3600), []);
  add(id, 'compliant', 'tier 3 at its 12 hour maximum', withTier(43200, '3'), []);
  add(id, 'finding', 'tier 1 declared, two hours asked', withTier(7200, '1'), [['MaxSessionDuration::7200', 'MaxSessionDuration 7200 s exceeds 3600 s (tier 1)']]);
  add(id, 'finding', 'an unknown tier value counts as no tier', withTier(7200, 'low'), [['MaxSessionDuration::7200', 'MaxSessionDuration 7200 s exceeds 3600 s (no tier: tier 1 assumed)']]);
  add(id, 'finding', 'Terraform role one second over tier 3', tf('aws_iam_role', 'batch', { max_session_duration: 43201, tags: { ...OWNED_TF_TAGS, 'keyless:tier': '3' } }),
    [['MaxSessionDuration::43201', 'MaxSessionDuration 43201 s exceeds 43200 s (tier 3)']]);
  add(id, 'compliant', 'Terraform role at the tier 2 maximum', tf('aws_iam_role', 'batch', { max_session_duration: 14400, tags: { ...OWNED_TF_TAGS, 'keyless:tier': '2' } }), []);
  add(id, 'compliant', 'a role without MaxSessionDuration (the one-hour default)', serviceRole(), []);
  add(id, 'compliant', 'a numeric keyless:tier tag (YAML `Value: 3`) is read as the tier', serviceRole({ MaxSessionDuration: 7200, Tags: [...OWNED_TAGS, { Key: 'keyless:tier', Value: 3 }] }), []);
  add(id, 'finding', 'a MaxSessionDuration written as a string (CloudFormation accepts "43200")', serviceRole({ MaxSessionDuration: '43200' }),
    [['MaxSessionDuration::43200', 'MaxSessionDuration 43200 s exceeds 3600 s (no tier: tier 1 assumed)']]);
  add(id, 'not applicable', 'a MaxSessionDuration given as a parameter (unreadable here)', serviceRole({ MaxSessionDuration: { Ref: 'SessionSeconds' } }), []);
  add(id, 'not applicable', 'a user', cfn('AWS::IAM::User', { MaxSessionDuration: 43200 }), []);
}

// KL-G-SHARED-IDENTITY
{
  const id = 'KL-G-SHARED-IDENTITY';
  const api = k8s(deployment('api', { serviceAccountName: 'payments', automountServiceAccountToken: false }, 'payments'));
  const worker = k8s(deployment('worker', { serviceAccountName: 'payments', automountServiceAccountToken: false }, 'payments'));
  add(id, 'finding', 'two Deployments on one ServiceAccount in one file (first)', api, [['Subject::system:serviceaccount:payments:payments', 'ServiceAccount payments/payments is also used by Deployment payments/worker']], [worker]);
  add(id, 'finding', 'two Deployments on one ServiceAccount in one file (second)', worker, [['Subject::system:serviceaccount:payments:payments', 'ServiceAccount payments/payments is also used by Deployment payments/api']], [api]);
  add(id, 'compliant', 'the same ServiceAccount name in another namespace', api, [],
    [k8s(deployment('worker', { serviceAccountName: 'payments', automountServiceAccountToken: false }, 'staging'))]);
  add(id, 'not applicable', 'pods on the default ServiceAccount (KL-G-K8S-DEFAULT-SA reports those)', k8s(pod({}, 'a')), [], [k8s(pod({}, 'b'))]);
  // Unified with core/facts/subjects and synth/kubernetes: verdicts that changed.
  add(id, 'finding', 'an empty namespace and an unset one are the same namespace (was: compliant)',
    k8s(deployment('api', { serviceAccountName: 'payments', automountServiceAccountToken: false }, '')),
    [['Subject::system:serviceaccount:default:payments', 'ServiceAccount default/payments is also used by Deployment worker']],
    [k8s({ ...deployment('worker', { serviceAccountName: 'payments', automountServiceAccountToken: false }), metadata: { name: 'worker' } })]);
  add(id, 'not applicable', 'pods with an empty serviceAccountName run as default (was: a finding; KL-G-K8S-DEFAULT-SA reports them)',
    k8s(pod({ serviceAccountName: '' }, 'a')), [], [k8s(pod({ serviceAccountName: '' }, 'b'))]);
  add(id, 'not applicable', 'a literal * under StringEquals is no service account subject (was: a finding)',
    irsaRole('StarRole', 'system:serviceaccount:payments:*'), [], [irsaRole('StarCopyRole', 'system:serviceaccount:payments:*')]);
  const apiRole = irsaRole('ApiRole', 'system:serviceaccount:payments:api');
  const copyRole = irsaRole('ApiCopyRole', 'system:serviceaccount:payments:api');
  add(id, 'finding', 'two roles trusting the same system:serviceaccount subject', apiRole, [['Subject::system:serviceaccount:payments:api', 'system:serviceaccount:payments:api is also trusted by ApiCopyRole']], [copyRole]);
  add(id, 'compliant', 'roles trusting distinct subjects', apiRole, [], [irsaRole('WorkerRole', 'system:serviceaccount:payments:worker')]);
  add(id, 'not applicable', 'a ConfigMap', CONFIG_MAP, [], [CONFIG_MAP]);
  add(id, 'not applicable', 'a GitHub trust', githubRole({ StringEquals: { ...AUD, [`${GITHUB}:sub`]: 'repo:acme/app:ref:refs/heads/main' } }), [],
    [githubRole({ StringEquals: { ...AUD, [`${GITHUB}:sub`]: 'repo:acme/app:ref:refs/heads/main' } }, { id: 'Other' })]);
}

// KL-G-STATIC-CREDENTIAL
{
  const id = 'KL-G-STATIC-CREDENTIAL';
  add(id, 'finding', 'AWS::IAM::AccessKey', cfn('AWS::IAM::AccessKey', { UserName: { Ref: 'CiUser' } }), [['Credential::AWS::IAM::AccessKey', 'an IAM access key']]);
  add(id, 'finding', 'AWS::IAM::User with LoginProfile', cfn('AWS::IAM::User', { LoginProfile: { Password: 'x' }, Tags: OWNED_TAGS }), [['Credential::LoginProfile', 'an IAM user with a console password (LoginProfile)']]);
  add(id, 'finding', 'aws_iam_access_key', tf('aws_iam_access_key', 'ci', { user: 'ci' }), [['Credential::aws_iam_access_key', 'an IAM access key']]);
  add(id, 'finding', 'aws_iam_user_login_profile', tf('aws_iam_user_login_profile', 'ci', { user: 'ci' }), [['Credential::aws_iam_user_login_profile', 'an IAM console password']]);
  add(id, 'finding', 'google_service_account_key', tf('google_service_account_key', 'ci', { service_account_id: 'ci' }), [['Credential::google_service_account_key', 'a service account key']]);
  add(id, 'finding', 'azuread_application_password', tf('azuread_application_password', 'ci', { application_id: 'a' }), [['Credential::azuread_application_password', 'an application client secret']]);
  add(id, 'finding', 'azuread_application_certificate', tf('azuread_application_certificate', 'ci', { application_id: 'a' }), [['Credential::azuread_application_certificate', 'an application certificate credential']]);
  add(id, 'finding', 'azuread_service_principal_password', tf('azuread_service_principal_password', 'ci', { service_principal_id: 's' }), [['Credential::azuread_service_principal_password', 'a service principal client secret']]);
  add(id, 'finding', 'azuread_service_principal_certificate', tf('azuread_service_principal_certificate', 'ci', { service_principal_id: 's' }),
    [['Credential::azuread_service_principal_certificate', 'a service principal certificate credential']]);
  add(id, 'compliant', 'an IAM user without a console password', cfn('AWS::IAM::User', { Tags: OWNED_TAGS }), []);
  add(id, 'not applicable', 'a GCP service account', tf('google_service_account', 'ci', { account_id: 'ci' }), []);
  add(id, 'not applicable', 'a Kubernetes ConfigMap', CONFIG_MAP, []);
  // Types are looked up as own keys (was: a finding with the message `function Object() { [native code] }`).
  add(id, 'not applicable', 'a resource of type constructor', tf('constructor', 'x', {}), []);
  add(id, 'not applicable', 'a resource of type toString', cfn('toString', {}), []);
  add(id, 'not applicable', 'a resource of type __proto__', tf('__proto__', 'x', {}), []);
}

// KL-G-WILDCARD-ACTION
{
  const id = 'KL-G-WILDCARD-ACTION';
  add(id, 'finding', 'Action s3:*', managedPolicy([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::acme-artifacts/*' }]), [['Action::s3:*', 'Action s3:*']]);
  add(id, 'finding', 'NotAction', cfn('AWS::IAM::Policy', { PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] } }),
    [['NotAction::iam:*', 'Allow with NotAction (allows everything else)']]);
  add(id, 'finding', 'inline policy of a role with a prefix wildcard', serviceRole({
    Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['ec2:DescribeInstances', 'ec2:Describe*'], Resource: '*' }] } }],
  }), [['Action::ec2:Describe*', 'Action ec2:Describe*']]);
  add(id, 'finding', 'Terraform aws_iam_policy with the policy as a JSON string', tf('aws_iam_policy', 'deploy', {
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'iam:Get*'], Resource: '*' }] }),
  }), [['Action::s3:*', 'Action s3:*'], ['Action::iam:Get*', 'Action iam:Get*']]);
  add(id, 'finding', 'Terraform aws_iam_role inline_policy', tf('aws_iam_role', 'ci', {
    tags: OWNED_TF_TAGS, inline_policy: [{ name: 'p', policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' }] }) }],
  }), [['Action::*', 'Action *']]);
  add(id, 'finding', 'one wildcard action in two statements is one finding', managedPolicy([
    { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::a/*' }, { Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::b/*' },
  ]), [['Action::s3:*', 'Action s3:*']]);
  // Unified with the inventory (synth isGlob): `?` is an IAM wildcard too (was: compliant).
  add(id, 'finding', 'Action iam:P?ssRole (`?` matches one character; was: compliant)', managedPolicy([{ Effect: 'Allow', Action: ['iam:P?ssRole', 'iam:GetRole'], Resource: '*' }]),
    [['Action::iam:P?ssRole', 'Action iam:P?ssRole']]);
  add(id, 'compliant', 'exact actions', managedPolicy([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::acme-artifacts/*' }]), []);
  add(id, 'compliant', 'a Deny with *', managedPolicy([
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
    { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  ]), []);
  add(id, 'not applicable', 'a role with a trust policy only', serviceRole(), []);
  add(id, 'not applicable', 'a Kubernetes ClusterRole', k8s(rbacRole('ClusterRole', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])), []);
}

// KL-G-WILDCARD-RESOURCE
{
  const id = 'KL-G-WILDCARD-RESOURCE';
  add(id, 'finding', 'Resource * for an action that accepts an ARN', managedPolicy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]), [['Action::s3:GetObject', 'Resource * for s3:GetObject']]);
  add(id, 'finding', 'wildcard-only action mixed with one that accepts an ARN', managedPolicy([{ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage'], Resource: ['*'] }]),
    [['Action::ecr:BatchGetImage', 'Resource * for ecr:BatchGetImage']]);
  add(id, 'finding', 'Terraform aws_iam_role_policy with the policy as a JSON string', tf('aws_iam_role_policy', 'ci', {
    role: 'ci', policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: '*' }] }),
  }), [['Action::kms:Decrypt', 'Resource * for kms:Decrypt']]);
  add(id, 'finding', 'Allow with NotResource (every resource but the ones named)', managedPolicy([{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::acme-secrets/*' }]),
    [['NotResource::arn:aws:s3:::acme-secrets/*', 'Allow with NotResource (allows every other resource)']]);
  // Unified with the inventory (synth isWildcardResourceArn): a wildcard ARN is a wildcard resource (was: compliant).
  add(id, 'finding', 'Resource arn:aws:s3:::* (every bucket; was: compliant)', managedPolicy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*' }]),
    [['Action::s3:GetObject on arn:aws:s3:::*', 'Resource arn:aws:s3:::* for s3:GetObject']]);
  add(id, 'finding', 'every role of an account, and every object of every bucket (was: compliant)', managedPolicy([{
    Effect: 'Allow', Action: ['iam:PassRole', 's3:GetObject'], Resource: ['arn:aws:iam::123456789012:role/*', 'arn:aws:s3:::*/*', 'arn:aws:s3:::acme-artifacts/*'],
  }]), [
    ['Action::iam:PassRole on arn:aws:iam::123456789012:role/*', 'Resource arn:aws:iam::123456789012:role/* for iam:PassRole'],
    ['Action::iam:PassRole on arn:aws:s3:::*/*', 'Resource arn:aws:s3:::*/* for iam:PassRole'],
    ['Action::s3:GetObject on arn:aws:iam::123456789012:role/*', 'Resource arn:aws:iam::123456789012:role/* for s3:GetObject'],
    ['Action::s3:GetObject on arn:aws:s3:::*/*', 'Resource arn:aws:s3:::*/* for s3:GetObject'],
  ]);
  add(id, 'finding', 'a wildcard ARN built with Fn::Sub, and * beside it', managedPolicy([{
    Effect: 'Allow', Action: 'kms:Decrypt', Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*' }, '*'],
  }]), [['Action::kms:Decrypt on arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*', 'Resource arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/* for kms:Decrypt'],
    ['Action::kms:Decrypt', 'Resource * for kms:Decrypt']]);
  add(id, 'compliant', 'a wildcard-only action on a wildcard ARN is still exempt', managedPolicy([{ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: 'arn:aws:ecr:*:*:*' }]), []);
  add(id, 'compliant', 'an S3 prefix and a named role path are not wildcards', managedPolicy([{
    Effect: 'Allow', Action: ['s3:GetObject', 'iam:PassRole'], Resource: ['arn:aws:s3:::acme-artifacts/builds/*', 'arn:aws:iam::123456789012:role/ci/deploy-*'],
  }]), []);
  add(id, 'compliant', 'actions that accept only *', managedPolicy([{ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', 'sts:GetCallerIdentity'], Resource: '*' }]), []);
  add(id, 'compliant', 'named resources', managedPolicy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::acme-artifacts/*'] }]), []);
  add(id, 'compliant', 'a Deny on *', managedPolicy([{ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }]), []);
  add(id, 'not applicable', 'an access key', cfn('AWS::IAM::AccessKey', { UserName: 'ci' }), []);
  add(id, 'not applicable', 'a Kubernetes Role', k8s(rbacRole('Role', [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }])), []);
}

{
  const id = 'KL-G-POLICY-UNREADABLE';
  const terraform = (type: string, properties: Record<string, unknown>): NeutralResource => ({ format: 'terraform', file: 'main.tf.json', type, id: `${type}.x`, properties });
  add(id, 'finding', 'a Terraform role policy given as a data-source reference', terraform('aws_iam_role_policy', { role: 'ci', policy: '${data.aws_iam_policy_document.ci.json}' }),
    [['Field::policy', 'policy is ${data.aws_iam_policy_document.ci.json}, which is not a JSON policy document']]);
  add(id, 'finding', 'a Terraform role whose trust is a reference', terraform('aws_iam_role', { name: 'ci', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' }),
    [['Field::assume_role_policy', 'assume_role_policy is ${data.aws_iam_policy_document.trust.json}, which is not a JSON policy document']]);
  add(id, 'compliant', 'a Terraform policy written as a JSON string', terraform('aws_iam_policy', {
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }),
  }), []);
  add(id, 'not applicable', 'a resource of type constructor or toString with a string attribute of that name', terraform('constructor', {
    'function Object() { [native code] }': 'not a policy', 'constructor': 'not a policy',
  }), []);
  add(id, 'not applicable', 'a resource of type hasOwnProperty', terraform('hasOwnProperty', { policy: 'x' }), []);
  add(id, 'not applicable', 'a CloudFormation policy (documents are objects)', { format: 'cloudformation', file: 't.json', type: 'AWS::IAM::Policy', id: 'P', properties: { PolicyDocument: { Statement: [] } } }, []);
}

// ---------------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------------

/** Every rule id, one per line, in id order. */
const EXPECTED_IDS = [
  'KL-G-AWS-ADMIN-POLICY',
  'KL-G-AWS-BREAK-GLASS-MFA',
  'KL-G-AWS-POD-IDENTITY-UNSCOPED',
  'KL-G-AWS-PRINCIPAL-WILDCARD',
  'KL-G-AZURE-FIC-AUDIENCE',
  'KL-G-FEDERATED-TRUST-UNPINNED',
  'KL-G-GCP-BASIC-ROLE',
  'KL-G-GCP-DEFAULT-SA',
  'KL-G-GCP-PRINCIPALSET-WILDCARD',
  'KL-G-GCP-PROVIDER-UNPINNED',
  'KL-G-GCP-SA-IMPERSONATION',
  'KL-G-K8S-AUTOMOUNT',
  'KL-G-K8S-CLUSTER-ADMIN',
  'KL-G-K8S-DEFAULT-SA',
  'KL-G-K8S-RBAC-ESCALATION',
  'KL-G-K8S-RBAC-WILDCARD',
  'KL-G-OWNERSHIP',
  'KL-G-POLICY-UNREADABLE',
  'KL-G-SESSION-OVER-TIER',
  'KL-G-SHARED-IDENTITY',
  'KL-G-STATIC-CREDENTIAL',
  'KL-G-WILDCARD-ACTION',
  'KL-G-WILDCARD-RESOURCE',
];

describe('guardrail rules', () => {
  test(`ALL_RULES holds the ${EXPECTED_IDS.length} rules, in id order, each documented`, () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(ids).toEqual(EXPECTED_IDS);
    for (const r of ALL_RULES) {
      expect(r.info.length).toBeGreaterThan(10);
      expect(r.explanation.length).toBeGreaterThan(10);
      expect(r.fix.length).toBeGreaterThan(10);
    }
  });

  test('every rule has a non-compliant, a compliant and a not-applicable case here', () => {
    const covered = (kind: Kind) => [...new Set(CASES.filter((c) => c.kind === kind).map((c) => c.rule))].sort();
    const ids = ALL_RULES.map((r) => r.id).sort();
    expect(ids).toHaveLength(EXPECTED_IDS.length);
    expect(covered('finding')).toEqual(ids);
    expect(covered('compliant')).toEqual(ids);
    expect(covered('not applicable')).toEqual(ids);
    for (const c of CASES) expect(c.kind === 'finding' ? c.expected.length > 0 : c.expected.length === 0).toBe(true);
  });

  // The cases above decide: a rule that answers the same for everything fails at least two of its own cases.
  test.each(ALL_RULES.map((r) => [r.id] as const))('%s: a rule answering the same for every resource would fail its cases', (ruleId) => {
    const own = CASES.filter((c) => c.rule === ruleId);
    const constant: RuleResult[] = [COMPLIANT, NOT_APPLICABLE, { status: 'non-compliant', findings: [{ key: 'Field::x', message: 'x' }] }];
    for (const answer of constant) {
      const failing = own.filter((c) => JSON.stringify(answer) !== JSON.stringify(expectedResult(c)));
      expect(failing.length).toBeGreaterThanOrEqual(2);
    }
  });

  test.each(CASES.map((c) => [c.rule, c.kind, c.name, c] as const))('%s %s: %s', (ruleId, _kind, _name, c) => {
    expect(check(rule(ruleId), c.resource, c.others)).toEqual(expectedResult(c));
  });

  test('every finding key is KIND::VALUE', () => {
    // KIND may be qualified by where the element is (`Rules[1].Resource::*`).
    for (const c of CASES) for (const [key] of c.expected) expect(key).toMatch(/^([A-Z][A-Za-z]*\[\d+\]\.)?[A-Z][A-Za-z]*::/);
  });

  test('no rule reports two findings with one key on one resource (an exception naming the key would cover both)', () => {
    for (const c of CASES) {
      const result = check(rule(c.rule), c.resource, c.others);
      const keys = result.status === 'non-compliant' ? result.findings.map((f) => f.key) : [];
      expect([c.name, keys]).toEqual([c.name, [...new Set(keys)]]);
    }
  });

  test('no rule applies to resources that are not identities, grants or workloads', () => {
    const unrelated = [
      cfn('AWS::S3::Bucket', { BucketName: 'b' }), tf('google_storage_bucket', 'b', { name: 'b', role: 'roles/owner' }), CONFIG_MAP,
      k8s({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'apps' }, spec: { ports: [{ port: 80 }] } }),
    ];
    for (const resource of unrelated) expect(ALL_RULES.map((r) => [r.id, check(r, resource)])).toEqual(ALL_RULES.map((r) => [r.id, NOT_APPLICABLE]));
  });
});

describe('evaluate', () => {
  const throwing: GuardrailRule = {
    id: 'KL-TEST-THROWS',
    info: 'A rule that throws.',
    explanation: 'Used to check that a failing rule is reported.',
    fix: 'fix the rule',
    check() {
      throw new Error('cannot read properties of undefined');
    },
  };
  const key = cfn('AWS::IAM::AccessKey', { UserName: 'ci' }, 'CiKey', 'legacy.template.json');
  const STATIC_FINDING = {
    ruleId: 'KL-G-STATIC-CREDENTIAL',
    file: 'legacy.template.json',
    type: 'AWS::IAM::AccessKey',
    resource: 'CiKey',
    key: 'Credential::AWS::IAM::AccessKey',
    message: 'an IAM access key',
    fix: staticCredential.fix,
  };

  test('a rule that throws is reported as a RuleError finding on the resource, and the other rules still run', () => {
    const report = evaluate([key], { rules: [throwing, staticCredential], today: TODAY });
    expect(report.findings).toEqual([
      STATIC_FINDING,
      {
        ruleId: 'KL-TEST-THROWS',
        file: 'legacy.template.json',
        type: 'AWS::IAM::AccessKey',
        resource: 'CiKey',
        key: 'RuleError',
        message: 'the rule failed on this resource (cannot read properties of undefined); it is reported, not skipped',
        fix: 'fix the rule',
      },
    ]);
    expect(report.exceptionErrors).toEqual([]);
    expect(report.resourcesChecked).toBe(1);
  });

  const returning = (result: unknown): GuardrailRule => ({ ...throwing, id: 'KL-TEST-RETURNS', check: () => result as RuleResult });
  test('no exception covers a RuleError finding: neither one without a finding key nor one naming RuleError', () => {
    const waiver = { ruleId: 'KL-TEST-THROWS', resource: 'CiKey', reason: 'the rule fails on this legacy template', owner: 'team-platform', expires: '2027-01-31' };
    const report = evaluate([key], {
      rules: [throwing, staticCredential],
      today: TODAY,
      exceptions: [waiver, { ...waiver, findingKey: 'RuleError' }, { ...waiver, resource: 'legacy.template.json:CiKey' }, { ...waiver, ruleId: staticCredential.id }],
    });
    // Naming RuleError is an error of the exception itself, not a silent no-op.
    expect(report.exceptionErrors).toEqual([
      'exceptions[1]: `findingKey` is "RuleError": a rule that failed on a resource is never excepted (its input could not be checked); fix the input or the rule',
    ]);
    expect(report.findings.map((f) => [f.ruleId, f.key])).toEqual([['KL-TEST-THROWS', 'RuleError']]);
    // The same exceptions still cover the ordinary finding of another rule.
    expect(report.excepted.map((f) => [f.ruleId, f.key])).toEqual([['KL-G-STATIC-CREDENTIAL', 'Credential::AWS::IAM::AccessKey']]);
    expect(evaluate([key], { rules: [returning({ status: 'ok' })], today: TODAY, exceptions: [{ ...waiver, ruleId: 'KL-TEST-RETURNS' }] }).findings.map((f) => f.key))
      .toEqual(['RuleError']);
  });

  test.each<[string, unknown, string]>([
    ['the old string list', ['Action s3:*'], '["Action s3:*"]'],
    ['non-compliant without findings', { status: 'non-compliant', findings: [] }, '{"status":"non-compliant","findings":[]}'],
    ['a finding without a key', { status: 'non-compliant', findings: [{ message: 'x' }] }, '{"status":"non-compliant","findings":[{"message":"x"}]}'],
    ['an unknown status', { status: 'ok' }, '{"status":"ok"}'],
    ['nothing', undefined, 'undefined'],
  ])('a rule that returns %s is reported as a RuleError finding, never as compliant', (_name, result, shown) => {
    expect(evaluate([key], { rules: [returning(result)], today: TODAY }).findings.map((f) => [f.key, f.message])).toEqual([[
      'RuleError',
      `the rule returned ${shown}, which is not a result (compliant, not-applicable, or non-compliant with findings that each have a key and a message); it is reported, not skipped`,
    ]]);
  });

  test('compliant and not-applicable results add no finding', () => {
    expect(evaluate([key], { rules: [returning(COMPLIANT), returning(NOT_APPLICABLE)], today: TODAY }).findings).toEqual([]);
  });

  test('the default rule set is ALL_RULES, and findings are sorted by file, resource, rule and message', () => {
    const role = serviceRole({ MaxSessionDuration: 7200, Tags: [], ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }, 'AdminRole');
    const report = evaluate([key, { ...role, file: 'legacy.template.json' }], { today: TODAY });
    expect(report.findings.map((f) => `${f.file} ${f.resource} ${f.ruleId} [${f.key}]: ${f.message}`)).toEqual([
      'legacy.template.json AdminRole KL-G-AWS-ADMIN-POLICY [ManagedPolicy::AdministratorAccess]: managed policy AdministratorAccess',
      'legacy.template.json AdminRole KL-G-OWNERSHIP [Field::environment]: missing environment',
      'legacy.template.json AdminRole KL-G-OWNERSHIP [Field::owner]: missing owner',
      'legacy.template.json AdminRole KL-G-OWNERSHIP [Field::review-by]: missing review-by',
      'legacy.template.json AdminRole KL-G-SESSION-OVER-TIER [MaxSessionDuration::7200]: MaxSessionDuration 7200 s exceeds 3600 s (no tier: tier 1 assumed)',
      'legacy.template.json CiKey KL-G-STATIC-CREDENTIAL [Credential::AWS::IAM::AccessKey]: an IAM access key',
    ]);
  });
});
