import { fail, quote, ValidationContext } from '../errors';
import { requireLiterals } from '../literal';
import type { RiskTier } from '../tier';

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

/** Wildcard and pattern characters in AWS `StringLike` (`*`, `?`) and globs generally (`[`). */
export const WILDCARD_CHARS = /[*?[\]]/;

/**
 * Validates a git ref name (branch or tag) as git's `check-ref-format` does, which also guarantees it contains no
 * `:` (the subject separator) and no wildcard.
 */
export function checkRefName(name: unknown, kind: 'branch' | 'tag', ctx: ValidationContext, prop: string, patternProp: string): string {
  const docs = 'https://git-scm.com/docs/git-check-ref-format';
  if (typeof name !== 'string' || name.length === 0) {
    fail({ code: 'KL-CI-REF-EMPTY', path: ctx.path, prop, problem: `is ${quote(name)}: a ${kind} name must be a non-empty string`, fix: `name the ${kind}, e.g. "${kind === 'branch' ? 'main' : 'v1.2.3'}"` });
  }
  if (WILDCARD_CHARS.test(name)) {
    const hint = kind === 'tag'
      ? `declare the pattern in \`${patternProp}\` (a literal prefix and one trailing \`*\`, e.g. "v*") so that it is rendered as an explicit, reviewed pattern`
      : 'list each branch exactly; branch patterns are not supported because a `*` also matches `/` and `:` in a subject';
    fail({ code: 'KL-CI-REF-WILDCARD', path: ctx.path, prop, problem: `is ${quote(name)}: wildcards are not allowed in an exact ${kind} name`, fix: hint });
  }
  if (/^refs\//.test(name)) {
    fail({
      code: 'KL-CI-REF-QUALIFIED',
      path: ctx.path,
      prop,
      problem: `is ${quote(name)}: give the short ${kind} name; Keyless adds the \`refs/${kind === 'branch' ? 'heads' : 'tags'}/\` prefix itself`,
      fix: `use ${quote(name.replace(/^refs\/(heads|tags)\//, ''))}`,
    });
  }
  // git check-ref-format: no control characters, space, ~ ^ : \ ; no "..", "@{", "//"; no leading/trailing "/" or "."; no ".lock" suffix.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:\\]/.test(name) || name.includes('..') || name.includes('@{') || name.includes('//')
    || /^[/.-]|[/.]$/.test(name) || name.endsWith('.lock') || name === '@' || name.length > 255) {
    fail({
      code: 'KL-CI-REF-INVALID',
      path: ctx.path,
      prop,
      problem: `is ${quote(name)}, which is not a valid git ${kind} name (no spaces, \`~ ^ : \\\`, \`..\`, \`//\`, leading \`-\`, \`/\` or \`.\`, trailing \`/\`, \`.\` or \`.lock\`; at most 255 characters)`,
      fix: `use the ${kind} name exactly as git shows it`,
      docs,
    });
  }
  return name;
}

/**
 * Validates a declared ref pattern: a literal prefix that is a valid ref name start, then a single trailing `*`.
 * Returns the literal prefix.
 */
export function checkRefPattern(pattern: unknown, ctx: ValidationContext, prop: string): string {
  if (typeof pattern !== 'string' || !/^[^*?[\]]+\*$/.test(pattern)) {
    fail({
      code: 'KL-CI-PATTERN-FORM',
      path: ctx.path,
      prop,
      problem: `is ${quote(pattern)}: a pattern is a literal prefix of at least one character followed by a single trailing \`*\` (no \`?\`, \`[\`, inner or bare \`*\`)`,
      fix: 'write it as e.g. "v*" or "release-*"; list other refs exactly',
    });
  }
  const prefix = pattern.slice(0, -1);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:\\]/.test(prefix) || prefix.includes('..') || prefix.includes('//') || /^[/.-]/.test(prefix) || prefix.startsWith('refs/')) {
    fail({
      code: 'KL-CI-PATTERN-INVALID',
      path: ctx.path,
      prop,
      problem: `is ${quote(pattern)}: its prefix ${quote(prefix)} cannot start a valid git ref name (no spaces, \`~ ^ : \\\`, \`..\`, leading \`-\`, \`/\`, \`.\` or \`refs/\`)`,
      fix: 'write the short tag name prefix, e.g. "v*"',
    });
  }
  return prefix;
}

