/**
 * Adversarial suite for the AWS CiOidcTrust: the synthesized trust policy is evaluated by an independent IAM engine
 * (test/helpers/aws-trust-evaluator.ts, which passes the GitHub claim keys STS exposes for the github.com issuer)
 * against legitimate and forged CI tokens (test/helpers/tokens.ts).
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, Aws, Stack } from 'aws-cdk-lib/core';
import { awsTrustKeyAudit } from './aws-trust-keys';
import { CiOidcTrust } from '../../src/constructs/aws';
import { GitHubActions, GitHubActionsProps, GitLabCi, ICiSource } from '../../src/core';
import { assumeRoleWithWebIdentityAllowed } from '../helpers/aws-trust-evaluator';
import { DETECTION_ROUTES } from '../helpers/synth';
import {
  branchWithoutEnvironmentGitHubTokens, Claims, environmentOnOtherRefGitHubTokens, forgedGitHubTokens, forgedGitLabTokens,
  forgedImmutableGitHubTokens, githubToken, LEDGER, legitimateEnvironmentOnBranchTokens, legitimateGitHubTokens,
  legitimateGitLabTokens, NamedToken, PAYMENTS, recreatedRepositoryGitHubTokens, sameNamesOtherIdsGitHubTokens,
} from '../helpers/tokens';

const AUD = 'sts.amazonaws.com';
const ROLE = 'payments-deploy';
const OWNERSHIP = {
  owner: 'team-payments', purpose: 'deploy payments-api from CI', environment: 'production', tier: 1, reviewBy: '2027-04-30',
} as const;
const WORKFLOW = 'acme/workflows/.github/workflows/release.yml@refs/heads/main';
const audit = awsTrustKeyAudit();

/** Synthesizes a CiOidcTrust for `source` (in an app of its own) and returns the CloudFormation template. */
function synth(source: ICiSource, importedProviderArn?: string): object {
  const app = new App({ context: { 'keyless:today': '2026-11-22', 'keyless:detections': DETECTION_ROUTES } });
  const stack = new Stack(app, 'Trusts');
  const oidcProvider = importedProviderArn === undefined ? undefined : iam.OidcProviderNative.fromOidcProviderArn(stack, 'Provider', importedProviderArn);
  new CiOidcTrust(stack, 'Deploy', { name: ROLE, ownership: OWNERSHIP, source, oidcProvider });
  return audit.record(Template.fromStack(stack).toJSON());
}

/** The same run as `claims`, with the immutable subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`. */
function asImmutable(claims: Claims): Claims {
  return githubToken({
    owner: claims.repository_owner!,
    repository: claims.repository!.split('/')[1],
    ownerId: claims.repository_owner_id!,
    repositoryId: claims.repository_id!,
    ref: claims.ref!,
    environment: claims.environment,
    event: claims.event_name as 'push' | 'pull_request',
    format: 'immutable',
    iss: claims.iss,
    aud: claims.aud ?? null,
  });
}
const immutable = (tokens: NamedToken[]): NamedToken[] => tokens.map((t) => ({ name: t.name, claims: asImmutable(t.claims) }));
const cases = (tokens: NamedToken[]) => tokens.map((t) => [t.name, t.claims] as const);
const nameForm = (tokens: NamedToken[]) => tokens.filter((t) => !t.claims.sub!.startsWith('repo:acme@'));
const immutableForm = (tokens: NamedToken[]) => tokens.filter((t) => t.claims.sub!.startsWith('repo:acme@'));

/** The production environment job on main of PAYMENTS, but with another owner id (the repository id is the real one). */
const otherOwnerIdInEnvironment = (format?: 'immutable'): Claims =>
  githubToken({ ...PAYMENTS, ownerId: '777', ref: 'refs/heads/main', environment: 'production', format, aud: AUD });

/** Jobs in production on main or a v* tag (both required), name-based subject unless overridden. */
const github = (props: Partial<GitHubActionsProps> = {}) => GitHubActions.repository({
  ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'], environments: ['production'], tagPatterns: ['v*'], ...props,
});

