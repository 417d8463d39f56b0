import * as fs from 'fs';
import * as path from 'path';
import { diffFails, diffInventories, InventoryDiff } from '../../src/inventory/diff';
import { diffJson, diffMarkdown } from '../../src/inventory/diff-report';
import { Inventory } from '../../src/inventory/model';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { diffSarif, locateResource } from '../../src/inventory/sarif';

/**
 * base/ → head/ of test/fixtures/inventory (hand-written output on three clouds and Kubernetes), changed the way
 * pull requests change identities: trust narrowed to one branch, KMS conditioned, an access key, AdministratorAccess,
 * a removed deny and boundary, a longer session, pull_request runs admitted, a removed role, another environment, a
 * tightened prefix, a partner pool, an extended break-glass, a removed owner, Contributor on the subscription, a new
 * identity, secrets readable, another cloud role, cluster-admin.
 */
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'inventory');
const TODAY = '2026-11-22';
const inventoryOf = (dir: string): Inventory => buildInventory(readInventoryInput([path.join(FIXTURES, dir)]), { today: TODAY });
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-2222-4bbb-8333-cccc4444dddd';

describe('diff of base and head', () => {
  const base = inventoryOf('base');
  const head = inventoryOf('head');
  const diff = diffInventories(base, head);
  const markdown = diffMarkdown(diff, { failOn: 'broadening' });
  const lines = markdown.split('\n');
  /** The list items of one identity's section. */
  const section = (name: string): string[] => {
    const start = lines.findIndex((l) => l.startsWith('#### ') && l.endsWith(`\`${name}\``));
    if (start < 0) throw new Error(`no section for ${name}`);
    const end = lines.findIndex((l, i) => i > start && (l.startsWith('#### ') || l.startsWith('### ') || l.startsWith('<sub>')));
    return lines.slice(start + 1, end).filter((l) => l.startsWith('- '));
  };

  test('per identity: added, removed, broadened, narrowed', () => {
    expect(diff.summary).toEqual({ added: 1, removed: 1, broadened: 9, narrowed: 1, changed: 0, unchanged: 2 });
    expect(diff.identities.map((i) => [i.id, i.status])).toEqual([
      ['aws:role:ops-automation', 'broadened'],
      ['aws:role:tf-deploy', 'broadened'],
      ['aws:user:legacy-ci', 'broadened'],
      ['azure:user-assigned-identity:rg-id/app-deploy', 'broadened'],
      ['gcp:break-glass-binding:group:sre@example.com', 'broadened'],
      ['gcp:service-account:app-runtime@acme-prod.iam.gserviceaccount.com', 'broadened'],
      ['gcp:workload-identity-provider:acme-prod/ci-github/app-deploy', 'broadened'],
      ['kubernetes:service-account:k8s/app/app', 'broadened'],
      ['kubernetes:service-account:k8s/ops/janitor', 'broadened'],
      ['azure:user-assigned-identity:rg-id/new-worker', 'added'],
      ['aws:role:tf-old', 'removed'],
      ['aws:role:app-deploy', 'narrowed'],
    ]);
  });

  test('the comment opens with the marker, the counts and the gate', () => {
    expect(lines.slice(0, 7)).toEqual([
      '<!-- keyless-identity-diff -->',
      '## Keyless identity diff',
      '',
      '**9 broadened, 1 added, 1 removed, 1 narrowed, 0 otherwise changed**; 2 unchanged. Base: 13 identities in 6 files; head: 13 identities in 6 files.',
      '',
      'This fails `--fail-on broadening`: a broadened or added identity needs a security review.',
      '',
    ]);
  });

  test('AWS: replacing repo:acme/* with one branch, and adding a condition, is narrowing only', () => {
    expect(section('app-deploy')).toEqual([
      '- Trust narrowed: `oidc token.actions.githubusercontent.com sub=repo:acme/* aud=sts.amazonaws.com` now only `oidc token.actions.githubusercontent.com sub=repo:acme/app:ref:refs/heads/main aud=sts.amazonaws.com`',
      `- Permissions narrowed: \`kms:Decrypt on ${KEY}\` now only \`kms:Decrypt on ${KEY} when kms:ViaService=s3.eu-west-1.amazonaws.com\``,
      `- Permissions narrowed: \`kms:GenerateDataKey on ${KEY}\` now only \`kms:GenerateDataKey on ${KEY} when kms:ViaService=s3.eu-west-1.amazonaws.com\``,
    ]);
  });

  test('AWS: an access key, AdministratorAccess, a removed deny, a longer session, a removed boundary', () => {
    expect(section('legacy-ci')).toEqual([
      '- **Trust broadened**: now assumable by `static access key LegacyCiKey` (static credential)',
      '- **Credential changed**: unknown → static',
    ]);
    expect(section('ops-automation')).toEqual([
      '- **Permissions broadened**: can now do `policy arn:aws:iam::aws:policy/AdministratorAccess` (wildcard; privileged)',
      '- **Permissions broadened**: no longer denied: `deny ec2:TerminateInstances on *`',
      '- **Session lifetime increased**: 1 h → 4 h',
      '- **Attribute changed**: permissionsBoundary: `arn:aws:iam::${AWS::AccountId}:policy/ops-boundary` → —',
    ]);
  });

  test('AWS (Terraform): pull_request runs admitted; a removed role', () => {
    expect(section('tf-deploy')).toEqual([
      '- **Trust broadened**: now assumable by `oidc token.actions.githubusercontent.com sub=repo:acme/infra:pull_request aud=sts.amazonaws.com` (admits pull_request runs)',
    ]);
    expect(section('tf-old')).toEqual(['- Removed: was assumable by 1 subject and could do 1 thing']);
  });

  test('GCP: another environment, a tightened prefix, a partner pool, an extended break-glass', () => {
    expect(section('acme-prod/ci-github/app-deploy')).toEqual([
      '- **Trust broadened**: now assumable by `oidc token.actions.githubusercontent.com sub=repo:acme/app:environment:production repository_id=86301532 repository_owner_id=1342004`',
      '- Permissions narrowed: `roles/storage.objectCreator on storage_bucket acme-artifacts when principal attribute.repository=acme/app; '
        + "resource.name.startsWith('projects/_/buckets/acme-artifacts/objects/app/')` now only `roles/storage.objectCreator on storage_bucket acme-artifacts "
        + "when principal attribute.repository=acme/app; resource.name.startsWith('projects/_/buckets/acme-artifacts/objects/app/releases/')`",
    ]);
    expect(section('app-runtime@acme-prod.iam.gserviceaccount.com')).toEqual([
      '- **Trust broadened**: now assumable by `pool 412345678901/partner-pool` (new issuer; wildcard)',
    ]);
    expect(section('group:sre@example.com')).toEqual([
      '- **Trust broadened**: now assumable by `gcp group:sre@example.com (until 2027-03-31T00:00:00Z)` (was `gcp group:sre@example.com (until 2027-01-31T00:00:00Z)`; condition removed or loosened)',
      '- **Permissions broadened**: can now do `roles/container.admin on project acme-prod when until 2027-03-31T00:00:00Z` '
        + '(was `roles/container.admin on project acme-prod when until 2027-01-31T00:00:00Z`; privileged; condition removed or loosened)',
      '- Ownership changed: expires: `2027-01-31` → `2027-03-31`',
    ]);
  });

  test('Azure: Contributor on the subscription, owner removed, a new identity', () => {
    expect(section('rg-id/app-deploy')).toEqual([
      '- **Permissions broadened**: can now do `Contributor on /subscriptions/00000000-0000-0000-0000-000000000000` (privileged)',
      '- **Ownership removed**: owner (was team-app)',
    ]);
    expect(section('rg-id/new-worker')).toEqual([
      '- **Assumable by**: `oidc westeurope.oic.prod-aks.azure.com/tenant/cluster sub=system:serviceaccount:jobs:new-worker aud=api://AzureADTokenExchange`',
      '- **Can do**: nothing in this output',
    ]);
  });

  test('Kubernetes: secrets readable, another cloud role, cluster-admin', () => {
    expect(section('k8s/app/app')).toEqual([
      '- **Permissions broadened**: can now do `get on secrets in namespace app`',
      '- **Permissions broadened**: can now do `impersonate on aws role arn:aws:iam::123456789012:role/app-admin`',
      '- **Permissions broadened**: can now do `list on configmaps in namespace app`',
      '- Permissions narrowed: can no longer do `impersonate on aws role arn:aws:iam::123456789012:role/app-runtime`',
    ]);
    expect(section('k8s/ops/janitor')).toEqual(['- **Permissions broadened**: can now do `ClusterRole cluster-admin on all namespaces` (wildcard; privileged)']);
  });

  test('the whole comment (snapshot)', () => {
    expect(markdown).toMatchSnapshot();
  });

  test('the other way round, the same changes read as their opposites', () => {
    const reverse = diffInventories(head, base);
    expect(reverse.summary).toEqual({ added: 1, removed: 1, broadened: 3, narrowed: 7, changed: 0, unchanged: 2 });
    expect(reverse.identities.filter((i) => i.status === 'broadened').map((i) => i.id)).toEqual([
      'aws:role:app-deploy', 'gcp:workload-identity-provider:acme-prod/ci-github/app-deploy', 'kubernetes:service-account:k8s/app/app',
    ]);
    const appDeploy = reverse.identities.find((i) => i.id === 'aws:role:app-deploy')!;
    expect(appDeploy.status).toBe('broadened');
    expect(appDeploy.changes.filter((c) => c.direction === 'broadening').map((c) => [c.text, c.reasons])).toEqual([
      ['now assumable by oidc token.actions.githubusercontent.com sub=repo:acme/* aud=sts.amazonaws.com', ['wildcard', 'admits pull_request runs']],
      [`can now do kms:Decrypt on ${KEY}`, ['condition removed or loosened']],
      [`can now do kms:GenerateDataKey on ${KEY}`, ['condition removed or loosened']],
    ]);
  });

  test('identical output: no changes, and the comment says what was compared', () => {
    const same = diffInventories(base, inventoryOf('base'));
    expect(same.identities).toEqual([]);
    expect(diffMarkdown(same).split('\n')[3]).toBe('**No identity changes.** Base: 13 identities in 6 files; head: 13 identities in 6 files.');
    expect(diffFails(same, 'broadening')).toBe(false);
    expect(diffFails(same, 'any')).toBe(false);
  });

  test('the gate: broadening and any fail, never does not', () => {
    expect(diffFails(diff, 'broadening')).toBe(true);
    expect(diffFails(diff, 'any')).toBe(true);
    expect(diffFails(diff, 'never')).toBe(false);
    const narrowedOnly: InventoryDiff = { ...diff, identities: diff.identities.filter((i) => i.status === 'narrowed'), summary: { ...diff.summary, broadened: 0, added: 0 } };
    expect(diffFails(narrowedOnly, 'broadening')).toBe(false);
    expect(diffFails(narrowedOnly, 'any')).toBe(true);
  });

  test('a comment over the size limit stops at a whole identity and points to the JSON', () => {
    const short = diffMarkdown(diff, { maxLength: 2500 }).split('\n');
    expect(short).toContain('… 8 more changed identities are not shown (comment size limit): see the JSON report.');
    expect(short.join('\n').length).toBeLessThanOrEqual(2500);
    expect(short.filter((l) => l.startsWith('#### '))).toHaveLength(4);
  });

  test('JSON: every change with its direction, reasons and source', () => {
    const parsed = JSON.parse(diffJson(diff));
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.base).toEqual({ identities: 13, files: 6 });
    const tfDeploy = parsed.identities.find((i: any) => i.id === 'aws:role:tf-deploy');
    expect(tfDeploy.changes).toEqual([{
      type: 'trust-broadened',
      direction: 'broadening',
      text: 'now assumable by oidc token.actions.githubusercontent.com sub=repo:acme/infra:pull_request aud=sts.amazonaws.com',
      value: 'oidc token.actions.githubusercontent.com sub=repo:acme/infra:pull_request aud=sts.amazonaws.com',
      reasons: ['admits pull_request runs'],
      counterparts: [],
      source: 'head/terraform/aws.tf.json:aws_iam_role.tf_deploy',
    }]);
  });
});

