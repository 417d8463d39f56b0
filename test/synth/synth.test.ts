import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AWS_ADMIN_POLICY, awsAdminPolicyName } from '../../src/core/facts/aws-policies';
import {
  kubernetesServiceAccountSubject, parseKubernetesServiceAccountGroup, parseKubernetesServiceAccountSubject, subjectIsPinned,
} from '../../src/core/facts/subjects';
import {
  awsOwnershipTags, azureOwnershipTags, decodeOwnershipDescription, decodeOwnershipTags, gcpOwnership, kubernetesOwnership,
  Ownership, OWNERSHIP_PREFIX,
} from '../../src/core/ownership';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { conjuncts, isTopLevelDisjunction, splitTop, unwrap } from '../../src/synth/cel';
import { globCovers, globMatches } from '../../src/synth/glob';
import { defaultProvider } from '../../src/synth/model';
import { ownershipFieldsOf } from '../../src/synth/ownership';
import { attachedPolicyArns, statementConditions } from '../../src/synth/policy';
import { readSynthesizedOutput } from '../../src/synth/read';

function tempDir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-synth-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const OWNERSHIP: Ownership = { owner: 'team-payments', purpose: 'publish a=b images', environment: 'production', tier: 1, reviewBy: '2027-01-31' };

describe('ownership: one encoder and one decoder per target', () => {
  const expected = { 'environment': 'production', 'managed-by': 'keyless', 'owner': 'team-payments', 'purpose': 'publish a=b images', 'review-by': '2027-01-31', 'tier': '1' };

  test('AWS and Azure tags round-trip, a purpose containing `=` included', () => {
    expect(decodeOwnershipTags(awsOwnershipTags(OWNERSHIP), OWNERSHIP_PREFIX.aws)).toEqual(expected);
    expect(decodeOwnershipTags(azureOwnershipTags(OWNERSHIP), OWNERSHIP_PREFIX.azure)).toEqual(expected);
  });

  test('the GCP description round-trips: a value keeps every `=` after the first', () => {
    const { description } = gcpOwnership(OWNERSHIP, { path: 'Test', today: '2026-12-01' });
    expect(description).toBe('environment=production; managed-by=keyless; owner=team-payments; purpose=publish a=b images; review-by=2027-01-31; tier=1');
    expect(decodeOwnershipDescription(description)).toEqual(expected);
  });

  test('Kubernetes annotations carry every field verbatim (managed-by is the app.kubernetes.io label)', () => {
    const { labels, annotations } = kubernetesOwnership(OWNERSHIP);
    expect(decodeOwnershipTags({ ...labels, ...annotations }, OWNERSHIP_PREFIX.kubernetes)).toEqual({
      'environment': 'production', 'owner': 'team-payments', 'purpose': 'publish a=b images', 'review-by': '2027-01-31', 'tier': '1',
    });
    expect(labels['app.kubernetes.io/managed-by']).toBe('keyless');
  });

  test('the resource decoder reads each identity type as its encoder wrote it, and nothing else', () => {
    const { description } = gcpOwnership(OWNERSHIP, { path: 'Test', today: '2026-12-01' });
    expect(ownershipFieldsOf({ format: 'terraform', file: 'f', type: 'google_service_account', id: 'a.b', properties: { description } })).toEqual(expected);
    const tags = Object.entries(awsOwnershipTags(OWNERSHIP)).map(([Key, Value]) => ({ Key, Value }));
    expect(ownershipFieldsOf({ format: 'cloudformation', file: 'f', type: 'AWS::IAM::Role', id: 'R', properties: { Tags: tags } })).toEqual(expected);
    expect(ownershipFieldsOf({ format: 'terraform', file: 'f', type: 'aws_s3_bucket', id: 'a.b', properties: {} })).toBeUndefined();
    expect(ownershipFieldsOf({ format: 'terraform', file: 'f', type: 'ServiceAccount', id: 'a', properties: {} })).toBeUndefined();
    expect(decodeOwnershipDescription('owner = x; nonsense; Owner=y; purpose=')).toEqual({ purpose: '' });
  });
});

