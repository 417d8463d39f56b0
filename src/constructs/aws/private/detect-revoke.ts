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

/** The stack whose deployment deploys `stack`: itself, or the top-level stack of a nested stack. */
function topLevelStack(stack: Stack): Stack {
  let top = stack;
  while (top.nestedStackParent !== undefined) top = top.nestedStackParent;
  return top;
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
  // An environment-agnostic stack's bus is known only at deployment: counted on its own, with its nested stacks, which
  // its deployment creates in its own account and Region (CloudFormation User Guide, "Nested stacks":
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html).
  const bus = account !== undefined && region !== undefined ? `account ${account} in ${region}`
    : `the stack ${topLevelStack(stack).node.path} (environment known only at deployment)`;
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
 * top-level stack; two targets of different Regions in one agnostic stack (its nested stacks included) cannot both
 * hold and are refused.
 */
const pinnedRegions = new WeakMap<Stack, string>();

/** What an agnostic stack's Region is pinned for: the target's ARN and Region, the prop naming it and what it is. */
interface RegionPin {
  readonly arn: string;
  readonly region: string;
  readonly prop: string;
  /** `an SNS topic`, `a target`: the rule's description and the error name it. */
  readonly what: string;
}

function requireTopicRegion(scope: Construct, topicArn: string, ctx: ValidationContext): void {
  requireRegion(scope, { arn: topicArn, region: topicArn.split(':')[3], prop: 'keyless:detections.aws', what: 'an SNS topic' }, ctx);
}

function requireRegion(scope: Construct, pin: RegionPin, ctx: ValidationContext): void {
  // Pinned on the top-level stack: its template's rules are checked before any resource, its nested stacks' included,
  // is created, and its nested stacks deploy in its Region (CloudFormation User Guide, "Nested stacks").
  const stack = topLevelStack(Stack.of(scope));
  const pinned = pinnedRegions.get(stack);
  if (pinned !== undefined) {
    if (pinned === pin.region) return;
    fail({
      code: 'KL-DETECT-ROUTE-REGION',
      path: ctx.path,
      prop: pin.prop,
      problem: `is ${quote(pin.arn)}, ${pin.what === 'an SNS topic' ? 'a topic' : pin.what} in ${pin.region}, but the environment-agnostic stack `
        + `${stack.node.path} already pins its Region to ${pinned} for another ${pin.what === 'an SNS topic' ? 'topic' : 'target'}`,
      fix: pin.prop === 'keyless:detections.aws' ? 'give the stack an explicit `env: { account, region }` and route by Region with `topicArnsByRegion`'
        : `give the stack an explicit \`env: { account, region }\`, or name alarm targets in ${pinned}, the Region the stack is pinned to`,
    });
  }
  pinnedRegions.set(stack, pin.region);
  new CfnRule(stack, AWS_DETECTIONS_REGION_RULE_ID, {
    assertions: [{
      assert: Fn.conditionEquals(Aws.REGION, pin.region),
      assertDescription: `Keyless detections: this stack's EventBridge rules deliver to ${pin.arn}, ${pin.what} in ${pin.region}; `
        + `EventBridge delivers to targets in the rule's own Region only, so deploy the stack to ${pin.region} (or route by Region)`,
    }],
  });
}

/**
 * Wraps an alarm rule's target so that, when the rule binds it, an environment-agnostic stack's Region is pinned to
 * the target's: "the targets you associate with a rule must be in the same Region as the rule" (AWS re:Post, "Why
 * isn't my SNS topic receiving EventBridge notifications?"), and aws-cdk-lib only warns
 * (`@aws-cdk/aws-events:ruleUnresolvedEnvironment`) when the rule's Region is unresolved. A target the stack itself
 * (or another agnostic stack: its export is read in the same Region) creates is in the rule's Region; an event bus
 * may be in another Region (EventBridge User Guide, "Sending and receiving events between AWS Regions",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html); a target
 * whose Region is known only at deployment and is not the stack's is refused. Stacks with an explicit Region are left
 * to aws-cdk-lib, which refuses an imported target of another Region (CannotCreateCrossAccountRuleForImportedResource).
 */
export function regionPinnedTarget(target: events.IRuleTarget, prop: string, what: string, ctx: ValidationContext): events.IRuleTarget {
  return {
    bind: (rule, id) => {
      const config = target.bind(rule, id);
      const stack = Stack.of(rule);
      if (!Token.isUnresolved(stack.region)) return config;
      const resource = config.targetResource as { env?: { region?: string } } | undefined;
      const known = (v: string | undefined) => (v === undefined || Token.isUnresolved(v) ? undefined : v);
      const region = resource !== undefined ? resource.env?.region ?? Stack.of(config.targetResource!).region
        : known(config.arn)?.split(':')[3];
      if (region === stack.region) return config;
      const literal = known(region);
      if (literal !== undefined && literal !== '') {
        const arn = known(config.arn) ?? `${what} in ${literal}`;
        const bus = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\//.test(arn);
        if (!bus) requireRegion(stack, { arn, region: literal, prop, what }, ctx);
        return config;
      }
      fail({
        code: 'KL-DETECT-ROUTE-REGION',
        path: ctx.path,
        prop,
        problem: `is ${what} whose Region is known only at deployment (its ARN is a token) and that this stack does not create, in the environment-agnostic `
          + `stack ${stack.node.path}: no template rule can pin the stack's Region to the target's, and EventBridge delivers to targets in the rule's own `
          + 'Region only, so an alarm might never arrive',
        fix: 'give the stack an explicit `env: { account, region }`, or a target of a literal ARN (e.g. `sns.Topic.fromTopicArn(this, "Alerts", "arn:aws:sns:REGION:ACCOUNT:NAME")`) '
          + 'or one the stack itself creates',
        docs: 'https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification',
      });
    },
  };
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
