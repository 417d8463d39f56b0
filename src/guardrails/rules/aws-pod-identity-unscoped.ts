import { EKS_POD_IDENTITY_NAMESPACE_TAG, EKS_POD_IDENTITY_SERVICE_ACCOUNT_TAG } from '../../core/facts/aws-trust-keys';
import { EKS_POD_IDENTITY_PRINCIPAL } from '../../core/trust/aws-workload';
import { globMatches, isGlob } from '../../synth/glob';
import { statementConditions, trustStatements } from '../../synth/policy';
import { asList, literal } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/** Positive string operators: a missing tag fails them (not `…IfExists`, `Not…` or `ForAllValues:`). */
const PINNING_OPERATOR = /^(ForAnyValue:)?String(Equals|EqualsIgnoreCase|Like)$/;

/** The session tags that must be pinned, with what their absence admits. */
const REQUIRED_TAGS: ReadonlyArray<readonly [tag: string, what: string, admits: string]> = [
  [EKS_POD_IDENTITY_NAMESPACE_TAG, 'namespace', 'pods of every namespace can be given the role'],
  [EKS_POD_IDENTITY_SERVICE_ACCOUNT_TAG, 'service account', 'pods of every service account can be given the role'],
];

/** Whether a statement allows sts:AssumeRole: an `Action` matching it, or a `NotAction` that does not exclude it. */
function allowsAssumeRole(statement: any): boolean {
  const matches = (a: unknown) => typeof a === 'string' && globMatches(a, 'sts:AssumeRole', true);
  if (asList<unknown>(statement.Action).some(matches)) return true;
  return statement.NotAction !== undefined && !asList<unknown>(statement.NotAction).some(matches);
}

/**
 * A hand-written EKS Pod Identity trust (`pods.eks.amazonaws.com` allowed sts:AssumeRole) that does not pin the pod's
 * namespace and service account through the session tags the agent sets (`aws:RequestTag/kubernetes-namespace`,
 * `aws:RequestTag/kubernetes-service-account`) with a positive string condition (StringEquals, StringLike… ; not
 * `Not…`, `…IfExists`, which admit sessions without the tag, or `ForAllValues:`) whose values are not wildcards.
 * `aws:PrincipalTag/…` does not pin: the caller is the EKS service, not the pod. Keys: `Condition::TAG`.
 */
export const awsPodIdentityUnscoped: GuardrailRule = {
  id: 'KL-G-AWS-POD-IDENTITY-UNSCOPED',
  info: 'An EKS Pod Identity trust does not pin the namespace and service account of the pods.',
  explanation: 'EKS Pod Identity assumes the role for whichever pods a Pod Identity association names. Without StringEquals conditions on the session tags `aws:RequestTag/kubernetes-namespace` and `aws:RequestTag/kubernetes-service-account`, anyone who can create an association in any cluster of the account can hand the role to pods of any namespace or service account.',
  fix: 'add StringEquals conditions on aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account (and aws:RequestTag/eks-cluster-arn), as the EKS workload constructs write them',
  check(resource, context) {
    const found: RuleFinding[] = [];
    const add = (finding: RuleFinding) => {
      if (!found.some((f) => f.key === finding.key)) found.push(finding);
    };
    let podIdentity = 0;
    for (const statement of trustStatements(resource, context.resources)) {
      if (statement?.Effect !== 'Allow') continue;
      const services = asList<unknown>(statement.Principal?.Service).map((s) => literal(s).toLowerCase());
      if (!services.includes(EKS_POD_IDENTITY_PRINCIPAL) || !allowsAssumeRole(statement)) continue;
      podIdentity++;
      const conditions = statementConditions(statement);
      for (const [tag, what, admits] of REQUIRED_TAGS) {
        const positive = conditions.filter((c) =>
          c.key.toLowerCase() === tag.toLowerCase() && PINNING_OPERATOR.test(c.operator) && c.values.length > 0);
        const wildcard = (c: { operator: string; values: unknown[] }) => c.operator.endsWith('Like') && c.values.some((v) => isGlob(literal(v)));
        if (positive.some((c) => !wildcard(c))) continue;
        const loose = positive.find(wildcard);
        add(loose
          ? { key: `Condition::${tag}`, message: `${tag} is ${loose.operator} ${loose.values.map((v) => literal(v)).join(', ')}, which pins no ${what}: ${admits}` }
          : { key: `Condition::${tag}`, message: `Pod Identity trust has no positive ${tag} condition: ${admits}` });
      }
    }
    return podIdentity === 0 ? NOT_APPLICABLE : verdict(found);
  },
};
