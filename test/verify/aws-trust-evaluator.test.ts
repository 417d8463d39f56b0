import { evaluateTrust, tryEvaluateTrust, UnsupportedTrustPolicyError, type TrustRequest } from '../../src/verify/aws-trust-evaluator';

const GH_ARN = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
const SUB = 'token.actions.githubusercontent.com:sub';
const ACTION = 'sts:AssumeRoleWithWebIdentity';

const request = (context: TrustRequest['context'] = {}, overrides: Partial<TrustRequest> = {}): TrustRequest => ({
  action: ACTION, principal: { type: 'Federated', id: GH_ARN }, context, ...overrides,
});
const allowIf = (condition: object): object => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: GH_ARN }, Action: ACTION, Condition: condition }],
});
/** Whether the one-statement Allow with `condition` admits a request with `context`. */
const holds = (condition: object, context: TrustRequest['context']): boolean =>
  evaluateTrust(allowIf(condition), request(context)).decision === 'allow';

describe('string operators', () => {
  test.each([
    ['StringEquals', 'repo:org/app:ref:refs/heads/main', 'repo:org/app:ref:refs/heads/main', true],
    ['StringEquals', 'repo:org/app:ref:refs/heads/main', 'repo:Org/app:ref:refs/heads/main', false],
    ['StringEquals', 'repo:org/app:*', 'repo:org/app:ref:refs/heads/main', false], // no wildcards in StringEquals
    ['StringEquals', 'repo:org/app:*', 'repo:org/app:*', true],
    ['StringNotEquals', 'a', 'b', true],
    ['StringNotEquals', 'a', 'a', false],
    ['StringEqualsIgnoreCase', 'Repo:ORG/app', 'repo:org/APP', true],
    ['StringNotEqualsIgnoreCase', 'Repo:ORG/app', 'repo:org/APP', false],
    ['StringLike', 'repo:org/app:*', 'repo:org/app:ref:refs/heads/main', true],
    ['StringLike', 'repo:org/*', 'repo:org/app:environment:prod', true], // `*` crosses `/` and `:`
    ['StringLike', 'repo:org/app:*', 'repo:org/app-fork:ref:refs/heads/main', false],
    ['StringLike', 'repo:org/app:*', 'repo:ORG/app:ref:refs/heads/main', false], // case-sensitive
    ['StringLike', 'ns-?', 'ns-1', true],
    ['StringLike', 'ns-?', 'ns-12', false],
    ['StringLike', 'a.b', 'axb', false], // `.` is literal
    ['StringNotLike', 'repo:org/*', 'repo:evil/app', true],
    ['StringNotLike', 'repo:org/*', 'repo:org/app', false],
  ])('%s %j vs %j → %s', (op, policy, value, expected) => {
    expect(holds({ [op]: { [SUB]: policy } }, { [SUB]: value })).toBe(expected);
  });

  test('several values of one key: OR for positive operators, AND of the negations for negated ones', () => {
    expect(holds({ StringEquals: { [SUB]: ['a', 'b'] } }, { [SUB]: 'b' })).toBe(true);
    expect(holds({ StringEquals: { [SUB]: ['a', 'b'] } }, { [SUB]: 'c' })).toBe(false);
    expect(holds({ StringNotEquals: { [SUB]: ['a', 'b'] } }, { [SUB]: 'b' })).toBe(false);
    expect(holds({ StringNotEquals: { [SUB]: ['a', 'b'] } }, { [SUB]: 'c' })).toBe(true);
  });

  test('several keys and several operators: AND', () => {
    const condition = { StringEquals: { [SUB]: 's', 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'x:y': 'z*' } };
    expect(holds(condition, { [SUB]: 's', 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'x:y': 'zz' })).toBe(true);
    expect(holds(condition, { [SUB]: 's', 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'x:y': 'q' })).toBe(false);
    expect(holds(condition, { [SUB]: 's', 'x:y': 'zz' })).toBe(false);
  });
});

