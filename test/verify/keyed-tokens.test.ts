/**
 * The canonical texts verify's token builders write as they build (keyedProfileToken, keyedForgedVariants, the cached
 * profiles' keys) are exactly tokenKey's, and the `jti` is still the hash of the claims' canonical text: verify
 * compares tokens by these texts instead of writing each token twice.
 */
import { createHash } from 'crypto';
import { forgedVariants, keyedForgedVariants } from '../../src/verify/forge';
import type { ClaimRequirement, Token, TrustAlternative, TrustKind } from '../../src/verify/model';
import {
  canonicalJson, keyedProfileToken, legitimateIdentities, legitimateProfiles, stableUuid, TokenProfile, tokenKey,
} from '../../src/verify/tokens';
import { UUID_CACHE_SIZE, uuidOf } from '../../src/verify/tokens-common';

const EKS = 'https://oidc.eks.us-west-2.amazonaws.com/id/5C4D9F3A1B2E8C7D6F5A4B3C2D1E0F9A';
const eq = (...values: string[]): ClaimRequirement => ({ values, glob: false });
const APP = { owner: 'acme', repository: 'app', ownerId: '1342004', repositoryId: '86301532' } as const;

/** The UUID of a text as verify wrote it before (createHash, slices). */
const referenceUuid = (text: string): string => {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

const PROFILES: ReadonlyArray<[string, TokenProfile]> = [
  ['github push', { platform: 'github', run: { ...APP, ref: 'refs/heads/main', aud: 'sts.amazonaws.com' } }],
  ['github without aud, environment', { platform: 'github', run: { ...APP, ref: 'refs/heads/main', aud: null, environment: 'prod' } }],
  ['github, extra claims that override the JWT ones', {
    platform: 'github',
    run: { ...APP, ref: 'refs/heads/main', extra: { iat: 1, jti: 'given', nbf: 2, exp: 3, zzz: 'last', aaa: ['a', 'b'] } },
  }],
  ['github, an extra claim left undefined', {
    platform: 'github', run: { ...APP, ref: 'refs/heads/main', extra: { iat: undefined, other: undefined } as never },
  }],
  ['gitlab', { platform: 'gitlab', run: { projectPath: 'group/app', namespaceId: '1', projectId: '2', refType: 'branch', ref: 'main' } }],
  ['kubernetes (EKS)', { platform: 'kubernetes', run: { issuer: EKS, namespace: 'team', serviceAccount: 'deploy' } }],
  ['kubernetes, nested extra', {
    platform: 'kubernetes', run: { issuer: 'https://k8s.example', namespace: 'a', serviceAccount: 'b', aud: null, extra: { x: { b: '1', a: '2' } } },
  }],
  ['oidc', { platform: 'oidc', run: { issuer: 'https://issuer.example', sub: 'me', aud: ['x', 'y'] } }],
  ['pod identity', { platform: 'eks-pod-identity', run: { clusterArn: 'arn:aws:eks:us-west-2:111122223333:cluster/c', namespace: 'n', serviceAccount: 's' } }],
  ['gke', { platform: 'gke', run: { project: 'p', location: 'us-central1', cluster: 'c', namespace: 'n', serviceAccount: 's' } }],
];

describe('keyedProfileToken', () => {
  test.each(PROFILES)('%s: the key is canonicalJson(token) and tokenKey(token)', (_name, profile) => {
    const { token, key } = keyedProfileToken(profile);
    expect(key).toBe(canonicalJson(token));
    expect(key).toBe(tokenKey(token));
  });

  test.each(PROFILES.filter(([, p]) => p.platform !== 'eks-pod-identity' && p.platform !== 'gke'))(
    '%s: jti is the hash of the claims without jti and times, times fixed',
    (_name, profile) => {
      const { token } = keyedProfileToken(profile);
      const { jti, iat, nbf, exp, ...rest } = token.claims as Record<string, unknown>;
      expect({ iat, nbf, exp }).toEqual({ iat: 1767225600, nbf: 1767225600, exp: 1767225900 });
      // The claims before withJwtClaims: the builder's own (an extra `iat`, `jti`… was overridden, so hash it as given).
      const extra = (profile.run as { extra?: Record<string, unknown> }).extra ?? {};
      const given = Object.fromEntries(['iat', 'nbf', 'exp', 'jti'].filter((k) => k in extra).map((k) => [k, extra[k]]));
      expect(jti).toBe(referenceUuid(canonicalJson({ ...rest, ...given })));
    },
  );
});

describe('the JWT claims', () => {
  test('in the order `{ ...claims, ...TIMES, jti }` gave, a given `__proto__` claim an own claim', () => {
    const extra = JSON.parse('{"__proto__": "given", "iat": 1, "zz": "z"}') as Record<string, string>;
    const { token, key } = keyedProfileToken({ platform: 'oidc', run: { issuer: 'https://issuer.example', sub: 'me', aud: 'x', extra } });
    expect(Object.keys(token.claims)).toEqual(['iss', 'sub', '__proto__', 'iat', 'zz', 'aud', 'nbf', 'exp', 'jti']);
    expect(Object.getPrototypeOf(token.claims)).toBe(Object.prototype);
    expect(token.claims.__proto__).toBe('given');
    expect(token.claims.iat).toBe(1767225600);
    expect(key).toBe(canonicalJson(token));
  });
});

describe('stableUuid', () => {
  test.each(['', 'node:https://x:n', 'ünïcödé ✓', 'a\nb'])('%j: the SHA-256 prefix as before', (text) => {
    expect(stableUuid(text)).toBe(referenceUuid(text));
  });
});

describe('uuidOf', () => {
  test('the uid of each text, whether remembered or not, past the cache size and back', () => {
    const texts = Array.from({ length: UUID_CACHE_SIZE + 10 }, (_, i) => `pod:https://k8s.example:ns-${i}/sa-${i}`);
    for (const text of [...texts, ...texts.slice(0, 20), ...texts.slice(-20)]) expect(uuidOf(text)).toBe(referenceUuid(text));
  });

  test('the tokens of two trusts that differ only in the issuer get their own uids', () => {
    const run = { namespace: 'team', serviceAccount: 'deploy' };
    const a = keyedProfileToken({ platform: 'kubernetes', run: { ...run, issuer: EKS } }).token;
    const b = keyedProfileToken({ platform: 'kubernetes', run: { ...run, issuer: 'https://k8s.example' } }).token;
    const uids = (t: Token) => JSON.stringify(t.claims['kubernetes.io']).match(/[0-9a-f]{8}-[0-9a-f-]{27}/g);
    expect(uids(a)).toEqual([
      referenceUuid(`node:${EKS}:ip-10-0-1-23.internal`), referenceUuid(`pod:${EKS}:team/deploy-7d4b9c8f6-x2x9q`), referenceUuid(`sa:${EKS}:team/deploy`),
    ]);
    expect(uids(b)!.some((uid) => uids(a)!.includes(uid))).toBe(false);
  });

  test('a Kubernetes token\'s uids, remembered or not, past the cache size and back', () => {
    const uids = (namespace: string, serviceAccount: string) =>
      JSON.stringify(keyedProfileToken({ platform: 'kubernetes', run: { issuer: EKS, namespace, serviceAccount } }).token.claims['kubernetes.io'])
        .match(/[0-9a-f]{8}-[0-9a-f-]{27}/g);
    const expected = (namespace: string, serviceAccount: string) => [
      referenceUuid(`node:${EKS}:ip-10-0-1-23.internal`),
      referenceUuid(`pod:${EKS}:${namespace}/${serviceAccount}-7d4b9c8f6-x2x9q`),
      referenceUuid(`sa:${EKS}:${namespace}/${serviceAccount}`),
    ];
    const names = Array.from({ length: UUID_CACHE_SIZE + 10 }, (_, i) => [`ns-${i % 7}`, `sa-${i}`] as const);
    for (const [ns, sa] of [...names, ...names.slice(0, 20), ...names.slice(-20)]) expect(uids(ns, sa)).toEqual(expected(ns, sa));
    // The same service account name in two namespaces: two pods, two service accounts.
    expect(uids('a', 'x')).toEqual(expected('a', 'x'));
    expect(uids('b', 'x')).toEqual(expected('b', 'x'));
  });
});

describe('keyedForgedVariants', () => {
  const trusts: ReadonlyArray<[string, { kind: TrustKind; alternatives: TrustAlternative[] }]> = [
    ['github', { kind: 'aws-oidc', alternatives: [{ issuer: 'https://token.actions.githubusercontent.com', claims: { sub: eq('repo:acme/app:ref:refs/heads/main') } }] }],
    ['kubernetes, two service accounts', {
      kind: 'aws-oidc',
      alternatives: [{ issuer: EKS, claims: { sub: eq('system:serviceaccount:team:a', 'system:serviceaccount:team:b'), aud: eq('sts.amazonaws.com') } }],
    }],
    ['gke', { kind: 'gcp-gke', alternatives: [{ claims: { namespace: eq('team'), serviceaccount: eq('deploy'), project: eq('p') } }] }],
  ];
  test.each(trusts)('%s: the same variants as forgedVariants, each key its tokenKey', (_name, trust) => {
    for (const identity of legitimateIdentities(trust)) {
      const keyed = keyedForgedVariants(trust, identity);
      expect(keyed.map((k) => k.variant)).toEqual(forgedVariants(trust, identity));
      for (const { variant, key } of keyed) expect(key).toBe(canonicalJson(variant.token));
    }
  });

  test('the cached profiles\' keys are their tokens\' keys, and belong to their own trust only', () => {
    const a = { kind: 'aws-oidc' as const, alternatives: [{ issuer: EKS, claims: { sub: eq('system:serviceaccount:team:a') } }] };
    const b = { kind: 'aws-oidc' as const, alternatives: [{ issuer: EKS, claims: { sub: eq('system:serviceaccount:team:b') } }] };
    const [pa] = legitimateProfiles(a);
    const [pb] = legitimateProfiles(b);
    expect(pa.key).toBe(canonicalJson(pa.identity.token));
    expect(pb.key).toBe(canonicalJson(pb.identity.token));
    expect(pa.key).not.toBe(pb.key);
    // A legitimate token of one trust is no legitimate identity of another, cache or not.
    expect(() => keyedForgedVariants(b, pa.identity)).toThrow(/not a legitimate identity/);
    const token: Token = pa.identity.token;
    expect(legitimateProfiles({ ...a }).map((p) => p.key)).toEqual([canonicalJson(token)]);
  });
});
