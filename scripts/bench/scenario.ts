/**
 * The benchmark scenario: N workload identities, each on AWS (an IRSA role), GCP (a Google service account the
 * Kubernetes service account may impersonate), Azure (a user-assigned identity with one federated credential) and
 * Kubernetes (the ServiceAccount, annotated for AWS, with its admission policy and binding). Built with Keyless, or with the raw frameworks producing the
 * same resources (the baseline).
 */
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk from 'aws-cdk-lib/core';
import * as cdk8s from 'cdk8s';
import * as cdktf from 'cdktf';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import * as k8s from '../../src/constructs/k8s';
import { ADMISSION_POLICY_ANNOTATION, admissionPolicyName, identityAdmissionPolicy, identityAdmissionPolicyBinding } from '../../src/core/kubernetes-admission';
import { Ownership } from '../../src/core/ownership';

export const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C';
export const AKS_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/';
const ENV = { account: '123456789012', region: 'eu-west-1' };
/** Identities per Terraform stack and per chart, in both variants. */
const PER_STACK = 400;
const ownership: Ownership = { owner: 'team-bench', purpose: 'benchmark workload', environment: 'production', tier: 2, reviewBy: '2027-04-30' };

function names(i: number) {
  return { name: `svc-${String(i).padStart(5, '0')}-wl`, serviceAccount: { namespace: `team-${i % 50}`, name: `svc-${i}` } };
}

/** Apps of one run. */
export interface BenchApps {
  readonly aws: cdk.App;
  readonly tf: cdktf.App;
  readonly k8s: cdk8s.App;
}

export function newApps(outdir: string): BenchApps {
  const context = { 'keyless:today': '2026-11-22' };
  const apps = {
    aws: new cdk.App({ outdir: `${outdir}/aws`, stackTraces: false, context: { ...context, 'aws:cdk:disable-creation-stack-traces': true } }),
    tf: new cdktf.App({ outdir: `${outdir}/terraform`, stackTraces: false, context }),
    k8s: new cdk8s.App({ outdir: `${outdir}/k8s` }),
  };
  apps.k8s.node.setContext('keyless:today', '2026-11-22');
  return apps;
}

function tfStack(app: cdktf.App, prefix: 'gcp' | 'azure', index: number): cdktf.TerraformStack {
  const stack = new cdktf.TerraformStack(app, `${prefix}-${index}`);
  new cdktf.LocalBackend(stack, { path: `terraform.${prefix}-${index}.tfstate` });
  if (prefix === 'gcp') new GoogleProvider(stack, 'google', { project: 'acme-bench' });
  else new AzurermProvider(stack, 'azurerm', { features: [{}] });
  return stack;
}

/** N identities with Keyless. */
export function keyless(apps: BenchApps, n: number): void {
  const stacks = new aws.IdentityStacks(apps.aws, 'identities', { env: ENV });
  let gcpStack!: cdktf.TerraformStack;
  let azureStack!: cdktf.TerraformStack;
  let chart!: cdk8s.Chart;
  for (let i = 0; i < n; i++) {
    if (i % PER_STACK === 0) {
      gcpStack = tfStack(apps.tf, 'gcp', i / PER_STACK);
      azureStack = tfStack(apps.tf, 'azure', i / PER_STACK);
      chart = new cdk8s.Chart(apps.k8s, `cluster-${i / PER_STACK}`);
    }
    const { name, serviceAccount } = names(i);
    const role = new aws.WorkloadIdentity(stacks.stackFor(1), name, { name, ownership, serviceAccount, eks: { kind: 'irsa', issuerUrl: ISSUER } });
    new gcp.WorkloadIdentity(gcpStack, name, { name, ownership, serviceAccount, project: 'acme-bench', access: 'impersonation' });
    new azure.WorkloadIdentity(azureStack, name, { name, ownership, serviceAccount, clusterIssuerUrl: AKS_ISSUER, resourceGroupName: 'rg-bench', location: 'westeurope' });
    new k8s.WorkloadServiceAccount(chart, name, { ...serviceAccount, ownership, identity: k8s.CloudIdentityBinding.aws(role) });
  }
}

