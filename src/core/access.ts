import { fail, quote, ValidationContext } from './errors';

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

function exact(value: unknown, pattern: RegExp, ctx: ValidationContext, prop: string, what: string): string {
  if (typeof value !== 'string' || /[*?]/.test(value) || !pattern.test(value)) {
    fail({ code: 'KL-ACCESS-TARGET', path: ctx.path, prop, problem: `is ${quote(value)}: ${what}, exactly (no wildcards)`, fix: 'name the one resource the workload needs' });
  }
  return value;
}

function folder(prefix: unknown, ctx: ValidationContext, prop: string): string {
  if (typeof prefix !== 'string' || prefix.replace(/\/+$/, '') === '' || /[*?'\\]/.test(prefix) || prefix.startsWith('/')) {
    fail({
      code: 'KL-ACCESS-PREFIX',
      path: ctx.path,
      prop,
      problem: `is ${quote(prefix)}: a prefix is non-empty, with no wildcards, quotes or leading \`/\` (an empty prefix would grant the whole bucket)`,
      fix: 'give the folder the workload reads, e.g. "payments-api/settlements"',
    });
  }
  return `${prefix.replace(/\/+$/, '')}/`;
}

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

/** Least-privilege access, as intent. */
export class Access {
  /** Read (get) objects under one prefix of one bucket or container; listing limited to that prefix. */
  public static readObjects(targets: ReadObjectsTargets): Access {
    return new Access((ctx, prop) => {
      const aws: AwsAccessStatement[] = [];
      const gcp: GcpAccessGrant[] = [];
      const azure: AzureAccessGrant[] = [];
      if (targets.aws) {
        const bucket = exact(targets.aws.bucketName, BUCKET, ctx, `${prop}.aws.bucketName`, 'an S3 bucket name');
        const dir = folder(targets.aws.prefix, ctx, `${prop}.aws.prefix`);
        aws.push({ sid: 'ReadObjects', actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${bucket}/${dir}*`] });
        aws.push({ sid: 'ListPrefix', actions: ['s3:ListBucket'], resources: [`arn:aws:s3:::${bucket}`], conditions: { StringLike: { 's3:prefix': `${dir}*` } } });
      }
      if (targets.gcp) {
        const bucket = exact(targets.gcp.bucket, BUCKET, ctx, `${prop}.gcp.bucket`, 'a Cloud Storage bucket name');
        const dir = folder(targets.gcp.prefix, ctx, `${prop}.gcp.prefix`);
        gcp.push({
          kind: 'storage-bucket',
          resource: bucket,
          role: 'roles/storage.objectViewer',
          condition: { title: 'keyless-read-prefix', description: `Read objects under ${dir} only`, expression: `resource.name.startsWith('projects/_/buckets/${bucket}/objects/${dir}')` },
        });
      }
      if (targets.azure) {
        const account = exact(targets.azure.storageAccountId, AZURE_ID, ctx, `${prop}.azure.storageAccountId`, 'a storage account resource id');
        const container = exact(targets.azure.container, /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, ctx, `${prop}.azure.container`, 'a container name');
        const dir = folder(targets.azure.prefix, ctx, `${prop}.azure.prefix`);
        azure.push({
          scope: `${account}/blobServices/default/containers/${container}`,
          roleDefinitionName: 'Storage Blob Data Reader',
          // Azure ABAC: blob reads (not List, which has no path) only under the prefix.
          condition: `((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith '${dir}'))`,
        });
      }
      return { description: 'read objects under a prefix', aws, gcp, azure };
    });
  }

  /** Send messages to one SQS queue, Pub/Sub topic or Service Bus queue. */
  public static sendMessages(targets: SendMessagesTargets): Access {
    return new Access((ctx, prop) => ({
      description: 'send messages to one queue',
      aws: targets.aws ? [{
        sid: 'SendMessages',
        actions: ['sqs:SendMessage'],
        resources: [exact(targets.aws.queueArn, /^arn:aws(-cn|-us-gov)?:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/, ctx, `${prop}.aws.queueArn`, 'an SQS queue ARN')],
      }] : [],
      gcp: targets.gcp ? [{
        kind: 'pubsub-topic',
        role: 'roles/pubsub.publisher',
        project: exact(targets.gcp.project, PROJECT, ctx, `${prop}.gcp.project`, 'a project id'),
        resource: exact(targets.gcp.topic, /^[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/, ctx, `${prop}.gcp.topic`, 'a Pub/Sub topic id'),
      }] : [],
      azure: targets.azure ? [{
        roleDefinitionName: 'Azure Service Bus Data Sender',
        scope: exact(targets.azure.queueId, /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/*?]+\/providers\/Microsoft\.ServiceBus\/namespaces\/[^/*?]+\/queues\/[^/*?]+$/i, ctx, `${prop}.azure.queueId`, 'a Service Bus queue resource id'),
      }] : [],
    }));
  }

  /** Read one secret's value. */
  public static readSecret(targets: ReadSecretTargets): Access {
    return new Access((ctx, prop) => ({
      description: 'read one secret',
      aws: targets.aws ? [{
        sid: 'ReadSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [exact(targets.aws.secretArn, /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/, ctx, `${prop}.aws.secretArn`, 'a Secrets Manager secret ARN, with its 6-character suffix')],
      }] : [],
      gcp: targets.gcp ? [{
        kind: 'secret',
        role: 'roles/secretmanager.secretAccessor',
        project: exact(targets.gcp.project, PROJECT, ctx, `${prop}.gcp.project`, 'a project id'),
        resource: exact(targets.gcp.secretId, /^[A-Za-z0-9_-]{1,255}$/, ctx, `${prop}.gcp.secretId`, 'a Secret Manager secret id'),
      }] : [],
      azure: targets.azure ? [{
        roleDefinitionName: 'Key Vault Secrets User',
        scope: `${exact(targets.azure.keyVaultId, /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/*?]+\/providers\/Microsoft\.KeyVault\/vaults\/[A-Za-z0-9-]{3,24}$/i, ctx, `${prop}.azure.keyVaultId`, 'a Key Vault resource id')}/secrets/${
          exact(targets.azure.secretName, /^[A-Za-z0-9-]{1,127}$/, ctx, `${prop}.azure.secretName`, 'a Key Vault secret name')}`,
      }] : [],
    }));
  }

  private constructor(private readonly decide: (ctx: ValidationContext, prop: string) => AccessGrants) {}

  /** Validates the targets and decides the grants on each cloud. */
  public resolve(ctx: ValidationContext, prop: string): AccessGrants {
    return this.decide(ctx, prop);
  }
}
