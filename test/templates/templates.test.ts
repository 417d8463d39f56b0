import { Template } from 'aws-cdk-lib/assertions';
import { Testing as K8sTesting } from 'cdk8s';
import { Testing, TerraformStack } from 'cdktf';
import { checkoutPublisher, checkoutService, reconciliationJob } from '../../examples/templates/app-team';
import { Access, KeylessError } from '../../src';
import { DeployService } from '../../src/templates';
import { OWNERSHIP, tfResources } from '../helpers/synth';
import { teamTargets } from '../helpers/team';

const tf = (stack: TerraformStack) => JSON.parse(Testing.synth(stack));

describe('DeployService', () => {
  test('one identity, one bound ServiceAccount and one hardened Deployment per cluster, and exactly the declared access', () => {
    const t = teamTargets();
    const service = checkoutService(t);
    const template = Template.fromStack(t.awsStack);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'prod-eu', Namespace: 'checkout-api', ServiceAccount: 'checkout-api' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Sid: 'SendMessages', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:eu-west-1:123456789012:checkout-orders' }] },
    });
    expect(Object.values(tfResources(tf(t.gcpStack), 'google_pubsub_topic_iam_member'))).toEqual([expect.objectContaining({
      project: 'acme-checkout-prod', topic: 'checkout-orders', role: 'roles/pubsub.publisher', member: 'serviceAccount:checkout-api@acme-checkout-prod.iam.gserviceaccount.com',
    })]);
    // The service runs on AKS too, so the intent names its Service Bus queue (an intent without it is refused).
    expect(Object.values(tfResources(tf(t.azureStack), 'azurerm_role_assignment'))).toEqual([expect.objectContaining({
      role_definition_name: 'Azure Service Bus Data Sender',
      scope: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-checkout/providers/Microsoft.ServiceBus/namespaces/acme-checkout/queues/checkout-orders',
    })]);
    for (const chart of [t.eksChart, t.gkeChart, t.aksChart]) {
      const objects = K8sTesting.synth(chart);
      // The ServiceAccount, its admission policy and binding (test/k8s-admission), the Deployment.
      expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'Deployment']);
      const [serviceAccount, , , deployment] = objects;
      expect(serviceAccount.kind).toBe('ServiceAccount');
      expect(serviceAccount.automountServiceAccountToken).toBe(false);
      const pod = deployment.spec.template.spec;
      expect(pod.serviceAccountName).toBe('checkout-api');
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.containers[0].securityContext).toEqual({
        allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    expect(service.clusters.gke?.identity.googleServiceAccountEmail).toBe('checkout-api@acme-checkout-prod.iam.gserviceaccount.com');
  });

  test('read objects: S3 get under the prefix and list limited to it; GCS viewer conditioned on the prefix', () => {
    const t = teamTargets();
    new DeployService({
      name: 'ledger-api',
      ownership: OWNERSHIP,
      image: 'ledger:1',
      eks: { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } },
      gke: { stack: t.gcpStack, chart: t.gkeChart, project: 'acme-ledger-prod', projectNumber: '412345678901' },
      access: [Access.readObjects({ aws: { bucketName: 'acme-ledger', prefix: 'exports' }, gcp: { bucket: 'acme-ledger', prefix: 'exports/' } })],
    });
    Template.fromStack(t.awsStack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'ReadObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-ledger/exports/*' },
          { Sid: 'ListPrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-ledger', Condition: { StringLike: { 's3:prefix': 'exports/*' } } },
        ],
      },
    });
    expect(Object.values(tfResources(tf(t.gcpStack), 'google_storage_bucket_iam_member'))).toEqual([expect.objectContaining({
      bucket: 'acme-ledger',
      role: 'roles/storage.objectViewer',
      member: 'principal://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/acme-ledger-prod.svc.id.goog/subject/ns/ledger-api/sa/ledger-api',
      condition: { title: 'keyless-read-prefix', description: 'Read objects under exports/ only', expression: "resource.name.startsWith('projects/_/buckets/acme-ledger/objects/exports/')" },
    })]);
  });

  test('an AKS chart without the applied client id is refused', () => {
    const t = teamTargets();
    expect(() => new DeployService({
      name: 'ledger-api',
      ownership: OWNERSHIP,
      image: 'ledger:1',
      aks: { stack: t.azureStack, chart: t.aksChart, clusterIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/x/y/', resourceGroupName: 'rg', location: 'westeurope' },
    })).toThrow('[KL-TPL-AKS-CLIENT-ID] DeployService(ledger-api): `aks.clientId` is missing while `aks.chart` is given: the service account annotation needs the identity\'s client id, which exists only after the Azure stack is applied. Fix: apply the Azure stack first, then pass its ClientId output as `aks.clientId`.');
  });

  test('a service deployed nowhere, and access with a wildcard, are refused', () => {
    expect(() => new DeployService({ name: 'ledger-api', ownership: OWNERSHIP, image: 'ledger:1' })).toThrow(/^\[KL-TPL-NO-TARGET\]/);
    const t = teamTargets();
    expect(() => new DeployService({
      name: 'ledger-api',
      ownership: OWNERSHIP,
      image: 'ledger:1',
      eks: { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } },
      access: [Access.sendMessages({ aws: { queueArn: 'arn:aws:sqs:eu-west-1:123456789012:*' } })],
    })).toThrow(KeylessError);
  });
});

