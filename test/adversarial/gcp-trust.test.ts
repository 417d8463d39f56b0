/**
 * Adversarial suite for GCP workload identity federation: the *synthesized* provider (attribute mapping and attribute
 * condition, as Terraform would send them to GCP) is evaluated with an independent CEL implementation
 * (`@bufbuild/cel`) against legitimate and forged CI tokens, and the principals each exchanged token holds are
 * checked against the synthesized IAM members (shared/REFERENCE.md, sections "GCP" and "CI token subjects").
 */
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { TerraformStack, Testing } from 'cdktf';
import { CiOidcTrust, CiOidcTrustProps } from '../../src/constructs/gcp';
import { GitHubActions, GitHubActionsProps, GitLabCi } from '../../src/core';
import {
  admitted, authorizedBy, findWorkloadIdentityProvider, gcpTokenExchange, resolvePoolId, synthesizedMembers,
  TerraformJson, WorkloadIdentityProviderResource,
} from '../helpers/gcp-token-exchange';
import { DETECTION_ROUTES } from '../helpers/synth';
import {
  branchWithoutEnvironmentGitHubTokens, Claims, environmentOnOtherRefGitHubTokens, forgedGitHubTokens, forgedGitLabTokens,
  forgedImmutableGitHubTokens, githubToken, LEDGER, legitimateEnvironmentOnBranchTokens, legitimateGitHubTokens,
  legitimateGitLabTokens, NamedToken, PAYMENTS, recreatedRepositoryGitHubTokens, sameNamesOtherIdsGitHubTokens,
  sameNamesOtherIdsGitLabTokens,
} from '../helpers/tokens';

const PROJECT = 'acme-payments-prod';
const PROJECT_NUMBER = '412345678901';
const OWNERSHIP = {
  owner: 'team-payments', purpose: 'deploy payments-api from CI', environment: 'production', tier: 1, reviewBy: '2027-04-30',
} as const;
/** The role the test grants to `members` with direct access, the way a resource binding would. */
const DIRECT_ROLE = 'roles/run.developer';
const WORKLOAD_IDENTITY_USER = 'roles/iam.workloadIdentityUser';

interface Synthesized {
  readonly trust: CiOidcTrust;
  readonly json: TerraformJson;
  readonly provider: WorkloadIdentityProviderResource;
  readonly poolId: string;
  /** The members of the synthesized bindings that admit the CI job. */
  readonly boundMembers: string[];
}

function synthesize(props: Omit<CiOidcTrustProps, 'ownership' | 'project' | 'projectNumber'>): Synthesized {
  const app = Testing.app({ context: { 'keyless:today': '2026-11-22', 'keyless:detections': DETECTION_ROUTES } });
  const stack = new TerraformStack(app, 'test');
  const trust = new CiOidcTrust(stack, 'Deploy', { ...props, ownership: { ...OWNERSHIP }, project: PROJECT, projectNumber: PROJECT_NUMBER });
  if (trust.access === 'direct') {
    // Direct access: a resource grants a role to the members; bind them as a consumer of the construct would.
    trust.members.forEach((member, i) => new ProjectIamMember(stack, `Grant${i}`, { project: PROJECT, role: DIRECT_ROLE, member }));
  }
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  const provider = findWorkloadIdentityProvider(json, props.providerId ?? props.name);
  const boundMembers = trust.access === 'direct'
    ? synthesizedMembers(json, 'google_project_iam_member', DIRECT_ROLE)
    : synthesizedMembers(json, 'google_service_account_iam_member', WORKLOAD_IDENTITY_USER);
  return { trust, json, provider, poolId: props.poolId ?? props.name, boundMembers };
}

function exchange(s: Synthesized, claims: Claims) {
  return gcpTokenExchange({ stack: s.json, provider: s.provider, projectNumber: PROJECT_NUMBER, poolId: s.poolId, claims });
}

/** Exchanged by the synthesized provider AND authorized by the synthesized bindings. */
function allowed(s: Synthesized, claims: Claims): boolean {
  return admitted(exchange(s, claims), s.boundMembers);
}

