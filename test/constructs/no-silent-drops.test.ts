/**
 * Issue 13, "deploys as synthesized": a declared grant, secret or binding that cannot be rendered for a target is a
 * Keyless error, and so are rebinding, double binding and duplicate template names (never a framework crash, never
 * a silent drop).
 */
import * as cdk from 'aws-cdk-lib';
import { ApiObject, Chart, Testing as K8sTesting } from 'cdk8s';
import { Access, aws, GitHubActions, k8s } from '../../src';
import { CiPublishArtifact, DeployService, ScheduledJob } from '../../src/templates';
import { OWNERSHIP, TODAY } from '../helpers/synth';
import { teamTargets } from '../helpers/team';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:checkout/psp-api-key-AbC123';
const AKS_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/';

describe('every intent is rendered on every cluster the template deploys to', () => {
  test('a ScheduledJob on EKS whose secret names only GCP is refused, naming `secret`, the cloud and the fix', () => {
    const t = teamTargets();
    expect(() => new ScheduledJob({
      name: 'checkout-reconcile',
      ownership: OWNERSHIP,
      image: 'reconcile:1',
      schedule: '15 2 * * *',
      eks: { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } },
      secret: Access.readSecret({ gcp: { project: 'acme-checkout-prod', secretId: 'psp-api-key' } }),
    })).toThrow('[KL-TPL-ACCESS-UNRENDERED] ScheduledJob(checkout-reconcile): `secret` (read one secret) has no `aws` target, but the workload runs on `eks`: '
      + 'its AWS role would get no permission for it, silently, and the workload would fail at run time. '
      + 'Fix: add `aws: { secretArn }` to `Access.readSecret(…)`, or leave `eks` out if the workload does not run there.');
  });

  test('the job\'s other access is named as the author wrote it (`access[1]`), not shifted by the secret', () => {
    const t = teamTargets();
    expect(() => new ScheduledJob({
      name: 'checkout-reconcile',
      ownership: OWNERSHIP,
      image: 'reconcile:1',
      schedule: '15 2 * * *',
      gke: { stack: t.gcpStack, chart: t.gkeChart, project: 'acme-checkout-prod' },
      secret: Access.readSecret({ gcp: { project: 'acme-checkout-prod', secretId: 'psp-api-key' } }),
      access: [
        Access.sendMessages({ gcp: { project: 'acme-checkout-prod', topic: 'checkout-orders' } }),
        Access.readObjects({ aws: { bucketName: 'acme-ledger', prefix: 'exports' } }),
      ],
    })).toThrow('[KL-TPL-ACCESS-UNRENDERED] ScheduledJob(checkout-reconcile): `access[1]` (read objects under a prefix) has no `gcp` target, but the workload runs on `gke`: '
      + 'its GKE identity would get no permission for it, silently, and the workload would fail at run time. '
      + 'Fix: add `gcp: { bucket, prefix }` to `Access.readObjects(…)`, or leave `gke` out if the workload does not run there.');
  });

  test('a DeployService on AKS (identity only, no chart) whose intent names no Azure queue is refused', () => {
    const t = teamTargets();
    expect(() => new DeployService({
      name: 'checkout-api',
      ownership: OWNERSHIP,
      image: 'checkout:1',
      eks: { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } },
      aks: { stack: t.azureStack, clusterIssuerUrl: AKS_ISSUER, resourceGroupName: 'rg-checkout', location: 'westeurope' },
      access: [Access.sendMessages({ aws: { queueArn: 'arn:aws:sqs:eu-west-1:123456789012:checkout-orders' } })],
    })).toThrow('[KL-TPL-ACCESS-UNRENDERED] DeployService(checkout-api): `access[0]` (send messages to one queue) has no `azure` target, but the workload runs on `aks`: '
      + 'its Azure identity would get no permission for it, silently, and the workload would fail at run time. '
      + 'Fix: add `azure: { queueId }` to `Access.sendMessages(…)`, or leave `aks` out if the workload does not run there.');
    // Refused before anything was created.
    expect(t.awsStack.node.tryFindChild('Service-checkout-api')).toBeUndefined();
  });

  test('an intent naming a cloud the template has no cluster for is fine: it grants nothing there', () => {
    const t = teamTargets();
    const job = new ScheduledJob({
      name: 'checkout-reconcile',
      ownership: OWNERSHIP,
      image: 'reconcile:1',
      schedule: '15 2 * * *',
      eks: { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } },
      secret: Access.readSecret({ aws: { secretArn: SECRET_ARN }, gcp: { project: 'acme-checkout-prod', secretId: 'psp-api-key' } }),
    });
    expect(job.clusters.eks).toBeDefined();
    expect(job.clusters.gke).toBeUndefined();
  });
});

describe('a workload runs as one service account', () => {
  test('binding a second WorkloadServiceAccount to the same Deployment is refused, naming both', () => {
    const chart = new Chart(K8sTesting.app(), 'eks');
    const deployment = new ApiObject(chart, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'payments-api', namespace: 'payments' },
      spec: { template: { spec: { containers: [{ name: 'api', image: 'api:1' }] } } },
    });
    const first = new k8s.WorkloadServiceAccount(chart, 'Api', { namespace: 'payments', name: 'payments-api', ownership: OWNERSHIP });
    const second = new k8s.WorkloadServiceAccount(chart, 'Other', { namespace: 'payments', name: 'payments-batch', ownership: OWNERSHIP });
    first.bindWorkload(deployment);
    expect(() => second.bindWorkload(deployment)).toThrow('[KL-K8S-WORKLOAD-REBOUND] eks/Other: `workload` is eks/Deployment, which already runs as payments/payments-api (eks/Api): '
      + 'binding it to payments/payments-batch as well would silently replace that service account, and with it the identity and permissions the workload was declared with. '
      + 'Fix: bind eks/Deployment once: keep the WorkloadServiceAccount it should run as, and give the other one its own workload.');
    // The first binding stands.
    expect((K8sTesting.synth(chart).find((o) => o.kind === 'Deployment') as any).spec.template.spec.serviceAccountName).toBe('payments-api');
  });
});

