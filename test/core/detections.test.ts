import { awsDetectionTopic, checkAwsDetectionRoute, checkAzureDetectionRoute, checkGcpDetectionRoute, resolveDetectionsOption } from '../../src/core/detections';

const ctx = { path: 'App/Stack/Deploy', today: '2026-12-03' };
const SUB = '00000000-0000-0000-0000-000000000000';

describe('detections option against the tier', () => {
  test('GIVEN no prop THEN tier 1 is watched and tiers 2 and 3 are not', () => {
    expect(resolveDetectionsOption(undefined, 1, ctx)).toEqual({ enabled: true });
    expect(resolveDetectionsOption(undefined, 2, ctx)).toEqual({ enabled: false });
    expect(resolveDetectionsOption(undefined, 3, ctx)).toEqual({ enabled: false });
  });

  test('GIVEN tiers 2 and 3 THEN they opt in; their opt-out needs no reason', () => {
    expect(resolveDetectionsOption({ enabled: true }, 3, ctx)).toEqual({ enabled: true });
    expect(resolveDetectionsOption({ enabled: false }, 2, ctx)).toEqual({ enabled: false });
  });

  test('GIVEN a tier 1 opt-out THEN it needs a reason, which is kept', () => {
    expect(resolveDetectionsOption({ enabled: false, reason: 'watched by the SOC CloudTrail rules SEC-881' }, 1, ctx))
      .toEqual({ enabled: false, optOutReason: 'watched by the SOC CloudTrail rules SEC-881' });
    // A comma or parentheses: IAM tag values refuse them, and the reason is written as a tag.
    for (const reason of [undefined, '', 'no', 'x'.repeat(101), 'a ${b}', 'watched by the SOC, SEC-881', 'SOC (SEC-881)']) {
      expect(() => resolveDetectionsOption({ enabled: false, reason }, 1, ctx)).toThrow(
        `[KL-DETECT-OPT-OUT] App/Stack/Deploy: \`detections.reason\` is ${reason === undefined ? 'undefined' : JSON.stringify(reason)}: a tier 1 identity is watched for refused and foreign assumptions unless the opt-out says why, in 3–100 characters of letters, digits, spaces and \`_ . : / = + - @\` (it is written as a tag or label). Fix: give the reason, e.g. \`detections: { enabled: false, reason: "watched by the SOC CloudTrail rules SEC-881" }\`, or remove \`detections\`.`);
    }
  });

  test.each([false, 'off', {}, { enabled: 'false' }, null])('GIVEN %p THEN it is refused, never read as off', (value) => {
    expect(() => resolveDetectionsOption(value, 1, ctx)).toThrow(/^\[KL-DETECT-INVALID\] App\/Stack\/Deploy: `detections` is .*: expected `\{ enabled: true \}` or `\{ enabled: false, reason \}`\. Fix: /);
  });
});

