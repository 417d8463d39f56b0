/**
 * Subject grammars, once: what the `sub` of a Kubernetes service account token looks like, and which CI subject
 * prefixes pin one owner and repository (or project) literally.
 *
 * Sources: Kubernetes, "Service account tokens" (`system:serviceaccount:NAMESPACE:NAME`; groups
 * `system:serviceaccounts` and `system:serviceaccounts:NAMESPACE`); GitHub, "OpenID Connect reference" (name-based
 * `repo:OWNER/REPO:…`, immutable `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, custom templates such as
 * `repository_owner_id:ID:repository_id:ID:…`); GitLab, "ID token authentication" (`project_path:GROUP/PROJECT:…`);
 * GKE, "About Workload Identity Federation for GKE" (the workload pool `PROJECT.svc.id.goog`, the members
 * `serviceAccount:PROJECT.svc.id.goog[NS/KSA]` and `principal://…/workloadIdentityPools/PROJECT.svc.id.goog/subject/ns/NS/sa/KSA`).
 */

/** The `sub` of a Kubernetes service account token. */
export function kubernetesServiceAccountSubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The namespace and name of a `system:serviceaccount:NS:SA` subject, or undefined. */
export function parseKubernetesServiceAccountSubject(subject: string): { readonly namespace: string; readonly name: string } | undefined {
  const match = /^system:serviceaccount:([^:*?]+):([^:*?]+)$/.exec(subject);
  return match ? { namespace: match[1], name: match[2] } : undefined;
}

/**
 * The namespace of a service-account group: `system:serviceaccounts` (every service account of the cluster, returned
 * as `'*'`) or `system:serviceaccounts:NS`; undefined for other names.
 */
export function parseKubernetesServiceAccountGroup(group: string): string | undefined {
  const match = /^system:serviceaccounts(?::([^:]+))?$/.exec(group);
  return match ? match[1] ?? '*' : undefined;
}

/**
 * Literal subject prefixes that pin one repository or project: a pattern after them cannot reach another owner or
 * repository (in a StringLike, `*` also matches `/` and `:`).
 */
export const PINNED_CI_SUBJECT_PREFIXES: readonly RegExp[] = [
  /^repo:[^*?/:@]+\/[^*?:@]+:/,
  /^repo:[^*?/:@]+@\d+\/[^*?:@]+@\d+:/,
  /^repository_owner_id:\d+:repository_id:\d+:/,
  /^project_path:[^*?:]+\/[^*?:]+:/,
];

/** Whether a subject value (exact or pattern) pins one repository, project or Kubernetes service account literally. */
export function subjectIsPinned(value: string): boolean {
  return PINNED_CI_SUBJECT_PREFIXES.some((prefix) => prefix.test(value)) || parseKubernetesServiceAccountSubject(value) !== undefined;
}

/** The suffix of every GKE workload pool. */
export const GKE_WORKLOAD_POOL_SUFFIX = '.svc.id.goog';

/** The workload pool of a project's GKE clusters: `PROJECT.svc.id.goog`. */
export function gkeWorkloadPool(project: string): string {
  return `${project}${GKE_WORKLOAD_POOL_SUFFIX}`;
}

/** Whether a member names a Kubernetes service account of a GKE workload pool (`serviceAccount:POOL[…`). */
export function isGkeServiceAccountMember(member: string): boolean {
  return /^serviceAccount:[^[\]]+\.svc\.id\.goog\[/.test(member);
}

/** The member of a Kubernetes service account in a GKE workload pool, as IAM bindings name it for impersonation. */
export function gkeServiceAccountMember(workloadPool: string, namespace: string, name: string): string {
  return `serviceAccount:${workloadPool}[${namespace}/${name}]`;
}

/** The principal of a Kubernetes service account in a GKE workload pool (direct resource access). */
export function gkePrincipalMember(projectNumber: string, workloadPool: string, namespace: string, name: string): string {
  return `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${workloadPool}/subject/ns/${namespace}/sa/${name}`;
}

/** A GKE workload identity member `serviceAccount:PROJECT.svc.id.goog[NS/KSA]`, parsed (the inverse of the encoder). */
export function parseGkeServiceAccountMember(
  member: string,
): { readonly pool: string; readonly namespace: string; readonly name: string } | undefined {
  const match = /^serviceAccount:([^[\]]+\.svc\.id\.goog)\[([^/\]]+)\/([^\]]+)\]$/.exec(member);
  return match ? { pool: match[1], namespace: match[2], name: match[3] } : undefined;
}
