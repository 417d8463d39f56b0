/**
 * One inventory record per break-glass access, live or revoked (session 28 findings 5 and 6): a revocation marker
 * never revokes a record that still holds a live role, and a principal's Azure PIM assignments are one record each
 * (principal, role definition, scope), so revoking one leaves the other live and the revoked one readable.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BreakGlassAssignment } from '../../src/constructs/azure';
import { BreakGlassAccess } from '../../src/constructs/gcp';
import { diffInventories } from '../../src/inventory/diff';
import { Inventory } from '../../src/inventory/model';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { OWNERSHIP, TODAY, tfJson, tfStack } from '../helpers/synth';

const REVOKED = { sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: 'INC-4711 runner token leaked' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The inventory of one synthesized stack, read from disk as `keyless inventory` reads it, and its file label. */
function inventoryOf(json: object, sub: string): { inventory: Inventory; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-break-glass-records-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, sub));
  fs.writeFileSync(path.join(dir, sub, 'cdk.tf.json'), JSON.stringify(json));
  return { inventory: buildInventory(readInventoryInput([dir]), { today: TODAY }), file: `${path.basename(dir)}/${sub}/cdk.tf.json` };
}

describe('GCP break-glass: a revocation marker and a live grant of the same member', () => {
  const base = { ownership: OWNERSHIP, project: 'acme-payments-prod', expires: '2026-12-20' };

  test('GIVEN oncall holding a live access and a revoked one (with alice) WHEN inventoried THEN oncall is live with the role and a warning, alice revoked', () => {
    const stack = tfStack();
    new BreakGlassAccess(stack, 'Live', { ...base, name: 'db-breakglass', role: 'roles/cloudsql.admin', members: ['user:oncall@acme.example'] });
    new BreakGlassAccess(stack, 'Old', {
      ...base, name: 'gke-breakglass', role: 'roles/container.admin', members: ['user:oncall@acme.example', 'user:alice@acme.example'], revoked: REVOKED,
    });
    const { inventory, file } = inventoryOf(tfJson(stack), 'gcp');
    const binding = Object.keys(tfJson(stack).resource.google_project_iam_member)[0];
    expect(inventory.identities.map((r) => [r.id, r.revoked, r.permissions.map((p) => p.text)])).toEqual([
      ['gcp:break-glass-binding:user:alice@acme.example', { at: REVOKED.sessionsIssuedBefore, reason: REVOKED.reason }, []],
      ['gcp:break-glass-binding:user:oncall@acme.example', null, ['roles/cloudsql.admin on project acme-payments-prod when until 2026-12-20T00:00:00Z']],
    ]);
    expect(inventory.metrics.revokedIdentities).toEqual({ count: 1, ids: ['gcp:break-glass-binding:user:alice@acme.example'] });
    const marker = Object.keys(tfJson(stack).resource.terraform_data)[0];
    expect(inventory.warnings).toEqual([
      `gcp:break-glass-binding:user:oncall@acme.example: ${file}:terraform_data.${marker} revokes the break-glass access acme-payments-prod/gke-breakglass `
      + `(${REVOKED.sessionsIssuedBefore}: ${REVOKED.reason}), but the record still holds roles/cloudsql.admin on project acme-payments-prod when until `
      + `2026-12-20T00:00:00Z (${file}:google_project_iam_member.${binding}): it is not read revoked; remove any of these grants that belongs to the revoked access`,
    ]);
  });

  test('GIVEN the revoked access alone WHEN inventoried THEN its member reads revoked, with no warning (the control)', () => {
    const stack = tfStack();
    new BreakGlassAccess(stack, 'Old', { ...base, name: 'gke-breakglass', role: 'roles/container.admin', members: ['user:oncall@acme.example'], revoked: REVOKED });
    const { inventory } = inventoryOf(tfJson(stack), 'gcp');
    expect(inventory.identities.map((r) => [r.id, r.revoked])).toEqual([
      ['gcp:break-glass-binding:user:oncall@acme.example', { at: REVOKED.sessionsIssuedBefore, reason: REVOKED.reason }],
    ]);
    expect(inventory.warnings).toEqual([]);
  });

  test('GIVEN a live PAM entitlement and a revoked marker with its id WHEN inventoried THEN the entitlement is not read revoked, and a warning says why', () => {
    const stack = tfStack();
    const pam = { ...base, mode: 'privileged-access-manager' as const, approvers: ['group:security-oncall@acme.example'], role: 'roles/cloudsql.admin' };
    new BreakGlassAccess(stack, 'Live', { ...pam, name: 'db-breakglass', members: ['user:oncall@acme.example'] });
    const other = tfStack('other');
    new BreakGlassAccess(other, 'Old', { ...pam, name: 'db-breakglass', members: ['user:oncall@acme.example'], revoked: REVOKED });
    const json = tfJson(stack);
    json.resource.terraform_data = tfJson(other).resource.terraform_data;
    const { inventory } = inventoryOf(json, 'gcp');
    expect(inventory.identities.map((r) => [r.id, r.revoked, r.permissions.length])).toEqual([['gcp:pam-entitlement:acme-payments-prod/db-breakglass', null, 1]]);
    expect(inventory.warnings).toEqual([
      expect.stringMatching(/^gcp:pam-entitlement:acme-payments-prod\/db-breakglass: .*:terraform_data\.\S+ revokes the break-glass access acme-payments-prod\/db-breakglass \(2026-12-03T10:15:00Z: INC-4711 runner token leaked\), but the record still holds roles\/cloudsql\.admin on project acme-payments-prod .*: it is not read revoked; /),
    ]);
  });
});

