import * as path from 'path';
import { GuardrailException } from '../../src/guardrails/exceptions';
import { IdentityRecord, Inventory } from '../../src/inventory/model';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { inventoryCsv, inventoryJson, inventoryMarkdown } from '../../src/inventory/report';

/**
 * The base fixture is hand-written output, none of it made by Keyless: a CloudFormation JSON template (OIDC role,
 * IAM user), a CloudFormation YAML template with short-form intrinsics (cross-account role), Terraform JSON for AWS,
 * GCP and Azure, and Kubernetes manifests.
 */
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'inventory');
const TODAY = '2026-11-22';

function inventoryOf(dir: string, exceptions: GuardrailException[] = []): Inventory {
  return buildInventory(readInventoryInput([path.join(FIXTURES, dir)]), { today: TODAY, exceptions });
}

describe('inventory of hand-written output', () => {
  const inventory = inventoryOf('base');
  const record = (id: string): IdentityRecord => {
    const found = inventory.identities.find((r) => r.id === id);
    if (!found) throw new Error(`no record ${id}: ${inventory.identities.map((r) => r.id).join(', ')}`);
    return found;
  };
  const subjects = (id: string) => record(id).trustedSubjects.map((s) => s.text);
  const permissions = (id: string) => record(id).permissions.map((p) => p.text);

  test('finds every identity, sorted by id, whatever wrote it', () => {
    expect(inventory.identities.map((r) => r.id)).toEqual([
      'aws:role:app-deploy',
      'aws:role:ops-automation',
      'aws:role:tf-deploy',
      'aws:role:tf-old',
      'aws:user:legacy-ci',
      'azure:application:legacy-integration',
      'azure:user-assigned-identity:rg-id/app-deploy',
      'gcp:break-glass-binding:group:sre@example.com',
      'gcp:service-account:app-runtime@acme-prod.iam.gserviceaccount.com',
      'gcp:service-account:legacy-exporter@acme-prod.iam.gserviceaccount.com',
      'gcp:workload-identity-provider:acme-prod/ci-github/app-deploy',
      'kubernetes:service-account:k8s/app/app',
      'kubernetes:service-account:k8s/ops/janitor',
    ]);
    expect(inventory.schemaVersion).toBe(1);
    expect(inventory.asOf).toBe(TODAY);
    expect(inventory.sources).toEqual([
      { file: 'base/aws/app.template.json', format: 'cloudformation' },
      { file: 'base/aws/legacy.template.yaml', format: 'cloudformation' },
      { file: 'base/k8s/app.yaml', format: 'kubernetes' },
      { file: 'base/terraform/aws.tf.json', format: 'terraform' },
      { file: 'base/terraform/azure.tf.json', format: 'terraform' },
      { file: 'base/terraform/gcp.tf.json', format: 'terraform' },
    ]);
    expect(inventory.warnings).toEqual([]);
  });

  test('AWS (CloudFormation JSON): the OIDC issuer is read from the referenced provider, a StringLike sub is a wildcard', () => {
    const role = record('aws:role:app-deploy');
    expect(subjects('aws:role:app-deploy')).toEqual(['oidc token.actions.githubusercontent.com sub=repo:acme/* aud=sts.amazonaws.com']);
    expect(role.trustedSubjects[0]).toMatchObject({ kind: 'oidc', issuer: 'token.actions.githubusercontent.com', pattern: true, wildcard: true, pullRequest: true });
    expect(permissions('aws:role:app-deploy')).toEqual([
      'kms:Decrypt on arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-2222-4bbb-8333-cccc4444dddd',
      'kms:GenerateDataKey on arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-2222-4bbb-8333-cccc4444dddd',
      's3:PutObject on arn:aws:s3:::acme-artifacts/app/*',
    ]);
    expect(role).toMatchObject({
      cloud: 'aws',
      kind: 'role',
      name: 'app-deploy',
      defined: true,
      file: 'base/aws/app.template.json',
      resource: 'DeployRole',
      ownership: { owner: 'team-app', environment: 'production', tier: 1, reviewBy: '2027-03-31' },
      credentialType: 'federated',
      maxSessionSeconds: 3600,
      blastRadius: { entries: 3, wildcardEntries: 0 },
      privileged: false,
    });
    expect(role.findings).toEqual([{
      ruleId: 'KL-G-FEDERATED-TRUST-UNPINNED', key: 'Subject::repo:acme/*', message: 'DeployRole: sub repo:acme/* does not pin the owner and repository literally',
    }]);
  });

  test('AWS (CloudFormation YAML, short-form intrinsics): policy attached with !Ref, !Sub resolved, denies kept, wildcard scopes counted', () => {
    const role = record('aws:role:ops-automation');
    expect(subjects('aws:role:ops-automation')).toEqual(['aws arn:aws:iam::111122223333:role/ops-runner (external-id=ops-7f3a)']);
    expect(permissions('aws:role:ops-automation')).toEqual([
      'deny ec2:TerminateInstances on *',
      'ec2:StartInstances on arn:aws:ec2:eu-west-1:${AWS::AccountId}:instance/*',
      'ec2:StopInstances on arn:aws:ec2:eu-west-1:${AWS::AccountId}:instance/*',
    ]);
    expect(role.blastRadius).toEqual({ entries: 2, wildcardEntries: 2 });
    // Hand-written output has no EventBridge rule for the role: not watched.
    expect(role.attributes).toEqual({ detections: 'missing', permissionsBoundary: 'arn:aws:iam::${AWS::AccountId}:policy/ops-boundary' });
    expect(role.resources).toEqual(['base/aws/legacy.template.yaml:OpsPolicy', 'base/aws/legacy.template.yaml:OpsRole']);
  });

  test('AWS (Terraform JSON): trust as a JSON string, issuer through aws_iam_openid_connect_provider, policy by role reference', () => {
    expect(subjects('aws:role:tf-deploy')).toEqual(['oidc token.actions.githubusercontent.com sub=repo:acme/infra:ref:refs/heads/main aud=sts.amazonaws.com']);
    expect(permissions('aws:role:tf-deploy')).toEqual(['dynamodb:PutItem on arn:aws:dynamodb:eu-west-1:123456789012:table/deployments']);
    expect(subjects('aws:role:tf-old')).toEqual(['service lambda.amazonaws.com']);
    expect(permissions('aws:role:tf-old')).toEqual(['logs:PutLogEvents on arn:aws:logs:eu-west-1:123456789012:log-group:/old:*']);
  });

  test('an IAM user without keys issues no credential here; it is unowned', () => {
    expect(record('aws:user:legacy-ci')).toMatchObject({ credentialType: 'unknown', maxSessionSeconds: null, ownership: {}, trustedSubjects: [] });
    expect(permissions('aws:user:legacy-ci')).toEqual(['s3:GetObject on arn:aws:s3:::acme-artifacts/*']);
  });

  test('GCP provider: trusted subjects from issuer + attribute condition; permissions granted to its principalSet; ownership from the pool', () => {
    const id = 'gcp:workload-identity-provider:acme-prod/ci-github/app-deploy';
    expect(subjects(id)).toEqual(['oidc token.actions.githubusercontent.com sub=repo:acme/app:ref:refs/heads/main repository_id=86301532 repository_owner_id=1342004']);
    expect(permissions(id)).toEqual([
      // Granted to the repository's principalSet: only tokens whose repository is acme/app hold it.
      "roles/storage.objectCreator on storage_bucket acme-artifacts when principal attribute.repository=acme/app; resource.name.startsWith('projects/_/buckets/acme-artifacts/objects/app/')",
    ]);
    expect(record(id).ownership).toEqual({ owner: 'team-app', environment: 'production', tier: 1, reviewBy: '2027-03-31' });
  });

  test('GCP service accounts: GKE workload identity members as subjects, grants to serviceAccount:EMAIL (also through ${…email}), keys make them static', () => {
    const runtime = 'gcp:service-account:app-runtime@acme-prod.iam.gserviceaccount.com';
    expect(subjects(runtime)).toEqual(['pool acme-prod.svc.id.goog sub=system:serviceaccount:app:app']);
    expect(permissions(runtime)).toEqual(['roles/pubsub.publisher on project acme-prod']);
    const exporter = 'gcp:service-account:legacy-exporter@acme-prod.iam.gserviceaccount.com';
    expect(subjects(exporter)).toEqual(['static service account key google_service_account_key.exporter']);
    expect(permissions(exporter)).toEqual(['roles/bigquery.dataViewer on project acme-prod']);
    expect(record(exporter)).toMatchObject({ credentialType: 'static', maxSessionSeconds: null });
    expect(record(exporter).findings.map((f) => `${f.ruleId} ${f.key}`)).toEqual([
      'KL-G-OWNERSHIP Field::environment', 'KL-G-OWNERSHIP Field::owner', 'KL-G-OWNERSHIP Field::review-by', 'KL-G-STATIC-CREDENTIAL Credential::google_service_account_key',
    ]);
  });

  test('GCP: a time-bound group binding is human break-glass, owned through the condition description', () => {
    const id = 'gcp:break-glass-binding:group:sre@example.com';
    expect(subjects(id)).toEqual(['gcp group:sre@example.com (until 2027-01-31T00:00:00Z)']);
    expect(permissions(id)).toEqual(['roles/container.admin on project acme-prod when until 2027-01-31T00:00:00Z']);
    expect(record(id)).toMatchObject({
      credentialType: 'human-break-glass',
      privileged: true,
      privilegedReasons: ['roles/container.admin on project acme-prod'],
      ownership: { owner: 'team-sre', environment: 'production', expires: '2027-01-31' },
    });
  });

  test('Azure: federated credentials by parent_id, role assignments by principal_id; an application password is static', () => {
    const uai = 'azure:user-assigned-identity:rg-id/app-deploy';
    expect(subjects(uai)).toEqual(['oidc token.actions.githubusercontent.com sub=repo:acme/app:ref:refs/heads/main aud=api://AzureADTokenExchange']);
    expect(permissions(uai)).toEqual(['AcrPush on /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.ContainerRegistry/registries/acmeapp']);
    expect(record(uai).ownership).toEqual({ owner: 'team-app', environment: 'production', tier: 1, reviewBy: '2027-03-31' });
    const app = 'azure:application:legacy-integration';
    expect(subjects(app)).toEqual(['static client secret azuread_application_password.integration (until 2027-06-30T00:00:00Z)']);
    expect(permissions(app)).toEqual(['Reader on /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app']);
    expect(record(app).credentialType).toBe('static');
  });

  test('Kubernetes: workloads as subjects, RBAC and the annotated cloud role as permissions, projected token lifetime', () => {
    const app = 'kubernetes:service-account:k8s/app/app';
    expect(subjects(app)).toEqual(['workload Deployment app/app']);
    expect(permissions(app)).toEqual(['get on configmaps in namespace app', 'impersonate on aws role arn:aws:iam::123456789012:role/app-runtime']);
    expect(record(app)).toMatchObject({
      maxSessionSeconds: 900,
      attributes: { automountServiceAccountToken: 'false', tokenAudiences: 'sts.amazonaws.com' },
      ownership: { owner: 'team-app', environment: 'production', reviewBy: '2027-03-31' },
    });
    const janitor = record('kubernetes:service-account:k8s/ops/janitor');
    expect(janitor.attributes).toEqual({ automountServiceAccountToken: 'true', tokenAutomountedBy: 'CronJob ops/janitor' });
    expect(janitor.findings.map((f) => `${f.ruleId} ${f.key}`)).toEqual([
      'KL-G-K8S-AUTOMOUNT Field::automountServiceAccountToken', 'KL-G-OWNERSHIP Field::environment', 'KL-G-OWNERSHIP Field::owner', 'KL-G-OWNERSHIP Field::review-by',
    ]);
  });

  test('metrics', () => {
    const { blastRadius, ...metrics } = inventory.metrics;
    expect(metrics).toEqual({
      identities: { defined: 13, referenced: 0 },
      byCloud: { aws: 5, gcp: 4, azure: 2, kubernetes: 2 },
      byCredentialType: { 'federated': 9, 'static': 2, 'human-break-glass': 1, 'unknown': 1 },
      staticCredentialRatio: { static: 2, machine: 12, ratio: 0.1667 },
      ownershipCoverage: { owned: 8, complete: 8, total: 13, ratio: 0.6154 },
      wildcardCount: { trust: 1, permissions: 2, total: 3 },
      exceptionDebt: { exceptions: 0, exceptedFindings: 0, expired: 0 },
      privilegedIdentities: { count: 1, ids: ['gcp:break-glass-binding:group:sre@example.com'] },
      reviewOverdue: { count: 0, ids: [] },
      // No repository-side manifest among the inputs: nothing counted. The one bound ServiceAccount (app/app, to an AWS
      // role defined elsewhere) has no admission policy; the GCP service account that trusts app/app has no ServiceAccount bound to it.
      repositorySide: { emitted: 0, missing: 0, missingIds: [] },
      admissionPolicy: { emitted: 0, optedOut: 0, missing: 1, optedOutIds: [], missingIds: ['kubernetes:service-account:k8s/app/app'] },
      bothSides: { complete: 0, total: 1, ratio: 0, incompleteIds: ['gcp:service-account:app-runtime@acme-prod.iam.gserviceaccount.com'] },
      // The 9 federated identities but the 2 Kubernetes ServiceAccounts; hand-written, none has a detection resource.
      identitiesWithDetections: {
        watched: 0,
        total: 7,
        ratio: 0,
        optedOutIds: [],
        missingIds: [
          'aws:role:app-deploy', 'aws:role:ops-automation', 'aws:role:tf-deploy', 'aws:role:tf-old', 'azure:user-assigned-identity:rg-id/app-deploy',
          'gcp:service-account:app-runtime@acme-prod.iam.gserviceaccount.com', 'gcp:workload-identity-provider:acme-prod/ci-github/app-deploy',
        ],
      },
      revokedIdentities: { count: 0, ids: [] },
    });
    expect(blastRadius.total).toBe(16);
    expect(blastRadius.max).toBe(3);
    expect(blastRadius.perIdentity[0]).toEqual({ id: 'aws:role:app-deploy', entries: 3, wildcardEntries: 0 });
    expect(blastRadius.perIdentity[1]).toEqual({ id: 'aws:role:ops-automation', entries: 2, wildcardEntries: 2 });
  });

  test('review overdue: a review-by date before today', () => {
    const later = buildInventory(readInventoryInput([path.join(FIXTURES, 'base')]), { today: '2027-02-01' });
    expect(later.metrics.reviewOverdue).toEqual({ count: 2, ids: ['aws:role:tf-deploy', 'gcp:break-glass-binding:group:sre@example.com'] });
  });
});

