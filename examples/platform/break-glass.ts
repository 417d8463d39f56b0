/**
 * Platform example: emergency access for the SRE on-call, on every cloud, for named humans only, strongly
 * authenticated, attributable, alerting on use, and closing by itself on 2027-01-31.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cdk from 'aws-cdk-lib/core';
import * as cdktf from 'cdktf';
import { Ownership } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';

const ownership: Ownership = {
  owner: 'team-sre',
  purpose: 'emergency repair of the payments EKS node groups',
  environment: 'production',
  tier: 1,
  reviewBy: '2027-01-31',
};
const expires = '2027-01-31';

export function awsBreakGlass(app: cdk.App): cdk.Stack {
  const stack = new cdk.Stack(app, 'platform-break-glass-aws', { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false });
  new aws.BreakGlassRole(stack, 'PaymentsNodegroups', {
    name: 'payments-break-glass',
    ownership,
    expires,
    humans: [
      { principalArn: 'arn:aws:iam::123456789012:user/alice', sourceIdentity: 'alice' },
      { principalArn: 'arn:aws:iam::123456789012:user/bob', sourceIdentity: 'bob' },
    ],
    statements: [new iam.PolicyStatement({
      actions: ['eks:DescribeNodegroup', 'eks:UpdateNodegroupConfig'],
      resources: ['arn:aws:eks:eu-west-1:123456789012:nodegroup/payments-prod/*'],
    })],
    alarmTopic: sns.Topic.fromTopicArn(stack, 'SecurityAlerts', 'arn:aws:sns:eu-west-1:123456789012:security-alerts'),
  });
  return stack;
}

export function gcpBreakGlass(app: cdktf.App): cdktf.TerraformStack {
  const stack = new cdktf.TerraformStack(app, 'platform-break-glass-gcp');
  new cdktf.LocalBackend(stack, { path: 'terraform.platform-break-glass-gcp.tfstate' });
  new GoogleProvider(stack, 'google', { project: 'acme-payments-prod' });
  new gcp.BreakGlassAccess(stack, 'GkeAdmin', {
    name: 'payments-gke-break-glass',
    ownership: { ...ownership, purpose: 'emergency repair of the payments GKE cluster' },
    expires,
    project: 'acme-payments-prod',
    role: 'roles/container.admin',
    members: ['group:sre-oncall@example.com'],
    mode: 'privileged-access-manager',
    approvers: ['group:security-oncall@example.com'],
  });
  return stack;
}

export function azureBreakGlass(app: cdktf.App): cdktf.TerraformStack {
  const stack = new cdktf.TerraformStack(app, 'platform-break-glass-azure');
  new cdktf.LocalBackend(stack, { path: 'terraform.platform-break-glass-azure.tfstate' });
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  new azure.BreakGlassAssignment(stack, 'AksContributor', {
    ownership: { ...ownership, purpose: 'emergency repair of the payments AKS cluster' },
    expires,
    scope: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-payments-aks',
    // Azure Kubernetes Service Contributor Role
    roleDefinitionId: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/providers/Microsoft.Authorization/roleDefinitions/ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8',
    principalId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    justification: 'SRE on-call emergency access to repair the payments AKS cluster',
  });
  return stack;
}
