import { fail, ValidationContext } from './errors';
import { describeValue, isObject } from './props';
import { RiskTier } from './tier';

/**
 * Whether an identity is watched: every federated identity of tier 1 is, unless it opts out with a reason; tiers 2
 * and 3 opt in. A watched identity alerts on refused assumptions (a token its trust rejects) and on assumptions
 * from a subject or principal it was not declared for, routed to the target the platform team names once (see
 * {@link DetectionRoutes}).
 */
export interface IdentityDetectionsOptions {
  /**
   * Whether the detections are rendered.
   *
   * @default - true for tier 1, false for tiers 2 and 3
   */
  readonly enabled: boolean;
  /**
   * Why a tier 1 identity is not watched (required when `enabled` is false on tier 1), e.g. `watched by the SOC's
   * own CloudTrail rules SEC-881`. 3–100 characters of letters, digits, spaces and `_ . : / = + - @`.
   */
  readonly reason?: string;
}

/** The effective detections of an identity. */
export interface ResolvedDetections {
  /** Whether the detections are rendered. */
  readonly enabled: boolean;
  /** The opt-out reason of a tier 1 identity that is not watched. */
  readonly optOutReason?: string;
}

/**
 * Where AWS detections are sent: an SNS topic by literal ARN, per Region. An EventBridge rule delivers to targets of
 * its own Region only, so each Region with watched roles needs its topic there.
 */
export interface AwsDetectionRoute {
  /**
   * The SNS topic's ARN, literally, e.g. `arn:aws:sns:eu-west-1:123456789012:security-alerts`: the target of rules
   * in its Region (and of environment-agnostic stacks, whose Region is not known at synthesis). Its access policy
   * must allow `events.amazonaws.com` to `sns:Publish` (and its KMS key, if any, to be used by EventBridge).
   *
   * @default - none: `topicArnsByRegion` names every Region's topic
   */
  readonly topicArn?: string;
  /**
   * One topic per Region, by Region name, e.g. `{ "us-east-1": "arn:aws:sns:us-east-1:123456789012:security-alerts" }`;
   * a Region listed here takes its topic from here, before `topicArn`.
   *
   * @default - none
   */
  readonly topicArnsByRegion?: Record<string, string>;
}

/** Where GCP detections are sent: Cloud Monitoring notification channels, by full name. */
export interface GcpDetectionRoute {
  /** Notification channel names, `projects/PROJECT/notificationChannels/ID` (1–16). */
  readonly notificationChannels: string[];
}

/** Where Azure detections are sent: an action group, and the Log Analytics workspace the sign-in logs go to. */
export interface AzureDetectionRoute {
  /** The action group's resource id, `/subscriptions/…/resourceGroups/…/providers/microsoft.insights/actionGroups/NAME`. */
  readonly actionGroupId: string;
  /**
   * The Log Analytics workspace receiving the tenant's Entra ID sign-in logs (diagnostic setting
   * `ManagedIdentitySignInLogs`), by resource id.
   *
   * @default - none: no query alert can be written, and the inventory reports the identity as not watched
   */
  readonly logAnalyticsWorkspaceId?: string;
}

/**
 * The detection targets of an app, stage or stack, declared once by the platform team with `routeDetections(scope,
 * routes)` (or the `keyless:detections` context value, e.g. in `cdk.json`), before the identities are created.
 */
export interface DetectionRoutes {
  /** AWS: the SNS topic. */
  readonly aws?: AwsDetectionRoute;
  /** GCP: the notification channels. */
  readonly gcp?: GcpDetectionRoute;
  /** Azure: the action group and workspace. */
  readonly azure?: AzureDetectionRoute;
}

/** The context key holding the {@link DetectionRoutes}. */
export const DETECTION_ROUTES_CONTEXT = 'keyless:detections';

// The AWS IAM tag value character set ([\p{L}\p{Z}\p{N}_.:/=+\-@]*, IAM TagRole API), the strictest target: the reason is written as a tag or label.
const REASON = /^[\p{L}\p{N} _.:/=+\-@]{3,100}$/u;

/**
 * Resolves an identity's `detections` prop against its tier.
 */
export function resolveDetectionsOption(value: unknown, tier: RiskTier, ctx: ValidationContext, prop = 'detections'): ResolvedDetections {
  if (value === undefined) return { enabled: tier === 1 };
  if (!isObject(value) || typeof value.enabled !== 'boolean') {
    fail({
      code: 'KL-DETECT-INVALID',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}: expected \`{ enabled: true }\` or \`{ enabled: false, reason }\``,
      fix: 'leave it out (tier 1 identities are watched by default), or give `{ enabled: false, reason: "why this identity is watched elsewhere" }`',
    });
  }
  if (value.enabled) return { enabled: true };
  if (tier !== 1) return { enabled: false };
  if (typeof value.reason !== 'string' || !REASON.test(value.reason)) {
    fail({
      code: 'KL-DETECT-OPT-OUT',
      path: ctx.path,
      prop: `${prop}.reason`,
      problem: `is ${describeValue(value.reason)}: a tier 1 identity is watched for refused and foreign assumptions unless the opt-out says why, in 3–100 characters of letters, digits, spaces and \`_ . : / = + - @\` (it is written as a tag or label)`,
      fix: 'give the reason, e.g. `detections: { enabled: false, reason: "watched by the SOC CloudTrail rules SEC-881" }`, or remove `detections`',
    });
  }
  return { enabled: false, optOutReason: value.reason };
}