describe('exception debt', () => {
  const live: GuardrailException = {
    ruleId: 'KL-G-STATIC-CREDENTIAL',
    resource: 'azuread_application_password.integration',
    reason: 'vendor integration has no federation yet',
    owner: 'team-integrations',
    expires: '2027-02-15', // 85 days after TODAY: within the 90 days of a tier 1 (or tierless) identity
  };
  const expired: GuardrailException = { ...live, resource: 'google_service_account_key.exporter', expires: '2026-10-01' };

  test('GIVEN a live and an expired exception THEN the live one is debt on its identity and the expired one an error', () => {
    const inventory = inventoryOf('base', [live, expired]);
    expect(inventory.metrics.exceptionDebt).toEqual({ exceptions: 1, exceptedFindings: 1, expired: 1 });
    const app = inventory.identities.find((r) => r.id === 'azure:application:legacy-integration')!;
    expect(app.exceptions).toEqual([{ ruleId: 'KL-G-STATIC-CREDENTIAL', reason: 'vendor integration has no federation yet', owner: 'team-integrations', expires: '2027-02-15' }]);
    expect(app.findings).toEqual([]);
    expect(inventory.warnings).toEqual([
      'exceptions[1]: the exception to KL-G-STATIC-CREDENTIAL for google_service_account_key.exporter (owner team-integrations) expired on 2026-10-01: fix the finding, or renew the exception with a new reason and date',
    ]);
  });

  test('GIVEN an exception longer than its tier allows THEN it covers nothing and is an error, not debt', () => {
    const tooLong = { ...live, expires: '2027-02-28' };
    const inventory = inventoryOf('base', [tooLong]);
    expect(inventory.metrics.exceptionDebt).toEqual({ exceptions: 0, exceptedFindings: 0, expired: 0 });
    const app = inventory.identities.find((r) => r.id === 'azure:application:legacy-integration')!;
    expect(app.exceptions).toEqual([]);
    expect(app.findings.map((f) => `${f.ruleId} ${f.key}`)).toEqual(['KL-G-STATIC-CREDENTIAL Credential::azuread_application_password']);
    expect(inventory.warnings).toContain('exceptions[0]: the exception to KL-G-STATIC-CREDENTIAL for azuread_application_password.integration (owner team-integrations) expires on 2027-02-28, 98 days after today (2026-11-22): azuread_application_password.integration declares no tier, so tier 1 applies, and a tier 1 exception lives at most 90 days: set `expires` on or before 2027-02-20, or fix the finding');
  });

  test('GIVEN an exception naming a finding key THEN it covers that finding only, and the record shows the key', () => {
    const exporterKey: GuardrailException = {
      ...live, resource: 'google_service_account_key.exporter', findingKey: 'Credential::google_service_account_key',
    };
    const inventory = inventoryOf('base', [exporterKey]);
    const exporter = inventory.identities.find((r) => r.id === 'gcp:service-account:legacy-exporter@acme-prod.iam.gserviceaccount.com')!;
    expect(exporter.exceptions).toEqual([{
      ruleId: 'KL-G-STATIC-CREDENTIAL',
      findingKey: 'Credential::google_service_account_key',
      reason: 'vendor integration has no federation yet',
      owner: 'team-integrations',
      expires: '2027-02-15',
    }]);
    expect(exporter.findings.map((f) => `${f.ruleId} ${f.key}`)).toEqual(['KL-G-OWNERSHIP Field::environment', 'KL-G-OWNERSHIP Field::owner', 'KL-G-OWNERSHIP Field::review-by']);
  });
});