/** Checks a numeric id (GitHub and GitLab ids are decimal integers; tokens carry them as strings). */
export function checkNumericId(value: unknown, ctx: ValidationContext, prop: string, what: string): string {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,19}$/.test(value)) {
    fail({
      code: 'KL-CI-ID',
      path: ctx.path,
      prop,
      problem: `is ${quote(value)}: the ${what} is a decimal number with no wildcard, given as a string`,
      fix: `copy the numeric ${what} exactly (e.g. from the API), as a string such as "123456"`,
    });
  }
  return value;
}

/** Sorted, de-duplicated copy of a list. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Converts a list prop that may be undefined into an array, rejecting non-arrays. */
export function listProp(value: unknown, ctx: ValidationContext, prop: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fail({ code: 'KL-PROP-LIST', path: ctx.path, prop, problem: `is ${quote(value)}: expected a list`, fix: `give \`${prop}\` as an array` });
  }
  for (let i = 0; i < value.length; i++) {
    // A hole (`[, "main"]`) is skipped by forEach and map: refuse it rather than silently drop or crash on it.
    if (!(i in value)) {
      fail({ code: 'KL-PROP-LIST-HOLE', path: ctx.path, prop: `${prop}[${i}]`, problem: 'is an empty slot of a sparse array', fix: `remove the extra comma, or give every element of \`${prop}\`` });
    }
  }
  return value;
}

/** Longest issuer URL accepted: the IAM OIDC provider URL limit. */
export const ISSUER_MAX_CHARS = 255;

/** Validates an `https://` issuer URL (no trailing slash, query, fragment, credentials or wildcard). */
export function checkIssuerUrl(
  value: unknown, ctx: ValidationContext, prop: string, example: string, options: { allowTrailingSlash?: boolean } = {},
): string {
  const problem = (why: string) => fail({
    code: 'KL-CI-ISSUER',
    path: ctx.path,
    prop,
    problem: `is ${quote(value)}: ${why}`,
    fix: `give the exact issuer URL as it appears in the token's \`iss\` claim, e.g. "${example}"`,
  });
  if (typeof value !== 'string') return problem('an issuer is an https URL');
  requireLiterals(value, ctx, prop, 'which tokens are trusted');
  // IAM OIDC provider URLs are at most 255 characters (CreateOpenIDConnectProvider); no real issuer is longer.
  if (value.length > ISSUER_MAX_CHARS) return problem(`an issuer URL is at most ${ISSUER_MAX_CHARS} characters (IAM OIDC provider limit), this one is ${value.length}`);
  // `?` is refused below as a query: an issuer has none, and AWS StringLike would read it as a wildcard.
  if (/[*[\]]/.test(value)) return problem('wildcards are not allowed in an issuer');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problem('not a URL');
  }
  if (url.protocol !== 'https:') return problem('an OIDC issuer must use https');
  if (url.username || url.password || url.search || url.hash || value.includes('?') || value.includes('#')) {
    return problem('an issuer has no credentials, query or fragment');
  }
  if (url.port) return problem('an issuer URL with an explicit port is not supported by AWS IAM OIDC providers');
  if (value.endsWith('/') && !options.allowTrailingSlash) return problem('an issuer has no trailing slash (the `iss` claim must match it exactly)');
  const canonical = `${url.protocol}//${url.host}${url.pathname === '/' && !value.endsWith('/') ? '' : url.pathname}`;
  if (value !== canonical) {
    return problem('the issuer must be written in canonical form (lowercase host, no default port, no dot segments)');
  }
  return value;
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
