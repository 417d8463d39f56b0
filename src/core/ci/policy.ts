import { fail, quote, ValidationContext } from '../errors';
import type { RiskTier } from '../tier';

export { checkIssuerUrl, ISSUER_MAX_CHARS } from './issuer';
export { checkRefName, checkRefPattern, WILDCARD_CHARS } from './refs';
export { checkNumericId, listProp, sortedUnique } from './values';

/** CI platforms Keyless can federate. */
export type CiPlatform = 'github-actions' | 'gitlab-ci';

/**
 * A claim of the CI token, other than `sub` and `aud`, that every target able to check it must see with exactly this
 * value: GCP checks every pin in its attribute condition; AWS checks the pins whose claim STS exposes as a condition
 * key for the issuer (`AWS_STS_CLAIM_KEYS`); Azure checks none. A pin strengthens what the subject already says (for
 * example the repository's immutable id next to its name): a target that cannot check it still admits only the
 * declared subjects.
 */
export interface ClaimPin {
  /** Claim name, e.g. `repository_id`. */
  readonly claim: string;
  /** Exact value (claims are strings). */
  readonly value: string;
}

/**
 * A claim the declaration depends on: every admitted token must carry one of `values` exactly, or start with one of
 * `prefixes`. Unlike a {@link ClaimPin}, a target that cannot check the claim must refuse the trust rather than render
 * it without the requirement (which would admit runs the declaration excludes).
 */
export interface ClaimRequirement {
  /** Claim name, e.g. `ref`. */
  readonly claim: string;
  /** Exact values, sorted. */
  readonly values: readonly string[];
  /** Declared literal prefixes (from patterns such as `v*`), sorted. @default - none */
  readonly prefixes?: readonly string[];
  /** The prop that asks for it, for errors, e.g. `source.branches`. */
  readonly prop: string;
  /** Why the claim is required, for errors. */
  readonly reason: string;
  /** What to do on a target that checks only the subject. */
  readonly fixWhereUncheckable: string;
}

/** The repository or project a CI trust names, for app-wide consistency checks and reports. */
export interface CiRepositoryIdentity {
  /** `OWNER/REPO` (GitHub) or the full project path (GitLab), as declared. */
  readonly path: string;
  /** Numeric id of the owner or namespace, when declared. */
  readonly ownerId?: string;
  /** Numeric id of the repository or project, when declared. */
  readonly repositoryId?: string;
  /** GitHub: the subject form declared (`name-based`, `immutable` or `both`). */
  readonly subjectFormat?: string;
}

/**
 * The trust a CI source asks for, decided once, before any cloud renders it: who issues the token, the exact
 * subjects admitted, the subject prefixes explicitly declared as patterns, and the extra claim pins.
 */
export interface CiTrustPolicy {
  /** The CI platform. */
  readonly platform: CiPlatform;
  /** Token issuer URL (`iss`), `https://…` with no trailing slash. */
  readonly issuerUrl: string;
  /** The issuer without its scheme: the prefix of AWS condition keys (`HOST[/PATH]:sub`). */
  readonly issuerHostPath: string;
  /** Exact `sub` values admitted, sorted. Contain no wildcard characters. */
  readonly exactSubjects: readonly string[];
  /**
   * Declared subject patterns, sorted, each a literal prefix followed by a single trailing `*` (e.g. release tags
   * `repo:acme/app:ref:refs/tags/v*`). The prefix always pins the owner and the repository.
   */
  readonly subjectPatterns: readonly string[];
  /** Claims other than `sub` that must match exactly, on every target that can check them. Sorted by claim. */
  readonly claimPins: readonly ClaimPin[];
  /**
   * Claims the declaration depends on (every target must check them or refuse the trust), e.g. `ref` when
   * environment jobs must also run on the declared branches. Sorted by claim.
   *
   * @default - none
   */
  readonly claimRequirements?: readonly ClaimRequirement[];
  /** The repository or project, as declared. */
  readonly repository?: CiRepositoryIdentity;
  /**
   * GCP attribute mapping for the claims a caller may want in `principalSet` members (`attribute.NAME` →
   * `assertion.CLAIM`), in addition to `google.subject = assertion.sub`.
   */
  readonly mappedClaims: readonly string[];
  /**
   * For GitHub with a custom subject template: the `include_claim_keys` the repository's OIDC subject template
   * must be set to for these subjects to match.
   */
  readonly subjectClaimKeys?: readonly string[];
  /** One line describing the trust, for descriptions and reports. */
  readonly summary: string;
}

