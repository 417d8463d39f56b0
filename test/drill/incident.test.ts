/**
 * The revocation drill, on the incident example (examples/platform/incident.ts): the nightly-export pipeline's
 * identity on AWS, GCP and Azure, built before and after its one-line revocation, and evaluated with the
 * independent evaluators (the IAM engine for the AWS trust and session, CEL and the bindings for GCP, Entra's exact
 * credential match for Azure). Before: the pipeline's legitimate token gets in and its session can act. After: the
 * same token is refused on every cloud, a session issued before the moment can no longer act, and nothing grants
 * the identity anything.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib/core';
import * as cdktf from 'cdktf';
import { Testing } from 'cdktf';
import { awsIncident, azureIncident, gcpIncident, INCIDENT_REVOCATION } from '../../examples/platform/incident';
import { EXAMPLE_DETECTION_ROUTES, EXAMPLES_TODAY } from '../../examples/synth';
import { buildInventory, diffInventories, readInventoryInput } from '../../src/inventory';
import { permissionAllowed } from '../helpers/aws-permission-evaluator';
import { assumeRoleWithWebIdentityAllowed } from '../helpers/aws-trust-evaluator';
import { azureTokenAccepted } from '../helpers/azure-token-exchange';
import { findWorkloadIdentityProvider, gcpTokenExchange, synthesizedMembers } from '../helpers/gcp-token-exchange';
import { tfResources } from '../helpers/synth';
import { githubToken } from '../helpers/tokens';

const ACCOUNT = '123456789012';
const context = { 'keyless:today': EXAMPLES_TODAY, 'keyless:detections': EXAMPLE_DETECTION_ROUTES };
/** The pipeline's run on main: the token it presents on every cloud (the repository emits immutable subjects). */
const run = { owner: 'acme', repository: 'nightly-export', ownerId: '1342004', repositoryId: '90411873', ref: 'refs/heads/main', format: 'immutable' } as const;

function awsTemplate(revoked: boolean): { template: any; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-drill-aws-'));
  const app = new cdk.App({ outdir: dir, context: { ...context, 'aws:cdk:disable-creation-stack-traces': true }, stackTraces: false });
  const trust = awsIncident(app, revoked ? INCIDENT_REVOCATION : null);
  app.synth();
  return { template: JSON.parse(fs.readFileSync(path.join(dir, `${cdk.Stack.of(trust).stackName}.template.json`), 'utf8')), dir };
}

function tfJson(build: (app: cdktf.App) => unknown): any {
  const app = Testing.app();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  build(app);
  const stack = app.node.children.find((c) => c instanceof cdktf.TerraformStack) as cdktf.TerraformStack;
  return JSON.parse(Testing.synth(stack));
}

describe('revocation drill: the incident example, before and after its one-line revocation', () => {
  const before = awsTemplate(false);
  const after = awsTemplate(true);
  afterAll(() => [before.dir, after.dir].forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  test('AWS: the legitimate token was admitted and is refused; a session issued before the moment can no longer put an object', async () => {
    const token = githubToken({ ...run, aud: 'sts.amazonaws.com' });
    expect(assumeRoleWithWebIdentityAllowed(before.template, 'nightly-export', token, { account: ACCOUNT })).toBe(true);
    expect(assumeRoleWithWebIdentityAllowed(after.template, 'nightly-export', token, { account: ACCOUNT })).toBe(false);
    // The session the leaked token opened at 09:10, a few minutes before the revocation moment (09:30).
    const put = { action: 's3:PutObject', resource: 'arn:aws:s3:::acme-partner-exports/nightly/2026-11-22.csv', context: { 'aws:TokenIssueTime': '2026-11-22T09:10:00Z' } };
    expect(await permissionAllowed(before.template, 'nightly-export', put, { account: ACCOUNT })).toBe(true);
    expect(await permissionAllowed(after.template, 'nightly-export', put, { account: ACCOUNT })).toBe(false);
  });

  test('GCP: the token was exchanged and could impersonate the account; after, STS refuses it and no binding names it', () => {
    const token = githubToken({ ...run, aud: 'https://iam.googleapis.com/projects/523456789012/locations/global/workloadIdentityPools/ci-github/providers/nightly-export' });
    const exchange = (json: any) => gcpTokenExchange({ stack: json, provider: findWorkloadIdentityProvider(json), projectNumber: '523456789012', poolId: 'ci-github', claims: token });
    const gcpBefore = tfJson((app) => gcpIncident(app, null));
    const gcpAfter = tfJson((app) => gcpIncident(app));
    const impersonators = (json: any) => synthesizedMembers(json, 'google_service_account_iam_member', 'roles/iam.workloadIdentityUser');
    const was = exchange(gcpBefore);
    expect(was.exchanged).toBe(true);
    expect(impersonators(gcpBefore).some((member) => was.principals.includes(member))).toBe(true);
    expect(exchange(gcpAfter)).toEqual({ exchanged: false, principals: [], reason: 'provider disabled' });
    expect(impersonators(gcpAfter)).toEqual([]);
    expect(Object.values(tfResources(gcpAfter, 'google_service_account')).map((sa: any) => sa.disabled)).toEqual([true]);
  });

  test('Azure: the token signed in through its federated credential; after, no credential matches and no role assignment remains', () => {
    const token = githubToken({ ...run, aud: 'api://AzureADTokenExchange' });
    const azBefore = tfJson((app) => azureIncident(app, null));
    const azAfter = tfJson((app) => azureIncident(app));
    const [identity] = Object.keys(tfResources(azBefore, 'azurerm_user_assigned_identity'));
    expect(azureTokenAccepted(azBefore, identity, token)).toBe(true);
    expect(Object.keys(tfResources(azBefore, 'azurerm_role_assignment'))).toHaveLength(1);
    expect(azureTokenAccepted(azAfter, identity, token)).toBe(false);
    expect(tfResources(azAfter, 'azurerm_role_assignment')).toEqual({});
    // Still watched: an attempt to use the revoked identity alerts.
    expect(Object.keys(tfResources(azAfter, 'azurerm_monitor_scheduled_query_rules_alert_v2'))).toHaveLength(1);
  });

  test('review: the inventory says revoked, when and why, and the diff reports the revocation as a narrowing', () => {
    const inventory = (dir: string) => buildInventory(readInventoryInput([dir]), { today: EXAMPLES_TODAY });
    const base = inventory(before.dir);
    const head = inventory(after.dir);
    expect(head.identities.find((r) => r.id === 'aws:role:nightly-export')?.revoked).toEqual({ at: INCIDENT_REVOCATION.sessionsIssuedBefore, reason: INCIDENT_REVOCATION.reason });
    expect(head.metrics.revokedIdentities).toEqual({ count: 1, ids: ['aws:role:nightly-export'] });
    const changes = diffInventories(base, head).identities.flatMap((i) => i.changes.map((c) => [c.type, c.direction]));
    expect(changes).toContainEqual(['identity-revoked', 'narrowing']);
    expect(changes.filter(([, direction]) => direction === 'broadening')).toEqual([]);
  });
});
