/**
 * How the inventory reads what the Azure constructs write (issue 19 findings 9 and 12): which identity a scheduled
 * query alert watches when identity names repeat across resource groups (names are unique per resource group only),
 * and a warning for a role assignment that survives a revocation.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { GitHubActions } from '../../src';
import { BreakGlassAssignment, CiOidcTrust } from '../../src/constructs/azure';
import { containerRegistryPushGrant } from '../../src/core/publish-azure';
import { diffInventories } from '../../src/inventory/diff';
import { Inventory } from '../../src/inventory/model';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import type { NeutralResource } from '../../src/synth/model';
import { OWNERSHIP, TODAY, tfJson, tfResources, tfStack } from '../helpers/synth';

const source = GitHubActions.repository({
  owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based', branches: ['main'],
});
const common = { name: 'payments-deploy', ownership: OWNERSHIP, source, location: 'westeurope' };
const MOMENT = '2026-11-22T10:15:00Z';
const revoked = { sessionsIssuedBefore: MOMENT, reason: 'INC-4711 runner token leaked' };
const ACTION_GROUP = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.insights/actionGroups/soc';
const RG_APP = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The inventory of one synthesized Terraform stack, read from disk as `keyless inventory` reads it, and the file's name in it. */
function inventoryOfStack(json: object): { inventory: Inventory; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azure-inventory-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'azure'));
  fs.writeFileSync(path.join(dir, 'azure', 'cdk.tf.json'), JSON.stringify(json));
  return { inventory: buildInventory(readInventoryInput([dir]), { today: TODAY }), file: `${path.basename(dir)}/azure/cdk.tf.json` };
}

const FILE = 'terraform/azure/cdk.tf.json';
const tf = (type: string, name: string, properties: any): NeutralResource => ({ format: 'terraform', file: FILE, type, id: `${type}.${name}`, properties });
const identity = (name: string, rg: string, identityName = 'deploy') => tf('azurerm_user_assigned_identity', name, {
  name: identityName, resource_group_name: rg, location: 'westeurope', tags: { 'keyless-owner': 'platform', 'keyless-tier': '1' },
});
const credential = (name: string) => tf('azurerm_federated_identity_credential', name, {
  name,
  parent_id: `\${azurerm_user_assigned_identity.${name}.id}`,
  issuer: 'https://token.actions.githubusercontent.com',
  subject: `repo:acme/${name}:environment:production`,
  audience: ['api://AzureADTokenExchange'],
});
/** A hand-written alert: tagged, no query referencing an identity. */
const alert = (name: string, rg: string, tag: string) => tf('azurerm_monitor_scheduled_query_rules_alert_v2', name, {
  name: `refused-${name}`,
  resource_group_name: rg,
  enabled: true,
  tags: { 'keyless-identity': tag, 'keyless-detection': 'refused-exchange' },
  criteria: [{ query: 'AADManagedIdentitySignInLogs\n| where ResultType != "0"' }],
  action: { action_groups: [ACTION_GROUP] },
});
function inventoryOf(resources: NeutralResource[]): Inventory {
  return buildInventory({ resources, files: [{ file: FILE, format: 'terraform' }], warnings: [] }, { today: TODAY });
}
const detections = (inventory: Inventory, id: string) => inventory.identities.find((r) => r.id === id)?.attributes.detections;

