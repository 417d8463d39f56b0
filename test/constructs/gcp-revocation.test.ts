import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { GitHubActions, Revocation } from '../../src';
import { BreakGlassAccess, CiOidcTrust, GcpPublishTarget, ScopedPublisherRole, WorkloadIdentity } from '../../src/constructs/gcp';
import { renderGcpAccessBindings } from '../../src/constructs/gcp/workload-access';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { readSynthesizedOutput } from '../../src/synth/read';
import { verify } from '../../src/verify/verify';
import {
  admitted, findWorkloadIdentityProvider, gcpTokenExchange, synthesizedMembers, TerraformJson,
} from '../helpers/gcp-token-exchange';
import { OWNERSHIP, TODAY, tfJson, tfResources, tfStack } from '../helpers/synth';
import { githubToken, PAYMENTS } from '../helpers/tokens';

const PROJECT = 'acme-payments-prod';
const NUMBER = '412345678901';
const AUDIENCE = `https://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/ci-github/providers/payments-deploy`;
const REVOKED: Revocation = { sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: 'INC-4711 runner token leaked' };
const DESCRIPTION = 'environment=production; managed-by=keyless; owner=team-payments; purpose=deploy payments-api from CI; review-by=2027-04-30; tier=1';
const REVOKED_DESCRIPTION = `${DESCRIPTION}; revoked=2026-12-03T10:15:00Z; revoked-reason=INC-4711 runner token leaked`;
const source = GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'] });
const common = { name: 'payments-deploy', ownership: OWNERSHIP, source, project: PROJECT, projectNumber: NUMBER, poolId: 'ci-github' };
const mainToken = githubToken({ ...PAYMENTS, ref: 'refs/heads/main', aud: AUDIENCE });

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
/** Writes one Terraform stack where the inventory and verify read it. */
function written(json: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-revocation-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'gcp'));
  fs.writeFileSync(path.join(dir, 'gcp', 'cdk.tf.json'), JSON.stringify(json));
  return dir;
}

function synthTrust(revoked?: Revocation, access: 'direct' | 'impersonation' = 'impersonation') {
  const stack = tfStack();
  const trust = new CiOidcTrust(stack, 'Trust', { ...common, access, revoked });
  return { trust, json: tfJson(stack) as TerraformJson & Record<string, any> };
}

/** Whether the legitimate token is exchanged and then admitted by the synthesized impersonation bindings. */
function impersonates(json: TerraformJson): boolean {
  const result = gcpTokenExchange({ stack: json, provider: findWorkloadIdentityProvider(json), projectNumber: NUMBER, poolId: 'ci-github', claims: mainToken });
  return admitted(result, synthesizedMembers(json, 'google_service_account_iam_member', 'roles/iam.workloadIdentityUser'));
}

