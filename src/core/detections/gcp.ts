import { gcpPoolResource, GcpProviderLocation } from '../trust/gcp';

/**
 * The GCP detections of a federated identity, decided before any construct renders them: a log-based metric filter
 * (Logging query language) and what the alert policy says when it fires.
 *
 * Sources (each field below is named where it is used):
 * - Security Token Service audit logging, https://cloud.google.com/iam/docs/audit-logging/audit-logging-sts: service
 *   `sts.googleapis.com`, methods `google.identity.sts.v1.SecurityTokenService.ExchangeToken` and `…v1beta…`,
 *   Data Access audit logs of type ADMIN_READ.
 * - Example logs for Workload Identity Federation, https://cloud.google.com/iam/docs/audit-logging/examples-workload-identity:
 *   `protoPayload.resourceName` is the workload identity pool provider the token is exchanged at,
 *   `protoPayload.authenticationInfo.principalSubject` the subject of the IdP token (for OIDC issuers, its `sub`
 *   claim), `protoPayload.metadata.mapped_principal` the `principal://…/subject/…` it maps to; Data Access logs
 *   ("Admin Read") must be enabled for the IAM and Security Token Service APIs.
 * - Service Account Credentials audit logging, https://cloud.google.com/iam/docs/audit-logging/audit-logging-iamcreds:
 *   service `iamcredentials.googleapis.com`, method `GenerateAccessToken`, Data Access audit logs.
 * - Example logs for service accounts, https://cloud.google.com/iam/docs/audit-logging/examples-service-accounts: the
 *   entry's monitored resource is `service_account`, labelled with the account's `email_id`.
 * - AuditLog `ServiceAccountDelegationInfo.principal_subject` (Security Command Center reference): federated principals
 *   are `principal://iam.googleapis.com/POOL/subject/SUBJECT`; GKE workloads keep the legacy
 *   `serviceAccount:PROJECT.svc.id.goog[NS/KSA]`.
 * - Logging query language, https://cloud.google.com/logging/docs/view/logging-query-language: `=` equality, `=~`
 *   RE2 regular expression, `>` numeric comparison; a comparison with a missing field is false (so `NOT` of it is true).
 *   String literals are double-quoted with `\"` and `\\` escapes (Google API filtering, https://google.aip.dev/160).
 */

/** The Logging query language operators the detections use. */
export type LoggingOperator = '=' | '=~' | '>';

/** One comparison: `field OPERATOR value`. */
export interface LoggingClause {
  /** A LogEntry field path, e.g. `protoPayload.serviceName`. Never user text. */
  readonly field: string;
  /** `=` (equal), `=~` (RE2 regular expression), `>` (numeric greater than). */
  readonly operator: LoggingOperator;
  /** A string (quoted and escaped when rendered) or a number. */
  readonly value: string | number;
}

/** A term of a filter: one clause, any of several clauses, or none of them. Terms are ANDed. */
export type LoggingTerm =
  | { readonly kind: 'clause'; readonly clause: LoggingClause }
  | { readonly kind: 'any'; readonly clauses: readonly LoggingClause[] }
  | { readonly kind: 'none'; readonly clauses: readonly LoggingClause[] };

/** A Logging filter in structured form: every term must hold. */
export interface LoggingFilter {
  readonly terms: readonly LoggingTerm[];
}

/** A Data Access audit log that must be enabled on the project for a detection to see anything. */
export interface GcpRequiredAuditLog {
  /** The service, e.g. `sts.googleapis.com`. */
  readonly service: string;
  /** The log type its method is recorded under. */
  readonly logType: 'ADMIN_READ' | 'DATA_READ';
}

/** What a detection watches. */
export type GcpDetectionKind = 'refused-exchange' | 'foreign-exchange' | 'foreign-impersonation' | 'undeclared-provider-exchange';

/** One decided detection: a log-based metric and what its alert policy says. */
export interface GcpDetectionSpec {
  /** What it watches (the `keyless-detection` label). */
  readonly kind: GcpDetectionKind;
  /** The log-based metric's name, unique per project (`keyless/…`). */
  readonly metricName: string;
  /** The filter, structured. */
  readonly filter: LoggingFilter;
  /** The filter, rendered: exactly what the log-based metric carries. */
  readonly filterText: string;
  /** The alert policy's display name, `Keyless detections for …`. */
  readonly displayName: string;
  /** The alert notification's subject. */
  readonly subject: string;
  /** What fired and what to do (markdown). */
  readonly documentation: string;
  /** The audit logs the filter reads. */
  readonly requiredAuditLogs: readonly GcpRequiredAuditLog[];
}

