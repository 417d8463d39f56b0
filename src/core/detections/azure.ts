/**
 * The Azure detection of a federated managed identity, decided before any construct renders it: a Log Analytics
 * query, built from structured clauses, over the identity's refused sign-ins.
 *
 * Provider facts (checked 2026):
 * - Managed identity sign-ins are recorded only in the managed identity sign-in log, not in the service principal
 *   one ("What are service principal sign-ins", https://learn.microsoft.com/entra/identity/monitoring-health/concept-service-principal-sign-ins);
 *   the Entra diagnostic setting category `ManagedIdentitySignInLogs` sends them to a workspace
 *   (https://learn.microsoft.com/entra/identity/monitoring-health/concept-diagnostic-settings-logs-options), where they
 *   land in the table `AADManagedIdentitySignInLogs`.
 * - That table has `ServicePrincipalId` (the identity's object id), `AppId` (its client id), `ResultType`,
 *   `ResultDescription`, `FederatedCredentialId`, `IPAddress`, `CorrelationId`, and no column for the presented
 *   token's issuer or subject (https://learn.microsoft.com/azure/azure-monitor/reference/tables/aadmanagedidentitysigninlogs).
 * - `ResultType` holds the sign-in's AADSTS error code, `"0"` on success (e.g. 70021 "No matching federated identity
 *   record found", 700211 issuer, 700212 audience, 700213 subject mismatch; 700024 expired assertion:
 *   https://learn.microsoft.com/entra/identity-platform/reference-error-codes). That page warns that codes change, so
 *   the query alerts on every failure rather than on a list of codes.
 *
 * Hence what is detectable on Azure: refused sign-ins (any `ResultType` other than `"0"`). A successful sign-in from a
 * subject not declared cannot be told apart in this table: it records neither issuer nor subject, only the
 * `FederatedCredentialId` of the credential that matched, an id Keyless does not know at synthesis. And Entra admits
 * only tokens matching a credential exactly, so such a sign-in needs a credential added outside Keyless (the
 * drift that `keyless verify` reports).
 */

/** The Log Analytics table of managed identity sign-ins. */
export const AZURE_MANAGED_IDENTITY_SIGNIN_TABLE = 'AADManagedIdentitySignInLogs';
/** The `ResultType` of a successful sign-in. */
export const AZURE_SIGNIN_SUCCESS = '0';
/** Where the table's columns are documented. */
export const AZURE_SIGNIN_TABLE_DOCS = 'https://learn.microsoft.com/azure/azure-monitor/reference/tables/aadmanagedidentitysigninlogs';

/**
 * A value in a query: a literal (quoted and escaped as a KQL string literal), or a Terraform reference to an
 * attribute Azure assigns (the identity's object or client id, a GUID), written inside a KQL string literal for
 * Terraform to fill in at apply. A GUID holds no `"` or `\`, so it needs no KQL escaping.
 */
export type KqlOperand = { readonly literal: string } | { readonly reference: string };

/**
 * One condition on a sign-in row: `==` (case-sensitive), `=~` (case-insensitive equality), `!=`, or `or` of
 * conditions.
 *
 * @see https://learn.microsoft.com/kusto/query/datatypes-string-operators
 */
export type KqlPredicate =
  | { readonly op: '==' | '=~' | '!='; readonly column: string; readonly value: KqlOperand }
  | { readonly op: 'or'; readonly predicates: readonly KqlPredicate[] };

/** A query over one table: every `where` must hold; `extend` adds columns; `project` keeps columns, in order. */
export interface KqlQuery {
  readonly table: string;
  readonly where: readonly KqlPredicate[];
  readonly extend: ReadonlyArray<readonly [string, KqlOperand]>;
  readonly project: readonly string[];
}

const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A KQL string literal for any text: double quotes, with `\` and `"` escaped by a backslash, and tab and newline as
 * `\t` and `\n` (the escapes KQL documents). Other control characters are refused: KQL documents no escape for them,
 * and no identity name or id contains one.
 *
 * @see https://learn.microsoft.com/kusto/query/scalar-data-types/string#string-literals
 */
export function kqlString(value: string): string {
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) {
    throw new Error(`Keyless internal error: ${JSON.stringify(value)} has a control character no KQL string literal escape writes`);
  }
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

function column(name: string): string {
  if (!COLUMN.test(name)) throw new Error(`Keyless internal error: ${JSON.stringify(name)} is not a KQL column name`);
  return name;
}

