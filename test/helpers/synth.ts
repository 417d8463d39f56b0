import * as cdk from 'aws-cdk-lib/core';
import { Testing, TerraformStack } from 'cdktf';
import { DetectionRoutes, Ownership } from '../../src';

/** Fixed "today" for deterministic review-by checks in tests. */
export const TODAY = '2026-11-22';

export const OWNERSHIP: Ownership = {
  owner: 'team-payments',
  purpose: 'deploy payments-api from CI',
  environment: 'production',
  tier: 1,
  reviewBy: '2027-04-30',
};

/** A GKE workload identity (impersonation) and an AKS one, for tests that need one of each, any identity. */
export const GKE_WORKLOAD_PROPS = {
  name: 'payments-api',
  ownership: OWNERSHIP,
  serviceAccount: { namespace: 'payments', name: 'payments-api' },
  project: 'acme-payments-prod',
  access: 'impersonation' as const,
};
export const AKS_WORKLOAD_PROPS = {
  name: 'payments-api',
  ownership: OWNERSHIP,
  serviceAccount: { namespace: 'payments', name: 'payments-api' },
  resourceGroupName: 'rg-payments',
  location: 'westeurope',
  clusterIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/',
};

/** Where the test apps send detections (tier 1 identities are watched by default and need a route). */
export const DETECTION_ROUTES: DetectionRoutes = {
  aws: {
    topicArn: 'arn:aws:sns:eu-west-1:123456789012:security-alerts',
    topicArnsByRegion: { 'us-east-1': 'arn:aws:sns:us-east-1:123456789012:security-alerts' },
  },
  gcp: { notificationChannels: ['projects/acme-security/notificationChannels/1234567890'] },
  azure: {
    actionGroupId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.insights/actionGroups/soc',
    logAnalyticsWorkspaceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.operationalinsights/workspaces/entra-signins',
  },
};

/** An aws-cdk-lib stack in an app with a pinned date and the test detection routes. */
export function awsStack(id = 'Platform'): cdk.Stack {
  const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  return new cdk.Stack(app, id, { analyticsReporting: false });
}

/** A cdktf stack in an app with a pinned date and the test detection routes. */
export function tfStack(id = 'platform'): TerraformStack {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  app.node.setContext('keyless:detections', DETECTION_ROUTES);
  return new TerraformStack(app, id);
}

/** Synthesizes a cdktf stack to its Terraform JSON. */
export function tfJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** Resources of one type in a Terraform JSON document, by logical id. */
export function tfResources(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}
