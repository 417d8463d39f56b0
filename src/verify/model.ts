/**
 * `keyless verify`: the model shared by the trust readers (aws.ts, gcp.ts, azure.ts), the token and forgery
 * generators (tokens.ts, forge.ts), the orchestration (verify.ts) and the reports (report.ts).
 *
 * For every federated trust found in synthesized output, verify derives the legitimate identities the trust was
 * written for (from the trust's own constraints: its `sub`, audience, claim conditions, bound members), builds the
 * tokens the platform would issue to them, then a documented family of forged variants around each, and evaluates
 * all of them with an evaluator of the cloud's own rules. A trust is sound when every legitimate token is admitted and
 * every forged one refused; it is weak when a forged token gets in (reported with that token) or when it pins nothing;
 * it is broken when a legitimate token is refused; it is not evaluable when its rules cannot be read or evaluated
 * (never reported as verified).
 *
 * Dependency direction: verify/ imports synth/ and core/ only (no framework, rule, inventory or renderer).
 */

/** The platforms whose tokens verify builds. */
export type TokenPlatform =
  | 'github' // GitHub Actions (github.com or a GitHub Enterprise Cloud unique issuer)
  | 'gitlab' // GitLab CI (gitlab.com or self-managed)
  | 'kubernetes' // a projected service account token of an EKS, AKS or other cluster
  | 'gke' // a GKE workload (Workload Identity Federation for GKE: identity PROJECT.svc.id.goog[NS/KSA])
  | 'eks-pod-identity' // an EKS Pod Identity session (no token: the EKS Auth API assumes the role with session tags)
  | 'oidc'; // any other OIDC issuer (claims as the trust names them)

/** A claim value as a token carries it. */
export type ClaimValue = string | number | boolean | readonly string[] | { readonly [key: string]: ClaimValue };

/**
 * A token (or, for EKS Pod Identity, the session the EKS Auth API requests). `claims` holds every claim as the platform
 * issues it, `iss`, `sub` and `aud` included; an absent claim is absent from the object (a "missing audience" variant
 * has no `aud`). For `eks-pod-identity` the claims are the session tags (`eks-cluster-arn`, `eks-cluster-name`,
 * `kubernetes-namespace`, `kubernetes-service-account`, `kubernetes-pod-name`, `kubernetes-pod-uid`) and
 * `issuer` is the cluster ARN; for `gke` the claims are `project`, `cluster`, `location`, `namespace`,
 * `serviceaccount` and `issuer` is the cluster's issuer URL.
 */
export interface Token {
  readonly platform: TokenPlatform;
  /** The issuer URL (`https://token.actions.githubusercontent.com`), or for Pod Identity the cluster ARN. */
  readonly issuer: string;
  readonly claims: { readonly [claim: string]: ClaimValue };
}

/**
 * What a trust requires of one claim: the token's claim must equal one of `values` (or, when `glob`, match one of
 * them: `*` any run of characters, `?` one character). Derived from the trust's positive conditions only.
 */
export interface ClaimRequirement {
  readonly values: readonly string[];
  readonly glob: boolean;
}

/**
 * One way into a trust, as written: the issuer and the claims it requires (claim name as the token spells it:
 * `sub`, `aud`, `repository_id`, `ref`; for Pod Identity the session-tag name `kubernetes-namespace`; for GKE
 * `namespace`, `serviceaccount`, `project`). A trust of several statements, values or CEL disjuncts has several
 * alternatives. `issuer` is undefined when the trust admits any issuer (or names it by an unresolved reference).
 */
export interface TrustAlternative {
  readonly issuer?: string;
  readonly claims: { readonly [claim: string]: ClaimRequirement };
}

/** The answer of a trust's evaluator for one token. */
export interface Decision {
  /** `unsupported`: the evaluator cannot decide (outside the evaluated subset): never read as admitted or denied. */
  readonly outcome: 'admitted' | 'denied' | 'unsupported';
  /** Why: the statement / binding that admitted, the first requirement that failed, or what is not evaluated. */
  readonly detail: string;
}

/** The kinds of federated trust verify reads. */
export type TrustKind = 'aws-oidc' | 'aws-pod-identity' | 'gcp-workload-identity' | 'gcp-gke' | 'azure-fic';

/** Where a trust is written. */
export interface TrustLocation {
  /** File label, as the reader labels files (`DIR-NAME/relative/path`). */
  readonly file: string;
  /** Resource id (CloudFormation logical id, Terraform address, Kubernetes namespace/name). */
  readonly resource: string;
  /** The construct path (cdktf `//.metadata.path`), when the output records one. */
  readonly constructPath?: string;
}

