import { GCP_BROAD_MEMBER, GCP_SERVICE_ACCOUNT_ACCESS_ROLES, GCP_SERVICE_ACCOUNT_REACHING_ROLES } from '../../core/facts/gcp-roles';
import { gcpGrants, gcpIamLevel, gcpIamScope, gcpMemberKey, resolveGcpMember } from '../../synth/gcp';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/** Who a broad member is, for a message. */
function whoIs(member: string): string {
  if (member === 'allUsers') return 'anyone on the internet';
  if (member === 'allAuthenticatedUsers') return 'any Google account';
  if (member.startsWith('domain:')) return `every account of ${member.slice('domain:'.length)}`;
  return `every member of ${member}`;
}

/**
 * Roles that act as service accounts or mint their credentials (core/facts `GCP_SERVICE_ACCOUNT_ACCESS_ROLES`:
 * serviceAccountUser, serviceAccountTokenCreator, serviceAccountOpenIdTokenCreator, workloadIdentityUser,
 * serviceAccountKeyAdmin, serviceAccountAdmin) granted on a project, folder or organization to any member (they hold
 * for every service account there, present and future; so do the roles that include `actAs` or set the IAM policy,
 * `GCP_SERVICE_ACCOUNT_REACHING_ROLES`), or on one service account to a broad member (`allUsers`,
 * `allAuthenticatedUsers`, `domain:`, `group:`). A whole-pool `principalSet://…/*` is KL-G-GCP-PRINCIPALSET-WILDCARD's
 * finding, for every role. Keys: `Member::MEMBER`, `Bindings[I].Member::MEMBER` in a policy document.
 */
export const gcpSaImpersonation: GuardrailRule = {
  id: 'KL-G-GCP-SA-IMPERSONATION',
  info: 'A role that impersonates service accounts is granted to a broad member or on a whole project, folder or organization.',
  explanation: 'serviceAccountUser and serviceAccountTokenCreator (and the roles that mint keys or tokens, or set a service account\'s policy) let the member act as the service account with all its permissions. Granted on a project, folder or organization they cover every service account there, including default accounts with Editor; granted to a group, domain or allUsers they cover everyone who is or becomes a member.',
  fix: 'grant the role on the one service account that must be impersonated (google_service_account_iam_member), to the exact user or service account that needs it',
  check(resource, context) {
    const grants = gcpGrants(resource, context.resources);
    const level = gcpIamLevel(resource);
    if (grants.length === 0 || level === undefined) return NOT_APPLICABLE;
    const scope = gcpIamScope(resource);
    return verdict(grants.flatMap((grant): RuleFinding[] => {
      if (!GCP_SERVICE_ACCOUNT_ACCESS_ROLES.includes(grant.role) && !GCP_SERVICE_ACCOUNT_REACHING_ROLES.includes(grant.role)) return [];
      const wide = level === 'project' || level === 'folder' || level === 'organization';
      return grant.members.flatMap((m): RuleFinding[] => {
        const resolved = resolveGcpMember(resource, m, context.resources);
        const shown = `${m}${resolved === m ? '' : ` (${resolved})`}`;
        if (wide) {
          return [{ key: gcpMemberKey(grant, m), message: `${grant.role} on ${scope} for ${shown}: impersonates every service account there` }];
        }
        if (level === 'service account' && GCP_BROAD_MEMBER.test(resolved)) {
          return [{ key: gcpMemberKey(grant, m), message: `${grant.role} on ${scope} for ${shown}: ${whoIs(resolved)} can act as the service account` }];
        }
        return [];
      });
    }));
  },
};
