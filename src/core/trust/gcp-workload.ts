import { GcpAccessMode } from './gcp';
import { contentId } from '../content-id';
import { GCP_WORKLOAD_IDENTITY_USER_ROLE } from '../facts/gcp-roles';
import { gkePrincipalMember, gkeServiceAccountMember, gkeWorkloadPool } from '../facts/subjects';
import { KubernetesServiceAccountRef } from '../kubernetes';

/**
 * Who may act as what on GCP, decided before any construct renders it: the IAM members of GKE workloads and the
 * `roles/iam.workloadIdentityUser` bindings that let a federated principal or a Kubernetes service account
 * impersonate a Google service account.
 *
 * Sources: GKE, "About Workload Identity Federation for GKE" (the workload pool `PROJECT.svc.id.goog`, members
 * `principal://…/subject/ns/NS/sa/KSA` and `serviceAccount:PROJECT.svc.id.goog[NS/KSA]`); IAM, "Service account
 * impersonation".
 */

/** A Google service account Keyless creates, by id and project. */
export interface GcpServiceAccountSpec {
  /** Service account id (the part before `@`). */
  readonly accountId: string;
  /** Project of the service account. */
  readonly project: string;
  /** Its email, deterministic: `ID@PROJECT.iam.gserviceaccount.com`. */
  readonly email: string;
  /** Its IAM member, `serviceAccount:EMAIL`. */
  readonly member: string;
}

/** One role binding on a service account, with a construct id derived from the member (never from a position). */
export interface GcpServiceAccountBindingSpec {
  /** Construct id. */
  readonly id: string;
  /** The role, e.g. `roles/iam.workloadIdentityUser`. */
  readonly role: string;
  /** Who gets it. */
  readonly member: string;
}

/** The GKE workload identity of one Kubernetes service account. */
export interface GkeWorkloadIdentitySpec {
  /** The access mode. */
  readonly access: GcpAccessMode;
  /** The workload pool, `PROJECT.svc.id.goog`, shared by every GKE cluster of the project. */
  readonly workloadPool: string;
  /** The Kubernetes service account's member in the pool, as IAM sees it. */
  readonly workloadMember: string;
  /** The member to grant roles to: the workload's principal (direct) or the Google service account (impersonation). */
  readonly member: string;
  /** The Google service account (impersonation only). */
  readonly googleServiceAccount?: GcpServiceAccountSpec;
  /** The bindings on the Google service account: the workload member may impersonate it (impersonation only). */
  readonly bindings: readonly GcpServiceAccountBindingSpec[];
}

export { gkeWorkloadPool };

/** A Google service account of a project: its email and member. */
export function gcpServiceAccount(accountId: string, project: string): GcpServiceAccountSpec {
  const email = `${accountId}@${project}.iam.gserviceaccount.com`;
  return { accountId, project, email, member: `serviceAccount:${email}` };
}

/**
 * `roles/iam.workloadIdentityUser` on a service account for each member: who may impersonate it. Construct ids derive
 * from the member, so adding a member does not renumber (and re-create) the other bindings.
 */
export function workloadIdentityUserBindings(members: readonly string[], idPrefix = 'WorkloadIdentityUser'): GcpServiceAccountBindingSpec[] {
  return members.map((member) => ({ id: `${idPrefix}-${contentId(member)}`, role: GCP_WORKLOAD_IDENTITY_USER_ROLE, member }));
}

/**
 * Decides the GKE workload identity of a validated service account:
 *
 * - `direct`: the workload's own principal,
 *   `principal://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/PROJECT.svc.id.goog/subject/ns/NS/sa/KSA`,
 *   is granted roles; no Google service account exists.
 * - `impersonation`: a Google service account, on which `serviceAccount:PROJECT.svc.id.goog[NS/KSA]` (the Kubernetes
 *   service account and nothing else) holds `roles/iam.workloadIdentityUser`; roles are granted to the service account.
 */
export function gkeWorkloadIdentity(
  serviceAccount: KubernetesServiceAccountRef,
  target: { readonly project: string; readonly access: 'direct'; readonly projectNumber: string }
  | { readonly project: string; readonly access: 'impersonation'; readonly accountId: string },
): GkeWorkloadIdentitySpec {
  const { namespace, name } = serviceAccount;
  const workloadPool = gkeWorkloadPool(target.project);
  if (target.access === 'direct') {
    const workloadMember = gkePrincipalMember(target.projectNumber, workloadPool, namespace, name);
    return { access: 'direct', workloadPool, workloadMember, member: workloadMember, bindings: [] };
  }
  const googleServiceAccount = gcpServiceAccount(target.accountId, target.project);
  const workloadMember = gkeServiceAccountMember(workloadPool, namespace, name);
  return {
    access: 'impersonation',
    workloadPool,
    workloadMember,
    member: googleServiceAccount.member,
    googleServiceAccount,
    // One binding: the construct id stays `WorkloadIdentityUser` (what earlier releases synthesized).
    bindings: [{ id: 'WorkloadIdentityUser', role: GCP_WORKLOAD_IDENTITY_USER_ROLE, member: workloadMember }],
  };
}
