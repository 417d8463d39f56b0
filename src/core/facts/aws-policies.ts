/**
 * AWS IAM facts Keyless decides with, once: administrator managed policies, actions that accept only `Resource: "*"`,
 * privilege-escalation actions and the actions that hand out a role's credentials.
 *
 * Sources: AWS managed policies reference (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/),
 * IAM Service Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/), and the
 * STS API reference (AssumeRole, AssumeRoleWithWebIdentity, AssumeRoleWithSAML). Checked 2026.
 */

/**
 * Managed policies that grant administrative power: AdministratorAccess, PowerUserAccess, IAMFullAccess and every
 * `*FullAccess` policy, whatever the path (`:policy/AdministratorAccess`, `:policy/job-function/…`, a customer
 * copy under `:policy/team/XFullAccess`).
 */
export const AWS_ADMIN_POLICY = /:policy\/(?:[^:]*\/)?(AdministratorAccess|PowerUserAccess|IAMFullAccess|[A-Za-z0-9]*FullAccess)$/;

/** The admin policy a managed-policy ARN names (its name without the path), or undefined. */
export function awsAdminPolicyName(arn: string): string | undefined {
  return AWS_ADMIN_POLICY.exec(arn)?.[1];
}

/** Actions that accept only `Resource: "*"` (IAM Service Authorization Reference: no resource types). */
export const AWS_WILDCARD_ONLY_ACTIONS: readonly string[] = [
  'ecr-public:GetAuthorizationToken', 'ecr:GetAuthorizationToken', 'sts:GetCallerIdentity', 'sts:GetServiceBearerToken',
];

/** Actions that let an identity grant itself more (privilege escalation) when allowed on any resource. */
export const AWS_ESCALATION_ACTIONS: readonly string[] = [
  'iam:PassRole', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:PutRolePolicy', 'iam:AttachRolePolicy',
  'iam:UpdateAssumeRolePolicy', 'iam:PutUserPolicy', 'iam:AttachUserPolicy', 'iam:CreatePolicyVersion', 'sts:AssumeRole',
];

/** Trust-policy actions that hand out a role's credentials. */
export const AWS_ASSUME_ROLE_ACTIONS: readonly string[] = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'];

/** Default `MaxSessionDuration` of an IAM role: one hour (IAM API reference, CreateRole). */
export const AWS_DEFAULT_ROLE_SESSION_SECONDS = 3600;
