/** AWS IAM policy and trust documents of synthesized resources (CloudFormation and Terraform `aws_iam_*`). */
import { globMatches, isGlob } from './glob';
import { NeutralResource } from './model';
import { nestedBlocks } from './terraform';
import { asList, parseDocument } from './values';
import { AWS_ASSUME_ROLE_ACTIONS } from '../core/facts/aws-policies';

/** Terraform attributes that hold a policy document as a JSON string, by resource type. */
export const TERRAFORM_POLICY_ATTRIBUTES: Readonly<Record<string, string>> = {
  'aws_iam_policy': 'policy',
  'aws_iam_role_policy': 'policy',
  'aws_iam_user_policy': 'policy',
  'aws_iam_group_policy': 'policy',
  'aws_iam_role': 'assume_role_policy',
  'aws_ssoadmin_permission_set_inline_policy': 'inline_policy',
  // A data document's JSON, as a plan or Keyless's evaluation of its literal statements gives it (absent when the
  // statements are not known without a cloud: dynamic blocks, source documents; KL-G-POLICY-UNREADABLE reports that).
  'data.aws_iam_policy_document': 'json',
};

/** The type of Terraform's policy documents built from `statement` blocks (`data "aws_iam_policy_document"`). */
export const TERRAFORM_POLICY_DOCUMENT = 'data.aws_iam_policy_document';

/** A statement of a resource-based or trust policy: it names who it admits. */
const hasPrincipal = (statement: any): boolean => statement?.Principal !== undefined || statement?.NotPrincipal !== undefined;

/** Whether a statement's actions include assuming a role (`sts:AssumeRole*`, `sts:*`, `*`). */
function assumesRole(statement: any): boolean {
  const actions = asList<unknown>(statement?.Action).filter((a): a is string => typeof a === 'string');
  return actions.some((action) => AWS_ASSUME_ROLE_ACTIONS.some((assume) => globMatches(action, assume, true)));
}

/** A policy string as a comparable key: its JSON re-serialized (whitespace and formatting aside), else as written. */
function documentKey(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value));
  } catch {
    return value;
  }
}

/** What the policies of a run hold: their JSON documents (as {@link documentKey}s), and the strings that are not JSON. */
interface UsedPolicies { readonly documents: Set<string>; readonly unparsed: string[] }

/** The policies of a run's resources (not data documents'), once per run. */
const usedDocuments = new WeakMap<readonly NeutralResource[], UsedPolicies>();

function usedPolicies(resources: readonly NeutralResource[]): UsedPolicies {
  let found = usedDocuments.get(resources);
  if (found === undefined) {
    const used: UsedPolicies = { documents: new Set(), unparsed: [] };
    const add = (value: unknown) => {
      if (typeof value !== 'string') return;
      if (parseDocument(value) === undefined) used.unparsed.push(value);
      else used.documents.add(documentKey(value));
    };
    for (const r of resources) {
      // Only the policies the rules read count as a use; a resource Terraform never creates (`count = 0`) is none.
      if (r.type === TERRAFORM_POLICY_DOCUMENT || !Object.hasOwn(TERRAFORM_POLICY_ATTRIBUTES, r.type)) continue;
      if (r.properties?.count === 0 || r.properties?.count === '0') continue;
      add(r.properties?.[TERRAFORM_POLICY_ATTRIBUTES[r.type]]);
      if (r.type === 'aws_iam_role') for (const block of nestedBlocks(r.properties.inline_policy)) add(block.policy);
    }
    usedDocuments.set(resources, found = used);
  }
  return found;
}

/**
 * Whether a `data "aws_iam_policy_document"` is used by another resource of the run: its JSON is that resource's
 * policy (as a plan, or Keyless's evaluation of the module, writes it), or the resource still refers to it. Its
 * statements are then checked where they are used, once, not twice.
 */
export function isUsedPolicyDocument(resource: NeutralResource, resources: readonly NeutralResource[]): boolean {
  if (resource.type !== TERRAFORM_POLICY_DOCUMENT) return false;
  const used = usedPolicies(resources);
  const json = resource.properties.json;
  if (typeof json === 'string' && used.documents.has(documentKey(json))) return true;
  const name = /^data\.aws_iam_policy_document\.(.+)$/.exec(resource.id)?.[1];
  if (name === undefined) return false;
  // A reference counts only as Terraform writes one (`${data.aws_iam_policy_document.NAME.json}`) in a policy that
  // is not JSON (so KL-G-POLICY-UNREADABLE reports it there): text inside a JSON document (a Sid) is no use.
  const reference = new RegExp(`\\$\\{\\s*data\\.aws_iam_policy_document\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.json\\s*\\}`);
  return used.unparsed.some((value) => reference.test(value));
}

