/**
 * AWS revocation: the exact statements and tags, then a drill proved with the independent IAM engine
 * (`@cloud-copilot/iam-simulate`, test/helpers): the legitimate token admitted before is refused after, and a session
 * issued before the moment can no longer act, while the same request from a session issued after would be allowed by
 * the policies (and no such session can be issued, since the trust refuses new assumptions).
 *
 * Source of the session policy: IAM User Guide, "Revoking IAM role temporary security credentials" (the console's
 * "Revoke active sessions" policy: Deny `*` on `*`, `DateLessThan` on `aws:TokenIssueTime`).
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cdk from 'aws-cdk-lib/core';
import { GitHubActions, Revocation } from '../../src';
import { AwsPublishTarget, BreakGlassRole, CiOidcTrust, ScopedPublisherRole, WorkloadIdentity } from '../../src/constructs/aws';
import { awsRevokedTrustStatement } from '../../src/core/trust/aws-revocation';
import { permissionAllowed } from '../helpers/aws-permission-evaluator';
import { assumeRoleWithWebIdentityAllowed, humanAssumeRoleAllowed, podIdentityAssumeRoleAllowed } from '../helpers/aws-trust-evaluator';
import { DETECTION_ROUTES, OWNERSHIP, TODAY } from '../helpers/synth';
import { githubToken, PAYMENTS } from '../helpers/tokens';

const ACCOUNT = '123456789012';
const MOMENT = '2026-12-03T10:15:00Z';
const REVOKED: Revocation = { sessionsIssuedBefore: MOMENT, reason: 'INC-4711 runner token leaked' };
const REPOSITORY = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/payments/api`;
const source = GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', tagPatterns: ['v*'] });
const releaseToken = githubToken({ ...PAYMENTS, ref: 'refs/tags/v1.4.0' });

function stack(): cdk.Stack {
  const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  return new cdk.Stack(app, 'Platform', { env: { account: ACCOUNT, region: 'eu-west-1' }, analyticsReporting: false });
}

function publisher(revoked?: Revocation): { template: any; construct: ScopedPublisherRole } {
  const s = stack();
  const construct = new ScopedPublisherRole(s, 'Publish', {
    name: 'payments-publish', ownership: OWNERSHIP, source, target: AwsPublishTarget.ecrRepository({ repositoryArn: REPOSITORY }), revoked,
  });
  return { template: Template.fromStack(s).toJSON(), construct };
}

function resourcesOf(template: any, type: string): any[] {
  return Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === type);
}

/** Every principal (`*`) and every action a trust can allow, so a statement added after construction is denied too. */
const KEYLESS_REVOKED = { Sid: 'KeylessRevoked', Effect: 'Deny', Principal: '*', Action: ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:SetContext', 'sts:SetSourceIdentity', 'sts:TagSession'] };

const SESSION_POLICY = {
  PolicyName: 'keyless-revoked',
  PolicyDocument: {
    Version: '2012-10-17',
    Statement: [{ Sid: 'KeylessRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': MOMENT } } }],
  },
};