const cases = (tokens: NamedToken[]) => tokens.map((t) => [t.name, t.claims] as const);
const nameForm = (tokens: NamedToken[]) => tokens.filter((t) => !t.claims.sub!.startsWith('repo:acme@'));
const immutableForm = (tokens: NamedToken[]) => tokens.filter((t) => t.claims.sub!.startsWith('repo:acme@'));
/** PAYMENTS with its ids; the subject form is stated by each suite. */
const github = (props: Omit<GitHubActionsProps, 'owner' | 'repository' | 'ownerId' | 'repositoryId'>) =>
  GitHubActions.repository({ ...PAYMENTS, ...props });
/** The production environment job on main, with the real repository id but another owner id. */
const otherOwnerId = (aud: string, format?: 'immutable'): Claims =>
  githubToken({ ...PAYMENTS, ownerId: '777', ref: 'refs/heads/main', environment: 'production', format, aud });
const POOL_PREFIX = `iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/payments-deploy`;

describe('the evaluator evaluates CEL (sanity)', () => {
  const stack = (condition: string, mapping: Record<string, string> = {}): TerraformJson => ({
    resource: {
      google_iam_workload_identity_pool: { pool: { workload_identity_pool_id: 'sanity-pool' } },
      google_iam_workload_identity_pool_provider: {
        provider: {
          workload_identity_pool_id: '${google_iam_workload_identity_pool.pool.workload_identity_pool_id}',
          workload_identity_pool_provider_id: 'sanity-provider',
          attribute_mapping: { 'google.subject': 'assertion.sub', ...mapping },
          attribute_condition: condition,
          oidc: { issuer_uri: 'https://issuer.example', allowed_audiences: ['aud-1'] },
        },
      },
    },
  });
  const run = (json: TerraformJson, claims: Claims) => gcpTokenExchange({
    stack: json, provider: findWorkloadIdentityProvider(json, 'sanity-provider'), projectNumber: '1', poolId: 'sanity-pool', claims,
  });
  const base = { iss: 'https://issuer.example', aud: 'aud-1' };

  test("assertion.sub == 'x' admits sub x", () => {
    expect(run(stack("assertion.sub == 'x'"), { ...base, sub: 'x' }).exchanged).toBe(true);
  });
  test("assertion.sub == 'x' rejects sub y", () => {
    expect(run(stack("assertion.sub == 'x'"), { ...base, sub: 'y' }).exchanged).toBe(false);
  });
  test('a condition on a missing claim is an evaluation error, which rejects', () => {
    expect(run(stack("assertion.repository_id == '1'"), { ...base, sub: 'x' }).exchanged).toBe(false);
  });
  test('attribute and google variables are bound, startsWith is evaluated', () => {
    const json = stack("attribute.team == 'blue' && google.subject.startsWith('ci:')", { 'attribute.team': 'assertion.team' });
    expect(run(json, { ...base, sub: 'ci:1', team: 'blue' }).exchanged).toBe(true);
    expect(run(json, { ...base, sub: 'ci:1', team: 'red' }).exchanged).toBe(false);
    expect(run(json, { ...base, sub: 'cd:1', team: 'blue' }).exchanged).toBe(false);
  });
  test('principals follow the mapping; an unlisted principal is not authorized', () => {
    const result = run(stack('true', { 'attribute.team': 'assertion.team' }), { ...base, sub: 'x', team: 'blue' });
    expect(result.principals).toEqual([
      'principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/sanity-pool/subject/x',
      'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/sanity-pool/attribute.team/blue',
    ]);
    expect(authorizedBy(['principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/sanity-pool/subject/y'], result.principals)).toBe(false);
    expect(authorizedBy(['principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/sanity-pool/*'], result.principals)).toBe(true);
  });
  test('issuer, audience and subject length are enforced', () => {
    const json = stack('true');
    expect(run(json, { ...base, sub: 'x', iss: 'https://issuer.example/' }).exchanged).toBe(false);
    expect(run(json, { ...base, sub: 'x', aud: undefined }).exchanged).toBe(false);
    expect(run(json, { ...base, sub: 'x'.repeat(127) }).exchanged).toBe(true);
    expect(run(json, { ...base, sub: 'x'.repeat(128) }).exchanged).toBe(false);
  });
});