/**
 * Why a GKE identity with direct access is not watched (its `detections.optOutReason`, unless the caller gave one):
 * GKE's metadata server exchanges the workload's token, and no documented audit log of it names an undeclared
 * principal (the examples page documents the exchanges of workload identity pool providers only).
 */
export const GKE_DIRECT_NOT_WATCHED = 'direct access: no audit log names an undeclared principal for a GKE workload principal';

const STS_METHODS = ['google.identity.sts.v1.SecurityTokenService.ExchangeToken', 'google.identity.sts.v1beta.SecurityTokenService.ExchangeToken'];
// The audit logging page filters on `GenerateAccessToken`; the fully qualified name is the method's RPC name.
const GENERATE_ACCESS_TOKEN_METHODS = ['GenerateAccessToken', 'google.iam.credentials.v1.IAMCredentials.GenerateAccessToken'];
const PRINCIPAL_SUBJECT = 'protoPayload.authenticationInfo.principalSubject';

/** A Logging query language string literal: double quotes, `\` and `"` escaped with a backslash. */
export function loggingString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * An RE2 pattern matching `text` literally. Metacharacters go into a character class (`[.]`) rather than behind a
 * backslash, so the pattern survives one more level of string quoting unchanged; the four that cannot stand in a class
 * on their own (`\ [ ] ^`) are backslash-escaped.
 */
export function regexLiteral(text: string): string {
  return [...text].map((ch) => ('.+*?()|{}$'.includes(ch) ? `[${ch}]` : '\\[]^'.includes(ch) ? `\\${ch}` : ch)).join('');
}

function renderClause(clause: LoggingClause): string {
  const value = typeof clause.value === 'number' ? String(clause.value) : loggingString(clause.value);
  return `${clause.field}${clause.operator}${value}`;
}

function renderTerm(term: LoggingTerm): string {
  if (term.kind === 'clause') return renderClause(term.clause);
  const any = term.clauses.map(renderClause);
  const group = any.length === 1 ? any[0] : `(${any.join(' OR ')})`;
  return term.kind === 'any' ? group : `NOT ${any.length === 1 ? `(${group})` : group}`;
}

/** Renders a structured filter as a Logging query language string, deterministically: terms in order, ANDed. */
export function renderLoggingFilter(filter: LoggingFilter): string {
  return filter.terms.map(renderTerm).join(' AND ');
}

const clause = (field: string, operator: LoggingOperator, value: string | number): LoggingTerm => ({ kind: 'clause', clause: { field, operator, value } });
const anyOf = (field: string, values: readonly string[]): LoggingTerm => ({ kind: 'any', clauses: values.map((value) => ({ field, operator: '=', value })) });

/**
 * STS token exchanges (`ExchangeToken`, v1 and v1beta) whose resource name ends in `resource` (an RE2 pattern; the
 * name is logged with or without the `//iam.googleapis.com/` prefix), and whose status is an error (`refused`) or not.
 */
const stsExchanges = (resource: string, refused: boolean): LoggingTerm[] => {
  const failed: LoggingClause = { field: 'protoPayload.status.code', operator: '>', value: 0 };
  return [
    clause('protoPayload.serviceName', '=', 'sts.googleapis.com'),
    anyOf('protoPayload.methodName', STS_METHODS),
    clause('protoPayload.resourceName', '=~', `(^|/)${resource}$`),
    refused ? { kind: 'clause', clause: failed } : { kind: 'none', clauses: [failed] },
  ];
};

/** The provider's resource name, `projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/ID`. */
export function gcpProviderResource(location: GcpProviderLocation): string {
  return `${gcpPoolResource(location)}/providers/${location.providerId}`;
}

/** The principal a federated token of a subject holds (and `principalSubject` records): `principal://…/POOL/subject/SUB`. */
export function federatedSubjectPrincipal(location: Pick<GcpProviderLocation, 'projectNumber' | 'poolId'>, subject: string): string {
  return `principal://iam.googleapis.com/${gcpPoolResource({ ...location, providerId: '' })}/subject/${subject}`;
}

