import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/keyless';
import { ciPlatformOf, sideEmitted, sideStates } from '../../src/inventory/both-sides';
import { diffInventories } from '../../src/inventory/diff';
import { diffMarkdown } from '../../src/inventory/diff-report';
import { makeSubject } from '../../src/inventory/entries';
import { admissionIndex, admissionPolicyOf } from '../../src/inventory/kubernetes-admission';
import { Inventory } from '../../src/inventory/model';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { inventoryMarkdown } from '../../src/inventory/report';
import { diffSarif } from '../../src/inventory/sarif';
import { NeutralResource, UnreadableInputError } from '../../src/synth/model';

/**
 * test/fixtures/inventory-sides/out is hand-written output laid out as `npm run synth` writes it: CI roles and
 * identities on three clouds (GitHub ones listed in ci/manifest.json, a GitLab role and a pool-impersonated GCP
 * service account not), IRSA, Azure and Pod Identity workload identities, and two charts whose ServiceAccounts show
 * every admission-policy state (emitted, opted out, audit-only, a policy absent, a policy for another account, none).
 */
const OUT = path.join(__dirname, '..', 'fixtures', 'inventory-sides', 'out');
const TODAY = '2026-11-22';
const FILES = 'ci/github/acme/app/oidc-subject-template.tf, ci/github/acme/app/oidc-subject.json, ci/github/acme/app/workflow.yml';
const OPT_OUT = 'opted-out: cluster runs Kubernetes 1.29, ValidatingAdmissionPolicy is GA since 1.30';
const AUDIT_ONLY = 'missing: policy keyless-legacy-legacy is bound with validationActions Audit, Warn, without Deny';
const OTHER_ACCOUNT = 'missing: policy keyless-app-app protects app/app (keyless.dev/protects-service-account), not app/reports';

const inventoryOf = (targets: string[]): Inventory => buildInventory(readInventoryInput(targets), { today: TODAY });
const within = (...dirs: string[]) => dirs.map((d) => path.join(OUT, d));
/** Each record's two-sides attributes, by id (records without them left out). */
function sides(inventory: Inventory): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  for (const r of inventory.identities) {
    const picked = Object.fromEntries(Object.entries(r.attributes).filter(([k]) => k === 'repositorySide' || k === 'admissionPolicy'));
    if (Object.keys(picked).length > 0) result[r.id] = picked;
  }
  return result;
}

/** What every read of the whole fixture gives. */
const EXPECTED: Record<string, Record<string, string>> = {
  'aws:role:api': { admissionPolicy: 'missing (ServiceAccount cluster-eks/api/api)' },
  'aws:role:app-deploy': { repositorySide: `emitted: ${FILES}` },
  'aws:role:app-runtime': { admissionPolicy: 'emitted: keyless-app-app (ServiceAccount cluster-eks/app/app)' },
  'aws:role:batch': { admissionPolicy: 'missing: no ServiceAccount batch/batch bound to it in the Kubernetes output' },
  'aws:role:legacy': { admissionPolicy: `${AUDIT_ONLY} (ServiceAccount cluster-eks/legacy/legacy)` },
  'aws:role:tools-publish': { repositorySide: 'missing' },
  'aws:role:worker': { admissionPolicy: `${OPT_OUT} (ServiceAccount cluster-eks/jobs/worker)` },
  'azure:user-assigned-identity:rg-id/app-deploy': { repositorySide: `emitted: ${FILES}` },
  'azure:user-assigned-identity:rg-id/app-runtime': { admissionPolicy: 'emitted: keyless-app-app (ServiceAccount cluster-aks/app/app)' },
  'azure:user-assigned-identity:rg-id/reports': { admissionPolicy: `${OTHER_ACCOUNT} (ServiceAccount cluster-aks/app/reports)` },
  'gcp:service-account:app-ci@acme-prod.iam.gserviceaccount.com': { repositorySide: 'missing' },
  'gcp:workload-identity-provider:acme-prod/ci-github/app-deploy': { repositorySide: `emitted: ${FILES}` },
  'kubernetes:service-account:cluster-aks/app/app': { admissionPolicy: 'emitted: keyless-app-app' },
  'kubernetes:service-account:cluster-aks/app/reports': { admissionPolicy: OTHER_ACCOUNT },
  'kubernetes:service-account:cluster-eks/api/api': { admissionPolicy: 'missing' },
  'kubernetes:service-account:cluster-eks/app/app': { admissionPolicy: 'emitted: keyless-app-app' },
  'kubernetes:service-account:cluster-eks/jobs/worker': { admissionPolicy: OPT_OUT },
  'kubernetes:service-account:cluster-eks/legacy/legacy': { admissionPolicy: AUDIT_ONLY },
  'kubernetes:service-account:cluster-eks/other/other': { admissionPolicy: 'missing: policy keyless-other-other is not among the manifests of its chart' },
};

