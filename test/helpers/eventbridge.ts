/**
 * An independent EventBridge matcher for the detection tests: moto's pattern engine (`moto.events.models.EventPattern`,
 * python3), and the CloudTrail events it is given, shaped as the IAM User Guide's `AssumeRoleWithWebIdentity` CloudTrail
 * example inside EventBridge's "AWS API Call via CloudTrail" envelope.
 */
import { spawnSync } from 'child_process';

/** Which of `events` moto's EventBridge engine matches against `pattern`; throws when python3 or moto is missing. */
export function eventBridgeMatches(pattern: object, events: readonly object[]): boolean[] {
  const script = [
    'import json, sys',
    'from moto.events.models import EventPattern',
    'data = json.load(sys.stdin)',
    'p = EventPattern.load(json.dumps(data["pattern"]))',
    'print(json.dumps([p.matches_event(e) for e in data["events"]]))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script], { input: JSON.stringify({ pattern, events }), encoding: 'utf8' });
  if (run.error) throw new Error(`python3 could not run (the independent EventBridge matcher needs python3 with moto): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`moto's EventPattern failed (is moto installed? \`pip install moto\`): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/**
 * An EventBridge "AWS API Call via CloudTrail" event around a CloudTrail `AssumeRoleWithWebIdentity` record of a GitHub
 * Actions token for `subject` naming `roleArn` (the account is the role's); refused with `errorCode` when given.
 */
export function webIdentityEvent(options: { roleArn: string; subject: string; errorCode?: string }): object {
  const { roleArn, subject, errorCode } = options;
  const account = roleArn.split(':')[4];
  const provider = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
  const detail: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: { type: 'WebIdentityUser', principalId: `${provider}:sts.amazonaws.com:${subject}`, userName: subject, identityProvider: provider },
    eventTime: '2026-11-22T10:00:00Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRoleWithWebIdentity',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '192.0.2.101',
    userAgent: 'aws-sdk-nodejs/2.1692.0 linux/v20.11.0 configure-aws-credentials-for-github-actions',
    requestParameters: { roleArn, roleSessionName: 'GitHubActions', durationSeconds: 3600 },
    eventType: 'AwsApiCall',
    recipientAccountId: account,
  };
  if (errorCode === undefined) {
    detail.responseElements = {
      provider,
      subjectFromWebIdentityToken: subject,
      audience: 'sts.amazonaws.com',
      assumedRoleUser: { assumedRoleId: 'AROACQRSTUVWRAOEXAMPLE:GitHubActions', arn: `arn:aws:sts::${account}:assumed-role/${roleArn.split('/').pop()}/GitHubActions` },
    };
  } else {
    detail.errorCode = errorCode;
    detail.errorMessage = errorCode === 'AccessDenied' ? 'Not authorized to perform sts:AssumeRoleWithWebIdentity' : 'Couldn\'t retrieve verification key from your identity provider';
    detail.responseElements = null;
  }
  return {
    'version': '0',
    'id': '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.sts',
    'account': account,
    'time': '2026-11-22T10:00:00Z',
    'region': 'eu-west-1',
    'resources': [],
    detail,
  };
}
