import { createHash } from 'crypto';
import { CiTrustPolicy } from './ci/policy';
import { fail, quote, ReferenceFramework, ValidationContext } from './errors';
import { BLOB_ADD_DATA_ACTION, BLOB_WRITE_DATA_ACTION } from './facts/azure-roles';
import { iamLiteral, isAcceptedReference, requireLiterals } from './literal';
import { checkObjectPrefix, gcpConditionDescription } from './object-prefix';

/**
 * Least-privilege publish permissions, decided once per target: the exact actions or roles and their scope
 * (the ECR, S3 and CodeArtifact actions in the IAM Service Authorization Reference).
 */

/** One IAM statement Keyless grants a publisher. */
export interface AwsPublishStatement {
  /** Statement id (stable, for review). */
  readonly sid: string;
  /** Exact actions, sorted. Never a wildcard. */
  readonly actions: readonly string[];
  /** Exact resources. `*` only for actions that accept nothing else. */
  readonly resources: readonly string[];
  /** Conditions, if any. */
  readonly conditions?: Record<string, Record<string, string>>;
}


const PARTITION = /^aws(-cn|-us-gov)?$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const ACCOUNT = /^\d{12}$/;

function checkPattern(
  value: unknown, pattern: RegExp, ctx: ValidationContext, prop: string, code: string, what: string, example: string,
  options: { reference?: ReferenceFramework } = {},
): string {
  // The resource being granted on may be named by a reference to it in the app (never a deploy-time input).
  if (options.reference && isAcceptedReference(value, ctx, options.reference)) return value;
  requireLiterals(value, ctx, prop, 'where the identity may publish');
  if (typeof value !== 'string' || /[*?]/.test(value) || !pattern.test(value)) {
    fail({
      code,
      path: ctx.path,
      prop,
      problem: `is ${quote(value)}: ${what}${typeof value === 'string' && /[*?]/.test(value) ? ', with no wildcards' : ''}`,
      fix: `give the exact value, e.g. "${example}"`,
    });
  }
  return value;
}

/** An ECR repository ARN, exactly. */
export interface EcrRepositoryTarget {
  /**
   * `arn:aws:ecr:REGION:ACCOUNT:repository/NAME`, or a reference to a repository of the app (`repo.repositoryArn`);
   * never a parameter or import, which could be `*` at deploy time.
   */
  readonly repositoryArn: string;
}

