/** The legitimate identities of a trust: the tokens of the identities its alternatives were written for. */
import { Derived, Wanted } from './derive-common';
import { deriveGitHub } from './derive-github';
import { deriveGitLab } from './derive-gitlab';
import { deriveGke, deriveKubernetes, deriveOidc, derivePodIdentity } from './derive-kubernetes';
import type { LegitimateIdentity, TokenPlatform, TrustAlternative, VerifyTrust } from './model';
import { describeProfile, keyedProfileToken, meetsAlternative, TokenProfile, tokenPlatform } from './tokens-profile';

/** The profile of one combination of an alternative's values (a subject outside the platform's grammar → `oidc`). */
function derive(platform: TokenPlatform, issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived {
  const derived = platform === 'github' ? deriveGitHub(issuer, wanted)
    : platform === 'gitlab' ? deriveGitLab(issuer, wanted)
      : platform === 'kubernetes' ? deriveKubernetes(issuer, wanted)
        : platform === 'eks-pod-identity' ? derivePodIdentity(issuer, wanted)
          : platform === 'gke' ? deriveGke(issuer, wanted)
            : undefined;
  return derived ?? deriveOidc(issuer, wanted);
}

/** The most legitimate identities verify derives for one trust. */
export const MAX_LEGITIMATE_IDENTITIES = 16;
/** The most value combinations verify tries for one alternative. */
const MAX_COMBINATIONS = 256;

/** A legitimate identity with the profile it was built from and the alternative it was derived for. */
export interface LegitimateProfile {
  readonly identity: LegitimateIdentity;
  readonly profile: TokenProfile;
  readonly alternative: TrustAlternative;
  /** The token's canonical text (tokenKey(identity.token)), kept while the trust's profiles are cached. */
  readonly key: string;
}

/** The combinations of one value per claim (claims sorted), first ones first, at most MAX_COMBINATIONS. */
function combinations(alternative: TrustAlternative): Array<Map<string, Wanted>> {
  const claims = Object.keys(alternative.claims).sort();
  let result: Array<Map<string, Wanted>> = [new Map()];
  for (const claim of claims) {
    const requirement = alternative.claims[claim];
    const next: Array<Map<string, Wanted>> = [];
    for (const partial of result) {
      for (const value of requirement.values) {
        if (next.length >= MAX_COMBINATIONS) break;
        next.push(new Map([...partial, [claim, { value, glob: requirement.glob }]]));
      }
    }
    if (next.length > 0) result = next;
  }
  return result;
}

/**
 * The identities of one alternative: combinations of its values that yield a token meeting the alternative, chosen so
 * that every value of every claim is used at least once; when no combination meets it (contradictory requirements),
 * the first combination, so that the refusal shows.
 */
function alternativeIdentities(trust: Pick<VerifyTrust, 'kind'>, alternative: TrustAlternative): LegitimateProfile[] {
  const platform = tokenPlatform(trust, alternative);
  const candidates = combinations(alternative).map((combination) => {
    const derived = derive(platform, alternative.issuer, combination);
    const { token, key } = keyedProfileToken(derived.profile);
    return { combination, derived, token, key, meets: meetsAlternative(token, alternative) };
  });
  const meeting = candidates.filter((candidate) => candidate.meets);
  const chosen: typeof candidates = [];
  const covered = new Set<string>();
  for (const candidate of meeting) {
    const pairs = [...candidate.combination].map(([claim, wanted]) => `${claim}\u0000${wanted.value}`);
    if (chosen.length === 0 || pairs.some((pair) => !covered.has(pair))) {
      chosen.push(candidate);
      pairs.forEach((pair) => covered.add(pair));
    }
  }
  if (chosen.length === 0) chosen.push(candidates[0]);
  return chosen.map(({ derived, token, key }) => ({
    identity: {
      description: describeProfile(derived.profile),
      token,
      invented: [...new Set(derived.invented)].sort(),
      ...(derived.impossible !== undefined ? { impossible: derived.impossible } : {}),
    },
    profile: derived.profile,
    alternative,
    key,
  }));
}

/** Each trust's legitimate profiles, derived once (legitimateIdentities and forgedVariants of every identity ask for them). */
const PROFILES = new WeakMap<object, LegitimateProfile[]>();

/** The legitimate identities of a trust with their profiles (see legitimateIdentities). */
export function legitimateProfiles(trust: Pick<VerifyTrust, 'kind' | 'alternatives'>): LegitimateProfile[] {
  let profiles = PROFILES.get(trust);
  if (profiles === undefined) {
    profiles = deriveProfiles(trust);
    PROFILES.set(trust, profiles);
  }
  return profiles;
}

function deriveProfiles(trust: Pick<VerifyTrust, 'kind' | 'alternatives'>): LegitimateProfile[] {
  const alternatives: readonly TrustAlternative[] = trust.alternatives.length > 0 ? trust.alternatives : [{ claims: {} }];
  const perAlternative = alternatives.map((alternative) => alternativeIdentities(trust, alternative));
  // Round robin over the alternatives, so that a cap keeps one identity of each alternative first.
  const result: LegitimateProfile[] = [];
  for (let round = 0; result.length < MAX_LEGITIMATE_IDENTITIES; round++) {
    const layer = perAlternative.map((identities) => identities[round]).filter((identity) => identity !== undefined);
    if (layer.length === 0) break;
    for (const entry of layer) {
      if (result.length >= MAX_LEGITIMATE_IDENTITIES) break;
      if (!result.some((known) => known.key === entry.key)) result.push(entry);
    }
  }
  return result;
}

/**
 * The identities a trust was written for and the tokens their platforms would issue them: one per alternative and
 * value (every value of every claim used at least once; at most MAX_LEGITIMATE_IDENTITIES per trust). Values the trust
 * requires are used exactly, patterns instantiated with a representative (`*` → `legit`, `1.0.0` in a tag), claims
 * it does not constrain filled with defaults and listed in `invented` (`repository`, `project_path`, `sub`,
 * `kubernetes-namespace`, `namespace`… when the trust pins no repository, project or service account). A trust with no
 * alternative gets one invented identity of the platform its kind implies (else a generic OIDC one).
 */
export function legitimateIdentities(trust: Pick<VerifyTrust, 'kind' | 'alternatives'>): LegitimateIdentity[] {
  return legitimateProfiles(trust).map((entry) => entry.identity);
}