describe('GCP revocation: CiOidcTrust', () => {
  test('revoked: no impersonation binding, provider and service account disabled, the moment and reason in their descriptions', () => {
    const { trust, json } = synthTrust(REVOKED);
    expect(trust.revocation).toEqual(REVOKED);
    expect(tfResources(json, 'google_service_account_iam_member')).toEqual({});
    const [provider] = Object.values(tfResources(json, 'google_iam_workload_identity_pool_provider')) as any[];
    const [account] = Object.values(tfResources(json, 'google_service_account')) as any[];
    const [pool] = Object.values(tfResources(json, 'google_iam_workload_identity_pool')) as any[];
    expect(provider.disabled).toBe(true);
    expect(provider.description).toBe(REVOKED_DESCRIPTION);
    expect(account.disabled).toBe(true);
    expect(account.description).toBe(REVOKED_DESCRIPTION);
    // The pool may be shared by other trusts: it stays enabled and unmarked.
    expect(pool.disabled).toBeUndefined();
    expect(pool.description).toBe(DESCRIPTION);
    // Detections stay: an attempt to use the revoked identity is what they report.
    const policies = Object.values(tfResources(json, 'google_monitoring_alert_policy')) as any[];
    expect(policies.map((p) => p.user_labels['keyless-revoked'])).toEqual(['2026-12-03t10_15_00z', '2026-12-03t10_15_00z']);
  });

  test('not revoked: nothing disabled, no marker', () => {
    const { trust, json } = synthTrust();
    expect(trust.revocation).toBeUndefined();
    const [provider] = Object.values(tfResources(json, 'google_iam_workload_identity_pool_provider')) as any[];
    expect(provider.disabled).toBeUndefined();
    expect(provider.description).toBe(DESCRIPTION);
    expect(Object.keys(tfResources(json, 'google_service_account_iam_member'))).toHaveLength(1);
  });

  test('drill: the legitimate token that impersonated before revocation obtains no role after it', () => {
    const before = synthTrust();
    expect(impersonates(before.json)).toBe(true);
    const after = synthTrust(REVOKED);
    // No binding admits its principal any more...
    expect(impersonates(after.json)).toBe(false);
    expect(synthesizedMembers(after.json, 'google_service_account_iam_member', 'roles/iam.workloadIdentityUser')).toEqual([]);
    // ...STS refuses new exchanges at the disabled provider, and the disabled account's issued tokens are rejected.
    expect(findWorkloadIdentityProvider(after.json).config.disabled).toBe(true);
    expect((Object.values(tfResources(after.json, 'google_service_account'))[0] as any).disabled).toBe(true);
  });

  test('a revocation that overflows the 256-character description is refused with the fix', () => {
    const stack = tfStack();
    const purpose = 'deploy payments-api from CI to the production project with the release tags of the payments team';
    expect(() => new CiOidcTrust(stack, 'Trust', { ...common, ownership: { ...OWNERSHIP, purpose }, revoked: { ...REVOKED, reason: `INC-4711 ${'x'.repeat(90)}` } }))
      .toThrow('[KL-OWN-GCP-DESCRIPTION] platform/Trust: `ownership.purpose` makes the GCP ownership description 345 characters long, over the 256-character limit '
        + 'of a GCP description (service accounts and workload identity pools have no labels, so ownership is carried there). '
        + 'Fix: shorten `ownership.purpose` or `ownership.owner` (or the `revoked`, `revoked-reason` text) by 89 characters.');
  });
});

