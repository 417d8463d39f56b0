/**
 * The identity inventory: every machine identity found in synthesized output (CloudFormation templates, Terraform
 * JSON, Kubernetes manifests, whoever wrote them), as records a reviewer and a program can read.
 *
 * JSON schema (`schemaVersion` 1), as written by `keyless inventory --json` and `out/inventory.json`:
 *
 * ```
 * Inventory {
 *   schemaVersion: 1
 *   asOf: "YYYY-MM-DD"                 date review-by and exception expiry were checked against
 *   sources: [{ file, format }]        files read: format is cloudformation | terraform | kubernetes | repository-side
 *                                      (the repository-side manifest, `ci/manifest.json`, see read.ts)
 *   identities: IdentityRecord[]       sorted by id
 *   metrics: InventoryMetrics          see metrics.ts; repositorySide, admissionPolicy and bothSides count the
 *                                      attributes of the same names, identitiesWithDetections the `detections`
 *                                      attribute, revokedIdentities the records with `revoked`
 *   warnings: string[]                 what could not be resolved (never silently dropped)
 * }
 * IdentityRecord {
 *   id                 stable across files: "CLOUD:KIND:NAME", e.g. "aws:role:payments-api-deploy"
 *   cloud              aws | gcp | azure | kubernetes
 *   kind               role | user | service-account | workload-identity-provider | pam-entitlement |
 *                      break-glass-binding | user-assigned-identity | application | pim-assignment | principal
 *   name               role name, service account email, POOL/PROVIDER, RESOURCE_GROUP/NAME, NAMESPACE/NAME…
 *   defined            false when the identity is only referenced (granted or attached) and defined elsewhere
 *   file, resource     where it is defined (or first referenced): file label and resource id
 *   resources          every resource that contributed, as "file:resource-id"
 *   ownership          { owner, purpose, environment, tier, reviewBy, expires, managedBy }, each optional
 *   credentialType     federated (short-lived, no stored secret) | static (keys, secrets, passwords, token
 *                      secrets) | human-break-glass (time-boxed human access) | unknown (no credential issued here)
 *   maxSessionSeconds  longest credential lifetime declared in the output, or null when the output does not say
 *   trustedSubjects    TrustedSubject[]: who can obtain the identity's credentials, sorted by text
 *   permissions        Permission[]: what the identity may do, sorted by text
 *   blastRadius        { entries, wildcardEntries }: allowed (action or role) × scope entries
 *   privileged         boolean, with privilegedReasons: string[]
 *   reviewOverdue      review-by (or break-glass expiry) is before asOf
 *   findings           [{ ruleId, key, message }]: guardrail findings not covered by an exception; key is the
 *                      finding key an exception's findingKey names (e.g. "Action::s3:*")
 *   exceptions         [{ ruleId, findingKey?, reason, owner, expires }]: live guardrail exceptions covering it
 *                      (exception debt)
 *   revoked            { at, reason } or null: the identity is revoked (revocation.ts): `at` is the moment sessions issued
 *                      before it are denied (AWS) or the revocation was declared, `reason` why. Read from AWS role tags
 *                      `keyless:revoked` / `keyless:revoked-reason`, GCP ownership descriptions `revoked=` /
 *                      `revoked-reason=`, Azure tags `keyless-revoked` / `keyless-revoked-reason`; an AWS role with no
 *                      tags whose trust denies every assumption and whose policy denies every action to sessions with
 *                      `aws:TokenIssueTime` before a moment is revoked at that moment, reason "not declared (…)".
 *                      Its trusted subjects stay listed, each with the condition `revoked AT` (operator `revoked`).
 *   attributes         cloud-specific facts, e.g. permissionsBoundary, automountServiceAccountToken, podIdentity,
 *                      and the other side of the trust (both-sides.ts), when it applies:
 *     repositorySide   identities with a CI trust (GitHub Actions, GitLab CI tokens) or listed in the repository-side
 *                      manifest, only when that manifest is among the inputs: "emitted: FILE, FILE…" (the files
 *                      emitted for it, relative to the out dir, sorted) or "missing"
 *     admissionPolicy  a Kubernetes service account bound to a cloud identity (a cloud annotation, Keyless'
 *                      `keyless.dev/admission-policy` annotations, or a cloud identity of the output it can obtain):
 *                      "emitted: POLICY" (a ValidatingAdmissionPolicy of its chart protects it, a binding denies),
 *                      "opted-out: REASON" (the chart's `keyless.dev/admission-policy-opt-out`), "missing", or
 *                      "missing: WHY" (the named policy is absent, protects another service account, fails open,
 *                      matches another namespace, or has no binding in its namespace that denies). REASON and WHY are
 *                      one line, `;` written as `,`.
 *                      A cloud identity trusted by service accounts (`system:serviceaccount:NS:NAME`, EKS Pod
 *                      Identity), only when Kubernetes objects are among the inputs: one entry per service account
 *                      bound to it, "STATE (ServiceAccount CONTEXT/NS/NAME)", sorted and joined by "; ", or
 *                      "missing: no ServiceAccount NS/NAME bound to it in the Kubernetes output"
 *     detections       defined federated cloud identities (AWS, GCP, Azure; see detections.ts), and revoked ones whose
 *                      credentials are no longer rendered: "watched: FILE:RESOURCE, …"
 *                      (the detection resources found for it, sorted), "opted-out: REASON" (the opt-out tag or field),
 *                      "missing: no Log Analytics workspace" (Azure tag `keyless-detections=no-workspace`),
 *                      "missing: WHY, …" (a rule naming it that does not deliver: "rule X is DISABLED", "rule X has no
 *                      target", "alert policy X is disabled", "query rule X has no action group"…), or "missing"
 * }
 * TrustedSubject {
 *   text      normalised, one line: "KIND ISSUER claim=value… (condition, …)", e.g.
 *             "oidc token.actions.githubusercontent.com sub=repo:acme/app:ref:refs/heads/main aud=sts.amazonaws.com"
 *   kind      oidc | saml | aws (an AWS principal ARN) | service (an AWS service) | gcp (a GCP member) |
 *             pool (a GCP workload identity pool principal) | azure (an Entra principal id) | workload (a Kubernetes
 *             workload using the service account) | static (a stored credential)
 *   issuer    token issuer (without https://), principal, service, member, pool or workload
 *   claims    { claim: [allowed values] }: values are glob patterns when `pattern` is true (`*` matches anything)
 *   conditions Condition[]: other conditions, all of which must hold
 *   pattern   a claim is a pattern rather than an exact value
 *   wildcard  the subject does not pin one repository / project / service account (or is `*`)
 *   pullRequest the subject admits GitHub pull_request runs
 *   source    "file:resource-id"
 * }
 * Permission {
 *   text      "ACTION on SCOPE[ when CONDITION; …]", or "policy ARN" for an AWS managed policy
 *   kind      action (AWS IAM action) | role (GCP / Azure / Kubernetes role) | policy (AWS managed policy not in the
 *             output) | rbac (Kubernetes verb) | impersonation (a Kubernetes service account acting as a cloud identity)
 *   effect    allow | deny
 *   action, scope, conditions, wildcard (action or scope is a wildcard that could be narrower), privileged, source
 * }
 * Condition { text, operator, key, values }: operator is the IAM operator (StringEquals…), `cel` (GCP), `abac`
 *   (Azure), `until` (an expiry), `approval` (GCP PAM approvers); text is the human summary.
 * ```
 */

