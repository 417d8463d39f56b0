import { GCP_BASIC_ROLES, GCP_MACHINE_MEMBER } from '../../core/facts/gcp-roles';
import { gcpMembers } from '../../synth/gcp';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/** Basic roles for machine identities. Key: `Member::MEMBER`. */
export const gcpBasicRole: GuardrailRule = {
  id: 'KL-G-GCP-BASIC-ROLE',
  info: 'A basic role (owner, editor, viewer) is granted to a machine identity.',
  explanation: 'Basic roles span every service of the project, thousands of permissions; a service account or federated principal holding one turns any compromise of the workload into a compromise of the project.',
  fix: 'grant a predefined or custom role on the specific resource instead',
  check(resource) {
    const members = gcpMembers(resource);
    if (members.length === 0) return NOT_APPLICABLE;
    if (!GCP_BASIC_ROLES.includes(resource.properties.role)) return verdict([]);
    return verdict(members.filter((m) => GCP_MACHINE_MEMBER.test(m)).map((m) => ({ key: `Member::${m}`, message: `${resource.properties.role} for ${m}` })));
  },
};
