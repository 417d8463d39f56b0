import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { GitHubActions, Revocation } from '../../src';
import { CiOidcTrust as AwsCiOidcTrust } from '../../src/constructs/aws';
import { CiOidcTrust as AzureCiOidcTrust } from '../../src/constructs/azure';
import { CiOidcTrust as GcpCiOidcTrust } from '../../src/constructs/gcp';
import { diffInventories } from '../../src/inventory/diff';
import { Inventory } from '../../src/inventory/model';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { readSynthesizedOutput } from '../../src/synth/read';
import { verify } from '../../src/verify/verify';
import { awsStack, OWNERSHIP, tfJson, tfStack, TODAY } from '../helpers/synth';
import { PAYMENTS } from '../helpers/tokens';

/**
 * The inventory and verify over what the constructs synthesize (issue 19): one CI trust per cloud, tier 1 (watched by
 * default through the test apps' detection routes), once active and once revoked.
 */
const REVOKED: Revocation = { sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: 'INC-4711 runner token leaked' };
const source = GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'] });

function synthesize(revoked?: Revocation): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-detect-'));
  const aws = awsStack();
  new AwsCiOidcTrust(aws, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source, revoked });
  fs.mkdirSync(path.join(dir, 'aws'));
  fs.writeFileSync(path.join(dir, 'aws', 'Platform.template.json'), JSON.stringify(Template.fromStack(aws).toJSON()));
  const gcp = tfStack('gcp');
  new GcpCiOidcTrust(gcp, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source, project: 'acme-payments-prod', projectNumber: '412345678901', poolId: 'ci-github', revoked });
  const azure = tfStack('azure');
  new AzureCiOidcTrust(azure, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source, resourceGroupName: 'rg-identity', location: 'westeurope', revoked });
  for (const [name, stack] of [['gcp', gcp], ['azure', azure]] as const) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'cdk.tf.json'), JSON.stringify(tfJson(stack)));
  }
  return dir;
}

