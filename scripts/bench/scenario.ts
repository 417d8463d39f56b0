/**
 * The benchmark scenario: N workload identities, each on AWS (an IRSA role), GCP (a Google service account the
 * Kubernetes service account may impersonate), Azure (a user-assigned identity with one federated credential) and
 * Kubernetes (the ServiceAccount, annotated for AWS, with its admission policy and binding). Every default-on feature
 * is on: the identities are tier 1, so each is watched (detections routed through the `keyless:detections` context:
 * an EventBridge rule per role, a log-based metric and alert policy per impersonated service account, a scheduled
 * query alert per managed identity), the OIDC provider is the account-wide singleton of each stack, and the Keyless
 * guardrails are attached to all three apps. Built with Keyless, or with the raw frameworks producing the same
 * resources (the baseline, which has no validation and no guardrails: hand-written code has neither).
 */
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk from 'aws-cdk-lib/core';
import * as cdk8s from 'cdk8s';
import * as cdktf from 'cdktf';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import * as k8s from '../../src/constructs/k8s';
import { DetectionRoutes } from '../../src/core/detections';
import { ADMISSION_POLICY_ANNOTATION, admissionPolicyName, identityAdmissionPolicy, identityAdmissionPolicyBinding } from '../../src/core/kubernetes-admission';
import { Ownership } from '../../src/core/ownership';
import { addAwsGuardrails, addKubernetesGuardrails, addTerraformGuardrails } from '../../src/guardrails';

export const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C';
export const AKS_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/';
const ENV = { account: '123456789012', region: 'eu-west-1' };
/** Identities per Terraform stack and per chart, in both variants. */
const PER_STACK = 400;
/**
 * AWS resources per identity: the role and its detection rule. IdentityStacks' default budget is 400 per stack, one of
 * which is the stack's OIDC provider: 199 identities per stack.
 */
const AWS_RESOURCES_PER_IDENTITY = 2;
const AWS_PER_STACK = Math.floor((400 - 1) / AWS_RESOURCES_PER_IDENTITY);
/** Tier 1: detections are on by default. */
const ownership: Ownership = { owner: 'team-bench', purpose: 'benchmark workload', environment: 'production', tier: 1, reviewBy: '2027-04-30' };
/** Where the detections go: the security team's SNS topic, Cloud Monitoring channel, Azure action group and workspace. */
export const ROUTES: DetectionRoutes = {
  aws: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:security-alerts' },
  gcp: { notificationChannels: ['projects/acme-security/notificationChannels/1234567890'] },
  azure: {
    actionGroupId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.insights/actionGroups/soc',
    logAnalyticsWorkspaceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.operationalinsights/workspaces/entra-signins',
  },
};

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
  // Both variants get the same context; only Keyless reads it.
  const context = { 'keyless:today': '2026-11-22', 'keyless:detections': ROUTES };
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

/** N identities with Keyless, with its guardrails attached to every app unless `guardrails` is false (for attribution). */
export function keyless(apps: BenchApps, n: number, guardrails = true): void {
  if (guardrails) addAwsGuardrails(apps.aws);
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
    const role = new aws.WorkloadIdentity(stacks.stackFor(AWS_RESOURCES_PER_IDENTITY), name, { name, ownership, serviceAccount, eks: { kind: 'irsa', issuerUrl: ISSUER } });
    new gcp.WorkloadIdentity(gcpStack, name, { name, ownership, serviceAccount, project: 'acme-bench', access: 'impersonation' });
    new azure.WorkloadIdentity(azureStack, name, { name, ownership, serviceAccount, clusterIssuerUrl: AKS_ISSUER, resourceGroupName: 'rg-bench', location: 'westeurope' });
    new k8s.WorkloadServiceAccount(chart, name, { ...serviceAccount, ownership, identity: k8s.CloudIdentityBinding.aws(role) });
  }
  // As examples/synth.ts: once per app, after every stack and chart exists.
  if (guardrails) {
    addTerraformGuardrails(apps.tf);
    addKubernetesGuardrails(apps.k8s);
  }
}