const SNS_TOPIC_ARN = /^arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;
const GCP_CHANNEL = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/notificationChannels\/[0-9]{1,20}$/;
const AZURE_ACTION_GROUP = /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w._()]{1,90}\/providers\/microsoft\.insights\/actionGroups\/[-\w.]{1,260}$/i;
const AZURE_WORKSPACE = /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w._()]{1,90}\/providers\/microsoft\.operationalinsights\/workspaces\/[-A-Za-z0-9]{4,63}$/i;

function badRoute(ctx: ValidationContext, prop: string, value: unknown, expected: string, example: string): never {
  fail({
    code: 'KL-DETECT-ROUTE',
    path: ctx.path,
    prop: `${DETECTION_ROUTES_CONTEXT}.${prop}`,
    problem: `is ${describeValue(value)}: expected ${expected} (detections are routed there; a token or a typo would send them nowhere)`,
    fix: `give it literally, e.g. ${example}`,
  });
}

/** Validates the AWS route. */
export function checkAwsDetectionRoute(value: unknown, ctx: ValidationContext): AwsDetectionRoute {
  const example = '`routeDetections(app, { aws: { topicArn: "arn:aws:sns:eu-west-1:123456789012:security-alerts" } })`';
  const topicArn = isObject(value) ? value.topicArn : undefined;
  const byRegion = isObject(value) ? value.topicArnsByRegion : undefined;
  if (topicArn === undefined && byRegion === undefined) {
    badRoute(ctx, 'aws.topicArn', topicArn, 'an SNS topic ARN `arn:aws:sns:REGION:ACCOUNT:NAME` (or `topicArnsByRegion`)', example);
  }
  if (topicArn !== undefined && (typeof topicArn !== 'string' || !SNS_TOPIC_ARN.test(topicArn))) {
    badRoute(ctx, 'aws.topicArn', topicArn, 'an SNS topic ARN `arn:aws:sns:REGION:ACCOUNT:NAME`', example);
  }
  const regions: Record<string, string> = {};
  if (byRegion !== undefined) {
    if (!isObject(byRegion)) {
      badRoute(ctx, 'aws.topicArnsByRegion', byRegion, 'an object of Region name to SNS topic ARN', '`topicArnsByRegion: { "us-east-1": "arn:aws:sns:us-east-1:123456789012:security-alerts" }`');
    }
    for (const region of Object.keys(byRegion).sort()) {
      const arn = byRegion[region];
      if (typeof arn !== 'string' || !SNS_TOPIC_ARN.test(arn) || arn.split(':')[3] !== region) {
        badRoute(ctx, `aws.topicArnsByRegion.${region}`, arn, `an SNS topic ARN of the Region ${region}, \`arn:aws:sns:${region}:ACCOUNT:NAME\``,
          `\`topicArnsByRegion: { "${region}": "arn:aws:sns:${region}:123456789012:security-alerts" }\``);
      }
      regions[region] = arn;
    }
  }
  return {
    ...(topicArn === undefined ? {} : { topicArn: topicArn as string }),
    ...(byRegion === undefined ? {} : { topicArnsByRegion: regions }),
  };
}

/** The route's topic for a rule in `region` (undefined when the stack's Region is not known at synthesis). */
export function awsDetectionTopic(route: AwsDetectionRoute, region: string | undefined): string | undefined {
  return (region === undefined ? undefined : route.topicArnsByRegion?.[region]) ?? route.topicArn;
}

/** Validates the GCP route. */
export function checkGcpDetectionRoute(value: unknown, ctx: ValidationContext): GcpDetectionRoute {
  const channels = isObject(value) ? value.notificationChannels : undefined;
  if (!Array.isArray(channels) || channels.length === 0 || channels.length > 16) {
    badRoute(ctx, 'gcp.notificationChannels', channels, '1–16 notification channel names',
      '`routeDetections(app, { gcp: { notificationChannels: ["projects/acme-sec/notificationChannels/123"] } })`');
  }
  for (const [i, channel] of channels.entries()) {
    if (typeof channel !== 'string' || !GCP_CHANNEL.test(channel)) {
      badRoute(ctx, `gcp.notificationChannels[${i}]`, channel, 'a notification channel name `projects/PROJECT_ID/notificationChannels/NUMBER`',
        '"projects/acme-sec/notificationChannels/123"');
    }
  }
  return { notificationChannels: [...new Set(channels as string[])].sort() };
}

/** Validates the Azure route. */
export function checkAzureDetectionRoute(value: unknown, ctx: ValidationContext): AzureDetectionRoute {
  const actionGroupId = isObject(value) ? value.actionGroupId : undefined;
  if (typeof actionGroupId !== 'string' || !AZURE_ACTION_GROUP.test(actionGroupId)) {
    badRoute(ctx, 'azure.actionGroupId', actionGroupId, 'an action group resource id `/subscriptions/ID/resourceGroups/RG/providers/microsoft.insights/actionGroups/NAME`',
      '"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.insights/actionGroups/soc"');
  }
  const workspace = (value as Record<string, unknown>).logAnalyticsWorkspaceId;
  if (workspace !== undefined && (typeof workspace !== 'string' || !AZURE_WORKSPACE.test(workspace))) {
    badRoute(ctx, 'azure.logAnalyticsWorkspaceId', workspace, 'a Log Analytics workspace resource id `/subscriptions/ID/resourceGroups/RG/providers/microsoft.operationalinsights/workspaces/NAME`',
      '"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.operationalinsights/workspaces/signins"');
  }
  return workspace === undefined ? { actionGroupId } : { actionGroupId, logAnalyticsWorkspaceId: workspace as string };
}
