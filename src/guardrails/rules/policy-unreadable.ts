import { TERRAFORM_POLICY_ATTRIBUTES } from '../../synth/policy';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/** Policies that cannot be read, so that no other rule can check them. Key: `Field::ATTRIBUTE` (`Field::policy`). */
export const policyUnreadable: GuardrailRule = {
  id: 'KL-G-POLICY-UNREADABLE',
  info: 'A policy document cannot be read from the synthesized output, so no rule can check it.',
  explanation: 'A Terraform policy given as a reference (e.g. `${data.aws_iam_policy_document.x.json}`) is resolved only at plan time: its actions, resources and trust are invisible here, and an unchecked policy must not pass as a compliant one.',
  fix: 'write the policy document inline (jsonencode({...}) in HCL, or a literal JSON string), or run `keyless check` on the plan output (`terraform show -json`)',
  check(resource) {
    const attribute = Object.hasOwn(TERRAFORM_POLICY_ATTRIBUTES, resource.type) ? TERRAFORM_POLICY_ATTRIBUTES[resource.type] : undefined;
    const value = attribute === undefined ? undefined : resource.properties[attribute];
    if (typeof value !== 'string') return NOT_APPLICABLE;
    try {
      JSON.parse(value);
      return verdict([]);
    } catch {
      return verdict([{ key: `Field::${attribute}`, message: `${attribute} is ${value.length > 80 ? `${value.slice(0, 77)}...` : value}, which is not a JSON policy document` }]);
    }
  },
};