/**
 * IAM permission statements of an AWS identity or policy resource (CloudFormation, or Terraform `aws_iam_*`, a
 * permission set's inline policy, a data document). Given the run's resources, a data document used by another
 * resource has none of its own (they are that resource's).
 */
export function permissionStatements(resource: NeutralResource, resources?: readonly NeutralResource[]): any[] {
  const p = resource.properties;
  if (resources !== undefined && isUsedPolicyDocument(resource, resources)) return [];
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
    case 'aws_ssoadmin_permission_set_inline_policy':
      return asList(parseDocument(p.inline_policy)?.Statement);
    case 'aws_iam_role':
      return nestedBlocks(p.inline_policy).flatMap((policy: any) => asList(parseDocument(policy?.policy)?.Statement));
    case TERRAFORM_POLICY_DOCUMENT:
      // A document on its own (what it is attached to may be elsewhere, or nothing yet): its identity-policy
      // statements. Statements naming a principal belong to a trust or a resource policy.
      return asList(parseDocument(p.json)?.Statement).filter((statement: any) => !hasPrincipal(statement));
    default:
      return [];
  }
}

/**
 * Trust statements of an AWS role (CloudFormation or Terraform), or of a data document written as one. Given the
 * run's resources, a data document used by another resource has none of its own.
 */
export function trustStatements(resource: NeutralResource, resources?: readonly NeutralResource[]): any[] {
  if (resources !== undefined && isUsedPolicyDocument(resource, resources)) return [];
  if (resource.type === 'AWS::IAM::Role') return asList(parseDocument(resource.properties.AssumeRolePolicyDocument)?.Statement);
  if (resource.type === 'aws_iam_role') return asList(parseDocument(resource.properties.assume_role_policy)?.Statement);
  // A data document written as a trust: statements naming a principal and allowing sts:AssumeRole*.
  if (resource.type === TERRAFORM_POLICY_DOCUMENT) {
    return asList(parseDocument(resource.properties.json)?.Statement).filter((statement: any) => hasPrincipal(statement) && assumesRole(statement));
  }
  return [];
}

/**
 * Statements of a data document written as a resource policy (they name a principal and do not assume a role: a
 * bucket, key or queue policy built with `data "aws_iam_policy_document"`), unless a resource of the run uses it.
 */
export function resourcePolicyStatements(resource: NeutralResource, resources?: readonly NeutralResource[]): any[] {
  if (resource.type !== TERRAFORM_POLICY_DOCUMENT || (resources !== undefined && isUsedPolicyDocument(resource, resources))) return [];
  return asList(parseDocument(resource.properties.json)?.Statement).filter((statement: any) => hasPrincipal(statement) && !assumesRole(statement));
}

/** Managed policy ARNs attached by a resource (role, user or group properties, or a Terraform attachment). */
export function attachedPolicyArns(resource: NeutralResource): unknown[] {
  const p = resource.properties;
  if (['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment'].includes(resource.type)) {
    return [p.policy_arn];
  }
  // An IAM Identity Center permission set: every user assigned to it gets the policy in the account.
  if (resource.type === 'aws_ssoadmin_managed_policy_attachment') return [p.managed_policy_arn];
  if (['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].includes(resource.type)) return asList(p.ManagedPolicyArns);
  if (resource.type === 'aws_iam_role') return asList(p.managed_policy_arns);
  return [];
}

/**
 * The issuer a condition key names, when it is a federated token's claim (`ISSUER:claim`:
 * `token.actions.githubusercontent.com:sub`, `oidc.eks.REGION.amazonaws.com/id/X:sub`): the part before the last `:`
 * when it looks like a host or URL path (a `.` or `/`), not a global key's service (`aws:`, `sts:`).
 */
export function claimKeyIssuer(key: string): string | undefined {
  const colon = key.lastIndexOf(':');
  if (colon < 0) return undefined;
  const prefix = key.slice(0, colon);
  return /[./]/.test(prefix) ? prefix : undefined;
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
