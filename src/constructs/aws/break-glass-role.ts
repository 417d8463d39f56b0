import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Duration, Tags } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { checkManagedPolicyListProp, checkManagedPolicyProp, checkPolicyStatementListProp } from './private/props';
import {
  AwsBreakGlassHuman, awsBreakGlassConditions, BREAK_GLASS_DEFAULT_MFA_AGE_SECONDS, BREAK_GLASS_SESSION_SECONDS, BreakGlassExpiry,
  checkAwsBreakGlassHumans, checkMfaAge, resolveBreakGlassExpiry, requireBreakGlassTier,
} from '../../core/break-glass';
import { fail } from '../../core/errors';
import { awsRoleDescription, checkAwsRoleName, checkIdentityName } from '../../core/names';
import { AWS_BREAK_GLASS_TAG, awsOwnershipTags, OWNERSHIP_PREFIX, Ownership, resolveOwnership } from '../../core/ownership';
import { checkDurationSeconds, checkListProp, checkObjectListProp, checkObjectProp, checkPropsObject } from '../../core/props';
import { resolveRevocation, Revocation } from '../../core/revocation';
import { awsRevokedTrustStatement } from '../../core/trust/aws-revocation';
import { validationContext } from '../private/context';
import { countBusRule, regionPinnedTarget, renderAwsRevokedPolicyAndTags } from './private/detect-revoke';
import { claimAwsRoleName } from './private/role-name';

/** Props of an AWS {@link BreakGlassRole}. */
export interface BreakGlassRoleProps {
  /** Logical name (6–30 characters of `[a-z0-9-]`); the role is named after it. */
  readonly name: string;
  /** Ownership. Break-glass is always tier 1. */
  readonly ownership: Ownership;
  /** The named humans who may assume the role, each with the source identity they must set. */
  readonly humans: AwsBreakGlassHuman[];
  /** The date (`YYYY-MM-DD`, UTC) the trust stops admitting anyone. Mandatory; at most `maxExpiryDays` ahead. */
  readonly expires: string;
  /** Bound on `expires`, in days. @default 90 */
  readonly maxExpiryDays?: number;
  /** Maximum age of the MFA authentication (`aws:MultiFactorAuthAge`). @default Duration.minutes(15) */
  readonly maxMfaAge?: Duration;
  /** The permissions, explicitly. There is no default: at least one statement or managed policy is required. */
  readonly statements?: iam.PolicyStatement[];
  /** Managed policies, explicitly. @default - none */
  readonly managedPolicies?: iam.IManagedPolicy[];
  /** Permissions boundary. @default - none */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /**
   * SNS topic notified of every assumption. Give this or `alarmTargets`.
   *
   * EventBridge delivers to targets in the rule's own Region only: in an environment-agnostic stack, a template rule
   * (`KeylessDetectionsRegion`) refuses a deployment outside the Region of a topic (or target) named by a literal ARN, and a target
   * whose Region is known only at deployment is refused unless the stack itself creates it.
   */
  readonly alarmTopic?: sns.ITopic;
  /** Other EventBridge targets notified of every assumption (the Region rule of `alarmTopic` applies). @default - none */
  readonly alarmTargets?: events.IRuleTarget[];
  /** @default - `name` */
  readonly roleName?: string;
  /**
   * Revokes the role before its expiry: the trust gains an explicit `Deny` (Sid `KeylessRevoked`) of every
   * trust action (`sts:AssumeRole*`, `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`) for every principal
   * (`"Principal": "*"`), so no statement, not even one added later, issues a new session, and the inline policy `keyless-revoked`
   * denies every action to sessions issued before `sessionsIssuedBefore` (`aws:TokenIssueTime`), as the IAM
   * console's "Revoke active sessions" does. Tagged `keyless:revoked` and `keyless:revoked-reason`; the alarm rule
   * stays.
   *
   * @default - not revoked
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
   */
  readonly revoked?: Revocation;
}

