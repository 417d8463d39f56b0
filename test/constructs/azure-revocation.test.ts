import { GitHubActions } from '../../src';
import { AzurePublishTarget, BreakGlassAssignment, CiOidcTrust, ScopedPublisherRole, WorkloadIdentity } from '../../src/constructs/azure';
import { renderAzureAccessAssignments } from '../../src/constructs/azure/workload-access';
import { azureTokenAccepted } from '../helpers/azure-token-exchange';
import { OWNERSHIP, tfJson, tfResources, tfStack } from '../helpers/synth';

const revoked = { sessionsIssuedBefore: '2026-11-22T10:15:00Z', reason: 'INC-4711 runner token leaked' };
const source = GitHubActions.repository({
  owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based', branches: ['main'],
});
const common = { name: 'payments-deploy', ownership: OWNERSHIP, source, resourceGroupName: 'rg-identity', location: 'westeurope' };
const REGISTRY = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acmeregistry';
const AKS_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/';
// The legitimate GitHub token of a main-branch run (claims as GitHub documents them for this subject format).
const mainRun = { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:acme/payments-api:ref:refs/heads/main', aud: 'api://AzureADTokenExchange' };

function deploy(props: { revoked?: typeof revoked }) {
  const stack = tfStack();
  const trust = new CiOidcTrust(stack, 'Trust', { ...common, ...props });
  trust.assignRole('AcrPush', { scope: REGISTRY, roleDefinitionName: 'AcrPush' });
  const json = tfJson(stack);
  return { trust, json, identityId: Object.keys(tfResources(json, 'azurerm_user_assigned_identity'))[0] };
}

const OWNERSHIP_TAGS = {
  'keyless-environment': 'production',
  'keyless-managed-by': 'keyless',
  'keyless-owner': 'team-payments',
  'keyless-purpose': 'deploy payments-api from CI',
  'keyless-review-by': '2027-04-30',
  'keyless-tier': '1',
};

describe('azure revocation', () => {
  test('a revoked CiOidcTrust: the identity tagged, no federated credential, no role assignment, the alert kept', () => {
    const { trust, json, identityId } = deploy({ revoked });
    expect(trust.revocation).toEqual(revoked);
    expect(tfResources(json, 'azurerm_user_assigned_identity')[identityId].tags).toEqual({
      ...OWNERSHIP_TAGS, 'keyless-revoked': '2026-11-22T10:15:00Z', 'keyless-revoked-reason': 'INC-4711 runner token leaked',
    });
    expect(tfResources(json, 'azurerm_federated_identity_credential')).toEqual({});
    expect(trust.federatedCredentials).toEqual([]);
    expect(tfResources(json, 'azurerm_role_assignment')).toEqual({});
    // Revoked identities stay watched: an attempt to use one is exactly what should alert.
    expect(Object.keys(tfResources(json, 'azurerm_monitor_scheduled_query_rules_alert_v2'))).toEqual(['Trust_Detections_92DB93ED']);
    expect(trust.clientIdOutput).toBeDefined();
  });

  test('assignRole on a revoked identity still checks its options, and renders nothing', () => {
    const trust = new CiOidcTrust(tfStack(), 'Trust', { ...common, revoked });
    expect(trust.assignRole('AcrPush', { scope: REGISTRY, roleDefinitionName: 'AcrPush' })).toBeUndefined();
    expect(() => trust.assignRole('Again', { scope: REGISTRY, roleDefinitionName: 'AcrPush' })).toThrow(/^\[KL-AZ-ROLE-DUPLICATE\] /);
    expect(() => trust.assignRole('Wild', { scope: '/subscriptions/*', roleDefinitionName: 'Reader' })).toThrow(/^\[KL-AZ-SCOPE\] /);
  });

  test('drill: the main-branch token exchanged before the revocation is refused after it, and no role assignment remains', () => {
    const before = deploy({});
    expect(azureTokenAccepted(before.json, before.identityId, mainRun)).toBe(true);
    expect(Object.values(tfResources(before.json, 'azurerm_role_assignment')).map((a: any) => a.principal_id))
      .toEqual([`\${azurerm_user_assigned_identity.${before.identityId}.principal_id}`]);

    // The one-line change: `revoked: { sessionsIssuedBefore, reason }`.
    const after = deploy({ revoked });
    expect(after.identityId).toBe(before.identityId);
    expect(azureTokenAccepted(after.json, after.identityId, mainRun)).toBe(false);
    const principal = `\${azurerm_user_assigned_identity.${after.identityId}.principal_id}`;
    expect(Object.values(tfResources(after.json, 'azurerm_role_assignment')).filter((a: any) => a.principal_id === principal)).toEqual([]);
    // Nothing else grants to the principal: the only resource naming it is the alert that watches it.
    const naming = Object.entries(after.json.resource as Record<string, Record<string, unknown>>)
      .flatMap(([type, resources]) => Object.values(resources).filter((r) => JSON.stringify(r).includes(principal)).map(() => type));
    expect(naming).toEqual(['azurerm_monitor_scheduled_query_rules_alert_v2']);
  });

  test('a revoked ScopedPublisherRole: no credential, no publish assignment; the custom blob role definition is kept', () => {
    const stack = tfStack();
    const acr = new ScopedPublisherRole(stack, 'Acr', { ...common, name: 'payments-acr', target: AzurePublishTarget.containerRegistry({ registryId: REGISTRY }), revoked });
    const blob = new ScopedPublisherRole(stack, 'Blob', {
      ...common,
      name: 'payments-blob',
      revoked,
      target: AzurePublishTarget.blobContainer({
        storageAccountId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acmereleases',
        container: 'releases',
        prefix: 'payments/',
      }),
    });
    const json = tfJson(stack);
    expect(acr.revocation).toEqual(revoked);
    expect(acr.roleAssignment).toBeUndefined();
    expect(blob.roleAssignment).toBeUndefined();
    expect(tfResources(json, 'azurerm_federated_identity_credential')).toEqual({});
    expect(tfResources(json, 'azurerm_role_assignment')).toEqual({});
    expect(Object.keys(tfResources(json, 'azurerm_role_definition'))).toHaveLength(1);
    for (const identity of Object.values(tfResources(json, 'azurerm_user_assigned_identity'))) {
      expect(identity.tags['keyless-revoked']).toBe('2026-11-22T10:15:00Z');
    }
  });

  test('a revoked AKS WorkloadIdentity: no federated credential, and the template\'s assignments are not rendered', () => {
    const stack = tfStack();
    const aks = new WorkloadIdentity(stack, 'Aks', {
      name: 'payments-api',
      ownership: OWNERSHIP,
      serviceAccount: { namespace: 'payments', name: 'api' },
      clusterIssuerUrl: AKS_ISSUER,
      resourceGroupName: 'rg-identity',
      location: 'westeurope',
      revoked,
    });
    renderAzureAccessAssignments(aks, aks.principalId, [{ id: 'Read', grant: { scope: REGISTRY, roleDefinitionName: 'AcrPull' } } as any]);
    const json = tfJson(stack);
    const [identityId] = Object.keys(tfResources(json, 'azurerm_user_assigned_identity'));
    expect(aks.federatedCredential).toBeUndefined();
    expect(tfResources(json, 'azurerm_federated_identity_credential')).toEqual({});
    expect(tfResources(json, 'azurerm_role_assignment')).toEqual({});
    expect(azureTokenAccepted(json, identityId, { iss: AKS_ISSUER, sub: 'system:serviceaccount:payments:api', aud: 'api://AzureADTokenExchange' })).toBe(false);
    expect(tfResources(json, 'azurerm_user_assigned_identity')[identityId].tags['keyless-revoked-reason']).toBe('INC-4711 runner token leaked');
  });

  test('the same AKS identity not revoked gets its credential and assignment (the two tests above can fail)', () => {
    const stack = tfStack();
    const aks = new WorkloadIdentity(stack, 'Aks', {
      name: 'payments-api',
      ownership: OWNERSHIP,
      serviceAccount: { namespace: 'payments', name: 'api' },
      clusterIssuerUrl: AKS_ISSUER,
      resourceGroupName: 'rg-identity',
      location: 'westeurope',
    });
    renderAzureAccessAssignments(aks, aks.principalId, [{ id: 'Read', grant: { scope: REGISTRY, roleDefinitionName: 'AcrPull' } } as any]);
    const json = tfJson(stack);
    const [identityId] = Object.keys(tfResources(json, 'azurerm_user_assigned_identity'));
    expect(azureTokenAccepted(json, identityId, { iss: AKS_ISSUER, sub: 'system:serviceaccount:payments:api', aud: 'api://AzureADTokenExchange' })).toBe(true);
    expect(Object.keys(tfResources(json, 'azurerm_role_assignment'))).toHaveLength(1);
  });

  test('a revoked BreakGlassAssignment renders no PIM assignment; its checks still run', () => {
    const props = {
      ownership: { ...OWNERSHIP, tier: 1 as const },
      scope: '/subscriptions/00000000-0000-0000-0000-000000000000',
      roleDefinitionId: '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7',
      principalId: '9b2c4d6e-8f10-4a2b-9c3d-5e7f9a1b3c5d',
      justification: 'INC-4711 database restore runbook',
      expires: '2026-12-15',
    };
    const stack = tfStack();
    const access = new BreakGlassAssignment(stack, 'BreakGlass', { ...props, revoked });
    expect(access.revocation).toEqual(revoked);
    expect(access.assignment).toBeUndefined();
    const json = tfJson(stack);
    expect(tfResources(json, 'azurerm_pim_eligible_role_assignment')).toEqual({});
    expect(tfResources(json, 'azurerm_pim_active_role_assignment')).toEqual({});
    // PIM assignments carry no tags: a terraform_data marker records what was revoked, for the inventory.
    expect(tfResources(json, 'terraform_data')).toEqual({
      BreakGlass_Revoked_188B1BED: {
        input: {
          keyless_revoked_pim_assignment: 'eligible',
          principal_id: props.principalId,
          role_definition_id: props.roleDefinitionId,
          scope: props.scope,
          justification: 'INC-4711 database restore runbook (owner team-payments, until 2026-12-15)',
          expires: '2026-12-15T00:00:00Z',
          revoked: '2026-11-22T10:15:00Z',
          revoked_reason: 'INC-4711 runner token leaked',
        },
      },
    });
    expect(access.revocationMarker?.friendlyUniqueId).toBe('BreakGlass_Revoked_188B1BED');
    const active = tfStack();
    new BreakGlassAssignment(active, 'BreakGlass', props);
    expect(tfResources(tfJson(active), 'terraform_data')).toEqual({});
    expect(() => new BreakGlassAssignment(tfStack(), 'Bad', { ...props, revoked, mode: 'always' as any })).toThrow(/^\[KL-BG-AZ-MODE\] /);
    expect(() => new BreakGlassAssignment(tfStack(), 'Bad', { ...props, revoked: { ...revoked, sessionsIssuedBefore: '2026-11-22' } }))
      .toThrow(/^\[KL-REVOKE-MOMENT\] platform\/Bad: `revoked.sessionsIssuedBefore` is "2026-11-22": /);
  });
});
