import { GCP_BASIC_ROLES, GCP_MACHINE_MEMBER } from '../../core/facts/gcp-roles';
import { gcpMembers, resolveGcpMember } from '../../synth/gcp';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/**
 * Basic roles for machine identities: service accounts and federated principals, also when the member is a Terraform
 * reference that resolves to one (`${google_service_account.X.member}`, `serviceAccount:${google_service_account.X.email}`,
 * synth `resolveGcpMember`). Key: `Member::MEMBER` (the member as written).
 */
export const gcpBasicRole: GuardrailRule = {
  id: 'KL-G-GCP-BASIC-ROLE',
  info: 'A basic role (owner, editor, viewer) is granted to a machine identity.',
  explanation: 'Basic roles span every service of the project, thousands of permissions; a service account or federated principal holding one turns any compromise of the workload into a compromise of the project.',
  fix: 'grant a predefined or custom role on the specific resource instead',
  check(resource, context) {
    const members = gcpMembers(resource);
    if (members.length === 0) return NOT_APPLICABLE;
    const role = resource.properties.role;
    if (!GCP_BASIC_ROLES.includes(role)) return verdict([]);
    return verdict(members.flatMap((m) => {
      const resolved = resolveGcpMember(resource, m, context.resources);
      if (!GCP_MACHINE_MEMBER.test(resolved)) return [];
      return [{ key: `Member::${m}`, message: `${role} for ${m}${resolved === m ? '' : ` (${resolved})`}` }];
    }));
  },
};
