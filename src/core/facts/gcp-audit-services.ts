/**
 * The Cloud Audit Logs service of each family of GCP predefined roles (`roles/FAMILY.NAME`): the `service` a
 * `google_project_iam_audit_config` must name to record Data Access logs for what the role grants.
 *
 * The service is not always the role prefix: `roles/resourcemanager.*` is audited as
 * `cloudresourcemanager.googleapis.com`, `roles/billing.*` as `cloudbilling.googleapis.com`, and Bigtable writes
 * admin and data operations under two services. Cloud SQL is audited as `cloudsql.googleapis.com` (its API is
 * `sqladmin.googleapis.com`, but its audit logs, and the IAM `AuditConfig` reference's own example, use
 * `cloudsql.googleapis.com`). Service Account Credentials (`iamcredentials.googleapis.com`, token minting) cannot
 * be enabled on its own: Data Access logs for `iam.googleapis.com` enable it.
 *
 * Source: the "Service name" section of each service's "Audit logging" page (cloud.google.com/PRODUCT/docs/
 * audit-logging, e.g. /sql/docs/audit-logging, /billing/docs/audit-logging, /bigtable/docs/audit-logging,
 * /iam/docs/audit-logging/audit-logging-iamcreds), checked 2026. Only families whose service name was confirmed
 * there are listed; any other role needs an explicit audit service.
 */
const SERVICES: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['artifactregistry', ['artifactregistry.googleapis.com']],
  ['bigquery', ['bigquery.googleapis.com']],
  ['bigtable', ['bigtableadmin.googleapis.com', 'bigtable.googleapis.com']],
  ['billing', ['cloudbilling.googleapis.com']],
  ['cloudfunctions', ['cloudfunctions.googleapis.com']],
  ['cloudkms', ['cloudkms.googleapis.com']],
  ['cloudsql', ['cloudsql.googleapis.com']],
  ['compute', ['compute.googleapis.com']],
  ['container', ['container.googleapis.com']],
  ['dns', ['dns.googleapis.com']],
  ['iam', ['iam.googleapis.com']],
  ['logging', ['logging.googleapis.com']],
  ['monitoring', ['monitoring.googleapis.com']],
  ['pubsub', ['pubsub.googleapis.com']],
  ['resourcemanager', ['cloudresourcemanager.googleapis.com']],
  ['run', ['run.googleapis.com']],
  ['secretmanager', ['secretmanager.googleapis.com']],
  ['spanner', ['spanner.googleapis.com']],
  ['storage', ['storage.googleapis.com']],
]);

/** The predefined role families Keyless knows the audit services of, sorted. */
export const GCP_AUDITED_ROLE_FAMILIES: readonly string[] = [...SERVICES.keys()].sort();

/**
 * The audit services of a predefined role (`roles/FAMILY.NAME`), or `undefined` when the role is custom, has no
 * family, or its family is not in the table. A Map, not an object, so that `roles/constructor.x` finds nothing.
 */
export function gcpAuditServicesOfRole(role: string): readonly string[] | undefined {
  const family = /^roles\/([a-zA-Z0-9_]+)\./.exec(role)?.[1];
  return family === undefined ? undefined : SERVICES.get(family);
}
