import { GitHubActions, GitLabCi } from '../../src';
import { CiOidcTrust } from '../../src/constructs/gcp';
import { OWNERSHIP, tfJson, tfResources, tfStack } from '../helpers/synth';

const payments = GitHubActions.repository({
  owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based', branches: ['main'], environments: ['production'],
});
const common = { name: 'payments-deploy', ownership: OWNERSHIP, source: payments, project: 'acme-payments-prod', projectNumber: '412345678901' };
const DESCRIPTION = 'environment=production; managed-by=keyless; owner=team-payments; purpose=deploy payments-api from CI; review-by=2027-04-30; tier=1';
const POOL = 'projects/412345678901/locations/global/workloadIdentityPools/ci-github';

describe('gcp CiOidcTrust', () => {
  test('direct access: a pool and a provider pinned to owner, repository, subjects and ref; no service account', () => {
    const stack = tfStack();
    const trust = new CiOidcTrust(stack, 'Trust', { ...common, poolId: 'ci-github' });
    const json = tfJson(stack);

    expect(Object.values(tfResources(json, 'google_iam_workload_identity_pool'))).toEqual([expect.objectContaining({
      project: 'acme-payments-prod', workload_identity_pool_id: 'ci-github', display_name: 'ci-github', description: DESCRIPTION,
    })]);
    const [provider] = Object.values(tfResources(json, 'google_iam_workload_identity_pool_provider')) as any[];
    expect(provider.workload_identity_pool_provider_id).toBe('payments-deploy');
    expect(provider.description).toBe(DESCRIPTION);
    expect(provider.oidc).toEqual({
      issuer_uri: 'https://token.actions.githubusercontent.com',
      allowed_audiences: [`https://iam.googleapis.com/${POOL}/providers/payments-deploy`],
    });
    // Environment and branch together: jobs in "production" that run on main (the `ref` claim), nothing else.
    expect(provider.attribute_condition).toBe(
      "assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && "
      + "assertion.ref == 'refs/heads/main' && assertion.sub == 'repo:acme/payments-api:environment:production'");
    expect(provider.attribute_mapping['google.subject']).toBe('assertion.sub');
    expect(provider.attribute_mapping['attribute.keyless_trust']).toBe("'payments-deploy'");

    // The provider's own principalSet: subjects are per provider, principals per pool.
    expect(trust.members).toEqual([`principalSet://iam.googleapis.com/${POOL}/attribute.keyless_trust/payments-deploy`]);
    expect(trust.providerName).toBe(`${POOL}/providers/payments-deploy`);
    expect(trust.audience).toBe(`https://iam.googleapis.com/${POOL}/providers/payments-deploy`);
    expect(trust.serviceAccountEmail).toBeUndefined();
    expect(tfResources(json, 'google_service_account')).toEqual({});
    expect(tfResources(json, 'google_service_account_key')).toEqual({});
    expect(tfResources(json, 'google_service_account_iam_member')).toEqual({});
  });

  test('impersonation: a service account (never a key) that exactly the admitted subjects may impersonate', () => {
    const stack = tfStack();
    const trust = new CiOidcTrust(stack, 'Trust', { ...common, poolId: 'ci-github', access: 'impersonation' });
    const json = tfJson(stack);
    expect(trust.serviceAccountEmail).toBe('payments-deploy@acme-payments-prod.iam.gserviceaccount.com');
    expect(trust.serviceAccountMember).toBe('serviceAccount:payments-deploy@acme-payments-prod.iam.gserviceaccount.com');
    expect(Object.values(tfResources(json, 'google_service_account'))).toEqual([expect.objectContaining({
      account_id: 'payments-deploy', project: 'acme-payments-prod', description: DESCRIPTION,
    })]);
    const bindings = Object.values(tfResources(json, 'google_service_account_iam_member')) as any[];
    expect(bindings.map((b) => [b.role, b.member]).sort()).toEqual(trust.members.map((m) => ['roles/iam.workloadIdentityUser', m]).sort());
    expect(tfResources(json, 'google_service_account_key')).toEqual({});
  });

  test('both subject forms, on a branch and a tag pattern: both environment subjects, the ref exact or by prefix', () => {
    const stack = tfStack();
    const source = GitHubActions.repository({
      owner: 'acme',
      repository: 'payments-api',
      ownerId: '1342004',
      repositoryId: '86301532',
      subjectFormat: 'both',
      branches: ['main'],
      tagPatterns: ['v*'],
      environments: ['production'],
    });
    new CiOidcTrust(stack, 'Trust', { ...common, source, poolId: 'ci-github' });
    const [provider] = Object.values(tfResources(tfJson(stack), 'google_iam_workload_identity_pool_provider')) as any[];
    expect(provider.attribute_condition).toBe(
      "assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && "
      + "(assertion.ref == 'refs/heads/main' || assertion.ref.startsWith('refs/tags/v')) && "
      + "(assertion.sub == 'repo:acme/payments-api:environment:production' || assertion.sub == 'repo:acme@1342004/payments-api@86301532:environment:production')");
  });

  test('an existing pool is reused by id and not created', () => {
    const stack = tfStack();
    new CiOidcTrust(stack, 'Trust', { ...common, poolId: 'shared-ci', useExistingPool: true });
    const json = tfJson(stack);
    expect(tfResources(json, 'google_iam_workload_identity_pool')).toEqual({});
    const [provider] = Object.values(tfResources(json, 'google_iam_workload_identity_pool_provider')) as any[];
    expect(provider.workload_identity_pool_id).toBe('shared-ci');
  });

  test('snapshot', () => {
    const stack = tfStack();
    new CiOidcTrust(stack, 'Trust', { ...common, poolId: 'ci-github', access: 'impersonation' });
    new CiOidcTrust(stack, 'Ledger', {
      ...common,
      name: 'ledger-deploy',
      poolId: 'ci-gitlab',
      source: GitLabCi.project({ projectPath: 'acme/finance/ledger', namespaceId: '5521', projectId: '48213', branches: ['main'], tagPatterns: ['v*'] }),
    });
    expect(tfJson(stack)).toMatchSnapshot();
  });
});