/**
 * Refused token exchanges at one workload identity pool provider: STS `ExchangeToken` entries whose resource is the
 * provider (a name ending in `projects/…/providers/ID`, with or without the `//iam.googleapis.com/` prefix) and whose
 * status is an error (`protoPayload.status.code` > 0: the token's issuer, audience or attribute condition was refused).
 * A probe with a forged or foreign token, or a pipeline whose trust drifted.
 *
 * One per provider: every Keyless trust owns its provider (provider ids are unique per pool), so a pool shared by
 * several trusts has one detection per trust, each naming only its own provider.
 */
export function refusedExchangeDetection(identity: string, location: GcpProviderLocation): GcpDetectionSpec {
  const provider = gcpProviderResource(location);
  const filter: LoggingFilter = {
    terms: [
      ...stsExchanges(regexLiteral(provider), true),
    ],
  };
  return {
    kind: 'refused-exchange',
    metricName: `keyless/refused-exchange/${location.poolId}/${location.providerId}`,
    filter,
    filterText: renderLoggingFilter(filter),
    displayName: `Keyless detections for ${identity}: refused token exchange at provider ${location.providerId}`,
    subject: `Keyless: refused token exchange for ${identity}`,
    documentation: [
      `**What fired**: the Security Token Service refused a token exchange at the workload identity pool provider \`${provider}\` (identity \`${identity}\`).`,
      'Its issuer, audience or attribute condition did not admit the token: someone presented a forged or foreign token, or a pipeline no longer matches the trust.',
      '',
      '**What to do**: open the `sts.googleapis.com` Data Access audit log entries for this provider (`protoPayload.authenticationInfo.principalSubject` is the token\'s subject, `protoPayload.status` the reason).',
      'If the subject is not one of your pipelines, treat the token as leaked: revoke the identity with `revoked: { sessionsIssuedBefore, reason }` and rotate what the token came from.',
    ].join('\n'),
    // The examples page asks for the IAM API's "Admin Read" logs too, for every step of the exchange.
    requiredAuditLogs: [{ service: 'iam.googleapis.com', logType: 'ADMIN_READ' }, { service: 'sts.googleapis.com', logType: 'ADMIN_READ' }],
  };
}

/** The token subjects (`sub` claims) a provider was declared for: exact values and prefixes (subject patterns). */
export interface DeclaredSubjects {
  /** Exact subjects, e.g. `repo:acme/app:ref:refs/heads/main`. */
  readonly exact: readonly string[];
  /** Subject prefixes, e.g. `repo:acme/app:ref:refs/tags/v` (the pattern `…/v*` without its `*`). */
  readonly prefixes?: readonly string[];
}

/** `field = EXACT` and `field =~ ^PREFIX` clauses, deduplicated and sorted (deterministic filter text). */
function declaredClauses(field: string, declared: DeclaredSubjects): LoggingClause[] {
  return [
    ...[...new Set(declared.exact)].sort().map((value): LoggingClause => ({ field, operator: '=', value })),
    ...[...new Set(declared.prefixes ?? [])].sort().map((prefix): LoggingClause => ({ field, operator: '=~', value: `^${regexLiteral(prefix)}` })),
  ];
}

/**
 * Successful token exchanges at one provider by a subject the trust was not declared for: STS `ExchangeToken` entries
 * whose resource is the provider, whose status is not an error (`protoPayload.status.code` absent or 0: `NOT
 * …code>0`), and whose `protoPayload.authenticationInfo.principalSubject` (the token's `sub`, per the Workload Identity
 * Federation example logs) is none of the declared subjects. The provider's attribute condition admits only those, so
 * such an entry means the condition was widened outside Keyless: with direct access the foreign subject's federated
 * token then acts on every resource granted to the trust's members. One per provider, for direct access (with
 * impersonation, foreign-impersonation watches the account the token must go through).
 */
