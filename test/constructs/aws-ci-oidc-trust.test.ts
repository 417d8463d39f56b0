import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubActions, GitLabCi } from '../../src';
import { CiOidcTrust } from '../../src/constructs/aws';
import { awsStack, OWNERSHIP } from '../helpers/synth';

const payments = GitHubActions.repository({
  owner: 'acme', repository: 'payments-api', branches: ['main'], environments: ['production'], tagPatterns: ['v*'],
});

describe('aws CiOidcTrust', () => {
  test('GIVEN a GitHub source WHEN synthesized THEN the trust pins issuer, aud and sub exactly', () => {
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
                'token.actions.githubusercontent.com:sub': [
                  'repo:acme/payments-api:environment:production',
                  'repo:acme/payments-api:ref:refs/heads/main',
                ],
              },
            },
          },
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: { Federated: providerRef },
            Condition: {
              StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
              StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/payments-api:ref:refs/tags/v*' },
            },
          },
        ],
      },
    });
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
