import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Annotations, Aws, CfnRule, Fn, Stack, Tags, Token } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { awsDetectionTopic, ResolvedDetections } from '../../../core/detections';
import { AWS_DETECTION_RULE_STATE, awsBusQuotaWarning, AwsDetectionPattern, awsPatternHasWildcard } from '../../../core/detections/aws';
import { fail, quote, ValidationContext } from '../../../core/errors';
import { OWNERSHIP_PREFIX } from '../../../core/ownership';
import { Revocation } from '../../../core/revocation';
import {
  AWS_REVOKED_POLICY_NAME, awsRevokedSessionsStatement, awsRevokedTags, awsRevokedTrustStatement,
} from '../../../core/trust/aws-revocation';
import { IdentityDetectionDecision } from '../../private/detections';

/** The role tag carrying the opt-out reason of a tier 1 identity that is not watched. */
export const AWS_DETECTIONS_OPT_OUT_TAG = `${OWNERSHIP_PREFIX.aws}detections-opt-out`;

/** The readable form of a detections decision (without the route). */
export function resolvedDetections(decision: IdentityDetectionDecision<'aws'>): ResolvedDetections {
  if (decision.enabled) return { enabled: true };
  return decision.optOutReason === undefined ? { enabled: false } : { enabled: false, optOutReason: decision.optOutReason };
}

/**
 * Renders the decided detections of a role: the one rule `Detections` (default bus, all management events, the
 * route's SNS topic as its one target), or the opt-out tag. Returns the rule, if any.
 */
export function renderAwsDetections(
  scope: Construct, role: iam.Role, decision: IdentityDetectionDecision<'aws'>, pattern: () => AwsDetectionPattern, description: string,
  ctx: ValidationContext,
): events.CfnRule | undefined {
  if (!decision.enabled) {
    if (decision.optOutReason !== undefined) Tags.of(role).add(AWS_DETECTIONS_OPT_OUT_TAG, decision.optOutReason);
    return undefined;
  }
  // "The targets you associate with a rule must be in the same Region as the rule" (AWS re:Post, "Why isn't my SNS
  // topic receiving EventBridge notifications?"; only event buses can be cross-Region targets): refused here.
  const stackRegion = Stack.of(scope).region;
  const region = Token.isUnresolved(stackRegion) ? undefined : stackRegion;
  const topicArn = awsDetectionTopic(decision.route, region);
  if (topicArn === undefined || (region !== undefined && topicArn.split(':')[3] !== region)) {
    const given = topicArn === undefined ? 'names no topic for this Region' : `is ${quote(topicArn)}, a topic in ${topicArn.split(':')[3]}`;
    if (region === undefined) {
      fail({
        code: 'KL-DETECT-ROUTE-REGION',
        path: ctx.path,
        prop: 'keyless:detections.aws.topicArn',
        problem: 'is not given and the stack is environment-agnostic (its Region is known only at deployment), so `topicArnsByRegion` cannot pick the rule\'s topic',
        fix: 'give the stack an explicit `env: { account, region }`, or a `topicArn` for the Region it deploys to',
      });
    }
    fail({
      code: 'KL-DETECT-ROUTE-REGION',
      path: ctx.path,
      prop: 'keyless:detections.aws',
      problem: `${given}, but the role's detection rule is in ${region}: EventBridge delivers to targets in the rule's own Region only, so no alert would arrive`,
      fix: `name a topic of ${region}: \`routeDetections(app, { aws: { topicArnsByRegion: { "${region}": "arn:aws:sns:${region}:ACCOUNT:NAME" } } })\``,
      docs: 'https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification',
    });
  }
  if (region === undefined) requireTopicRegion(scope, topicArn, ctx);
  // The L1 rule: aws-cdk-lib's L2 refuses an imported topic of another account or Region as a target
  // (CannotCreateCrossAccountRuleForImportedResource), and the route names the platform team's topic by ARN.
  const eventPattern = pattern();
  const rule = new events.CfnRule(scope, 'Detections', {
    description,
    eventPattern,
    // STS AssumeRole* are read-only management events: only this state delivers them (EventBridge, "Receiving read-only management events from AWS services").
    state: AWS_DETECTION_RULE_STATE,
    targets: [{ id: 'Target0', arn: topicArn }],
  });
  countBusRule(scope, awsPatternHasWildcard(eventPattern), ctx);
  return rule;
}

/** Keyless's rules per default event bus (account and Region), app-wide: every stack of an account and Region shares one bus. */
const busCounts = new WeakMap<object, Map<string, { rules: number; wildcardRules: number }>>();

