/**
 * Adversarial suite for ScopedPublisherRole: the synthesized permissions are evaluated by independent engines
 * (test/helpers/aws-permission-evaluator.ts for the AWS identity policies, @bufbuild/cel for the GCP IAM condition)
 * and must admit the minimal publish action set on the one target (shared/REFERENCE.md, "AWS": "ECR push to one
 * repository", "S3 publish to a prefix", "CodeArtifact publish"; "GCP") and nothing next to it. The publisher's
 * trust is attacked with forged CI tokens (test/helpers/tokens.ts) through test/helpers/aws-trust-evaluator.ts.
 * The Azure blob publisher's role definition and ABAC condition are evaluated by test/helpers/azure-abac.ts.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib/core';
import { awsTrustKeyAudit } from './aws-trust-keys';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { GitHubActions, ICiSource } from '../../src/core';
import { AZURE_BUILT_IN_ROLES } from '../../src/core/facts/azure-roles';
import { evaluatePermission, permissionAllowed, PermissionRequest } from '../helpers/aws-permission-evaluator';
import { assumeRoleWithWebIdentityAllowed } from '../helpers/aws-trust-evaluator';
import { AzureAssignment, azureAllowed, azureAssignments, AzureRequest, BLOB_PATH, conditionAllows } from '../helpers/azure-abac';
import { evaluateCel } from '../helpers/gcp-token-exchange';
import { DETECTION_ROUTES, OWNERSHIP, TODAY, tfJson, tfResources, tfStack } from '../helpers/synth';
import { Claims, githubToken, GitHubRun, PAYMENTS as PAYMENTS_IDS } from '../helpers/tokens';

const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '210987654321';
const OPTIONS = { account: ACCOUNT } as const;
/** The repository with its ids, emitting the name-based subject (the tokens below are name-based). */
const PAYMENTS = { ...PAYMENTS_IDS, subjectFormat: 'name-based' } as const;
const audit = awsTrustKeyAudit();

/** Synthesizes one AWS ScopedPublisherRole in an account-bound stack and returns the CloudFormation template. */
function synthAws(name: string, target: aws.AwsPublishTarget, source: ICiSource = GitHubActions.repository({ ...PAYMENTS, tagPatterns: ['v*'] })): object {
  const app = new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  const stack = new Stack(app, 'Publish', { env: { account: ACCOUNT, region: 'eu-west-1' }, analyticsReporting: false });
  new aws.ScopedPublisherRole(stack, 'Publisher', { name, ownership: OWNERSHIP, source, target });
  return audit.record(Template.fromStack(stack).toJSON());
}

const req = (action: string, resource: string, context?: Record<string, string>): PermissionRequest => ({ action, resource, context });

