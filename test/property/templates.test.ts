/**
 * Property-based suite, golden-path templates: generated DeployService (EKS) and ScheduledJob (GKE) declarations
 * with Access intents, hostile values included. Each is a KeylessError, or its identity may do exactly the declared
 * access: AWS permissions decided by the IAM engine, GCP bindings as the real terraform binary reads them (one run
 * for the file) and their conditions evaluated with CEL.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk from 'aws-cdk-lib/core';
import { Chart, Testing as K8sTesting } from 'cdk8s';
import { TerraformStack } from 'cdktf';
import * as fc from 'fast-check';
import { declarations, field, gcpProject, gcpProjectNumber, identityName, optional, ownership, TODAY } from './arbitraries';
import { caseResources, checkConstruction, Family, hasTokenMarker, misses, oracle, outcome, prepare, SEED } from './harness';
import { Access } from '../../src/core';
import { DeployService, ScheduledJob } from '../../src/templates';
import { evaluatePermission, PermissionRequest } from '../helpers/aws-permission-evaluator';
import { evaluateCel } from '../helpers/gcp-token-exchange';

const ACCOUNT = '123456789012';
const k8sApp = K8sTesting.app();
k8sApp.node.setContext('keyless:today', TODAY);
let charts = 0;
const chart = () => new Chart(k8sApp, `chart-${++charts}`);

function same(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: ${JSON.stringify(actual)}, declared ${JSON.stringify(expected)}`);
}

interface Intent { kind: 'readObjects' | 'sendMessages' | 'readSecret'; targets: any }

function intent(i: Intent, m: <T>(v: T) => any): Access {
  const targets = m(i.targets);
  if (i.kind === 'readObjects') return Access.readObjects(targets);
  if (i.kind === 'sendMessages') return Access.sendMessages(targets);
  return Access.readSecret(targets);
}

const prefix = fc.constantFrom('exports', 'settlements/2026/', 'a${x}b', '%{if true}x%{endif}', 'ü', '${aws:username}');
const awsIntent = (h: number): fc.Arbitrary<Intent> => fc.oneof(
  fc.record({ kind: fc.constant('readObjects' as const), targets: fc.record({ aws: fc.record({ bucketName: field(fc.constantFrom('acme-ledger', 'a.b-c'), h), prefix: field(prefix, h) }) }) }),
  fc.record({
    kind: fc.constant('sendMessages' as const),
    targets: fc.record({ aws: fc.record({ queueArn: field(fc.constantFrom(`arn:aws:sqs:eu-west-1:${ACCOUNT}:checkout-orders`, `arn:aws:sqs:eu-west-1:${ACCOUNT}:q.fifo`), h) }) }),
  }),
  fc.record({
    kind: fc.constant('readSecret' as const),
    targets: fc.record({ aws: fc.record({ secretArn: field(fc.constant(`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:checkout/psp-api-key-AbC123`), h) }) }),
  }),
);

interface DeployCase { name: unknown; ownership: any; image: unknown; replicas?: unknown; eks: any; access: Intent[] }

const deployService: Family<DeployCase, DeployService> = {
  name: 'templates.DeployService (EKS)',
  kind: 'aws',
  numRuns: 150,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h),
    image: field(fc.constantFrom('registry.example.com/checkout-api:3.1.0', 'ledger@sha256:' + 'a'.repeat(64)), h),
    replicas: optional(fc.constantFrom(1, 3), h),
    eks: fc.oneof(
      fc.record({ kind: fc.constant('pod-identity'), clusterName: field(fc.constantFrom('prod-eu', 'c1'), h) }),
      fc.record({ kind: fc.constant('irsa'), issuerUrl: field(fc.constant('https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C'), h) }),
    ),
    access: fc.array(awsIntent(h), { minLength: 1, maxLength: 3 }),
  }, { requiredKeys: ['name', 'ownership', 'image', 'eks', 'access'] })),
  build: (scope, c, m) => new DeployService({
    ...m({ ...c, eks: undefined, access: undefined }),
    eks: { stack: cdk.Stack.of(scope), chart: chart(), eks: m(c.eks) },
    access: c.access.map((i) => intent(i, m)),
  }),
  check: async (c, built) => {
    if (hasTokenMarker(c.access) || hasTokenMarker(c.eks)) throw new Error(`accepted an unresolved token: ${fc.stringify(c)}`);
    const role = built.handle!.clusters.eks!.identity.roleResource as iam.Role;
    const id = cdk.Stack.of(role).getLogicalId(role.node.defaultChild as cdk.CfnElement);
    const decide = async (r: PermissionRequest) =>
      (await evaluatePermission(built.doc, id, r, { account: ACCOUNT, resourceAccount: ACCOUNT })).allowed;
    const expect = async (action: string, resource: string, allowed: boolean) => {
      if (await decide({ action, resource }) !== allowed) throw new Error(`${action} on ${resource} is ${allowed ? 'denied' : 'allowed'}`);
    };
    for (const i of c.access) {
      const t = i.targets.aws;
      if (i.kind === 'readObjects') {
        const folder = t.prefix.replace(/\/+$/, '');
        await expect('s3:GetObject', `arn:aws:s3:::${t.bucketName}/${folder}/x`, true);
        await expect('s3:GetObject', `arn:aws:s3:::${t.bucketName}/${folder}-evil/x`, false);
        await expect('s3:GetObject', `arn:aws:s3:::${t.bucketName}-evil/${folder}/x`, false);
        await expect('s3:PutObject', `arn:aws:s3:::${t.bucketName}/${folder}/x`, false);
      } else if (i.kind === 'sendMessages') {
        await expect('sqs:SendMessage', t.queueArn, true);
        await expect('sqs:SendMessage', `${t.queueArn.replace(/\.fifo$/, '')}-evil`, false);
        await expect('sqs:DeleteQueue', t.queueArn, false);
      } else {
        await expect('secretsmanager:GetSecretValue', t.secretArn, true);
        await expect('secretsmanager:GetSecretValue', t.secretArn.replace('psp-api-key', 'other-key'), false);
        await expect('secretsmanager:PutSecretValue', t.secretArn, false);
      }
    }
  },
};

interface JobCase {
  name: unknown; ownership: any; image: unknown; schedule: unknown; project: unknown; projectNumber?: unknown; secret: any; objects?: any;
}

const jobSchedule = fc.constantFrom('15 2 * * *', '*/5 * * * *', '${x}', '0 0 * * * *', 'daily');
const scheduledJob: Family<JobCase, ScheduledJob> = {
  name: 'templates.ScheduledJob (GKE)',
  kind: 'tf',
  numRuns: 150,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h),
    image: field(fc.constant('registry.example.com/reconcile:1.0.0'), h),
    schedule: h === 0 ? fc.constantFrom('15 2 * * *', '*/5 * * * *') : field(jobSchedule, h),
    project: field(gcpProject, h),
    projectNumber: optional(gcpProjectNumber, h),
    secret: fc.record({ project: field(gcpProject, h), secretId: field(fc.constantFrom('psp-api-key', 'k_1'), h) }),
    objects: optional(fc.record({ bucket: field(fc.constantFrom('acme-ledger', 'a_b.c'), h), prefix: field(prefix, h) }), h),
  }, { requiredKeys: ['name', 'ownership', 'image', 'schedule', 'project', 'secret'] })),
  build: (scope, c, m) => new ScheduledJob({
    ...m({ ...c, project: undefined, projectNumber: undefined, secret: undefined, objects: undefined }),
    gke: { stack: TerraformStack.of(scope), chart: chart(), project: m(c.project), projectNumber: m(c.projectNumber) },
    secret: Access.readSecret({ gcp: m(c.secret) }),
    access: c.objects === undefined ? undefined : [Access.readObjects({ gcp: m(c.objects) })],
  }),
  check: (c, built) => {
    if (hasTokenMarker([c.secret, c.objects, c.project])) throw new Error(`accepted an unresolved token: ${fc.stringify(c)}`);
    const member = built.handle!.clusters.gke!.identity.member;
    const secrets = caseResources(built, 'google_secret_manager_secret_iam_member');
    same(secrets.map(([, s]) => [s.project, s.secret_id, s.role, s.member]), [[c.secret.project, c.secret.secretId, 'roles/secretmanager.secretAccessor', member]], 'secret grant');
    const objects = caseResources(built, 'google_storage_bucket_iam_member');
    if (c.objects === undefined) {
      same(objects, [], 'object grants');
      return;
    }
    same(objects.map(([, o]) => [o.bucket, o.role, o.member]), [[c.objects.bucket, 'roles/storage.objectViewer', member]], 'object grant');
    const folder = c.objects.prefix.replace(/\/+$/, '');
    const admits = (bucket: string, object: string) => {
      const result = evaluateCel(objects[0][1].condition.expression, { resource: new Map([['name', `projects/_/buckets/${bucket}/objects/${object}`]]) });
      return 'value' in result && result.value === true;
    };
    if (!admits(c.objects.bucket, `${folder}/x`)) throw new Error(`the condition ${objects[0][1].condition.expression} denies ${folder}/x`);
    for (const [bucket, object] of [[c.objects.bucket, `${folder}-evil/x`], [c.objects.bucket, 'other/x'], [`${c.objects.bucket}-evil`, `${folder}/x`]]) {
      if (admits(bucket, object)) throw new Error(`the condition ${JSON.stringify(objects[0][1].condition.expression)} admits ${bucket}/${object}`);
    }
  },
};

const families: Family<any, any>[] = [deployService, scheduledJob];

beforeAll(() => {
  prepare(families, 50);
});

test('all Terraform strings of the file were evaluated in one terraform run', () => {
  expect(oracle.runs).toBe(1);
});

describe.each(families.map((f) => [f.name, f] as const))('%s', (_name, family) => {
  test(`construction succeeds or throws a KeylessError (${family.numRuns} generated declarations)`, () => {
    fc.assert(fc.property(family.arb, (c) => checkConstruction(outcome(family, c))), { seed: SEED, numRuns: family.numRuns });
  });

  test('the identity may do exactly the declared access', async () => {
    let checked = 0;
    await fc.assert(fc.asyncProperty(family.arb, async (c) => {
      const built = outcome(family, c);
      if (built.error !== undefined || built.synthError !== undefined) return;
      checked += 1;
      await family.check(c, built);
    }), { seed: SEED, numRuns: family.numRuns });
    expect(checked).toBeGreaterThan(family.numRuns / 10);
    expect(misses(family)).toBe(0);
  });
});