describe('azure inventory: an alert is credited to the identity it watches', () => {
  test('GIVEN two CiOidcTrusts of one name in two resource groups WHEN inventoried THEN each is watched by its own alert', () => {
    const stack = tfStack();
    new CiOidcTrust(stack, 'A', { ...common, resourceGroupName: 'rg-a' });
    new CiOidcTrust(stack, 'B', { ...common, resourceGroupName: 'rg-b' });
    const json = tfJson(stack);
    const alerts = Object.keys(tfResources(json, 'azurerm_monitor_scheduled_query_rules_alert_v2')).sort();
    expect(alerts).toEqual(['A_Detections_EA1FD2E6', 'B_Detections_043B1042']);
    // Both alerts carry the same tag: only their queries' references tell the identities apart.
    expect(Object.values(tfResources(json, 'azurerm_monitor_scheduled_query_rules_alert_v2')).map((a: any) => a.tags['keyless-identity'])).toEqual(['payments-deploy', 'payments-deploy']);
    const { inventory } = inventoryOfStack(json);
    expect(detections(inventory, 'azure:user-assigned-identity:rg-a/payments-deploy'))
      .toBe('watched: azure/cdk.tf.json:azurerm_monitor_scheduled_query_rules_alert_v2.A_Detections_EA1FD2E6');
    expect(detections(inventory, 'azure:user-assigned-identity:rg-b/payments-deploy'))
      .toBe('watched: azure/cdk.tf.json:azurerm_monitor_scheduled_query_rules_alert_v2.B_Detections_043B1042');
    expect(inventory.warnings).toEqual([]);
  });

  test('GIVEN a hand-written alert tagged with a bare name WHEN it sits in one identity\'s resource group THEN that identity only', () => {
    const inventory = inventoryOf([identity('a', 'rg-a'), credential('a'), identity('b', 'rg-b'), credential('b'), alert('b', 'rg-b', 'deploy')]);
    expect(detections(inventory, 'azure:user-assigned-identity:rg-b/deploy')).toBe(`watched: ${FILE}:azurerm_monitor_scheduled_query_rules_alert_v2.b`);
    expect(detections(inventory, 'azure:user-assigned-identity:rg-a/deploy')).toBe('missing');
  });

  test('GIVEN an alert in a monitoring resource group WHEN tagged RESOURCE_GROUP/NAME, or with the only identity of that name THEN credited', () => {
    const inventory = inventoryOf([
      identity('a', 'rg-a'), credential('a'), identity('b', 'rg-b'), credential('b'), identity('solo', 'rg-b', 'solo'), credential('solo'),
      alert('qualified', 'rg-monitoring', 'RG-A/deploy'), alert('solo', 'rg-monitoring', 'solo'),
    ]);
    expect(detections(inventory, 'azure:user-assigned-identity:rg-a/deploy')).toBe(`watched: ${FILE}:azurerm_monitor_scheduled_query_rules_alert_v2.qualified`);
    expect(detections(inventory, 'azure:user-assigned-identity:rg-b/deploy')).toBe('missing');
    expect(detections(inventory, 'azure:user-assigned-identity:rg-b/solo')).toBe(`watched: ${FILE}:azurerm_monitor_scheduled_query_rules_alert_v2.solo`);
    expect(inventory.warnings).toEqual([]);
  });

  test('GIVEN an alert in a monitoring resource group tagged with a bare name two identities have THEN credited to none, with a warning', () => {
    const inventory = inventoryOf([identity('a', 'rg-a'), credential('a'), identity('b', 'rg-b'), credential('b'), alert('x', 'rg-monitoring', 'deploy')]);
    expect(detections(inventory, 'azure:user-assigned-identity:rg-a/deploy')).toBe('missing');
    expect(detections(inventory, 'azure:user-assigned-identity:rg-b/deploy')).toBe('missing');
    expect(inventory.warnings).toEqual([
      `${FILE}:azurerm_monitor_scheduled_query_rules_alert_v2.x is tagged keyless-identity=deploy, a name 2 identities have (rg-a/deploy, rg-b/deploy), `
      + 'and neither its query nor its resource group says which: credited to none (tag it RESOURCE_GROUP/NAME)',
    ]);
  });

  test('GIVEN an alert tagged for the identity WHEN its query reads another table THEN not watched, and why', () => {
    const decoy = alert('decoy', 'rg-a', 'rg-a/deploy');
    decoy.properties.criteria = [{ query: 'AzureActivity\n| where Caller =~ "${azurerm_user_assigned_identity.a.principal_id}"' }];
    const inventory = inventoryOf([identity('a', 'rg-a'), credential('a'), decoy]);
    expect(detections(inventory, 'azure:user-assigned-identity:rg-a/deploy'))
      .toBe('missing: query rule azurerm_monitor_scheduled_query_rules_alert_v2.decoy does not query AADManagedIdentitySignInLogs, where managed identity sign-ins are logged');
    // A table whose name only starts with it is another table.
    decoy.properties.criteria = [{ query: 'AADManagedIdentitySignInLogsArchive\n| where ResultType != "0"' }];
    expect(detections(inventoryOf([identity('a', 'rg-a'), credential('a'), decoy]), 'azure:user-assigned-identity:rg-a/deploy')).toMatch(/^missing: /);
  });

  test('GIVEN an alert whose query references one identity WHEN its tag and resource group name another THEN the referenced one', () => {
    const referencing = alert('ref', 'rg-b', 'rg-b/deploy');
    referencing.properties.criteria = [{ query: 'AADManagedIdentitySignInLogs\n| where ServicePrincipalId =~ "${azurerm_user_assigned_identity.a.principal_id}"' }];
    const inventory = inventoryOf([identity('a', 'rg-a'), credential('a'), identity('b', 'rg-b'), credential('b'), referencing]);
    expect(detections(inventory, 'azure:user-assigned-identity:rg-a/deploy')).toBe(`watched: ${FILE}:azurerm_monitor_scheduled_query_rules_alert_v2.ref`);
    expect(detections(inventory, 'azure:user-assigned-identity:rg-b/deploy')).toBe('missing');
  });
});