describe('GitHub Actions trust, name-based subject: production environment AND main or v* tags', () => {
  const template = synth(github());
  const allowed = (claims: Claims) => assumeRoleWithWebIdentityAllowed(template, ROLE, claims);
  const token = legitimateEnvironmentOnBranchTokens(AUD)[0].claims;

  test('sanity: the engine evaluates the sub condition (same token, other sub flips allowed to denied)', () => {
    expect(allowed(token)).toBe(true);
    expect(allowed({ ...token, sub: 'repo:acme/payments-api:environment:staging' })).toBe(false);
  });

  test('sanity: the engine evaluates the ref and repository_id keys (same token, other ref or repository id is denied)', () => {
    expect(allowed({ ...token, ref: 'refs/heads/dev' })).toBe(false);
    expect(allowed({ ...token, ref: undefined })).toBe(false);
    expect(allowed({ ...token, repository_id: '1' })).toBe(false);
    expect(allowed({ ...token, repository_id: undefined })).toBe(false);
  });

  test('sanity: the engine evaluates the aud condition, not only STS\'s client-id check', () => {
    // GIVEN the same template, whose provider also lists another client id
    const widened = JSON.parse(JSON.stringify(template)) as { Resources: Record<string, { Type: string; Properties: any }> };
    const provider = Object.values(widened.Resources).find((r) => r.Type === 'AWS::IAM::OIDCProvider')!;
    provider.Properties.ClientIdList.push('other-audience');
    // WHEN a token for that client id passes STS THEN the trust's aud condition still denies it
    expect(assumeRoleWithWebIdentityAllowed(widened, ROLE, token)).toBe(true);
    expect(assumeRoleWithWebIdentityAllowed(widened, ROLE, { ...token, aud: 'other-audience' })).toBe(false);
  });

  test.each(cases(nameForm(legitimateEnvironmentOnBranchTokens(AUD))))('allows %s', (_name, claims) => {
    expect(allowed(claims)).toBe(true);
  });

  test.each(cases(immutableForm(legitimateEnvironmentOnBranchTokens(AUD))))('denies %s (the trust is for the name-based form)', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(forgedGitHubTokens(AUD)))('denies %s', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(branchWithoutEnvironmentGitHubTokens(AUD)))('denies %s (it skips the environment)', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(environmentOnOtherRefGitHubTokens(AUD)))('denies %s (the ref key is not main or v*)', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test('denies the production environment on a branch named like a release tag (refs/heads/v1.2.3)', () => {
    expect(allowed({ ...token, ref: 'refs/heads/v1.2.3' })).toBe(false);
  });

  test.each(cases(recreatedRepositoryGitHubTokens(AUD)))('denies %s (repository_id key)', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(sameNamesOtherIdsGitHubTokens(AUD)))('denies %s', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  // Documented limitation (README, "What each cloud checks"): STS exposes no repository_owner_id key, and the
  // name-based subject carries no owner id. Only a token of the real repository id can get here, and a repository id
  // names one repository, whose owner is the declared one.
  test('limitation: allows a production job with the real repository id but another owner id (STS has no repository_owner_id key)', () => {
    expect(allowed(otherOwnerIdInEnvironment())).toBe(true);
  });
});

describe('GitHub Actions trust, name-based subject, allowBranchRunsWithoutEnvironment (documented opt-in: environment OR refs)', () => {
  const template = synth(github({ allowBranchRunsWithoutEnvironment: true }));
  const allowed = (claims: Claims) => assumeRoleWithWebIdentityAllowed(template, ROLE, claims);

  test('the trust has no ref key: the refs are subjects again', () => {
    expect(JSON.stringify(template)).not.toContain('token.actions.githubusercontent.com:ref"');
  });

  test.each(cases(legitimateGitHubTokens(AUD)))('allows %s', (_name, claims) => {
    expect(allowed(claims)).toBe(true);
  });

  test.each(cases(nameForm(branchWithoutEnvironmentGitHubTokens(AUD))))(
    'opt-in risk: allows %s, a branch run that skips the environment protection rules', (_name, claims) => {
      expect(allowed(claims)).toBe(true);
    });

  test.each(cases(environmentOnOtherRefGitHubTokens(AUD)))('opt-in risk: allows %s (environment jobs on any ref)', (_name, claims) => {
    expect(allowed(claims)).toBe(true);
  });

  test.each(cases(immutableForm(branchWithoutEnvironmentGitHubTokens(AUD))))('denies %s (the trust is for the name-based form)', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(forgedGitHubTokens(AUD)))('denies %s', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(recreatedRepositoryGitHubTokens(AUD)))('denies %s (repository_id key)', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });
});

describe('GitHub Actions trust, immutable subject: production environment AND main or v* tags', () => {
  const template = synth(github({ subjectFormat: 'immutable' }));
  const allowed = (claims: Claims) => assumeRoleWithWebIdentityAllowed(template, ROLE, claims);
  const legitimate = immutableForm(legitimateEnvironmentOnBranchTokens(AUD));

  test('sanity: the legitimate subjects are in the immutable form', () => {
    expect(legitimate.map((t) => t.claims.sub)).toEqual([
      'repo:acme@1342004/payments-api@86301532:environment:production', 'repo:acme@1342004/payments-api@86301532:environment:production',
    ]);
    expect(legitimate.map((t) => t.claims.ref)).toEqual(['refs/heads/main', 'refs/tags/v1.2.3']);
  });

  test.each(cases(legitimate))('allows %s', (_name, claims) => {
    expect(allowed(claims)).toBe(true);
  });

  test.each(cases(nameForm(legitimateEnvironmentOnBranchTokens(AUD))))('denies %s (the trust is for the immutable form)', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(forgedImmutableGitHubTokens(AUD)))('denies %s', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test('denies a production job with another owner id (the id is in the subject)', () => {
    expect(allowed(otherOwnerIdInEnvironment('immutable'))).toBe(false);
  });

  test.each(cases(recreatedRepositoryGitHubTokens(AUD)))('denies %s', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(immutable(sameNamesOtherIdsGitHubTokens(AUD))))('denies %s (ids are in the subject)', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(immutable(forgedGitHubTokens(AUD))))('denies %s, in immutable form', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(branchWithoutEnvironmentGitHubTokens(AUD)))('denies %s (it skips the environment)', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });

  test.each(cases(immutable(environmentOnOtherRefGitHubTokens(AUD))))('denies %s, in immutable form (ref key)', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });
});

