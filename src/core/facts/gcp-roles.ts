/**
 * GCP IAM facts Keyless decides with, once.
 *
 * Sources: Google Cloud IAM, "Basic roles" (https://cloud.google.com/iam/docs/roles-overview#basic), "Service account
 * impersonation" and the IAM roles reference (https://cloud.google.com/iam/docs/roles-permissions/iam), and
 * "Configure Workload Identity Federation with deployment pipelines" (shared issuers must be filtered by owner).
 * Checked 2026.
 */

/** Basic roles: every service of the project. Never granted to machine identities, never with IAM conditions. */
export const GCP_BASIC_ROLES: readonly string[] = ['roles/editor', 'roles/owner', 'roles/viewer'];

/** The role that lets a federated principal or a GKE service account act as a service account. */
export const GCP_WORKLOAD_IDENTITY_USER_ROLE = 'roles/iam.workloadIdentityUser';

/** Roles on a service account that hand out its credentials (impersonation). */
export const GCP_IMPERSONATION_ROLES: readonly string[] = [
  GCP_WORKLOAD_IDENTITY_USER_ROLE, 'roles/iam.serviceAccountTokenCreator', 'roles/iam.serviceAccountOpenIdTokenCreator',
];

/** Members that are machine identities (service accounts and federated principals). */
export const GCP_MACHINE_MEMBER = /^(serviceAccount:|principal:|principalSet:)/;

/** Issuers shared by many tenants: a workload identity provider for one must pin the owner in its condition. */
export const GCP_SHARED_ISSUERS = /^https:\/\/(token\.actions\.githubusercontent\.com|gitlab\.com|app\.terraform\.io)(\/|$)/;

/** Tokens of Google-issued service account credentials live one hour (IAM, "Short-lived credentials"). */
export const GCP_ACCESS_TOKEN_SECONDS = 3600;
