import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cdk from 'aws-cdk-lib/core';
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { CloudIdentityBinding, WorkloadServiceAccount } from '../../src/constructs/k8s';
import { DETECTION_ROUTES, OWNERSHIP, tfJson, tfResources, tfStack, TODAY } from '../helpers/synth';

const serviceAccount = { namespace: 'payments', name: 'payments-api' };
const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C';
const AKS_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/';

function envStack(): cdk.Stack {
  const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  return new cdk.Stack(app, 'Workloads', { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false });
}

function chart(): Chart {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  return new Chart(app, 'payments');
}

function deployment(scope: Chart, namespace = 'payments'): ApiObject {
  return new ApiObject(scope, 'Deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'payments-api', namespace },
    spec: {
      selector: { matchLabels: { app: 'payments-api' } },
      template: { metadata: { labels: { app: 'payments-api' } }, spec: { containers: [{ name: 'api', image: 'api:1' }, { name: 'proxy', image: 'proxy:1' }] } },
    },
  });
}

describe('aws WorkloadIdentity', () => {
  test('IRSA: StringEquals on the service account subject and the STS audience, nothing granted', () => {
    const stack = envStack();
    const identity = new aws.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl: ISSUER } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: ISSUER, ClientIdList: ['sts.amazonaws.com'] });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'payments-api',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: Match.anyValue() },
          Condition: {
            StringEquals: {
              'oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C:aud': 'sts.amazonaws.com',
              'oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C:sub': 'system:serviceaccount:payments:payments-api',
            },
          },
        }],
      },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    expect(identity.roleArnLiteral()).toBe('arn:aws:iam::123456789012:role/payments-api');
  });

  test('Pod Identity: pods.eks.amazonaws.com with AssumeRole and TagSession, narrowed by session tags, plus the association', () => {
    const stack = envStack();
    new aws.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:RequestTag/eks-cluster-arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-1:123456789012:cluster/prod-eu']] },
              'aws:RequestTag/eks-cluster-name': 'prod-eu',
              'aws:RequestTag/kubernetes-namespace': 'payments',
              'aws:RequestTag/kubernetes-service-account': 'payments-api',
              'aws:SourceAccount': '123456789012',
            },
          },
        }],
      },
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'prod-eu', Namespace: 'payments', ServiceAccount: 'payments-api', RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiRole'), 'Arn'] },
    });
  });

  test('one identity per service account: a second role for the same service account and cluster is refused', () => {
    const stack = envStack();
    new aws.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl: ISSUER } });
    expect(() => new aws.WorkloadIdentity(stack, 'Api2', { name: 'payments-api2', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl: ISSUER } })).toThrow(
      '[KL-WORKLOAD-SHARED] Workloads/Api2: `serviceAccount` binds a second AWS (IRSA) identity to system:serviceaccount:payments:payments-api of issuer '
      + `${ISSUER}, which Workloads/Api already trusts: one service account would then hold two identities, and its pods the permissions of both. `
      + 'Fix: give each deployable unit one service account and one identity; grant this identity\'s permissions to the existing one instead, or use another service account.');
  });

  test('the same service account on another cluster is another deployable unit', () => {
    const stack = envStack();
    new aws.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } });
    expect(() => new aws.WorkloadIdentity(stack, 'ApiUs', { name: 'payments-api-us', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'pod-identity', clusterName: 'prod-us' } })).not.toThrow();
  });

  test('IRSA issuer: 255 characters (the IAM OIDC provider URL limit) are accepted, 256 are refused at synthesis', () => {
    const issuer = (length: number) => `https://oidc.eks.eu-west-1.amazonaws.com/id/${'A'.repeat(length - 'https://oidc.eks.eu-west-1.amazonaws.com/id/'.length)}`;
    expect(() => new aws.WorkloadIdentity(envStack(), 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl: issuer(255) } })).not.toThrow();
    expect(() => new aws.WorkloadIdentity(envStack(), 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl: issuer(256) } }))
      .toThrow(/^\[KL-CI-ISSUER\] Workloads\/Api: `eks.issuerUrl` is "https:\/\/oidc\.eks\..*": an issuer URL is at most 255 characters \(IAM OIDC provider limit\), this one is 256\. Fix: /);
  });

  test('Pod Identity: every literal in the trust conditions is free of `${` (no IAM policy variable)', () => {
    const stack = envStack();
    new aws.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'pod-identity', clusterName: 'prod_eu-2' } });
    const trust = JSON.stringify(Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0]);
    expect(trust).not.toContain('${');
    for (const bad of [{ clusterName: 'prod${aws:username}' }, { clusterName: '$prod' }]) {
      expect(() => new aws.WorkloadIdentity(envStack(), 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'pod-identity', ...bad } }))
        .toThrow(/^\[KL-AWS-EKS-CLUSTER-NAME\]/);
    }
    expect(() => new aws.WorkloadIdentity(envStack(), 'Api', {
      name: 'payments-api', ownership: OWNERSHIP, serviceAccount: { namespace: 'pay${x}', name: 'api' }, eks: { kind: 'pod-identity', clusterName: 'prod-eu' },
    })).toThrow(/^\[KL-K8S-NAMESPACE\]/);
  });

  test('snapshot', () => {
    const stack = envStack();
    new aws.WorkloadIdentity(stack, 'Irsa', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl: ISSUER } });
    new aws.WorkloadIdentity(stack, 'PodIdentity', { name: 'payments-worker', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'payments-worker' }, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});