describe('detection routes', () => {
  test('AWS: an SNS topic ARN, literal', () => {
    expect(checkAwsDetectionRoute({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:security-alerts' }, ctx)).toEqual({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:security-alerts' });
    expect(checkAwsDetectionRoute({ topicArn: 'arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts.fifo' }, ctx).topicArn).toMatch(/fifo$/);
    for (const topicArn of ['${Token[TOKEN.12]}', 'arn:aws:sqs:eu-west-1:123456789012:q', 'arn:aws:sns:eu-west-1:12345678901:t', 'security-alerts']) {
      expect(() => checkAwsDetectionRoute({ topicArn }, ctx)).toThrow(
        `[KL-DETECT-ROUTE] App/Stack/Deploy: \`keyless:detections.aws.topicArn\` is ${JSON.stringify(topicArn)}: expected an SNS topic ARN \`arn:aws:sns:REGION:ACCOUNT:NAME\` (detections are routed there; a token or a typo would send them nowhere). Fix: give it literally, e.g. \`routeDetections(app, { aws: { topicArn: "arn:aws:sns:eu-west-1:123456789012:security-alerts" } })\`.`);
    }
  });

  test('GCP: 1–16 channel names, deduplicated and sorted', () => {
    expect(checkGcpDetectionRoute({ notificationChannels: ['projects/acme-sec/notificationChannels/2', 'projects/acme-sec/notificationChannels/1', 'projects/acme-sec/notificationChannels/2'] }, ctx))
      .toEqual({ notificationChannels: ['projects/acme-sec/notificationChannels/1', 'projects/acme-sec/notificationChannels/2'] });
    expect(() => checkGcpDetectionRoute({ notificationChannels: [] }, ctx)).toThrow(/^\[KL-DETECT-ROUTE\] App\/Stack\/Deploy: `keyless:detections.gcp.notificationChannels` is \[\]: expected 1–16 notification channel names/);
    expect(() => checkGcpDetectionRoute({ notificationChannels: ['projects/acme-sec/notificationChannels/1', 'channels/2'] }, ctx))
      .toThrow(/^\[KL-DETECT-ROUTE\] App\/Stack\/Deploy: `keyless:detections.gcp.notificationChannels\[1\]` is "channels\/2": expected a notification channel name/);
  });

  test('Azure: an action group id, and optionally a workspace id', () => {
    const actionGroupId = `/subscriptions/${SUB}/resourceGroups/security/providers/microsoft.insights/actionGroups/soc`;
    const logAnalyticsWorkspaceId = `/subscriptions/${SUB}/resourceGroups/security/providers/Microsoft.OperationalInsights/workspaces/entra-signins`;
    expect(checkAzureDetectionRoute({ actionGroupId }, ctx)).toEqual({ actionGroupId });
    expect(checkAzureDetectionRoute({ actionGroupId, logAnalyticsWorkspaceId }, ctx)).toEqual({ actionGroupId, logAnalyticsWorkspaceId });
    expect(() => checkAzureDetectionRoute({ actionGroupId: 'soc' }, ctx)).toThrow(/^\[KL-DETECT-ROUTE\] App\/Stack\/Deploy: `keyless:detections.azure.actionGroupId` is "soc": expected an action group resource id/);
    expect(() => checkAzureDetectionRoute({ actionGroupId, logAnalyticsWorkspaceId: '${var.ws}' }, ctx))
      .toThrow(/^\[KL-DETECT-ROUTE\] App\/Stack\/Deploy: `keyless:detections.azure.logAnalyticsWorkspaceId` is "\$\{var.ws\}": expected a Log Analytics workspace resource id/);
  });
});

describe('AWS topics per Region', () => {
  test('a Region\'s topic must be of that Region; the default topic serves the others', () => {
    const route = checkAwsDetectionRoute({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:a', topicArnsByRegion: { 'us-east-1': 'arn:aws:sns:us-east-1:123456789012:b' } }, ctx);
    expect(awsDetectionTopic(route, 'us-east-1')).toBe('arn:aws:sns:us-east-1:123456789012:b');
    expect(awsDetectionTopic(route, 'eu-west-1')).toBe('arn:aws:sns:eu-west-1:123456789012:a');
    expect(awsDetectionTopic(route, undefined)).toBe('arn:aws:sns:eu-west-1:123456789012:a');
    expect(() => checkAwsDetectionRoute({ topicArnsByRegion: { 'us-east-1': 'arn:aws:sns:us-west-2:123456789012:b' } }, ctx)).toThrow(
      '[KL-DETECT-ROUTE] App/Stack/Deploy: `keyless:detections.aws.topicArnsByRegion.us-east-1` is "arn:aws:sns:us-west-2:123456789012:b": expected an SNS topic ARN of the Region us-east-1, `arn:aws:sns:us-east-1:ACCOUNT:NAME` (detections are routed there; a token or a typo would send them nowhere). Fix: give it literally, e.g. `topicArnsByRegion: { "us-east-1": "arn:aws:sns:us-east-1:123456789012:security-alerts" }`.');
    expect(() => checkAwsDetectionRoute({}, ctx)).toThrow(/^\[KL-DETECT-ROUTE\] App\/Stack\/Deploy: `keyless:detections.aws.topicArn` is undefined: expected an SNS topic ARN/);
  });
});
