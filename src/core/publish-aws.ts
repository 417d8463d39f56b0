import { fail, quote, ValidationContext } from './errors';
import { iamLiteral } from './literal';
import { checkObjectPrefix } from './object-prefix';
import { checkPattern } from './publish-pattern';

/**
 * Least-privilege publish statements for AWS targets (ECR, S3, CodeArtifact): the exact actions on the exact
 * resources, as in the IAM Service Authorization Reference.
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
