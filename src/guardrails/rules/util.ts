import { NeutralResource } from '../model';

/** A value or list of values as a list. */
export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/** Parses a policy document given as an object or, in Terraform, as a JSON string. */
function document(value: unknown): any {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return value;
}

/** IAM permission statements of an AWS identity or policy resource (CloudFormation, or Terraform `aws_iam_*`). */
export function permissionStatements(resource: NeutralResource): any[] {
  const p = resource.properties;
  switch (resource.type) {
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::RolePolicy':
    case 'AWS::IAM::UserPolicy':
    case 'AWS::IAM::GroupPolicy':
      return asList(document(p.PolicyDocument)?.Statement);
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group':
      return asList(p.Policies).flatMap((policy: any) => asList(document(policy?.PolicyDocument)?.Statement));
    case 'aws_iam_policy':
    case 'aws_iam_role_policy':
    case 'aws_iam_user_policy':
    case 'aws_iam_group_policy':
      return asList(document(p.policy)?.Statement);
    case 'aws_iam_role':
      return asList(p.inline_policy).flatMap((policy: any) => asList(document(policy?.policy)?.Statement));
    default:
      return [];
  }
}

/** Trust statements of an AWS role (CloudFormation or Terraform). */
export function trustStatements(resource: NeutralResource): any[] {
  if (resource.type === 'AWS::IAM::Role') return asList(document(resource.properties.AssumeRolePolicyDocument)?.Statement);
  if (resource.type === 'aws_iam_role') return asList(document(resource.properties.assume_role_policy)?.Statement);
  return [];
}

/** Actions that accept only `Resource: "*"` (the IAM Service Authorization Reference). */
export const WILDCARD_ONLY_ACTIONS = ['ecr-public:GetAuthorizationToken', 'ecr:GetAuthorizationToken', 'sts:GetCallerIdentity', 'sts:GetServiceBearerToken'];

/** Pod spec of a Kubernetes workload object, or undefined. */
export function podSpec(object: any): any {
  switch (object?.kind) {
    case 'Pod': return object.spec;
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': case 'ReplicationController':
      return object.spec?.template?.spec;
    case 'CronJob': return object.spec?.jobTemplate?.spec?.template?.spec;
    default: return undefined;
  }
}

/** Renders a value for a finding (strings as is, the rest as JSON). */
export function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A string with CloudFormation `Fn::Join` flattened and other intrinsics shown as `${…}`, so that rules can match
 * ARNs built by CDK (`arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess`).
 */
export function literal(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const join = (value as any)['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map(literal).join(typeof join[0] === 'string' ? join[0] : '');
    const ref = (value as any).Ref;
    if (typeof ref === 'string') return `\${${ref}}`;
    // Fn::Sub keeps `${AWS::Partition}`-style placeholders in its template string, which is what rules match on.
    const sub = (value as any)['Fn::Sub'];
    if (typeof sub === 'string') return sub;
    if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  }
  return `\${${JSON.stringify(value)}}`;
}
