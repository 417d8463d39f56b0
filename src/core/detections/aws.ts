import { fail, quote, ValidationContext } from '../errors';

/**
 * The AWS detections of a federated identity, decided before any construct renders them: one EventBridge rule per
 * watched role, on the CloudTrail record of the STS call that hands out the role's sessions.
 *
 * Provider facts (sources):
 * - CloudTrail records `AssumeRoleWithWebIdentity`, including unauthenticated and refused calls, in the role's
 *   account; `userIdentity.type` is `WebIdentityUser` and `userIdentity.userName` the token's user id (`sub`);
 *   `requestParameters.roleArn` names the role (IAM User Guide, "Logging IAM and AWS STS API calls with AWS
 *   CloudTrail", example web identity event; CloudTrail User Guide, "CloudTrail userIdentity element", "Values for
 *   AWS STS APIs with SAML and web identity federation").
 * - A refused call carries an `errorCode` (e.g. `AccessDenied` "Not authorized to perform
 *   sts:AssumeRoleWithWebIdentity", `InvalidIdentityToken`, `ExpiredTokenException`, `IDPRejectedClaim`: STS API
 *   Reference, AssumeRoleWithWebIdentity, Errors) and still its `requestParameters.roleArn` (third-party
 *   observation: fizz.today, "AWS said AccessDenied. CloudTrail said why"). Matched with `exists`, not by code.
 * - EKS Pod Identity: the agent calls `eks-auth:AssumeRoleForPodIdentity`, and EKS assumes the role with
 *   `sts:AssumeRole` as `pods.eks.amazonaws.com` (EKS User Guide, "Create IAM role with trust policy required by EKS
 *   Pod Identity"), which CloudTrail records as `AssumeRole` in the role's account. The pod's namespace and service
 *   account are only in `requestParameters.tags`, an array of `{key, value}` that an event pattern cannot correlate
 *   (EventBridge matches array elements independently), so Pod Identity roles are watched for refused calls only.
 * - Event patterns: `$or`, `exists`, `anything-but` with a list and `anything-but` with `wildcard` (a list allowed)
 *   are supported on event buses (EventBridge User Guide, "Comparison operators for use in event patterns",
 *   "Content filtering in Amazon EventBridge event patterns"). `anything-but` does not match an absent field.
 * - STS `AssumeRole*` calls are read-only management events: a rule receives them only in state
 *   `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` (EventBridge User Guide, "Receiving read-only management events
 *   from AWS services").
 * - The role is matched ignoring case (`equals-ignore-case`, supported on event buses: EventBridge User Guide,
 *   "Comparison operators for use in event patterns"). CloudTrail's `requestParameters` are "the parameters … sent
 *   with the request" (CloudTrail User Guide, "CloudTrail record contents"), so a call naming `role/Payments-Deploy`
 *   is recorded so spelled; whether STS resolves it to `payments-deploy` is not documented, but IAM role names "are
 *   not distinguished by case" (IAM API Reference, CreateRole), so the call is a probe of this role either way, and no
 *   other role can match (no two roles of an account differ only by case).
 * - Quotas (EventBridge User Guide, "Amazon EventBridge quotas"): 300 rules per event bus per account and Region
 *   (100 in af-south-1 and eu-south-1), adjustable; and 30 rules per event bus containing wildcards, NOT adjustable.
 *   A rule here contains a wildcard only when its trust declares subject patterns.
 */

/** The state that delivers read-only management events (STS `AssumeRole*`) to a rule. */
export const AWS_DETECTION_RULE_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
/** The CloudTrail `detail-type` of API calls on EventBridge. */
export const AWS_CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
/** EventBridge's default quota of rules per event bus, per account and Region (adjustable; 100 in af-south-1, eu-south-1). */
export const AWS_EVENTBRIDGE_RULES_PER_BUS = 300;
/** EventBridge's fixed quota of rules containing wildcards, per event bus (not adjustable). */
export const AWS_EVENTBRIDGE_WILDCARD_RULES_PER_BUS = 30;

