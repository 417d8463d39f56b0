/**
 * The hand-written equivalent of `checkoutService` (examples/templates/app-team.ts) in the raw frameworks: the same
 * resources, written without Keyless. Used to measure what the template saves (README) and as the benchmark
 * baseline. It has none of Keyless's validation.
 */
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { CfnPodIdentityAssociation } from 'aws-cdk-lib/aws-eks';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk from 'aws-cdk-lib/core';
import { ApiObject } from 'cdk8s';
import { TerraformOutput } from 'cdktf';
import type { TeamTargets } from '../templates/app-team';

// --- BEGIN hand-written equivalent ---
export function checkoutServiceRaw(t: TeamTargets): void {
  const name = 'checkout-api';
  const namespace = 'checkout-api';
  const owner = { owner: 'team-checkout', purpose: 'checkout service', environment: 'production', tier: '2', reviewBy: '2027-05-15' };
  // AWS: a role for EKS Pod Identity, pinned to the cluster, namespace and service account.
  const role = new iam.Role(t.awsStack, 'CheckoutApiRole', {
    roleName: name,
    maxSessionDuration: cdk.Duration.hours(1),
    assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com').withConditions({
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': cdk.Stack.of(t.awsStack).formatArn({ service: 'eks', resource: 'cluster', resourceName: 'prod-eu' }),
        'aws:RequestTag/eks-cluster-name': 'prod-eu',
        'aws:RequestTag/kubernetes-namespace': namespace,
        'aws:RequestTag/kubernetes-service-account': name,
        'aws:SourceAccount': cdk.Stack.of(t.awsStack).account,
      },
    })),
  });
  for (const [key, value] of Object.entries({ ...owner, 'managed-by': 'hand' })) cdk.Tags.of(role).add(`owner:${key}`, value);
  new CfnPodIdentityAssociation(t.awsStack, 'CheckoutApiAssociation', { clusterName: 'prod-eu', namespace, serviceAccount: name, roleArn: role.roleArn });
  new iam.Policy(t.awsStack, 'CheckoutApiAccess', {
    roles: [role],
    statements: [new iam.PolicyStatement({ sid: 'SendMessages', actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:eu-west-1:123456789012:checkout-orders'] })],
  });
  // AWS detection: refused Pod Identity AssumeRole calls for the role, to the security topic.
  new events.CfnRule(t.awsStack, 'CheckoutApiDetections', {
    eventPattern: {
      'source': ['aws.sts'],
      'detail-type': ['AWS API Call via CloudTrail'],
      'detail': { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRole'], requestParameters: { roleArn: [role.roleArn] }, errorCode: [{ exists: true }] },
    },
    state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    targets: [{ id: 'Target0', arn: 'arn:aws:sns:eu-west-1:123456789012:security-identity-alerts' }],
  });
  // GCP: a Google service account the KSA may impersonate, and the topic grant.
  const gsa = new ServiceAccount(t.gcpStack, 'CheckoutApiSa', {
    project: 'acme-checkout-prod',
    accountId: name,
    displayName: name,
    description: `environment=${owner.environment}; owner=${owner.owner}; purpose=${owner.purpose}; review-by=${owner.reviewBy}; tier=${owner.tier}`,
  });
  new ServiceAccountIamMember(t.gcpStack, 'CheckoutApiWorkloadIdentityUser', {
    serviceAccountId: gsa.name, role: 'roles/iam.workloadIdentityUser', member: `serviceAccount:acme-checkout-prod.svc.id.goog[${namespace}/${name}]`,
  });
  new PubsubTopicIamMember(t.gcpStack, 'CheckoutApiPublisher', {
    project: 'acme-checkout-prod', topic: 'checkout-orders', role: 'roles/pubsub.publisher', member: `serviceAccount:${name}@acme-checkout-prod.iam.gserviceaccount.com`,
  });
  // GCP detection: GenerateAccessToken on the service account by anyone but the KSA, to the security channel.
  const metric = new LoggingMetric(t.gcpStack, 'CheckoutApiForeignImpersonation', {
    project: 'acme-checkout-prod',
    name: `foreign-impersonation/${name}`,
    filter: `protoPayload.serviceName="iamcredentials.googleapis.com" AND protoPayload.methodName="GenerateAccessToken" AND resource.labels.email_id="${name}@acme-checkout-prod.iam.gserviceaccount.com"`
      + ` AND NOT protoPayload.authenticationInfo.principalSubject="serviceAccount:acme-checkout-prod.svc.id.goog[${namespace}/${name}]"`,
    metricDescriptor: { metricKind: 'DELTA', valueType: 'INT64', unit: '1' },
  });
  new MonitoringAlertPolicy(t.gcpStack, 'CheckoutApiForeignImpersonationAlert', {
    project: 'acme-checkout-prod',
    displayName: `${name}: impersonated by an undeclared principal`,
    combiner: 'OR',
    notificationChannels: ['projects/acme-security/notificationChannels/4417283949201934'],
    conditions: [{
      displayName: 'foreign impersonation',
      conditionThreshold: { filter: `metric.type="logging.googleapis.com/user/${metric.name}"`, comparison: 'COMPARISON_GT', thresholdValue: 0, duration: '0s' },
    }],
  });
  // Azure: a user-assigned identity with one federated credential for the AKS issuer.
  const identity = new UserAssignedIdentity(t.azureStack, 'CheckoutApiIdentity', {
    name,
    resourceGroupName: 'rg-checkout-identity',
    location: 'westeurope',
    tags: Object.fromEntries(Object.entries(owner).map(([k, v]) => [`owner-${k}`, v])),
  });
  new FederatedIdentityCredential(t.azureStack, 'CheckoutApiCredential', {
    name: `${name}-aks`,
    resourceGroupName: 'rg-checkout-identity',
    parentId: identity.id,
    audience: ['api://AzureADTokenExchange'],
    issuer: 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/',
    subject: `system:serviceaccount:${namespace}:${name}`,
  });
  new TerraformOutput(t.azureStack, 'CheckoutApiClientId', { value: identity.clientId });
  // Azure detection: refused federated sign-ins of the identity, to the security action group.
  new MonitorScheduledQueryRulesAlertV2(t.azureStack, 'CheckoutApiRefusedSignIns', {
    name: `refused-signin-${name}`,
    resourceGroupName: 'rg-checkout-identity',
    location: 'westeurope',
    scopes: ['/subscriptions/8f3b2c1d-0a4e-4b6f-9c7d-2e1f0a9b8c7d/resourceGroups/security/providers/microsoft.operationalinsights/workspaces/entra-signins'],
    severity: 1,
    evaluationFrequency: 'PT5M',
    windowDuration: 'PT10M',
    criteria: [{
      query: `AADManagedIdentitySignInLogs | where ServicePrincipalId =~ "${identity.principalId}" | where ResultType != "0"`,
      timeAggregationMethod: 'Count',
      operator: 'GreaterThan',
      threshold: 0,
    }],
    action: { actionGroups: ['/subscriptions/8f3b2c1d-0a4e-4b6f-9c7d-2e1f0a9b8c7d/resourceGroups/security/providers/microsoft.insights/actionGroups/identity-alerts'] },
  });
  new RoleAssignment(t.azureStack, 'CheckoutApiSender', {
    scope: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-checkout/providers/Microsoft.ServiceBus/namespaces/acme-checkout/queues/checkout-orders',
    roleDefinitionName: 'Azure Service Bus Data Sender',
    principalId: identity.principalId,
    principalType: 'ServicePrincipal',
  });
  // Kubernetes: on each cluster a hardened ServiceAccount with the cloud's annotation, and the Deployment.
  const annotations: Array<[typeof t.eksChart, Record<string, string>, Record<string, string>]> = [
    [t.eksChart, {}, {}],
    [t.gkeChart, { 'iam.gke.io/gcp-service-account': `${name}@acme-checkout-prod.iam.gserviceaccount.com` }, {}],
    [t.aksChart, { 'azure.workload.identity/client-id': '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }, { 'azure.workload.identity/use': 'true' }],
  ];
  for (const [chart, saAnnotations, podLabels] of annotations) {
    const labels = { 'app.kubernetes.io/name': name };
    new ApiObject(chart, 'CheckoutApiServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      automountServiceAccountToken: false,
      metadata: { name, namespace, labels: { 'owner': owner.owner, 'environment': owner.environment, 'review-by': owner.reviewBy }, annotations: saAnnotations },
    });
    new ApiObject(chart, 'CheckoutApiDeployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels: { ...labels, ...podLabels } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            containers: [{
              name,
              image: 'registry.example.com/checkout-api:3.1.0',
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
            }],
          },
        },
      },
    });
  }
}
// --- END hand-written equivalent ---