/** Version of the inventory JSON schema. Bumped on incompatible changes. */
export const INVENTORY_SCHEMA_VERSION = 1;

/** The cloud (or platform) an identity lives in. */
export type Cloud = 'aws' | 'gcp' | 'azure' | 'kubernetes';

/** How an identity gets its credentials. */
export type CredentialType = 'federated' | 'static' | 'human-break-glass' | 'unknown';

/** Kinds of identity records. */
export type IdentityKind =
  | 'role' | 'user'
  | 'service-account' | 'workload-identity-provider' | 'pam-entitlement' | 'break-glass-binding'
  | 'user-assigned-identity' | 'application' | 'pim-assignment'
  | 'principal';

/** Kinds of trusted subjects. */
export type SubjectKind = 'oidc' | 'saml' | 'aws' | 'service' | 'gcp' | 'pool' | 'azure' | 'workload' | 'static';

/** Kinds of permission entries. */
export type PermissionKind = 'action' | 'role' | 'policy' | 'rbac' | 'impersonation';

/** One condition (all conditions of a subject or permission must hold). */
export interface Condition {
  /** Human summary, e.g. `mfa`, `until 2027-01-31T00:00:00Z`, `kms:ViaService=s3.eu-west-1.amazonaws.com`. */
  readonly text: string;
  /** `StringEquals`…, `cel`, `abac`, `until`, `approval`. */
  readonly operator: string;
  /** Condition key, or '' when the operator has none. */
  readonly key: string;
  /** Values (for `cel` / `abac`: the expression). */
  readonly values: readonly string[];
}

