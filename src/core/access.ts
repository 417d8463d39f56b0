import { fail, quote, ReferenceFramework, ValidationContext } from './errors';
import { iamLiteral, isAcceptedReference, requireLiterals, snapshotDeclaration } from './literal';
import { checkObjectPrefix, gcpConditionDescription } from './object-prefix';

/**
 * Least-privilege access expressed as intent ("read objects under a prefix", "send to one queue", "read one
 * secret") and decided once per cloud: the exact actions or roles and their scope.
 */

/** An AWS IAM statement. */
export interface AwsAccessStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Record<string, Record<string, string>>;
}

/** A GCP role on one resource. */
export interface GcpAccessGrant {
  /** Resource kind. */
  readonly kind: 'storage-bucket' | 'pubsub-topic' | 'secret';
  /** Bucket name, topic id or secret id. */
  readonly resource: string;
  /** Project of topic and secret. */
  readonly project?: string;
  readonly role: string;
  readonly condition?: { readonly title: string; readonly description: string; readonly expression: string };
}

/** An Azure role assignment. */
export interface AzureAccessGrant {
  readonly scope: string;
  readonly roleDefinitionName: string;
  readonly condition?: string;
}

/** What one intent grants on each cloud. */
export interface AccessGrants {
  readonly description: string;
  readonly aws: readonly AwsAccessStatement[];
  readonly gcp: readonly GcpAccessGrant[];
  readonly azure: readonly AzureAccessGrant[];
}

/**
 * The one resource an intent is granted on, exactly: a literal matching `pattern`, or, with `reference`, a reference to
 * that resource in the app (`queue.queueArn`, a Terraform resource's `id`), which the framework resolves from it.
 */
function exact(value: unknown, pattern: RegExp, ctx: ValidationContext, prop: string, what: string, reference?: ReferenceFramework): string {
  if (reference && isAcceptedReference(value, ctx, reference)) return value;
  requireLiterals(value, ctx, prop, 'which resource the workload may use');
  if (typeof value !== 'string' || /[*?]/.test(value) || !pattern.test(value)) {
    fail({ code: 'KL-ACCESS-TARGET', path: ctx.path, prop, problem: `is ${quote(value)}: ${what}, exactly (no wildcards)`, fix: 'name the one resource the workload needs' });
  }
  return value;
}

function folder(prefix: unknown, ctx: ValidationContext, prop: string): string {
  return checkObjectPrefix(prefix, ctx, prop, {
    code: 'KL-ACCESS-PREFIX',
    what: 'a prefix',
    fix: 'give the folder the workload reads, e.g. "payments-api/settlements"',
  });
}

const BLOB_ATTRIBUTE = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
const BLOB_READ = `${BLOB_ATTRIBUTE}/read`;
const AZURE_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/*?]+\/providers\/[^*?]+$/i;
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** Per-cloud targets of "read objects under a prefix". */
export interface ReadObjectsTargets {
  readonly aws?: { readonly bucketName: string; readonly prefix: string };
  readonly gcp?: { readonly bucket: string; readonly prefix: string };
  readonly azure?: { readonly storageAccountId: string; readonly container: string; readonly prefix: string };
}

/** Per-cloud targets of "send messages to one queue or topic". */
export interface SendMessagesTargets {
  readonly aws?: { readonly queueArn: string };
  readonly gcp?: { readonly project: string; readonly topic: string };
  readonly azure?: { readonly queueId: string };
}

/** Per-cloud targets of "read one secret". */
export interface ReadSecretTargets {
  readonly aws?: { readonly secretArn: string };
  readonly gcp?: { readonly project: string; readonly secretId: string };
  readonly azure?: { readonly keyVaultId: string; readonly secretName: string };
}

/**
 * Least-privilege access, as intent.
 *
 * The resource an intent names (bucket, queue, topic, secret, storage account, container) may be a literal or a
 * reference to that resource in the app (`queue.queueArn`, a `google_pubsub_topic`'s `name`), which keeps the
 * dependency; never a parameter, import, variable or data source. Prefixes are always literals.
 */
