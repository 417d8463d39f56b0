import { AWS_MFA_PRESENT_KEY } from '../../core/facts/aws-trust-keys';
import { AWS_BREAK_GLASS_TAG } from '../../core/ownership';
import { cloudFormationTags } from '../../synth/ownership';
import { statementConditions, trustStatements } from '../../synth/policy';
import { safeJson } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/** The tags of an AWS role, as written (CloudFormation `Tags` list or Terraform `tags` map). */
function roleTags(resource: { type: string; properties: any }): Record<string, unknown> | undefined {
  if (resource.type === 'AWS::IAM::Role') return cloudFormationTags(resource.properties.Tags);
  if (resource.type === 'aws_iam_role') {
    const tags = resource.properties.tags;
    return tags && typeof tags === 'object' && !Array.isArray(tags) ? tags : undefined;
  }
  return undefined;
}

/** Whether a condition value is `true` (the string, any case, or the JSON boolean). */
const isTrue = (value: unknown) => value === true || (typeof value === 'string' && value.toLowerCase() === 'true');

/**
 * A role tagged break-glass (`keyless:break-glass` = `true`, the tag the inventory reads) whose trust has an Allow
 * statement without `Bool` `aws:MultiFactorAuthPresent` = `true`. `BoolIfExists` does not count: the key is absent
 * from requests signed with long-term access keys, which it then admits without MFA (IAM, "AWS global condition
 * context keys"). A bound on `aws:MultiFactorAuthAge` is recommended but not required. Key:
 * `Statement[INDEX].Condition::aws:MultiFactorAuthPresent` (the statement's position in the trust).
 */
export const awsBreakGlassMfa: GuardrailRule = {
  id: 'KL-G-AWS-BREAK-GLASS-MFA',
  info: 'A break-glass role can be assumed without MFA.',
  explanation: 'Break-glass roles hold emergency privileges for named humans. Every statement of their trust must require `Bool` `aws:MultiFactorAuthPresent` = `true`, so that a stolen password or access key alone cannot assume the role; `BoolIfExists` admits requests signed with long-term access keys, which carry no MFA key.',
  fix: 'add `"Bool": {"aws:MultiFactorAuthPresent": "true"}` (and `"NumericLessThan": {"aws:MultiFactorAuthAge": "900"}`) to every Allow statement of the trust, as BreakGlassRole writes it',
  check(resource) {
    if (roleTags(resource)?.[AWS_BREAK_GLASS_TAG] !== 'true') return NOT_APPLICABLE;
    const found: RuleFinding[] = [];
    let allows = 0;
    trustStatements(resource).forEach((statement, index) => {
      if (statement?.Effect !== 'Allow') return;
      allows++;
      const mfa = statementConditions(statement).filter((c) => c.key.toLowerCase() === AWS_MFA_PRESENT_KEY.toLowerCase());
      if (mfa.some((c) => c.operator === 'Bool' && c.values.length > 0 && c.values.every(isTrue))) return;
      const who = safeJson(statement.Principal);
      const key = `Statement[${index}].Condition::${AWS_MFA_PRESENT_KEY}`;
      found.push(mfa.some((c) => c.operator === 'BoolIfExists' && c.values.every(isTrue))
        ? { key, message: `trust statement ${index} (${who}) requires MFA with BoolIfExists, which admits requests signed with long-term access keys without MFA` }
        : { key, message: `trust statement ${index} (${who}) has no Bool ${AWS_MFA_PRESENT_KEY} "true" condition: the role can be assumed without MFA` });
    });
    return allows === 0 ? NOT_APPLICABLE : verdict(found);
  },
};