/** The same resources, hand-written in the raw frameworks (no validation). */
export function baseline(apps: BenchApps, n: number): void {
  let awsStack!: cdk.Stack;
  let providerArn!: string;
  let gcpStack!: cdktf.TerraformStack;
  let azureStack!: cdktf.TerraformStack;
  let chart!: cdk8s.Chart;
  const hostPath = ISSUER.replace('https://', '');
  // The same tags, labels, annotations and descriptions Keyless renders, written by hand.
  const fields = { 'environment': 'production', 'managed-by': 'keyless', 'owner': 'team-bench', 'purpose': 'benchmark workload', 'review-by': '2027-04-30', 'tier': '1' };
  const description = Object.entries(fields).map(([k, v]) => `${k}=${v}`).join('; ');
  // GCP labels: values lower case, letters, digits, `_` and `-` only.
  const gcpLabels = Object.fromEntries(Object.entries(fields).map(([k, v]) => [`keyless-${k}`, v.replace(/ /g, '_')]));
  const k8sLabels = { 'app.kubernetes.io/managed-by': 'keyless', 'keyless.dev/environment': 'production', 'keyless.dev/owner': 'team-bench', 'keyless.dev/review-by': '2027-04-30', 'keyless.dev/tier': '1' };
  const k8sAnnotations = { 'keyless.dev/environment': 'production', 'keyless.dev/owner': 'team-bench', 'keyless.dev/purpose': 'benchmark workload', 'keyless.dev/review-by': '2027-04-30', 'keyless.dev/tier': '1' };
  for (let i = 0; i < n; i++) {
    if (i % AWS_PER_STACK === 0) {
      const index = i / AWS_PER_STACK;
      awsStack = new cdk.Stack(apps.aws, index === 0 ? 'identities' : `identities-${index + 1}`, { env: ENV });
      // One OIDC provider per account and issuer (as Keyless's singleton): in the first stack, referenced by ARN from the others.
      if (index === 0) {
        const provider = new iam.OidcProviderNative(awsStack, 'Provider', { url: ISSUER, clientIds: ['sts.amazonaws.com'] });
        provider.applyRemovalPolicy(cdk.RemovalPolicy.RETAIN);
        cdk.Tags.of(provider).add('keyless:managed-by', 'keyless');
        providerArn = provider.oidcProviderArn;
      } else {
        providerArn = `arn:${cdk.Aws.PARTITION}:iam::${ENV.account}:oidc-provider/${hostPath}`;
      }
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
      assumedBy: new iam.WebIdentityPrincipal(providerArn, { StringEquals: { [`${hostPath}:aud`]: 'sts.amazonaws.com', [`${hostPath}:sub`]: subject } }),
    });
    for (const [k, v] of Object.entries(fields)) cdk.Tags.of(role).add(`keyless:${k}`, v);
    // The detection rule: refused web-identity assumptions of the role, and assumptions by an undeclared subject.
    new events.CfnRule(awsStack, `${name}-detections`, {
      description: `Keyless detections for role ${name}: refused AssumeRoleWithWebIdentity calls, and assumptions by a subject the trust was not declared for`,
      eventPattern: {
        'source': ['aws.sts'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': {
          eventSource: ['sts.amazonaws.com'],
          eventName: ['AssumeRoleWithWebIdentity'],
          requestParameters: { roleArn: [`arn:aws:iam::123456789012:role/${name}`] },
          $or: [{ errorCode: [{ exists: true }] }, { userIdentity: { userName: [{ 'anything-but': [subject] }] } }],
        },
      },
      state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      targets: [{ id: 'Target0', arn: ROUTES.aws!.topicArn! }],
    });
    const gsa = new ServiceAccount(gcpStack, `${name}-sa`, { project: 'acme-bench', accountId: name, displayName: name, description });
    const ksa = `serviceAccount:acme-bench.svc.id.goog[${serviceAccount.namespace}/${serviceAccount.name}]`;
    new ServiceAccountIamMember(gcpStack, `${name}-wi`, { serviceAccountId: gsa.name, role: 'roles/iam.workloadIdentityUser', member: ksa });
    // The detection: GenerateAccessToken on the account by anyone but the Kubernetes service account, and its alert.
    const email = `${name}@acme-bench.iam.gserviceaccount.com`;
    const metricName = `keyless/foreign-impersonation/${name}`;
    const metric = new LoggingMetric(gcpStack, `${name}-metric`, {
      project: 'acme-bench',
      name: metricName,
      description: `Keyless detections for ${name}: impersonation of ${email} by an undeclared principal. Counts the matching audit log entries.`,
      filter: 'protoPayload.serviceName="iamcredentials.googleapis.com" AND (protoPayload.methodName="GenerateAccessToken" OR '
        + 'protoPayload.methodName="google.iam.credentials.v1.IAMCredentials.GenerateAccessToken") AND resource.type="service_account" AND '
        + `resource.labels.email_id="${email}" AND NOT (protoPayload.authenticationInfo.principalSubject="${ksa}")`,
      metricDescriptor: { displayName: `Keyless: undeclared principal impersonated ${name}`, metricKind: 'DELTA', unit: '1', valueType: 'INT64' },
    });
    new MonitoringAlertPolicy(gcpStack, `${name}-alert`, {
      project: 'acme-bench',
      displayName: `Keyless detections for ${name}: impersonation of ${email} by an undeclared principal`,
      combiner: 'OR',
      severity: 'CRITICAL',
      alertStrategy: { autoClose: '1800s' },
      conditions: [{
        displayName: `${metricName} > 0`,
        conditionThreshold: {
          filter: `metric.type="logging.googleapis.com/user/${metricName}"`,
          comparison: 'COMPARISON_GT',
          thresholdValue: 0,
          duration: '0s',
          trigger: { count: 1 },
          aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM' }],
        },
      }],
      documentation: {
        mimeType: 'text/markdown',
        subject: `Keyless: undeclared principal impersonated ${name}`,
        content: `**What fired**: a principal other than the ones \`${name}\` declares asked for an access token of \`${email}\` (\`GenerateAccessToken\`).\n`
          + 'The impersonation binding was widened outside the declaration, or another provider of a shared pool minted a principal this trust was not written for.\n\n'
          + '**What to do**: open the `iamcredentials.googleapis.com` Data Access audit log entries for the account (`protoPayload.authenticationInfo.principalSubject` names the caller).\n'
          + 'Remove any binding on the account that the declaration does not make; if the caller is unknown, revoke the identity with `revoked: { sessionsIssuedBefore, reason }`.',
      },
      notificationChannels: ROUTES.gcp!.notificationChannels,
      userLabels: { ...gcpLabels, 'keyless-detection': 'foreign-impersonation', 'keyless-identity': name },
      dependsOn: [metric],
    });
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
    // The detection: federated sign-ins of the identity that Entra ID refused.
    new MonitorScheduledQueryRulesAlertV2(azureStack, `${name}-detections`, {
      name: `keyless-refused-signin-${name}`,
      displayName: `Keyless detections for managed identity ${name}: refused sign-ins`,
      description: `Keyless detections for managed identity ${name}: federated sign-ins Entra ID refused (AADManagedIdentitySignInLogs, ResultType other than 0), `
        + 'e.g. a token whose issuer, subject or audience no federated credential matches: probing, a stolen token from another context, or a broken pipeline.',
      resourceGroupName: 'rg-bench',
      location: 'westeurope',
      scopes: [ROUTES.azure!.logAnalyticsWorkspaceId!],
      severity: 1,
      evaluationFrequency: 'PT5M',
      windowDuration: 'PT10M',
      autoMitigationEnabled: false,
      criteria: [{
        query: `AADManagedIdentitySignInLogs\n| where ServicePrincipalId =~ "${identity.principalId}" or AppId =~ "${identity.clientId}"\n| where ResultType != "0"\n`
          + `| extend KeylessIdentity = "${name}"\n| project TimeGenerated, ServicePrincipalId, AppId, ResultType, ResultDescription, FederatedCredentialId, IPAddress, CorrelationId, KeylessIdentity`,
        timeAggregationMethod: 'Count',
        operator: 'GreaterThan',
        threshold: 0,
        failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
      }],
      action: { actionGroups: [ROUTES.azure!.actionGroupId] },
      tags: { 'keyless-detection': 'refused-exchange', 'keyless-identity': name },
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
