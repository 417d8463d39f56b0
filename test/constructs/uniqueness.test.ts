/**
 * Provider-side names that must be unique per account, project or resource group are checked across every stack
 * of the app at synthesis: the provider would otherwise refuse the second at deploy, after the first was deployed.
 */
import { App, Stack } from 'aws-cdk-lib/core';
import { TerraformStack, Testing } from 'cdktf';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { GitHubActions } from '../../src/core';
import { DETECTION_ROUTES } from '../helpers/synth';
import { PAYMENTS } from '../helpers/tokens';

const TODAY = '2026-11-22';
const OWNERSHIP = { owner: 'team-payments', purpose: 'deploy payments-api from CI', environment: 'production', tier: 1, reviewBy: '2027-04-30' } as const;
const source = GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'] });

describe('IAM role names: unique per account, across stacks', () => {
  const trust = (stack: Stack, id: string, name = 'payments-deploy') => new aws.CiOidcTrust(stack, id, { name, ownership: OWNERSHIP, source });
  const app = () => new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });

  test('two stacks of one account: the second is refused, naming both', () => {
    const a = app();
    trust(new Stack(a, 'Ci', { env: { account: '123456789012', region: 'eu-west-1' } }), 'Deploy');
    expect(() => trust(new Stack(a, 'Release', { env: { account: '123456789012', region: 'us-east-1' } }), 'Deploy')).toThrow(
      '[KL-UNIQUE-NAME] Release/Deploy: `roleName` names the IAM role "payments-deploy", which Ci/Deploy already names in account 123456789012: IAM role names are unique per account, '
      + 'so the second stack to deploy would fail with EntityAlreadyExists. Fix: give one of them another `roleName` (or another `name`), or declare the identity once and grant it both uses. '
      + 'See https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html');
  });
  test('one stack: the second is refused too', () => {
    const stack = new Stack(app(), 'Ci');
    trust(stack, 'One');
    expect(() => trust(stack, 'Two')).toThrow('[KL-UNIQUE-NAME] Ci/Two: `roleName` names the IAM role "payments-deploy", which Ci/One already names');
  });
  test('an environment-agnostic stack clashes with any account', () => {
    const a = app();
    trust(new Stack(a, 'Agnostic'), 'Deploy');
    expect(() => trust(new Stack(a, 'Pinned', { env: { account: '123456789012', region: 'eu-west-1' } }), 'Deploy')).toThrow(
      'which Agnostic/Deploy already names (that stack is environment-agnostic, so it can be deployed to the same account)');
  });
  test('other accounts, or other names, are fine; a WorkloadIdentity of the same name in that account is not', () => {
    const a = app();
    trust(new Stack(a, 'Prod', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Deploy');
    expect(() => trust(new Stack(a, 'Staging', { env: { account: '222222222222', region: 'eu-west-1' } }), 'Deploy')).not.toThrow();
    const stack = new Stack(a, 'More', { env: { account: '111111111111', region: 'eu-west-1' } });
    expect(() => trust(stack, 'Other', 'payments-release')).not.toThrow();
    expect(() => new aws.WorkloadIdentity(stack, 'Api', {
      name: 'payments-deploy', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'api' }, eks: { kind: 'pod-identity', clusterName: 'prod' },
    })).toThrow('[KL-UNIQUE-NAME] More/Api: `roleName` names the IAM role "payments-deploy", which Prod/Deploy already names in account 111111111111');
  });
});