function operand(value: KqlOperand): string {
  return 'literal' in value ? kqlString(value.literal) : `"${value.reference}"`;
}

function predicate(p: KqlPredicate): string {
  if (p.op === 'or') return p.predicates.map((inner) => (inner.op === 'or' ? `(${predicate(inner)})` : predicate(inner))).join(' or ');
  return `${column(p.column)} ${p.op} ${operand(p.value)}`;
}

/** The query text, one operator per line. */
export function renderKql(query: KqlQuery): string {
  return [
    column(query.table),
    ...query.where.map((p) => `| where ${predicate(p)}`),
    ...query.extend.map(([name, value]) => `| extend ${column(name)} = ${operand(value)}`),
    ...(query.project.length > 0 ? [`| project ${query.project.map(column).join(', ')}`] : []),
  ].join('\n');
}

/** The identity a detection watches. */
export interface AzureWatchedIdentity {
  /** The user-assigned identity's name (the `KeylessIdentity` column of every alert row). */
  readonly name: string;
  /** Its object (principal) id, as `ServicePrincipalId` records it. */
  readonly principalId: KqlOperand;
  /** Its client id, as `AppId` records it. */
  readonly clientId: KqlOperand;
}

/** The columns an alert row carries, for the responder. */
export const AZURE_SIGNIN_ALERT_COLUMNS = [
  'TimeGenerated', 'ServicePrincipalId', 'AppId', 'ResultType', 'ResultDescription', 'FederatedCredentialId', 'IPAddress', 'CorrelationId', 'KeylessIdentity',
] as const;

/**
 * The refused sign-ins of one identity: rows of `AADManagedIdentitySignInLogs` for its object id or client id (a
 * sign-in refused before Entra resolved the object id still names the client id the caller asked for) whose
 * `ResultType` is not `"0"`. GUIDs are compared with `=~`: Entra writes them lowercase, a reference may not.
 */
export function azureRefusedSignInQuery(identity: AzureWatchedIdentity): KqlQuery {
  return {
    table: AZURE_MANAGED_IDENTITY_SIGNIN_TABLE,
    where: [
      {
        op: 'or',
        predicates: [
          { op: '=~', column: 'ServicePrincipalId', value: identity.principalId },
          { op: '=~', column: 'AppId', value: identity.clientId },
        ],
      },
      { op: '!=', column: 'ResultType', value: { literal: AZURE_SIGNIN_SUCCESS } },
    ],
    extend: [['KeylessIdentity', { literal: identity.name }]],
    project: AZURE_SIGNIN_ALERT_COLUMNS,
  };
}

/** The `keyless-detection` tag value of the refused sign-in alert (the name GCP uses for its label). */
export const AZURE_REFUSED_DETECTION = 'refused-exchange';

/** The scheduled query alert of one identity, provider-neutral. */
export interface AzureSignInAlertSpec {
  /** Alert rule name: `keyless-refused-signin-IDENTITY`. */
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  /** 1 (Error): a refused exchange is probing or a broken pipeline, either way someone must look. */
  readonly severity: number;
  /** How often the query runs (ISO 8601). */
  readonly evaluationFrequency: string;
  /** How far back each run looks (ISO 8601). */
  readonly windowDuration: string;
  /** The query text. */
  readonly query: string;
  /** `keyless-identity` and `keyless-detection`. */
  readonly tags: Record<string, string>;
}

/**
 * The alert rule of one identity: the refused sign-in query, run every 5 minutes over the last 10, firing on one row.
 * The window overlaps the previous run so that a row ingested a few minutes late is still seen (Entra sign-in
 * records reach a workspace minutes after the sign-in); a row can then alert twice, which is the lesser harm.
 */
export function azureSignInAlert(identity: AzureWatchedIdentity): AzureSignInAlertSpec {
  return {
    name: `keyless-refused-signin-${identity.name}`,
    displayName: `Keyless detections for managed identity ${identity.name}: refused sign-ins`,
    description: `Keyless detections for managed identity ${identity.name}: federated sign-ins Entra ID refused (${AZURE_MANAGED_IDENTITY_SIGNIN_TABLE}, ResultType other than 0), e.g. a token whose issuer, subject or audience no federated credential matches: probing, a stolen token from another context, or a broken pipeline.`,
    severity: 1,
    evaluationFrequency: 'PT5M',
    windowDuration: 'PT10M',
    query: renderKql(azureRefusedSignInQuery(identity)),
    tags: { 'keyless-identity': identity.name, 'keyless-detection': AZURE_REFUSED_DETECTION },
  };
}