/** The Regions whose default quota of rules per event bus is 100, not 300 (EventBridge User Guide, "Amazon EventBridge quotas"). */
const AWS_EVENTBRIDGE_100_RULE_REGIONS: readonly string[] = ['af-south-1', 'eu-south-1'];

/** The Keyless rules counted on one default event bus (one account and Region) so far, the new one included. */
export interface AwsBusRuleCount {
  /** `account 123456789012 in eu-west-1`, or the stack's path when its environment is known only at deployment. */
  readonly bus: string;
  /** The Region, when known (its default quota may differ). */
  readonly region?: string;
  readonly rules: number;
  readonly wildcardRules: number;
}

/** Whether an event pattern contains a wildcard filter (what the 30-rule quota counts). */
export function awsPatternHasWildcard(pattern: AwsDetectionPattern): boolean {
  return JSON.stringify(pattern).includes('"wildcard"');
}

/**
 * Checks the EventBridge quotas of one bus after a Keyless rule is added. Over the 30 rules containing wildcards (not
 * adjustable) the deployment would fail with LimitExceededException: KL-DETECT-RULE-QUOTA. Over the default quota of
 * rules (adjustable): the text of a warning, since the account may have raised it. Only Keyless's own rules are
 * counted; other rules on the bus count too, which the texts say.
 */
export function awsBusQuotaWarning(count: AwsBusRuleCount, newRuleHasWildcard: boolean, ctx: ValidationContext): string | undefined {
  if (newRuleHasWildcard && count.wildcardRules > AWS_EVENTBRIDGE_WILDCARD_RULES_PER_BUS) {
    fail({
      code: 'KL-DETECT-RULE-QUOTA',
      path: ctx.path,
      prop: 'source',
      problem: `declares subject patterns, so its detection rule contains a wildcard, and it is Keyless rule number ${count.wildcardRules} containing `
        + `wildcards on the default event bus of ${count.bus}: EventBridge allows ${AWS_EVENTBRIDGE_WILDCARD_RULES_PER_BUS} rules containing wildcards `
        + 'per event bus, not adjustable (other rules of the account count too), so the deployment would fail',
      fix: 'pin exact subjects (branches, tags) instead of patterns for some of these identities, spread them over accounts or Regions, '
        + 'or opt identities that another rule watches out with `detections: { enabled: false, reason }`',
      docs: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html',
    });
  }
  const quota = count.region !== undefined && AWS_EVENTBRIDGE_100_RULE_REGIONS.includes(count.region) ? 100 : AWS_EVENTBRIDGE_RULES_PER_BUS;
  if (count.rules !== quota + 1) return undefined;
  return `Keyless renders ${count.rules} EventBridge rules on the default event bus of ${count.bus}, over its default quota of ${quota} rules per bus `
    + '(other rules of the account count too): the deployment fails with LimitExceededException unless the account\'s quota was raised '
    + '(the EventBridge "Rules" quota, adjustable in Service Quotas: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html)';
}

/** An EventBridge event pattern as CloudFormation writes it (`detail-type`, not `detailType`). */
export interface AwsDetectionPattern {
  readonly 'source': readonly string[];
  readonly 'detail-type': readonly string[];
  readonly 'detail': Record<string, unknown>;
}

/** The subjects a web identity trust admits: exact `sub` values, and patterns (a literal prefix and one trailing `*`). */
export interface AwsWatchedSubjects {
  readonly exactSubjects: readonly string[];
  readonly subjectPatterns: readonly string[];
}

/** Escapes a literal for an EventBridge `wildcard` value: `\` and `*` are the only escapable characters (event-ruler). */
function wildcardLiteral(value: string): string {
  return value.replace(/[\\*]/g, (c) => `\\${c}`);
}