export function foreignExchangeDetection(identity: string, location: GcpProviderLocation, declared: DeclaredSubjects): GcpDetectionSpec {
  const provider = gcpProviderResource(location);
  const filter: LoggingFilter = {
    terms: [
      ...stsExchanges(regexLiteral(provider), false),
      { kind: 'none', clauses: declaredClauses(PRINCIPAL_SUBJECT, declared) },
    ],
  };
  return {
    kind: 'foreign-exchange',
    metricName: `keyless/foreign-exchange/${location.poolId}/${location.providerId}`,
    filter,
    filterText: renderLoggingFilter(filter),
    displayName: `Keyless detections for ${identity}: token exchange by an undeclared subject at provider ${location.providerId}`,
    subject: `Keyless: undeclared subject exchanged a token for ${identity}`,
    documentation: [
      `**What fired**: the Security Token Service issued a federated token at the workload identity pool provider \`${provider}\` (identity \`${identity}\`) for a subject the trust does not declare.`,
      'The provider\'s attribute condition admits only the declared subjects: it was widened outside the declaration, and that subject\'s token acts on every resource granted to the trust\'s members.',
      '',
      '**What to do**: open the `sts.googleapis.com` Data Access audit log entries for this provider (`protoPayload.authenticationInfo.principalSubject` is the token\'s subject, `protoPayload.metadata.mapped_principal` its principal).',
      'Restore the attribute condition Keyless renders (re-apply); if the subject is not one of your pipelines, revoke the identity with `revoked: { sessionsIssuedBefore, reason }`.',
    ].join('\n'),
    requiredAuditLogs: [{ service: 'iam.googleapis.com', logType: 'ADMIN_READ' }, { service: 'sts.googleapis.com', logType: 'ADMIN_READ' }],
  };
}

/**
 * The longest filter a log-based metric may carry: 20,000 characters (LogMetric `filter`, "The maximum length of the
 * filter is 20000 characters", https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics).
 */
export const LOG_METRIC_FILTER_MAX = 20000;

/**
 * Successful token exchanges at a provider of the pool that is none of the declared ones: STS `ExchangeToken` entries
 * whose resource is a provider of the pool (`…/workloadIdentityPools/POOL/providers/ANY`, with or without the
 * `//iam.googleapis.com/` prefix: `protoPayload.resourceName` is the provider the token is exchanged at, per the
 * Workload Identity Federation example logs), whose status is not an error (`NOT …code>0`), at none of
 * `declaredProviderIds`. Keyless's members are `principalSet://…/POOL/attribute.keyless_trust/NAME`, and any provider
 * of the pool whose attribute mapping sets `attribute.keyless_trust` to `NAME` mints them: a provider created outside
 * Keyless (`iam.workloadIdentityPoolProviders.create`) then gives its issuer's tokens every role granted to the trust,
 * and no per-provider filter sees it. The audit log names the provider but not the attributes it mapped, so the
 * filter cannot tell a provider that maps `keyless_trust` from one that does not: every undeclared provider fires.
 *
 * A refused exchange there mints nothing and is not reported.
 *
 * One per pool (per app that declares trusts in it): `declaredProviderIds` are all the providers the app declares
 * in the pool, plus those the caller vouches for; `location.providerId` is the anchor (the first watched trust's
 * provider), which names the metric. The declared ids are one RE2 alternation (`providers/(a|b)$`), never a
 * `providers/ID` path, so the inventory credits this detection to no identity (it watches the pool).
 */