describe('azure inventory: a role assignment that survives a revocation', () => {
  function revokedWith(extra: (trust: CiOidcTrust) => void): { inventory: Inventory; file: string } {
    const stack = tfStack();
    const trust = new CiOidcTrust(stack, 'Trust', { ...common, resourceGroupName: 'rg-identity', revoked });
    trust.assignRole('Kept', { scope: RG_APP, roleDefinitionName: 'Reader' });
    extra(trust);
    return inventoryOfStack(tfJson(stack));
  }

  test('GIVEN a revoked identity assigned Contributor with principalId WHEN inventoried THEN one warning names the assignment, role and scope', () => {
    const { inventory, file } = revokedWith((trust) => new RoleAssignment(trust, 'ByHand', { scope: RG_APP, roleDefinitionName: 'Contributor', principalId: trust.principalId }));
    expect(inventory.identities.find((r) => r.id === 'azure:user-assigned-identity:rg-identity/payments-deploy')!.revoked).toEqual({ at: MOMENT, reason: revoked.reason });
    expect(inventory.warnings).toEqual([
      `${file}:azurerm_user_assigned_identity.Trust_Identity_430EC647 is tagged keyless-revoked=${MOMENT} but role assignment `
      + `${file}:azurerm_role_assignment.Trust_ByHand_56999D4A still grants Contributor on ${RG_APP}: `
      + 'the Entra tokens already issued (about 24 hours for a managed identity) keep using it; remove the assignment, or make it with assignRole, which a revocation withholds',
    ]);
  });

  test('GIVEN the same revoked identity with only assignRole\'s assignment (withheld) WHEN inventoried THEN no warning', () => {
    expect(revokedWith(() => undefined).inventory.warnings).toEqual([]);
  });
});

