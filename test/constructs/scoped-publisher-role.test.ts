import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GitHubActions, GitLabCi } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { OWNERSHIP, TODAY, tfJson, tfResources, tfStack } from '../helpers/synth';

const releaseTags = GitHubActions.repository({ owner: 'acme', repository: 'payments-api', tagPatterns: ['v*'] });
const release = GitHubActions.repository({ owner: 'acme', repository: 'payments-api', environments: ['release'], branches: ['main'] });
const SUB = '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-artifacts/providers';

function stack(): cdk.Stack {
  const app = new cdk.App({ context: { 'keyless:today': TODAY } });
  return new cdk.Stack(app, 'Publish', { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false });
}

/** The statements of the one publish policy in the stack. */
function publishStatements(s: cdk.Stack): unknown[] {
  const policies = Template.fromStack(s).findResources('AWS::IAM::Policy');
  expect(Object.keys(policies)).toHaveLength(1);
  return Object.values(policies)[0].Properties.PolicyDocument.Statement;
}

describe('aws ScopedPublisherRole', () => {
  test('ECR: exactly the push action set on the repository, and the registry token on *', () => {
    const s = stack();
    const publisher = new aws.ScopedPublisherRole(s, 'Image', {
      name: 'payments-api-image',
      ownership: OWNERSHIP,
      source: releaseTags,
      target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/payments/api' }),
    });
    expect(publishStatements(s)).toEqual([
      {
        Sid: 'PushToRepository',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'],
        Resource: 'arn:aws:ecr:eu-west-1:123456789012:repository/payments/api',
      },
      { Sid: 'RegistryLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ]);
    expect(publisher.trust.maxSessionDuration.toSeconds()).toBe(3600);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Role', { RoleName: 'payments-api-image', MaxSessionDuration: 3600 });
  });

  test('S3: s3:PutObject on PREFIX/* only (no ACL action), plus GenerateDataKey and Decrypt on the bucket key', () => {
    const s = stack();
    new aws.ScopedPublisherRole(s, 'Bundle', {
      name: 'payments-api-bundle',
      ownership: OWNERSHIP,
      source: release,
      target: aws.AwsPublishTarget.s3Prefix({ bucketName: 'acme-release-artifacts', prefix: 'payments-api/', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' }),
    });
    expect(publishStatements(s)).toEqual([
      { Sid: 'PutUnderPrefix', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-release-artifacts/payments-api/*' },
      {
        Sid: 'EncryptWithBucketKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
      },
    ]);
  });

  test('CodeArtifact: domain token, bearer token only for CodeArtifact, endpoint of the repository, publish on the package', () => {
    const s = stack();
    new aws.ScopedPublisherRole(s, 'Client', {
      name: 'payments-client-pkg',
      ownership: OWNERSHIP,
      source: releaseTags,
      target: aws.AwsPublishTarget.codeArtifactPackage({ region: 'eu-west-1', domain: 'acme', domainOwner: '123456789012', repository: 'releases', format: 'npm', namespace: 'acme', packageName: 'payments-client' }),
    });
    expect(publishStatements(s)).toEqual([
      { Sid: 'DomainToken', Effect: 'Allow', Action: 'codeartifact:GetAuthorizationToken', Resource: 'arn:aws:codeartifact:eu-west-1:123456789012:domain/acme' },
      { Sid: 'BearerTokenForCodeArtifact', Effect: 'Allow', Action: 'sts:GetServiceBearerToken', Resource: '*', Condition: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } } },
      { Sid: 'RepositoryEndpoint', Effect: 'Allow', Action: 'codeartifact:GetRepositoryEndpoint', Resource: 'arn:aws:codeartifact:eu-west-1:123456789012:repository/acme/releases' },
      { Sid: 'PublishPackage', Effect: 'Allow', Action: ['codeartifact:PublishPackageVersion', 'codeartifact:PutPackageMetadata'], Resource: 'arn:aws:codeartifact:eu-west-1:123456789012:package/acme/releases/npm/acme/payments-client' },
    ]);
  });

  test('no wildcard action, and Resource "*" only for wildcard-only actions', () => {
    const s = stack();
    for (const [id, target] of [
      ['Ecr', aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/api' })],
      ['S3', aws.AwsPublishTarget.s3Prefix({ bucketName: 'acme-artifacts', prefix: 'api' })],
      ['Ca', aws.AwsPublishTarget.codeArtifactPackage({ region: 'eu-west-1', domain: 'acme', domainOwner: '123456789012', repository: 'releases', format: 'pypi', packageName: 'api' })],
    ] as const) {
      new aws.ScopedPublisherRole(s, id, { name: `publisher-${id.toLowerCase()}`, ownership: OWNERSHIP, source: releaseTags, target });
    }
    const statements = Object.values(Template.fromStack(s).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    for (const statement of statements) {
      const actions = [statement.Action].flat();
      expect(actions.some((a: string) => a.includes('*'))).toBe(false);
      if (statement.Resource === '*') {
        expect(actions.every((a: string) => ['ecr:GetAuthorizationToken', 'sts:GetServiceBearerToken'].includes(a))).toBe(true);
      }
    }
  });

  test('snapshot', () => {
    const s = stack();
    new aws.ScopedPublisherRole(s, 'Image', {
      name: 'payments-api-image',
      ownership: OWNERSHIP,
      source: releaseTags,
      target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/payments/api' }),
    });
    expect(Template.fromStack(s).toJSON()).toMatchSnapshot();
  });
});

describe('gcp ScopedPublisherRole', () => {
  const common = { ownership: OWNERSHIP, project: 'acme-payments-prod', projectNumber: '412345678901' };

  test('Artifact Registry: writer on the one repository, for the admitted principals only', () => {
    const s = tfStack();
    const publisher = new gcp.ScopedPublisherRole(s, 'Image', {
      ...common,
      name: 'payments-api-image',
      source: release,
      target: gcp.GcpPublishTarget.artifactRegistryRepository({ project: 'acme-payments-prod', location: 'europe-west1', repository: 'payments' }),
    });
    const members = Object.values(tfResources(tfJson(s), 'google_artifact_registry_repository_iam_member')) as any[];
    expect(members.map((m) => [m.project, m.location, m.repository, m.role, m.member]).sort()).toEqual(
      publisher.trust.members.map((member) => ['acme-payments-prod', 'europe-west1', 'payments', 'roles/artifactregistry.writer', member]).sort());
    expect(publisher.trust.serviceAccountEmail).toBeUndefined();
  });

  test('Cloud Storage: object creator conditioned on the object-name prefix', () => {
    const s = tfStack();
    new gcp.ScopedPublisherRole(s, 'Bundle', {
      ...common,
      name: 'payments-api-bundle',
      source: releaseTags,
      target: gcp.GcpPublishTarget.storagePrefix({ bucket: 'acme-release-artifacts', prefix: 'payments-api' }),
    });
    expect(Object.values(tfResources(tfJson(s), 'google_storage_bucket_iam_member'))).toEqual([expect.objectContaining({
      bucket: 'acme-release-artifacts',
      role: 'roles/storage.objectCreator',
      member: 'principalSet://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/payments-api-bundle/attribute.keyless_trust/payments-api-bundle',
      condition: {
        title: 'keyless-publish-prefix',
        description: 'Create objects under payments-api/ only',
        expression: "resource.name.startsWith('projects/_/buckets/acme-release-artifacts/objects/payments-api/')",
      },
    })]);
  });

  test('snapshot', () => {
    const s = tfStack();
    new gcp.ScopedPublisherRole(s, 'Image', {
      ...common,
      name: 'payments-api-image',
      source: GitLabCi.project({ projectPath: 'acme/payments/api', branches: ['main'] }),
      target: gcp.GcpPublishTarget.artifactRegistryRepository({ project: 'acme-payments-prod', location: 'europe', repository: 'payments' }),
    });
    expect(tfJson(s)).toMatchSnapshot();
  });
});

describe('azure ScopedPublisherRole', () => {
  const common = { ownership: OWNERSHIP, resourceGroupName: 'rg-identity', location: 'westeurope', source: release };

  test('ACR: AcrPush on the registry', () => {
    const s = tfStack();
    new azure.ScopedPublisherRole(s, 'Image', {
      ...common,
      name: 'payments-api-image',
      target: azure.AzurePublishTarget.containerRegistry({ registryId: `${SUB}/Microsoft.ContainerRegistry/registries/acmepayments` }),
    });
    expect(Object.values(tfResources(tfJson(s), 'azurerm_role_assignment'))).toEqual([expect.objectContaining({
      role_definition_name: 'AcrPush', scope: `${SUB}/Microsoft.ContainerRegistry/registries/acmepayments`,
    })]);
  });

  test('blob container: Storage Blob Data Contributor on the container, with a path condition', () => {
    const s = tfStack();
    new azure.ScopedPublisherRole(s, 'Bundle', {
      ...common,
      name: 'payments-api-bundle',
      target: azure.AzurePublishTarget.blobContainer({ storageAccountId: `${SUB}/Microsoft.Storage/storageAccounts/acmeartifacts`, container: 'releases', prefix: 'payments-api' }),
    });
    const [assignment] = Object.values(tfResources(tfJson(s), 'azurerm_role_assignment')) as any[];
    expect(assignment.role_definition_name).toBe('Storage Blob Data Contributor');
    expect(assignment.scope).toBe(`${SUB}/Microsoft.Storage/storageAccounts/acmeartifacts/blobServices/default/containers/releases`);
    expect(assignment.condition_version).toBe('2.0');
    expect(assignment.condition).toBe("((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'}) AND "
      + "!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'}) AND "
      + "!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action'}) AND "
      + "!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'}) AND "
      + "!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})) OR "
      + "(@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith 'payments-api/'))");
  });

  test('snapshot', () => {
    const s = tfStack();
    new azure.ScopedPublisherRole(s, 'Image', {
      ...common,
      name: 'payments-api-image',
      target: azure.AzurePublishTarget.containerRegistry({ registryId: `${SUB}/Microsoft.ContainerRegistry/registries/acmepayments` }),
    });
    expect(tfJson(s)).toMatchSnapshot();
  });
});
