import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diffInventories } from '../../src/inventory/diff';
import { IdentityRecord, Inventory } from '../../src/inventory/model';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { writeInventory } from '../../src/inventory/write';
import { synthesizedExamples } from '../helpers/examples';

const TODAY = '2026-11-22';
/** The example's Azure break-glass assignment: one record per principal, role definition (GUID) and scope. */
const AZURE_PIM = 'azure:pim-assignment:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8'
  + '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-payments-aks';
const GITHUB = 'oidc token.actions.githubusercontent.com';
/** payments-api's immutable subject head (its tokens carry the owner and repository ids). */
const IMMUTABLE = 'repo:acme@1342004/payments-api@86301532';

/** The inventory of what `npm run synth` writes: every identity Keyless builds, read back from its output. */
describe('inventory of the synthesized examples', () => {
  /** This file's own output (the examples' output is shared by the run: read only). */
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-inventory-examples-'));
  let dirs: string[];
  let inventory: Inventory;
  beforeAll(() => {
    const out = synthesizedExamples();
    dirs = ['aws', 'terraform', 'k8s'].map((d) => path.join(out, d));
    inventory = buildInventory(readInventoryInput(dirs), { today: TODAY });
  });
  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });
  const record = (id: string): IdentityRecord => {
    const found = inventory.identities.find((r) => r.id === id);
    if (!found) throw new Error(`no record ${id}`);
    return found;
  };
  const subjects = (id: string) => record(id).trustedSubjects.map((s) => s.text);
  const permissions = (id: string) => record(id).permissions.map((p) => p.text);

  test('AWS CI trust: exactly the declared environment, on the declared branch or tag pattern', () => {
    // Production-environment jobs (immutable subject) on main or a v* tag (the `ref` key), repository id pinned.
    expect(subjects('aws:role:payments-api-deploy')).toEqual([
      `${GITHUB} sub=${IMMUTABLE}:environment:production aud=sts.amazonaws.com ref=refs/heads/main repository_id=86301532`,
      `${GITHUB} sub=${IMMUTABLE}:environment:production aud=sts.amazonaws.com ref=refs/tags/v* repository_id=86301532`,
    ]);
    expect(record('aws:role:payments-api-deploy').trustedSubjects.map((s) => s.claims)).toEqual([
      { sub: [`${IMMUTABLE}:environment:production`], aud: ['sts.amazonaws.com'], ref: ['refs/heads/main'], repository_id: ['86301532'] },
      { sub: [`${IMMUTABLE}:environment:production`], aud: ['sts.amazonaws.com'], ref: ['refs/tags/v*'], repository_id: ['86301532'] },
    ]);
    expect(permissions('aws:role:payments-api-deploy')).toEqual(['s3:PutObject on arn:aws:s3:::acme-payments-artifacts/payments-api/*']);
    expect(record('aws:role:payments-api-deploy')).toMatchObject({
      credentialType: 'federated',
      maxSessionSeconds: 3600,
      privileged: false,
      blastRadius: { entries: 1, wildcardEntries: 0 },
      ownership: { owner: 'team-payments', purpose: 'deploy payments-api from CI', environment: 'production', tier: 1, reviewBy: '2027-04-30', managedBy: 'keyless' },
    });
    // The v* tags are a declared pattern (StringLike on `ref`), not a wildcard.
    expect(record('aws:role:payments-api-deploy').trustedSubjects.map((s) => [s.pattern, s.wildcard, s.pullRequest])).toEqual([[false, false, false], [true, false, false]]);
  });

  test('AWS ECR publisher: exactly the push actions on the repository and the login token', () => {
    const repository = 'arn:aws:ecr:eu-west-1:123456789012:repository/payments/api';
    expect(subjects('aws:role:payments-api-image')).toEqual([`${GITHUB} sub=${IMMUTABLE}:ref:refs/tags/v* aud=sts.amazonaws.com repository_id=86301532`]);
    expect(permissions('aws:role:payments-api-image')).toEqual([
      `ecr:BatchCheckLayerAvailability on ${repository}`,
      `ecr:BatchGetImage on ${repository}`,
      `ecr:CompleteLayerUpload on ${repository}`,
      'ecr:GetAuthorizationToken on *',
      `ecr:InitiateLayerUpload on ${repository}`,
      `ecr:PutImage on ${repository}`,
      `ecr:UploadLayerPart on ${repository}`,
    ]);
    // ecr:GetAuthorizationToken accepts only "*": not a wildcard that could be narrower.
    expect(record('aws:role:payments-api-image').blastRadius).toEqual({ entries: 7, wildcardEntries: 0 });
  });

  test('AWS workloads: IRSA and Pod Identity trusts', () => {
    expect(subjects('aws:role:payments-api')).toEqual([
      'oidc oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C sub=system:serviceaccount:payments:payments-api aud=sts.amazonaws.com',
    ]);
    expect(subjects('aws:role:checkout-api')).toEqual([
      'service pods.eks.amazonaws.com (eks-cluster-arn=arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu, eks-cluster-name=prod-eu, '
        + 'kubernetes-namespace=checkout-api, kubernetes-service-account=checkout-api, source-account=123456789012)',
    ]);
    expect(record('aws:role:checkout-api').attributes).toEqual({
      // Tier 2: detections are off unless asked for (core/detections.ts); the example asks (every example identity is watched).
      // Where the detection is, relative to the directory given (out/aws here).
      detections: 'watched: team-checkout-aws.template.json:ServicecheckoutapiDetections4E98CE67',
      podIdentity: 'prod-eu/checkout-api/checkout-api',
      // The association names the cluster, not a chart: the checkout-api/checkout-api of the EKS chart (no cloud annotation).
      admissionPolicy: 'emitted: keyless-checkout-api.checkout-api (ServiceAccount team-checkout-eks/checkout-api/checkout-api)',
    });
  });

  test('GCP: the provider trusts the pinned repository\'s subjects; impersonation reaches the service account through the pool', () => {
    // One subject (the environment), with the `ref` claim exactly main or starting with refs/tags/v.
    expect(subjects('gcp:workload-identity-provider:acme-payments-prod/ci-github/payments-api-deploy')).toEqual([
      `${GITHUB} sub=${IMMUTABLE}:environment:production ref=refs/heads/main|refs/tags/v* repository_id=86301532 repository_owner_id=1342004`,
    ]);
    expect(permissions('gcp:workload-identity-provider:acme-payments-prod/ci-github/payments-api-deploy')).toEqual(['roles/storage.objectCreator on storage_bucket acme-payments-artifacts']);
    expect(subjects('gcp:service-account:ledger-deploy@acme-payments-prod.iam.gserviceaccount.com')).toEqual([
      'pool 412345678901/ci-gitlab sub=project_path:acme/finance/ledger:ref_type:branch:ref:main',
      'pool 412345678901/ci-gitlab sub=project_path:acme/finance/ledger:ref_type:tag:ref:v2.0.0',
    ]);
    // The provider's own principalSet holds the role: every token the provider admits, and only those.
    expect(permissions('gcp:workload-identity-provider:acme-payments-prod/ci-gitlab/ledger-deploy')).toEqual([
      'roles/iam.workloadIdentityUser on service_account ledger-deploy@acme-payments-prod.iam.gserviceaccount.com',
    ]);
    expect(subjects('gcp:service-account:payments-api@acme-payments-prod.iam.gserviceaccount.com')).toEqual(['pool acme-payments-prod.svc.id.goog sub=system:serviceaccount:payments:payments-api']);
  });

  test('Azure: one exact federated credential per subject', () => {
    // Azure checks only the subject: the environment alone (its deployment branch policy decides the refs).
    expect(subjects('azure:user-assigned-identity:rg-payments-identity/payments-api-deploy')).toEqual([
      `${GITHUB} sub=${IMMUTABLE}:environment:production aud=api://AzureADTokenExchange`,
    ]);
    expect(permissions('azure:user-assigned-identity:rg-payments-identity/payments-api-bundle')).toEqual([
      // A custom role with blob data actions only (no container control-plane actions), read as its actions.
      'custom role keyless-blob-publisher-acmeartifacts-releases-de10cbba753b07e0 (Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action, '
        + 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write) on /subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-artifacts/providers/'
        + 'Microsoft.Storage/storageAccounts/acmeartifacts/blobServices/default/containers/releases when blob path starts with payments-api/ (ABAC)',
    ]);
  });

  test('break-glass on all three clouds: named humans, time-boxed, privileged', () => {
    expect(subjects('aws:role:payments-break-glass')).toEqual([
      'aws arn:aws:iam::123456789012:user/alice (mfa, mfa within 900s, source-identity=alice, until 2027-01-31T00:00:00Z)',
      'aws arn:aws:iam::123456789012:user/bob (mfa, mfa within 900s, source-identity=bob, until 2027-01-31T00:00:00Z)',
    ]);
    expect(subjects('gcp:pam-entitlement:acme-payments-prod/payments-gke-break-glass')).toEqual([
      'gcp group:sre-oncall@example.com (approval by group:security-oncall@example.com, justification required)',
    ]);
    expect(permissions('gcp:pam-entitlement:acme-payments-prod/payments-gke-break-glass')).toEqual(['roles/container.admin on project acme-payments-prod when until 2027-01-31T00:00:00Z']);
    expect(subjects(AZURE_PIM)).toEqual(['azure 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d (pim eligible, until 2027-01-31T00:00:00Z)']);
    for (const id of ['aws:role:payments-break-glass', 'gcp:pam-entitlement:acme-payments-prod/payments-gke-break-glass', AZURE_PIM]) {
      expect(record(id)).toMatchObject({ credentialType: 'human-break-glass', privileged: true, ownership: { expires: '2027-01-31' } });
    }
  });

  test('Kubernetes: each cluster\'s service account acts as its one cloud identity', () => {
    expect(permissions('kubernetes:service-account:payments-api-eks/payments/payments-api')).toEqual(['impersonate on aws role arn:aws:iam::123456789012:role/payments-api']);
    expect(permissions('kubernetes:service-account:payments-api-gke/payments/payments-api')).toEqual(['impersonate on gcp service account payments-api@acme-payments-prod.iam.gserviceaccount.com']);
    expect(subjects('kubernetes:service-account:payments-api-aks/payments/payments-api')).toEqual(['workload Deployment payments/payments-api']);
  });

  test('both sides: every CI trust has its repository side (out/ci), every bound ServiceAccount its admission policy', () => {
    const out = synthesizedExamples();
    const sides = buildInventory(readInventoryInput([...dirs, path.join(out, 'ci')]), { today: TODAY });
    const attribute = (id: string, name: string) => sides.identities.find((r) => r.id === id)?.attributes[name];
    expect(sides.warnings).toEqual([]);
    expect(sides.sources.filter((s) => s.format === 'repository-side')).toEqual([{ file: 'ci/manifest.json', format: 'repository-side' }]);
    // Every CI identity (GitHub and GitLab, on three clouds, the impersonated GCP service account too) is in the manifest.
    expect(sides.identities.filter((r) => r.attributes.repositorySide !== undefined).map((r) => r.id)).toEqual([
      'aws:role:checkout-image', 'aws:role:ledger-deploy', 'aws:role:payments-api-bundle', 'aws:role:payments-api-deploy', 'aws:role:payments-api-image',
      'aws:role:payments-client-pkg', 'azure:user-assigned-identity:rg-payments-identity/payments-api-bundle',
      'azure:user-assigned-identity:rg-payments-identity/payments-api-deploy', 'azure:user-assigned-identity:rg-payments-identity/payments-api-image',
      'gcp:service-account:ledger-deploy@acme-payments-prod.iam.gserviceaccount.com', 'gcp:workload-identity-provider:acme-checkout-prod/checkout-image/checkout-image',
      'gcp:workload-identity-provider:acme-payments-prod/ci-github/payments-api-deploy', 'gcp:workload-identity-provider:acme-payments-prod/ci-gitlab/ledger-deploy',
      'gcp:workload-identity-provider:acme-payments-prod/ci-publish/payments-api-image', 'gcp:workload-identity-provider:acme-payments-prod/payments-api-bundle/payments-api-bundle',
    ]);
    expect(sides.metrics.repositorySide).toEqual({ emitted: 15, missing: 0, missingIds: [] });
    const ledger = 'ci/gitlab/gitlab.com/acme/finance/ledger';
    expect(attribute('gcp:service-account:ledger-deploy@acme-payments-prod.iam.gserviceaccount.com', 'repositorySide'))
      .toBe(`emitted: ${ledger}/README.md, ${ledger}/gitlab-ci/aws-ledger-deploy.yml, ${ledger}/gitlab-ci/gcp-ledger-deploy.yml, ${ledger}/id-token-sub-claim-components.json`);
    // Every identity-bound ServiceAccount of the seven charts has its policy, and so has each cloud identity bound to one.
    expect(sides.metrics.admissionPolicy).toEqual({ emitted: 14, optedOut: 0, missing: 0, optedOutIds: [], missingIds: [] });
    expect(attribute('kubernetes:service-account:payments-api-eks/payments/payments-api', 'admissionPolicy')).toBe('emitted: keyless-payments.payments-api');
    expect(attribute('aws:role:payments-api', 'admissionPolicy')).toBe('emitted: keyless-payments.payments-api (ServiceAccount payments-api-eks/payments/payments-api)');
    expect(attribute('aws:role:checkout-api', 'admissionPolicy'))
      .toBe('emitted: keyless-checkout-api.checkout-api (ServiceAccount team-checkout-eks/checkout-api/checkout-api)');
    // The batch jobs' IRSA roles trust the CronJobs' ServiceAccounts of the fleet chart.
    expect(attribute('aws:role:batch-churn-score', 'admissionPolicy'))
      .toBe('emitted: keyless-batch.churn-score (ServiceAccount platform-fleet-eks/batch/churn-score)');
    expect(sides.metrics.bothSides).toEqual({ complete: 29, total: 29, ratio: 1, incompleteIds: [] });
    // The whole out dir reads the same records (its ci/ files are not identity output).
    const whole = buildInventory(readInventoryInput([out]), { today: TODAY });
    // Detection resources are named by their file relative to the directory given (aws/… here, … above): drop the
    // first directory of each.
    const relabel = (attributes: Record<string, string>) => (attributes.detections === undefined ? attributes
      : { ...attributes, detections: attributes.detections.replace(/(^watched: |, )[^/,: ]+\//g, '$1') });
    expect(whole.identities.map((r) => [r.id, relabel({ ...r.attributes })])).toEqual(sides.identities.map((r) => [r.id, r.attributes]));
    expect(whole.sources.filter((s) => s.file.startsWith(`${path.basename(out)}/ci/`))).toEqual([{ file: `${path.basename(out)}/ci/manifest.json`, format: 'repository-side' }]);
  });

  test('programme metrics: no static credential, no wildcard, only break-glass is privileged, one unowned entitlement', () => {
    const m = inventory.metrics;
    expect(m.staticCredentialRatio.static).toBe(0);
    expect(m.wildcardCount).toEqual({ trust: 0, permissions: 0, total: 0 });
    expect(m.privilegedIdentities.ids).toEqual([
      'aws:role:payments-break-glass', AZURE_PIM, 'gcp:pam-entitlement:acme-payments-prod/payments-gke-break-glass',
    ]);
    expect(m.identities.referenced).toBe(0);
    // PAM entitlements carry no labels or description: the output does not say who owns it.
    expect(inventory.identities.filter((r) => !r.ownership.owner).map((r) => r.id)).toEqual(['gcp:pam-entitlement:acme-payments-prod/payments-gke-break-glass']);
    expect(m.exceptionDebt).toEqual({ exceptions: 0, exceptedFindings: 0, expired: 0 });
    expect(inventory.identities.flatMap((r) => r.findings)).toEqual([]);
    expect(inventory.warnings).toEqual([]);
  });

  test('writeInventory writes inventory.json and report.md, byte-identically twice; the output diffs to nothing against itself', () => {
    const first = path.join(scratch, 'report-a');
    const second = path.join(scratch, 'report-b');
    writeInventory(dirs, first, { today: TODAY });
    writeInventory(dirs, second, { today: TODAY });
    for (const file of ['inventory.json', 'report.md']) {
      expect(fs.readFileSync(path.join(second, file), 'utf8')).toBe(fs.readFileSync(path.join(first, file), 'utf8'));
    }
    expect(JSON.parse(fs.readFileSync(path.join(first, 'inventory.json'), 'utf8')).identities.length).toBe(inventory.identities.length);
    expect(diffInventories(inventory, buildInventory(readInventoryInput(dirs), { today: TODAY })).identities).toEqual([]);
  });
});
