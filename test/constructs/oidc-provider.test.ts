/**
 * IAM allows one OIDC provider per issuer URL per account: Keyless creates each provider once per account across
 * every stack of the app, in the first stack of that account that needs one, retained on stack deletion; the other
 * stacks import it by its deterministic ARN and deploy after the owner.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib/core';
import { CiOidcTrust } from '../../src/constructs/aws';
import { GitHubActions } from '../../src/core';
import { assumeRoleWithWebIdentityAllowed } from '../helpers/aws-trust-evaluator';
import { DETECTION_ROUTES } from '../helpers/synth';
import { githubToken, PAYMENTS } from '../helpers/tokens';

const OWNERSHIP = { owner: 'team-payments', purpose: 'deploy payments-api from CI', environment: 'production', tier: 1, reviewBy: '2027-04-30' } as const;
const source = GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'] });
const providersOf = (stack: Stack) => Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, any>).filter((r) => r.Type === 'AWS::IAM::OIDCProvider');

describe('one OIDC provider per issuer per account, across stacks', () => {
  const app = new App({ context: { 'keyless:today': '2026-11-22', 'keyless:detections': DETECTION_ROUTES } });
  const env = { account: '123456789012', region: 'eu-west-1' };
  const ci = new Stack(app, 'Ci', { env });
  const release = new Stack(app, 'Release', { env: { ...env, region: 'us-east-1' } });
  const other = new Stack(app, 'OtherAccount', { env: { account: '210987654321', region: 'eu-west-1' } });
  new CiOidcTrust(ci, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source });
  new CiOidcTrust(release, 'Release', { name: 'payments-release', ownership: OWNERSHIP, source, audience: 'sigstore' });
  new CiOidcTrust(other, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source });

  test('the first stack of the account owns the provider, retained, listing every audience of the account', () => {
    const [provider] = providersOf(ci);
    expect(providersOf(ci)).toHaveLength(1);
    expect(provider.DeletionPolicy).toBe('Retain');
    expect(provider.UpdateReplacePolicy).toBe('Retain');
    expect(provider.Properties.Url).toBe('https://token.actions.githubusercontent.com');
    expect(provider.Properties.ClientIdList).toEqual(['sigstore', 'sts.amazonaws.com']);
  });
  test('another stack of the account imports it by ARN and deploys after the owner; another account has its own', () => {
    expect(providersOf(release)).toEqual([]);
    expect(release.dependencies.map((s) => s.stackName)).toEqual(['Ci']);
    expect(providersOf(other)).toHaveLength(1);
    expect(other.dependencies).toEqual([]);
  });
  test('the importing stack\'s trust admits its declared run and nothing else (IAM engine, imported provider)', () => {
    const template = Template.fromStack(release).toJSON();
    const options = { importedClientIds: ['sigstore', 'sts.amazonaws.com'], account: '123456789012' };
    expect(assumeRoleWithWebIdentityAllowed(template, 'payments-release', githubToken({ ...PAYMENTS, ref: 'refs/heads/main', aud: 'sigstore' }), options)).toBe(true);
    expect(assumeRoleWithWebIdentityAllowed(template, 'payments-release', githubToken({ ...PAYMENTS, ref: 'refs/heads/dev', aud: 'sigstore' }), options)).toBe(false);
    expect(assumeRoleWithWebIdentityAllowed(template, 'payments-release', githubToken({ ...PAYMENTS, ref: 'refs/heads/main', aud: 'sts.amazonaws.com' }), options)).toBe(false);
  });
});

test('environment-agnostic stacks share one provider too (they are assumed to be deployed to one account)', () => {
  const app = new App({ context: { 'keyless:today': '2026-11-22', 'keyless:detections': DETECTION_ROUTES } });
  const a = new Stack(app, 'A');
  const b = new Stack(app, 'B');
  new CiOidcTrust(a, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source });
  new CiOidcTrust(b, 'Deploy', { name: 'payments-release', ownership: OWNERSHIP, source });
  expect(providersOf(a)).toHaveLength(1);
  expect(providersOf(b)).toHaveLength(0);
  expect(b.dependencies.map((s) => s.stackName)).toEqual(['A']);
  const role = Object.values(Template.fromStack(b).toJSON().Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Role');
  expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Federated).toEqual({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':oidc-provider/token.actions.githubusercontent.com']],
  });
});