describe('both sides of each trust, read from the output', () => {
  const whole = inventoryOf([OUT]);

  test('GIVEN the out directory WHEN inventoried THEN each CI trust has its repository side and each workload identity its admission policy', () => {
    expect(sides(whole)).toEqual(EXPECTED);
    // An unbound ServiceAccount (tools/tools) gets no admission policy; the GitHub repository side is read from the manifest only.
    expect(whole.identities.find((r) => r.id === 'kubernetes:service-account:cluster-eks/tools/tools')!.attributes).toEqual({ automountServiceAccountToken: 'false' });
    expect(whole.sources.filter((s) => s.format === 'repository-side')).toEqual([{ file: 'out/ci/manifest.json', format: 'repository-side' }]);
    // The ci dir's own files (a github_* Terraform resource, a workflow) are repository configuration: not sources.
    expect(whole.sources.map((s) => s.file)).toEqual([
      'out/aws/app.template.json', 'out/ci/manifest.json', 'out/k8s/cluster-aks.k8s.yaml', 'out/k8s/cluster-eks.k8s.yaml', 'out/terraform/cloud.tf.json',
    ]);
    expect(whole.warnings).toEqual([]);
  });

  test('GIVEN the target dirs and the ci dir WHEN inventoried THEN the same records; the manifest is labelled as given', () => {
    const separate = inventoryOf(within('aws', 'terraform', 'k8s', 'ci'));
    expect(sides(separate)).toEqual(EXPECTED);
    expect(separate.sources.filter((s) => s.format === 'repository-side')).toEqual([{ file: 'ci/manifest.json', format: 'repository-side' }]);
    // The manifest itself, as a file, reads alike; given twice (out/ and out/ci), it is read once.
    expect(sides(inventoryOf([...within('aws', 'terraform', 'k8s'), path.join(OUT, 'ci', 'manifest.json')]))).toEqual(EXPECTED);
    expect(inventoryOf([OUT, path.join(OUT, 'ci')]).sources.filter((s) => s.format === 'repository-side')).toEqual([{ file: 'out/ci/manifest.json', format: 'repository-side' }]);
  });

  test('GIVEN no repository-side manifest WHEN inventoried THEN no record says repositorySide (siblings are not searched)', () => {
    const withoutCi = inventoryOf(within('aws', 'terraform', 'k8s'));
    expect(withoutCi.identities.filter((r) => r.attributes.repositorySide !== undefined)).toEqual([]);
    expect(withoutCi.metrics.repositorySide).toEqual({ emitted: 0, missing: 0, missingIds: [] });
    expect(inventoryMarkdown(withoutCi).split('\n')).toContain('| Repository side | not checked: no repository-side manifest (`ci/manifest.json`) among the inputs |');
  });

  test('GIVEN no Kubernetes output WHEN inventoried THEN cloud identities carry no admissionPolicy', () => {
    const cloudOnly = inventoryOf(within('aws', 'terraform', 'ci'));
    expect(sides(cloudOnly)).toEqual({
      'aws:role:app-deploy': { repositorySide: `emitted: ${FILES}` },
      'aws:role:tools-publish': { repositorySide: 'missing' },
      'azure:user-assigned-identity:rg-id/app-deploy': { repositorySide: `emitted: ${FILES}` },
      'gcp:service-account:app-ci@acme-prod.iam.gserviceaccount.com': { repositorySide: 'missing' },
      'gcp:workload-identity-provider:acme-prod/ci-github/app-deploy': { repositorySide: `emitted: ${FILES}` },
    });
    expect(cloudOnly.metrics.bothSides).toEqual({
      complete: 3, total: 5, ratio: 0.6, incompleteIds: ['aws:role:tools-publish', 'gcp:service-account:app-ci@acme-prod.iam.gserviceaccount.com'],
    });
  });

  test('metrics: repository side, admission policy, both sides', () => {
    expect(whole.metrics.repositorySide).toEqual({ emitted: 3, missing: 2, missingIds: ['aws:role:tools-publish', 'gcp:service-account:app-ci@acme-prod.iam.gserviceaccount.com'] });
    expect(whole.metrics.admissionPolicy).toEqual({
      emitted: 2,
      optedOut: 1,
      missing: 4,
      optedOutIds: ['kubernetes:service-account:cluster-eks/jobs/worker'],
      missingIds: [
        'kubernetes:service-account:cluster-aks/app/reports', 'kubernetes:service-account:cluster-eks/api/api',
        'kubernetes:service-account:cluster-eks/legacy/legacy', 'kubernetes:service-account:cluster-eks/other/other',
      ],
    });
    // 12 cloud identities with a CI or ServiceAccount trust; 5 have the other side: 3 repository sides, 2 policies.
    expect(whole.metrics.bothSides).toEqual({
      complete: 5,
      total: 12,
      ratio: 0.4167,
      incompleteIds: [
        'aws:role:api', 'aws:role:batch', 'aws:role:legacy', 'aws:role:tools-publish', 'aws:role:worker',
        'azure:user-assigned-identity:rg-id/reports', 'gcp:service-account:app-ci@acme-prod.iam.gserviceaccount.com',
      ],
    });
  });

  test('Markdown: the metrics rows and the flags of the identities table', () => {
    const lines = inventoryMarkdown(whole).split('\n');
    expect(lines).toContain('| Repository side | 3 of 5 CI identities have their repository side emitted; 2 missing (`aws:role:tools-publish`, '
      + '`gcp:service-account:app-ci@acme-prod.iam.gserviceaccount.com`) |');
    expect(lines).toContain('| Admission policy | 2 of 7 identity-bound ServiceAccounts have an admission policy emitted; 1 opted out (`kubernetes:service-account:cluster-eks/jobs/worker`); '
      + '4 missing (`kubernetes:service-account:cluster-aks/app/reports`, `kubernetes:service-account:cluster-eks/api/api`, '
      + '`kubernetes:service-account:cluster-eks/legacy/legacy`, `kubernetes:service-account:cluster-eks/other/other`) |');
    expect(lines).toContain('| Both sides | 5 of 12 cloud identities with a CI or ServiceAccount trust have the other side emitted (41.67%); not: `aws:role:api`, `aws:role:batch`, '
      + '`aws:role:legacy`, `aws:role:tools-publish`, `aws:role:worker`, `azure:user-assigned-identity:rg-id/reports`, `gcp:service-account:app-ci@acme-prod.iam.gserviceaccount.com` |');
    // Unowned hand-written output: the ownership guardrail's findings come first.
    expect(lines).toContain('| `aws:role:tools-publish` | — | — | — | — | federated | 1 h | 1 | 0 | 3 findings, repository side missing, not watched |');
    expect(lines).toContain('| `aws:role:worker` | — | — | — | — | federated | 1 h | 1 | 0 | 3 findings, admission policy opted out, not watched |');
    expect(lines).toContain('| `kubernetes:service-account:cluster-eks/legacy/legacy` | — | — | — | — | unknown | not declared | 0 | 1 | 3 findings, admission policy missing |');
    expect(lines).toContain('| `aws:role:app-runtime` | — | — | — | — | federated | 1 h | 1 | 0 | 3 findings, not watched |');
    expect(lines).toContain('Attributes: admissionPolicy `emitted: keyless-app-app (ServiceAccount cluster-eks/app/app)`, detections `missing`.');
  });
});