export function undeclaredProviderExchangeDetection(
  location: GcpProviderLocation, declaredProviderIds: readonly string[],
): GcpDetectionSpec {
  const pool = gcpPoolResource(location);
  const declared = [...new Set(declaredProviderIds)].sort().map(regexLiteral);
  const filter: LoggingFilter = {
    terms: [
      ...stsExchanges(`${regexLiteral(pool)}/providers/[^/]+`, false),
      { kind: 'none', clauses: [{ field: 'protoPayload.resourceName', operator: '=~', value: `(^|/)${regexLiteral(pool)}/providers/(${declared.join('|')})$` }] },
    ],
  };
  return {
    kind: 'undeclared-provider-exchange',
    // Unique per project: the anchor (the first watched trust's provider) is unique in the pool, so two apps that
    // declare trusts in one pool each render their own. At most 28 + 32 + 1 + 32 = 93 characters: a log-based metric's
    // name is at most 100 (LogMetric `name`, https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics).
    metricName: `keyless/undeclared-provider/${location.poolId}/${location.providerId}`,
    filter,
    filterText: renderLoggingFilter(filter),
    displayName: `Keyless detections for pool ${location.poolId}: token exchange at a provider Keyless does not declare`,
    subject: `Keyless: token exchange at an undeclared provider of pool ${location.poolId}`,
    documentation: [
      `**What fired**: the Security Token Service issued a federated token at a provider of the workload identity pool \`${pool}\` that no Keyless trust of this app declares (the metric's filter lists the declared ones).`,
      'A provider of the pool that maps `attribute.keyless_trust` to a trust\'s name mints that trust\'s members: its tokens act on every resource granted to them.',
      '',
      '**What to do**: `protoPayload.resourceName` in the `sts.googleapis.com` Data Access audit log entry names the provider; read its attribute mapping (`gcloud iam workload-identity-pools providers describe`).',
      'If it maps `attribute.keyless_trust`, delete or disable it and revoke the trusts it could mint with `revoked: { sessionsIssuedBefore, reason }`; if it is legitimate and leaves `attribute.keyless_trust` unmapped, list it in `otherPoolProviders`.',
    ].join('\n'),
    requiredAuditLogs: [{ service: 'iam.googleapis.com', logType: 'ADMIN_READ' }, { service: 'sts.googleapis.com', logType: 'ADMIN_READ' }],
  };
}

/** The principals declared to impersonate a service account: exact `principalSubject` values and prefixes. */
export interface DeclaredImpersonators {
  /** Exact principals, e.g. `principal://…/subject/repo:acme/app:ref:refs/heads/main`. */
  readonly exact: readonly string[];
  /** Principal prefixes (subject patterns), e.g. `principal://…/subject/repo:acme/app:ref:refs/tags/v`. */
  readonly prefixes?: readonly string[];
}

/**
 * `GenerateAccessToken` on one service account by any principal other than the declared ones (succeeded or not): the
 * account's impersonation binding was widened outside the declaration. One per identity (per service account).
 *
 * What it cannot see: principals are per pool and keyed by subject only (`principal://…/POOL/subject/SUB`), so a token
 * another provider of a shared pool exchanges for a declared subject mints a declared principal and does not fire
 * (the trust's own member, `attribute.keyless_trust`, does not admit it; only a widened binding would, or a provider
 * that maps `attribute.keyless_trust` to the trust's name, which undeclaredProviderExchangeDetection watches for).
 */
export function foreignImpersonationDetection(
  identity: string, serviceAccountEmail: string, accountId: string, declared: DeclaredImpersonators,
): GcpDetectionSpec {
  const filter: LoggingFilter = {
    terms: [
      clause('protoPayload.serviceName', '=', 'iamcredentials.googleapis.com'),
      anyOf('protoPayload.methodName', GENERATE_ACCESS_TOKEN_METHODS),
      clause('resource.type', '=', 'service_account'),
      clause('resource.labels.email_id', '=', serviceAccountEmail),
      { kind: 'none', clauses: declaredClauses(PRINCIPAL_SUBJECT, declared) },
    ],
  };
  return {
    kind: 'foreign-impersonation',
    metricName: `keyless/foreign-impersonation/${accountId}`,
    filter,
    filterText: renderLoggingFilter(filter),
    displayName: `Keyless detections for ${identity}: impersonation of ${serviceAccountEmail} by an undeclared principal`,
    subject: `Keyless: undeclared principal impersonated ${accountId}`,
    documentation: [
      `**What fired**: a principal other than the ones \`${identity}\` declares asked for an access token of \`${serviceAccountEmail}\` (\`GenerateAccessToken\`).`,
      'The impersonation binding on the account was widened outside the declaration (a principal it was not written for can obtain its tokens).',
      '',
      '**What to do**: open the `iamcredentials.googleapis.com` Data Access audit log entries for the account (`protoPayload.authenticationInfo.principalSubject` names the caller).',
      'Remove any binding on the account that the declaration does not make; if the caller is unknown, revoke the identity with `revoked: { sessionsIssuedBefore, reason }`.',
    ].join('\n'),
    requiredAuditLogs: [{ service: 'iamcredentials.googleapis.com', logType: 'DATA_READ' }, { service: 'iamcredentials.googleapis.com', logType: 'ADMIN_READ' }],
  };
}
