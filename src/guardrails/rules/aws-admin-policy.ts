import { awsAdminPolicyName } from '../../core/facts/aws-policies';
import { attachedPolicyArns } from '../../synth/policy';
import { literal } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/**
 * AWS administrator and full-access managed policies, whatever their path (`:policy/AdministratorAccess`,
 * `:policy/job-function/…`, a customer copy under `:policy/team/XFullAccess`): the same reading as the inventory's.
 * Key: `ManagedPolicy::PATH/NAME` (the ARN after `:policy/`).
 */
export const awsAdminPolicy: GuardrailRule = {
  id: 'KL-G-AWS-ADMIN-POLICY',
  info: 'An AWS managed administrator or full-access policy is attached.',
  explanation: 'AdministratorAccess, PowerUserAccess, IAMFullAccess and the *FullAccess policies grant every action of one or all services; a machine identity never needs them, and IAMFullAccess is a direct path to administrator.',
  fix: 'attach a policy with the exact actions and resources the identity needs',
  check(resource) {
    const arns = attachedPolicyArns(resource);
    if (arns.length === 0) return NOT_APPLICABLE;
    return verdict(arns.map(literal).filter((arn) => awsAdminPolicyName(arn) !== undefined).map((arn) => {
      const policy = arn.slice(arn.indexOf(':policy/') + 8);
      return { key: `ManagedPolicy::${policy}`, message: `managed policy ${policy}` };
    }));
  },
};
