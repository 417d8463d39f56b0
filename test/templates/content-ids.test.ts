import * as fs from 'fs';
import * as path from 'path';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { Template } from 'aws-cdk-lib/assertions';
import { Testing, TerraformStack } from 'cdktf';
import { Access } from '../../src/core/access';
import { contentId } from '../../src/core/content-id';
import { DeployService } from '../../src/templates';
import { OWNERSHIP } from '../helpers/synth';
import { teamTargets } from '../helpers/team';

const SUBSCRIPTION = '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-ledger/providers';

/** N intents on every cloud: objects under two prefixes of one bucket, a queue, a secret. */
function intents(): Access[] {
  return [
    Access.readObjects({
      aws: { bucketName: 'acme-ledger', prefix: 'exports' },
      gcp: { bucket: 'acme-ledger', prefix: 'exports/' },
      azure: { storageAccountId: `${SUBSCRIPTION}/Microsoft.Storage/storageAccounts/acmeledger`, container: 'exports', prefix: 'daily/' },
    }),
    Access.sendMessages({
      aws: { queueArn: 'arn:aws:sqs:eu-west-1:123456789012:ledger-events' },
      gcp: { project: 'acme-ledger-prod', topic: 'ledger-events' },
      azure: { queueId: `${SUBSCRIPTION}/Microsoft.ServiceBus/namespaces/acme-ledger/queues/ledger-events` },
    }),
    Access.readSecret({
      aws: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ledger-db-AbCdEf' },
      gcp: { project: 'acme-ledger-prod', secretId: 'ledger-db' },
      azure: { keyVaultId: `${SUBSCRIPTION}/Microsoft.KeyVault/vaults/acme-ledger`, secretName: 'ledger-db' },
    }),
  ];
}

/** An intent inserted between the others: a third prefix of the bucket. */
const INSERTED = Access.readObjects({
  gcp: { bucket: 'acme-ledger', prefix: 'imports/' },
  azure: { storageAccountId: `${SUBSCRIPTION}/Microsoft.Storage/storageAccounts/acmeledger`, container: 'imports', prefix: 'daily/' },
});

/** The Terraform address and the configuration of every resource of a stack, by address. */
function addresses(stack: TerraformStack): Record<string, unknown> {
  const json = JSON.parse(Testing.synth(stack));
  const out: Record<string, unknown> = {};
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(byName as Record<string, any>)) out[`${type}.${name}`] = { ...config, '//': undefined };
  }
  return out;
}

/** The service on GKE and AKS (and EKS with `eks`), with the intents; what each stack synthesizes. */
function deploy(access: Access[], eks = false) {
  const t = teamTargets();
  new DeployService({
    name: 'ledger-api',
    ownership: OWNERSHIP,
    image: 'ledger:1',
    gke: { stack: t.gcpStack, chart: t.gkeChart, project: 'acme-ledger-prod' },
    aks: { stack: t.azureStack, clusterIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/x/y/', resourceGroupName: 'rg-ledger', location: 'westeurope' },
    eks: eks ? { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } } : undefined,
    access,
  });
  const aws: Record<string, any> = eks ? Template.fromStack(t.awsStack).toJSON().Resources : {};
  return { gcp: addresses(t.gcpStack), azure: addresses(t.azureStack), aws };
}