describe('azure inventory: a revoked break-glass assignment', () => {
  const props = {
    ownership: { ...OWNERSHIP, tier: 1 as const },
    scope: '/subscriptions/00000000-0000-0000-0000-000000000000',
    roleDefinitionId: '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    principalId: '9b2c4d6e-8f10-4a2b-9c3d-5e7f9a1b3c5d',
    justification: 'INC-4711 database restore runbook',
    expires: '2026-12-15',
  };
  // One record per assignment: principal, role definition (its GUID) and scope.
  const ID = 'azure:pim-assignment:9b2c4d6e-8f10-4a2b-9c3d-5e7f9a1b3c5d/8e3af657-a8ff-443c-a75c-2fe8c4bcb635/subscriptions/00000000-0000-0000-0000-000000000000';
  const recordOf = (withRevocation: boolean) => {
    const stack = tfStack();
    new BreakGlassAssignment(stack, 'BreakGlass', withRevocation ? { ...props, revoked } : props);
    const { inventory } = inventoryOfStack(tfJson(stack));
    return { record: inventory.identities.find((r) => r.id === ID)!, inventory };
  };

  test('GIVEN the assignment not revoked WHEN inventoried THEN it holds Owner until the expiry (the control)', () => {
    const { record } = recordOf(false);
    expect([record.revoked, record.credentialType, record.permissions.map((p) => p.text)]).toEqual([null, 'human-break-glass', ['Owner on /subscriptions/00000000-0000-0000-0000-000000000000 when until 2026-12-15T00:00:00Z']]);
  });

  test('GIVEN it revoked WHEN inventoried THEN the marker keeps its record: revoked when and why, its owner and expiry, no role held', () => {
    const { record, inventory } = recordOf(true);
    expect(record.revoked).toEqual({ at: MOMENT, reason: revoked.reason });
    expect([record.credentialType, record.ownership.owner, record.ownership.expires]).toEqual(['human-break-glass', 'team-payments', '2026-12-15']);
    expect(record.trustedSubjects.map((s) => s.text)).toEqual([
      `azure 9b2c4d6e-8f10-4a2b-9c3d-5e7f9a1b3c5d (pim eligible, revoked ${MOMENT}, until 2026-12-15T00:00:00Z)`,
    ]);
    expect(record.permissions).toEqual([]);
    expect(record.attributes.revokedAssignment).toBe('pim eligible Owner on /subscriptions/00000000-0000-0000-0000-000000000000');
    expect(inventory.metrics.revokedIdentities).toEqual({ count: 1, ids: [ID] });
  });

  test('GIVEN the revocation WHEN diffed against the assignment THEN one narrowing identity, revoked (not removed)', () => {
    const change = diffInventories(recordOf(false).inventory, recordOf(true).inventory).identities;
    expect(change.map((c) => [c.id, c.status])).toEqual([[ID, 'narrowed']]);
    expect(change[0].changes.filter((c) => c.type === 'identity-revoked').map((c) => c.text)).toEqual([`revoked at ${MOMENT} (${revoked.reason})`]);
  });

  test('GIVEN a terraform_data that is not a Keyless marker WHEN inventoried THEN no record', () => {
    const inventory = inventoryOf([tf('terraform_data', 'other', { input: { keyless_revoked_pim_assignment: 'eligible', principal_id: 'x' } })]);
    expect(inventory.identities).toEqual([]);
  });
});

describe('azure facts: error examples obey their own rule', () => {
  test('the KL-PUB-ACR-ID example is a registry id the check accepts; a 4-character registry name is refused', () => {
    const ctx = { path: 'platform/Publisher', framework: 'cdktf' } as any;
    let example = '';
    try {
      containerRegistryPushGrant('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acme', ctx);
    } catch (e) {
      example = /e\.g\. "([^"]+)"/.exec((e as Error).message)![1];
    }
    expect(example).toBe('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acmeregistry');
    expect(containerRegistryPushGrant(example, ctx)).toEqual({ roleDefinitionName: 'AcrPush', scope: example });
  });
});

describe('azure CiOidcTrust: the token lifetime it states', () => {
  test('maxSessionSeconds is the managed identity token lifetime (about 24 hours), not the tier 1 session maximum', () => {
    expect(new CiOidcTrust(tfStack(), 'Trust', { ...common, resourceGroupName: 'rg-identity' }).maxSessionSeconds).toBe(86400);
  });
});