describe('GCP revocation: ScopedPublisherRole, WorkloadIdentity, BreakGlassAccess', () => {
  test('ScopedPublisherRole: the writer binding is not rendered; before, the token held it', () => {
    const publisher = (revoked?: Revocation) => {
      const stack = tfStack();
      const role = new ScopedPublisherRole(stack, 'Publisher', {
        name: 'payments-deploy',
        ownership: OWNERSHIP,
        source,
        project: PROJECT,
        projectNumber: NUMBER,
        poolId: 'ci-github',
        revoked,
        target: GcpPublishTarget.storagePrefix({ bucket: 'acme-artifacts', prefix: 'payments-api/releases' }),
      });
      return { role, json: tfJson(stack) as TerraformJson };
    };
    const allowed = (json: TerraformJson) => admitted(
      gcpTokenExchange({ stack: json, provider: findWorkloadIdentityProvider(json), projectNumber: NUMBER, poolId: 'ci-github', claims: mainToken }),
      synthesizedMembers(json, 'google_storage_bucket_iam_member', 'roles/storage.objectCreator'));
    expect(allowed(publisher().json)).toBe(true);
    const after = publisher(REVOKED);
    expect(after.role.revocation).toEqual(REVOKED);
    expect(tfResources(after.json, 'google_storage_bucket_iam_member')).toEqual({});
    expect(allowed(after.json)).toBe(false);
    expect(findWorkloadIdentityProvider(after.json).config.disabled).toBe(true);
  });

  test('WorkloadIdentity: no workloadIdentityUser binding, the Google service account disabled, no template grants', () => {
    const stack = tfStack();
    const gke = new WorkloadIdentity(stack, 'Api', {
      name: 'payments-api',
      ownership: OWNERSHIP,
      serviceAccount: { namespace: 'payments', name: 'payments-api' },
      project: PROJECT,
      access: 'impersonation',
      revoked: REVOKED,
    });
    renderGcpAccessBindings(gke, gke.member, [{
      id: 'Reader', grant: { kind: 'storage-bucket', resource: 'acme-artifacts', role: 'roles/storage.objectViewer' } as any,
    }]);
    const json = tfJson(stack);
    expect(gke.revocation).toEqual(REVOKED);
    expect(tfResources(json, 'google_service_account_iam_member')).toEqual({});
    expect(tfResources(json, 'google_storage_bucket_iam_member')).toEqual({});
    const [account] = Object.values(tfResources(json, 'google_service_account')) as any[];
    expect(account.disabled).toBe(true);
    expect(account.description).toBe('environment=production; managed-by=keyless; owner=team-payments; purpose=deploy payments-api from CI; '
      + 'review-by=2027-04-30; tier=1; revoked=2026-12-03T10:15:00Z; revoked-reason=INC-4711 runner token leaked');
  });

  test('WorkloadIdentity with direct access: no template grants; a terraform_data marker names the principal, ownership and revocation', () => {
    const stack = tfStack();
    const gke = new WorkloadIdentity(stack, 'Worker', {
      name: 'payments-worker', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'worker' }, project: PROJECT, projectNumber: NUMBER, revoked: REVOKED,
    });
    renderGcpAccessBindings(gke, gke.member, [{
      id: 'Reader', grant: { kind: 'storage-bucket', resource: 'acme-artifacts', role: 'roles/storage.objectViewer' } as any,
    }]);
    const json = tfJson(stack);
    const principal = `principal://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/${PROJECT}.svc.id.goog/subject/ns/payments/sa/worker`;
    expect(gke.member).toBe(principal);
    expect(tfResources(json, 'google_storage_bucket_iam_member')).toEqual({});
    const markers = Object.values(tfResources(json, 'terraform_data')) as any[];
    expect(markers.map((m) => m.input)).toEqual([{
      keyless_revoked_principal: principal,
      description: `${DESCRIPTION}; detections-opt-out=direct access: no audit log names an undeclared principal for a GKE workload principal; `
        + 'revoked=2026-12-03T10:15:00Z; revoked-reason=INC-4711 runner token leaked',
    }]);
    expect(gke.revocationMarker).toBeDefined();
    // The inventory reads it: the principal's record, revoked, with its ownership.
    const inventory = buildInventory(readInventoryInput([written(json)]), { today: TODAY });
    const record = inventory.identities.find((r) => r.id === `gcp:principal:${principal}`)!;
    expect([record.revoked, record.ownership.owner, record.trustedSubjects.map((t) => t.text)]).toEqual([
      { at: REVOKED.sessionsIssuedBefore, reason: REVOKED.reason }, 'team-payments', [`pool ${PROJECT}.svc.id.goog sub=system:serviceaccount:payments:worker (revoked 2026-12-03T10:15:00Z)`],
    ]);
    expect(inventory.metrics.revokedIdentities.ids).toEqual([`gcp:principal:${principal}`]);
    // Not revoked: no marker.
    const live = tfStack();
    new WorkloadIdentity(live, 'Worker', { name: 'payments-worker', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'worker' }, project: PROJECT, projectNumber: NUMBER });
    expect(tfResources(tfJson(live), 'terraform_data')).toEqual({});
  });

  test('BreakGlassAccess: neither bindings nor PAM entitlement; the audit log configuration stays', () => {
    const stack = tfStack();
    const base = { ownership: OWNERSHIP, project: PROJECT, role: 'roles/cloudsql.admin', members: ['user:oncall@acme.example'], expires: '2026-12-20' };
    const binding = new BreakGlassAccess(stack, 'Binding', { ...base, name: 'db-breakglass', revoked: REVOKED });
    const pam = new BreakGlassAccess(stack, 'Pam', {
      ...base, name: 'db-breakglass-pam', mode: 'privileged-access-manager', approvers: ['group:security-oncall@acme.example'], revoked: REVOKED,
    });
    const json = tfJson(stack);
    expect(binding.revocation).toEqual(REVOKED);
    expect(pam.entitlement).toBeUndefined();
    expect(tfResources(json, 'google_project_iam_member')).toEqual({});
    expect(tfResources(json, 'google_privileged_access_manager_entitlement')).toEqual({});
    expect(Object.values(tfResources(json, 'google_project_iam_audit_config')).map((c: any) => c.service)).toEqual(['cloudsql.googleapis.com']);
    // What was revoked stays readable: a terraform_data marker per access, which the inventory lists revoked.
    const revokedDescription = `${DESCRIPTION}; expires=2026-12-20; revoked=2026-12-03T10:15:00Z; revoked-reason=INC-4711 runner token leaked`;
    expect((Object.values(tfResources(json, 'terraform_data')) as any[]).map((m) => m.input)).toEqual([
      { keyless_revoked_break_glass: 'conditional-binding', entitlement: `${PROJECT}/db-breakglass`, members: ['user:oncall@acme.example'], description: revokedDescription },
      { keyless_revoked_break_glass: 'privileged-access-manager', entitlement: `${PROJECT}/db-breakglass-pam`, members: ['user:oncall@acme.example'], description: revokedDescription },
    ]);
    expect(binding.revocationMarker).toBeDefined();
    const inventory = buildInventory(readInventoryInput([written(json)]), { today: TODAY });
    expect(inventory.identities.filter((r) => r.revoked !== null).map((r) => [r.id, r.revoked, r.credentialType, r.ownership.expires])).toEqual([
      ['gcp:break-glass-binding:user:oncall@acme.example', { at: REVOKED.sessionsIssuedBefore, reason: REVOKED.reason }, 'human-break-glass', '2026-12-20'],
      [`gcp:pam-entitlement:${PROJECT}/db-breakglass-pam`, { at: REVOKED.sessionsIssuedBefore, reason: REVOKED.reason }, 'human-break-glass', '2026-12-20'],
    ]);
  });

  test('a revoked GKE identity with direct access whose principal keeps a grant made outside Keyless: verify reports it broken, naming why', () => {
    const stack = tfStack();
    const gke = new WorkloadIdentity(stack, 'Worker', {
      name: 'payments-worker', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'worker' }, project: PROJECT, projectNumber: NUMBER, revoked: REVOKED,
    });
    new StorageBucketIamMember(stack, 'UserGrant', { bucket: 'acme-artifacts', role: 'roles/storage.objectViewer', member: gke.member });
    const dir = written(tfJson(stack));
    // The inventory says which grant survives.
    const principal = `principal://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/${PROJECT}.svc.id.goog/subject/ns/payments/sa/worker`;
    expect(buildInventory(readInventoryInput([dir]), { today: TODAY }).warnings.filter((w) => w.includes('still granted'))).toEqual([
      `gcp:principal:${principal} is revoked (2026-12-03T10:15:00Z) but is still granted roles/storage.objectViewer on storage_bucket acme-artifacts `
      + `(${path.basename(dir)}/gcp/cdk.tf.json:google_storage_bucket_iam_member.UserGrant): Keyless does not render these grants, so the workload keeps them; remove them`,
    ]);
    const report = verify(readSynthesizedOutput([dir]));
    const trust = report.trusts.find((t) => t.id.startsWith(`gcp:gke:${PROJECT}.svc.id.goog[payments/worker]->`))!;
    expect(trust.verdict).toBe('broken');
    expect(trust.revocation).toEqual({ at: REVOKED.sessionsIssuedBefore, reason: REVOKED.reason });
    expect(trust.problems).toEqual([expect.stringMatching(/^revoked at 2026-12-03T10:15:00Z \(INC-4711 runner token leaked\) but the legitimate identity is still admitted: /)]);
    // Without the outside grant, nothing admits the pod: reported revoked.
    const clean = tfStack();
    new WorkloadIdentity(clean, 'Worker', {
      name: 'payments-worker', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'worker' }, project: PROJECT, projectNumber: NUMBER, revoked: REVOKED,
    });
    const alone = verify(readSynthesizedOutput([written(tfJson(clean))])).trusts;
    expect(alone.map((t) => [t.id, t.verdict])).toEqual([[`gcp:revoked:principal://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/${PROJECT}.svc.id.goog/subject/ns/payments/sa/worker`, 'revoked']]);
  });
});
