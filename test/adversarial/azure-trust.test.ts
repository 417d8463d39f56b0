import { GitHubActions, GitLabCi } from '../../src';
import { CiOidcTrust } from '../../src/constructs/azure';
import { azureTokenAccepted } from '../helpers/azure-token-exchange';
import { OWNERSHIP, tfJson, tfResources, tfStack } from '../helpers/synth';
import {
  branchWithoutEnvironmentGitHubTokens, environmentOnOtherRefGitHubTokens, forgedGitHubTokens, forgedGitLabTokens,
  forgedImmutableGitHubTokens, githubToken, LEDGER, legitimateGitHubTokens, legitimateGitLabTokens, PAYMENTS,
  sameNamesOtherIdsGitHubTokens,
} from '../helpers/tokens';

const AUD = 'api://AzureADTokenExchange';

function synthesize(source: GitHubActions | GitLabCi): { json: any; identityId: string } {
  const stack = tfStack();
  new CiOidcTrust(stack, 'Deploy', {
    name: 'payments-api-deploy', ownership: OWNERSHIP, source, resourceGroupName: 'rg-identity', location: 'westeurope',
  });
  const json = tfJson(stack);
  const [identityId] = Object.keys(tfResources(json, 'azurerm_user_assigned_identity'));
  return { json, identityId };
}

describe('Azure federated credentials against forged GitHub tokens (name-based, allowBranchRunsWithoutEnvironment)', () => {
  // Azure matches subjects exactly, so the release tag is listed instead of the v* pattern. Environment AND refs is
  // refused on Azure (it cannot check the ref claim): the environment and the refs are trusted as alternatives, the
  // documented opt-in.
  const { json, identityId } = synthesize(GitHubActions.repository({
    ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'], environments: ['production'], tags: ['v1.2.3'], allowBranchRunsWithoutEnvironment: true,
  }));

  test.each(legitimateGitHubTokens(AUD).map((t) => [t.name, t.claims]))('admits %s', (_name, claims) => {
    expect(azureTokenAccepted(json, identityId, claims)).toBe(true);
  });

  test.each(forgedGitHubTokens(AUD).map((t) => [t.name, t.claims]))('denies %s', (_name, claims) => {
    expect(azureTokenAccepted(json, identityId, claims)).toBe(false);
  });

  test.each(branchWithoutEnvironmentGitHubTokens(AUD).filter((t) => !t.claims.sub!.startsWith('repo:acme@')).map((t) => [t.name, t.claims]))(
    'opt-in risk: admits %s, a branch run that skips the environment protection rules', (_name, claims) => {
      expect(azureTokenAccepted(json, identityId, claims)).toBe(true);
    });

  test.each(environmentOnOtherRefGitHubTokens(AUD).map((t) => [t.name, t.claims]))(
    'opt-in risk: admits %s (environment jobs on any ref)', (_name, claims) => {
      expect(azureTokenAccepted(json, identityId, claims)).toBe(true);
    });

  test('a token for the right subject with the AWS audience is denied', () => {
    expect(azureTokenAccepted(json, identityId, legitimateGitHubTokens('sts.amazonaws.com')[0].claims)).toBe(false);
  });

  // Documented limitation: Entra ID sees only iss/sub/aud; in the name-based subject form the ids are invisible.
  test.each(sameNamesOtherIdsGitHubTokens(AUD).map((t) => [t.name, t.claims]))(
    'limitation: admits, in the name-based subject form, %s (Azure cannot check the ids)', (_name, claims) => {
      expect(azureTokenAccepted(json, identityId, claims)).toBe(true);
    });
});

describe('Azure federated credentials with the immutable subject form', () => {
  const { json, identityId } = synthesize(GitHubActions.repository({
    ...PAYMENTS, subjectFormat: 'immutable', branches: ['main'],
  }));

  test('the credential subject is the immutable form', () => {
    expect(Object.values(tfResources(json, 'azurerm_federated_identity_credential')).map((c: any) => c.subject))
      .toEqual(['repo:acme@1342004/payments-api@86301532:ref:refs/heads/main']);
  });

  test('admits the immutable-form token of main', () => {
    const claims = githubToken({ ...PAYMENTS, ref: 'refs/heads/main', format: 'immutable', aud: AUD });
    expect(azureTokenAccepted(json, identityId, claims)).toBe(true);
  });

  test.each(forgedImmutableGitHubTokens(AUD).map((t) => [t.name, t.claims]))('denies %s', (_name, claims) => {
    expect(azureTokenAccepted(json, identityId, claims)).toBe(false);
  });
});

describe('Azure federated credentials against forged GitLab tokens', () => {
  const { json, identityId } = synthesize(GitLabCi.project({ ...LEDGER, branches: ['main'], tags: ['v2.0.0'] }));

  test.each(legitimateGitLabTokens(AUD).map((t) => [t.name, t.claims]))('admits %s', (_name, claims) => {
    expect(azureTokenAccepted(json, identityId, claims)).toBe(true);
  });

  test.each(forgedGitLabTokens(AUD).map((t) => [t.name, t.claims]))('denies %s', (_name, claims) => {
    expect(azureTokenAccepted(json, identityId, claims)).toBe(false);
  });
});