describe('detections and revocation over synthesized constructs', () => {
  const activeDir = synthesize();
  const revokedDir = synthesize(REVOKED);
  const inventoryOf = (dir: string): Inventory => buildInventory(readInventoryInput([dir]), { today: TODAY });
  const active = inventoryOf(activeDir);
  const revoked = inventoryOf(revokedDir);
  const federated = (inventory: Inventory) => inventory.identities.filter((r) => r.attributes.detections !== undefined);
  afterAll(() => [activeDir, revokedDir].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('every federated identity the constructs write is watched', () => {
    // Where the detection is, relative to the directory given: two checkouts of one output agree (see the diff test below).
    expect(federated(active).map((r) => [r.id, r.attributes.detections])).toEqual([
      ['aws:role:payments-deploy', 'watched: aws/Platform.template.json:DeployDetectionsD6FE8FA8'],
      ['azure:user-assigned-identity:rg-identity/payments-deploy', 'watched: azure/cdk.tf.json:azurerm_monitor_scheduled_query_rules_alert_v2.Trust_Detections_92DB93ED'],
      ['gcp:workload-identity-provider:acme-payments-prod/ci-github/payments-deploy', 'watched: gcp/cdk.tf.json:google_logging_metric.Trust_Detections_ForeignExchangeMetric_C1356FBE, '
        + 'gcp/cdk.tf.json:google_logging_metric.Trust_Detections_RefusedExchangeMetric_ACC0FEC1, '
        + 'gcp/cdk.tf.json:google_monitoring_alert_policy.Trust_Detections_ForeignExchangeAlert_47B872CA, '
        + 'gcp/cdk.tf.json:google_monitoring_alert_policy.Trust_Detections_RefusedExchangeAlert_81F313D1'],
    ]);
    expect(active.metrics.identitiesWithDetections).toEqual({ watched: 3, total: 3, ratio: 1, optedOutIds: [], missingIds: [] });
    expect(active.metrics.revokedIdentities).toEqual({ count: 0, ids: [] });
    const role = active.identities.find((r) => r.id === 'aws:role:payments-deploy')!;
    expect(role.attributes.detections).toMatch(/^watched: aws\/Platform\.template\.json:DeployDetections[0-9A-F]{8}$/);
  });

  test('the same output in two directories of different names (base and head checkouts) diffs as unchanged', () => {
    const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-detect-head-')), 'head-out');
    fs.cpSync(activeDir, copy, { recursive: true });
    try {
      const diff = diffInventories(active, inventoryOf(copy));
      expect(diff.summary).toMatchObject({ broadened: 0, added: 0, removed: 0, narrowed: 0, changed: 0 });
    } finally {
      fs.rmSync(path.dirname(copy), { recursive: true, force: true });
    }
  });

  test('revoked on every cloud, when and why', () => {
    const ids = revoked.metrics.revokedIdentities.ids;
    expect(ids).toEqual([
      'aws:role:payments-deploy',
      'azure:user-assigned-identity:rg-identity/payments-deploy',
      'gcp:workload-identity-provider:acme-payments-prod/ci-github/payments-deploy',
    ]);
    // A revoked identity keeps its detections (the Azure one has no federated credential left, and is still watched).
    expect(revoked.metrics.identitiesWithDetections).toEqual({ watched: 3, total: 3, ratio: 1, optedOutIds: [], missingIds: [] });
    const when = { at: REVOKED.sessionsIssuedBefore, reason: REVOKED.reason };
    for (const id of ids) expect(revoked.identities.find((r) => r.id === id)!.revoked).toEqual(when);
    expect(revoked.warnings.filter((w) => /revoked|TokenIssueTime/.test(w))).toEqual([]);
    // The AWS role keeps its detections and its subjects, each marked revoked.
    const role = revoked.identities.find((r) => r.id === 'aws:role:payments-deploy')!;
    expect(role.attributes.detections.startsWith('watched: ')).toBe(true);
    expect(role.trustedSubjects.every((s) => s.text.endsWith(`(revoked ${REVOKED.sessionsIssuedBefore})`))).toBe(true);
  });

  test('the diff reports the revocation of each identity as a narrowing, never a broadening', () => {
    const diff = diffInventories(active, revoked);
    expect(diff.summary.broadened + diff.summary.added).toBe(0);
    const revocations = diff.identities.flatMap((i) => i.changes.filter((c) => c.type === 'identity-revoked').map((c) => [i.id, c.direction, c.text]));
    expect(revocations).toEqual(revoked.metrics.revokedIdentities.ids.filter((id) => active.identities.some((r) => r.id === id))
      .map((id) => [id, 'narrowing', `revoked at ${REVOKED.sessionsIssuedBefore} (${REVOKED.reason})`]));
  });

  test('verify: the revoked trusts refuse every legitimate token, as declared; the active ones are sound', () => {
    const before = verify(readSynthesizedOutput([activeDir]));
    expect(before.trusts.filter((t) => t.verdict !== 'sound').map((t) => [t.id, t.verdict, t.problems])).toEqual([]);
    const after = verify(readSynthesizedOutput([revokedDir]));
    expect(after.summary.broken + after.summary.weak).toBe(0);
    const aws = after.trusts.find((t) => t.id === 'aws:role:payments-deploy')!;
    expect([aws.verdict, aws.counts.legitimateAdmitted, aws.problems]).toEqual(['revoked', 0, []]);
    expect(aws.legitimate.every((e) => e.decision.detail.startsWith('explicitly denied by ') && e.decision.detail.includes('KeylessRevoked'))).toBe(true);
    const allForgedDenied = (t: { counts: { forgedDenied: number; forged: number } }) => t.counts.forgedDenied === t.counts.forged;
    expect(after.trusts.map((t) => [t.id, t.verdict, t.counts.legitimateAdmitted, t.counts.legitimate, allForgedDenied(t)])).toEqual([
      ['aws:role:payments-deploy', 'revoked', 0, 1, true],
      // No binding or federated credential left: nothing to evaluate, reported revoked.
      ['azure:revoked:rg-identity/payments-deploy', 'revoked', 0, 0, true],
      ['gcp:revoked:ci-github/payments-deploy', 'revoked', 0, 0, true],
    ]);
    expect(after.summary.revoked).toBe(3);
  });
});