describe('GitHub, name-based subject, production environment AND main or v* tags, direct access', () => {
  const s = synthesize({
    name: 'payments-deploy',
    source: github({ subjectFormat: 'name-based', branches: ['main'], environments: ['production'], tagPatterns: ['v*'] }),
  });
  const aud = s.trust.audience;

  test('the provider lives in the pool the construct created (reference resolved)', () => {
    expect(s.provider.config.workload_identity_pool_id).toMatch(/^\$\{google_iam_workload_identity_pool\./);
    expect(resolvePoolId(s.json, s.provider)).toBe('payments-deploy');
  });
  test('the synthesized grant uses exactly the construct members, never a pool-wide principalSet', () => {
    expect([...s.boundMembers].sort()).toEqual([...s.trust.members].sort());
    expect(s.boundMembers.length).toBeGreaterThan(0);
    expect(s.boundMembers.some((m) => m.endsWith('/*'))).toBe(false);
  });
  test('sanity: the condition evaluates the ref claim (same token, another ref or none is denied)', () => {
    const token = legitimateEnvironmentOnBranchTokens(aud)[0].claims;
    expect(allowed(s, token)).toBe(true);
    expect(allowed(s, { ...token, ref: 'refs/heads/dev' })).toBe(false);
    expect(allowed(s, { ...token, ref: undefined })).toBe(false);
    expect(allowed(s, { ...token, ref: 'refs/heads/v1.2.3' })).toBe(false);
  });
  test.each(cases(nameForm(legitimateEnvironmentOnBranchTokens(aud))))('legitimate: %s is exchanged and authorized', (_name, claims) => {
    const result = exchange(s, claims);
    expect(result.exchanged).toBe(true);
    expect(authorizedBy(s.boundMembers, result.principals)).toBe(true);
    expect(authorizedBy(s.trust.members, result.principals)).toBe(true);
  });
  test.each(cases(immutableForm(legitimateEnvironmentOnBranchTokens(aud))))('other subject form: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
  test.each(cases(forgedGitHubTokens(aud)))('forged: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
  test.each(cases(branchWithoutEnvironmentGitHubTokens(aud)))('outside the environment: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
  test.each(cases(environmentOnOtherRefGitHubTokens(aud)))('environment on another ref: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
  test.each(cases([...sameNamesOtherIdsGitHubTokens(aud), ...recreatedRepositoryGitHubTokens(aud)]))('same names, other ids: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
  test('same names, other owner id, in the production environment on main: denied (repository_owner_id is checked)', () => {
    expect(allowed(s, otherOwnerId(aud))).toBe(false);
  });
});

describe('GitHub, name-based subject, exact tag, allowBranchRunsWithoutEnvironment (documented opt-in: environment OR refs), impersonation', () => {
  const s = synthesize({
    name: 'payments-deploy',
    access: 'impersonation',
    source: github({
      subjectFormat: 'name-based', branches: ['main'], environments: ['production'], tags: ['v1.2.3'], allowBranchRunsWithoutEnvironment: true,
    }),
  });
  const aud = s.trust.audience;

  test('workloadIdentityUser is granted to the construct member only: the provider\'s own principalSet', () => {
    expect(s.boundMembers).toEqual([`principalSet://${POOL_PREFIX}/attribute.keyless_trust/payments-deploy`]);
    expect(s.trust.members).toEqual(s.boundMembers);
  });
  test('the condition does not check the ref claim: the refs are subjects again', () => {
    expect(s.provider.config.attribute_condition).not.toContain('assertion.ref');
  });
  test.each(cases(legitimateGitHubTokens(aud)))('legitimate: %s is exchanged and may impersonate', (_name, claims) => {
    const result = exchange(s, claims);
    expect(result.exchanged).toBe(true);
    expect(authorizedBy(s.boundMembers, result.principals)).toBe(true);
  });
  test.each(cases(nameForm(branchWithoutEnvironmentGitHubTokens(aud))))(
    'opt-in risk: %s, a branch run that skips the environment protection rules, may impersonate', (_name, claims) => {
      expect(allowed(s, claims)).toBe(true);
    });
  test.each(cases(environmentOnOtherRefGitHubTokens(aud)))('opt-in risk: %s may impersonate (environment jobs on any ref)', (_name, claims) => {
    expect(allowed(s, claims)).toBe(true);
  });
  test.each(cases(forgedGitHubTokens(aud)))('forged: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
  test.each(cases([...sameNamesOtherIdsGitHubTokens(aud), ...recreatedRepositoryGitHubTokens(aud)]))('same names, other ids: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
});

describe('GitHub, immutable subject, production environment AND main or v1.2.3, direct access', () => {
  const s = synthesize({
    name: 'payments-deploy',
    source: github({ subjectFormat: 'immutable', branches: ['main'], environments: ['production'], tags: ['v1.2.3'] }),
  });
  const aud = s.trust.audience;
  const legitimate = immutableForm(legitimateEnvironmentOnBranchTokens(aud));

  test('the synthesized grant uses exactly the construct member, the provider\'s own principalSet', () => {
    expect(s.boundMembers).toEqual([`principalSet://${POOL_PREFIX}/attribute.keyless_trust/payments-deploy`]);
    expect(s.trust.members).toEqual(s.boundMembers);
  });
  test.each(cases(legitimate))('legitimate: %s is exchanged and authorized', (_name, claims) => {
    const result = exchange(s, claims);
    expect(result.exchanged).toBe(true);
    expect(authorizedBy(s.boundMembers, result.principals)).toBe(true);
  });
  test.each(cases(nameForm(legitimateEnvironmentOnBranchTokens(aud))))('other subject form: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
  test.each(cases(forgedImmutableGitHubTokens(aud)))('forged: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
  test.each(cases([...branchWithoutEnvironmentGitHubTokens(aud), ...recreatedRepositoryGitHubTokens(aud)]))('%s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
  test('other owner id in the production environment on main: denied', () => {
    expect(allowed(s, otherOwnerId(aud, 'immutable'))).toBe(false);
  });
  test('a push of the tag v1.2.3 outside the environment is denied; in the environment on v1.2.4 too', () => {
    expect(allowed(s, githubToken({ ...PAYMENTS, ref: 'refs/tags/v1.2.3', format: 'immutable', aud }))).toBe(false);
    expect(allowed(s, githubToken({ ...PAYMENTS, ref: 'refs/tags/v1.2.4', environment: 'production', format: 'immutable', aud }))).toBe(false);
  });
});

describe('GitLab, direct access', () => {
  const s = synthesize({
    name: 'ledger-deploy',
    source: GitLabCi.project({ ...LEDGER, branches: ['main'], tags: ['v2.0.0'] }),
  });
  const aud = s.trust.audience;

  test('the synthesized grant uses exactly the construct member, the provider\'s own principalSet', () => {
    expect(s.boundMembers).toEqual(['principalSet://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/ledger-deploy/attribute.keyless_trust/ledger-deploy']);
    expect(s.trust.members).toEqual(s.boundMembers);
  });
  test.each(cases(legitimateGitLabTokens(aud)))('legitimate: %s is exchanged and authorized', (_name, claims) => {
    const result = exchange(s, claims);
    expect(result.exchanged).toBe(true);
    expect(authorizedBy(s.boundMembers, result.principals)).toBe(true);
  });
  test.each(cases(forgedGitLabTokens(aud)))('forged: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
  test.each(cases(sameNamesOtherIdsGitLabTokens(aud)))('same path, other ids: %s is denied', (_name, claims) => {
    expect(allowed(s, claims)).toBe(false);
  });
});
