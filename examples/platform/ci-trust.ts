/**
 * Platform example: one GitHub repository and one GitLab project get short-lived, keyless access to AWS, GCP and
 * Azure, pinned to the exact branch, environment and release tags the platform team names.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk from 'aws-cdk-lib/core';
import * as cdktf from 'cdktf';
import { GitHubActions, GitLabCi, Ownership } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';

const ownership: Ownership = {
  owner: 'team-payments',
  purpose: 'deploy payments-api from CI',
  environment: 'production',
  tier: 1,
  reviewBy: '2027-04-30',
};

/**
 * The payments-api repository, created after 2026-06-18, so its tokens carry the immutable subject
 * `repo:acme@1342004/payments-api@86301532:…`. Deploys run in the protected production environment, and only from
 * main or a release tag v*: a job on main outside the environment (which would skip its reviewers) is denied.
 */
const paymentsApi = GitHubActions.repository({
  owner: 'acme',
  repository: 'payments-api',
  ownerId: '1342004',
  repositoryId: '86301532',
  subjectFormat: 'immutable',
  environments: ['production'],
  branches: ['main'],
  tagPatterns: ['v*'],
});

/**
 * The same repository, for Azure: managed identities match the subject exactly, which names the environment but not
 * the ref, so the environment's deployment branch policy (repository settings: main and v* tags) decides the refs.
 */
const paymentsApiExact = GitHubActions.repository({
  owner: 'acme',
  repository: 'payments-api',
  ownerId: '1342004',
  repositoryId: '86301532',
  subjectFormat: 'immutable',
  environments: ['production'],
});

/** A GitLab project deploying from its protected main branch and release tags. */
const ledger = GitLabCi.project({
  projectPath: 'acme/finance/ledger',
  namespaceId: '5521',
  projectId: '48213',
  branches: ['main'],
  tags: ['v2.0.0'],
});

export function awsPlatform(app: cdk.App): cdk.Stack {
  // Pinned to its account, like every platform stack: the account's OIDC providers are then created once, in the
  // first of its stacks that needs them (an environment-agnostic stack could land in any account).
  const stack = new cdk.Stack(app, 'platform-ci-aws', { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false });
  const trust = new aws.CiOidcTrust(stack, 'PaymentsApiDeploy', { name: 'payments-api-deploy', ownership, source: paymentsApi });
  // Nothing is granted implicitly: the platform team grants exactly what the pipeline needs.
  const artifacts = s3.Bucket.fromBucketName(stack, 'Artifacts', 'acme-payments-artifacts');
  trust.role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:PutObject'],
    resources: [artifacts.arnForObjects('payments-api/*')],
  }));
  new aws.CiOidcTrust(stack, 'LedgerDeploy', {
    name: 'ledger-deploy',
    ownership: { ...ownership, purpose: 'deploy ledger from CI' },
    source: ledger,
    permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'ci-boundary'),
  });
  return stack;
}

export function gcpPlatform(app: cdktf.App): cdktf.TerraformStack {
  const stack = new cdktf.TerraformStack(app, 'platform-ci-gcp');
  new cdktf.LocalBackend(stack, { path: 'terraform.platform-ci-gcp.tfstate' }); // relative: output stays machine-independent
  new GoogleProvider(stack, 'google', { project: 'acme-payments-prod' });
  const trust = new gcp.CiOidcTrust(stack, 'PaymentsApiDeploy', {
    name: 'payments-api-deploy',
    ownership,
    source: paymentsApi,
    project: 'acme-payments-prod',
    projectNumber: '412345678901',
    poolId: 'ci-github',
  });
  // Direct access: the bucket grants object creation to the federated principals; no service account exists.
  for (const member of trust.members) {
    new StorageBucketIamMember(stack, `ArtifactsCreator-${member.split('/').pop()}`, {
      bucket: 'acme-payments-artifacts',
      role: 'roles/storage.objectCreator',
      member,
    });
  }
  new gcp.CiOidcTrust(stack, 'LedgerDeploy', {
    name: 'ledger-deploy',
    ownership: { ...ownership, purpose: 'deploy ledger from CI' },
    source: ledger,
    project: 'acme-payments-prod',
    projectNumber: '412345678901',
    poolId: 'ci-gitlab',
    access: 'impersonation',
  });
  return stack;
}

export function azurePlatform(app: cdktf.App): cdktf.TerraformStack {
  const stack = new cdktf.TerraformStack(app, 'platform-ci-azure');
  new cdktf.LocalBackend(stack, { path: 'terraform.platform-ci-azure.tfstate' });
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const trust = new azure.CiOidcTrust(stack, 'PaymentsApiDeploy', {
    name: 'payments-api-deploy',
    ownership,
    source: paymentsApiExact,
    resourceGroupName: 'rg-payments-identity',
    location: 'westeurope',
  });
  trust.assignRole('AcrPush', {
    scope: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-payments/providers/Microsoft.ContainerRegistry/registries/acmepayments',
    roleDefinitionName: 'AcrPush',
  });
  return stack;
}