describe('reading the repository side', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-sides-'));
    fs.cpSync(OUT, path.join(tmp, 'out'), { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const manifest = () => path.join(tmp, 'out', 'ci', 'manifest.json');
  const edit = (change: (m: any) => void) => {
    const m = JSON.parse(fs.readFileSync(manifest(), 'utf8'));
    change(m);
    fs.writeFileSync(manifest(), JSON.stringify(m));
  };
  const refusal = (targets: string[]): string => {
    try {
      readInventoryInput(targets);
    } catch (error) {
      if (error instanceof UnreadableInputError) return error.message;
      throw error;
    }
    return 'read';
  };

  test('GIVEN the ci dir alone THEN refused: it describes identities of the output it came with', () => {
    const ci = path.join(tmp, 'out', 'ci');
    expect(refusal([ci])).toBe(`${ci}: the repository side only: give it with the output it describes (e.g. out/aws out/terraform out/k8s out/ci), or the out directory`);
  });

  test('GIVEN another schemaVersion, a malformed entry or a missing file THEN refused, naming the manifest', () => {
    const ci = path.join(tmp, 'out', 'ci');
    const aws = path.join(tmp, 'out', 'aws');
    edit((m) => { m.schemaVersion = 2; });
    expect(refusal([aws, ci])).toBe('ci/manifest.json: schemaVersion is 2: this reader knows repository-side schemaVersion 1 (re-run the synthesis with this Keyless)');
    edit((m) => { m.schemaVersion = 1; m.repositories[0].identities = [{ construct: 'Aws/AppDeploy' }]; });
    expect(refusal([aws, ci])).toBe('ci/manifest.json: repositories[0] (acme/app): `identities` is not a list of { "id": "<inventory id>" }');
    edit((m) => { m.repositories[0] = { files: [] }; });
    expect(refusal([aws, ci])).toBe('ci/manifest.json: repositories[0] has no `platform` or `repository`: expected e.g. { "platform": "github-actions", "repository": "acme/app", … }');
    edit((m) => { m.repositories[0] = { platform: 'github-actions', repository: 'acme/app', files: 'workflow.yml', identities: [] }; });
    expect(refusal([aws, ci])).toBe('ci/manifest.json: repositories[0] (acme/app): `files` is not a list of paths');
    fs.rmSync(path.join(ci, 'github', 'acme', 'app', 'workflow.yml'));
    fs.copyFileSync(path.join(OUT, 'ci', 'manifest.json'), manifest());
    expect(refusal([path.join(tmp, 'out')])).toBe('out/ci/manifest.json: lists ci/github/acme/app/workflow.yml, which is missing: the output is partial (re-run the synthesis)');
  });

  test('GIVEN an id the output does not hold THEN a warning names it (never silently dropped)', () => {
    edit((m) => { m.repositories[0].identities.push({ id: 'aws:role:renamed', construct: 'Aws/Renamed', cloud: 'aws' }); });
    const inventory = inventoryOf([path.join(tmp, 'out')]);
    expect(inventory.warnings).toEqual(['out/ci/manifest.json: lists the repository side of aws:role:renamed, which is not in the output read']);
  });

  test('GIVEN an entry without files THEN its identities are missing their repository side', () => {
    edit((m) => { m.repositories[0].files = []; });
    expect(sides(inventoryOf([path.join(tmp, 'out')]))['aws:role:app-deploy']).toEqual({ repositorySide: 'missing' });
  });

  test('keyless inventory OUT reads the repository side; keyless inventory OUT/ci alone exits 2', () => {
    const lines: string[] = [];
    expect(main(['inventory', path.join(tmp, 'out'), '--today', TODAY], (line) => lines.push(...line.split('\n')))).toBe(0);
    expect(lines).toContain('| Repository side | 3 of 5 CI identities have their repository side emitted; 2 missing (`aws:role:tools-publish`, '
      + '`gcp:service-account:app-ci@acme-prod.iam.gserviceaccount.com`) |');
    const refused: string[] = [];
    const ci = path.join(tmp, 'out', 'ci');
    expect(main(['inventory', ci], (line) => refused.push(line))).toBe(2);
    expect(refused).toEqual([`keyless: ${ci}: the repository side only: give it with the output it describes (e.g. out/aws out/terraform out/k8s out/ci), or the out directory`]);
  });
});

describe('keyless diff: losing the other side is a broadening', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-sides-diff-'));
    fs.cpSync(OUT, path.join(tmp, 'out'), { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const base = inventoryOf([OUT]);
  const head = () => inventoryOf([path.join(tmp, 'out')]);
  const rewrite = (file: string, from: string, to: string) => {
    const p = path.join(tmp, 'out', file);
    const content = fs.readFileSync(p, 'utf8');
    if (!content.includes(from)) throw new Error(`${file} has no ${from}`);
    fs.writeFileSync(p, content.replace(from, to));
  };
  const changesOf = (diff: ReturnType<typeof diffInventories>, id: string) =>
    diff.identities.find((i) => i.id === id)?.changes.map((c) => [c.direction, c.text, c.reasons]) ?? [];

  test('GIVEN an identity dropped from the manifest WHEN diffed THEN its repository side missing is a broadening', () => {
    const m = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'ci', 'manifest.json'), 'utf8'));
    m.repositories[0].identities = m.repositories[0].identities.filter((i: any) => i.id !== 'aws:role:app-deploy');
    fs.writeFileSync(path.join(tmp, 'out', 'ci', 'manifest.json'), JSON.stringify(m));
    const diff = diffInventories(base, head());
    expect(diff.summary).toEqual({ added: 0, removed: 0, broadened: 1, narrowed: 0, changed: 0, unchanged: 19 });
    expect(changesOf(diff, 'aws:role:app-deploy')).toEqual([
      ['broadening', `repositorySide changed from emitted: ${FILES} to missing`, ['repository side no longer emitted']],
    ]);
    expect(diffMarkdown(diff).split('\n')).toContain(`- **Attribute changed**: repositorySide: \`emitted: ${FILES}\` → \`missing\``);
    const sarif = diffSarif(diff) as any;
    expect(sarif.runs[0].results.map((r: any) => [r.ruleId, r.message.text])).toEqual([
      ['KL-D-GUARD-REMOVED', `AWS IAM role app-deploy: repositorySide changed from emitted: ${FILES} to missing (repository side no longer emitted)`],
    ]);
    // The other way round, emitting the repository side is a narrowing.
    expect(changesOf(diffInventories(head(), base), 'aws:role:app-deploy')).toEqual([['narrowing', `repositorySide changed from missing to emitted: ${FILES}`, []]]);
  });

  test('GIVEN the ci dir dropped from the head output WHEN diffed THEN every CI trust that had its repository side is broadened', () => {
    fs.rmSync(path.join(tmp, 'out', 'ci'), { recursive: true });
    const diff = diffInventories(base, head());
    expect(diff.identities.filter((i) => i.status === 'broadened').map((i) => i.id)).toEqual([
      'aws:role:app-deploy', 'azure:user-assigned-identity:rg-id/app-deploy', 'gcp:workload-identity-provider:acme-prod/ci-github/app-deploy',
    ]);
    expect(changesOf(diff, 'aws:role:app-deploy')).toEqual([['broadening', `repositorySide removed (was emitted: ${FILES})`, ['repository side no longer emitted']]]);
    // `missing` → not recorded is no change in what is emitted.
    expect(changesOf(diff, 'aws:role:tools-publish')).toEqual([['neutral', 'repositorySide removed (was missing)', []]]);
  });

  test('GIVEN a binding switched to audit WHEN diffed THEN the ServiceAccount and the role it binds are broadened', () => {
    rewrite('k8s/cluster-eks.k8s.yaml', 'policyName: keyless-app-app\n  validationActions: [Deny]', 'policyName: keyless-app-app\n  validationActions: [Audit]');
    const diff = diffInventories(base, head());
    expect(diff.identities.map((i) => [i.id, i.status])).toEqual([
      ['aws:role:app-runtime', 'broadened'],
      ['kubernetes:service-account:cluster-eks/app/app', 'broadened'],
    ]);
    expect(changesOf(diff, 'kubernetes:service-account:cluster-eks/app/app')).toEqual([[
      'broadening', 'admissionPolicy changed from emitted: keyless-app-app to missing: policy keyless-app-app is bound with validationActions Audit, without Deny',
      ['admission policy no longer emitted'],
    ]]);
  });

  test('GIVEN a chart that opts out WHEN diffed THEN a broadening; the opt-out\'s reason changing is not', () => {
    rewrite('k8s/cluster-aks.k8s.yaml', '    keyless.dev/admission-policy: keyless-app-app\nautomountServiceAccountToken: false\n---\napiVersion: admissionregistration',
      '    keyless.dev/admission-policy: opted-out\n    keyless.dev/admission-policy-opt-out: cluster runs 1.29\nautomountServiceAccountToken: false\n---\napiVersion: admissionregistration');
    rewrite('k8s/cluster-eks.k8s.yaml', 'cluster runs Kubernetes 1.29;', 'cluster runs Kubernetes 1.28;');
    const diff = diffInventories(base, head());
    expect(changesOf(diff, 'kubernetes:service-account:cluster-aks/app/app')).toEqual([
      ['broadening', 'admissionPolicy changed from emitted: keyless-app-app to opted-out: cluster runs 1.29', ['admission policy no longer emitted']],
    ]);
    expect(diff.identities.find((i) => i.id === 'kubernetes:service-account:cluster-eks/jobs/worker')!.status).toBe('changed');
  });

  test('GIVEN the cloud annotation removed WHEN diffed THEN the binding\'s loss is the narrowing, the policy no broadening', () => {
    rewrite('k8s/cluster-eks.k8s.yaml', '    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/legacy\n    keyless.dev/admission-policy: keyless-legacy-legacy\n', '');
    const diff = diffInventories(base, head());
    expect(changesOf(diff, 'kubernetes:service-account:cluster-eks/legacy/legacy')).toEqual([
      ['narrowing', 'can no longer do impersonate on aws role arn:aws:iam::123456789012:role/legacy', []],
      ['neutral', `admissionPolicy removed (was ${AUDIT_ONLY})`, []],
    ]);
  });
});