describe('AWS ECR publisher: push to one repository, nothing else', () => {
  const ROLE = 'payments-api-image';
  const REPO = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/payments/api`;
  const template = synthAws(ROLE, aws.AwsPublishTarget.ecrRepository({ repositoryArn: REPO }));
  const allowed = (request: PermissionRequest) => permissionAllowed(template, ROLE, request, OPTIONS);

  test('sanity: the evaluator decides both ways for the same policy (repository vs. prefix-colliding repository)', async () => {
    await expect(allowed(req('ecr:PutImage', REPO))).resolves.toBe(true);
    await expect(allowed(req('ecr:PutImage', `${REPO}-evil`))).resolves.toBe(false);
  });

  test('sanity: a malformed request throws instead of reading as "denied"', async () => {
    await expect(allowed(req('ecr:PutImages', REPO))).rejects.toThrow(/does not exist/);
    await expect(allowed(req('ecr:PutImage', '*'))).rejects.toThrow(/takes a resource ARN/);
    await expect(allowed(req('ecr:PutImage', 'arn:aws:s3:::acme-release-artifacts/x'))).rejects.toThrow(/not a resource/);
    await expect(permissionAllowed(template, 'no-such-role', req('ecr:PutImage', REPO), OPTIONS)).rejects.toThrow(/no AWS::IAM::Role/);
  });

  test.each([
    'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart',
  ])('allowed: %s on the repository', async (action) => {
    await expect(allowed(req(action, REPO))).resolves.toBe(true);
  });

  test('allowed: ecr:GetAuthorizationToken on *', async () => {
    await expect(allowed(req('ecr:GetAuthorizationToken', '*'))).resolves.toBe(true);
  });

  test.each([
    ['prefix-colliding repository payments/api-evil', `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/payments/api-evil`],
    ['parent namespace repository payments', `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/payments`],
    ['nested repository payments/api/nested', `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/payments/api/nested`],
    ['the same repository name in another region', `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/payments/api`],
  ])('denied: ecr:PutImage on %s', async (_name, resource) => {
    await expect(allowed(req('ecr:PutImage', resource))).resolves.toBe(false);
  });

  test('denied: ecr:PutImage on the same repository name in another account, by the identity policy itself', async () => {
    const decision = await evaluatePermission(template, ROLE, req('ecr:PutImage', `arn:aws:ecr:eu-west-1:${OTHER_ACCOUNT}:repository/payments/api`), OPTIONS);
    expect(decision).toEqual({ allowed: false, identityAllows: false });
  });

  test.each(['ecr:DeleteRepository', 'ecr:BatchDeleteImage', 'ecr:SetRepositoryPolicy', 'ecr:PutLifecyclePolicy'])(
    'denied: %s on the repository', async (action) => {
      await expect(allowed(req(action, REPO))).resolves.toBe(false);
    });
});

describe('AWS S3 publisher: put objects under one prefix, nothing else', () => {
  const ROLE = 'payments-api-bundle';
  const BUCKET = 'arn:aws:s3:::acme-release-artifacts';
  const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9`;
  const OTHER_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-4333-8444-555555555555`;
  const template = synthAws(ROLE, aws.AwsPublishTarget.s3Prefix({ bucketName: 'acme-release-artifacts', prefix: 'payments-api', kmsKeyArn: KEY }));
  const allowed = (request: PermissionRequest) => permissionAllowed(template, ROLE, request, OPTIONS);
  /**
   * A KMS key always has a key policy, and IAM policies grant nothing on a key unless it delegates to the account:
   * this is the default key policy, which does.
   */
  const DEFAULT_KEY_POLICY = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
  };
  const VIA_S3 = { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' };
  const kmsAllowed = (action: string, key: string, context: Record<string, string> = VIA_S3) =>
    permissionAllowed(template, ROLE, req(action, key, context), { ...OPTIONS, resourcePolicy: DEFAULT_KEY_POLICY });

  test('sanity: the evaluator decides both ways for the same policy (inside vs. outside the prefix)', async () => {
    await expect(allowed(req('s3:PutObject', `${BUCKET}/payments-api/x.tgz`))).resolves.toBe(true);
    await expect(allowed(req('s3:PutObject', `${BUCKET}/other/x.tgz`))).resolves.toBe(false);
  });

  test.each([
    ['an object directly under the prefix', `${BUCKET}/payments-api/x.tgz`],
    ['a nested object under the prefix', `${BUCKET}/payments-api/releases/1.2.3/x.tgz`],
  ])('allowed: s3:PutObject on %s', async (_name, resource) => {
    await expect(allowed(req('s3:PutObject', resource))).resolves.toBe(true);
  });

  test.each([
    ['a prefix-colliding folder (payments-api-evil/)', `${BUCKET}/payments-api-evil/x`],
    ['another folder', `${BUCKET}/other/x`],
    ['the object named like the prefix, no trailing slash', `${BUCKET}/payments-api`],
    ['the same key in another bucket', 'arn:aws:s3:::acme-other-artifacts/payments-api/x.tgz'],
    ['the same key in a prefix-colliding bucket', 'arn:aws:s3:::acme-release-artifacts-evil/payments-api/x.tgz'],
  ])('denied: s3:PutObject on %s', async (_name, resource) => {
    await expect(allowed(req('s3:PutObject', resource))).resolves.toBe(false);
  });

  test.each(['s3:GetObject', 's3:DeleteObject', 's3:PutObjectAcl'])('denied: %s on an object under the prefix', async (action) => {
    await expect(allowed(req(action, `${BUCKET}/payments-api/x.tgz`))).resolves.toBe(false);
  });

  test('denied: s3:PutBucketPolicy on the bucket', async () => {
    await expect(allowed(req('s3:PutBucketPolicy', BUCKET))).resolves.toBe(false);
  });

  test('KMS: kms:GenerateDataKey allowed on the bucket key through S3, denied on another key', async () => {
    await expect(kmsAllowed('kms:GenerateDataKey', KEY)).resolves.toBe(true);
    await expect(kmsAllowed('kms:GenerateDataKey', OTHER_KEY)).resolves.toBe(false);
  });

  test('KMS: the key is usable only through S3 in its region (kms:ViaService), never directly', async () => {
    await expect(kmsAllowed('kms:Decrypt', KEY)).resolves.toBe(true);
    await expect(kmsAllowed('kms:Decrypt', KEY, {})).resolves.toBe(false);
    await expect(kmsAllowed('kms:Decrypt', KEY, { 'kms:ViaService': 's3.us-east-1.amazonaws.com' })).resolves.toBe(false);
    await expect(kmsAllowed('kms:GenerateDataKey', KEY, { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' })).resolves.toBe(false);
  });

  test('KMS: without a key policy that delegates to IAM, the identity policy alone grants nothing on the key', async () => {
    await expect(evaluatePermission(template, ROLE, req('kms:GenerateDataKey', KEY, VIA_S3), OPTIONS))
      .resolves.toEqual({ allowed: false, identityAllows: true });
  });

  test('KMS: kms:ScheduleKeyDeletion denied on the bucket key', async () => {
    await expect(kmsAllowed('kms:ScheduleKeyDeletion', KEY)).resolves.toBe(false);
  });
});

describe('AWS CodeArtifact publisher: publish one package, nothing else', () => {
  const ROLE = 'payments-client-pkg';
  const ARN = `arn:aws:codeartifact:eu-west-1:${ACCOUNT}`;
  const PACKAGE = `${ARN}:package/acme/releases/npm/acme/payments-client`;
  const template = synthAws(ROLE, aws.AwsPublishTarget.codeArtifactPackage({
    region: 'eu-west-1', domain: 'acme', domainOwner: ACCOUNT, repository: 'releases', format: 'npm', namespace: 'acme', packageName: 'payments-client',
  }));
  const allowed = (request: PermissionRequest) => permissionAllowed(template, ROLE, request, OPTIONS);

  test('sanity: the evaluator decides both ways for the same policy (bearer token for CodeArtifact vs. another service)', async () => {
    await expect(allowed(req('sts:GetServiceBearerToken', '*', { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' }))).resolves.toBe(true);
    await expect(allowed(req('sts:GetServiceBearerToken', '*', { 'sts:AWSServiceName': 'codecatalyst.amazonaws.com' }))).resolves.toBe(false);
  });

  test.each([
    ['codeartifact:GetAuthorizationToken on the domain', req('codeartifact:GetAuthorizationToken', `${ARN}:domain/acme`)],
    ['sts:GetServiceBearerToken on * for codeartifact.amazonaws.com', req('sts:GetServiceBearerToken', '*', { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' })],
    ['codeartifact:GetRepositoryEndpoint on the repository', req('codeartifact:GetRepositoryEndpoint', `${ARN}:repository/acme/releases`)],
    ['codeartifact:PublishPackageVersion on the package', req('codeartifact:PublishPackageVersion', PACKAGE)],
    ['codeartifact:PutPackageMetadata on the package', req('codeartifact:PutPackageMetadata', PACKAGE)],
  ])('allowed: %s', async (_name, request) => {
    await expect(allowed(request)).resolves.toBe(true);
  });

  test.each([
    ['sts:GetServiceBearerToken for another service', req('sts:GetServiceBearerToken', '*', { 'sts:AWSServiceName': 'codecatalyst.amazonaws.com' })],
    ['sts:GetServiceBearerToken without sts:AWSServiceName', req('sts:GetServiceBearerToken', '*')],
    ['PublishPackageVersion on a prefix-colliding package', req('codeartifact:PublishPackageVersion', `${ARN}:package/acme/releases/npm/acme/payments-client-evil`)],
    ['PublishPackageVersion on the package name in another namespace', req('codeartifact:PublishPackageVersion', `${ARN}:package/acme/releases/npm/evil/payments-client`)],
    ['PublishPackageVersion on the package in another repository', req('codeartifact:PublishPackageVersion', `${ARN}:package/acme/other-repo/npm/acme/payments-client`)],
    ['PublishPackageVersion on the package in another format', req('codeartifact:PublishPackageVersion', `${ARN}:package/acme/releases/pypi/acme/payments-client`)],
    ['GetRepositoryEndpoint on another repository', req('codeartifact:GetRepositoryEndpoint', `${ARN}:repository/acme/other-repo`)],
    ['GetAuthorizationToken on another domain', req('codeartifact:GetAuthorizationToken', `${ARN}:domain/acme-evil`)],
    ['DeletePackageVersions on the package', req('codeartifact:DeletePackageVersions', PACKAGE)],
  ])('denied: %s', async (_name, request) => {
    await expect(allowed(request)).resolves.toBe(false);
  });
});

describe('AWS publisher trust: forged CI tokens', () => {
  const ecr = aws.AwsPublishTarget.ecrRepository({ repositoryArn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/payments/api` });
  const token = (overrides: Partial<GitHubRun>): Claims => githubToken({ ...PAYMENTS, ref: 'refs/heads/main', ...overrides });

  describe('release tags (tagPatterns v*)', () => {
    const ROLE = 'payments-api-tags';
    const template = synthAws(ROLE, ecr, GitHubActions.repository({ ...PAYMENTS, tagPatterns: ['v*'] }));
    const assume = (claims: Claims) => assumeRoleWithWebIdentityAllowed(template, ROLE, claims, OPTIONS);

    test('allowed: release tag v1.2.3', () => {
      expect(assume(token({ ref: 'refs/tags/v1.2.3' }))).toBe(true);
    });

    test.each([
      ['push to main', token({})],
      ['pull_request run', token({ event: 'pull_request', ref: 'refs/pull/7/merge' })],
      ['fork pull request', token({ owner: 'mallory', ownerId: '4242', repositoryId: '4343', event: 'pull_request', ref: 'refs/pull/7/merge' })],
      ['fork pushing a release tag', token({ owner: 'mallory', ownerId: '4242', repositoryId: '4343', ref: 'refs/tags/v1.2.3' })],
      ['release tag in another repository of the org', token({ repository: 'payments-api-evil', repositoryId: '999', ref: 'refs/tags/v1.2.3' })],
      ['branch named like a release tag (refs/heads/v1)', token({ ref: 'refs/heads/v1' })],
      ['release tag run in an environment', token({ ref: 'refs/tags/v1.2.3', environment: 'release' })],
    ])('denied: %s', (_name, claims) => {
      expect(assume(claims)).toBe(false);
    });
  });

  describe('environment release', () => {
    const ROLE = 'payments-api-env';
    const template = synthAws(ROLE, ecr, GitHubActions.repository({ ...PAYMENTS, environments: ['release'] }));
    const assume = (claims: Claims) => assumeRoleWithWebIdentityAllowed(template, ROLE, claims, OPTIONS);

    test('allowed: job in the release environment', () => {
      expect(assume(token({ environment: 'release' }))).toBe(true);
    });

    test.each([
      ['job in the staging environment', token({ environment: 'staging' })],
      ['environment-name prefix collision (release-eu)', token({ environment: 'release-eu' })],
      ['plain push to main', token({})],
      ['release environment in another repository', token({ repository: 'payments-api-evil', repositoryId: '999', environment: 'release' })],
    ])('denied: %s', (_name, claims) => {
      expect(assume(claims)).toBe(false);
    });
  });
});