/** Who can obtain an identity's credentials. */
export interface TrustedSubject {
  /** Normalised one-line form. */
  readonly text: string;
  /** Kind of subject. */
  readonly kind: SubjectKind;
  /** Issuer, principal, service, member, pool or workload. */
  readonly issuer: string;
  /** Required claims: claim → allowed values (globs when `pattern`). */
  readonly claims: Readonly<Record<string, readonly string[]>>;
  /** Other conditions. */
  readonly conditions: readonly Condition[];
  /** A claim is a pattern, not an exact value. */
  readonly pattern: boolean;
  /** Does not pin one repository, project or service account. */
  readonly wildcard: boolean;
  /** Admits GitHub pull_request runs. */
  readonly pullRequest: boolean;
  /** `file:resource-id`. */
  readonly source: string;
}

/** What an identity may do: one (action or role) × scope entry. */
export interface Permission {
  /** `ACTION on SCOPE[ when …]`. */
  readonly text: string;
  /** Kind of entry. */
  readonly kind: PermissionKind;
  /** Allow or deny. */
  readonly effect: 'allow' | 'deny';
  /** Action, role, managed policy ARN or verb. */
  readonly action: string;
  /** Resource, scope or namespace. */
  readonly scope: string;
  /** Conditions. */
  readonly conditions: readonly Condition[];
  /** The action or the scope is a wildcard that a narrower value could replace. */
  readonly wildcard: boolean;
  /** Grants administrative or privilege-escalating power. */
  readonly privileged: boolean;
  /** `file:resource-id`. */
  readonly source: string;
}

/** Ownership as declared on the identity (tags, labels, descriptions). */
export interface RecordOwnership {
  readonly owner?: string;
  readonly purpose?: string;
  readonly environment?: string;
  readonly tier?: number;
  readonly reviewBy?: string;
  readonly expires?: string;
  readonly managedBy?: string;
}

/** A live guardrail exception covering the identity. */
export interface ExceptionUse {
  readonly ruleId: string;
  /** The one finding the exception covers, when it names one. */
  readonly findingKey?: string;
  readonly reason: string;
  readonly owner: string;
  readonly expires: string;
}

/** A revoked identity: since when, and why. */
export interface Revoked {
  /** The moment (`YYYY-MM-DDTHH:MM:SSZ` as declared): AWS sessions issued before it are denied every action. */
  readonly at: string;
  /** Why, as declared (`not declared (…)` for a revocation written by hand). */
  readonly reason: string;
}

/** Size of what an identity may do. */
export interface BlastRadius {
  /** Allowed (action or role) × scope entries. */
  readonly entries: number;
  /** Of which use a wildcard. */
  readonly wildcardEntries: number;
}

