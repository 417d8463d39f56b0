/** AWS IAM policy and trust documents of synthesized resources (CloudFormation and Terraform `aws_iam_*`). */
import { isGlob } from './glob';
import { NeutralResource } from './model';
import { asList, parseDocument } from './values';

/** Terraform attributes that hold a policy document as a JSON string, by resource type. */
export const TERRAFORM_POLICY_ATTRIBUTES: Readonly<Record<string, string>> = {
  aws_iam_policy: 'policy',
  aws_iam_role_policy: 'policy',
  aws_iam_user_policy: 'policy',
  aws_iam_group_policy: 'policy',
  aws_iam_role: 'assume_role_policy',
};

/** IAM permission statements of an AWS identity or policy resource (CloudFormation, or Terraform `aws_iam_*`). */
export function permissionStatements(resource: NeutralResource): any[] {
  const p = resource.properties;
  switch (resource.type) {
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::RolePolicy':
    case 'AWS::IAM::UserPolicy':
    case 'AWS::IAM::GroupPolicy':
      return asList(parseDocument(p.PolicyDocument)?.Statement);
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group':
      return asList(p.Policies).flatMap((policy: any) => asList(parseDocument(policy?.PolicyDocument)?.Statement));
    case 'aws_iam_policy':
    case 'aws_iam_role_policy':
    case 'aws_iam_user_policy':
    case 'aws_iam_group_policy':
      return asList(parseDocument(p.policy)?.Statement);
    case 'aws_iam_role':
      return asList(p.inline_policy).flatMap((policy: any) => asList(parseDocument(policy?.policy)?.Statement));
    default:
      return [];
  }
}

/** Trust statements of an AWS role (CloudFormation or Terraform). */
export function trustStatements(resource: NeutralResource): any[] {
  if (resource.type === 'AWS::IAM::Role') return asList(parseDocument(resource.properties.AssumeRolePolicyDocument)?.Statement);
  if (resource.type === 'aws_iam_role') return asList(parseDocument(resource.properties.assume_role_policy)?.Statement);
  return [];
}

/** Managed policy ARNs attached by a resource (role, user or group properties, or a Terraform attachment). */
export function attachedPolicyArns(resource: NeutralResource): unknown[] {
  const p = resource.properties;
  if (['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment'].includes(resource.type)) {
    return [p.policy_arn];
  }
  if (['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].includes(resource.type)) return asList(p.ManagedPolicyArns);
  if (resource.type === 'aws_iam_role') return asList(p.managed_policy_arns);
  return [];
}

/** One condition of a statement: operator, key and values as written. */
export interface StatementCondition {
  /** IAM operator, with any `ForAnyValue:` / `ForAllValues:` prefix and `IfExists` suffix. */
  readonly operator: string;
  /** Condition key, e.g. `token.actions.githubusercontent.com:sub`. */
  readonly key: string;
  /** Values (a single value becomes a one-element list). */
  readonly values: unknown[];
}

/** Every condition of a statement, flattened, in written order. */
export function statementConditions(statement: any): StatementCondition[] {
  const block = statement?.Condition;
  if (!block || typeof block !== 'object') return [];
  return Object.entries(block as Record<string, Record<string, unknown>>).flatMap(([operator, values]) =>
    Object.entries(values ?? {}).map(([key, value]) => ({ operator, key, values: asList(value) })));
}

/**
 * Whether an IAM resource ARN is a wildcard: `*`, an ARN whose resource part is `*` (`arn:aws:s3:::*`) or any
 * resource of any type, or a whole resource type (`arn:aws:iam::123456789012:role/*`); not a prefix such as
 * `arn:aws:s3:::bucket/prefix/*` (S3 ARNs name no type: `arn:aws:s3:::NAME/*` is one bucket's objects). `${…}`
 * placeholders are read as one literal segment; a string that is no ARN is a wildcard when it is a glob. The
 * inventory's reading.
 */
export function isWildcardResourceArn(resource: string): boolean {
  if (resource === '*') return true;
  const parts = resource.replace(/\$\{[^}]*\}/g, 'X').split(':');
  if (parts.length < 6) return isGlob(resource);
  const service = parts[2];
  const rest = parts.slice(5).join(':');
  if (rest === '*' || rest === '*/*') return true;
  return service !== 's3' && /^[A-Za-z-]+[/:]\*$/.test(rest);
}
