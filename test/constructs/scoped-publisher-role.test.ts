import { Template } from 'aws-cdk-lib/assertions';
import * as cdk from 'aws-cdk-lib/core';
import { GitHubActions, GitLabCi } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { DETECTION_ROUTES, OWNERSHIP, tfJson, tfResources, tfStack, TODAY } from '../helpers/synth';

// Tier 1 publishers: the repository is pinned by its ids; it emits name-based subjects.
const IDS = { ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based' } as const;
const releaseTags = GitHubActions.repository({ owner: 'acme', repository: 'payments-api', ...IDS, tagPatterns: ['v*'] });
/** Jobs in the `release` environment on main (GCP checks the `ref` claim). */
const release = GitHubActions.repository({ owner: 'acme', repository: 'payments-api', ...IDS, environments: ['release'], branches: ['main'] });
/** For Azure, which checks only the subject: jobs in the `release` environment (its deployment branches restricted in the repository settings). */
const releaseEnvironment = GitHubActions.repository({ owner: 'acme', repository: 'payments-api', ...IDS, environments: ['release'] });
const SUB = '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-artifacts/providers';

function stack(): cdk.Stack {
  const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
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
  const common = { ownership: OWNERSHIP, resourceGroupName: 'rg-identity', location: 'westeurope', source: releaseEnvironment };

  test('ACR: AcrPush on the registry', () => {
    const s = tfStack();
    const publisher = new azure.ScopedPublisherRole(s, 'Image', {
      ...common,
      name: 'payments-api-image',
      target: azure.AzurePublishTarget.containerRegistry({ registryId: `${SUB}/Microsoft.ContainerRegistry/registries/acmepayments` }),
    });
    expect(Object.values(tfResources(tfJson(s), 'azurerm_role_assignment'))).toEqual([expect.objectContaining({
      role_definition_name: 'AcrPush', scope: `${SUB}/Microsoft.ContainerRegistry/registries/acmepayments`,
    })]);
    expect(tfResources(tfJson(s), 'azurerm_role_definition')).toEqual({});
    expect(publisher.roleDefinition).toBeUndefined();
    expect(publisher.grant).toEqual({ roleDefinitionName: 'AcrPush', scope: `${SUB}/Microsoft.ContainerRegistry/registries/acmepayments` });
  });

  const ACCOUNT = `${SUB}/Microsoft.Storage/storageAccounts/acmeartifacts`;
  const CONTAINER = `${ACCOUNT}/blobServices/default/containers/releases`;
  const ADD = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action';
  const WRITE = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write';

  function blobPublisher(target: azure.BlobContainerTarget, name = 'payments-api-bundle') {
    const s = tfStack();
    const publisher = new azure.ScopedPublisherRole(s, 'Bundle', { ...common, name, target: azure.AzurePublishTarget.blobContainer(target) });
    const json = tfJson(s);
    return { publisher, json, definitions: tfResources(json, 'azurerm_role_definition'), assignments: tfResources(json, 'azurerm_role_assignment') };
  }

  test('blob container with a prefix: a custom role with the blob write and add data actions only, assigned on the container with a path condition', () => {
    const { publisher, definitions, assignments } = blobPublisher({ storageAccountId: ACCOUNT, container: 'releases', prefix: 'payments-api' });
    const [[definitionId, definition]] = Object.entries(definitions) as [string, any][];
    expect(definition).toEqual({
      name: expect.stringMatching(/^keyless-blob-publisher-acmeartifacts-releases-[0-9a-f]{16}$/),
      description: 'Keyless blob publisher: create and write blobs under payments-api/ in container releases of storage account acmeartifacts '
        + '(ABAC condition on the assignment); no other data action, no control-plane action.',
      scope: CONTAINER,
      assignable_scopes: [CONTAINER],
      permissions: [{ data_actions: [ADD, WRITE] }],
    });
    const [assignment] = Object.values(assignments) as any[];
    expect(Object.keys(assignments)).toHaveLength(1);
    expect(assignment.role_definition_name).toBeUndefined();
    expect(assignment.role_definition_id).toBe(`\${azurerm_role_definition.${definitionId}.role_definition_resource_id}`);
    expect(assignment.scope).toBe(CONTAINER);
    expect(assignment.condition_version).toBe('2.0');
    expect(assignment.condition).toBe(`((!(ActionMatches{'${ADD}'}) AND !(ActionMatches{'${WRITE}'})) `
      + "OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith 'payments-api/'))");
    expect(publisher.grant).toEqual({
      scope: CONTAINER,
      customRole: { name: definition.name, description: definition.description, assignableScope: CONTAINER, dataActions: [ADD, WRITE] },
      condition: assignment.condition,
    });
    expect(publisher.roleDefinition).toBeDefined();
  });

  test('blob container without a prefix: the same custom role, no condition', () => {
    const { definitions, assignments } = blobPublisher({ storageAccountId: ACCOUNT, container: 'releases' });
    const [definition] = Object.values(definitions) as any[];
    expect(definition.permissions).toEqual([{ data_actions: [ADD, WRITE] }]);
    expect(definition.assignable_scopes).toEqual([CONTAINER]);
    expect(definition.description).toBe('Keyless blob publisher: create and write blobs anywhere in container releases of storage account acmeartifacts; '
      + 'no other data action, no control-plane action.');
    const [assignment] = Object.values(assignments) as any[];
    expect(assignment.condition).toBeUndefined();
    expect(assignment.condition_version).toBeUndefined();
    expect(assignment.scope).toBe(CONTAINER);
  });

  test('blob container: no role with control-plane actions, and never a built-in role', () => {
    for (const prefix of ['payments-api', undefined]) {
      const { definitions, assignments } = blobPublisher({ storageAccountId: ACCOUNT, container: 'releases', prefix });
      for (const definition of Object.values(definitions) as any[]) {
        for (const permissions of definition.permissions) {
          expect(permissions.actions ?? []).toEqual([]);
          expect(permissions.not_actions ?? []).toEqual([]);
          expect(permissions.data_actions.some((a: string) => a.includes('*'))).toBe(false);
        }
      }
      for (const assignment of Object.values(assignments) as any[]) expect(assignment.role_definition_name).toBeUndefined();
    }
  });

  test('blob container: role names are deterministic and differ by container, prefix and publisher (unique per tenant)', () => {
    const name = (target: azure.BlobContainerTarget, publisher = 'payments-api-bundle') =>
      (Object.values(blobPublisher(target, publisher).definitions)[0] as any).name;
    const base = name({ storageAccountId: ACCOUNT, container: 'releases', prefix: 'payments-api' });
    expect(name({ storageAccountId: ACCOUNT, container: 'releases', prefix: 'payments-api/' })).toBe(base);
    const others = [
      name({ storageAccountId: ACCOUNT, container: 'releases', prefix: 'ledger' }),
      name({ storageAccountId: ACCOUNT, container: 'releases' }),
      name({ storageAccountId: ACCOUNT, container: 'nightly', prefix: 'payments-api' }),
      name({ storageAccountId: `${SUB}/Microsoft.Storage/storageAccounts/acmeother`, container: 'releases', prefix: 'payments-api' }),
      name({ storageAccountId: ACCOUNT, container: 'releases', prefix: 'payments-api' }, 'ledger-bundle'),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });

  test('blob container: a Terraform template in the prefix reaches Terraform as a literal', () => {
    const { definitions, assignments } = blobPublisher({ storageAccountId: ACCOUNT, container: 'releases', prefix: 'payments-${var.x}' });
    expect((Object.values(assignments)[0] as any).condition).toContain("StringStartsWith 'payments-$${var.x}/'");
    expect((Object.values(definitions)[0] as any).description).toContain('under payments-$${var.x}/ in');
  });

  test.each([
    ['missing', undefined, 'KL-PROP-MISSING', 'is undefined'],
    ['null', null, 'KL-PROP-MISSING', 'is null'],
    ['a plain object', { _grant: () => ({ roleDefinitionName: 'Owner', scope: '/' }) }, 'KL-PROP-TYPE', 'is an object'],
    ['a GCP target', gcp.GcpPublishTarget.storagePrefix({ bucket: 'acme-artifacts', prefix: 'api' }), 'KL-PROP-TYPE', 'is a GcpPublishTarget object'],
    ['a string', 'releases', 'KL-PROP-TYPE', 'is "releases"'],
  ])('target %s: a Keyless error, not a TypeError', (_name, target, code, problem) => {
    const s = tfStack();
    expect(() => new azure.ScopedPublisherRole(s, 'Bundle', { ...common, name: 'payments-api-bundle', target: target as never })).toThrow(
      `[${code}] platform/Bundle: \`target\` ${problem}: expected an Azure publish target (\`azure.AzurePublishTarget\`). `
      + 'Fix: give `azure.AzurePublishTarget.containerRegistry({ registryId })` or `azure.AzurePublishTarget.blobContainer({ storageAccountId, container, prefix })`.');
  });

  test('blobContainer and containerRegistry called without their target object: a Keyless error', () => {
    const s = tfStack();
    expect(() => new azure.ScopedPublisherRole(s, 'Bundle', { ...common, name: 'payments-api-bundle', target: azure.AzurePublishTarget.blobContainer(undefined as never) }))
      .toThrow(/^\[KL-PUB-STORAGE-ID\] platform\/Bundle: `target.storageAccountId` is undefined/);
    expect(() => new azure.ScopedPublisherRole(s, 'Image', { ...common, name: 'payments-api-image', target: azure.AzurePublishTarget.containerRegistry(undefined as never) }))
      .toThrow(/^\[KL-PUB-ACR-ID\] platform\/Image: `target.registryId` is undefined/);
  });

  test('props missing: a Keyless error', () => {
    const s = tfStack();
    expect(() => new azure.ScopedPublisherRole(s, 'Bundle', undefined as never)).toThrow(/^\[KL-PROP-TYPE\] platform\/Bundle: `props` is undefined: expected an object of props/);
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