describe('ScheduledJob', () => {
  test('a CronJob on its own identity that reads exactly one secret', () => {
    const t = teamTargets();
    reconciliationJob(t);
    Template.fromStack(t.awsStack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Sid: 'ReadSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:checkout/psp-api-key-AbC123' }] },
    });
    expect(Object.values(tfResources(tf(t.gcpStack), 'google_secret_manager_secret_iam_member'))).toEqual([expect.objectContaining({
      project: 'acme-checkout-prod', secret_id: 'psp-api-key', role: 'roles/secretmanager.secretAccessor', member: 'serviceAccount:checkout-reconcile@acme-checkout-prod.iam.gserviceaccount.com',
    })]);
    const cronJob = K8sTesting.synth(t.eksChart).find((o) => o.kind === 'CronJob');
    expect(cronJob.kind).toBe('CronJob');
    expect(cronJob.spec.schedule).toBe('15 2 * * *');
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    expect(cronJob.spec.jobTemplate.spec.template.spec.serviceAccountName).toBe('checkout-reconcile');
    expect(cronJob.spec.jobTemplate.spec.template.spec.automountServiceAccountToken).toBe(false);
  });
});

describe('CiPublishArtifact', () => {
  test('one scoped publisher per chosen cloud from one declaration', () => {
    const t = teamTargets();
    const publisher = checkoutPublisher(t);
    expect(publisher.azure).toBeUndefined();
    Template.fromStack(t.awsStack).hasResourceProperties('AWS::IAM::Role', { RoleName: 'checkout-image', MaxSessionDuration: 3600 });
    expect(Object.values(tfResources(tf(t.gcpStack), 'google_artifact_registry_repository_iam_member')).map((m: any) => [m.repository, m.role])).toEqual([['checkout', 'roles/artifactregistry.writer']]);
    // Release tags of acme/checkout (name-based subject), pinned by its repository id on AWS and by both ids on GCP.
    const [role] = Object.values(Template.fromStack(t.awsStack).findResources('AWS::IAM::Role', { Properties: { RoleName: 'checkout-image' } })) as any[];
    expect(role.Properties.AssumeRolePolicyDocument.Statement.map((statement: any) => statement.Condition)).toEqual([{
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:repository_id': '77120455' },
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/checkout:ref:refs/tags/v*' },
    }]);
    expect((Object.values(tfResources(tf(t.gcpStack), 'google_iam_workload_identity_pool_provider')) as any[]).map((p) => p.attribute_condition)).toEqual([
      "assertion.repository_id == '77120455' && assertion.repository_owner_id == '1342004' && assertion.sub.startsWith('repo:acme/checkout:ref:refs/tags/v')",
    ]);
  });
});

describe('snapshots', () => {
  test('the app-team example on all targets', () => {
    const t = teamTargets();
    checkoutService(t);
    reconciliationJob(t);
    checkoutPublisher(t);
    expect({
      aws: Template.fromStack(t.awsStack).toJSON(),
      gcp: tf(t.gcpStack),
      azure: tf(t.azureStack),
      eks: K8sTesting.synth(t.eksChart),
      gke: K8sTesting.synth(t.gkeChart),
      aks: K8sTesting.synth(t.aksChart),
    }).toMatchSnapshot();
  });
});
