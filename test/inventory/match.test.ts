import { condition, makePermission, makeSubject, untilCondition } from '../../src/inventory/entries';
import { celClaims } from '../../src/inventory/gcp';
import { conditionImplies, globCovers, permissionCovers, scopeCovers, subjectCovers } from '../../src/inventory/match';

const GITHUB = 'token.actions.githubusercontent.com';
const github = (sub: string, extra: Record<string, string[]> = {}) =>
  makeSubject({ kind: 'oidc', issuer: GITHUB, claims: { sub: [sub], aud: ['sts.amazonaws.com'], ...extra }, source: 'f:r' });
const action = (name: string, scope: string, conditions = [] as ReturnType<typeof condition>[]) =>
  makePermission({ kind: 'action', action: name, scope, conditions, wildcard: false, privileged: false, source: 'f:r' });

describe('globCovers', () => {
  test.each([
    ['repo:acme/*', 'repo:acme/app:ref:refs/heads/main', true],
    ['repo:acme/*', 'repo:acme/app:ref:refs/tags/v*', true],
    ['repo:acme/app:ref:refs/tags/v*', 'repo:acme/app:ref:refs/tags/v1.2.0', true],
    // A pattern is never admitted by an exact value, however close.
    ['repo:acme/app:ref:refs/tags/v1', 'repo:acme/app:ref:refs/tags/v*', false],
    ['repo:acme/app:*', 'repo:acme/*', false],
    ['s3:Get*', 's3:GetObject', true],
    ['?', '*', false],
    ['a?c', 'abc', true],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(globCovers(outer, inner)).toBe(expected);
  });

  test('IAM actions compare case-insensitively when asked', () => {
    expect(globCovers('S3:getobject', 's3:GetObject', true)).toBe(true);
    expect(globCovers('S3:getobject', 's3:GetObject')).toBe(false);
  });
});

describe('makeSubject', () => {
  test('GIVEN a pinned branch WHEN normalised THEN exact text, not a pattern, no pull_request', () => {
    const subject = github('repo:acme/app:ref:refs/heads/main');
    expect(subject.text).toBe('oidc token.actions.githubusercontent.com sub=repo:acme/app:ref:refs/heads/main aud=sts.amazonaws.com');
    expect([subject.pattern, subject.wildcard, subject.pullRequest]).toEqual([false, false, false]);
  });

  test.each([
    ['repo:acme/*', true, true],
    ['repo:acme/app:*', false, true],
    ['repo:acme/app:ref:refs/tags/v*', false, false],
    ['repo:acme/app:pull_request', false, true],
    ['*', true, true],
  ])('sub %s: wildcard %s, admits pull_request %s', (sub, wildcard, pullRequest) => {
    const subject = github(sub);
    expect([subject.wildcard, subject.pullRequest]).toEqual([wildcard, pullRequest]);
  });

  test('GIVEN no sub but a pinned repository id THEN not a wildcard; without any pin THEN a wildcard', () => {
    expect(makeSubject({ kind: 'oidc', issuer: GITHUB, claims: { repository_id: ['86301532'] }, source: 'f:r' }).wildcard).toBe(false);
    expect(makeSubject({ kind: 'oidc', issuer: GITHUB, claims: { repository_owner: ['acme'] }, source: 'f:r' }).wildcard).toBe(true);
  });

  test('conditions are sorted into the text', () => {
    const subject = makeSubject({
      kind: 'aws',
      issuer: 'arn:aws:iam::123456789012:user/alice',
      source: 'f:r',
      conditions: [untilCondition('2027-01-31T00:00:00Z'), condition('Bool', 'aws:MultiFactorAuthPresent', ['true'], 'mfa')],
    });
    expect(subject.text).toBe('aws arn:aws:iam::123456789012:user/alice (mfa, until 2027-01-31T00:00:00Z)');
  });
});

describe('subjectCovers', () => {
  test('GIVEN repo:acme/* replaced by one branch THEN the branch is covered (narrowing, not broadening)', () => {
    const before = github('repo:acme/*');
    const after = github('repo:acme/app:ref:refs/heads/main');
    expect(subjectCovers(before, after)).toBe(true);
    expect(subjectCovers(after, before)).toBe(false);
  });

  test('GIVEN another issuer THEN never covered', () => {
    const gitlab = makeSubject({ kind: 'oidc', issuer: 'gitlab.com', claims: { sub: ['repo:acme/app:ref:refs/heads/main'], aud: ['sts.amazonaws.com'] }, source: 'f:r' });
    expect(subjectCovers(github('*'), gitlab)).toBe(false);
  });

  test('GIVEN an added condition THEN the stricter subject is covered by the looser one only', () => {
    const loose = makeSubject({ kind: 'aws', issuer: 'arn:aws:iam::123456789012:user/alice', source: 'f:r' });
    const strict = makeSubject({ kind: 'aws', issuer: 'arn:aws:iam::123456789012:user/alice', conditions: [condition('Bool', 'aws:MultiFactorAuthPresent', ['true'], 'mfa')], source: 'f:r' });
    expect(subjectCovers(loose, strict)).toBe(true);
    expect(subjectCovers(strict, loose)).toBe(false);
  });

  test('an account root admits the account\'s principals, not another account\'s', () => {
    const root = makeSubject({ kind: 'aws', issuer: 'arn:aws:iam::123456789012:root', source: 'f:r' });
    expect(subjectCovers(root, makeSubject({ kind: 'aws', issuer: 'arn:aws:iam::123456789012:role/ci', source: 'f:r' }))).toBe(true);
    expect(subjectCovers(root, makeSubject({ kind: 'aws', issuer: 'arn:aws:iam::999999999999:role/ci', source: 'f:r' }))).toBe(false);
  });
});

