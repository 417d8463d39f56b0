import { asList, literal } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

const ADMIN = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess|[A-Za-z0-9]+FullAccess)$/;

/** AWS managed administrator and full-access policies. Key: `ManagedPolicy::PATH/NAME` (the ARN after `:policy/`). */
export const awsAdminPolicy: GuardrailRule = {
  id: 'KL-G-AWS-ADMIN-POLICY',
  info: 'An AWS managed administrator or full-access policy is attached.',
  explanation: 'AdministratorAccess, PowerUserAccess, IAMFullAccess and the *FullAccess policies grant every action of one or all services; a machine identity never needs them, and IAMFullAccess is a direct path to administrator.',
  fix: 'attach a policy with the exact actions and resources the identity needs',
  check(resource) {
    const arns = ['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment'].includes(resource.type)
      ? [resource.properties.policy_arn]
      : ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].includes(resource.type)
        ? asList(resource.properties.ManagedPolicyArns)
        : resource.type === 'aws_iam_role' ? asList(resource.properties.managed_policy_arns) : [];
    if (arns.length === 0) return NOT_APPLICABLE;
    return verdict(arns.map(literal).filter((arn) => ADMIN.test(arn)).map((arn) => {
      const policy = arn.slice(arn.indexOf(':policy/') + 8);
      return { key: `ManagedPolicy::${policy}`, message: `managed policy ${policy}` };
    }));
  },
};