describe('gcp WorkloadIdentity', () => {
  test('direct: no Google service account; the member is the workload principal', () => {
    const stack = tfStack();
    const identity = new gcp.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, project: 'acme-payments-prod', projectNumber: '412345678901' });
    expect(identity.member).toBe('principal://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/acme-payments-prod.svc.id.goog/subject/ns/payments/sa/payments-api');
    expect(identity.googleServiceAccountEmail).toBeUndefined();
    const json = tfJson(stack);
    expect(tfResources(json, 'google_service_account')).toEqual({});
    expect(tfResources(json, 'google_service_account_key')).toEqual({});
  });

  test('impersonation: a Google service account the KSA alone may impersonate', () => {
    const stack = tfStack();
    const identity = new gcp.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, project: 'acme-payments-prod', access: 'impersonation' });
    expect(identity.googleServiceAccountEmail).toBe('payments-api@acme-payments-prod.iam.gserviceaccount.com');
    expect(identity.member).toBe('serviceAccount:payments-api@acme-payments-prod.iam.gserviceaccount.com');
    const json = tfJson(stack);
    expect(Object.values(tfResources(json, 'google_service_account_iam_member'))).toEqual([expect.objectContaining({
      role: 'roles/iam.workloadIdentityUser', member: 'serviceAccount:acme-payments-prod.svc.id.goog[payments/payments-api]',
    })]);
    expect(tfJson(stack)).toMatchSnapshot();
  });
});

describe('azure WorkloadIdentity', () => {
  test('one federated credential for the AKS issuer (trailing slash kept) and the service account subject', () => {
    const stack = tfStack();
    new azure.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, clusterIssuerUrl: AKS_ISSUER, resourceGroupName: 'rg-identity', location: 'westeurope' });
    const json = tfJson(stack);
    expect(Object.values(tfResources(json, 'azurerm_federated_identity_credential'))).toEqual([expect.objectContaining({
      issuer: AKS_ISSUER, subject: 'system:serviceaccount:payments:payments-api', audience: ['api://AzureADTokenExchange'],
    })]);
    expect(Object.keys(json.output)).toHaveLength(1);
    expect(json).toMatchSnapshot();
  });
});