describe('GCP storage publisher: the IAM condition admits objects under the prefix only', () => {
  const s = tfStack();
  new gcp.ScopedPublisherRole(s, 'Bundle', {
    ownership: OWNERSHIP,
    project: 'acme-payments-prod',
    projectNumber: '412345678901',
    name: 'payments-api-bundle',
    source: GitHubActions.repository({ ...PAYMENTS, tagPatterns: ['v*'] }),
    target: gcp.GcpPublishTarget.storagePrefix({ bucket: 'acme-release-artifacts', prefix: 'payments-api' }),
  });
  const bindings = Object.values(tfResources(tfJson(s), 'google_storage_bucket_iam_member')) as any[];
  const OBJECTS = 'projects/_/buckets/acme-release-artifacts/objects';

  /** The condition of every binding, evaluated by CEL for a request on `name`; an evaluation error is not `true`. */
  const admits = (name: string): boolean[] => bindings.map((binding) => {
    const result = evaluateCel(binding.condition.expression, { resource: new Map([['name', name]]) });
    return 'value' in result && result.value === true;
  });

  test('every binding is object creator on the bucket, under a condition', () => {
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings) {
      expect(binding).toEqual(expect.objectContaining({ bucket: 'acme-release-artifacts', role: 'roles/storage.objectCreator' }));
      expect(typeof binding.condition?.expression).toBe('string');
    }
  });

  test('sanity: the condition evaluates both ways', () => {
    expect(admits(`${OBJECTS}/payments-api/x.tgz`).every((v) => v)).toBe(true);
    expect(admits(`${OBJECTS}/other/x`).some((v) => v)).toBe(false);
  });

  test.each([
    ['an object under the prefix', `${OBJECTS}/payments-api/x.tgz`, true],
    ['a nested object under the prefix', `${OBJECTS}/payments-api/releases/1.2.3/x.tgz`, true],
    ['a prefix-colliding folder (payments-api-evil/)', `${OBJECTS}/payments-api-evil/x`, false],
    ['another folder', `${OBJECTS}/other/x`, false],
    ['the object named like the prefix, no trailing slash', `${OBJECTS}/payments-api`, false],
    ['the same object name in another bucket', 'projects/_/buckets/acme-other-artifacts/objects/payments-api/x.tgz', false],
    ['the same object name in a prefix-colliding bucket', 'projects/_/buckets/acme-release-artifacts-evil/objects/payments-api/x.tgz', false],
  ])('%s: %s', (_name, name, expected) => {
    expect(admits(name)).toEqual(bindings.map(() => expected));
  });
});

