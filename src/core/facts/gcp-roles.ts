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

/**
 * Roles that let a member act as a service account or obtain its credentials (IAM, "Roles for service account
 * authentication" and "Service account impersonation"): `actAs` (serviceAccountUser), access and ID tokens and
 * signatures (serviceAccountTokenCreator, serviceAccountOpenIdTokenCreator, workloadIdentityUser), keys
 * (serviceAccountKeyAdmin), and the service account's own IAM policy, which grants the others (serviceAccountAdmin).
 * Granted on a project, folder or organization they hold for every service account there.
 */
export const GCP_SERVICE_ACCOUNT_ACCESS_ROLES: readonly string[] = [
  'roles/iam.serviceAccountUser', 'roles/iam.serviceAccountTokenCreator', 'roles/iam.serviceAccountOpenIdTokenCreator',
  GCP_WORKLOAD_IDENTITY_USER_ROLE, 'roles/iam.serviceAccountKeyAdmin', 'roles/iam.serviceAccountAdmin',
];

/**
 * Members that name many principals by membership rather than identity (IAM, "Principal types"): anyone
 * (`allUsers`), any Google account (`allAuthenticatedUsers`), every account of a Workspace or Cloud Identity domain
 * (`domain:`), every member of a Google group, now and later (`group:`).
 */
export const GCP_BROAD_MEMBER = /^(allUsers|allAuthenticatedUsers|domain:|group:)/;

/**
 * Default service accounts Google creates in a project, with broad roles (IAM, "Default service accounts"): the
 * Compute Engine default `PROJECT_NUMBER-compute@developer.gserviceaccount.com` (Editor unless the organization
 * policy `iam.automaticIamGrantsForDefaultServiceAccounts` is enforced), used by VMs, GKE nodes, Cloud Run and
 * Cloud Functions (2nd gen) that name none; and the App Engine default `PROJECT_ID@appspot.gserviceaccount.com`,
 * used by App Engine and Cloud Functions (1st gen). A project id with a domain (`example.com:p`) gives `p.example.com@…`.
 * Only these accounts live in `developer.gserviceaccount.com` and `appspot.gserviceaccount.com`, so the number or
 * project may be anything, a Terraform reference too (`${data.google_project.p.number}-compute@…`).
 */
export const GCP_DEFAULT_COMPUTE_SERVICE_ACCOUNT = /^[^@\s]+-compute@developer\.gserviceaccount\.com$/;
/** The App Engine default service account (see {@link GCP_DEFAULT_COMPUTE_SERVICE_ACCOUNT}). */
export const GCP_APP_ENGINE_DEFAULT_SERVICE_ACCOUNT = /^[^@\s]+@appspot\.gserviceaccount\.com$/;
/** Terraform data sources that read the default service accounts (their `email`, `member`, `name`, `id`). */
export const GCP_DEFAULT_SERVICE_ACCOUNT_DATA_SOURCES: Readonly<Record<string, 'Compute Engine' | 'App Engine'>> = {
  google_compute_default_service_account: 'Compute Engine',
  google_app_engine_default_service_account: 'App Engine',
};

/**
 * Roles that, on a project, folder or organization, reach every service account there in other ways: they include
 * `iam.serviceAccounts.actAs` (Dataproc and Dataflow roles that run jobs as a service account, service agents) or set
 * the IAM policy of the resource and so grant any of {@link GCP_SERVICE_ACCOUNT_ACCESS_ROLES} (IAM roles reference,
 * checked 2026; the same list as Checkov's CKV_GCP_44/45/49 without the basic roles, which are KL-G-GCP-BASIC-ROLE's).
 */
export const GCP_SERVICE_ACCOUNT_REACHING_ROLES: readonly string[] = [
  'roles/iam.securityAdmin', 'roles/resourcemanager.projectIamAdmin', 'roles/resourcemanager.folderIamAdmin', 'roles/resourcemanager.folderAdmin',
  'roles/resourcemanager.organizationAdmin', 'roles/dataproc.editor', 'roles/dataproc.admin', 'roles/dataflow.developer',
  'roles/serverless.serviceAgent', 'roles/dataproc.serviceAgent',
];
