/**
 * Differential test of src/verify/aws-trust-evaluator.ts against the IAM simulator engine the adversarial suites
 * use (`@cloud-copilot/iam-simulate`, called as test/helpers/aws-trust-evaluator.ts calls it), on generated trust
 * policies × requests.
 *
 * The helper's exported functions take a CloudFormation template and fixed request shapes (single-valued keys
 * only); its engine call `trustAllows` is not exported and the helper is not ours to edit. So the main comparison
 * makes the same call (core engine `authorize`, strict mode, the trust as the resource policy, no other policy)
 * with a three-way result, and a second comparison goes through the helper's own `podIdentityAssumeRoleAllowed`
 * for the pairs that helper can express.
 *
 * Corners left out of the generator because the simulator and AWS's documentation disagree (the evaluator follows
 * the documentation; each corner is pinned in its own test below):
 * 1. `ForAnyValue:…IfExists` on a missing key: documented true ("...IfExists condition operators": "If the policy
 *    key is not present in the request context, the condition evaluates to true"); the simulator says false.
 * 2. Epoch (UNIX) dates: documented as epoch seconds ("Date condition operators"); the simulator compares the
 *    integer as milliseconds against ISO dates.
 * 3. Account principals (`123456789012`, `…:root`): AWS delegates to the account's identity policies; with no
 *    identity policy the simulator reports an account-level match as not allowed, while the evaluator, which
 *    sees only the trust, matches every principal of the account (over-approximating admission, which is the
 *    safe direction for a verifier that looks for admitted forgeries).
 * 4. The CIDR `0.0.0.0/0`: every IPv4 address is in it; the simulator computes its mask as `-1 << 32`, which is
 *    `-1` in JavaScript (shift counts are taken mod 32), so it admits only `0.0.0.0`.
 * Also not generated, because the evaluator refuses them (UnsupportedTrustPolicyError) rather than guess: single-
 * valued operators on a multivalued request key, policy variables, `Null` with a set operator.
 */
import { loadPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import * as fc from 'fast-check';
import { evaluateTrust, type TrustDecision, type TrustPrincipalType, type TrustRequest } from '../../src/verify/aws-trust-evaluator';
// The simulator engine, as test/helpers/aws-trust-evaluator.ts loads it.
import {
  ACCOUNT, authorize, AwsRequestImpl, DiscoveryContextKeyConstraints, podIdentityAssumeRoleAllowed, RequestContextImpl,
} from '../helpers/aws-trust-evaluator';


const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Deploy`;

function simulate(policy: object, request: TrustRequest): TrustDecision['decision'] {
  const context: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(request.context)) if (v !== undefined) context[k] = typeof v === 'string' ? v : [...v];
  const analysis = authorize({
    request: new AwsRequestImpl(request.principal.id, { resource: ROLE_ARN, accountId: ACCOUNT }, request.action, new RequestContextImpl(context)),
    sessionPolicy: undefined,
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: loadPolicy(policy, { name: 'Trust' }),
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
  });
  switch (analysis.result) {
    case 'Allowed': return 'allow';
    case 'ExplicitlyDenied': return 'deny';
    case 'ImplicitlyDenied': return 'implicit-deny';
    default: throw new Error(`unexpected simulator result ${String(analysis.result)}`);
  }
}

// ---- Generators.
const GH = 'token.actions.githubusercontent.com';
const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789';
const PRINCIPALS: ReadonlyArray<{ type: TrustPrincipalType; id: string }> = [
  { type: 'Federated', id: `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}` },
  { type: 'Federated', id: `arn:aws:iam::${ACCOUNT}:oidc-provider/${EKS}` },
  { type: 'Service', id: 'pods.eks.amazonaws.com' },
  { type: 'AWS', id: `arn:aws:iam::${ACCOUNT}:role/Ci` },
];
const ACTIONS = ['sts:AssumeRoleWithWebIdentity', 'sts:AssumeRole', 'sts:TagSession'];
const ACTION_PATTERNS = ['sts:AssumeRoleWithWebIdentity', 'STS:assumerolewithwebidentity', 'sts:AssumeRole', 'sts:AssumeRole*', 'sts:TagSession', 'sts:*', '*', 'sts:Assume?ole', 's3:GetObject'];

type Kind = 'string' | 'number' | 'date' | 'bool' | 'arn' | 'ip' | 'multi';
const KEYS: ReadonlyArray<{ key: string; kind: Kind }> = [
  { key: `${GH}:sub`, kind: 'string' },
  { key: `${GH}:aud`, kind: 'string' },
  { key: `${GH}:repository_id`, kind: 'string' },
  { key: `${EKS}:sub`, kind: 'string' },
  { key: 'aws:RequestTag/kubernetes-namespace', kind: 'string' },
  { key: `${GH}:run_attempt`, kind: 'number' },
  { key: 'aws:MultiFactorAuthAge', kind: 'number' },
  { key: 'aws:CurrentTime', kind: 'date' },
  { key: 'aws:MultiFactorAuthPresent', kind: 'bool' },
  { key: 'aws:SourceArn', kind: 'arn' },
  { key: 'aws:SourceIp', kind: 'ip' },
  { key: 'aws:TagKeys', kind: 'multi' },
];

const STRINGS = ['repo:org/app:ref:refs/heads/main', 'repo:org/app:environment:prod', 'repo:Org/App:ref:refs/heads/main',
  'repo:org/app-fork:ref:refs/heads/main', 'repo:org/app:pull_request', 'sts.amazonaws.com', 'STS.amazonaws.com', '123456', '1234567',
  'system:serviceaccount:payments:api', 'system:serviceaccount:other:api', 'payments', 'Payments', '', 'a*b', 'x?'];
const STRING_PATTERNS = [...STRINGS, 'repo:org/app:*', 'repo:org/*', 'repo:org/app:ref:refs/heads/*', 'system:serviceaccount:*:api',
  'payment?', '*', '?', 'repo:*:pull_request', '*app*', 'a*b'];
const POLICY_VALUES: Record<Kind, string[]> = {
  string: STRING_PATTERNS,
  multi: ['kubernetes-namespace', 'eks-cluster-name', 'kubernetes-*', '*', 'team'],
  number: ['0', '1', '3', '3600', '3600.0', '-5', '10.5'],
  date: ['2026-01-01T00:00:00Z', '2026-06-01T12:00:00Z', '2025-12-31', '2026-01-01', '2026-01-01T02:00:00+02:00', '2027-01-01T00:00:00.500Z'],
  bool: ['true', 'false', 'TRUE', 'False'],
  arn: ['arn:aws:eks:us-east-1:111111111111:cluster/prod', 'arn:aws:eks:*:111111111111:cluster/prod', 'arn:aws:eks:us-east-1:*:cluster/*',
    'arn:aws:eks:us-?ast-1:111111111111:cluster/prod', 'arn:aws:eks:us-east-1:111111111111:cluster/*'],
  // Corner 4 (header): no `0.0.0.0/0`.
  ip: ['10.0.0.0/8', '192.168.1.1/32', '192.168.0.0/16', '8.8.8.8/32'],
};
const REQUEST_VALUES: Record<Kind, string[]> = {
  string: STRINGS,
  multi: ['kubernetes-namespace', 'eks-cluster-name', 'team', 'Team', 'other'],
  number: ['0', '1', '2', '3', '3600', '3601', '-5', '10.5', '10.50', 'abc'],
  date: ['2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z', '2025-12-31T23:59:59Z', '2026-06-01T12:00:00Z', '2027-01-01T00:00:00.500Z', 'not-a-date'],
  bool: ['true', 'false', 'True', 'yes'],
  arn: ['arn:aws:eks:us-east-1:111111111111:cluster/prod', 'arn:aws:eks:eu-west-1:111111111111:cluster/prod',
    'arn:aws:eks:us-east-1:222222222222:cluster/dev', 'arn:aws:eks:us-east-1:111111111111:cluster/prod:extra', 'not-an-arn'],
  ip: ['10.1.2.3', '192.168.1.1', '192.168.7.7', '8.8.8.8'],
};
const OPERATORS: Record<Kind, string[]> = {
  string: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'],
  multi: ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'StringEqualsIgnoreCase'],
  number: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'],
  date: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
  bool: ['Bool'],
  arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
  ip: ['IpAddress', 'NotIpAddress'],
};

/** The key's name with its letters' case scrambled (condition keys are case-insensitive). */
const caseVariant = (key: string): fc.Arbitrary<string> => fc.constantFrom(key, key.toLowerCase(), key.toUpperCase());

const conditionArb: fc.Arbitrary<{ op: string; key: string; values: string | string[] }> = fc.constantFrom(...KEYS).chain(({ key, kind }) => {
  const valueArb = fc.constantFrom(...POLICY_VALUES[kind]);
  const valuesArb = fc.oneof(valueArb, fc.uniqueArray(valueArb, { minLength: 1, maxLength: 3 }));
  const nullArb = fc.record({ op: fc.constant('Null'), key: caseVariant(key), values: fc.constantFrom('true', 'false') });
  const opArb = fc.record({
    // A multivalued key always takes a set operator (single-valued operators on it are refused, see the header).
    set: kind === 'multi' ? fc.constantFrom('ForAnyValue:', 'ForAllValues:') : fc.constantFrom('', '', '', 'ForAnyValue:', 'ForAllValues:'),
    base: fc.constantFrom(...OPERATORS[kind]),
    ifExists: fc.boolean(),
  }).map(({ set, base, ifExists }) =>
    // Corner 1 (header): no ForAnyValue:…IfExists.
    `${set}${base}${ifExists && set !== 'ForAnyValue:' ? 'IfExists' : ''}`);
  return fc.oneof({ weight: 1, arbitrary: nullArb }, { weight: 6, arbitrary: fc.record({ op: opArb, key: caseVariant(key), values: valuesArb }) });
});

const principalElementArb = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom<'*' | Record<string, string>>('*', { AWS: '*' }) },
  {
    weight: 5,
    arbitrary: fc.uniqueArray(fc.constantFrom(...PRINCIPALS), { minLength: 1, maxLength: 3 }).map((ps) => {
      const element: Record<string, string | string[]> = {};
      for (const p of ps) {
        const prior = element[p.type];
        element[p.type] = prior === undefined ? p.id : ([] as string[]).concat(prior, p.id);
      }
      return element;
    }),
  },
);

const statementArb = fc.record({
  effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  actions: fc.oneof(fc.constantFrom(...ACTION_PATTERNS), fc.uniqueArray(fc.constantFrom(...ACTION_PATTERNS), { minLength: 1, maxLength: 3 })),
  useNotAction: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  useNotPrincipal: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  principal: principalElementArb,
  conditions: fc.array(conditionArb, { maxLength: 4 }),
}).map(({ effect, actions, useNotAction, useNotPrincipal, principal, conditions }) => {
  const statement: Record<string, unknown> = { Effect: effect };
  statement[useNotAction ? 'NotAction' : 'Action'] = actions;
  // NotPrincipal only with Deny (AWS: "we strongly recommend that you do not use NotPrincipal … with Allow"), and
  // never `NotPrincipal: "*"`, which IAM rejects.
  if (useNotPrincipal && effect === 'Deny' && typeof principal !== 'string' && principal.AWS !== '*') statement.NotPrincipal = principal;
  else statement.Principal = principal;
  const condition: Record<string, Record<string, string | string[]>> = {};
  for (const c of conditions) {
    const block = (condition[c.op] ??= {});
    // One key per operator block (a JSON object cannot hold the same key twice; case variants would collide).
    if (!Object.keys(block).some((k) => k.toLowerCase() === c.key.toLowerCase())) block[c.key] = c.values;
  }
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return statement;
});

const policyArb = fc.array(statementArb, { minLength: 1, maxLength: 3 }).map((Statement) => ({ Version: '2012-10-17', Statement }));

const requestArb: fc.Arbitrary<TrustRequest> = fc.record({
  action: fc.constantFrom(...ACTIONS),
  principal: fc.constantFrom(...PRINCIPALS),
  entries: fc.tuple(...KEYS.map(({ key, kind }) => fc.record({
    key: caseVariant(key),
    value: kind === 'multi'
      ? fc.option(fc.uniqueArray(fc.constantFrom(...REQUEST_VALUES.multi), { maxLength: 3 }), { freq: 3 })
      : fc.option(fc.constantFrom(...REQUEST_VALUES[kind]), { freq: 3 }),
  }))),
}).map(({ action, principal, entries }) => {
  const context: Record<string, string | string[] | undefined> = {};
  for (const { key, value } of entries) if (value !== null) context[key] = value;
  return { action, principal, context };
});

const PAIRS = 3000;
const SEED = 20261202;

describe('evaluateTrust agrees with the IAM simulator engine', () => {
  test(`${PAIRS} generated policy × request pairs (seed ${SEED})`, () => {
    const pairs = fc.sample(fc.tuple(policyArb, requestArb), { seed: SEED, numRuns: PAIRS });
    const counts = { 'allow': 0, 'deny': 0, 'implicit-deny': 0 };
    const disagreements: string[] = [];
    const coverage = new Map<string, number>();
    const see = (feature: string): void => void coverage.set(feature, (coverage.get(feature) ?? 0) + 1);
    for (const [policy, request] of pairs) {
      for (const statement of policy.Statement) {
        if (statement.Effect === 'Deny') see('Deny');
        if (statement.NotAction) see('NotAction');
        if (statement.NotPrincipal) see('NotPrincipal');
        for (const op of Object.keys((statement.Condition ?? {}) as object)) {
          see(op.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, ''));
          if (op.endsWith('IfExists')) see('IfExists');
          if (op.startsWith('ForAnyValue:')) see('ForAnyValue');
          if (op.startsWith('ForAllValues:')) see('ForAllValues');
        }
      }
      if (Object.values(request.context).some((v) => Array.isArray(v) && v.length > 1)) see('multivalued request key');
      expect(validateTrustPolicy(policy)).toEqual([]);
      const ours = evaluateTrust(policy, request).decision;
      const theirs = simulate(policy, request);
      counts[ours]++;
      if (ours !== theirs) disagreements.push(`ours ${ours}, simulator ${theirs}: ${JSON.stringify({ policy, request })}`);
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // Every decision is exercised (the generator is not degenerate).
    expect(counts.allow).toBeGreaterThan(100);
    expect(counts.deny).toBeGreaterThan(100);
    expect(counts['implicit-deny']).toBeGreaterThan(100);
    // Every operator and feature is exercised many times.
    const features = [...new Set(Object.values(OPERATORS).flat()), 'Null', 'IfExists', 'ForAnyValue', 'ForAllValues', 'Deny', 'NotAction',
      'NotPrincipal', 'multivalued request key'];
    expect(features.filter((f) => (coverage.get(f) ?? 0) < 30)).toEqual([]);
    // Printed for the record (differential-test counts).
    process.stdout.write(`aws-trust-differential: ${PAIRS} pairs, ${PAIRS - disagreements.length} agreements, ${JSON.stringify(counts)}\n`
      + `coverage (statements or conditions using each): ${JSON.stringify(Object.fromEntries([...coverage].sort()))}\n`);
  });

  test('through the helper podIdentityAssumeRoleAllowed, on the pairs it can express', () => {
    const tagKey = 'aws:RequestTag/kubernetes-namespace';
    const pairs = fc.sample(fc.tuple(policyArb, requestArb), { seed: SEED + 1, numRuns: 600 });
    let compared = 0;
    for (const [policy, request] of pairs) {
      if (request.principal.type !== 'Service') continue;
      // The helper's request carries session tags, aws:SourceAccount and aws:SourceArn only.
      const ns = Object.entries(request.context).find(([k]) => k.toLowerCase() === tagKey.toLowerCase())?.[1];
      const sourceArn = Object.entries(request.context).find(([k]) => k.toLowerCase() === 'aws:sourcearn')?.[1];
      const context = { [tagKey]: ns, 'aws:SourceArn': sourceArn };
      const ours = ['sts:AssumeRole', 'sts:TagSession'].every((action) =>
        evaluateTrust(policy, { action, principal: request.principal, context }).decision === 'allow');
      const template = { Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: policy } } } };
      const theirs = podIdentityAssumeRoleAllowed(template, 'Role', {
        tags: { 'kubernetes-namespace': typeof ns === 'string' ? ns : undefined },
        sourceArn: typeof sourceArn === 'string' ? sourceArn : undefined,
        principal: request.principal.id,
      });
      expect({ policy, context, allowed: ours }).toEqual({ policy, context, allowed: theirs });
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
    process.stdout.write(`aws-trust-differential (via podIdentityAssumeRoleAllowed): ${compared} pairs agree\n`);
  });
});

describe('corners where the simulator departs from AWS documentation (excluded from the generator)', () => {
  const federated = PRINCIPALS[0];
  const base = (condition: object): object => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: federated.id }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }],
  });
  const request = (context: TrustRequest['context']): TrustRequest => ({ action: 'sts:AssumeRoleWithWebIdentity', principal: federated, context });

  test('1. ForAnyValue:…IfExists on a missing key: documented true, simulator false', () => {
    const policy = base({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'team' } });
    expect(evaluateTrust(policy, request({})).decision).toBe('allow');
    expect(simulate(policy, request({}))).toBe('implicit-deny');
    // With the key present both agree.
    expect(evaluateTrust(policy, request({ 'aws:TagKeys': ['team'] })).decision).toBe(simulate(policy, request({ 'aws:TagKeys': ['team'] })));
  });

  test('2. epoch dates: documented as seconds, simulator compares them as milliseconds', () => {
    // 1767225600 s = 2026-01-01T00:00:00Z.
    const policy = base({ DateEquals: { 'aws:CurrentTime': '1767225600' } });
    const r = request({ 'aws:CurrentTime': '2026-01-01T00:00:00Z' });
    expect(evaluateTrust(policy, r).decision).toBe('allow');
    expect(simulate(policy, r)).toBe('implicit-deny');
  });

  test('3. account principals: the evaluator matches every principal of the account; the simulator, without an identity policy, does not allow', () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };
    const r: TrustRequest = { action: 'sts:AssumeRole', principal: { type: 'AWS', id: `arn:aws:iam::${ACCOUNT}:role/Ci` }, context: {} };
    expect(evaluateTrust(policy, r).decision).toBe('allow');
    expect(simulate(policy, r)).toBe('implicit-deny');
  });

  test('4. 0.0.0.0/0 holds every IPv4 address; the simulator matches only 0.0.0.0', () => {
    const policy = base({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } });
    const r = request({ 'aws:SourceIp': '8.8.8.8' });
    expect(evaluateTrust(policy, r).decision).toBe('allow');
    expect(simulate(policy, r)).toBe('implicit-deny');
  });
});