describe('GitHub Actions trust pinned to a reusable workflow in the subject (jobWorkflowRefInSubject)', () => {
  const template = synth(GitHubActions.repository({
    ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true,
  }));
  const allowed = (claims: Claims) => assumeRoleWithWebIdentityAllowed(template, ROLE, claims);
  const run = (jobWorkflowRef: string) => githubToken({
    ...PAYMENTS, ref: 'refs/heads/main', jobWorkflowRef, subjectClaimKeys: ['repo', 'context', 'job_workflow_ref'],
  });

  test('allows the pinned workflow on main, with the custom subject template', () => {
    expect(allowed(run(WORKFLOW))).toBe(true);
  });

  test.each([
    'acme/payments-api/.github/workflows/deploy.yml@refs/heads/main',
    'acme/workflows/.github/workflows/release.yml@refs/heads/dev',
    'acme/workflows/.github/workflows/release-evil.yml@refs/heads/main',
    'evil/workflows/.github/workflows/release.yml@refs/heads/main',
  ])('denies another workflow (%s)', (workflow) => {
    expect(allowed(run(workflow))).toBe(false);
  });

  test('denies the pinned workflow\'s subject with another job_workflow_ref claim (the claim key is checked too)', () => {
    expect(allowed({ ...run(WORKFLOW), job_workflow_ref: 'evil/workflows/.github/workflows/release.yml@refs/heads/main' })).toBe(false);
  });

  test('denies a token with the default subject template', () => {
    expect(allowed(githubToken({ ...PAYMENTS, ref: 'refs/heads/main', jobWorkflowRef: WORKFLOW }))).toBe(false);
  });
});

describe('GitHub Actions trust with an imported OIDC provider', () => {
  // The provider ARN is an Fn::Join over AWS::Partition and AWS::AccountId; the template holds no provider.
  const arn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`;
  const template = synth(github(), arn);
  const allowed = (claims: Claims) => assumeRoleWithWebIdentityAllowed(template, ROLE, claims);

  test('sanity: no provider is created (the role and its detection rule only)', () => {
    expect(Object.values((template as { Resources: Record<string, { Type: string }> }).Resources).map((r) => r.Type)).toEqual(['AWS::IAM::Role', 'AWS::Events::Rule']);
  });

  test.each(cases(nameForm(legitimateEnvironmentOnBranchTokens(AUD))))('allows %s', (_name, claims) => {
    expect(allowed(claims)).toBe(true);
  });

  test.each(cases([...forgedGitHubTokens(AUD), ...branchWithoutEnvironmentGitHubTokens(AUD), ...environmentOnOtherRefGitHubTokens(AUD)]))(
    'denies %s', (_name, claims) => {
      expect(allowed(claims)).toBe(false);
    });
});

describe('GitLab CI trust', () => {
  const template = synth(GitLabCi.project({ ...LEDGER, branches: ['main'], tags: ['v2.0.0'] }));
  const allowed = (claims: Claims) => assumeRoleWithWebIdentityAllowed(template, ROLE, claims);

  test.each(cases(legitimateGitLabTokens(AUD)))('allows %s', (_name, claims) => {
    expect(allowed(claims)).toBe(true);
  });

  test.each(cases(forgedGitLabTokens(AUD)))('denies %s', (_name, claims) => {
    expect(allowed(claims)).toBe(false);
  });
});

audit.defineTest();
