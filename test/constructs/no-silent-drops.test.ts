/**
 * Issue 13, "deploys as synthesized": a declared grant, secret or binding that cannot be rendered for a target is a
 * Keyless error, and so are rebinding, double binding and duplicate template names (never a framework crash, never
 * a silent drop).
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as cdk from 'aws-cdk-lib/core';
import { ApiObject, Chart, Testing as K8sTesting } from 'cdk8s';
import { Access, aws, azure, GitHubActions, k8s } from '../../src';
import { CiPublishArtifact, DeployService, ScheduledJob } from '../../src/templates';
import { assumeRoleWithWebIdentityAllowed } from '../helpers/aws-trust-evaluator';
import { azureTokenAccepted } from '../helpers/azure-token-exchange';
import { DETECTION_ROUTES, OWNERSHIP, tfJson, tfResources, tfStack, TODAY } from '../helpers/synth';
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
  const stack = (region = 'eu-west-1') => new cdk.Stack(new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Platform', { env: { account: '123456789012', region } });

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
      source: GitHubActions.repository({ owner: 'acme', repository: 'checkout', ownerId: '1342004', repositoryId: '77120455', subjectFormat: 'name-based', tagPatterns: ['v*'] }),
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

describe('issuers exactly as the clusters emit them', () => {
  const serviceAccount = { namespace: 'payments', name: 'payments-api' };
  const SUB = 'system:serviceaccount:payments:payments-api';
  const aksIdentity = (clusterIssuerUrl: string) => {
    const stack = tfStack();
    new azure.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, clusterIssuerUrl, resourceGroupName: 'rg-payments', location: 'westeurope' });
    return tfJson(stack);
  };

  test('an AKS issuer without its trailing `/` is refused, with the exact value to write', () => {
    expect(() => aksIdentity(AKS_ISSUER.slice(0, -1))).toThrow(`[KL-AZ-AKS-ISSUER] platform/Api: \`clusterIssuerUrl\` is "${AKS_ISSUER.slice(0, -1)}": `
      + 'an AKS issuer ends with `/`, and Entra ID matches it against the token\'s `iss` exactly, so this credential would accept no token of the cluster. '
      + `Fix: write the issuer as \`az aks show --query oidcIssuerProfile.issuerUrl\` prints it, with the trailing slash: "${AKS_ISSUER}". `
      + 'See https://learn.microsoft.com/azure/aks/use-oidc-issuer');
    expect(() => aksIdentity('https://oidc.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f')).toThrow(/^\[KL-AZ-AKS-ISSUER\]/);
  });

  test('through the templates too', () => {
    const t = teamTargets();
    expect(() => new DeployService({
      name: 'checkout-api',
      ownership: OWNERSHIP,
      image: 'checkout:1',
      aks: { stack: t.azureStack, clusterIssuerUrl: AKS_ISSUER.slice(0, -1), resourceGroupName: 'rg-checkout', location: 'westeurope' },
    })).toThrow(/^\[KL-AZ-AKS-ISSUER\] team-azure\/Service-checkout-api: `clusterIssuerUrl`/);
  });

  test('the AKS issuer as printed is rendered verbatim, and Entra\'s exact match accepts the cluster\'s tokens (and only with the `/`)', () => {
    const json = aksIdentity(AKS_ISSUER);
    const [identityId] = Object.keys(tfResources(json, 'azurerm_user_assigned_identity'));
    expect(Object.values(tfResources(json, 'azurerm_federated_identity_credential')).map((c: any) => c.issuer)).toEqual([AKS_ISSUER]);
    expect(azureTokenAccepted(json, identityId, { iss: AKS_ISSUER, sub: SUB, aud: 'api://AzureADTokenExchange' })).toBe(true);
    expect(azureTokenAccepted(json, identityId, { iss: AKS_ISSUER.slice(0, -1), sub: SUB, aud: 'api://AzureADTokenExchange' })).toBe(false);
  });

  test('a self-managed cluster\'s issuer (not an AKS host) is kept as written', () => {
    const json = aksIdentity('https://oidc.k8s.example.com');
    expect(Object.values(tfResources(json, 'azurerm_federated_identity_credential')).map((c: any) => c.issuer)).toEqual(['https://oidc.k8s.example.com']);
  });

  const EKS_ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
  const irsa = (issuerUrl: string) => {
    const stack = new cdk.Stack(new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Platform', { env: { account: '123456789012', region: 'eu-west-1' } });
    new aws.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl } });
    return Template.fromStack(stack).toJSON();
  };

  test('an EKS issuer with a trailing `/` is refused, with the exact value to write', () => {
    expect(() => irsa(`${EKS_ISSUER}/`)).toThrow(`[KL-AWS-IRSA-ISSUER] Platform/Api: \`eks.issuerUrl\` is "${EKS_ISSUER}/": `
      + 'an EKS issuer has no trailing `/`, and IAM matches the token\'s `iss` (and the condition keys built from it) exactly, so this role would trust no token of the cluster. '
      + `Fix: write the issuer as \`aws eks describe-cluster --query cluster.identity.oidc.issuer\` prints it, without the trailing slash: "${EKS_ISSUER}". `
      + 'See https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html');
  });

  test('the EKS issuer as printed is trusted for the cluster\'s tokens (and not for an `iss` with a `/`)', () => {
    const template = irsa(EKS_ISSUER);
    const allowed = (iss: string) => assumeRoleWithWebIdentityAllowed(template, 'payments-api', { iss, sub: SUB, aud: 'sts.amazonaws.com' }, { account: '123456789012' });
    expect(allowed(EKS_ISSUER)).toBe(true);
    expect(allowed(`${EKS_ISSUER}/`)).toBe(false);
  });
});