/**
 * Counts a rendered rule on its bus and checks the EventBridge quotas (core/detections/aws.ts awsBusQuotaWarning):
 * over the 30 wildcard rules, KL-DETECT-RULE-QUOTA (thrown after the rule is rendered, so the tree shows the rule
 * counted); over the adjustable rule quota, a warning on the stack. Linear: one map entry per bus.
 */
export function countBusRule(scope: Construct, wildcard: boolean, ctx: ValidationContext): void {
  const stack = Stack.of(scope);
  const known = (v: string) => (Token.isUnresolved(v) ? undefined : v);
  const [account, region] = [known(stack.account), known(stack.region)];
  // An environment-agnostic stack's bus is known only at deployment: counted on its own.
  const bus = account !== undefined && region !== undefined ? `account ${account} in ${region}` : `the stack ${stack.node.path} (environment known only at deployment)`;
  const root = scope.node.root;
  const counts = busCounts.get(root) ?? new Map<string, { rules: number; wildcardRules: number }>();
  busCounts.set(root, counts);
  const count = counts.get(bus) ?? { rules: 0, wildcardRules: 0 };
  count.rules += 1;
  if (wildcard) count.wildcardRules += 1;
  counts.set(bus, count);
  const warning = awsBusQuotaWarning({ bus, ...(region !== undefined ? { region } : {}), ...count }, wildcard, ctx);
  if (warning !== undefined) Annotations.of(stack).addWarningV2('@keyless/constructs:detect-rule-quota', warning);
}

/** Id of the template rule (CloudFormation `Rules`) of an environment-agnostic stack that pins its Region. */
export const AWS_DETECTIONS_REGION_RULE_ID = 'KeylessDetectionsRegion';

/**
 * An environment-agnostic stack's detection rules target the one `topicArn`, whose Region is fixed, while the stack
 * may deploy anywhere: a template rule (CloudFormation User Guide, "Rules": assertions checked before any resource
 * is created, `Fn::Equals`) refuses the deployment in another Region, where EventBridge could not deliver. Once per
 * stack; two topics of different Regions in one agnostic stack cannot both hold and are refused.
 */
const pinnedRegions = new WeakMap<Stack, string>();

function requireTopicRegion(scope: Construct, topicArn: string, ctx: ValidationContext): void {
  const stack = Stack.of(scope);
  const topicRegion = topicArn.split(':')[3];
  const pinned = pinnedRegions.get(stack);
  if (pinned !== undefined) {
    if (pinned === topicRegion) return;
    fail({
      code: 'KL-DETECT-ROUTE-REGION',
      path: ctx.path,
      prop: 'keyless:detections.aws',
      problem: `is ${quote(topicArn)}, a topic in ${topicRegion}, but the environment-agnostic stack ${stack.node.path} already pins its Region to ${pinned} for another topic`,
      fix: 'give the stack an explicit `env: { account, region }` and route by Region with `topicArnsByRegion`',
    });
  }
  pinnedRegions.set(stack, topicRegion);
  new CfnRule(stack, AWS_DETECTIONS_REGION_RULE_ID, {
    assertions: [{
      assert: Fn.conditionEquals(Aws.REGION, topicRegion),
      assertDescription: `Keyless detections: this stack's EventBridge rules deliver to ${topicArn}, an SNS topic in ${topicRegion}; `
        + `EventBridge delivers to targets in the rule's own Region only, so deploy the stack to ${topicRegion} (or route by Region)`,
    }],
  });
}

/**
 * Renders a revocation on a role whose trust aws-cdk-lib writes: the `KeylessRevoked` deny appended to its trust,
 * the `keyless-revoked` policy and the tags.
 */
export function renderAwsRevocation(scope: Construct, role: iam.Role, revocation: Revocation | undefined): void {
  if (revocation === undefined) return;
  role.assumeRolePolicy!.addStatements(iam.PolicyStatement.fromJson(awsRevokedTrustStatement()));
  renderAwsRevokedPolicyAndTags(scope, role, revocation);
}

/** The `keyless-revoked` policy (AWS::IAM::Policy on the role) and the revocation tags. */
export function renderAwsRevokedPolicyAndTags(scope: Construct, role: iam.Role, revocation: Revocation): void {
  new iam.Policy(scope, 'Revoked', {
    policyName: AWS_REVOKED_POLICY_NAME,
    roles: [role],
    statements: [iam.PolicyStatement.fromJson(awsRevokedSessionsStatement(revocation))],
  });
  for (const [key, value] of Object.entries(awsRevokedTags(revocation))) Tags.of(role).add(key, value);
}
