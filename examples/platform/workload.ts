/**
 * Platform example: the payments-api service runs on EKS, GKE and AKS. Each cluster's service account is bound to
 * exactly one cloud identity, and each annotation names the identity that trusts that service account.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk from 'aws-cdk-lib/core';
import * as cdk8s from 'cdk8s';
import * as cdktf from 'cdktf';
import { Ownership } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import * as k8s from '../../src/constructs/k8s';

const ownership: Ownership = {
  owner: 'team-payments',
  purpose: 'payments-api reads settlement files',
  environment: 'production',
  tier: 2,
  reviewBy: '2027-04-30',
};
const serviceAccount = { namespace: 'payments', name: 'payments-api' };
/** Tier 2 identities are not watched by default: the platform team watches this one on every cloud. */
const detections = { enabled: true };

/** Known only after the Azure stack is applied: `terraform output -raw` of the identity's ClientId output. */
export const PAYMENTS_API_AKS_CLIENT_ID = '6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31';

export interface WorkloadIdentities {
  readonly eks: aws.WorkloadIdentity;
  readonly gke: gcp.WorkloadIdentity;
  readonly aks: azure.WorkloadIdentity;
}

export function awsWorkload(app: cdk.App): aws.WorkloadIdentity {
  const stack = new cdk.Stack(app, 'platform-workload-aws', {
    env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false,
  });
  const identity = new aws.WorkloadIdentity(stack, 'PaymentsApi', {
    name: 'payments-api',
    ownership,
    serviceAccount,
    detections, // tier 2: watched by choice
    eks: { kind: 'irsa', issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C' },
  });
  identity.role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject'],
    resources: ['arn:aws:s3:::acme-settlements/payments-api/*'],
  }));
  return identity;
}

export function gcpWorkload(app: cdktf.App): gcp.WorkloadIdentity {
  const stack = new cdktf.TerraformStack(app, 'platform-workload-gcp');
  new cdktf.LocalBackend(stack, { path: 'terraform.platform-workload-gcp.tfstate' });
  new GoogleProvider(stack, 'google', { project: 'acme-payments-prod' });
  const identity = new gcp.WorkloadIdentity(stack, 'PaymentsApi', {
    name: 'payments-api', ownership, serviceAccount, project: 'acme-payments-prod', access: 'impersonation', detections,
  });
  new StorageBucketIamMember(stack, 'SettlementsReader', {
    bucket: 'acme-settlements', role: 'roles/storage.objectViewer', member: identity.member,
  });
  return identity;
}

export function azureWorkload(app: cdktf.App): azure.WorkloadIdentity {
  const stack = new cdktf.TerraformStack(app, 'platform-workload-azure');
  new cdktf.LocalBackend(stack, { path: 'terraform.platform-workload-azure.tfstate' });
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  return new azure.WorkloadIdentity(stack, 'PaymentsApi', {
    name: 'payments-api',
    ownership,
    serviceAccount,
    detections,
    clusterIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/',
    resourceGroupName: 'rg-payments-identity',
    location: 'westeurope',
  });
}

/** One chart per cluster: the payments-api Deployment on its hardened, bound service account. */
export function kubernetesWorkloads(app: cdk8s.App, identities: WorkloadIdentities): void {
  const clusters: Array<[string, k8s.CloudIdentityBinding]> = [
    ['payments-api-eks', k8s.CloudIdentityBinding.aws(identities.eks)],
    ['payments-api-gke', k8s.CloudIdentityBinding.gcp(identities.gke)],
    ['payments-api-aks', k8s.CloudIdentityBinding.azure(identities.aks, PAYMENTS_API_AKS_CLIENT_ID)],
  ];
  for (const [chartName, identity] of clusters) {
    const chart = new cdk8s.Chart(app, chartName);
    const account = new k8s.WorkloadServiceAccount(chart, 'ServiceAccount', { ...serviceAccount, ownership, identity });
    const deployment = new cdk8s.ApiObject(chart, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'payments-api', namespace: 'payments', labels: { 'app.kubernetes.io/name': 'payments-api' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'payments-api' } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'payments-api' } },
          spec: {
            containers: [{
              name: 'api',
              image: 'registry.example.com/payments-api:1.4.2',
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
            }],
          },
        },
      },
    });
    account.bindWorkload(deployment);
  }
}