describe('the admission policy of one ServiceAccount', () => {
  const object = (kind: string, properties: object): NeutralResource => ({ format: 'kubernetes', file: 'k8s/c.k8s.yaml', type: kind, id: kind, properties: { kind, ...properties } });
  const account = (annotations: Record<string, string> = {}) => object('ServiceAccount', { metadata: { name: 'app', namespace: 'app', annotations } });
  const policy = (spec: object = {}, protects = 'app/app') => object('ValidatingAdmissionPolicy', { metadata: { name: 'p', annotations: { 'keyless.dev/protects-service-account': protects } }, spec });
  const binding = (actions: string[] | undefined) => object('ValidatingAdmissionPolicyBinding', { metadata: { name: 'b' }, spec: { policyName: 'p', ...(actions ? { validationActions: actions } : {}) } });

  test.each([
    ['a policy that names it, without the annotation', account(), [policy(), binding(['Deny'])], 'emitted: p'],
    ['the annotation and a policy with Deny and Warn', account({ 'keyless.dev/admission-policy': 'p' }), [policy(), binding(['Deny', 'Warn'])], 'emitted: p'],
    ['no policy at all', account(), [], 'missing'],
    ['a policy for another ServiceAccount only', account(), [policy({}, 'app/other'), binding(['Deny'])], 'missing'],
    ['a policy that fails open', account({ 'keyless.dev/admission-policy': 'p' }), [policy({ failurePolicy: 'Ignore' }), binding(['Deny'])], 'missing: policy p fails open (failurePolicy Ignore)'],
    ['a policy without binding', account({ 'keyless.dev/admission-policy': 'p' }), [policy()], 'missing: policy p has no ValidatingAdmissionPolicyBinding'],
    ['a binding without actions', account({ 'keyless.dev/admission-policy': 'p' }), [policy(), binding(undefined)], 'missing: policy p is bound with validationActions (none), without Deny'],
    ['a policy matching another namespace', account({ 'keyless.dev/admission-policy': 'p' }),
      [policy({ matchConstraints: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } } } }), binding(['Deny'])],
      'missing: policy p matches namespace web only, not app'],
    ['a binding in another namespace', account({ 'keyless.dev/admission-policy': 'p' }),
      [policy(), object('ValidatingAdmissionPolicyBinding', { metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } } } } })],
      'missing: policy p is bound in namespace web only, not app'],
    ['a binding in its namespace', account({ 'keyless.dev/admission-policy': 'p' }),
      [policy(), object('ValidatingAdmissionPolicyBinding', { metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'app' } } } } })],
      'emitted: p'],
    // The index keeps the objects' order: the first policy of a name, or the first protecting the ServiceAccount, is the one read.
    ['two policies of the name it gives, the first failing open', account({ 'keyless.dev/admission-policy': 'p' }),
      [policy({ failurePolicy: 'Ignore' }), policy(), binding(['Deny'])], 'missing: policy p fails open (failurePolicy Ignore)'],
    ['two policies naming it, the first failing open', account(), [policy({ failurePolicy: 'Ignore' }), policy(), binding(['Deny'])], 'missing: policy p fails open (failurePolicy Ignore)'],
    ['two bindings, the second with Deny', account({ 'keyless.dev/admission-policy': 'p' }), [policy(), binding(['Warn']), binding(['Deny'])], 'emitted: p'],
    ['an opt-out without reason', account({ 'keyless.dev/admission-policy': 'opted-out' }), [], 'opted-out: (no reason given in keyless.dev/admission-policy-opt-out)'],
    ['a reason without the annotation', account({ 'keyless.dev/admission-policy-opt-out': 'cluster 1.29\n(EKS extended support)' }), [], 'opted-out: cluster 1.29 (EKS extended support)'],
  ])('%s', (_, serviceAccount, objects, expected) => {
    expect(admissionPolicyOf(serviceAccount, 'app', admissionIndex([serviceAccount, ...objects]))).toBe(expected);
  });
});