describe('binding ids are derived from content, never from position', () => {
  const before = deploy(intents());
  const [first, ...rest] = intents();
  const after = deploy([first, INSERTED, ...rest]);

  test('inserting an intent in the middle adds its bindings and leaves every other address and resource unchanged', () => {
    for (const cloud of ['gcp', 'azure'] as const) {
      const added = Object.keys(after[cloud]).filter((address) => !(address in before[cloud]));
      expect(added).toHaveLength(1);
      for (const [address, config] of Object.entries(before[cloud])) expect(after[cloud][address]).toEqual(config);
    }
  });

  test('AWS: one policy per role, whose statement ids name the intent\'s kind; nothing is numbered', () => {
    const policies = (resources: Record<string, any>) => Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy')
      .map(([id, r]) => [id, r.Properties.PolicyDocument.Statement.map((s: { Sid: string }) => s.Sid)]);
    const [, send, secret] = intents();
    expect(policies(deploy([send, secret], true).aws)).toEqual([['ServiceledgerapiAccess966971D8', ['SendMessages', 'ReadSecret']]]);
    expect(policies(deploy(intents(), true).aws)).toEqual([['ServiceledgerapiAccess966971D8', ['ReadObjects', 'ListPrefix', 'SendMessages', 'ReadSecret']]]);
  });

  test('the ids read as the resource and role, with a hash of the whole grant', () => {
    expect(Object.keys(before.gcp).filter((a) => /_iam_member\./.test(a)).map((a) => a.replace(/_[0-9A-F]{8}$/, '')).sort()).toEqual([
      `google_pubsub_topic_iam_member.Service-ledger-api_Access-ledger-events-pubsub-publisher-${
        contentId(JSON.stringify(['pubsub-topic', 'acme-ledger-prod', 'ledger-events', 'roles/pubsub.publisher', null]))}`,
      `google_secret_manager_secret_iam_member.Service-ledger-api_Access-ledger-db-secretmanager-secretAccessor-${
        contentId(JSON.stringify(['secret', 'acme-ledger-prod', 'ledger-db', 'roles/secretmanager.secretAccessor', null]))}`,
      'google_service_account_iam_member.Service-ledger-api_WorkloadIdentityUser',
      `google_storage_bucket_iam_member.Service-ledger-api_Access-acme-ledger-storage-objectViewer-${contentId(JSON.stringify([
        'storage-bucket', '', 'acme-ledger', 'roles/storage.objectViewer',
        ['keyless-read-prefix', 'Read objects under exports/ only', "resource.name.startsWith('projects/_/buckets/acme-ledger/objects/exports/')"],
      ]))}`,
    ]);
    expect(Object.keys(before.azure).filter((a) => a.startsWith('azurerm_role_assignment.')).map((a) => a.replace(/_[0-9A-F]{8}$/, '')).sort()).toEqual([
      // The last segment of the scope (the container, the secret, the queue) and the role.
      expect.stringMatching(/^azurerm_role_assignment\.Service-ledger-api_Access-exports-Storage-Blob-Data-Reader-[0-9a-f]{12}$/),
      `azurerm_role_assignment.Service-ledger-api_Access-ledger-db-Key-Vault-Secrets-User-${
        contentId(JSON.stringify([`${SUBSCRIPTION}/Microsoft.KeyVault/vaults/acme-ledger/secrets/ledger-db`, 'Key Vault Secrets User', null]))}`,
      `azurerm_role_assignment.Service-ledger-api_Access-ledger-events-Azure-Service-Bus-Data-Sender-${
        contentId(JSON.stringify([`${SUBSCRIPTION}/Microsoft.ServiceBus/namespaces/acme-ledger/queues/ledger-events`, 'Azure Service Bus Data Sender', null]))}`,
    ]);
    // Two prefixes of one bucket: the same readable part, two hashes.
    const buckets = Object.keys(after.gcp).filter((a) => a.startsWith('google_storage_bucket_iam_member.'));
    expect(buckets).toHaveLength(2);
    expect(new Set(buckets.map((a) => a.replace(/-[0-9a-f]{12}_[0-9A-F]{8}$/, ''))).size).toBe(1);
  });

  test('the same grant declared twice is refused (it would be one binding)', () => {
    expect(() => deploy([INSERTED, INSERTED])).toThrow(
      '[KL-TPL-DUPLICATE-ACCESS] DeployService(ledger-api): `access` grants roles/storage.objectViewer on acme-ledger twice: two intents declare the same access, which is one binding (removing either intent would remove it). Fix: declare each access once.',
    );
  });
});

describe('a resource named by reference', () => {
  /** The GKE service reading one secret by reference, after `others` other references were made (token markers are numbered by creation). */
  function addressOfSecretBinding(others: number): string[] {
    const t = teamTargets();
    const secret = new SecretManagerSecret(t.gcpStack, 'Db', { secretId: 'ledger-db', replication: { auto: {} } });
    for (let i = 0; i < others; i++) void secret.name;
    new DeployService({
      name: 'ledger-api',
      ownership: OWNERSHIP,
      image: 'ledger:1',
      gke: { stack: t.gcpStack, chart: t.gkeChart, project: 'acme-ledger-prod' },
      access: [Access.readSecret({ gcp: { project: 'acme-ledger-prod', secretId: secret.secretId } })],
    });
    return Object.keys(addresses(t.gcpStack)).filter((a) => a.startsWith('google_secret_manager_secret_iam_member.'));
  }

  test('is keyed by the address it refers to, not by its token marker', () => {
    const [address] = addressOfSecretBinding(0);
    expect(address).toMatch(/^google_secret_manager_secret_iam_member\.Service-ledger-api_Access-google-secret-manager-secret-Db-secret-id-secretmanager-secr-[0-9a-f]{12}_[0-9A-F]{8}$/);
    expect(addressOfSecretBinding(5)).toEqual([address]);
  });
});

describe('templates import no framework', () => {
  const FRAMEWORK_IMPORT = /from '(aws-cdk-lib|cdktf|cdk8s|@cdktf\/provider-[^']+)(\/[^']*)?'/;

  test('no file under src/templates imports aws-cdk-lib, cdktf, cdk8s or a cdktf provider (constructs render, templates compose)', () => {
    const root = path.join(__dirname, '..', '..', 'src', 'templates');
    const files = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const offenders = files.filter((f) => FRAMEWORK_IMPORT.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
