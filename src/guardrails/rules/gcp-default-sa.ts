import { gcpDefaultServiceAccount, gcpGrants, gcpMemberKey, gcpWorkloadServiceAccount, resolveGcpMember } from '../../synth/gcp';
import { show } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/**
 * The default service accounts (Compute Engine `NUMBER-compute@developer.gserviceaccount.com`, App Engine
 * `PROJECT@appspot.gserviceaccount.com`, or a reference to the data source that reads one) granted a role by a
 * `google_*_iam_member|binding|policy`, or run as by a workload: a VM or instance template (`service_account.email`,
 * a block without email), a GKE node pool or default node pool (`node_config.service_account`), Cloud Run
 * (`template.spec.service_account_name`, v2 `template.service_account`), Cloud Functions (`service_account_email`,
 * 2nd gen `service_config.service_account_email`), set to one or unset where the platform then uses one (synth
 * `gcpWorkloadServiceAccount`). Keys: `Member::MEMBER` (`Bindings[I].Member::MEMBER` in a policy document),
 * `Field::FIELD` (the dotted field of the provider's schema).
 */
export const gcpDefaultSa: GuardrailRule = {
  id: 'KL-G-GCP-DEFAULT-SA',
  info: 'A default service account (Compute Engine or App Engine) is granted a role or runs a workload.',
  explanation: 'Google creates the default service accounts with the Editor role on the project, and every VM, node, Cloud Run service or function that names no service account runs as one: a role granted to it, or a workload using it, is shared by everything else that does, and a compromise of any of them is a compromise of the project.',
  fix: 'create a dedicated service account per workload (google_service_account) with the roles it needs, set it on the workload, and grant nothing to the default accounts (enforce iam.automaticIamGrantsForDefaultServiceAccounts)',
  check(resource, context) {
    const workload = gcpWorkloadServiceAccount(resource);
    if (workload !== undefined) {
      if (workload.value === undefined) {
        return verdict(workload.whenUnset === undefined ? [] : [{
          key: `Field::${workload.field}`,
          message: `${workload.field} is unset: ${resource.type} runs as the ${workload.whenUnset} default service account`,
        }]);
      }
      if (typeof workload.value !== 'string') return verdict([]);
      const resolved = resolveGcpMember(resource, workload.value, context.resources);
      const which = gcpDefaultServiceAccount(resolved);
      return verdict(which === undefined ? [] : [{
        key: `Field::${workload.field}`,
        message: `${workload.field} is the ${which} default service account ${show(workload.value)}${resolved === workload.value ? '' : ` (${resolved})`}`,
      }]);
    }
    const grants = gcpGrants(resource, context.resources);
    if (grants.length === 0) return NOT_APPLICABLE;
    return verdict(grants.flatMap((grant) => grant.members.flatMap((m): RuleFinding[] => {
      const resolved = resolveGcpMember(resource, m, context.resources);
      const which = gcpDefaultServiceAccount(resolved);
      if (which === undefined) return [];
      return [{ key: gcpMemberKey(grant, m), message: `${grant.role || 'a role'} for ${m}${resolved === m ? '' : ` (${resolved})`}, the ${which} default service account` }];
    })));
  },
};