describe('SARIF', () => {
  const diff = diffInventories(inventoryOf('base'), inventoryOf('head'));
  const locate = (file: string, resource: string) => locateResource(fs.readFileSync(path.join(FIXTURES, file), 'utf8'), resource);
  const sarif = diffSarif(diff, { locate }) as any;
  const results: any[] = sarif.runs[0].results;

  test('one result per broadening, with a rule, a level and a stable fingerprint', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(results).toHaveLength(diff.identities.flatMap((i) => i.changes).filter((c) => c.direction === 'broadening').length);
    expect(results.map((r) => r.ruleId).filter((id, i, all) => all.indexOf(id) === i).sort()).toEqual([
      'KL-D-GUARD-REMOVED', 'KL-D-IDENTITY-ADDED', 'KL-D-OWNERSHIP-REMOVED', 'KL-D-PERMISSION-BROADENED', 'KL-D-SESSION-INCREASED',
      'KL-D-STATIC-CREDENTIAL', 'KL-D-TRUST-BROADENED',
    ]);
    const again = diffSarif(diffInventories(inventoryOf('base'), inventoryOf('head'))) as any;
    expect(again.runs[0].results.map((r: any) => r.partialFingerprints)).toEqual(results.map((r) => r.partialFingerprints));
  });

  test('each result points at the resource that causes it in head', () => {
    const key = results.find((r) => r.message.text === 'AWS IAM user legacy-ci: now assumable by static access key LegacyCiKey (static credential)');
    expect(key.level).toBe('error');
    const location = key.locations[0].physicalLocation;
    expect(location.artifactLocation.uri).toBe('head/aws/app.template.json');
    const content = fs.readFileSync(path.join(FIXTURES, 'head/aws/app.template.json'), 'utf8').split('\n');
    expect(content[location.region.startLine - 1]).toContain('"LegacyCiKey":');

    const janitor = results.find((r) => r.properties.identity === 'kubernetes:service-account:k8s/ops/janitor');
    expect(janitor.locations[0].physicalLocation.artifactLocation.uri).toBe('head/k8s/app.yaml');
    const manifest = fs.readFileSync(path.join(FIXTURES, 'head/k8s/app.yaml'), 'utf8').split('\n');
    expect(manifest[janitor.locations[0].physicalLocation.region.startLine - 1]).toBe('  name: janitor-admin');
  });
});