describe('k8s WorkloadServiceAccount', () => {
  function awsIdentity(): aws.WorkloadIdentity {
    return new aws.WorkloadIdentity(envStack(), 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, eks: { kind: 'irsa', issuerUrl: ISSUER } });
  }

  test('a ServiceAccount with automount off, ownership labels and the IRSA annotations', () => {
    const scope = chart();
    const account = new WorkloadServiceAccount(scope, 'Sa', { ...serviceAccount, ownership: OWNERSHIP, identity: CloudIdentityBinding.aws(awsIdentity()) });
    expect(account.automountServiceAccountToken).toBe(false);
    const [manifest] = Testing.synth(scope);
    expect(manifest).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      automountServiceAccountToken: false,
      metadata: {
        name: 'payments-api',
        namespace: 'payments',
        labels: {
          'app.kubernetes.io/managed-by': 'keyless',
          'keyless.dev/environment': 'production',
          'keyless.dev/owner': 'team-payments',
          'keyless.dev/review-by': '2027-04-30',
          'keyless.dev/tier': '1',
        },
        annotations: {
          'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/payments-api',
          'eks.amazonaws.com/token-expiration': '3600',
          // The ValidatingAdmissionPolicy that lets only the bound workload run as it (test/k8s-admission).
          'keyless.dev/admission-policy': 'keyless-payments.payments-api',
          'keyless.dev/environment': 'production',
          'keyless.dev/owner': 'team-payments',
          'keyless.dev/purpose': 'deploy payments-api from CI',
          'keyless.dev/review-by': '2027-04-30',
          'keyless.dev/tier': '1',
        },
      },
    });
  });

  test('bindWorkload sets the service account, turns automount off and projects one bounded token', () => {
    const scope = chart();
    const account = new WorkloadServiceAccount(scope, 'Sa', { ...serviceAccount, ownership: OWNERSHIP });
    account.bindWorkload(deployment(scope), { tokenAudience: 'sts.amazonaws.com', tokenExpirationSeconds: 900 });
    const podSpec = Testing.synth(scope)[1].spec.template.spec;
    expect(podSpec.serviceAccountName).toBe('payments-api');
    expect(podSpec.automountServiceAccountToken).toBe(false);
    expect(podSpec.volumes).toEqual([{
      name: 'keyless-token',
      projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 900, path: 'token' } }] },
    }]);
    for (const container of podSpec.containers) {
      expect(container.volumeMounts).toEqual([{ name: 'keyless-token', mountPath: '/var/run/secrets/keyless', readOnly: true }]);
    }
  });

  test('the Azure binding annotates the client id and labels the pod template for the webhook', () => {
    const scope = chart();
    const aks = new azure.WorkloadIdentity(tfStack(), 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, clusterIssuerUrl: AKS_ISSUER, resourceGroupName: 'rg-identity', location: 'westeurope' });
    const account = new WorkloadServiceAccount(scope, 'Sa', { ...serviceAccount, ownership: OWNERSHIP, identity: CloudIdentityBinding.azure(aks, '6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31') });
    account.bindWorkload(deployment(scope));
    const objects = Testing.synth(scope);
    const [sa, deploy] = ['ServiceAccount', 'Deployment'].map((kind) => objects.find((o) => o.kind === kind));
    expect(sa.metadata.annotations['azure.workload.identity/client-id']).toBe('6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31');
    expect(deploy.spec.template.metadata.labels).toEqual({ 'app': 'payments-api', 'azure.workload.identity/use': 'true' });
  });

  test('wiring: an identity that trusts another service account is refused', () => {
    expect(() => new WorkloadServiceAccount(chart(), 'Sa', { namespace: 'payments', name: 'payments-worker', ownership: OWNERSHIP, identity: CloudIdentityBinding.aws(awsIdentity()) })).toThrow(
      '[KL-K8S-WIRING] payments/Sa: `identity` is the AWS identity that trusts payments/payments-api, not this service account payments/payments-worker: the annotation would name an identity that refuses this service account\'s tokens. Fix: bind the identity declared for payments/payments-worker, or correct the namespace or name on one side.');
  });

  test('one service account serves one workload', () => {
    const scope = chart();
    const account = new WorkloadServiceAccount(scope, 'Sa', { ...serviceAccount, ownership: OWNERSHIP });
    account.bindWorkload(deployment(scope));
    const other = new ApiObject(scope, 'Worker', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'worker', namespace: 'payments' }, spec: { containers: [{ name: 'w', image: 'w:1' }] } });
    expect(() => account.bindWorkload(other)).toThrow(
      '[KL-K8S-SA-SHARED] payments/Sa: `workload` is payments/Worker, but payments/payments-api already serves payments/Deployment: two workloads on one service account share its cloud identity and permissions. Fix: give each workload its own WorkloadServiceAccount and cloud identity.');
  });

  test('snapshot of a bound GKE workload', () => {
    const scope = chart();
    const gke = new gcp.WorkloadIdentity(tfStack(), 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, project: 'acme-payments-prod', access: 'impersonation' });
    const account = new WorkloadServiceAccount(scope, 'Sa', { ...serviceAccount, ownership: OWNERSHIP, identity: CloudIdentityBinding.gcp(gke) });
    account.bindWorkload(deployment(scope));
    expect(Testing.synth(scope)).toMatchSnapshot();
  });
});