/**
 * Emergency access on AWS: a role only the named humans can assume, with MFA present and recent, their source
 * identity set (so every CloudTrail event of the session, through role chaining, names them), for at most one hour,
 * until an expiry after which the trust denies by itself; explicit permissions only; and an EventBridge rule that
 * notifies on every `AssumeRole` of the role.
 *
 * The alarm rule receives CloudTrail events of the region it is deployed in: deploy it where the humans call STS
 * (regional endpoints), and keep a CloudTrail trail enabled.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
 */
export class BreakGlassRole extends Construct {
  /** The role. */
  public readonly role: iam.IRole;
  /** Role name. */
  public readonly roleName: string;
  /** The resolved expiry. */
  public readonly expiry: BreakGlassExpiry;
  /** The humans admitted. */
  public readonly humans: readonly AwsBreakGlassHuman[];
  /** The alarm rule. */
  public readonly alarmRule: events.Rule;
  /** Always one hour. */
  public readonly maxSessionDuration = Duration.seconds(BREAK_GLASS_SESSION_SECONDS);
  /** The validated ownership. */
  public readonly ownership: Ownership;
  /** The revocation, when the role is revoked. */
  public readonly revocation?: Revocation;

  constructor(scope: Construct, id: string, props: BreakGlassRoleProps) {
    super(scope, id);
    const ctx = validationContext(this);
    checkPropsObject(props, ctx, '{ name, ownership, humans, expires, statements, alarmTopic }');
    this.ownership = resolveOwnership(props.ownership, ctx);
    requireBreakGlassTier(this.ownership, ctx);
    const name = checkIdentityName(props.name, ctx);
    this.roleName = checkAwsRoleName(props.roleName ?? name, ctx);
    claimAwsRoleName(this, this.roleName);
    // Sparse lists first: `map` skips an empty slot, which would leave a hole where a human is expected.
    checkListProp(props.humans, ctx, 'humans');
    this.humans = checkAwsBreakGlassHumans(props.humans, ctx);
    this.expiry = resolveBreakGlassExpiry(props.expires, ctx, props.maxExpiryDays);
    const mfaAge = checkMfaAge(checkDurationSeconds(props.maxMfaAge, ctx, 'maxMfaAge') ?? BREAK_GLASS_DEFAULT_MFA_AGE_SECONDS, ctx);
    const statements = checkPolicyStatementListProp(props.statements, ctx, 'statements');
    const managedPolicies = checkManagedPolicyListProp(props.managedPolicies, ctx, 'managedPolicies');
    const permissionsBoundary = checkManagedPolicyProp(props.permissionsBoundary, ctx, 'permissionsBoundary');
    this.revocation = resolveRevocation(props.revoked, ctx);
    const alarmTopic = checkObjectProp<sns.ITopic | undefined>(props.alarmTopic, ctx, 'alarmTopic', {
      optional: true,
      expected: 'an SNS topic (`sns.ITopic`, with its `topicArn`)',
      fix: 'give the security team\'s SNS topic, e.g. `alarmTopic: sns.Topic.fromTopicArn(this, "Alerts", arn)`',
      strings: ['topicArn'],
    });
    const alarmTargets = checkObjectListProp<events.IRuleTarget>(props.alarmTargets, ctx, 'alarmTargets', {
      expected: 'an EventBridge rule target (`events.IRuleTarget`, with a `bind` function)',
      fix: 'give targets from aws-cdk-lib/aws-events-targets, e.g. `new targets.SqsQueue(queue)`',
      methods: ['bind'],
    });
    if (statements.length === 0 && managedPolicies.length === 0) {
      fail({
        code: 'KL-BG-NO-PERMISSIONS',
        path: ctx.path,
        prop: 'statements',
        problem: 'and `managedPolicies` are both empty: break-glass permissions are always explicit (there is no default administrator policy)',
        fix: 'grant what the emergency runbook needs, e.g. `statements: [new iam.PolicyStatement({ actions: ["eks:UpdateNodegroupConfig"], resources: [nodegroupArn] })]`',
      });
    }
    if (alarmTopic === undefined && alarmTargets.length === 0) {
      fail({
        code: 'KL-BG-NO-ALARM',
        path: ctx.path,
        prop: 'alarmTopic',
        problem: 'is missing and no `alarmTargets` are given: every use of break-glass access must raise an alert',
        fix: 'give the security team\'s SNS topic, e.g. `alarmTopic: sns.Topic.fromTopicArn(this, "Alerts", arn)`',
      });
    }

    const role = new iam.Role(this, 'Role', {
      roleName: this.roleName,
      description: awsRoleDescription(`Break-glass until ${this.expiry.date}. Owner ${this.ownership.owner}: ${this.ownership.purpose}`),
      assumedBy: new iam.ArnPrincipal(this.humans[0].principalArn),
      maxSessionDuration: this.maxSessionDuration,
      permissionsBoundary,
      managedPolicies: managedPolicies.length > 0 ? managedPolicies : undefined,
    });
    // Every string of the trust below is validated to exclude `$` (core/break-glass: IAM user or role ARNs,
    // source identities of `[\w+=,.@-]`, an ISO date), so none can read as an IAM policy variable.
    // The trust is written whole, one statement per human: aws-cdk-lib has no principal for sts:SetSourceIdentity.
    const actions = ['sts:AssumeRole', 'sts:SetSourceIdentity'];
    const allows: object[] = this.humans.map((human, i) => ({
      Sid: `BreakGlass${i}${human.sourceIdentity.replace(/[^A-Za-z0-9]/g, '')}`,
      Effect: 'Allow',
      Principal: { AWS: human.principalArn },
      Action: actions,
      Condition: awsBreakGlassConditions(human, this.expiry, mfaAge),
    }));
    const denies = this.revocation === undefined ? []
      : [awsRevokedTrustStatement()];
    (role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument = { Version: '2012-10-17', Statement: [...allows, ...denies] };
    if (statements.length > 0) {
      new iam.Policy(this, 'Permissions', { policyName: `${this.roleName}-permissions`, roles: [role], statements });
    }
    const tags = { ...awsOwnershipTags(this.ownership), [AWS_BREAK_GLASS_TAG]: 'true', [`${OWNERSHIP_PREFIX.aws}expires`]: this.expiry.date };
    for (const [key, value] of Object.entries(tags)) Tags.of(role).add(key, value);
    if (this.revocation !== undefined) renderAwsRevokedPolicyAndTags(this, role, this.revocation);

    this.alarmRule = new events.Rule(this, 'AssumeRoleAlarm', {
      description: `Break-glass role ${this.roleName} was assumed`,
      eventPattern: {
        source: ['aws.sts'],
        detailType: ['AWS API Call via CloudTrail'],
        // The role ignoring case, as the detection rules match it (core/detections/aws.ts: a probe naming `role/Payments-…`).
        detail: { eventName: ['AssumeRole'], requestParameters: { roleArn: [{ 'equals-ignore-case': role.roleArn }] } },
      },
    });
    // AssumeRole is a read-only management event: only this state delivers it (EventBridge, "Receiving read-only management events from AWS services").
    (this.alarmRule.node.defaultChild as events.CfnRule).state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
    // In an environment-agnostic stack, the Region is pinned to the targets' (private/detect-revoke.ts regionPinnedTarget).
    if (alarmTopic) this.alarmRule.addTarget(regionPinnedTarget(new targets.SnsTopic(alarmTopic), 'alarmTopic', 'an SNS topic', ctx));
    alarmTargets.forEach((target, i) => this.alarmRule.addTarget(regionPinnedTarget(target, `alarmTargets[${i}]`, 'a target', ctx)));
    // The alarm is a rule of the default bus too (no wildcard): counted with the detection rules against its quota.
    countBusRule(this, false, ctx);
    this.role = role;
  }
}