describe('GCP: pools per project, providers per pool, service accounts per project', () => {
  const common = { ownership: OWNERSHIP, source, project: 'acme-payments-prod', projectNumber: '412345678901' };
  const tf = () => Testing.app({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });

  test('two trusts creating one pool id in one project: the second must reuse it', () => {
    const app = tf();
    new gcp.CiOidcTrust(new TerraformStack(app, 'ci'), 'One', { ...common, name: 'payments-one', poolId: 'ci-github' });
    expect(() => new gcp.CiOidcTrust(new TerraformStack(app, 'release'), 'Two', { ...common, name: 'payments-two', poolId: 'ci-github' })).toThrow(
      '[KL-UNIQUE-NAME] release/Two: `poolId` names the workload identity pool "ci-github", which ci/One already names in project acme-payments-prod: '
      + 'workload identity pool names are unique per project, so the second apply would fail with 409. Fix: let one trust create the pool and set `useExistingPool: true` on the others that share it.');
    expect(() => new gcp.CiOidcTrust(new TerraformStack(app, 'shared'), 'Three', { ...common, name: 'payments-three', poolId: 'ci-github', useExistingPool: true })).not.toThrow();
  });
  test('trusts of one stack share the pool the first creates: one pool, every provider references it', () => {
    const stack = new TerraformStack(tf(), 'ci');
    new gcp.CiOidcTrust(stack, 'One', { ...common, name: 'payments-one', poolId: 'ci-github' });
    const second = new gcp.CiOidcTrust(stack, 'Two', { ...common, name: 'payments-two', poolId: 'ci-github' });
    const json = JSON.parse(Testing.synth(stack)).resource;
    expect(Object.keys(json.google_iam_workload_identity_pool)).toHaveLength(1);
    expect(second.pool).toBeUndefined();
    const poolIds = Object.values(json.google_iam_workload_identity_pool_provider as Record<string, any>).map((p) => p.workload_identity_pool_id);
    expect(poolIds).toEqual([expect.stringMatching(/^\$\{google_iam_workload_identity_pool\.One_Pool_[0-9A-F]+\.workload_identity_pool_id\}$/), poolIds[0]]);
  });
  test('two providers of one id in one pool (their members, attribute.keyless_trust/ID, would be one principal set)', () => {
    const app = tf();
    new gcp.CiOidcTrust(new TerraformStack(app, 'ci'), 'One', { ...common, name: 'payments-one', poolId: 'ci-github', providerId: 'github' });
    expect(() => new gcp.CiOidcTrust(new TerraformStack(app, 'release'), 'Two', { ...common, name: 'payments-two', poolId: 'ci-github', useExistingPool: true, providerId: 'github' }))
      .toThrow('[KL-UNIQUE-NAME] release/Two: `providerId` names the workload identity pool provider "github", which ci/One already names in pool ci-github of project acme-payments-prod');
  });
  test('service account ids per project: a CI trust and a GKE workload identity', () => {
    const stack = new TerraformStack(tf(), 'ci');
    new gcp.CiOidcTrust(stack, 'Ci', { ...common, name: 'payments-deploy', access: 'impersonation' });
    expect(() => new gcp.WorkloadIdentity(stack, 'Gke', {
      name: 'payments-deploy', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'api' }, project: 'acme-payments-prod', access: 'impersonation',
    })).toThrow('[KL-UNIQUE-NAME] ci/Gke: `serviceAccountId` names the Google service account "payments-deploy", which ci/Ci already names in project acme-payments-prod');
  });
});

describe('Azure: identity names per resource group', () => {
  test('two identities of one name in one resource group (names compared as Azure does, case-insensitively)', () => {
    const app = Testing.app({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
    const props = { ownership: OWNERSHIP, source, location: 'westeurope' };
    new azure.CiOidcTrust(new TerraformStack(app, 'ci'), 'One', { ...props, name: 'payments-deploy', resourceGroupName: 'rg-ci' });
    expect(() => new azure.CiOidcTrust(new TerraformStack(app, 'release'), 'Two', { ...props, name: 'payments-deploy', resourceGroupName: 'RG-CI' })).toThrow(
      '[KL-UNIQUE-NAME] release/Two: `identityName` names the user-assigned identity "payments-deploy", which ci/One already names in resource group rg-ci');
    expect(() => new azure.CiOidcTrust(new TerraformStack(app, 'other'), 'Three', { ...props, name: 'payments-deploy', resourceGroupName: 'rg-release' })).not.toThrow();
  });
});