describe('one service account, one EKS mechanism', () => {
  const IRSA_ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
  const serviceAccount = { namespace: 'payments', name: 'payments-api' };
  const stack = (region = 'eu-west-1') => new cdk.Stack(new cdk.App({ context: { 'keyless:today': TODAY } }), 'Platform', { env: { account: '123456789012', region } });

  test('IRSA and Pod Identity for the same namespace/name in one account and region are refused, naming both', () => {
    const s = stack();
    new aws.WorkloadIdentity(s, 'Irsa', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl: IRSA_ISSUER } });
    expect(() => new aws.WorkloadIdentity(s, 'PodIdentity', { name: 'payments-api-pi', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } }))
      .toThrow('[KL-WORKLOAD-SHARED] Platform/PodIdentity: `eks` binds system:serviceaccount:payments:payments-api through Pod Identity (cluster prod-eu), '
        + `which Platform/Irsa already binds through IRSA (issuer ${IRSA_ISSUER}) in the same account and region: `
        + 'one service account would then hold two roles, and its pods the permissions of whichever the SDK picks. '
        + 'Fix: bind the service account through one mechanism (Pod Identity for EC2 node groups, IRSA for Fargate): remove one of the two identities, or use another service account.');
  });

  test('in the other order too', () => {
    const s = stack();
    new aws.WorkloadIdentity(s, 'PodIdentity', { name: 'payments-api-pi', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } });
    expect(() => new aws.WorkloadIdentity(s, 'Irsa', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl: IRSA_ISSUER } }))
      .toThrow(`[KL-WORKLOAD-SHARED] Platform/Irsa: \`eks\` binds system:serviceaccount:payments:payments-api through IRSA (issuer ${IRSA_ISSUER}), `
        + 'which Platform/PodIdentity already binds through Pod Identity (cluster prod-eu) in the same account and region: ');
  });

  test('IRSA on a cluster of another region and Pod Identity here are two service accounts: accepted', () => {
    const s = stack('eu-west-1');
    new aws.WorkloadIdentity(s, 'PodIdentity', { name: 'payments-api-pi', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } });
    expect(() => new aws.WorkloadIdentity(s, 'Irsa', {
      name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl: 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
    })).not.toThrow();
  });
});

describe('one declaration per template name in an app', () => {
  test('two DeployService with the same name are refused, naming both declarations, not a duplicate construct id', () => {
    const t = teamTargets();
    const service = (gke: boolean) => new DeployService({
      name: 'checkout-api',
      ownership: OWNERSHIP,
      image: 'checkout:1',
      eks: { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } },
      gke: gke ? { stack: t.gcpStack, chart: t.gkeChart, project: 'acme-checkout-prod' } : undefined,
    });
    service(false);
    expect(() => service(true)).toThrow('[KL-TPL-DUPLICATE-NAME] DeployService(checkout-api): `name` is "checkout-api", which another DeployService of this app already declares '
      + '(on `eks.stack` team-aws, `eks.chart` eks; this one on `eks.stack` team-aws, `eks.chart` eks, `gke.stack` team-gcp, `gke.chart` gke): '
      + 'both would create the same identities and objects under the same names. Fix: give each DeployService its own name, or declare it once with every target it needs.');
  });

  test('two ScheduledJob, and two CiPublishArtifact, with the same name are refused', () => {
    const t = teamTargets();
    const job = () => new ScheduledJob({
      name: 'checkout-reconcile',
      ownership: OWNERSHIP,
      image: 'reconcile:1',
      schedule: '@daily',
      eks: { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } },
      secret: Access.readSecret({ aws: { secretArn: SECRET_ARN } }),
    });
    job();
    expect(job).toThrow('[KL-TPL-DUPLICATE-NAME] ScheduledJob(checkout-reconcile): `name` is "checkout-reconcile", which another ScheduledJob of this app already declares '
      + '(on `eks.stack` team-aws, `eks.chart` eks; this one on `eks.stack` team-aws, `eks.chart` eks): both would create the same identities and objects under the same names. '
      + 'Fix: give each ScheduledJob its own name, or declare it once with every target it needs.');
    const publish = () => new CiPublishArtifact({
      name: 'checkout-image',
      ownership: OWNERSHIP,
      source: GitHubActions.repository({ owner: 'acme', repository: 'checkout', tagPatterns: ['v*'] }),
      aws: { stack: t.awsStack, target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/checkout/api' }) },
    });
    publish();
    expect(publish).toThrow('[KL-TPL-DUPLICATE-NAME] CiPublishArtifact(checkout-image): `name` is "checkout-image", which another CiPublishArtifact of this app already declares '
      + '(on `aws.stack` team-aws; this one on `aws.stack` team-aws): both would create the same identities and objects under the same names. '
      + 'Fix: give each CiPublishArtifact its own name, or declare it once with every target it needs.');
  });

  test('the same name in two apps (another set of stacks and charts) is fine', () => {
    for (const t of [teamTargets(), teamTargets()]) {
      new DeployService({ name: 'checkout-api', ownership: OWNERSHIP, image: 'checkout:1', eks: { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } } });
    }
  });
});