/**
 * Marks the CI sources Keyless implements (`GitHubActions`, `GitLabCi`). A registered symbol, so that the check holds
 * across two copies of the library in one app.
 */
export const CI_SOURCE_BRAND: unique symbol = Symbol.for('@keyless/constructs.CiSource') as any;

/**
 * A CI source of tokens that can be resolved into a {@link CiTrustPolicy}: `GitHubActions.repository(…)` or
 * `GitLabCi.project(…)`. Constructs accept only these, since the trust policy a source returns is rendered as is.
 */
export interface ICiSource {
  /** The CI platform. */
  readonly platform: CiPlatform;
  /**
   * Validates the declaration and decides the trust.
   *
   * @param ctx where the source is used (construct path for errors, today's date)
   * @param prop the prop holding the source, for error messages
   * @param options what the identity using the source declares (its risk tier)
   */
  resolve(ctx: ValidationContext, prop: string, options?: CiResolveOptions): CiTrustPolicy;
}

/** What the identity using a CI source declares, where it changes what the source requires. */
export interface CiResolveOptions {
  /**
   * Risk tier of the identity. Tier 1 GitHub trusts require the repository's numeric ids.
   *
   * @default - no tier requirement
   */
  readonly tier?: RiskTier;
}

/** Resolves a CI source, refusing a missing one. */
export function resolveCiSource(source: ICiSource | undefined, ctx: ValidationContext, prop = 'source', options: CiResolveOptions = {}): CiTrustPolicy {
  if (source === undefined || source === null || typeof source.resolve !== 'function') {
    fail({
      code: 'KL-CI-SOURCE-MISSING',
      path: ctx.path,
      prop,
      problem: `is ${quote(source)}: a CI source is required`,
      fix: 'give the CI source, e.g. `GitHubActions.repository({ owner: "acme", repository: "app", branches: ["main"] })`',
    });
  }
  if ((source as unknown as Record<symbol, unknown>)[CI_SOURCE_BRAND] !== true) {
    fail({
      code: 'KL-CI-SOURCE-UNKNOWN',
      path: ctx.path,
      prop,
      problem: 'is not a CI source made by Keyless: the trust policy a source returns is rendered as is, so one Keyless did not validate could admit any token',
      fix: 'declare the source with `GitHubActions.repository({ … })` or `GitLabCi.project({ … })`',
    });
  }
  return source.resolve(ctx, prop, options);
}

/**
 * Refuses CI source props that are not a plain object (a class instance or exotic object is not copied when declared,
 * so its getters could answer validation and rendering differently) or that hold a key the source does not know:
 * a misspelled `environment` for `environments` would otherwise drop the requirement it was meant to add.
 */
export function checkSourceProps(props: unknown, known: readonly string[], ctx: ValidationContext, prop: string, example: string): void {
  const prototype = typeof props === 'object' && props !== null && !Array.isArray(props) ? Object.getPrototypeOf(props) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    fail({ code: 'KL-CI-SOURCE-PROPS', path: ctx.path, prop, problem: `is declared with ${quote(props)}: expected a plain object of props`, fix: `declare the source as ${example}` });
  }
  for (const key of Object.getOwnPropertyNames(props)) {
    if (known.includes(key)) continue;
    const lower = key.toLowerCase();
    const guess = known.find((k) => k.toLowerCase() === lower || k.toLowerCase() === `${lower}s` || `${k.toLowerCase()}s` === lower);
    fail({
      code: 'KL-PROP-UNKNOWN',
      path: ctx.path,
      prop: `${prop}.${key}`,
      problem: 'is not a prop of this CI source: Keyless would ignore it, and with it whatever it was meant to require',
      fix: guess !== undefined ? `did you mean \`${guess}\`?` : `use only ${known.map((k) => `\`${k}\``).join(', ')}`,
    });
  }
}
