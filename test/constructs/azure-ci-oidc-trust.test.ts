import { GitHubActions } from '../../src';
import { CiOidcTrust } from '../../src/constructs/azure';
import { OWNERSHIP, tfJson, tfResources, tfStack } from '../helpers/synth';

// Tier 1: pinned by ids (Azure checks only the subject; the repository emits name-based subjects). Azure cannot check
// that environment jobs run on the refs (the `ref` claim), so this source explicitly trusts either.
const payments = GitHubActions.repository({
  owner: 'acme',
  repository: 'payments-api',
  ownerId: '1342004',
  repositoryId: '86301532',
  subjectFormat: 'name-based',
  branches: ['main'],
  environments: ['production'],
  tags: ['v1.2.3'],
  allowBranchRunsWithoutEnvironment: true,
});
const common = { name: 'payments-deploy', ownership: OWNERSHIP, source: payments, resourceGroupName: 'rg-identity', location: 'westeurope' };

describe('azure CiOidcTrust', () => {
  test('a tagged user-assigned identity with one exact federated credential per subject, created one after another', () => {
    const stack = tfStack();
    new CiOidcTrust(stack, 'Trust', common);
    const json = tfJson(stack);
    const identities = tfResources(json, 'azurerm_user_assigned_identity');
    const [identityId] = Object.keys(identities);
    expect(identities[identityId]).toEqual(expect.objectContaining({
      name: 'payments-deploy',
      resource_group_name: 'rg-identity',
      location: 'westeurope',
      tags: {
        'keyless-environment': 'production',
        'keyless-managed-by': 'keyless',
        'keyless-owner': 'team-payments',
        'keyless-purpose': 'deploy payments-api from CI',
        'keyless-review-by': '2027-04-30',
        'keyless-tier': '1',
      },
    }));
    const credentials = Object.entries(tfResources(json, 'azurerm_federated_identity_credential')) as Array<[string, any]>;
    expect(credentials.map(([, c]) => c.subject).sort()).toEqual([
      'repo:acme/payments-api:environment:production',
      'repo:acme/payments-api:ref:refs/heads/main',
      'repo:acme/payments-api:ref:refs/tags/v1.2.3',
    ]);
    for (const [, credential] of credentials) {
      expect(credential.issuer).toBe('https://token.actions.githubusercontent.com');
      expect(credential.audience).toEqual(['api://AzureADTokenExchange']);
      expect(credential.parent_id).toBe(`\${azurerm_user_assigned_identity.${identityId}.id}`);
      expect(credential.name).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/);
    }
    // A chain: each credential but the first depends on exactly one other, and all are reachable from the first.
    const dependsOn = credentials.map(([, c]) => c.depends_on ?? []);
    expect(dependsOn.filter((d) => d.length === 0)).toHaveLength(1);
    expect(dependsOn.filter((d) => d.length === 1)).toHaveLength(2);
    expect(new Set(dependsOn.flat()).size).toBe(2);
  });

  test('nothing is granted until assignRole, which assigns exactly the named role at the scope', () => {
    const stack = tfStack();
    const trust = new CiOidcTrust(stack, 'Trust', common);
    expect(tfResources(tfJson(stack), 'azurerm_role_assignment')).toEqual({});
    const registry = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acme';
    trust.assignRole('AcrPush', { scope: registry, roleDefinitionName: 'AcrPush' });
    const [identityId] = Object.keys(tfResources(tfJson(stack), 'azurerm_user_assigned_identity'));
    expect(Object.values(tfResources(tfJson(stack), 'azurerm_role_assignment'))).toEqual([expect.objectContaining({
      scope: registry, role_definition_name: 'AcrPush', principal_id: `\${azurerm_user_assigned_identity.${identityId}.principal_id}`, principal_type: 'ServicePrincipal',
    })]);
  });

  test('snapshot', () => {
    const stack = tfStack();
    new CiOidcTrust(stack, 'Trust', common);
    expect(tfJson(stack)).toMatchSnapshot();
  });
});