describe('numeric, date, bool, binary, IP and ARN operators', () => {
  const N = 'aws:MultiFactorAuthAge';
  test.each([
    ['NumericEquals', '3600', '3600.0', true],
    ['NumericEquals', '3600', '3601', false],
    ['NumericNotEquals', '3600', '3601', true],
    ['NumericNotEquals', '3600', '3600', false],
    ['NumericLessThan', '3600', '3599', true],
    ['NumericLessThan', '3600', '3600', false],
    ['NumericLessThanEquals', '3600', '3600', true],
    ['NumericGreaterThan', '3600', '3600', false],
    ['NumericGreaterThan', '-5', '0', true],
    ['NumericGreaterThanEquals', '10.5', '10.50', true],
    ['NumericEquals', '1', 'abc', false], // an unreadable number satisfies neither …
    ['NumericNotEquals', '1', 'abc', false], // … nor its negation
  ])('%s %s vs %s → %s', (op, policy, value, expected) => {
    expect(holds({ [op]: { [N]: policy } }, { [N]: value })).toBe(expected);
  });

  const T = 'aws:CurrentTime';
  test.each([
    ['DateEquals', '2026-01-01T00:00:00Z', '2026-01-01T02:00:00+02:00', true],
    ['DateEquals', '2026-01-01', '2026-01-01T00:00:00Z', true],
    ['DateEquals', '1767225600', '2026-01-01T00:00:00Z', true], // epoch seconds
    ['DateNotEquals', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', true],
    ['DateLessThan', '2026-01-01T00:00:00Z', '2025-12-31T23:59:59Z', true],
    ['DateLessThan', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', false],
    ['DateLessThanEquals', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', true],
    ['DateGreaterThan', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.001Z', true],
    ['DateGreaterThanEquals', '2026-01-01T00:00:00Z', '2025-12-31T23:59:59Z', false],
    ['DateEquals', '2026-01-01T00:00:00Z', 'not-a-date', false],
    ['DateNotEquals', '2026-01-01T00:00:00Z', 'not-a-date', false],
  ])('%s %s vs %s → %s', (op, policy, value, expected) => {
    expect(holds({ [op]: { [T]: policy } }, { [T]: value })).toBe(expected);
  });

  test('Bool: true/false, case-insensitive; anything else matches nothing', () => {
    const B = 'aws:MultiFactorAuthPresent';
    expect(holds({ Bool: { [B]: 'true' } }, { [B]: 'TRUE' })).toBe(true);
    expect(holds({ Bool: { [B]: 'true' } }, { [B]: 'false' })).toBe(false);
    expect(holds({ Bool: { [B]: false } }, { [B]: 'False' })).toBe(true); // a JSON boolean in the policy
    expect(holds({ Bool: { [B]: 'true' } }, { [B]: 'yes' })).toBe(false);
    expect(holds({ Bool: { [B]: 'true' } }, {})).toBe(false);
  });

  test('BinaryEquals compares base64 text exactly', () => {
    expect(holds({ BinaryEquals: { 'k:b': 'QmluYXJ5' } }, { 'k:b': 'QmluYXJ5' })).toBe(true);
    expect(holds({ BinaryEquals: { 'k:b': 'QmluYXJ5' } }, { 'k:b': 'QmluYXJ6' })).toBe(false);
  });

  test('IpAddress / NotIpAddress (IPv4 CIDR)', () => {
    const IP = 'aws:SourceIp';
    expect(holds({ IpAddress: { [IP]: '10.0.0.0/8' } }, { [IP]: '10.200.3.4' })).toBe(true);
    expect(holds({ IpAddress: { [IP]: '10.0.0.0/8' } }, { [IP]: '11.0.0.1' })).toBe(false);
    expect(holds({ IpAddress: { [IP]: '0.0.0.0/0' } }, { [IP]: '8.8.8.8' })).toBe(true);
    expect(holds({ IpAddress: { [IP]: '192.168.1.1' } }, { [IP]: '192.168.1.1' })).toBe(true);
    expect(holds({ NotIpAddress: { [IP]: ['10.0.0.0/8', '192.168.0.0/16'] } }, { [IP]: '8.8.8.8' })).toBe(true);
    expect(holds({ NotIpAddress: { [IP]: ['10.0.0.0/8', '192.168.0.0/16'] } }, { [IP]: '192.168.9.9' })).toBe(false);
  });

  test('ARN operators match each of the six segments separately, case-sensitively', () => {
    const A = 'aws:SourceArn';
    const prod = 'arn:aws:eks:us-east-1:111111111111:cluster/prod';
    expect(holds({ ArnEquals: { [A]: prod } }, { [A]: prod })).toBe(true);
    expect(holds({ ArnLike: { [A]: 'arn:aws:eks:*:111111111111:cluster/prod' } }, { [A]: 'arn:aws:eks:eu-west-1:111111111111:cluster/prod' })).toBe(true);
    // A `*` in the region segment does not reach into the account segment (as a whole-string glob it would).
    expect(holds({ ArnLike: { [A]: 'arn:aws:eks:us-*:cluster/prod:x' } }, { [A]: `${prod}:x` })).toBe(false);
    expect(holds({ ArnLike: { [A]: 'arn:aws:eks:us-*:*:cluster/prod:x' } }, { [A]: `${prod}:x` })).toBe(true);
    // Fewer than six segments is refused (see 'refusals').
    expect(() => holds({ ArnLike: { [A]: 'arn:aws:eks:*:cluster/prod' } }, { [A]: prod })).toThrow(UnsupportedTrustPolicyError);
    expect(holds({ ArnLike: { [A]: 'arn:aws:eks:us-east-1:111111111111:cluster/*' } }, { [A]: 'arn:aws:eks:us-east-1:111111111111:cluster/a:b' })).toBe(true);
    expect(holds({ ArnEquals: { [A]: prod } }, { [A]: prod.toUpperCase() })).toBe(false);
    expect(holds({ ArnNotEquals: { [A]: prod } }, { [A]: 'arn:aws:eks:us-east-1:222222222222:cluster/prod' })).toBe(true);
    expect(holds({ ArnNotLike: { [A]: 'arn:aws:eks:*:111111111111:*' } }, { [A]: prod })).toBe(false);
    expect(holds({ ArnLike: { [A]: 'arn:aws:eks:*:*:*' } }, { [A]: 'not-an-arn' })).toBe(false);
    expect(holds({ ArnNotLike: { [A]: 'arn:aws:eks:*:*:*' } }, { [A]: 'not-an-arn' })).toBe(false);
  });
});

describe('missing keys, IfExists and Null', () => {
  test.each([
    ['StringEquals', false], ['StringLike', false], ['NumericEquals', false], ['DateEquals', false], ['Bool', false], ['ArnLike', false],
    ['IpAddress', false],
    ['StringNotEquals', true], ['StringNotEqualsIgnoreCase', true], ['StringNotLike', true], ['NumericNotEquals', true],
    ['DateNotEquals', true], ['ArnNotEquals', true], ['ArnNotLike', true], ['NotIpAddress', true],
  ])('%s on a missing key → %s', (op, expected) => {
    const value = op.startsWith('Numeric') ? '1' : op.startsWith('Date') ? '2026-01-01' : op === 'Bool' ? 'true'
      : op.startsWith('Arn') ? 'arn:aws:eks:*:*:*' : op.includes('Ip') ? '10.0.0.0/8' : 'x';
    expect(holds({ [op]: { 'k:missing': value } }, {})).toBe(expected);
  });

  test('…IfExists: true on a missing key, the base operator otherwise', () => {
    expect(holds({ StringEqualsIfExists: { [SUB]: 'a' } }, {})).toBe(true);
    expect(holds({ StringEqualsIfExists: { [SUB]: 'a' } }, { [SUB]: 'a' })).toBe(true);
    expect(holds({ StringEqualsIfExists: { [SUB]: 'a' } }, { [SUB]: 'b' })).toBe(false);
    expect(holds({ NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '3600' } }, {})).toBe(true);
    expect(holds({ StringNotLikeIfExists: { [SUB]: 'a*' } }, { [SUB]: 'ab' })).toBe(false);
  });

  test('Null: true — the key is absent; false — it is present', () => {
    expect(holds({ Null: { [SUB]: 'true' } }, {})).toBe(true);
    expect(holds({ Null: { [SUB]: 'true' } }, { [SUB]: 'x' })).toBe(false);
    expect(holds({ Null: { [SUB]: 'false' } }, { [SUB]: 'x' })).toBe(true);
    expect(holds({ Null: { [SUB]: false } }, {})).toBe(false);
    expect(holds({ Null: { 'aws:TagKeys': 'false' } }, { 'aws:TagKeys': [] })).toBe(true);
  });
});

describe('ForAnyValue / ForAllValues', () => {
  const K = 'aws:TagKeys';
  test('ForAnyValue: some request value satisfies the operator; a missing or empty key does not', () => {
    expect(holds({ 'ForAnyValue:StringEquals': { [K]: ['a', 'b'] } }, { [K]: ['x', 'b'] })).toBe(true);
    expect(holds({ 'ForAnyValue:StringEquals': { [K]: ['a', 'b'] } }, { [K]: ['x', 'y'] })).toBe(false);
    expect(holds({ 'ForAnyValue:StringEquals': { [K]: 'a' } }, {})).toBe(false);
    expect(holds({ 'ForAnyValue:StringEquals': { [K]: 'a' } }, { [K]: [] })).toBe(false);
    expect(holds({ 'ForAnyValue:StringNotEquals': { [K]: ['a', 'b'] } }, { [K]: ['a', 'c'] })).toBe(true);
    expect(holds({ 'ForAnyValue:StringLike': { [K]: 'kubernetes-*' } }, { [K]: 'kubernetes-namespace' })).toBe(true); // a single value
  });

  test('ForAllValues: every request value satisfies the operator; a missing or empty key does too', () => {
    expect(holds({ 'ForAllValues:StringEquals': { [K]: ['a', 'b'] } }, { [K]: ['a', 'b'] })).toBe(true);
    expect(holds({ 'ForAllValues:StringEquals': { [K]: ['a', 'b'] } }, { [K]: ['a', 'c'] })).toBe(false);
    expect(holds({ 'ForAllValues:StringEquals': { [K]: 'a' } }, {})).toBe(true);
    expect(holds({ 'ForAllValues:StringEquals': { [K]: 'a' } }, { [K]: [] })).toBe(true);
    expect(holds({ 'ForAllValues:StringNotLike': { [K]: 'key1*' } }, { [K]: ['key2:audit'] })).toBe(true);
    expect(holds({ 'ForAllValues:StringNotLike': { [K]: 'key1*' } }, { [K]: ['key1:hr', 'key2:audit'] })).toBe(false);
  });

  test('ForAnyValue:…IfExists on a missing key: true (IfExists)', () => {
    expect(holds({ 'ForAnyValue:StringEqualsIfExists': { [K]: 'a' } }, {})).toBe(true);
    expect(holds({ 'ForAnyValue:StringEqualsIfExists': { [K]: 'a' } }, { [K]: ['b'] })).toBe(false);
  });
});

describe('statements, effects, actions and principals', () => {
  const allow = { Effect: 'Allow', Principal: { Federated: GH_ARN }, Action: ACTION };
  test('an explicit Deny wins over an Allow, whatever their order; matched names the deciding statement', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: '*', Condition: { StringLike: { [SUB]: '*:pull_request' } } };
    const policy = { Version: '2012-10-17', Statement: [allow, deny] };
    expect(evaluateTrust(policy, request({ [SUB]: 'repo:o/r:pull_request' }))).toEqual({ decision: 'deny', matched: 1 });
    expect(evaluateTrust(policy, request({ [SUB]: 'repo:o/r:ref:refs/heads/main' }))).toEqual({ decision: 'allow', matched: 0 });
    expect(evaluateTrust({ Statement: [deny, allow] }, request({ [SUB]: 'repo:o/r:pull_request' }))).toEqual({ decision: 'deny', matched: 0 });
  });

  test('no applicable statement: implicit deny; a single Statement object is accepted', () => {
    expect(evaluateTrust({ Statement: allow }, request({}, { action: 'sts:AssumeRole' }))).toEqual({ decision: 'implicit-deny' });
    expect(evaluateTrust({ Statement: [] }, request())).toEqual({ decision: 'implicit-deny' });
  });

  test('actions: case-insensitive, with wildcards; NotAction applies to every other action', () => {
    const policy = (action: object): object => ({ Statement: [{ ...allow, Action: undefined, ...action }] });
    expect(evaluateTrust(policy({ Action: 'STS:assumeRoleWithWebIdentity' }), request()).decision).toBe('allow');
    expect(evaluateTrust(policy({ Action: 'sts:AssumeRole*' }), request()).decision).toBe('allow');
    expect(evaluateTrust(policy({ Action: 'sts:Assume?ole' }), request()).decision).toBe('implicit-deny');
    expect(evaluateTrust(policy({ Action: '*' }), request()).decision).toBe('allow');
    const notAction = { Statement: [{ Effect: 'Allow', Principal: { Federated: GH_ARN }, NotAction: 'sts:TagSession' }] };
    expect(evaluateTrust(notAction, request()).decision).toBe('allow');
    expect(evaluateTrust(notAction, request({}, { action: 'STS:TAGSESSION' })).decision).toBe('implicit-deny');
  });

  test('principals: by type and id, "*", lists; NotPrincipal applies to every other principal', () => {
    const svc = { type: 'Service' as const, id: 'pods.eks.amazonaws.com' };
    expect(evaluateTrust({ Statement: allow }, request({}, { principal: { type: 'Federated', id: `${GH_ARN}x` } })).decision).toBe('implicit-deny');
    // Same id, other type: no match.
    expect(evaluateTrust({ Statement: allow }, request({}, { principal: { type: 'AWS', id: GH_ARN } })).decision).toBe('implicit-deny');
    const both = { Statement: { ...allow, Action: '*', Principal: { Federated: ['arn:x', GH_ARN], Service: 'pods.eks.amazonaws.com' } } };
    expect(evaluateTrust(both, request({}, { principal: svc })).decision).toBe('allow');
    expect(evaluateTrust({ Statement: { ...allow, Principal: '*' } }, request()).decision).toBe('allow');
    expect(evaluateTrust({ Statement: { ...allow, Principal: { AWS: '*' } } }, request()).decision).toBe('allow'); // everyone, any type
    const notPrincipal = { Statement: [{ ...allow, Principal: '*' }, { Effect: 'Deny', NotPrincipal: { Federated: GH_ARN }, Action: '*' }] };
    expect(evaluateTrust(notPrincipal, request()).decision).toBe('allow');
    expect(evaluateTrust(notPrincipal, request({}, { principal: svc })).decision).toBe('deny');
  });

  test('an AWS account principal matches the principals of that account', () => {
    const policy = { Statement: { Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' } };
    const as = (id: string): TrustRequest => ({ action: 'sts:AssumeRole', principal: { type: 'AWS', id }, context: {} });
    expect(evaluateTrust(policy, as('arn:aws:iam::111111111111:role/Ci')).decision).toBe('allow');
    expect(evaluateTrust(policy, as('arn:aws:iam::222222222222:role/Ci')).decision).toBe('implicit-deny');
  });
});

describe('case-insensitive condition keys and operator names', () => {
  test('policy and request keys match whatever their case', () => {
    expect(holds({ StringEquals: { 'TOKEN.ACTIONS.GITHUBUSERCONTENT.COM:SUB': 'a' } }, { [SUB]: 'a' })).toBe(true);
    expect(holds({ StringEquals: { [SUB]: 'a' } }, { 'Token.Actions.GithubUserContent.com:Sub': 'a' })).toBe(true);
    expect(holds({ stringequals: { [SUB]: 'a' } }, { [SUB]: 'a' })).toBe(true);
    // Values stay case-sensitive.
    expect(holds({ StringEquals: { [SUB]: 'a' } }, { [SUB]: 'A' })).toBe(false);
  });
});

describe('refusals: never an allow', () => {
  test.each([
    ['an unknown operator', allowIf({ StringStartsWith: { [SUB]: 'a' } })],
    ['an unknown set operator', allowIf({ 'ForEachValue:StringEquals': { [SUB]: 'a' } })],
    ['Null with a set operator', allowIf({ 'ForAllValues:Null': { [SUB]: 'true' } })],
    ['a policy variable', allowIf({ StringEquals: { [SUB]: '${aws:username}' } })],
    ['a malformed number', allowIf({ NumericEquals: { 'k:n': 'ten' } })],
    ['a malformed date', allowIf({ DateEquals: { 'k:d': 'tomorrow' } })],
    ['a malformed Bool', allowIf({ Bool: { 'k:b': 'yes' } })],
    ['a malformed ARN', allowIf({ ArnLike: { 'k:a': '*' } })],
    ['IPv6', allowIf({ IpAddress: { 'k:ip': '2001:db8::/32' } })],
    ['an empty value list', allowIf({ StringEquals: { [SUB]: [] } })],
    ['a Resource element', { Statement: { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' } }],
    ['an unknown Effect', { Statement: { Effect: 'allow', Principal: '*', Action: '*' } }],
    ['an unknown principal type', { Statement: { Effect: 'Allow', Principal: { CanonicalUser: 'x' }, Action: '*' } }],
    ['not an object', 'policy'],
    ['one condition key twice in one block', allowIf({ StringEquals: { [SUB]: 'a', [SUB.toUpperCase()]: 'b' } })],
  ])('%s', (_, policy) => {
    expect(() => evaluateTrust(policy, request({ [SUB]: 'a' }))).toThrow(UnsupportedTrustPolicyError);
    expect(tryEvaluateTrust(policy, request({ [SUB]: 'a' }))).toEqual({ decision: 'unsupported', reason: expect.any(String) });
  });

  test('an unknown operator names itself', () => {
    expect(() => evaluateTrust(allowIf({ StringStartsWith: { [SUB]: 'a' } }), request())).toThrow('unknown condition operator "StringStartsWith"');
  });

  test('a single-valued operator on a multivalued request key', () => {
    expect(tryEvaluateTrust(allowIf({ StringEquals: { 'aws:TagKeys': 'a' } }), request({ 'aws:TagKeys': ['a', 'b'] })).decision).toBe('unsupported');
    expect(tryEvaluateTrust(allowIf({ StringNotEquals: { 'aws:TagKeys': 'a' } }), request({ 'aws:TagKeys': ['b'] })).decision).toBe('unsupported');
  });

  test('the same request key twice in different cases', () => {
    expect(tryEvaluateTrust(allowIf({ StringEquals: { [SUB]: 'a' } }), request({ [SUB]: 'a', [SUB.toUpperCase()]: 'b' })).decision).toBe('unsupported');
  });
});