describe('Azure PIM: one record per principal, role definition and scope', () => {
  const SUBSCRIPTION = '/subscriptions/00000000-0000-0000-0000-000000000000';
  const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
  const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
  const PRINCIPAL = '9b2c4d6e-8f10-4a2b-9c3d-5e7f9a1b3c5d';
  const props = {
    ownership: { ...OWNERSHIP, tier: 1 as const },
    scope: SUBSCRIPTION,
    principalId: PRINCIPAL,
    justification: 'INC-4711 database restore runbook',
    expires: '2026-12-15',
  };
  const role = (guid: string) => `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  const build = (revokeContributor: boolean) => {
    const stack = tfStack();
    new BreakGlassAssignment(stack, 'Owner', { ...props, roleDefinitionId: role(OWNER) });
    new BreakGlassAssignment(stack, 'Contributor', { ...props, roleDefinitionId: role(CONTRIBUTOR), ...(revokeContributor ? { revoked: REVOKED } : {}) });
    return inventoryOf(tfJson(stack), 'azure').inventory;
  };
  const OWNER_ID = `azure:pim-assignment:${PRINCIPAL}/${OWNER}${SUBSCRIPTION}`;
  const CONTRIBUTOR_ID = `azure:pim-assignment:${PRINCIPAL}/${CONTRIBUTOR}${SUBSCRIPTION}`;

  test('GIVEN two assignments of one principal WHEN inventoried THEN two records, each with its role', () => {
    expect(build(false).identities.map((r) => [r.id, r.revoked, r.permissions.map((p) => p.text)])).toEqual([
      [OWNER_ID, null, [`Owner on ${SUBSCRIPTION} when until 2026-12-15T00:00:00Z`]],
      [CONTRIBUTOR_ID, null, [`Contributor on ${SUBSCRIPTION} when until 2026-12-15T00:00:00Z`]],
    ]);
  });

  test('GIVEN one of them revoked WHEN inventoried and diffed THEN that record reads revoked (a narrowing), the other live and unchanged', () => {
    const before = build(false);
    const after = build(true);
    expect(after.identities.map((r) => [r.id, r.revoked, r.permissions.length, r.attributes.revokedAssignment ?? null])).toEqual([
      [OWNER_ID, null, 1, null],
      [CONTRIBUTOR_ID, { at: REVOKED.sessionsIssuedBefore, reason: REVOKED.reason }, 0, `pim eligible Contributor on ${SUBSCRIPTION}`],
    ]);
    expect(after.metrics.revokedIdentities).toEqual({ count: 1, ids: [CONTRIBUTOR_ID] });
    expect(diffInventories(before, after).identities.map((c) => [c.id, c.status])).toEqual([[CONTRIBUTOR_ID, 'narrowed']]);
  });
});