/** ECR push to one repository: the push action set on the repository, plus the registry token on `*`. */
export function ecrPushStatements(target: EcrRepositoryTarget, ctx: ValidationContext, prop = 'target.repositoryArn'): AwsPublishStatement[] {
  const arn = checkPattern(target.repositoryArn, /^arn:aws(-cn|-us-gov)?:ecr:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:repository\/[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
    ctx, prop, 'KL-PUB-ECR-ARN', 'an ECR repository ARN is arn:aws:ecr:REGION:ACCOUNT:repository/NAME', 'arn:aws:ecr:eu-west-1:123456789012:repository/payments-api', { reference: 'aws-cdk-lib' });
  return [
    { sid: 'PushToRepository', actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'], resources: [arn] },
    // ecr:GetAuthorizationToken accepts only Resource "*"; the token alone grants nothing beyond the policy above.
    { sid: 'RegistryLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
  ];
}

/** An S3 prefix to publish objects under. */
export interface S3PrefixTarget {
  /**
   * Bucket name: a literal, or a reference to a bucket of the app (`bucket.bucketName`); never a parameter or import.
   */
  readonly bucketName: string;
  /** Key prefix, e.g. `payments-api/releases` (no wildcards; objects go under `PREFIX/`). Always a literal. */
  readonly prefix: string;
  /** KMS key ARN, when the bucket uses SSE-KMS. @default - no KMS permissions */
  readonly kmsKeyArn?: string;
  /** @default 'aws' */
  readonly partition?: string;
}

/** S3 publish to a prefix: `s3:PutObject` on `PREFIX/*` (no ACL actions), plus the KMS data key actions. */
export function s3PublishStatements(target: S3PrefixTarget, ctx: ValidationContext, prop = 'target'): AwsPublishStatement[] {
  const partition = checkPattern(target.partition ?? 'aws', PARTITION, ctx, `${prop}.partition`, 'KL-PUB-PARTITION', 'a partition is aws, aws-cn or aws-us-gov', 'aws');
  // S3 bucket naming rules: 3–63 characters, lowercase letters, digits, `.` and `-`, starting and ending alphanumeric.
  const bucket = checkPattern(target.bucketName, /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, ctx, `${prop}.bucketName`, 'KL-PUB-S3-BUCKET',
    'a bucket name is 3–63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit', 'acme-artifacts', { reference: 'aws-cdk-lib' });
  const folder = checkObjectPrefix(target.prefix, ctx, `${prop}.prefix`, {
    code: 'KL-PUB-S3-PREFIX',
    what: 'a publish prefix',
    fix: 'give the folder the artifact is published to, e.g. "payments-api/releases"',
  });
  const statements: AwsPublishStatement[] = [
    // The prefix is an IAM literal: a `${` in it would be read as a policy variable.
    { sid: 'PutUnderPrefix', actions: ['s3:PutObject'], resources: [`arn:${partition}:s3:::${bucket}/${iamLiteral(folder, ctx, `${prop}.prefix`)}*`] },
  ];
  if (target.kmsKeyArn !== undefined) {
    const key = checkPattern(target.kmsKeyArn, /^arn:aws(-cn|-us-gov)?:kms:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:key\/[0-9a-f-]{36}$/, ctx, `${prop}.kmsKeyArn`, 'KL-PUB-KMS-ARN',
      'a KMS key ARN is arn:aws:kms:REGION:ACCOUNT:key/KEY_ID (a key, not an alias)', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    // GenerateDataKey to write SSE-KMS objects; Decrypt for multipart uploads (S3 decrypts the parts to assemble them).
    // kms:ViaService keeps both usable only through S3 in the key's region, not on ciphertext obtained elsewhere.
    const keyRegion = key.split(':')[3];
    statements.push({
      sid: 'EncryptWithBucketKey',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [key],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${keyRegion}.amazonaws.com` } },
    });
  }
  return statements;
}

/** CodeArtifact package formats. */
export type CodeArtifactFormat = 'cargo' | 'generic' | 'maven' | 'npm' | 'nuget' | 'pypi' | 'ruby' | 'swift';
const FORMATS: readonly string[] = ['cargo', 'generic', 'maven', 'npm', 'nuget', 'pypi', 'ruby', 'swift'];

/** A CodeArtifact package. */
export interface CodeArtifactPackageTarget {
  /** Region of the domain. */
  readonly region: string;
  /** Domain name. */
  readonly domain: string;
  /** Account that owns the domain. */
  readonly domainOwner: string;
  /** Repository name. */
  readonly repository: string;
  /** Package format. */
  readonly format: CodeArtifactFormat;
  /** Namespace (npm scope without `@`, Maven group id); empty for none. @default '' */
  readonly namespace?: string;
  /** Package name, exactly. */
  readonly packageName: string;
  /** @default 'aws' */
  readonly partition?: string;
}

/** CodeArtifact publish of one package. */
export function codeArtifactPublishStatements(target: CodeArtifactPackageTarget, ctx: ValidationContext, prop = 'target'): AwsPublishStatement[] {
  const partition = checkPattern(target.partition ?? 'aws', PARTITION, ctx, `${prop}.partition`, 'KL-PUB-PARTITION', 'a partition is aws, aws-cn or aws-us-gov', 'aws');
  const region = checkPattern(target.region, REGION, ctx, `${prop}.region`, 'KL-PUB-REGION', 'a region is written like eu-west-1', 'eu-west-1');
  const owner = checkPattern(target.domainOwner, ACCOUNT, ctx, `${prop}.domainOwner`, 'KL-PUB-ACCOUNT', 'an account id is 12 digits', '123456789012');
  const domain = checkPattern(target.domain, /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/, ctx, `${prop}.domain`, 'KL-PUB-CA-DOMAIN', 'a domain name is 2–50 lowercase letters, digits and `-`', 'acme');
  const repository = checkPattern(target.repository, /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/, ctx, `${prop}.repository`, 'KL-PUB-CA-REPOSITORY', 'a repository name is 2–100 letters, digits, `.`, `_` and `-`', 'releases');
  if (!FORMATS.includes(target.format)) {
    fail({ code: 'KL-PUB-CA-FORMAT', path: ctx.path, prop: `${prop}.format`, problem: `is ${quote(target.format)}: expected one of ${FORMATS.join(', ')}`, fix: 'give the package format' });
  }
  const namespace = target.namespace ?? '';
  if (namespace !== '') checkPattern(namespace, /^[A-Za-z0-9][A-Za-z0-9._~-]{0,254}$/, ctx, `${prop}.namespace`, 'KL-PUB-CA-NAMESPACE', 'a namespace is letters, digits and `. _ ~ -` (npm scope without `@`)', 'acme');
  const packageName = checkPattern(target.packageName, /^[A-Za-z0-9][A-Za-z0-9._~-]{0,254}$/, ctx, `${prop}.packageName`, 'KL-PUB-CA-PACKAGE', 'a package name is letters, digits and `. _ ~ -`', 'payments-client');
  const arn = (resource: string) => `arn:${partition}:codeartifact:${region}:${owner}:${resource}`;
  return [
    { sid: 'DomainToken', actions: ['codeartifact:GetAuthorizationToken'], resources: [arn(`domain/${domain}`)] },
    {
      sid: 'BearerTokenForCodeArtifact',
      actions: ['sts:GetServiceBearerToken'],
      resources: ['*'],
      conditions: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
    },
    { sid: 'RepositoryEndpoint', actions: ['codeartifact:GetRepositoryEndpoint'], resources: [arn(`repository/${domain}/${repository}`)] },
    {
      sid: 'PublishPackage',
      actions: ['codeartifact:PublishPackageVersion', 'codeartifact:PutPackageMetadata'],
      resources: [arn(`package/${domain}/${repository}/${target.format}/${namespace}/${packageName}`)],
    },
  ];
}

/** A GCP role granted on one resource, optionally with an IAM condition. */
export interface GcpPublishGrant {
  /** The role. */
  readonly role: string;
  /** IAM condition, if the grant is narrowed further. */
  readonly condition?: { readonly title: string; readonly description: string; readonly expression: string };
}

/** Artifact Registry: writer on one repository. */
export function artifactRegistryWriterGrant(): GcpPublishGrant {
  return { role: 'roles/artifactregistry.writer' };
}

/**
 * Cloud Storage: object creator on the bucket, with an IAM condition on the object-name prefix. IAM conditions on
 * buckets require uniform bucket-level access.
 */
export function storagePrefixGrant(bucket: string, prefix: string, ctx: ValidationContext, prop = 'target'): GcpPublishGrant {
  // Bucket names: 3–63 characters (up to 222 with dots), lowercase letters, digits, `-`, `_`, `.`.
  checkPattern(bucket, /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, ctx, `${prop}.bucket`, 'KL-PUB-GCS-BUCKET', 'a bucket name is 3–63 lowercase letters, digits, `-`, `_` and `.`', 'acme-artifacts',
    { reference: 'cdktf' });
  const folder = checkObjectPrefix(prefix, ctx, `${prop}.prefix`, {
    code: 'KL-PUB-GCS-PREFIX',
    what: 'a publish prefix',
    fix: 'give the folder the artifact is published to, e.g. "payments-api/releases"',
  });
  return {
    role: 'roles/storage.objectCreator',
    condition: {
      title: 'keyless-publish-prefix',
      description: gcpConditionDescription(`Create objects under ${folder} only`, 'Create objects under the declared prefix only'),
      expression: `resource.name.startsWith('projects/_/buckets/${bucket}/objects/${folder}')`,
    },
  };
}

/**
 * A custom Azure role definition Keyless creates for one grant, exactly as rendered (`azurerm_role_definition`):
 * data actions only, no control-plane `actions`, assignable at one scope.
 */
export interface AzureCustomRoleSpec {
  /**
   * Role name. Role definition names are unique per Microsoft Entra tenant, so the name is derived from the scope,
   * the prefix and the publisher it is for: `keyless-blob-publisher-ACCOUNT-CONTAINER-HASH`.
   */
  readonly name: string;
  /** Role description: what the role grants and where. */
  readonly description: string;
  /** The one scope the role is created at and assignable at (the container). */
  readonly assignableScope: string;
  /** Data-plane actions, exactly (sorted). The role has no control-plane `actions`. */
  readonly dataActions: readonly string[];
}

/**
 * An Azure role assignment a publisher gets: a built-in role (`roleDefinitionName`) or a custom role Keyless
 * defines (`customRole`), exactly one of them, at `scope`.
 */
export interface AzurePublishGrant {
  /** Built-in role name (a container registry: `AcrPush`). @default - none: the grant uses `customRole` */
  readonly roleDefinitionName?: string;
  /** Custom role Keyless defines and assigns (a blob container). @default - none: the grant uses `roleDefinitionName` */
  readonly customRole?: AzureCustomRoleSpec;
  /** Scope of the role assignment. */
  readonly scope: string;
  /** ABAC condition (version 2.0) on the role assignment. @default - none */
  readonly condition?: string;
}

const AZURE_RESOURCE_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/*?]+\/providers\//i;

/** Azure Container Registry: AcrPush on the registry. */
export function containerRegistryPushGrant(registryId: string, ctx: ValidationContext, prop = 'target.registryId'): AzurePublishGrant {
  checkPattern(registryId, new RegExp(`${AZURE_RESOURCE_ID.source}Microsoft\\.ContainerRegistry/registries/[A-Za-z0-9]{5,50}$`, 'i'), ctx, prop, 'KL-PUB-ACR-ID',
    'a registry id is /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ContainerRegistry/registries/NAME', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acme');
  return { roleDefinitionName: 'AcrPush', scope: registryId };
}

/** The data actions of the blob publisher role: create and write blobs, nothing else (sorted). */
export const BLOB_PUBLISHER_DATA_ACTIONS: readonly string[] = [BLOB_ADD_DATA_ACTION, BLOB_WRITE_DATA_ACTION];

/**
 * The ABAC condition that limits the blob publisher role's data actions to blob paths under `folder` (`PREFIX/`).
 * Every write and add operation, whatever its sub-operation (`Blob.Write.Tier`, `Blob.Write.WithTagHeaders`), has
 * the blob path attribute, so the actions are matched without sub-operations; `StringStartsWith` is case-sensitive,
 * like blob names.
 */
export function blobPublisherCondition(folder: string): string {
  const actions = BLOB_PUBLISHER_DATA_ACTIONS.map((action) => `!(ActionMatches{'${action}'})`);
  return `((${actions.join(' AND ')}) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith '${folder}'))`;
}

/**
 * Blob container: a custom role with the blob write and add data actions only (no control-plane actions, so no
 * container delete, write or read), assignable at and assigned on the container; with a prefix, an ABAC condition
 * on the assignment limits both data actions to blob paths under it.
 *
 * Never Storage Blob Data Contributor: its control-plane actions (`…/containers/delete`, `…/containers/write`)
 * are not narrowed by any ABAC condition, so a prefix-scoped publisher could delete or reconfigure the container.
 *
 * @param publisher who the role is for (e.g. the identity's `RESOURCE_GROUP/NAME`), part of the role name's hash so
 * that two publishers of the same container and prefix get two roles, not one name twice in the tenant
 */
export function blobContainerGrant(storageAccountId: string, container: string, prefix: string | undefined, ctx: ValidationContext, prop = 'target', publisher = ''): AzurePublishGrant {
  checkPattern(storageAccountId, new RegExp(`${AZURE_RESOURCE_ID.source}Microsoft\\.Storage/storageAccounts/[a-z0-9]{3,24}$`, 'i'), ctx, `${prop}.storageAccountId`, 'KL-PUB-STORAGE-ID',
    'a storage account id is /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/NAME', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acmeartifacts');
  checkPattern(container, /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, ctx, `${prop}.container`, 'KL-PUB-BLOB-CONTAINER', 'a container name is 3–63 lowercase letters, digits and single `-`', 'releases');
  const scope = `${storageAccountId}/blobServices/default/containers/${container}`;
  const account = storageAccountId.slice(storageAccountId.lastIndexOf('/') + 1).toLowerCase();
  const customRole = (folder: string | undefined): AzureCustomRoleSpec => {
    // Resource ids and identity names are case-insensitive in Azure; blob paths are not.
    const hash = createHash('sha256').update(`${scope.toLowerCase()}\n${folder ?? ''}\n${publisher.toLowerCase()}`).digest('hex').slice(0, 16);
    const where = folder === undefined ? 'anywhere in' : folder.length <= 200 ? `under ${folder} in` : 'under the assignment\'s path prefix in';
    return {
      name: `keyless-blob-publisher-${account}-${container}-${hash}`,
      description: `Keyless blob publisher: create and write blobs ${where} container ${container} of storage account ${account}`
        + `${folder === undefined ? '' : ' (ABAC condition on the assignment)'}; no other data action, no control-plane action.`,
      assignableScope: scope,
      dataActions: BLOB_PUBLISHER_DATA_ACTIONS,
    };
  };
  if (prefix === undefined) return { customRole: customRole(undefined), scope };
  const folder = checkObjectPrefix(prefix, ctx, `${prop}.prefix`, {
    code: 'KL-PUB-BLOB-PREFIX',
    what: 'a blob path prefix',
    fix: 'give the folder the artifact is published to, e.g. "payments-api/releases", or omit it to grant the whole container',
  });
  // Azure ABAC: the role's two data actions outside the prefix are denied by the condition.
  return { customRole: customRole(folder), scope, condition: blobPublisherCondition(folder) };
}

/**
 * Publishers trust only protected refs: never pull requests. (Forks cannot obtain a token of the repository
 * outside pull requests, and fork pull requests carry the base repository's pull_request subject.)
 */
export function checkPublisherTrust(policy: CiTrustPolicy, ctx: ValidationContext, prop = 'source'): CiTrustPolicy {
  const pr = policy.exactSubjects.find((subject) => /:pull_request(:|$)/.test(subject));
  if (pr !== undefined) {
    fail({
      code: 'KL-PUB-PULL-REQUEST',
      path: ctx.path,
      prop: `${prop}.allowPullRequests`,
      problem: `admits "${pr}": a publisher never trusts pull requests (including fork pull requests), which run unreviewed code`,
      fix: 'remove `allowPullRequests`; publish from a protected branch, a release tag pattern or a protected environment',
    });
  }
  return policy;
}

/** A publisher's session: at most one hour, whatever the tier allows. */
export const PUBLISHER_MAX_SESSION_SECONDS = 3600;
