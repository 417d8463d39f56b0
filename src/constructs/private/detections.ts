import type { IConstruct } from 'constructs';
import {
  AwsDetectionRoute, AzureDetectionRoute, checkAwsDetectionRoute, checkAzureDetectionRoute, checkGcpDetectionRoute, DETECTION_ROUTES_CONTEXT,
  DetectionRoutes, GcpDetectionRoute, resolveDetectionsOption, ResolvedDetections,
} from '../../core/detections';
import { fail, ValidationContext } from '../../core/errors';
import { describeValue, isObject } from '../../core/props';
import { RiskTier } from '../../core/tier';

/**
 * Declares where the detections of every identity under `scope` (an app, stage or stack) are sent. Call it before
 * creating the identities: it sets the `keyless:detections` context value, which the identities read where they sit
 * (a value set on a stack overrides the app's for that stack).
 *
 * @example routeDetections(app, { aws: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:security-alerts' } })
 */
export function routeDetections(scope: IConstruct, routes: DetectionRoutes): void {
  const ctx: ValidationContext = { path: scope.node.path || '(app)', today: '' };
  if (!isObject(routes)) {
    fail({
      code: 'KL-DETECT-ROUTE',
      path: ctx.path,
      prop: 'routes',
      problem: `is ${describeValue(routes)}: expected \`{ aws?, gcp?, azure? }\``,
      fix: 'give the targets, e.g. `routeDetections(app, { aws: { topicArn: "arn:aws:sns:eu-west-1:123456789012:security-alerts" } })`',
    });
  }
  const checked: { aws?: AwsDetectionRoute; gcp?: GcpDetectionRoute; azure?: AzureDetectionRoute } = {};
  if (routes.aws !== undefined) checked.aws = checkAwsDetectionRoute(routes.aws, ctx);
  if (routes.gcp !== undefined) checked.gcp = checkGcpDetectionRoute(routes.gcp, ctx);
  if (routes.azure !== undefined) checked.azure = checkAzureDetectionRoute(routes.azure, ctx);
  scope.node.setContext(DETECTION_ROUTES_CONTEXT, checked);
}

/**
 * The routes in the `keyless:detections` context where `scope` sits. A value given on the CDK command line
 * (`cdk synth -c keyless:detections='{"aws":…}'`) arrives as text: "context values specified on the command line are
 * always strings" (AWS CDK Developer Guide, "Context values", https://docs.aws.amazon.com/cdk/v2/guide/context.html),
 * so JSON text is parsed; anything else that is not an object is a malformed route, never "no route".
 */
function contextRoutes(scope: IConstruct, ctx: ValidationContext): Record<string, unknown> | undefined {
  const value: unknown = scope.node.tryGetContext(DETECTION_ROUTES_CONTEXT);
  if (value === undefined) return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = value;
    }
  }
  if (!isObject(parsed)) {
    fail({
      code: 'KL-DETECT-ROUTE',
      path: ctx.path,
      prop: DETECTION_ROUTES_CONTEXT,
      problem: `is ${describeValue(value)} (context): expected an object \`{ aws?, gcp?, azure? }\`, or its JSON text on the command line`,
      fix: 'declare the targets with `routeDetections(app, { aws: { topicArn: "arn:aws:sns:eu-west-1:123456789012:security-alerts" } })`, '
        + 'or give the JSON object in cdk.json / `-c keyless:detections=\'{"aws":{"topicArn":"…"}}\'`',
    });
  }
  return parsed;
}

type Cloud = 'aws' | 'gcp' | 'azure';
type RouteOf<C extends Cloud> = C extends 'aws' ? AwsDetectionRoute : C extends 'gcp' ? GcpDetectionRoute : AzureDetectionRoute;

/** The decided detections of an identity: off, or on with the validated route of its cloud. */
export type IdentityDetectionDecision<C extends Cloud> =
  | (ResolvedDetections & { readonly enabled: false })
  | { readonly enabled: true; readonly route: RouteOf<C> };

const EXAMPLES: Record<Cloud, string> = {
  aws: '`routeDetections(app, { aws: { topicArn: "arn:aws:sns:eu-west-1:123456789012:security-alerts" } })`',
  gcp: '`routeDetections(app, { gcp: { notificationChannels: ["projects/acme-sec/notificationChannels/123"] } })`',
  azure: '`routeDetections(app, { azure: { actionGroupId: "/subscriptions/…/providers/microsoft.insights/actionGroups/soc", logAnalyticsWorkspaceId: "…" } })`',
};

/**
 * Decides whether an identity is watched (`detections` prop against its tier) and, when it is, finds the route of
 * its cloud where it sits. A watched identity without a route is refused: silently rendering no alert would be
 * weaker than the default promises.
 */
export function identityDetections<C extends Cloud>(
  scope: IConstruct, cloud: C, value: unknown, tier: RiskTier, ctx: ValidationContext,
): IdentityDetectionDecision<C> {
  const resolved = resolveDetectionsOption(value, tier, ctx);
  if (!resolved.enabled) return resolved as IdentityDetectionDecision<C>;
  const routes = contextRoutes(scope, ctx);
  const route = routes?.[cloud];
  if (route === undefined) {
    fail({
      code: 'KL-DETECT-NO-ROUTE',
      path: ctx.path,
      prop: 'detections',
      problem: `is on (${tier === 1 ? 'the default for tier 1' : 'asked for'}) but no ${cloud.toUpperCase()} detection target is declared where the identity sits (context \`${DETECTION_ROUTES_CONTEXT}\`): refused and foreign assumptions would alert no one`,
      fix: `declare the target once, before the identities: ${EXAMPLES[cloud]}; or opt this identity out with \`detections: { enabled: false, reason }\``,
    });
  }
  const check = { aws: checkAwsDetectionRoute, gcp: checkGcpDetectionRoute, azure: checkAzureDetectionRoute }[cloud];
  return { enabled: true, route: check(route, ctx) as RouteOf<C> };
}