/** One federated trust, read from the output. */
export interface VerifyTrust {
  /**
   * Stable id: `aws:role:NAME`, `aws:role:NAME#pod-identity`, `gcp:POOL/PROVIDER->SA-OR-ROLE@SCOPE`,
   * `gcp:gke:POOL[NS/KSA]->SA`, `azure:fic:PARENT/NAME`. Unique in one run (the orchestrator suffixes duplicates).
   */
  readonly id: string;
  readonly cloud: 'aws' | 'gcp' | 'azure';
  readonly kind: TrustKind;
  /** What the trust gives: a role name, service account (email or reference), managed identity or application. */
  readonly identity: string;
  readonly location: TrustLocation;
  /** Every resource that contributed (`file:resource`), sorted. */
  readonly resources: readonly string[];
  /** The ways in, as written; empty when nothing narrows the trust (then verify invents an owner and reports it). */
  readonly alternatives: readonly TrustAlternative[];
  /** Set when the trust cannot be evaluated (unresolved reference, unmodelled federation such as SAML): why. */
  readonly unevaluable?: string;
  /** Set when the identity is revoked (./revoked.ts): its legitimate tokens must be refused. */
  readonly revocation?: VerifyRevocation;
  /** A revoked identity no trust reads any more (its bindings or credentials are not rendered): nothing to evaluate. */
  readonly withoutCredential?: boolean;
  /** The trust's evaluator (never called when `unevaluable` is set). */
  evaluate(token: Token): Decision;
  /**
   * Forged variants the reader adds to the platform families (forge.ts): tokens of other trusts that reach the same
   * grant, e.g. the legitimate tokens of another provider of the same GCP pool (`other-provider-of-pool`).
   */
  additionalForged?(): readonly ForgedVariant[];
}

/** A revoked identity: since when, and why (as declared). */
export interface VerifyRevocation {
  readonly at: string;
  readonly reason: string;
  /** AWS: why the role's trust still admits an assumption no token evaluation covers (no unconditional Deny of it). */
  readonly gap?: string;
}

/** A forged variant of a legitimate token. */
export interface ForgedVariant {
  /** The family (see FORGED_FAMILIES in forge.ts), e.g. `other-owner`, `pull-request`, `wrong-audience`. */
  readonly family: string;
  /** One line: what the attacker controls, e.g. "a repository of another owner with the same name (attacker/app)". */
  readonly description: string;
  readonly token: Token;
  /**
   * Set when the platform itself gives this variant the same identity (GKE identity sameness: every cluster of a
   * project shares its workload pool): reported as a note, never as an admitted forgery.
   */
  readonly sharedByDesign?: string;
}

/** A legitimate identity the trust was written for, and its token. */
export interface LegitimateIdentity {
  /** One line, e.g. "GitHub acme/app (ID-based subject), environment production, ref refs/heads/main". */
  readonly description: string;
  readonly token: Token;
  /** Claims verify had to invent because the trust does not constrain them (e.g. `repository` of an unpinned trust). */
  readonly invented: readonly string[];
  /**
   * Set when the platform never issues this token: the trust requires a value no run can have (an issuer with a
   * trailing slash GitHub never writes, a repository named `*` in an exact subject). The identity then counts as
   * refused, with this reason, whatever the evaluator says.
   */
  readonly impossible?: string;
}

/** A token and its decision. */
export interface Evaluated {
  readonly description: string;
  readonly family?: string;
  readonly token: Token;
  readonly decision: Decision;
  readonly sharedByDesign?: string;
}

/**
 * The verdict on one trust. `revoked`: the identity is revoked and every token, legitimate or forged, is refused (as
 * declared); a revoked identity that still admits its legitimate token is `broken`.
 */
export type TrustVerdict = 'sound' | 'weak' | 'broken' | 'not-evaluable' | 'revoked';

/** The result of one trust. */
export interface TrustResult {
  readonly id: string;
  readonly cloud: VerifyTrust['cloud'];
  readonly kind: TrustKind;
  readonly identity: string;
  readonly location: TrustLocation;
  readonly resources: readonly string[];
  readonly verdict: TrustVerdict;
  /** One line per problem: the admitted forgery (family and token summary), the refused legitimate identity, why not evaluable. */
  readonly problems: readonly string[];
  /** The trust pins no repository, project, namespace or service account (verify invented one). */
  readonly unpinned: boolean;
  readonly legitimate: readonly Evaluated[];
  readonly forged: readonly Evaluated[];
  /** Counts: legitimate admitted / total, forged denied / total (shared-by-design variants not counted as forged). */
  readonly counts: { readonly legitimateAdmitted: number; readonly legitimate: number; readonly forgedDenied: number; readonly forged: number };
  readonly unevaluable?: string;
  /** The revocation, when the identity is revoked. */
  readonly revocation?: VerifyRevocation;
}

/** Version of the verify JSON schema. */
export const VERIFY_SCHEMA_VERSION = 1;

/** The whole report (`keyless verify --json`, `out/verify.json`). */
export interface VerifyReport {
  readonly schemaVersion: typeof VERIFY_SCHEMA_VERSION;
  readonly sources: ReadonlyArray<{ readonly file: string; readonly format: string }>;
  /** Sorted by id. */
  readonly trusts: readonly TrustResult[];
  readonly summary: {
    readonly trusts: number;
    readonly sound: number;
    readonly weak: number;
    readonly broken: number;
    readonly notEvaluable: number;
    /** Revoked identities whose every token is refused (always set by verify; optional for reports built by hand). */
    readonly revoked?: number;
    readonly legitimateTokens: number;
    readonly forgedTokens: number;
    readonly forgedAdmitted: number;
  };
  /** What could not be read or resolved (never silently dropped). */
  readonly warnings: readonly string[];
}
