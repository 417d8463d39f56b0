import { GuardrailRule } from '../model';
import { gcpMembers } from './gcp-principalset-wildcard';

const BASIC = ['roles/owner', 'roles/editor', 'roles/viewer'];
const MACHINE = /^(serviceAccount:|principal:|principalSet:)/;

/** Basic roles for machine identities. */
export const gcpBasicRole: GuardrailRule = {
  id: 'KL-G-GCP-BASIC-ROLE',
  info: 'A basic role (owner, editor, viewer) is granted to a machine identity.',
  explanation: 'Basic roles span every service of the project, thousands of permissions; a service account or federated principal holding one turns any compromise of the workload into a compromise of the project.',
  fix: 'grant a predefined or custom role on the specific resource instead',
  check(resource) {
    if (!BASIC.includes(resource.properties.role)) return [];
    return gcpMembers(resource).filter((m) => MACHINE.test(m)).map((m) => `${resource.properties.role} for ${m}`);
  },
};
