import { GCP_BASIC_ROLES } from '../../core/facts/gcp-roles';
import { gcpGrants, gcpMemberKey, resolveGcpMember } from '../../synth/gcp';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/**
 * Basic roles (owner, editor, viewer) for any member: people (`user:`), groups, domains, `allUsers` and
 * `allAuthenticatedUsers`, service accounts and federated principals, and Terraform references (a reference to a
 * service account is shown resolved, synth `resolveGcpMember`), on any `google_*_iam_member` / `_iam_binding`
 * (`members`) and on the bindings of a literal `google_*_iam_policy` `policy_data`. Keys: `Member::MEMBER` (the member
 * as written), `Bindings[I].Member::MEMBER` for binding I of a policy document. Stricter than Checkov's
 * CKV_GCP_115/116/117 (organization, folder, project) in that resource-level grants count too.
 */
export const gcpBasicRole: GuardrailRule = {
  id: 'KL-G-GCP-BASIC-ROLE',
  info: 'A basic role (owner, editor, viewer) is granted.',
  explanation: 'Basic roles span every service of the project, thousands of permissions, and predate IAM: a person, group or service account holding one can read (viewer) or change (editor, owner) everything, so any compromise of the member becomes a compromise of the project; `allUsers` or a domain holding one opens the project to everyone in it.',
  fix: 'grant a predefined or custom role on the specific resource instead; for people who occasionally need broad access, use a time-bound Privileged Access Manager entitlement',
  check(resource, context) {
    const grants = gcpGrants(resource, context.resources);
    if (grants.length === 0) return NOT_APPLICABLE;
    return verdict(grants.flatMap((grant) => {
      if (!GCP_BASIC_ROLES.includes(grant.role)) return [];
      return grant.members.map((m) => {
        const resolved = resolveGcpMember(resource, m, context.resources);
        return { key: gcpMemberKey(grant, m), message: `${grant.role} for ${m}${resolved === m ? '' : ` (${resolved})`}` };
      });
    }));
  },
};