describe('Azure blob publisher: create and write blobs under one prefix of one container, nothing else', () => {
  const SUB = '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-artifacts/providers';
  const STORAGE = `${SUB}/Microsoft.Storage/storageAccounts/acmeartifacts`;
  const CONTAINER = `${STORAGE}/blobServices/default/containers/releases`;
  const BLOBS = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
  const CONTAINERS = 'Microsoft.Storage/storageAccounts/blobServices/containers';

  function synthAzure(prefix?: string): AzureAssignment[] {
    const s = tfStack();
    new azure.ScopedPublisherRole(s, 'Bundle', {
      ownership: OWNERSHIP,
      resourceGroupName: 'rg-payments-identity',
      location: 'westeurope',
      name: 'payments-api-bundle',
      source: GitHubActions.repository({ ...PAYMENTS, environments: ['release'] }),
      target: azure.AzurePublishTarget.blobContainer({ storageAccountId: STORAGE, container: 'releases', prefix }),
    });
    return azureAssignments(tfJson(s));
  }

  const blob = (operation: string, path: string, extra: Partial<AzureRequest> = {}): AzureRequest =>
    ({ operation: `${BLOBS}/${operation}`, dataAction: true, scope: CONTAINER, resource: { [BLOB_PATH]: path }, ...extra });
  const control = (operation: string, scope = CONTAINER): AzureRequest => ({ operation, dataAction: false, scope });

  describe('with the prefix payments-api', () => {
    const assignments = synthAzure('payments-api');

    test('one assignment, on the container, of a custom role with two data actions and no control-plane action', () => {
      expect(assignments).toHaveLength(1);
      const [a] = assignments;
      expect(a.scope).toBe(CONTAINER);
      expect(a.role.actions).toEqual([]);
      expect(a.role.dataActions).toEqual([`${BLOBS}/add/action`, `${BLOBS}/write`]);
      expect(a.role.name).toMatch(/^keyless-blob-publisher-/);
    });

    test('sanity: the evaluator decides both ways for the same assignment (inside vs. outside the prefix)', () => {
      expect(azureAllowed(assignments, blob('write', 'payments-api/1.2.3/app.tgz'))).toBe(true);
      expect(azureAllowed(assignments, blob('write', 'ledger/app.tgz'))).toBe(false);
    });

    test('sanity: a condition outside the evaluator\'s grammar throws instead of reading as "denied"', () => {
      expect(() => conditionAllows("(ActionMatches{'x'} AND", blob('write', 'a'))).toThrow(/unexpected end/);
      expect(() => conditionAllows("@Resource[x] StringContains 'a'", blob('write', 'a'))).toThrow(/unexpected input/);
      expect(() => conditionAllows("ActionMatches{'a'} AND ActionMatches{'b'} OR ActionMatches{'c'}", blob('write', 'a'))).toThrow(/without parentheses/);
    });

    test.each([
      ['write a blob directly under the prefix', blob('write', 'payments-api/app.tgz')],
      ['write a nested blob under the prefix', blob('write', 'payments-api/releases/1.2.3/app.tgz')],
      ['create a blob under the prefix (add/action)', blob('add/action', 'payments-api/app.tgz')],
      ['write under the prefix with blob index tags (Blob.Write.WithTagHeaders)', blob('write', 'payments-api/app.tgz', { subOperation: 'Blob.Write.WithTagHeaders' })],
      ['create under the prefix with blob index tags', blob('add/action', 'payments-api/app.tgz', { subOperation: 'Blob.Write.WithTagHeaders' })],
    ])('allowed: %s', (_name, request) => {
      expect(azureAllowed(assignments, request)).toBe(true);
    });

    test.each([
      ['write another team\'s folder', blob('write', 'ledger/app.tgz')],
      ['create in another team\'s folder', blob('add/action', 'ledger/app.tgz')],
      ['write a prefix-colliding folder (payments-api-evil/)', blob('write', 'payments-api-evil/app.tgz')],
      ['write the blob named like the prefix, no trailing slash', blob('write', 'payments-api')],
      ['write the prefix in another case (blob names are case-sensitive)', blob('write', 'Payments-api/app.tgz')],
      ['write at the container root', blob('write', 'app.tgz')],
      ['set the access tier outside the prefix (Blob.Write.Tier)', blob('write', 'ledger/app.tgz', { subOperation: 'Blob.Write.Tier' })],
      ['write with blob index tags outside the prefix', blob('write', 'ledger/app.tgz', { subOperation: 'Blob.Write.WithTagHeaders' })],
      ['write without a path attribute (the condition cannot be evaluated)', { operation: `${BLOBS}/write`, dataAction: true, scope: CONTAINER }],
      ['write under the prefix in another container', blob('write', 'payments-api/app.tgz', { scope: `${STORAGE}/blobServices/default/containers/nightly` })],
      ['write under the prefix in another storage account', blob('write', 'payments-api/app.tgz', { scope: `${SUB}/Microsoft.Storage/storageAccounts/acmeother/blobServices/default/containers/releases` })],
    ])('denied: %s', (_name, request) => {
      expect(azureAllowed(assignments, request as AzureRequest)).toBe(false);
    });

    test.each(['read', 'delete', 'move/action', 'tags/write', 'deleteBlobVersion/action', 'permanentDelete/action', 'immutableStorage/runAsSuperUser/action', 'runAsSuperUser/action'])(
      'denied: blob data action %s, even under the prefix (the role does not have it)', (operation) => {
        expect(azureAllowed(assignments, blob(operation, 'payments-api/app.tgz'))).toBe(false);
      });

    test.each([
      ['delete the container', `${CONTAINERS}/delete`],
      ['reconfigure the container (metadata, public access, immutability)', `${CONTAINERS}/write`],
      ['read the container', `${CONTAINERS}/read`],
      ['generate a user delegation key (to sign SAS tokens)', 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'],
      ['list the storage account keys', 'Microsoft.Storage/storageAccounts/listKeys/action'],
      ['assign roles on the container', 'Microsoft.Authorization/roleAssignments/write'],
    ])('no permission at all: %s', (_name, operation) => {
      expect(azureAllowed(assignments, control(operation))).toBe(false);
    });

    test('why not Storage Blob Data Contributor: with the same condition it still deletes and rewrites the container', () => {
      const contributor: AzureAssignment = {
        scope: CONTAINER,
        role: { name: 'Storage Blob Data Contributor', ...AZURE_BUILT_IN_ROLES['Storage Blob Data Contributor'] },
        condition: assignments[0].condition,
      };
      expect(azureAllowed([contributor], blob('write', 'ledger/app.tgz'))).toBe(false);
      expect(azureAllowed([contributor], control(`${CONTAINERS}/delete`))).toBe(true);
      expect(azureAllowed([contributor], control(`${CONTAINERS}/write`))).toBe(true);
    });
  });

  describe('without a prefix (the whole container)', () => {
    const assignments = synthAzure(undefined);

    test('no condition: blobs are written anywhere in the container', () => {
      expect(assignments.map((a) => a.condition)).toEqual([undefined]);
      expect(azureAllowed(assignments, blob('write', 'any/where.tgz'))).toBe(true);
      expect(azureAllowed(assignments, blob('add/action', 'root.tgz'))).toBe(true);
    });

    test.each([
      ['read a blob', blob('read', 'any/where.tgz')],
      ['delete a blob', blob('delete', 'any/where.tgz')],
      ['write in another container', blob('write', 'x.tgz', { scope: `${STORAGE}/blobServices/default/containers/nightly` })],
      ['delete the container', control(`${CONTAINERS}/delete`)],
      ['reconfigure the container', control(`${CONTAINERS}/write`)],
    ])('denied: %s', (_name, request) => {
      expect(azureAllowed(assignments, request)).toBe(false);
    });
  });
});

audit.defineTest();
