/** GCP IAM members of synthesized Terraform, and what a member string names. */
import { NeutralResource } from './model';
import { asList } from './values';
import { parseGkeServiceAccountMember } from '../core/facts/subjects';

/** IAM members of a GCP IAM resource (`google_*_iam_member` / `google_*_iam_binding`). */
export function gcpMembers(resource: NeutralResource): string[] {
  if (resource.format !== 'terraform' || !/^google_.*_iam_(member|binding)$/.test(resource.type)) return [];
  return [...asList<unknown>(resource.properties.member), ...asList<unknown>(resource.properties.members)].filter((m): m is string => typeof m === 'string');
}

/** A GKE workload identity member `serviceAccount:PROJECT.svc.id.goog[NS/KSA]`, parsed. */
export const parseGkeMember = parseGkeServiceAccountMember;

/** `principalSet://…/POOL/*`: every identity of a workload identity pool. */
export function isWholePoolMember(member: string): boolean {
  return /^principalSet:\/\/.*\/\*$/.test(member);
}
