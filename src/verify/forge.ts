/**
 * Forged variants of a legitimate token: what an attacker (or merely another workload) can obtain from the same
 * platform, by family. Each variant is a full token the platform would issue (built from a varied profile, so its
 * `sub` stays consistent with its other claims), and every forged value carries the `keyless-forged` marker (owner
 * `keyless-attacker`, branch `refs/heads/keyless-forged`) so that it never matches a reasonable declared pattern by
 * accident. Sources: see tokens.ts (GitHub, GitLab, Kubernetes, EKS, AKS, GKE documentation).
 *
 * The families are listed in forge-families.ts, the candidates built in forge-github.ts (owner and repository patterns:
 * forge-github-patterns.ts), forge-gitlab.ts and
 * forge-kubernetes.ts (Kubernetes, EKS Pod Identity, GKE, other OIDC; namespace and service account patterns:
 * forge-kubernetes-patterns.ts) with forge-common.ts.
 */
import type { Candidate } from './forge-common';
import { RUN_CONTEXT_CLAIMS, WHEN_CONSTRAINED } from './forge-families';
import { githubCandidates, githubPinsIds } from './forge-github';
import { gitlabCandidates } from './forge-gitlab';
import { gkeCandidates, kubernetesCandidates, oidcCandidates, podIdentityCandidates } from './forge-kubernetes';
import type { ClaimValue, ForgedVariant, LegitimateIdentity, Token, TrustAlternative, VerifyTrust } from './model';
import { canonicalJson, claimOf, keyedProfileToken, legitimateProfiles, sameToken, TokenProfile } from './tokens';

export { FORGED_FAMILIES } from './forge-families';
export type { ForgedFamily } from './forge-families';

function candidatesOf(profile: TokenProfile, alternative: TrustAlternative, refPinned: boolean): Candidate[] {
  switch (profile.platform) {
    case 'github': return githubCandidates(profile.run, githubPinsIds(alternative), { refPinned, alternative });
    case 'gitlab': {
      const subs = alternative.claims.sub?.values ?? [];
      const pinsIds = ['project_id', 'namespace_id', 'job_project_id', 'job_namespace_id'].some((claim) => claim in alternative.claims)
        || subs.some((sub) => /(^|:)(project_id|namespace_id|job_project_id):\d/.test(sub));
      return gitlabCandidates(profile.run, pinsIds, refPinned);
    }
    case 'kubernetes': return kubernetesCandidates(profile.run, alternative);
    case 'eks-pod-identity': return podIdentityCandidates(profile.run, alternative);
    case 'gke': return gkeCandidates(profile.run, alternative);
    case 'oidc': return oidcCandidates(profile.run);
  }
}

/** Whether two claim values are equal (two strings directly, anything else by canonical text). */
const sameValue = (a: ClaimValue | undefined, b: ClaimValue | undefined): boolean =>
  (typeof a === 'string' && typeof b === 'string' ? a === b : canonicalJson(a ?? null) === canonicalJson(b ?? null));

/** Whether a variant changes a claim (or the issuer) the alternative constrains. */
function changesConstrained(variant: Token, legitimate: Token, alternative: TrustAlternative): boolean {
  if (alternative.issuer !== undefined && variant.issuer !== legitimate.issuer) return true;
  return Object.keys(alternative.claims).some((claim) => !sameValue(claimOf(variant, claim), claimOf(legitimate, claim)));
}

/** Whether an alternative constrains a claim that says which run of the repository or project a token is for. */
function constrainsRun(platform: Token['platform'], alternative: TrustAlternative): boolean {
  const claims = RUN_CONTEXT_CLAIMS[platform];
  return claims === undefined || claims.some((claim) => claim in alternative.claims);
}

/**
 * The forged variants of a legitimate identity of a trust (which must come from legitimateIdentities(trust)), in the
 * order of FORGED_FAMILIES' platforms' lists: the identity-level families always, the run-level families (branch,
 * tag, pull request, environment, workflow, protection) only when they change a claim the alternative constrains or
 * when the alternative constrains none of the run's context claims (RUN_CONTEXT_CLAIMS: it admits every run), the id
 * families only when the trust pins an id. A variant equal to a legitimate token of the trust, or to an earlier
 * variant, is dropped.
 */
export function forgedVariants(trust: Pick<VerifyTrust, 'kind' | 'alternatives'>, legit: LegitimateIdentity): ForgedVariant[] {
  return keyedForgedVariants(trust, legit).map((keyed) => keyed.variant);
}

/** A forged variant with its token's canonical text (tokenKey(variant.token), exactly). */
export interface KeyedVariant {
  readonly variant: ForgedVariant;
  readonly key: string;
}

/**
 * forgedVariants with each token's canonical text, as its builder wrote it: verify.ts drops the variants of one
 * identity that another identity of the trust already gave, and needs the texts again. They are not cached on the
 * tokens (a WeakMap would keep a text as long as its token, and the report keeps every token).
 */
export function keyedForgedVariants(trust: Pick<VerifyTrust, 'kind' | 'alternatives'>, legit: LegitimateIdentity): KeyedVariant[] {
  const profiles = legitimateProfiles(trust);
  const entry = profiles.find((candidate) => sameToken(candidate.identity.token, legit.token));
  if (!entry) throw new Error(`forgedVariants: "${legit.description}" is not a legitimate identity of this trust (derive it with legitimateIdentities)`);
  // Every token seen (the legitimate ones, then each variant kept), by canonical text: a repeated one is dropped.
  const seen = new Set(profiles.map((candidate) => candidate.key));
  const result: KeyedVariant[] = [];
  const everyRun = !constrainsRun(legit.token.platform, entry.alternative);
  const refPinned = !entry.identity.invented.includes('ref');
  for (const candidate of candidatesOf(entry.profile, entry.alternative, refPinned)) {
    const { token, key } = keyedProfileToken(candidate.profile);
    if (WHEN_CONSTRAINED.has(candidate.family) && !everyRun && !changesConstrained(token, legit.token, entry.alternative)) continue;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({
      variant: {
        family: candidate.family,
        description: candidate.description,
        token,
        ...(candidate.sharedByDesign !== undefined ? { sharedByDesign: candidate.sharedByDesign } : {}),
      },
      key,
    });
  }
  return result;
}