export class Access {
  /**
   * Read (get) objects under one prefix of one bucket or container; listing limited to that prefix (S3 `s3:prefix`,
   * the Azure List request's `prefix`; Cloud Storage lists need `storage.objects.list` on the bucket, which the
   * prefix condition does not allow, so GCP readers get objects by name).
   */
  public static readObjects(declared: ReadObjectsTargets): Access {
    // One copy, read once: what is validated is what is granted.
    const targets = snapshotDeclaration(declared);
    return new Access(targets, (ctx, prop) => {
      const aws: AwsAccessStatement[] = [];
      const gcp: GcpAccessGrant[] = [];
      const azure: AzureAccessGrant[] = [];
      if (targets.aws) {
        const bucket = exact(targets.aws.bucketName, BUCKET, ctx, `${prop}.aws.bucketName`, 'an S3 bucket name', 'aws-cdk-lib');
        // The prefix is an IAM literal: a `${` in it would be read as a policy variable.
        const dir = iamLiteral(folder(targets.aws.prefix, ctx, `${prop}.aws.prefix`), ctx, `${prop}.aws.prefix`);
        aws.push({ sid: 'ReadObjects', actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${bucket}/${dir}*`] });
        aws.push({ sid: 'ListPrefix', actions: ['s3:ListBucket'], resources: [`arn:aws:s3:::${bucket}`], conditions: { StringLike: { 's3:prefix': `${dir}*` } } });
      }
      if (targets.gcp) {
        const bucket = exact(targets.gcp.bucket, BUCKET, ctx, `${prop}.gcp.bucket`, 'a Cloud Storage bucket name', 'cdktf');
        const dir = folder(targets.gcp.prefix, ctx, `${prop}.gcp.prefix`);
        gcp.push({
          kind: 'storage-bucket',
          resource: bucket,
          role: 'roles/storage.objectViewer',
          condition: { title: 'keyless-read-prefix', description: gcpConditionDescription(`Read objects under ${dir} only`, 'Read objects under the declared prefix only'), expression: `resource.name.startsWith('projects/_/buckets/${bucket}/objects/${dir}')` },
        });
      }
      if (targets.azure) {
        const account = exact(targets.azure.storageAccountId, AZURE_ID, ctx, `${prop}.azure.storageAccountId`, 'a storage account resource id', 'cdktf');
        const container = exact(targets.azure.container, /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, ctx, `${prop}.azure.container`, 'a container name');
        const dir = folder(targets.azure.prefix, ctx, `${prop}.azure.prefix`);
        azure.push({
          scope: `${account}/blobServices/default/containers/${container}`,
          roleDefinitionName: 'Storage Blob Data Reader',
          // Azure ABAC: blob reads only under the prefix (the blob path), and listing only with a prefix under it
          // (List has no blob path, only the request's `prefix`): "Read or list blobs in named containers with a path".
          condition: `((!(ActionMatches{'${BLOB_READ}'} AND NOT SubOperationMatches{'Blob.List'})) OR (@Resource[${BLOB_ATTRIBUTE}:path] StringStartsWith '${dir}'))`
            + ` AND ((!(ActionMatches{'${BLOB_READ}'} AND SubOperationMatches{'Blob.List'})) OR (@Request[${BLOB_ATTRIBUTE}:prefix] StringStartsWith '${dir}'))`,
        });
      }
      return { description: 'read objects under a prefix', aws, gcp, azure };
    });
  }

  /** Send messages to one SQS queue, Pub/Sub topic or Service Bus queue. */
  public static sendMessages(declared: SendMessagesTargets): Access {
    // One copy, read once: what is validated is what is granted.
    const targets = snapshotDeclaration(declared);
    return new Access(targets, (ctx, prop) => ({
      description: 'send messages to one queue',
      aws: targets.aws ? [{
        sid: 'SendMessages',
        actions: ['sqs:SendMessage'],
        resources: [exact(targets.aws.queueArn, /^arn:aws(-cn|-us-gov)?:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/, ctx, `${prop}.aws.queueArn`, 'an SQS queue ARN', 'aws-cdk-lib')],
      }] : [],
      gcp: targets.gcp ? [{
        kind: 'pubsub-topic',
        role: 'roles/pubsub.publisher',
        project: exact(targets.gcp.project, PROJECT, ctx, `${prop}.gcp.project`, 'a project id'),
        resource: exact(targets.gcp.topic, /^[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/, ctx, `${prop}.gcp.topic`, 'a Pub/Sub topic id', 'cdktf'),
      }] : [],
      azure: targets.azure ? [{
        roleDefinitionName: 'Azure Service Bus Data Sender',
        scope: exact(targets.azure.queueId, /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/*?]+\/providers\/Microsoft\.ServiceBus\/namespaces\/[^/*?]+\/queues\/[^/*?]+$/i, ctx, `${prop}.azure.queueId`, 'a Service Bus queue resource id', 'cdktf'),
      }] : [],
    }));
  }

  /** Read one secret's value. */
  public static readSecret(declared: ReadSecretTargets): Access {
    // One copy, read once: what is validated is what is granted.
    const targets = snapshotDeclaration(declared);
    return new Access(targets, (ctx, prop) => ({
      description: 'read one secret',
      aws: targets.aws ? [{
        sid: 'ReadSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [exact(targets.aws.secretArn, /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/, ctx, `${prop}.aws.secretArn`, 'a Secrets Manager secret ARN, with its 6-character suffix', 'aws-cdk-lib')],
      }] : [],
      gcp: targets.gcp ? [{
        kind: 'secret',
        role: 'roles/secretmanager.secretAccessor',
        project: exact(targets.gcp.project, PROJECT, ctx, `${prop}.gcp.project`, 'a project id'),
        resource: exact(targets.gcp.secretId, /^[A-Za-z0-9_-]{1,255}$/, ctx, `${prop}.gcp.secretId`, 'a Secret Manager secret id', 'cdktf'),
      }] : [],
      azure: targets.azure ? [{
        roleDefinitionName: 'Key Vault Secrets User',
        scope: `${exact(targets.azure.keyVaultId, /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/*?]+\/providers\/Microsoft\.KeyVault\/vaults\/[A-Za-z0-9-]{3,24}$/i, ctx, `${prop}.azure.keyVaultId`, 'a Key Vault resource id')}/secrets/${
          exact(targets.azure.secretName, /^[A-Za-z0-9-]{1,127}$/, ctx, `${prop}.azure.secretName`, 'a Key Vault secret name')}`,
      }] : [],
    }));
  }

  private constructor(
    private readonly targets: unknown,
    private readonly decide: (ctx: ValidationContext, prop: string) => AccessGrants,
  ) {}

  /** Validates the targets and decides the grants on each cloud. */
  public resolve(ctx: ValidationContext, prop: string): AccessGrants {
    checkTargets(this.targets, ctx, prop);
    return this.decide(ctx, prop);
  }
}

const CLOUDS = ['aws', 'azure', 'gcp'];

/** The targets of an intent: an object naming at least one cloud, each an object; an unknown key is never dropped. */
function checkTargets(targets: unknown, ctx: ValidationContext, prop: string): void {
  if (typeof targets !== 'object' || targets === null || Array.isArray(targets)) {
    fail({ code: 'KL-ACCESS-TARGETS', path: ctx.path, prop, problem: `is declared with ${quote(targets)}: expected an object with \`aws\`, \`gcp\` and/or \`azure\` targets`, fix: 'declare e.g. `Access.readSecret({ aws: { secretArn } })`' });
  }
  const keys = Object.keys(targets);
  const unknown = keys.filter((key) => !CLOUDS.includes(key));
  if (unknown.length > 0) {
    fail({ code: 'KL-ACCESS-TARGETS', path: ctx.path, prop: `${prop}.${unknown[0]}`, problem: 'is not a cloud Keyless grants on: the grant it declares would be silently dropped', fix: 'use `aws`, `gcp` or `azure`' });
  }
  const given = keys.filter((key) => (targets as Record<string, unknown>)[key] !== undefined);
  if (given.length === 0) {
    fail({ code: 'KL-ACCESS-TARGETS', path: ctx.path, prop, problem: 'names no cloud: it would grant nothing', fix: 'give the `aws`, `gcp` and/or `azure` target of the intent' });
  }
  for (const key of given) {
    const target = (targets as Record<string, unknown>)[key];
    if (typeof target !== 'object' || target === null || Array.isArray(target)) {
      fail({ code: 'KL-ACCESS-TARGETS', path: ctx.path, prop: `${prop}.${key}`, problem: `is ${quote(target)}: expected an object naming the resource`, fix: 'see the intent\'s documentation for the fields of each cloud' });
    }
  }
}
