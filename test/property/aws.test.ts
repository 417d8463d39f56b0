/**
 * Property-based suite, AWS families (aws-cdk-lib): thousands of generated declarations, each either refused with a
 * KeylessError or synthesized into a trust policy and permissions that an independent IAM engine
 * (test/helpers/aws-trust-evaluator.ts, aws-permission-evaluator.ts) confirms are no wider than declared.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cdk from 'aws-cdk-lib/core';
import * as fc from 'fast-check';
import {
  ciSource, declarations, duration, expires, field, identityName, issuerUrlEks, k8sName, k8sNamespace, optional, ownership, SourceCase,
} from './arbitraries';
import { AWS_ACCOUNT, Built, checkConstruction, checkRefusal, Family, hasTokenMarker, misses, outcome, outcomes, prepare, SEED } from './harness';
import { ciRuns, checkRuns, expectedRefusal, forgeryStats, MODELED_REFUSALS } from './models';
import { sourceOf } from './sources';
import * as aws from '../../src/constructs/aws';
import { evaluatePermission, PermissionRequest } from '../helpers/aws-permission-evaluator';
import { assumeRoleWithWebIdentityAllowed, humanAssumeRoleAllowed, podIdentityAssumeRoleAllowed } from '../helpers/aws-trust-evaluator';

const TIER_MAX_SECONDS: Record<number, number> = { 1: 3600, 2: 14400, 3: 43200 };


function roleLogicalId(role: iam.Role): string {
  return cdk.Stack.of(role).getLogicalId(role.node.defaultChild as cdk.CfnElement);
}

function roleOf(built: Built<{ roleResource?: iam.Role; role: iam.IRole }>): { id: string; resource: any } {
  const id = roleLogicalId((built.handle!.roleResource ?? built.handle!.role) as iam.Role);
  return { id, resource: built.doc.Resources[id] };
}

function refuseAcceptedTokens(what: string, value: unknown): void {
  if (hasTokenMarker(value)) throw new Error(`accepted an unresolved token in ${what}: ${fc.stringify(value)}`);
}

function checkSession(c: { ownership: any; maxSessionDuration?: any }, role: any): void {
  const declared = typeof c.maxSessionDuration === 'object' && c.maxSessionDuration !== null ? c.maxSessionDuration.$duration : 3600;
  const session = role.Properties.MaxSessionDuration;
  if (session !== declared) throw new Error(`MaxSessionDuration is ${session}, declared ${declared}`);
  if (session > TIER_MAX_SECONDS[c.ownership.tier]) throw new Error(`MaxSessionDuration ${session} exceeds tier ${c.ownership.tier}`);
}

const sessionDuration = (h: number) => optional(h === 0 ? duration([900, 3600, 7200, 14400, 43200])
  : fc.oneof(duration([900, 3600, 86400, 0]), fc.constantFrom<unknown>(3600, '1h', { seconds: 3600 }, null)), h);

// ---------------------------------------------------------------------------------------------------------------

interface CiCase { name: unknown; ownership: any; source: SourceCase; audience?: unknown; maxSessionDuration?: unknown; roleName?: unknown }

const ciOidcTrust: Family<CiCase, aws.CiOidcTrust> = {
  name: 'aws.CiOidcTrust',
  kind: 'aws',
  numRuns: 400,
  refusal: (c) => expectedRefusal(c.source, 'aws', c.ownership?.tier),
  modeledCodes: MODELED_REFUSALS,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h),
    source: ciSource(h),
    audience: optional(fc.constantFrom('sts.amazonaws.com', 'my-audience'), h),
    maxSessionDuration: sessionDuration(h),
    roleName: optional(identityName, h),
  }, { requiredKeys: ['name', 'ownership', 'source'] })),
  build: (scope, c, m) => new aws.CiOidcTrust(scope, 'Trust', { ...m({ ...c, source: undefined }), source: sourceOf(c.source, m) }),
  check: (c, built) => {
    refuseAcceptedTokens('the source or audience', [c.source, c.audience]);
    const role = roleOf(built);
    checkSession(c, role.resource);
    const aud = (c.audience as string | undefined) ?? 'sts.amazonaws.com';
    checkRuns(ciRuns(c.source, aud, 'aws'), (claims) =>
      assumeRoleWithWebIdentityAllowed(built.doc, role.id, claims, { account: AWS_ACCOUNT, importedClientIds: [aud] }), 'AWS trust');
  },
};

// ---------------------------------------------------------------------------------------------------------------

interface WiCase { name: unknown; ownership: any; serviceAccount: any; eks: any; maxSessionDuration?: unknown }

const serviceAccount = (h: number) => field(fc.record({ namespace: field(k8sNamespace, h), name: field(k8sName, h) }), h);
const workloadIdentity: Family<WiCase, aws.WorkloadIdentity> = {
  name: 'aws.WorkloadIdentity',
  kind: 'aws',
  numRuns: 200,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h),
    serviceAccount: serviceAccount(h),
    eks: fc.oneof(
      fc.record({ kind: fc.constant('irsa'), issuerUrl: field(issuerUrlEks, h) }),
      fc.record({ kind: field(fc.constant('pod-identity'), h), clusterName: field(fc.constantFrom('prod-eu', 'staging', 'c1'), h), fargate: optional(fc.boolean(), h) }, { requiredKeys: ['kind', 'clusterName'] }),
    ),
    maxSessionDuration: sessionDuration(h),
  }, { requiredKeys: ['name', 'ownership', 'serviceAccount', 'eks'] })),
  build: (scope, c, m) => new aws.WorkloadIdentity(scope, 'Identity', m(c)),
  check: (c, built) => {
    refuseAcceptedTokens('the service account or cluster', [c.serviceAccount, c.eks]);
    const role = roleOf(built);
    checkSession(c, role.resource);
    const { namespace, name } = c.serviceAccount;
    const others = [
      { namespace: `${namespace}-evil`, name }, { namespace, name: `${name}-evil` }, { namespace, name: 'default' },
      { namespace: name, name: namespace }, { namespace: namespace.slice(0, -1), name }, { namespace: 'kube-system', name },
    ].filter((ksa) => ksa.namespace !== namespace || ksa.name !== name);
    if (c.eks.kind === 'irsa') {
      const allowed = (iss: string, ksa: { namespace: string; name: string }, aud: string | undefined) =>
        assumeRoleWithWebIdentityAllowed(built.doc, role.id, { iss, aud, sub: `system:serviceaccount:${ksa.namespace}:${ksa.name}` }, { account: AWS_ACCOUNT });
      const iss = c.eks.issuerUrl;
      if (!allowed(iss, c.serviceAccount, 'sts.amazonaws.com')) throw new Error('IRSA: the declared service account is denied');
      for (const ksa of others) if (allowed(iss, ksa, 'sts.amazonaws.com')) throw new Error(`IRSA: admits ${ksa.namespace}/${ksa.name}`);
      if (allowed(`${iss}/`, c.serviceAccount, 'sts.amazonaws.com') || allowed(iss, c.serviceAccount, 'api://AzureADTokenExchange')
        || allowed(iss, c.serviceAccount, undefined)) throw new Error('IRSA: admits another issuer or audience');
      return;
    }
    const cluster = c.eks.clusterName;
    const request = (ksa: { namespace: string; name: string }, clusterName = cluster, account = AWS_ACCOUNT, region = 'eu-west-1') => ({
      tags: {
        'eks-cluster-arn': `arn:aws:eks:${region}:${account}:cluster/${clusterName}`,
        'eks-cluster-name': clusterName,
        'kubernetes-namespace': ksa.namespace,
        'kubernetes-service-account': ksa.name,
      },
      sourceAccount: account,
    });
    const allowed = (r: ReturnType<typeof request>) => podIdentityAssumeRoleAllowed(built.doc, role.id, r, { account: AWS_ACCOUNT });
    if (!allowed(request(c.serviceAccount))) throw new Error('Pod Identity: the declared service account is denied');
    for (const ksa of others) if (allowed(request(ksa))) throw new Error(`Pod Identity: admits ${ksa.namespace}/${ksa.name}`);
    for (const r of [request(c.serviceAccount, `${cluster}-2`), request(c.serviceAccount, cluster, '210987654321'), request(c.serviceAccount, cluster, AWS_ACCOUNT, 'us-east-1')]) {
      if (allowed(r)) throw new Error(`Pod Identity: admits ${r.tags['eks-cluster-arn']}`);
    }
  },
};

// ---------------------------------------------------------------------------------------------------------------

interface PublisherCase { name: unknown; ownership: any; source: SourceCase; target: { kind: string; props: any } }

const ecrArn = (h: number) => h === 0 ? fc.constantFrom(
  'arn:aws:ecr:eu-west-1:123456789012:repository/payments/api', 'arn:aws:ecr:us-east-1:123456789012:repository/app',
) : fc.constantFrom(
  'arn:aws:ecr:eu-west-1:123456789012:repository/payments/api', 'arn:aws:ecr:us-east-1:123456789012:repository/app',
  'arn:aws:ecr:eu-west-1:123456789012:repository/*', 'arn:aws:ecr:eu-west-1:123456789012:repository/${aws:username}',
);
const kmsKey = 'arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const target = (h: number) => fc.oneof(
  fc.record({ kind: fc.constant('ecr'), props: fc.record({ repositoryArn: field(ecrArn(h), h) }) }),
  fc.record({
    kind: fc.constant('s3'),
    props: fc.record({
      bucketName: field(fc.constantFrom('acme-release-artifacts', 'a.b-c'), h),
      prefix: field(fc.constantFrom('payments-api', 'releases/1.x/', '${aws:username}', 'a${x}b', "it's", 'ü/ß', '%{x}', 'p$'), h),
      kmsKeyArn: optional(fc.constant(kmsKey), h),
    }, { requiredKeys: ['bucketName', 'prefix'] }),
  }),
  fc.record({
    kind: fc.constant('codeartifact'),
    props: fc.record({
      region: field(fc.constant('eu-west-1'), h),
      domain: field(fc.constantFrom('acme', 'acme-2'), h),
      domainOwner: field(fc.constant('123456789012'), h),
      repository: field(fc.constantFrom('releases', 'r.1'), h),
      format: field(fc.constantFrom('npm', 'pypi', 'maven'), h),
      namespace: optional(fc.constantFrom('acme', 'a~b'), h),
      packageName: field(fc.constantFrom('payments-client', 'p~1'), h),
    }, { requiredKeys: ['region', 'domain', 'domainOwner', 'repository', 'format', 'packageName'] }),
  }),
);

function awsTarget(t: PublisherCase['target'], m: <T>(v: T) => any): aws.AwsPublishTarget {
  const props = m(t.props);
  if (t.kind === 'ecr') return aws.AwsPublishTarget.ecrRepository(props);
  if (t.kind === 's3') return aws.AwsPublishTarget.s3Prefix(props);
  return aws.AwsPublishTarget.codeArtifactPackage(props);
}

const req = (action: string, resource: string, context?: Record<string, string>): PermissionRequest => ({ action, resource, context });

const publisher: Family<PublisherCase, aws.ScopedPublisherRole> = {
  name: 'aws.ScopedPublisherRole',
  kind: 'aws',
  numRuns: 250,
  refusal: (c) => expectedRefusal(c.source, 'aws', c.ownership?.tier),
  modeledCodes: MODELED_REFUSALS,
  arb: declarations((h) => fc.record({
    name: field(identityName, h), ownership: ownership(h), source: ciSource(h, { pullRequests: false }), target: target(h),
  })),
  build: (scope, c, m) => new aws.ScopedPublisherRole(scope, 'Publisher', {
    ...m({ ...c, source: undefined, target: undefined }), source: sourceOf(c.source, m), target: awsTarget(c.target, m),
  }),
  check: async (c, built) => {
    refuseAcceptedTokens('the source or target', [c.source, c.target]);
    const role = roleOf(built);
    if (role.resource.Properties.MaxSessionDuration > 3600) throw new Error('publisher session over one hour');
    checkRuns(ciRuns(c.source, 'sts.amazonaws.com', 'aws'), (claims) =>
      assumeRoleWithWebIdentityAllowed(built.doc, role.id, claims, { account: AWS_ACCOUNT }), 'AWS publisher trust');
    const decide = async (r: PermissionRequest, resourcePolicy?: object) =>
      (await evaluatePermission(built.doc, role.id, r, { account: AWS_ACCOUNT, resourceAccount: AWS_ACCOUNT, resourcePolicy })).allowed;
    const expect = async (r: PermissionRequest, allowed: boolean, resourcePolicy?: object) => {
      if (await decide(r, resourcePolicy) !== allowed) throw new Error(`${r.action} on ${r.resource} is ${allowed ? 'denied' : 'allowed'}`);
    };
    const p = c.target.props;
    if (c.target.kind === 'ecr') {
      await expect(req('ecr:PutImage', p.repositoryArn), true);
      await expect(req('ecr:PutImage', `${p.repositoryArn}-evil`), false);
      await expect(req('ecr:PutImage', p.repositoryArn.replace(/repository\/.*/, 'repository/other')), false);
      await expect(req('ecr:BatchDeleteImage', p.repositoryArn), false);
      await expect(req('ecr:GetAuthorizationToken', '*'), true);
    } else if (c.target.kind === 's3') {
      const folder = p.prefix.replace(/\/+$/, '');
      const object = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
      await expect(req('s3:PutObject', object(p.bucketName, `${folder}/x.tgz`)), true);
      await expect(req('s3:PutObject', object(p.bucketName, `${folder}-evil/x.tgz`)), false);
      await expect(req('s3:PutObject', object(p.bucketName, 'other/x.tgz')), false);
      await expect(req('s3:PutObject', object(`${p.bucketName}-evil`, `${folder}/x.tgz`)), false);
      await expect(req('s3:GetObject', object(p.bucketName, `${folder}/x.tgz`)), false);
      await expect(req('s3:PutObjectAcl', object(p.bucketName, `${folder}/x.tgz`)), false);
      if (p.kmsKeyArn !== undefined) {
        const keyPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${AWS_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] };
        const via = { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' };
        await expect(req('kms:GenerateDataKey', p.kmsKeyArn, via), true, keyPolicy);
        await expect(req('kms:GenerateDataKey', p.kmsKeyArn.replace(/key\/.*/, 'key/11111111-2222-4333-8444-555555555555'), via), false, keyPolicy);
        await expect(req('kms:Decrypt', p.kmsKeyArn, {}), false, keyPolicy);
      }
    } else {
      const arn = (r: string) => `arn:aws:codeartifact:${p.region}:${p.domainOwner}:${r}`;
      const pkg = `package/${p.domain}/${p.repository}/${p.format}/${p.namespace ?? ''}/${p.packageName}`;
      // The IAM engine's resource types do not accept the empty namespace segment (`npm//name`) of a package ARN.
      if (p.namespace !== undefined) {
        await expect(req('codeartifact:PublishPackageVersion', arn(pkg)), true);
        await expect(req('codeartifact:PublishPackageVersion', arn(`${pkg}-evil`)), false);
        await expect(req('codeartifact:PublishPackageVersion', arn(`package/${p.domain}/${p.repository}-evil/${p.format}/${p.namespace}/${p.packageName}`)), false);
        await expect(req('codeartifact:DeletePackageVersions', arn(pkg)), false);
      }
      await expect(req('codeartifact:GetAuthorizationToken', arn(`domain/${p.domain}`)), true);
      await expect(req('codeartifact:GetAuthorizationToken', arn(`domain/${p.domain}-evil`)), false);
      await expect(req('sts:GetServiceBearerToken', '*', { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' }), true);
      await expect(req('sts:GetServiceBearerToken', '*', { 'sts:AWSServiceName': 'codecatalyst.amazonaws.com' }), false);
    }
  },
};

// ---------------------------------------------------------------------------------------------------------------

interface BreakGlassCase { name: unknown; ownership: any; expires: unknown; humans: unknown; maxMfaAge?: unknown; alarm: boolean }

const human = (h: number) => field(fc.record({
  principalArn: field(fc.constantFrom('arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:role/sre/bob', 'arn:aws:iam::123456789012:user/c.d@e'), h),
  sourceIdentity: field(fc.constantFrom('alice', 'bob', 'c.d@e', 'x=y'), h),
}), h);
const breakGlass: Family<BreakGlassCase, aws.BreakGlassRole> = {
  name: 'aws.BreakGlassRole',
  kind: 'aws',
  numRuns: 150,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h, [1]),
    expires: field(expires, h),
    humans: h === 0 ? fc.uniqueArray(human(0), { minLength: 1, maxLength: 3, selector: (x: any) => x.principalArn })
      : fc.oneof({ weight: 8, arbitrary: fc.array(human(h), { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.constantFrom<unknown>([], null, 'alice', {}) }),
    maxMfaAge: optional(h === 0 ? duration([300, 900, 3600]) : fc.oneof(duration([300, 900, 3600, 0]), fc.constantFrom<unknown>(900, '15m')), h),
    alarm: h === 0 ? fc.constant(true) : fc.boolean(),
  }, { requiredKeys: ['name', 'ownership', 'expires', 'humans', 'alarm'] })),
  build: (scope, c, m) => new aws.BreakGlassRole(scope, 'BreakGlass', {
    ...m({ ...c, alarm: undefined }),
    alarmTopic: c.alarm ? sns.Topic.fromTopicArn(scope, 'Alarm', `arn:aws:sns:eu-west-1:${AWS_ACCOUNT}:security-alerts`) : undefined,
    statements: [new iam.PolicyStatement({ actions: ['eks:DescribeNodegroup'], resources: [`arn:aws:eks:eu-west-1:${AWS_ACCOUNT}:nodegroup/prod/*`] })],
  }),
  check: (c, built) => {
    refuseAcceptedTokens('the humans or expiry', [c.humans, c.expires]);
    const role = roleOf(built);
    if (role.resource.Properties.MaxSessionDuration !== 3600) throw new Error(`break-glass session ${role.resource.Properties.MaxSessionDuration}`);
    const mfaAge = typeof c.maxMfaAge === 'object' && c.maxMfaAge !== null ? (c.maxMfaAge as any).$duration : 900;
    const humans = c.humans as { principalArn: string; sourceIdentity: string }[];
    const allowed = (r: Parameters<typeof humanAssumeRoleAllowed>[2]) => humanAssumeRoleAllowed(built.doc, role.id, r, { account: AWS_ACCOUNT });
    for (const h of humans) {
      const ok = { principal: h.principalArn, mfaPresent: 'true' as const, mfaAgeSeconds: 60, sourceIdentity: h.sourceIdentity, currentTime: '2026-11-23T12:00:00Z' };
      if (!allowed(ok)) throw new Error(`${h.principalArn} as ${h.sourceIdentity} is denied`);
      const forged: [string, typeof ok | Record<string, unknown>][] = [
        ['at expiry', { ...ok, currentTime: `${c.expires}T00:00:00Z` }],
        ['no MFA', { ...ok, mfaPresent: undefined, mfaAgeSeconds: undefined }],
        ['MFA false', { ...ok, mfaPresent: 'false' }],
        ['stale MFA', { ...ok, mfaAgeSeconds: mfaAge }],
        ['no source identity', { ...ok, sourceIdentity: undefined }],
        ['another source identity', { ...ok, sourceIdentity: `${h.sourceIdentity}x` }],
        ['another principal', { ...ok, principal: `${h.principalArn}x` }],
        ['the account root', { ...ok, principal: `arn:aws:iam::${AWS_ACCOUNT}:root` }],
      ];
      for (const [label, r] of forged) {
        // Another declared human with that principal and source identity is legitimately admitted.
        if (humans.some((o) => o.principalArn === (r as any).principal && o.sourceIdentity === (r as any).sourceIdentity) && label.startsWith('another')) continue;
        if (allowed(r as typeof ok)) throw new Error(`admits ${label} for ${h.principalArn}`);
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------------------------

const families: Family<any, any>[] = [ciOidcTrust, workloadIdentity, publisher, breakGlass];

beforeAll(() => {
  prepare(families, 40);
  // eslint-disable-next-line no-console
  if (process.env.KEYLESS_PROPERTY_STATS) for (const f of families) console.log(f.name, JSON.stringify(outcomes(f)));
});

afterAll(() => {
  // eslint-disable-next-line no-console
  if (process.env.KEYLESS_PROPERTY_STATS) console.log([...forgeryStats].sort().map(([k, v]) => `${k}: ${v.declared} declared, ${v.denied} denied`).join('\n'));
});

describe.each(families.map((f) => [f.name, f] as const))('%s', (_name, family) => {
  test(`construction succeeds or throws a KeylessError (${family.numRuns} generated declarations)`, () => {
    fc.assert(fc.property(family.arb, (c) => checkConstruction(outcome(family, c))), { seed: SEED, numRuns: family.numRuns });
  });

  if (family.refusal !== undefined) {
    test(`the model's refusals: what the cloud cannot check is refused (${(family.modeledCodes ?? []).join(', ')}), nothing else with those codes`, () => {
      const predicted: Record<string, number> = {};
      fc.assert(fc.property(family.arb, (c) => {
        if (checkRefusal(family, c, outcome(family, c))) predicted[family.refusal!(c)!] = (predicted[family.refusal!(c)!] ?? 0) + 1;
      }), { seed: SEED, numRuns: family.numRuns });
      // eslint-disable-next-line no-console
      if (process.env.KEYLESS_PROPERTY_STATS) console.log(family.name, 'refused as predicted', JSON.stringify(predicted));
      expect(misses(family)).toBe(0);
    });
  }

  test('what is synthesized admits exactly the declared principals and grants no more than declared', async () => {
    let checked = 0;
    await fc.assert(fc.asyncProperty(family.arb, async (c) => {
      const built = outcome(family, c);
      if (built.error !== undefined || built.synthError !== undefined) return;
      checked += 1;
      await family.check(c, built);
    }), { seed: SEED, numRuns: family.numRuns });
    // Not vacuous: a good share of the generated declarations is accepted and evaluated.
    expect(checked).toBeGreaterThan(family.numRuns / 10);
    expect(misses(family)).toBe(0);
  });
});

describe('sanity: the checks fail on a widened trust', () => {
  test('an AWS trust whose subject is widened to the whole organization admits other repositories', () => {
    const family = ciOidcTrust;
    const [c] = fc.sample(family.arb.filter((x) => outcome(family, x).error === undefined && x.source.platform === 'github'), { seed: SEED, numRuns: 1 });
    const built = outcome(family, c);
    const role = roleOf(built);
    const widened = JSON.parse(JSON.stringify(built.doc));
    const statement = widened.Resources[role.id].Properties.AssumeRolePolicyDocument.Statement[0];
    const key = Object.keys(statement.Condition.StringEquals ?? {}).find((k) => k.endsWith(':sub'))
      ?? Object.keys(statement.Condition.StringLike ?? {}).find((k) => k.endsWith(':sub'))!;
    delete statement.Condition.StringEquals?.[key];
    statement.Condition.StringLike = { ...statement.Condition.StringLike, [key]: `repo:${(c.source.props as any).owner}/*` };
    expect(() => family.check(c, { ...built, doc: widened })).toThrow(/admits a run the declaration does not name/);
    expect(() => family.check(c, built)).not.toThrow();
  });
});
