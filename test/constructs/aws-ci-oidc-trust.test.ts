import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Duration, Stack } from 'aws-cdk-lib/core';
import { GitHubActions, GitLabCi } from '../../src';
import { CiOidcTrust } from '../../src/constructs/aws';
import { awsStack, OWNERSHIP } from '../helpers/synth';

// Tier 1 (OWNERSHIP): the repository is pinned by its ids; the repository still emits name-based subjects.
const IDS = { ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based' } as const;
const payments = GitHubActions.repository({
  owner: 'acme', repository: 'payments-api', ...IDS, branches: ['main'], environments: ['production'], tagPatterns: ['v*'],
});

/** The conditions of the trust statements of the one role in the stack. */
function trustConditions(stack: Stack): unknown[] {
  const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
  expect(roles).toHaveLength(1);
  return roles[0].Properties.AssumeRolePolicyDocument.Statement.map((statement: any) => statement.Condition);
}

describe('aws CiOidcTrust', () => {
  test('GIVEN a GitHub source WHEN synthesized THEN the trust pins issuer, aud, repository id, sub and ref exactly', () => {
    const stack = awsStack();
    const trust = new CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    const template = Template.fromStack(stack);

    expect(trust.roleName).toBe('payments-deploy');
    expect(trust.maxSessionDuration.toSeconds()).toBe(3600);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    const providerRef = { Ref: stack.getLogicalId(trust.oidcProvider.node.defaultChild as any) };
    // Environment and refs together: jobs in "production" (the only subject) that run on main or on a v* tag. A run
    // on main outside the environment (sub `…:ref:refs/heads/main`) is not admitted.
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'payments-deploy',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: { Federated: providerRef },
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:ref': 'refs/heads/main',
                'token.actions.githubusercontent.com:repository_id': '86301532',
                'token.actions.githubusercontent.com:sub': 'repo:acme/payments-api:environment:production',
              },
            },
          },
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: { Federated: providerRef },
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:repository_id': '86301532',
                'token.actions.githubusercontent.com:sub': 'repo:acme/payments-api:environment:production',
              },
              StringLike: { 'token.actions.githubusercontent.com:ref': 'refs/tags/v*' },
            },
          },
        ],
      },
      Description: 'GitHub Actions acme/payments-api (environment:production on refs/heads/main, refs/tags/v*). Owner team-payments: deploy payments-api from CI',
    });
  });

  test('allowBranchRunsWithoutEnvironment: the branch and the environment subjects, each on its own, and no ref key', () => {
    const stack = awsStack();
    const source = GitHubActions.repository({
      owner: 'acme', repository: 'payments-api', ...IDS, branches: ['main'], environments: ['production'], allowBranchRunsWithoutEnvironment: true,
    });
    new CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source });
    expect(trustConditions(stack)).toEqual([{
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:repository_id': '86301532',
        'token.actions.githubusercontent.com:sub': [
          'repo:acme/payments-api:environment:production',
          'repo:acme/payments-api:ref:refs/heads/main',
        ],
      },
    }]);
  });

  test('an environment name with an inner space is trusted exactly, in the subject form declared', () => {
    const conditionOf = (subjectFormat: 'name-based' | 'immutable') => {
      const stack = awsStack();
      const source = GitHubActions.repository({
        owner: 'acme', repository: 'app', ownerId: '1342004', repositoryId: '90210001', subjectFormat, environments: ['Production EU'],
      });
      new CiOidcTrust(stack, 'Trust', { name: 'app-deploy', ownership: OWNERSHIP, source });
      return trustConditions(stack);
    };
    expect(conditionOf('name-based')).toEqual([{
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:repository_id': '90210001',
        'token.actions.githubusercontent.com:sub': 'repo:acme/app:environment:Production EU',
      },
    }]);
    expect(conditionOf('immutable')).toEqual([{
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:repository_id': '90210001',
        'token.actions.githubusercontent.com:sub': 'repo:acme@1342004/app@90210001:environment:Production EU',
      },
    }]);
  });

  test('nothing is granted implicitly: no policy and no managed policy', () => {
    const stack = awsStack();
    new CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), Policies: Match.absent() });
  });

  test('the role carries every ownership tag', () => {
    const stack = awsStack();
    new CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Tags: [
        { Key: 'keyless:environment', Value: 'production' },
        { Key: 'keyless:managed-by', Value: 'keyless' },
        { Key: 'keyless:owner', Value: 'team-payments' },
        { Key: 'keyless:purpose', Value: 'deploy payments-api from CI' },
        { Key: 'keyless:review-by', Value: '2027-04-30' },
        { Key: 'keyless:tier', Value: '1' },
      ],
    });
  });

  test('trusts in one stack share one OIDC provider per issuer, listing the union of audiences sorted', () => {
    const stack = awsStack();
    new CiOidcTrust(stack, 'A', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    new CiOidcTrust(stack, 'B', { name: 'payments-audit', ownership: OWNERSHIP, source: payments, audience: 'https://github.com/acme' });
    new CiOidcTrust(stack, 'C', { name: 'ledger-deploy', ownership: OWNERSHIP, source: GitLabCi.project({ projectPath: 'acme/ledger', branches: ['main'] }) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 2);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['https://github.com/acme', 'sts.amazonaws.com'],
    });
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: 'https://gitlab.com', ClientIdList: ['sts.amazonaws.com'] });
  });

  test('an existing provider is used as is, and none is created', () => {
    const stack = awsStack();
    const existing = iam.OidcProviderNative.fromOidcProviderArn(stack, 'Existing',
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    new CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments, oidcProvider: existing });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
        })]),
      },
    });
  });

  test('permissions boundary, role name override and a tier 3 session within bounds', () => {
    const stack = awsStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'ci-boundary');
    new CiOidcTrust(stack, 'Trust', {
      name: 'payments-deploy',
      roleName: 'ci-payments-deploy',
      ownership: { ...OWNERSHIP, tier: 3 },
      source: payments,
      permissionsBoundary: boundary,
      maxSessionDuration: Duration.hours(2),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'ci-payments-deploy',
      MaxSessionDuration: 7200,
      PermissionsBoundary: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':policy/ci-boundary']] },
    });
  });

  test('grants go through grantPrincipal to the role', () => {
    const stack = awsStack();
    const trust = new CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    trust.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::bucket/prefix/*'] }));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 's3:PutObject', Effect: 'Allow', Resource: 'arn:aws:s3:::bucket/prefix/*' }] },
    });
  });

  test('snapshot', () => {
    const stack = awsStack();
    new CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    new CiOidcTrust(stack, 'Ledger', { name: 'ledger-deploy', ownership: OWNERSHIP, source: GitLabCi.project({ projectPath: 'acme/finance/ledger', branches: ['main'], tags: ['v2.0.0'] }) });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