describe('reports', () => {
  const inventory = inventoryOf('base');

  test('JSON is the documented schema, deterministic', () => {
    const json = inventoryJson(inventory);
    expect(json).toBe(inventoryJson(inventoryOf('base')));
    const parsed = JSON.parse(json);
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'asOf', 'sources', 'identities', 'metrics', 'warnings']);
    expect(Object.keys(parsed.identities[0])).toEqual([
      'id', 'cloud', 'kind', 'name', 'defined', 'file', 'resource', 'resources', 'ownership', 'credentialType', 'maxSessionSeconds',
      'trustedSubjects', 'permissions', 'blastRadius', 'privileged', 'privilegedReasons', 'reviewOverdue', 'findings', 'exceptions', 'revoked', 'attributes',
    ]);
    expect(parsed.identities.every((r: any) => r.revoked === null)).toBe(true);
  });

  test('CSV: one row per identity, lists one per line inside quoted cells', () => {
    const rows = inventoryCsv(inventory).split('\r\n');
    expect(rows[0]).toBe('id,cloud,kind,name,defined,owner,purpose,environment,tier,review_by,expires,credential_type,max_session_seconds,trusted_subjects,permissions,'
      + 'blast_radius,wildcard_entries,wildcard_subjects,privileged,privileged_reasons,review_overdue,revoked,detections,findings,exceptions,file,resource');
    expect(rows[1]).toBe('aws:role:app-deploy,aws,role,app-deploy,true,team-app,,production,1,2027-03-31,,federated,3600,'
      + 'oidc token.actions.githubusercontent.com sub=repo:acme/* aud=sts.amazonaws.com,'
      + '"kms:Decrypt on arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-2222-4bbb-8333-cccc4444dddd\n'
      + 'kms:GenerateDataKey on arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-2222-4bbb-8333-cccc4444dddd\n'
      + 's3:PutObject on arn:aws:s3:::acme-artifacts/app/*",3,0,1,false,,false,,missing,'
      + 'KL-G-FEDERATED-TRUST-UNPINNED DeployRole: sub repo:acme/* does not pin the owner and repository literally,,base/aws/app.template.json,DeployRole');
    expect(inventoryCsv(inventory).match(/\r\n(aws|azure|gcp|kubernetes):/g)).toHaveLength(13);
  });

  test('Markdown: metrics, one table row and one section per identity', () => {
    const lines = inventoryMarkdown(inventory).split('\n');
    expect(lines).toContain('| Static credential ratio | 2 of 12 machine identities (16.67%) |');
    expect(lines).toContain('| Ownership coverage | 8 of 13 identities have an owner (61.54%); 8 also an environment and a review-by or expiry date |');
    expect(lines).toContain('| Wildcards | 3 (1 in trust, 2 in permissions) |');
    expect(lines).toContain('| `aws:role:ops-automation` | team-ops | production | — | 2027-02-28 | federated | 1 h | 1 | 2 (2 wildcard) | wildcard, 2 findings, not watched |');
    expect(lines).toContain('| Identities with detections | 0 of 7 federated identities are watched for refused and foreign assumptions (0%); 0 opted out; 7 missing '
      + '(`aws:role:app-deploy`, `aws:role:ops-automation`, `aws:role:tf-deploy`, `aws:role:tf-old`, `azure:user-assigned-identity:rg-id/app-deploy`, '
      + '`gcp:service-account:app-runtime@acme-prod.iam.gserviceaccount.com`, `gcp:workload-identity-provider:acme-prod/ci-github/app-deploy`) |');
    expect(lines).toContain('| Revoked identities | 0 |');
    expect(lines).not.toContain('## Revoked identities');
    expect(lines).toContain('- `oidc token.actions.githubusercontent.com sub=repo:acme/* aud=sts.amazonaws.com` (wildcard) (admits pull_request runs)');
    expect(lines.filter((l) => l.startsWith('### '))).toHaveLength(13);
  });
});
