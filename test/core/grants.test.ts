import { AccessGrants } from '../../src/core/access';
import { contentId } from '../../src/core/content-id';
import { awsWorkloadStatements, azureWorkloadAssignments, checkGrantedOnEveryCluster, gcpWorkloadBindings } from '../../src/core/grants';

const ctx = { path: 'DeployService(ledger-api)', today: '2026-01-15' };

const topic: AccessGrants = {
  description: 'send messages to one queue',
  aws: [{ sid: 'SendMessages', actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:eu-west-1:123456789012:orders'] }],
  gcp: [{ kind: 'pubsub-topic', project: 'acme-prod', resource: 'orders', role: 'roles/pubsub.publisher' }],
  azure: [{ scope: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/acme/queues/orders', roleDefinitionName: 'Azure Service Bus Data Sender' }],
};
const secretOnGcp: AccessGrants = {
  description: 'read one secret',
  aws: [],
  gcp: [{ kind: 'secret', project: 'acme-prod', resource: '${TfToken[TOKEN.7]}', role: 'roles/secretmanager.secretAccessor' }],
  azure: [],
};

describe('workload grants', () => {
  test('AWS: every intent\'s statements in declaration order, each statement id once', () => {
    expect(awsWorkloadStatements([topic, secretOnGcp], ctx).map((s) => s.sid)).toEqual(['SendMessages']);
    expect(() => awsWorkloadStatements([topic, topic], ctx)).toThrow(
      '[KL-TPL-DUPLICATE-ACCESS] DeployService(ledger-api): `access` declares the same kind of access twice (SendMessages). '
      + 'Fix: declare each access once; one workload reads one prefix, sends to one queue, reads one secret.',
    );
  });

  test('GCP: ids from the resource, role and whole grant; a reference is keyed by what it refers to', () => {
    const key = (value: string) => value.replace('${TfToken[TOKEN.7]}', '${google_secret_manager_secret.db.secret_id}');
    const bindings = gcpWorkloadBindings([topic, secretOnGcp], ctx, key);
    expect(bindings.map((b) => b.id)).toEqual([
      `Access-orders-pubsub-publisher-${contentId(JSON.stringify(['pubsub-topic', 'acme-prod', 'orders', 'roles/pubsub.publisher', null]))}`,
      // The readable part is cut at 60 characters; the hash keeps the id unique.
      `Access-google-secret-manager-secret-db-secret-id-secretmanager-secr-${
        contentId(JSON.stringify(['secret', 'acme-prod', '${google_secret_manager_secret.db.secret_id}', 'roles/secretmanager.secretAccessor', null]))}`,
    ]);
    expect(bindings[1].grant.resource).toBe('${TfToken[TOKEN.7]}');
    // The same grant in another position has the same id.
    expect(gcpWorkloadBindings([secretOnGcp, topic], ctx, key).map((b) => b.id).sort()).toEqual(bindings.map((b) => b.id).sort());
  });

  test('Azure: ids from the scope\'s last segment, the role and the whole grant; the same grant twice is refused', () => {
    expect(azureWorkloadAssignments([topic], ctx).map((a) => a.id)).toEqual([
      `Access-orders-Azure-Service-Bus-Data-Sender-${contentId(JSON.stringify([topic.azure[0].scope, 'Azure Service Bus Data Sender', null]))}`,
    ]);
    expect(() => azureWorkloadAssignments([topic, topic], ctx)).toThrow(
      `[KL-TPL-DUPLICATE-ACCESS] DeployService(ledger-api): \`access\` grants Azure Service Bus Data Sender on ${topic.azure[0].scope} twice: `
      + 'two intents declare the same access, which is one binding (removing either intent would remove it). Fix: declare each access once.',
    );
  });

  test('an intent without a target on a cloud the workload runs on is refused; on another cloud it is fine', () => {
    checkGrantedOnEveryCluster({ eks: false, gke: true, aks: false }, [secretOnGcp], ['secret'], ctx);
    expect(() => checkGrantedOnEveryCluster({ eks: true, gke: true, aks: false }, [topic, secretOnGcp], ['access[0]', 'secret'], ctx)).toThrow(
      '[KL-TPL-ACCESS-UNRENDERED] DeployService(ledger-api): `secret` (read one secret) has no `aws` target, but the workload runs on `eks`: its AWS role would get no permission for it, silently, '
      + 'and the workload would fail at run time. Fix: add `aws: { secretArn }` to `Access.readSecret(…)`, or leave `eks` out if the workload does not run there.',
    );
  });
});