/** One identity. */
export interface IdentityRecord {
  readonly id: string;
  readonly cloud: Cloud;
  readonly kind: IdentityKind;
  readonly name: string;
  readonly defined: boolean;
  readonly file: string;
  readonly resource: string;
  readonly resources: readonly string[];
  readonly ownership: RecordOwnership;
  readonly credentialType: CredentialType;
  readonly maxSessionSeconds: number | null;
  readonly trustedSubjects: readonly TrustedSubject[];
  readonly permissions: readonly Permission[];
  readonly blastRadius: BlastRadius;
  readonly privileged: boolean;
  readonly privilegedReasons: readonly string[];
  readonly reviewOverdue: boolean;
  readonly findings: ReadonlyArray<{ readonly ruleId: string; readonly key: string; readonly message: string }>;
  readonly exceptions: readonly ExceptionUse[];
  /** When and why the identity was revoked, or null. */
  readonly revoked: Revoked | null;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Programme metrics over an inventory (see metrics.ts for the definitions). */
export interface InventoryMetrics {
  /** Identities defined in the output (the denominator of the ratios), and referenced-only ones. */
  readonly identities: { readonly defined: number; readonly referenced: number };
  readonly byCloud: Readonly<Record<Cloud, number>>;
  readonly byCredentialType: Readonly<Record<CredentialType, number>>;
  /** Defined machine identities (not human break-glass) with a static credential. */
  readonly staticCredentialRatio: { readonly static: number; readonly machine: number; readonly ratio: number };
  /** Defined identities with an owner; `complete` also have an environment and a review-by date. */
  readonly ownershipCoverage: { readonly owned: number; readonly complete: number; readonly total: number; readonly ratio: number };
  /** Wildcard trusted subjects and permission entries. */
  readonly wildcardCount: { readonly trust: number; readonly permissions: number; readonly total: number };
  /** Blast radius per identity, largest first. */
  readonly blastRadius: {
    readonly total: number;
    readonly max: number;
    readonly perIdentity: ReadonlyArray<{ readonly id: string; readonly entries: number; readonly wildcardEntries: number }>;
  };
  /** Live exceptions in use, findings they cover, and expired exceptions (errors). */
  readonly exceptionDebt: { readonly exceptions: number; readonly exceptedFindings: number; readonly expired: number };
  /** Identities with privileged permissions or break-glass access. */
  readonly privilegedIdentities: { readonly count: number; readonly ids: readonly string[] };
  /** Identities past their review-by date. */
  readonly reviewOverdue: { readonly count: number; readonly ids: readonly string[] };
  /** Defined identities with a CI trust: repository side emitted, or missing (only with a repository-side manifest among the inputs). */
  readonly repositorySide: { readonly emitted: number; readonly missing: number; readonly missingIds: readonly string[] };
  /** Defined identity-bound Kubernetes ServiceAccounts: admission policy emitted, opted out, or missing. */
  readonly admissionPolicy: {
    readonly emitted: number;
    readonly optedOut: number;
    readonly missing: number;
    readonly optedOutIds: readonly string[];
    readonly missingIds: readonly string[];
  };
  /** Defined federated cloud identities (AWS, GCP, Azure) watched by a detection, of all of them; opted out and missing listed. */
  readonly identitiesWithDetections: {
    readonly watched: number;
    readonly total: number;
    readonly ratio: number;
    readonly optedOutIds: readonly string[];
    readonly missingIds: readonly string[];
  };
  /** Revoked identities (defined or referenced), by id. */
  readonly revokedIdentities: { readonly count: number; readonly ids: readonly string[] };
  /** Defined cloud identities whose other side was looked for, and those with it emitted (see metrics.ts). */
  readonly bothSides: { readonly complete: number; readonly total: number; readonly ratio: number; readonly incompleteIds: readonly string[] };
}

/** The whole inventory. */
export interface Inventory {
  readonly schemaVersion: typeof INVENTORY_SCHEMA_VERSION;
  readonly asOf: string;
  readonly sources: ReadonlyArray<{ readonly file: string; readonly format: string }>;
  readonly identities: readonly IdentityRecord[];
  readonly metrics: InventoryMetrics;
  readonly warnings: readonly string[];
}

/** Human labels for record kinds, per cloud (used in reports). */
export function kindLabel(cloud: Cloud, kind: IdentityKind): string {
  const clouds: Record<Cloud, string> = { aws: 'AWS', gcp: 'GCP', azure: 'Azure', kubernetes: 'Kubernetes' };
  const kinds: Record<IdentityKind, string> = {
    'role': 'IAM role',
    'user': 'IAM user',
    'service-account': 'service account',
    'workload-identity-provider': 'workload identity provider',
    'pam-entitlement': 'PAM entitlement',
    'break-glass-binding': 'break-glass binding',
    'user-assigned-identity': 'user-assigned identity',
    'application': 'application',
    'pim-assignment': 'PIM assignment',
    'principal': 'principal',
  };
  return `${clouds[cloud]} ${kinds[kind]}`;
}
