/** The inventory reads Terraform's kubernetes_* resources as the objects they create (issue 16), as it reads manifests. */
import * as path from 'path';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'inventory', 'kubernetes-terraform');

test('a kubernetes_service_account_v1 is a ServiceAccount record: owner, the workload using it, its cluster-admin binding, the bound role', () => {
  const inventory = buildInventory(readInventoryInput([FIXTURE]), { today: '2026-11-22' });
  const accounts = inventory.identities.filter((r) => r.cloud === 'kubernetes');
  expect(accounts.map((r) => r.name)).toEqual(['payments/payments-api']);
  const [account] = accounts;
  expect(account.ownership).toMatchObject({ owner: 'team-payments', environment: 'production', reviewBy: '2027-04-30' });
  expect(JSON.stringify(account)).toContain('cluster-admin');
  expect(JSON.stringify(account)).toContain('Deployment');
  expect(JSON.stringify(account)).toContain('arn:aws:iam::111122223333:role/payments-api');
});