describe('aws revocation: what is rendered', () => {
  test('GIVEN a revoked CI role WHEN synthesized THEN the trust ends with KeylessRevoked, the role has keyless-revoked and the tags', () => {
    const { template, construct } = publisher(REVOKED);
    expect(construct.revocation).toEqual(REVOKED);
    const [role] = resourcesOf(template, 'AWS::IAM::Role');
    const statements = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(statements[statements.length - 1]).toEqual(KEYLESS_REVOKED);
    expect(statements.filter((s: any) => s.Effect === 'Allow')).toHaveLength(statements.length - 1);
    const revokedPolicy = resourcesOf(template, 'AWS::IAM::Policy').filter((p) => p.Properties.PolicyName === 'keyless-revoked');
    const rendered = revokedPolicy.map((p) => ({ PolicyName: p.Properties.PolicyName, PolicyDocument: p.Properties.PolicyDocument }));
    expect(rendered).toEqual([SESSION_POLICY]);
    const tags = Object.fromEntries(role.Properties.Tags.map((t: any) => [t.Key, t.Value]));
    expect([tags['keyless:revoked'], tags['keyless:revoked-reason']]).toEqual([MOMENT, 'INC-4711 runner token leaked']);
    // A revoked identity keeps its detections: an attempt to use it is what should alert.
    expect(resourcesOf(template, 'AWS::Events::Rule')).toHaveLength(1);
  });

  test('GIVEN a role that is not revoked WHEN synthesized THEN no deny, no policy, no tag', () => {
    const { template, construct } = publisher();
    expect(construct.revocation).toBeUndefined();
    const [role] = resourcesOf(template, 'AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement.map((s: any) => s.Effect)).not.toContain('Deny');
    expect(resourcesOf(template, 'AWS::IAM::Policy').map((p) => p.Properties.PolicyName)).toEqual(['payments-publish-publish']);
    expect(role.Properties.Tags.map((t: any) => t.Key)).not.toContain('keyless:revoked');
  });

  test('GIVEN a revoked Pod Identity role WHEN synthesized THEN the deny covers every principal and trust action, and EKS is refused', () => {
    const build = (revoked?: Revocation) => {
      const s = stack();
      new WorkloadIdentity(s, 'Api', {
        name: 'payments-api', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'api' }, eks: { kind: 'pod-identity', clusterName: 'prod' }, revoked,
      });
      return Template.fromStack(s).toJSON();
    };
    const template = build(REVOKED);
    const statements = resourcesOf(template, 'AWS::IAM::Role')[0].Properties.AssumeRolePolicyDocument.Statement;
    expect(statements[1]).toEqual(KEYLESS_REVOKED);
    const tags = { 'eks-cluster-arn': `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`, 'eks-cluster-name': 'prod', 'kubernetes-namespace': 'payments', 'kubernetes-service-account': 'api' };
    expect(podIdentityAssumeRoleAllowed(build(), 'payments-api', { tags, sourceAccount: ACCOUNT }, { account: ACCOUNT })).toBe(true);
    expect(podIdentityAssumeRoleAllowed(template, 'payments-api', { tags, sourceAccount: ACCOUNT }, { account: ACCOUNT })).toBe(false);
  });

  test('GIVEN any trust WHEN the deny is built THEN it is the same: every principal, every trust action, no condition', () => {
    expect(awsRevokedTrustStatement()).toEqual(KEYLESS_REVOKED);
  });

  test('GIVEN statements added after construction (another OIDC provider, an IAM role) WHEN a revoked role is evaluated THEN both are refused; open before', () => {
    // The independent IAM engine: KeylessRevoked's `"Principal": "*"` covers a Federated and an AWS principal alike.
    const GITLAB = `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`;
    const build = (revoked?: Revocation) => {
      const s = stack();
      const trust = new CiOidcTrust(s, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source, revoked });
      trust.roleResource.assumeRolePolicy!.addStatements(
        new iam.PolicyStatement({ actions: ['sts:AssumeRoleWithWebIdentity'], principals: [new iam.FederatedPrincipal(GITLAB, { StringEquals: { 'gitlab.com:aud': 'sts.amazonaws.com' } })] }),
        new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/deployer`)] }),
      );
      return Template.fromStack(s).toJSON();
    };
    const gitlabToken = { iss: 'https://gitlab.com', aud: 'sts.amazonaws.com', sub: 'project_path:evil/x:ref_type:branch:ref:main' };
    const deployer = { principal: `arn:aws:iam::${ACCOUNT}:role/deployer`, currentTime: '2026-12-04T00:00:00Z' };
    const [open, revoked] = [build(), build(REVOKED)];
    expect([assumeRoleWithWebIdentityAllowed(open, 'payments-deploy', gitlabToken, { account: ACCOUNT }), humanAssumeRoleAllowed(open, 'payments-deploy', deployer, { account: ACCOUNT })])
      .toEqual([true, true]);
    expect([assumeRoleWithWebIdentityAllowed(revoked, 'payments-deploy', gitlabToken, { account: ACCOUNT }), humanAssumeRoleAllowed(revoked, 'payments-deploy', deployer, { account: ACCOUNT })])
      .toEqual([false, false]);
  });

  test('GIVEN a malformed moment WHEN created THEN KL-REVOKE-MOMENT names the construct and the prop', () => {
    expect(() => new CiOidcTrust(stack(), 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source, revoked: { sessionsIssuedBefore: '2026-12-03', reason: 'INC-4711' } }))
      .toThrow(/^\[KL-REVOKE-MOMENT\] Platform\/Deploy: `revoked.sessionsIssuedBefore` is "2026-12-03"/);
  });
});

describe('aws revocation drill (independent IAM engine)', () => {
  const before = publisher();
  const after = publisher(REVOKED);
  const push = (issuedAt: string) => ({ action: 'ecr:PutImage', resource: REPOSITORY, context: { 'aws:TokenIssueTime': issuedAt } });

  test('GIVEN the legitimate release token WHEN the role is revoked THEN it was admitted before and is refused after', () => {
    expect(assumeRoleWithWebIdentityAllowed(before.template, 'payments-publish', releaseToken, { account: ACCOUNT })).toBe(true);
    expect(assumeRoleWithWebIdentityAllowed(after.template, 'payments-publish', releaseToken, { account: ACCOUNT })).toBe(false);
  });

  test('GIVEN a session issued before the moment WHEN it pushes after the revocation THEN denied; it was allowed before the revocation', async () => {
    expect(await permissionAllowed(before.template, 'payments-publish', push('2026-12-03T09:00:00Z'), { account: ACCOUNT })).toBe(true);
    expect(await permissionAllowed(after.template, 'payments-publish', push('2026-12-03T09:00:00Z'), { account: ACCOUNT })).toBe(false);
    expect(await permissionAllowed(after.template, 'payments-publish', push('2026-12-03T10:14:59Z'), { account: ACCOUNT })).toBe(false);
  });

  test('GIVEN a session issued at or after the moment WHEN it pushes THEN the policies allow it (but the trust issues no such session)', async () => {
    expect(await permissionAllowed(after.template, 'payments-publish', push(MOMENT), { account: ACCOUNT })).toBe(true);
    expect(await permissionAllowed(after.template, 'payments-publish', push('2026-12-03T11:00:00Z'), { account: ACCOUNT })).toBe(true);
  });

  test('GIVEN a revoked break-glass role WHEN Alice, otherwise admitted, assumes it THEN refused; her open session can no longer act', async () => {
    const build = (revoked?: Revocation) => {
      const s = stack();
      new BreakGlassRole(s, 'Glass', {
        name: 'payments-break-glass',
        ownership: { ...OWNERSHIP, reviewBy: '2027-01-31' },
        expires: '2027-01-31',
        humans: [{ principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`, sourceIdentity: 'alice' }],
        statements: [new iam.PolicyStatement({ actions: ['eks:UpdateNodegroupConfig'], resources: [`arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/payments-prod/*`] })],
        alarmTopic: sns.Topic.fromTopicArn(s, 'Alerts', `arn:aws:sns:eu-west-1:${ACCOUNT}:security-alerts`),
        revoked,
      });
      return Template.fromStack(s).toJSON();
    };
    const alice = { principal: `arn:aws:iam::${ACCOUNT}:user/alice`, mfaPresent: 'true', mfaAgeSeconds: 60, sourceIdentity: 'alice', currentTime: '2026-12-04T12:00:00Z' } as const;
    const open = build();
    const revoked = build(REVOKED);
    expect(humanAssumeRoleAllowed(open, 'payments-break-glass', alice, { account: ACCOUNT })).toBe(true);
    expect(humanAssumeRoleAllowed(revoked, 'payments-break-glass', alice, { account: ACCOUNT })).toBe(false);
    const statements = resourcesOf(revoked, 'AWS::IAM::Role')[0].Properties.AssumeRolePolicyDocument.Statement;
    expect(statements[statements.length - 1]).toEqual(KEYLESS_REVOKED);
    const update = { action: 'eks:UpdateNodegroupConfig', resource: `arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/payments-prod/workers/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b` };
    expect(await permissionAllowed(open, 'payments-break-glass', { ...update, context: { 'aws:TokenIssueTime': '2026-12-03T10:00:00Z' } }, { account: ACCOUNT })).toBe(true);
    expect(await permissionAllowed(revoked, 'payments-break-glass', { ...update, context: { 'aws:TokenIssueTime': '2026-12-03T10:00:00Z' } }, { account: ACCOUNT })).toBe(false);
  });
});