/** The same resources, hand-written in the raw frameworks (no validation). */
export function baseline(apps: BenchApps, n: number): void {
  let awsStack!: cdk.Stack;
  let provider!: iam.OidcProviderNative;
  let gcpStack!: cdktf.TerraformStack;
  let azureStack!: cdktf.TerraformStack;
  let chart!: cdk8s.Chart;
  const hostPath = ISSUER.replace('https://', '');
  // The same tags, labels, annotations and descriptions Keyless renders, written by hand.
  const fields = { 'environment': 'production', 'managed-by': 'keyless', 'owner': 'team-bench', 'purpose': 'benchmark workload', 'review-by': '2027-04-30', 'tier': '2' };
  const description = Object.entries(fields).map(([k, v]) => `${k}=${v}`).join('; ');
  const k8sLabels = { 'app.kubernetes.io/managed-by': 'keyless', 'keyless.dev/environment': 'production', 'keyless.dev/owner': 'team-bench', 'keyless.dev/review-by': '2027-04-30', 'keyless.dev/tier': '2' };
  const k8sAnnotations = { 'keyless.dev/environment': 'production', 'keyless.dev/owner': 'team-bench', 'keyless.dev/purpose': 'benchmark workload', 'keyless.dev/review-by': '2027-04-30', 'keyless.dev/tier': '2' };
  for (let i = 0; i < n; i++) {
    if (i % 399 === 0) {
      const index = i / 399;
      awsStack = new cdk.Stack(apps.aws, index === 0 ? 'identities' : `identities-${index + 1}`, { env: ENV });
      provider = new iam.OidcProviderNative(awsStack, 'Provider', { url: ISSUER, clientIds: ['sts.amazonaws.com'] });
      cdk.Tags.of(provider).add('keyless:managed-by', 'keyless');
    }
    if (i % PER_STACK === 0) {
      gcpStack = tfStack(apps.tf, 'gcp', i / PER_STACK);
      azureStack = tfStack(apps.tf, 'azure', i / PER_STACK);
      chart = new cdk8s.Chart(apps.k8s, `cluster-${i / PER_STACK}`);
    }
    const { name, serviceAccount } = names(i);
    const subject = `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`;
    const identityAnnotations = { 'eks.amazonaws.com/role-arn': `arn:aws:iam::123456789012:role/${name}`, 'eks.amazonaws.com/token-expiration': '3600' };
    const role = new iam.Role(awsStack, name, {
      roleName: name,
      description: `Workload ${serviceAccount.namespace}/${serviceAccount.name}. Owner team-bench: benchmark workload`,
      maxSessionDuration: cdk.Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(provider.oidcProviderArn, { StringEquals: { [`${hostPath}:aud`]: 'sts.amazonaws.com', [`${hostPath}:sub`]: subject } }),
    });
    for (const [k, v] of Object.entries(fields)) cdk.Tags.of(role).add(`keyless:${k}`, v);
    const gsa = new ServiceAccount(gcpStack, `${name}-sa`, { project: 'acme-bench', accountId: name, displayName: name, description });
    new ServiceAccountIamMember(gcpStack, `${name}-wi`, { serviceAccountId: gsa.name, role: 'roles/iam.workloadIdentityUser', member: `serviceAccount:acme-bench.svc.id.goog[${serviceAccount.namespace}/${serviceAccount.name}]` });
    const identity = new UserAssignedIdentity(azureStack, `${name}-id`, {
      name, resourceGroupName: 'rg-bench', location: 'westeurope', tags: Object.fromEntries(Object.entries(fields).map(([k, v]) => [`keyless-${k}`, v])),
    });
    new FederatedIdentityCredential(azureStack, `${name}-fic`, {
      name: `system-serviceaccount-${serviceAccount.namespace}-${serviceAccount.name}-0123456789`,
      resourceGroupName: 'rg-bench',
      parentId: identity.id,
      issuer: AKS_ISSUER,
      subject,
      audience: ['api://AzureADTokenExchange'],
    });
    new cdktf.TerraformOutput(azureStack, `${name}-client-id`, { value: identity.clientId, description: `Client id for the azure.workload.identity/client-id annotation of ${serviceAccount.namespace}/${serviceAccount.name}` });
    new cdk8s.ApiObject(chart, name, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      automountServiceAccountToken: false,
      metadata: {
        ...serviceAccount,
        labels: k8sLabels,
        annotations: { ...identityAnnotations, ...k8sAnnotations, [ADMISSION_POLICY_ANNOTATION]: admissionPolicyName(serviceAccount) },
      },
    });
    // The admission policy and binding Keyless renders beside an identity-bound ServiceAccount: the same objects, as
    // raw ApiObjects (their content is the policy itself, so it is built by the same pure function).
    const admission = { serviceAccount, identityAnnotations, labels: k8sLabels };
    new cdk8s.ApiObject(chart, `${name}-policy`, identityAdmissionPolicy(admission) as cdk8s.ApiObjectProps);
    new cdk8s.ApiObject(chart, `${name}-binding`, identityAdmissionPolicyBinding(admission) as cdk8s.ApiObjectProps);
  }
}

/** Synthesizes every app. */
export function synthAll(apps: BenchApps): void {
  apps.aws.synth();
  apps.tf.synth();
  apps.k8s.synth();
}