describe('which trusts are CI trusts', () => {
  const subject = (kind: 'oidc' | 'pool' | 'workload', issuer: string, claims: Record<string, string[]>) => makeSubject({ kind, issuer, claims, source: 'f:r' });

  test.each([
    ['GitHub, by issuer', subject('oidc', 'token.actions.githubusercontent.com', { sub: ['repo:acme/app:ref:refs/heads/main'] }), 'github-actions'],
    ['GitHub Enterprise Cloud, by issuer with its slug', subject('oidc', 'token.actions.githubusercontent.com/acme', { sub: ['repo:acme/app:ref:refs/heads/main'] }), 'github-actions'],
    ['GitHub, a custom template on another issuer name', subject('oidc', 'ghes.example.com/_services/token', { sub: ['repository_owner_id:1:repository_id:2:environment:prod'] }), 'github-actions'],
    ['GitHub through a GCP pool attribute', subject('pool', '412345678901/ci-github', { 'attribute.repository': ['acme/app'] }), 'github-actions'],
    ['gitlab.com', subject('oidc', 'gitlab.com', { sub: ['project_path:acme/app:ref_type:branch:ref:main'] }), 'gitlab-ci'],
    ['a self-managed GitLab, by its subject', subject('oidc', 'gitlab.example.com', { sub: ['project_path:acme/app:ref_type:branch:ref:main'] }), 'gitlab-ci'],
    ['a GitLab pool principal', subject('pool', '412345678901/ci-gitlab', { sub: ['project_path:acme/app:ref_type:tag:ref:v1'] }), 'gitlab-ci'],
    ['a Kubernetes ServiceAccount token', subject('oidc', 'oidc.eks.eu-west-1.amazonaws.com/id/X', { sub: ['system:serviceaccount:app:app'] }), undefined],
    ['a GKE workload pool', subject('pool', 'acme-prod.svc.id.goog', { sub: ['system:serviceaccount:app:app'] }), undefined],
    ['Terraform Cloud', subject('oidc', 'app.terraform.io', { sub: ['organization:acme:project:infra:workspace:prod:run_phase:apply'] }), undefined],
    ['a workload', subject('workload', 'Deployment app/app', {}), undefined],
  ])('%s', (_, trusted, platform) => {
    expect(ciPlatformOf(trusted)).toBe(platform);
  });

  test('states of a value: every entry must be emitted', () => {
    expect(sideStates('emitted: p (ServiceAccount a/b/c); missing (ServiceAccount d/b/c)')).toEqual(['emitted', 'missing']);
    expect(sideEmitted('emitted: p (ServiceAccount a/b/c); missing (ServiceAccount d/b/c)')).toBe(false);
    expect(sideEmitted('emitted: p (ServiceAccount a/b/c); emitted: q (ServiceAccount d/b/c)')).toBe(true);
    expect(sideEmitted(undefined)).toBe(false);
  });
});
