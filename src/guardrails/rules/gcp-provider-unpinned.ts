import { GCP_SHARED_ISSUERS as SHARED_ISSUERS } from '../../core/facts/gcp-roles';
import { conjuncts, isTopLevelDisjunction } from '../../synth/cel';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

const OWNER_CLAIMS = 'repository_owner_id|repository_owner|repository_id|namespace_id|namespace_path|project_id|project_path|terraform_organization_id|terraform_organization_name';
/** An owner claim compared with a literal, somewhere in an expression. */
const OWNER_PIN = new RegExp(`assertion\\.(${OWNER_CLAIMS})\\s*==\\s*['"][^'"*]+['"]`);
/** A whole conjunct that is exactly an owner claim compared with a literal. */
const OWNER_PIN_TERM = new RegExp(`^assertion\\.(${OWNER_CLAIMS})\\s*==\\s*(['"])[^'"*]+\\2$`);

/**
 * GCP workload identity providers for shared issuers without an owner-pinning condition. Keys:
 * `Field::attribute_condition` (none), `Condition::CONDITION` (the condition as written, when it pins no owner).
 */
export const gcpProviderUnpinned: GuardrailRule = {
  id: 'KL-G-GCP-PROVIDER-UNPINNED',
  info: 'A GCP workload identity provider for a shared issuer does not pin the owner in its attribute condition.',
  explanation: 'GitHub, GitLab.com and Terraform Cloud issue tokens to every customer: without an attribute condition pinning the organization (by immutable id where possible), any of them can exchange a token at this provider.',
  fix: 'set `attribute_condition` to pin the owner and repository, e.g. `assertion.repository_owner_id == \'123\' && assertion.repository_id == \'456\' && assertion.sub == \'repo:…\'` (CiOidcTrust does this)',
  check(resource) {
    if (resource.type !== 'google_iam_workload_identity_pool_provider') return NOT_APPLICABLE;
    const issuer = resource.properties.oidc?.issuer_uri ?? resource.properties.oidc?.[0]?.issuer_uri;
    if (typeof issuer !== 'string' || !SHARED_ISSUERS.test(issuer)) return NOT_APPLICABLE;
    const condition = resource.properties.attribute_condition;
    if (typeof condition !== 'string' || condition.trim() === '') {
      return verdict([{ key: 'Field::attribute_condition', message: `provider for ${issuer} has no attribute_condition` }]);
    }
    const problem = (message: string): RuleFinding[] => [{ key: `Condition::${condition}`, message }];
    if (isTopLevelDisjunction(condition)) {
      return verdict(problem(`attribute_condition of the provider for ${issuer} has a top-level || that bypasses the owner pin: ${condition}`));
    }
    if (!OWNER_PIN.test(condition)) return verdict(problem(`attribute_condition of the provider for ${issuer} pins no owner: ${condition}`));
    // The pin must be one of the top-level && terms, on its own: inside a group it may be one alternative of an ||,
    // and within a larger term (`owner == X == other`) it may be negated.
    if (!conjuncts(condition).some((term) => OWNER_PIN_TERM.test(term))) {
      return verdict(problem(`attribute_condition of the provider for ${issuer} pins no owner at its top level: ${condition}`));
    }
    return verdict([]);
  },
};
