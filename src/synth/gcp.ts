/** GCP IAM members of synthesized Terraform, and what a member string names. */
import { NeutralResource } from './model';
import { attributesOf, TerraformIndex } from './terraform';
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

/** The email a `google_service_account` resource will have, as far as its attributes tell. */
function serviceAccountEmail(account: NeutralResource): string {
  const a = attributesOf(account);
  if (typeof a.email === 'string' && !a.email.includes('${')) return a.email;
  const id = typeof a.account_id === 'string' && !a.account_id.includes('${') ? a.account_id : account.id;
  const project = typeof a.project === 'string' && !a.project.includes('${') ? a.project : 'PROJECT';
  return `${id}@${project}.iam.gserviceaccount.com`;
}

/** A whole reference to a service account's member, resolvable or not: `${google_service_account.X.member}`. */
const SERVICE_ACCOUNT_MEMBER_REFERENCE = /^\$\{(data\.)?google_service_account\.[^.}\s]+\.member\}$/;

const INDEXES = new WeakMap<readonly NeutralResource[], TerraformIndex>();

/**
 * A member of a GCP IAM resource as IAM will read it: `${…}` references to resources of the same file followed
 * (`${google_service_account.X.member}` and `serviceAccount:${google_service_account.X.email}` as
 * `serviceAccount:EMAIL`, a reference to a literal attribute as the attribute); a whole reference to a service
 * account's `member` (a data source too) as `serviceAccount:${…}` even when it cannot be followed. Other references
 * stay as written.
 */
export function resolveGcpMember(resource: NeutralResource, member: string, resources: readonly NeutralResource[]): string {
  let index = INDEXES.get(resources);
  if (!index) INDEXES.set(resources, index = new TerraformIndex(resources));
  const computed = (target: NeutralResource, attribute: string): string | undefined => {
    if (target.type !== 'google_service_account') return undefined;
    const email = serviceAccountEmail(target);
    return attribute === 'member' ? `serviceAccount:${email}` : attribute === 'email' ? email : undefined;
  };
  const resolved = index.resolve(resource.file, member, computed);
  return SERVICE_ACCOUNT_MEMBER_REFERENCE.test(resolved) ? `serviceAccount:${resolved}` : resolved;
}
