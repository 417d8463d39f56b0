/**
 * Platform example: CI publishers that can push one artifact to one place and nothing else, only from protected
 * refs (release tags, main, the release environment), with sessions of at most one hour.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import * as cdk from 'aws-cdk-lib/core';
import * as cdktf from 'cdktf';
import { GitHubActions, Ownership } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';

const ownership: Ownership = {
  owner: 'team-payments',
  purpose: 'publish payments-api release artifacts',
  environment: 'production',
  tier: 1,
  reviewBy: '2027-04-30',
};
/** payments-api emits the immutable subject (created after 2026-06-18); its ids are pinned on AWS and GCP too. */
const repo = { owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'immutable' } as const;
/** Release tags v*, built by the reusable release workflow's caller in this repository. */
const releaseTags = GitHubActions.repository({ ...repo, tagPatterns: ['v*'] });
const RELEASE_WORKFLOW = 'acme/workflows/.github/workflows/release.yml@refs/heads/main';
/**
 * The protected release environment, run by the organization's pinned reusable release workflow: AWS checks the
 * `job_workflow_ref` claim key and GCP the claim, with the repository's default subject template.
 */
const releaseEnvironment = GitHubActions.repository({ ...repo, environments: ['release'], jobWorkflowRef: RELEASE_WORKFLOW });
/**
 * The same, for Azure, which checks only the subject: the pinned workflow must be in `sub`, so the repository's OIDC
 * subject template includes `job_workflow_ref` (`include_claim_keys: ["repository_owner_id","repository_id","context",
 * "job_workflow_ref"]`). A repository has one template and payments-api's other trusts expect the default one, so the
 * Azure publishers trust the release repository payments-release, whose template includes it (out/ci/ writes both).
 */
const releaseEnvironmentInSubject = GitHubActions.repository({
  ...repo, repository: 'payments-release', repositoryId: '86301544', environments: ['release'], jobWorkflowRef: RELEASE_WORKFLOW, jobWorkflowRefInSubject: true,
});

export function awsPublishers(app: cdk.App): cdk.Stack {
  const stack = new cdk.Stack(app, 'platform-publish-aws', { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false });
  new aws.ScopedPublisherRole(stack, 'Image', {
    name: 'payments-api-image',
    ownership,
    source: releaseTags,
    target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/payments/api' }),
  });
  new aws.ScopedPublisherRole(stack, 'Bundle', {
    name: 'payments-api-bundle',
    ownership,
    source: releaseEnvironment,
    target: aws.AwsPublishTarget.s3Prefix({
      bucketName: 'acme-release-artifacts',
      prefix: 'payments-api',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
    }),
  });
  new aws.ScopedPublisherRole(stack, 'Client', {
    name: 'payments-client-pkg',
    ownership,
    source: releaseTags,
    target: aws.AwsPublishTarget.codeArtifactPackage({
      region: 'eu-west-1', domain: 'acme', domainOwner: '123456789012', repository: 'releases', format: 'npm', namespace: 'acme', packageName: 'payments-client',
    }),
  });
  return stack;
}

export function gcpPublishers(app: cdktf.App): cdktf.TerraformStack {
  const stack = new cdktf.TerraformStack(app, 'platform-publish-gcp');
  new cdktf.LocalBackend(stack, { path: 'terraform.platform-publish-gcp.tfstate' });
  new GoogleProvider(stack, 'google', { project: 'acme-payments-prod' });
  new gcp.ScopedPublisherRole(stack, 'Image', {
    name: 'payments-api-image',
    ownership,
    source: releaseTags,
    project: 'acme-payments-prod',
    projectNumber: '412345678901',
    poolId: 'ci-publish',
    target: gcp.GcpPublishTarget.artifactRegistryRepository({ project: 'acme-payments-prod', location: 'europe-west1', repository: 'payments' }),
  });
  new gcp.ScopedPublisherRole(stack, 'Bundle', {
    name: 'payments-api-bundle',
    ownership,
    source: releaseEnvironment,
    project: 'acme-payments-prod',
    projectNumber: '412345678901',
    target: gcp.GcpPublishTarget.storagePrefix({ bucket: 'acme-release-artifacts', prefix: 'payments-api' }),
  });
  return stack;
}

export function azurePublishers(app: cdktf.App): cdktf.TerraformStack {
  const stack = new cdktf.TerraformStack(app, 'platform-publish-azure');
  new cdktf.LocalBackend(stack, { path: 'terraform.platform-publish-azure.tfstate' });
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const subscription = '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-artifacts/providers';
  new azure.ScopedPublisherRole(stack, 'Image', {
    name: 'payments-api-image',
    ownership,
    source: releaseEnvironmentInSubject,
    resourceGroupName: 'rg-payments-identity',
    location: 'westeurope',
    target: azure.AzurePublishTarget.containerRegistry({ registryId: `${subscription}/Microsoft.ContainerRegistry/registries/acmepayments` }),
  });
  new azure.ScopedPublisherRole(stack, 'Bundle', {
    name: 'payments-api-bundle',
    ownership,
    source: releaseEnvironmentInSubject,
    resourceGroupName: 'rg-payments-identity',
    location: 'westeurope',
    target: azure.AzurePublishTarget.blobContainer({
      storageAccountId: `${subscription}/Microsoft.Storage/storageAccounts/acmeartifacts`, container: 'releases', prefix: 'payments-api',
    }),
  });
  return stack;
}
