/**
 * Incident example: the nightly export pipeline's runner leaked its token (INC-4711). The platform team revoked its
 * identity on every cloud with one line per identity, `revoked: { sessionsIssuedBefore, reason }`, and keeps the
 * declaration (so the diff, the inventory and the review say who was revoked, when and why) until the pipeline is
 * rebuilt. Its detections stay on: any attempt to use the revoked identity alerts the security team.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk from 'aws-cdk-lib/core';
import * as cdktf from 'cdktf';
import { GitHubActions, Ownership, Revocation } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';

const ownership: Ownership = {
  owner: 'team-data',
  purpose: 'nightly export to the partner bucket',
  environment: 'production',
  tier: 1,
  reviewBy: '2027-03-31',
};

const exporter = GitHubActions.repository({
  owner: 'acme', repository: 'nightly-export', ownerId: '1342004', repositoryId: '90411873', subjectFormat: 'immutable', branches: ['main'],
});

/** The one-line change, written once: every session issued before the moment is denied, no new one is issued. */
export const INCIDENT_REVOCATION: Revocation = { sessionsIssuedBefore: '2026-11-22T09:30:00Z', reason: 'INC-4711 runner token leaked' };

/** `revoked` is the incident's revocation; the drill (test/drill/incident.test.ts) builds the identity before it too (`null`). */
export function awsIncident(app: cdk.App, revoked: Revocation | null = INCIDENT_REVOCATION): aws.CiOidcTrust {
  const stack = new cdk.Stack(app, 'platform-incident-aws', { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false });
  const trust = new aws.CiOidcTrust(stack, 'NightlyExport', { name: 'nightly-export', ownership, source: exporter, revoked: revoked ?? undefined });
  trust.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::acme-partner-exports/nightly/*'] }));
  return trust;
}

export function gcpIncident(app: cdktf.App, revoked: Revocation | null = INCIDENT_REVOCATION): gcp.CiOidcTrust {
  const stack = new cdktf.TerraformStack(app, 'platform-incident-gcp');
  new cdktf.LocalBackend(stack, { path: 'terraform.platform-incident-gcp.tfstate' });
  new GoogleProvider(stack, 'google', { project: 'acme-data-prod' });
  return new gcp.CiOidcTrust(stack, 'NightlyExport', {
    name: 'nightly-export',
    ownership,
    source: exporter,
    project: 'acme-data-prod',
    projectNumber: '523456789012',
    poolId: 'ci-github',
    access: 'impersonation',
    revoked: revoked ?? undefined,
  });
}

export function azureIncident(app: cdktf.App, revoked: Revocation | null = INCIDENT_REVOCATION): azure.CiOidcTrust {
  const stack = new cdktf.TerraformStack(app, 'platform-incident-azure');
  new cdktf.LocalBackend(stack, { path: 'terraform.platform-incident-azure.tfstate' });
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const trust = new azure.CiOidcTrust(stack, 'NightlyExport', {
    name: 'nightly-export', ownership, source: exporter, resourceGroupName: 'rg-data-identity', location: 'westeurope', revoked: revoked ?? undefined,
  });
  // Declared as usual; while revoked, no assignment is rendered (and none of the identity's federated credentials).
  trust.assignRole('ExportWriter', {
    scope: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/acmepartnerexports',
    roleDefinitionName: 'Storage Blob Data Contributor',
  });
  return trust;
}
