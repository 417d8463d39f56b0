import { isUsedPolicyDocument, TERRAFORM_POLICY_ATTRIBUTES, TERRAFORM_POLICY_DOCUMENT } from '../../synth/policy';
import { nestedBlocks } from '../../synth/terraform';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

const shorten = (value: string): string => (value.length > 80 ? `${value.slice(0, 77)}...` : value);

/** A policy attribute that is a string but not a JSON document (a reference, `${known after apply…}`, an expression). */
function unreadable(value: unknown, key: string, what: string): RuleFinding[] {
  if (typeof value !== 'string') return [];
  try {
    JSON.parse(value);
    return [];
  } catch {
    return [{ key, message: `${what} is ${shorten(value)}, which is not a JSON policy document` }];
  }
}

/**
 * Policies that cannot be read, so that no other rule can check them. Key: `Field::ATTRIBUTE` (`Field::policy`,
 * `Field::assume_role_policy`, `Field::inline_policy.policy` for an `aws_iam_role` inline policy block, `Field::json`
 * for a `data "aws_iam_policy_document"` whose statements are not known without a cloud and that no resource of the
 * run uses: a used one is reported, once, where it is used).
 */
export const policyUnreadable: GuardrailRule = {
  id: 'KL-G-POLICY-UNREADABLE',
  info: 'A policy document cannot be read from the synthesized output, so no rule can check it.',
  explanation: 'A Terraform policy given as a reference (e.g. `${data.aws_iam_policy_document.x.json}`) or computed at apply time is resolved only at plan or apply time: its actions, resources and trust are invisible here, and an unchecked policy must not pass as a compliant one.',
  fix: 'write the policy document inline (jsonencode({...}) in HCL, or a literal JSON string, or literal statement blocks), or run `keyless check` on the plan output (`terraform show -json`)',
  check(resource, context) {
    const attribute = Object.hasOwn(TERRAFORM_POLICY_ATTRIBUTES, resource.type) ? TERRAFORM_POLICY_ATTRIBUTES[resource.type] : undefined;
    if (attribute === undefined) return NOT_APPLICABLE;
    const value = resource.properties[attribute];
    // A data document another resource uses is reported there (its policy is the reference, or the JSON).
    if (isUsedPolicyDocument(resource, context.resources)) return NOT_APPLICABLE;
    if (resource.type === TERRAFORM_POLICY_DOCUMENT && typeof value !== 'string') {
      return verdict([{ key: 'Field::json', message: 'the document\'s statements are not known without a cloud (dynamic blocks, source or override documents, values known at apply): its JSON cannot be read' }]);
    }
    const inline = resource.type === 'aws_iam_role' ? nestedBlocks(resource.properties.inline_policy) : [];
    if (typeof value !== 'string' && inline.length === 0) return NOT_APPLICABLE;
    return verdict([
      ...unreadable(value, `Field::${attribute}`, attribute),
      ...inline.flatMap((block, i) => unreadable(block.policy, 'Field::inline_policy.policy', `inline_policy ${typeof block.name === 'string' ? block.name : i} policy`)),
    ]);
  },
};