describe('conditionImplies', () => {
  test('an earlier expiry implies a later one, on both sides of the limit', () => {
    expect(conditionImplies(untilCondition('2027-01-31T00:00:00Z'), untilCondition('2027-03-31T00:00:00Z'))).toBe(true);
    expect(conditionImplies(untilCondition('2027-01-31T00:00:00Z'), untilCondition('2027-01-31T00:00:00Z'))).toBe(true);
    expect(conditionImplies(untilCondition('2027-03-31T00:00:00Z'), untilCondition('2027-01-31T00:00:00Z'))).toBe(false);
  });

  test('a longer prefix implies a shorter one', () => {
    const prefix = (p: string) => condition('startsWith', 'resource.name', [p], p);
    expect(conditionImplies(prefix('objects/app/releases/'), prefix('objects/app/'))).toBe(true);
    expect(conditionImplies(prefix('objects/app/'), prefix('objects/app/releases/'))).toBe(false);
  });

  test('fewer allowed values imply more; StringEquals implies a StringLike that admits it', () => {
    expect(conditionImplies(condition('StringEquals', 'k', ['a'], ''), condition('StringEquals', 'k', ['a', 'b'], ''))).toBe(true);
    expect(conditionImplies(condition('StringEquals', 'k', ['a', 'b'], ''), condition('StringEquals', 'k', ['a'], ''))).toBe(false);
    expect(conditionImplies(condition('StringEquals', 'k', ['app-1'], ''), condition('StringLike', 'k', ['app-*'], ''))).toBe(true);
  });

  test('an unknown expression implies only itself', () => {
    expect(conditionImplies(condition('cel', '', ['a == b'], ''), condition('cel', '', ['a == b'], ''))).toBe(true);
    expect(conditionImplies(condition('cel', '', ['a == b'], ''), condition('cel', '', ['a == c'], ''))).toBe(false);
  });
});

describe('permissionCovers and scopeCovers', () => {
  test('s3:* on a bucket covers s3:GetObject under it; a condition only narrows', () => {
    expect(permissionCovers('aws', action('s3:*', 'arn:aws:s3:::b/*'), action('s3:GetObject', 'arn:aws:s3:::b/app/x'))).toBe(true);
    const via = condition('StringEquals', 'kms:ViaService', ['s3.eu-west-1.amazonaws.com'], 'kms:ViaService=s3.eu-west-1.amazonaws.com');
    expect(permissionCovers('aws', action('kms:Decrypt', 'k'), action('kms:Decrypt', 'k', [via]))).toBe(true);
    expect(permissionCovers('aws', action('kms:Decrypt', 'k', [via]), action('kms:Decrypt', 'k'))).toBe(false);
  });

  test('Azure scopes nest by path; GCP project grants hold on the project\'s resources', () => {
    expect(scopeCovers('azure', '/subscriptions/s', '/subscriptions/s/resourceGroups/rg')).toBe(true);
    expect(scopeCovers('azure', '/subscriptions/s/resourceGroups/rg', '/subscriptions/s')).toBe(false);
    expect(scopeCovers('azure', '/subscriptions/s', '/subscriptions/s2')).toBe(false);
    expect(scopeCovers('gcp', 'project acme-prod', 'pubsub_topic acme-prod/orders')).toBe(true);
    expect(scopeCovers('gcp', 'project acme-prod', 'pubsub_topic acme-prod2/orders')).toBe(false);
    expect(scopeCovers('kubernetes', '* in all namespaces', 'secrets in namespace app')).toBe(true);
  });
});

describe('celClaims', () => {
  test('GIVEN a Keyless provider condition THEN one claim per pinned attribute and the sub alternatives', () => {
    const parsed = celClaims(
      "assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && (assertion.sub == 'repo:acme/app:ref:refs/heads/main' || assertion.sub.startsWith('repo:acme/app:ref:refs/tags/v'))",
      {},
    );
    expect(parsed).toEqual({
      claims: { repository_id: ['86301532'], repository_owner_id: ['1342004'], sub: ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:ref:refs/tags/v*'] },
      conditions: [],
    });
  });

  test('GIVEN mapped attributes and a negation THEN attributes read as their claims and the negation stays a condition', () => {
    const parsed = celClaims("attribute.repository == 'acme/app' && assertion.event_name != 'pull_request'", { 'attribute.repository': 'assertion.repository' });
    expect(parsed.claims).toEqual({ repository: ['acme/app'] });
    expect(parsed.conditions.map((c) => c.text)).toEqual(["assertion.event_name != 'pull_request'"]);
  });
});