describe('facts', () => {
  test('an administrator managed policy is one whatever its path', () => {
    expect(awsAdminPolicyName('arn:aws:iam::aws:policy/AdministratorAccess')).toBe('AdministratorAccess');
    expect(awsAdminPolicyName('arn:aws:iam::123456789012:policy/team/XFullAccess')).toBe('XFullAccess');
    expect(awsAdminPolicyName('arn:aws:iam::aws:policy/job-function/a/b/PowerUserAccess')).toBe('PowerUserAccess');
    expect(awsAdminPolicyName('arn:aws:iam::aws:policy/ReadOnlyAccess')).toBeUndefined();
    expect(awsAdminPolicyName('arn:aws:iam::aws:policy/AdministratorAccessLookalike')).toBeUndefined();
    expect(AWS_ADMIN_POLICY.test('arn:aws:iam::aws:policy/service-role/AmazonS3FullAccess')).toBe(true);
  });

  test('service account subjects and groups', () => {
    expect(kubernetesServiceAccountSubject('payments', 'api')).toBe('system:serviceaccount:payments:api');
    expect(parseKubernetesServiceAccountSubject('system:serviceaccount:payments:api')).toEqual({ namespace: 'payments', name: 'api' });
    expect(parseKubernetesServiceAccountSubject('system:serviceaccount:payments:*')).toBeUndefined();
    expect(parseKubernetesServiceAccountSubject('system:serviceaccount:payments')).toBeUndefined();
    expect(parseKubernetesServiceAccountSubject('system:serviceaccount:a:b:c')).toBeUndefined();
    expect(parseKubernetesServiceAccountGroup('system:serviceaccounts')).toBe('*');
    expect(parseKubernetesServiceAccountGroup('system:serviceaccounts:payments')).toBe('payments');
    expect(parseKubernetesServiceAccountGroup('system:authenticated')).toBeUndefined();
  });

  test('pinned CI subjects: the owner and repository (or project) are literal', () => {
    for (const pinned of ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:*', 'repo:acme@1/app@2:environment:prod',
      'repository_owner_id:1:repository_id:2:*', 'project_path:group/app:ref_type:branch:ref:main', 'system:serviceaccount:ns:sa']) {
      expect([pinned, subjectIsPinned(pinned)]).toEqual([pinned, true]);
    }
    for (const loose of ['repo:acme/*', 'repo:*', 'repo:acme*/app:*', 'repo:acme@1/app:*', 'repo:acme/app@x:*', 'project_path:group/*', 'system:serviceaccount:ns:*', '*']) {
      expect([loose, subjectIsPinned(loose)]).toEqual([loose, false]);
    }
  });
});

describe('CEL top-level structure, glob and conditions', () => {
  test('conjuncts and disjunctions at the top level only', () => {
    expect(conjuncts("(assertion.a == 'x' && (assertion.b == 'y' || assertion.c == 'z'))")).toEqual(["assertion.a == 'x'", "assertion.b == 'y' || assertion.c == 'z'"]);
    expect(isTopLevelDisjunction("((assertion.a == 'x') || assertion.b == 'y')")).toBe(true);
    expect(isTopLevelDisjunction("assertion.a == 'x||y' && (b || c)")).toBe(false);
    expect(splitTop("a in ['x && y'] && b", '&&')).toEqual(["a in ['x && y']", 'b']);
    expect(unwrap('((a) && (b))')).toBe('(a) && (b)');
  });

  test('glob matching is IAM StringLike: `*` crosses `/` and `:` and newlines', () => {
    expect(globMatches('sts:assume*', 'sts:assumerolewithwebidentity')).toBe(true);
    expect(globMatches('repo:acme/*', 'repo:acme/app:ref:x\ny')).toBe(true);
    expect(globMatches('s3:Get?', 's3:GetX')).toBe(true);
    expect(globMatches('s3:Get?', 's3:Get')).toBe(false);
    expect(globMatches('S3:GET*', 's3:getobject', true)).toBe(true);
    expect(globMatches('a.b', 'aXb')).toBe(false);
    expect(globCovers('repo:acme/*', 'repo:acme/app:*')).toBe(true);
    expect(globCovers('repo:acme/app:*', 'repo:acme/*')).toBe(false);
  });

  test('statement conditions are flattened in written order; attachments read in both formats', () => {
    expect(statementConditions({ Condition: { 'StringEquals': { 'x:aud': 'a', 'x:sub': ['b', 'c'] }, 'ForAnyValue:StringLike': { 'x:amr': '*' } } })).toEqual([
      { operator: 'StringEquals', key: 'x:aud', values: ['a'] },
      { operator: 'StringEquals', key: 'x:sub', values: ['b', 'c'] },
      { operator: 'ForAnyValue:StringLike', key: 'x:amr', values: ['*'] },
    ]);
    expect(attachedPolicyArns({ format: 'terraform', file: 'f', type: 'aws_iam_role_policy_attachment', id: 'a.b', properties: { policy_arn: 'arn:p' } })).toEqual(['arn:p']);
    expect(attachedPolicyArns({ format: 'cloudformation', file: 'f', type: 'AWS::IAM::Role', id: 'R', properties: { ManagedPolicyArns: ['arn:q'] } })).toEqual(['arn:q']);
  });
});

describe('the reader keeps Terraform provider blocks', () => {
  const provider = [{ alias: 'other', project: 'acme-other' }, { project: 'acme-prod', region: 'europe-west1' }];
  const dir = tempDir({
    'stacks/gcp/cdk.tf.json': {
      provider: { google: provider },
      resource: {
        google_project_iam_member: { deployer: { role: 'roles/storage.objectViewer', member: 'serviceAccount:app@acme-prod.iam.gserviceaccount.com' } },
      },
    },
  });

  test('every provider block, with its alias, per file', () => {
    const output = readSynthesizedOutput([dir]);
    const label = path.join(path.basename(dir), 'stacks/gcp/cdk.tf.json');
    expect(output.providers).toEqual([
      { file: label, name: 'google', alias: 'other', attributes: provider[0] },
      { file: label, name: 'google', attributes: provider[1] },
    ]);
    expect(defaultProvider(output, label, 'google')?.attributes.project).toBe('acme-prod');
  });

  test('a grant without a project is scoped to the default (alias-less) provider\'s project, not the first block', () => {
    const inventory = buildInventory(readInventoryInput([dir]), { today: '2026-12-01' });
    const record = inventory.identities.find((r) => r.id === 'gcp:service-account:app@acme-prod.iam.gserviceaccount.com');
    expect(record?.permissions.map((p) => p.text)).toEqual(['roles/storage.objectViewer on project acme-prod']);
  });
});