/**
 * The subject matcher of the foreign branch: anything but the declared subjects. Exact subjects only: a plain
 * `anything-but` list (no wildcard, so the rule stays out of the 30-rule wildcard quota). With patterns: one
 * `anything-but` `wildcard` list, exact subjects escaped, each pattern's prefix escaped and its trailing `*` kept.
 */
export function awsForeignSubjectMatcher(subjects: AwsWatchedSubjects, ctx: ValidationContext): Record<string, unknown> {
  const exact = [...subjects.exactSubjects].sort();
  const patterns = [...subjects.subjectPatterns].sort();
  if (exact.length + patterns.length === 0) {
    fail({
      code: 'KL-DETECT-NO-SUBJECT',
      path: ctx.path,
      prop: 'source',
      problem: 'admits no subject, so no assumption could be told apart from a foreign one',
      fix: 'declare the refs, environments or service account the identity is for',
    });
  }
  for (const pattern of patterns) {
    if (!pattern.endsWith('*') || pattern.slice(0, -1).includes('*')) {
      fail({
        code: 'KL-DETECT-PATTERN',
        path: ctx.path,
        prop: 'source',
        problem: `has the subject pattern ${quote(pattern)}: detections translate only a literal prefix followed by one trailing \`*\``,
        fix: 'declare the pattern as a prefix and a single trailing `*`, e.g. `repo:acme/app:ref:refs/tags/v*`',
      });
    }
  }
  if (patterns.length === 0) return { 'anything-but': exact };
  return { 'anything-but': { wildcard: [...exact.map(wildcardLiteral), ...patterns.map((p) => `${wildcardLiteral(p.slice(0, -1))}*`)] } };
}

/**
 * The pattern of a role assumed with `AssumeRoleWithWebIdentity` (CI trusts, IRSA): calls for this role that were
 * refused (`errorCode` exists) or that succeeded for a subject (`userIdentity.userName`) the trust was not declared
 * for. `roleArn` is the literal ARN when the account is known, else a deploy-time value (the role's `Arn`).
 */
export function awsWebIdentityDetectionPattern(roleArn: string, subjects: AwsWatchedSubjects, ctx: ValidationContext): AwsDetectionPattern {
  return {
    'source': ['aws.sts'],
    'detail-type': [AWS_CLOUDTRAIL_DETAIL_TYPE],
    'detail': {
      eventSource: ['sts.amazonaws.com'],
      eventName: ['AssumeRoleWithWebIdentity'],
      requestParameters: { roleArn: [{ 'equals-ignore-case': roleArn }] },
      $or: [
        { errorCode: [{ exists: true }] },
        { userIdentity: { userName: [awsForeignSubjectMatcher(subjects, ctx)] } },
      ],
    },
  };
}

/**
 * The pattern of a Pod Identity role: refused `AssumeRole` calls for this role (`errorCode` exists). See the module
 * comment for why a foreign service account cannot be matched.
 */
export function awsPodIdentityDetectionPattern(roleArn: string): AwsDetectionPattern {
  return {
    'source': ['aws.sts'],
    'detail-type': [AWS_CLOUDTRAIL_DETAIL_TYPE],
    'detail': {
      eventSource: ['sts.amazonaws.com'],
      eventName: ['AssumeRole'],
      requestParameters: { roleArn: [{ 'equals-ignore-case': roleArn }] },
      errorCode: [{ exists: true }],
    },
  };
}

/** The rule description: `Keyless detections for role NAME: …`, within EventBridge's 512 characters. */
export function awsDetectionDescription(roleName: string, mechanism: 'web-identity' | 'pod-identity'): string {
  const what = mechanism === 'web-identity'
    ? 'refused AssumeRoleWithWebIdentity calls, and assumptions by a subject the trust was not declared for'
    : 'refused AssumeRole calls by EKS Pod Identity';
  return `Keyless detections for role ${roleName}: ${what}`.slice(0, 512);
}

