/**
 * AWS detections: one EventBridge rule per watched role. The rendered pattern is asserted exactly, then evaluated
 * against sample events with an independent matcher: moto's EventBridge pattern engine (`moto.events.models.
 * EventPattern`, Python), run in a child process. moto implements every operator the rules use (`$or`, `exists`,
 * `anything-but` with a list and with `wildcard`), so no matcher of our own is needed.
 *
 * Sample events: the CloudTrail record of `AssumeRoleWithWebIdentity` from the IAM User Guide ("Logging IAM and AWS
 * STS API calls with AWS CloudTrail", example web identity event: `userIdentity.type` `WebIdentityUser`,
 * `userName` the token's user id, `requestParameters.roleArn`), with the subject and role of these tests; a refused
 * call adds `errorCode` and `errorMessage` and has no `responseElements` (STS API Reference,
 * AssumeRoleWithWebIdentity errors; CloudTrail record contents, `errorCode`). The EventBridge envelope is that of
 * "AWS API Call via CloudTrail" events (EventBridge User Guide, "Events from AWS services").
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eventbridge from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { GitHubActions, Ownership, routeDetections } from '../../src';
import { AwsPublishTarget, BreakGlassRole, BreakGlassRoleProps, CiOidcTrust, ScopedPublisherRole, WorkloadIdentity } from '../../src/constructs/aws';
import { awsWebIdentityDetectionPattern } from '../../src/core/detections/aws';
import { eventBridgeMatches, webIdentityEvent as cloudTrailWebIdentity } from '../helpers/eventbridge';
import { DETECTION_ROUTES, OWNERSHIP, TODAY } from '../helpers/synth';
import { PAYMENTS } from '../helpers/tokens';

const ACCOUNT = '123456789012';
const TOPIC = DETECTION_ROUTES.aws!.topicArn!;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/payments-deploy`;
const SUB_MAIN = 'repo:acme/payments-api:ref:refs/heads/main';
const payments = GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'], tagPatterns: ['v*'] });

function stackIn(context: Record<string, unknown> = { 'keyless:detections': DETECTION_ROUTES }): cdk.Stack {
  const app = new cdk.App({ context: { 'keyless:today': TODAY, ...context } });
  return new cdk.Stack(app, 'Platform', { env: { account: ACCOUNT, region: 'eu-west-1' }, analyticsReporting: false });
}

function rules(stack: cdk.Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
}

function roleTags(stack: cdk.Stack): Record<string, string> {
  const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
  return Object.fromEntries(role.Properties.Tags.map((t: any) => [t.Key, t.Value]));
}

/** A web identity call naming this test's role unless another is given. */
const webIdentityEvent = (options: { roleArn?: string; subject: string; errorCode?: string }) =>
  cloudTrailWebIdentity({ roleArn: ROLE_ARN, ...options });

/** An `AssumeRole` record as EKS makes it for a Pod Identity association (the service principal calls STS). */
function podIdentityEvent(options: { roleArn: string; errorCode?: string }): object {
  const detail: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: { type: 'AWSService', invokedBy: 'pods.eks.amazonaws.com' },
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'eu-west-1',
    requestParameters: {
      roleArn: options.roleArn,
      roleSessionName: 'eks-prod-payments-7d9f8c-1b2c',
      tags: [{ key: 'kubernetes-namespace', value: 'payments' }, { key: 'kubernetes-service-account', value: 'api' }],
    },
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
  };
  if (options.errorCode !== undefined) Object.assign(detail, { errorCode: options.errorCode, errorMessage: 'User: pods.eks.amazonaws.com is not authorized to perform: sts:TagSession' });
  return { 'version': '0', 'id': 'a1', 'detail-type': 'AWS API Call via CloudTrail', 'source': 'aws.sts', 'account': ACCOUNT, 'time': '2026-11-22T10:00:00Z', 'region': 'eu-west-1', 'resources': [], detail };
}

describe('aws detections: CiOidcTrust', () => {
  test('GIVEN a tier 1 trust with a branch and a tag pattern WHEN synthesized THEN one rule with the exact pattern, state, target and description', () => {
    const stack = stackIn();
    const trust = new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    const all = rules(stack);
    expect(all).toHaveLength(1);
    expect(trust.detections).toEqual({ enabled: true });
    expect(trust.detectionRule).toBeDefined();
    expect(trust.detectionRule!.node.path).toBe('Platform/Deploy/Detections');
    expect(all[0].Properties).toEqual({
      Description: 'Keyless detections for role payments-deploy: refused AssumeRoleWithWebIdentity calls, and assumptions by a subject the trust was not declared for',
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      Targets: [{ Id: 'Target0', Arn: TOPIC }],
      EventPattern: {
        'source': ['aws.sts'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': {
          eventSource: ['sts.amazonaws.com'],
          eventName: ['AssumeRoleWithWebIdentity'],
          requestParameters: { roleArn: [{ 'equals-ignore-case': ROLE_ARN }] },
          $or: [
            { errorCode: [{ exists: true }] },
            { userIdentity: { userName: [{ 'anything-but': { wildcard: [SUB_MAIN, 'repo:acme/payments-api:ref:refs/tags/v*'] } }] } },
          ],
        },
      },
    });
  });

  test('GIVEN the rendered pattern WHEN moto evaluates documented sample events THEN refused and foreign calls for this role match, declared ones and other roles do not', () => {
    const stack = stackIn();
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    const pattern = rules(stack)[0].Properties.EventPattern;
    const samples: Array<[string, object, boolean]> = [
      ['legitimate: main, admitted', webIdentityEvent({ subject: SUB_MAIN }), false],
      ['legitimate: a release tag the pattern admits', webIdentityEvent({ subject: 'repo:acme/payments-api:ref:refs/tags/v1.4.0' }), false],
      ['refused: AccessDenied for a foreign subject', webIdentityEvent({ subject: 'repo:acme/payments-api:pull_request', errorCode: 'AccessDenied' }), true],
      ['refused: InvalidIdentityToken, even for the declared subject', webIdentityEvent({ subject: SUB_MAIN, errorCode: 'InvalidIdentityToken' }), true],
      ['foreign: admitted for a pull request (trust drift)', webIdentityEvent({ subject: 'repo:acme/payments-api:pull_request' }), true],
      ['foreign: a tag outside the pattern', webIdentityEvent({ subject: 'repo:acme/payments-api:ref:refs/tags/x1' }), true],
      ['foreign: a fork with the same prefix', webIdentityEvent({ subject: 'repo:acme/payments-api-fork:ref:refs/heads/main' }), true],
      ['another role: foreign subject, not this rule', webIdentityEvent({ roleArn: `arn:aws:iam::${ACCOUNT}:role/other`, subject: 'repo:evil/x:ref:refs/heads/main' }), false],
      ['another role: refused, not this rule', webIdentityEvent({ roleArn: `arn:aws:iam::${ACCOUNT}:role/other`, subject: SUB_MAIN, errorCode: 'AccessDenied' }), false],
      // Role names are not distinguished by case (IAM CreateRole): the same role spelled otherwise is matched; a longer name is not.
      ['this role in other letters: refused', webIdentityEvent({ roleArn: ROLE_ARN.replace('payments-deploy', 'Payments-Deploy'), subject: SUB_MAIN, errorCode: 'AccessDenied' }), true],
      ['a role whose name extends this one: refused, not this rule', webIdentityEvent({ roleArn: `${ROLE_ARN}-2`, subject: SUB_MAIN, errorCode: 'AccessDenied' }), false],
    ];
    const matched = eventBridgeMatches(pattern, samples.map(([, event]) => event));
    expect(samples.map(([name], i) => [name, matched[i]])).toEqual(samples.map(([name, , expected]) => [name, expected]));
  });

  test('GIVEN exact subjects only WHEN the pattern is built THEN a plain anything-but list (no wildcard, outside the 30-rule wildcard quota)', () => {
    const pattern = awsWebIdentityDetectionPattern(ROLE_ARN, { exactSubjects: ['b', 'a*x'], subjectPatterns: [] }, { path: 'T', today: TODAY });
    expect((pattern.detail.$or as any[])[1]).toEqual({ userIdentity: { userName: [{ 'anything-but': ['a*x', 'b'] }] } });
    const withPattern = awsWebIdentityDetectionPattern(ROLE_ARN, { exactSubjects: ['a*x\\y'], subjectPatterns: ['p\\q*'] }, { path: 'T', today: TODAY });
    // `*` and `\` of literals are escaped in a wildcard value; only the pattern's trailing `*` stays a wildcard.
    expect((withPattern.detail.$or as any[])[1]).toEqual({ userIdentity: { userName: [{ 'anything-but': { wildcard: ['a\\*x\\\\y', 'p\\\\q*'] } }] } });
    const event = (subject: string) => webIdentityEvent({ subject });
    expect(eventBridgeMatches(withPattern, [event('a*x\\y'), event('aZx\\y'), event('p\\q-1'), event('pq-1')])).toEqual([false, true, false, true]);
  });

  test('GIVEN an unknown account WHEN synthesized THEN the rule names the role by its Arn attribute', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
    const stack = new cdk.Stack(app, 'Agnostic');
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    const [rule] = rules(stack);
    const roleId = Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0];
    expect(rule.Properties.EventPattern.detail.requestParameters).toEqual({ roleArn: [{ 'equals-ignore-case': { 'Fn::GetAtt': [roleId, 'Arn'] } }] });
  });
});

describe('aws detections: WorkloadIdentity and ScopedPublisherRole', () => {
  test('GIVEN IRSA WHEN synthesized THEN the foreign branch names exactly the service account subject, and moto agrees', () => {
    const stack = stackIn();
    new WorkloadIdentity(stack, 'Api', {
      name: 'payments-api',
      ownership: OWNERSHIP,
      serviceAccount: { namespace: 'payments', name: 'api' },
      eks: { kind: 'irsa', issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
    });
    const [rule] = rules(stack);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/payments-api`;
    expect(rule.Properties.EventPattern.detail).toEqual({
      eventSource: ['sts.amazonaws.com'],
      eventName: ['AssumeRoleWithWebIdentity'],
      requestParameters: { roleArn: [{ 'equals-ignore-case': roleArn }] },
      $or: [{ errorCode: [{ exists: true }] }, { userIdentity: { userName: [{ 'anything-but': ['system:serviceaccount:payments:api'] }] } }],
    });
    const events = [
      webIdentityEvent({ roleArn, subject: 'system:serviceaccount:payments:api' }),
      webIdentityEvent({ roleArn, subject: 'system:serviceaccount:payments:worker' }),
      webIdentityEvent({ roleArn, subject: 'system:serviceaccount:payments:api', errorCode: 'InvalidIdentityToken' }),
    ];
    expect(eventBridgeMatches(rule.Properties.EventPattern, events)).toEqual([false, true, true]);
  });

  test('GIVEN Pod Identity WHEN synthesized THEN refused AssumeRole calls for the role only, and moto agrees', () => {
    const stack = stackIn();
    new WorkloadIdentity(stack, 'Api', {
      name: 'payments-api', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'api' }, eks: { kind: 'pod-identity', clusterName: 'prod' },
    });
    const [rule] = rules(stack);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/payments-api`;
    expect(rule.Properties.Description).toBe('Keyless detections for role payments-api: refused AssumeRole calls by EKS Pod Identity');
    expect(rule.Properties.EventPattern).toEqual({
      'source': ['aws.sts'],
      'detail-type': ['AWS API Call via CloudTrail'],
      'detail': { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRole'], requestParameters: { roleArn: [{ 'equals-ignore-case': roleArn }] }, errorCode: [{ exists: true }] },
    });
    const events = [
      podIdentityEvent({ roleArn }),
      podIdentityEvent({ roleArn, errorCode: 'AccessDenied' }),
      podIdentityEvent({ roleArn: `arn:aws:iam::${ACCOUNT}:role/other`, errorCode: 'AccessDenied' }),
      podIdentityEvent({ roleArn: `arn:aws:iam::${ACCOUNT}:role/Payments-API`, errorCode: 'AccessDenied' }),
    ];
    expect(eventBridgeMatches(rule.Properties.EventPattern, events)).toEqual([false, true, false, true]);
  });

  test('GIVEN a ScopedPublisherRole WHEN synthesized THEN its inner trust carries the one rule and the decision is readable on both', () => {
    const stack = stackIn();
    const publisher = new ScopedPublisherRole(stack, 'Publish', {
      name: 'payments-publish',
      ownership: OWNERSHIP,
      source: GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', tagPatterns: ['v*'] }),
      target: AwsPublishTarget.ecrRepository({ repositoryArn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/payments/api` }),
    });
    expect(rules(stack)).toHaveLength(1);
    expect(publisher.detections).toEqual({ enabled: true });
    expect(publisher.trust.detectionRule!.node.path).toBe('Platform/Publish/Trust/Detections');
    expect(rules(stack)[0].Properties.EventPattern.detail.$or[1]).toEqual(
      { userIdentity: { userName: [{ 'anything-but': { wildcard: ['repo:acme/payments-api:ref:refs/tags/v*'] } }] } });
  });
});

describe('aws detections: defaults, opt-out and route', () => {
  const tier = (t: 1 | 2 | 3): Ownership => ({ ...OWNERSHIP, tier: t });

  test('GIVEN tier 1 opting out without a reason WHEN created THEN refused with the exact error', () => {
    expect(() => new CiOidcTrust(stackIn(), 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments, detections: { enabled: false } }))
      .toThrow('[KL-DETECT-OPT-OUT] Platform/Deploy: `detections.reason` is undefined: a tier 1 identity is watched for refused and foreign assumptions unless the opt-out says why, in 3–100 characters of letters, digits, spaces and `_ . : / = + - @` (it is written as a tag or label). '
        + 'Fix: give the reason, e.g. `detections: { enabled: false, reason: "watched by the SOC CloudTrail rules SEC-881" }`, or remove `detections`.');
  });

  test('GIVEN tier 1 opting out with a reason WHEN synthesized THEN no rule and the reason as the opt-out tag', () => {
    const stack = stackIn();
    const trust = new CiOidcTrust(stack, 'Deploy', {
      name: 'payments-deploy', ownership: OWNERSHIP, source: payments, detections: { enabled: false, reason: 'watched by the SOC CloudTrail rules SEC-881' },
    });
    expect(rules(stack)).toHaveLength(0);
    expect(trust.detectionRule).toBeUndefined();
    expect(trust.detections).toEqual({ enabled: false, optOutReason: 'watched by the SOC CloudTrail rules SEC-881' });
    expect(roleTags(stack)['keyless:detections-opt-out']).toBe('watched by the SOC CloudTrail rules SEC-881');
  });

  test('GIVEN an opt-out reason with a comma WHEN created THEN refused: IAM tag values do not accept it', () => {
    expect(() => new CiOidcTrust(stackIn(), 'Deploy', {
      name: 'payments-deploy', ownership: OWNERSHIP, source: payments, detections: { enabled: false, reason: 'watched by the SOC, SEC-881' },
    })).toThrow('[KL-DETECT-OPT-OUT] Platform/Deploy: `detections.reason` is "watched by the SOC, SEC-881": a tier 1 identity is watched for refused and foreign assumptions '
      + 'unless the opt-out says why, in 3–100 characters of letters, digits, spaces and `_ . : / = + - @` (it is written as a tag or label). '
      + 'Fix: give the reason, e.g. `detections: { enabled: false, reason: "watched by the SOC CloudTrail rules SEC-881" }`, or remove `detections`.');
  });

  test.each([2, 3] as const)('GIVEN tier %i WHEN synthesized without a route THEN off by default; on when asked', (t) => {
    const bare = stackIn({});
    const off = new CiOidcTrust(bare, 'Deploy', { name: 'payments-deploy', ownership: tier(t), source: payments });
    expect(off.detections).toEqual({ enabled: false });
    expect(rules(bare)).toHaveLength(0);
    expect(roleTags(bare)['keyless:detections-opt-out']).toBeUndefined();
    const routed = stackIn();
    new CiOidcTrust(routed, 'Deploy', { name: 'payments-deploy', ownership: tier(t), source: payments, detections: { enabled: true } });
    expect(rules(routed)).toHaveLength(1);
  });

  test('GIVEN a tier 1 identity and no route WHEN created THEN KL-DETECT-NO-ROUTE, exactly', () => {
    expect(() => new CiOidcTrust(stackIn({}), 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments })).toThrow(
      '[KL-DETECT-NO-ROUTE] Platform/Deploy: `detections` is on (the default for tier 1) but no AWS detection target is declared where the identity sits (context `keyless:detections`): '
      + 'refused and foreign assumptions would alert no one. Fix: declare the target once, before the identities: '
      + '`routeDetections(app, { aws: { topicArn: "arn:aws:sns:eu-west-1:123456789012:security-alerts" } })`; or opt this identity out with `detections: { enabled: false, reason }`.');
  });

  test('GIVEN a topic of another Region than the stack WHEN created THEN refused: EventBridge delivers to same-Region targets only', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': { aws: { topicArn: TOPIC } } } });
    const stack = new cdk.Stack(app, 'Virginia', { env: { account: ACCOUNT, region: 'us-east-1' }, analyticsReporting: false });
    expect(() => new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments })).toThrow(
      '[KL-DETECT-ROUTE-REGION] Virginia/Deploy: `keyless:detections.aws` is "arn:aws:sns:eu-west-1:123456789012:security-alerts", a topic in eu-west-1, '
      + 'but the role\'s detection rule is in us-east-1: EventBridge delivers to targets in the rule\'s own Region only, so no alert would arrive. '
      + 'Fix: name a topic of us-east-1: `routeDetections(app, { aws: { topicArnsByRegion: { "us-east-1": "arn:aws:sns:us-east-1:ACCOUNT:NAME" } } })`. '
      + 'See https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification');
  });

  test('GIVEN topics per Region WHEN roles are created in two Regions THEN each rule targets its own Region\'s topic', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY } });
    routeDetections(app, { aws: { topicArnsByRegion: { 'eu-west-1': TOPIC, 'us-east-1': `arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts` } } });
    const eu = new cdk.Stack(app, 'Ireland', { env: { account: ACCOUNT, region: 'eu-west-1' }, analyticsReporting: false });
    const us = new cdk.Stack(app, 'Virginia', { env: { account: ACCOUNT, region: 'us-east-1' }, analyticsReporting: false });
    expect(new CiOidcTrust(eu, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments }).detectionRule?.targets).toEqual([{ id: 'Target0', arn: TOPIC }]);
    expect(new CiOidcTrust(us, 'Deploy', { name: 'payments-deploy-us', ownership: OWNERSHIP, source: payments }).detectionRule?.targets)
      .toEqual([{ id: 'Target0', arn: `arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts` }]);
    // A Region with no topic, and an environment-agnostic stack, are refused with what to give.
    const tokyo = new cdk.Stack(app, 'Tokyo', { env: { account: ACCOUNT, region: 'ap-northeast-1' }, analyticsReporting: false });
    expect(() => new CiOidcTrust(tokyo, 'Deploy', { name: 'payments-deploy-jp', ownership: OWNERSHIP, source: payments }))
      .toThrow(/^\[KL-DETECT-ROUTE-REGION\] Tokyo\/Deploy: `keyless:detections.aws` names no topic for this Region, but the role's detection rule is in ap-northeast-1/);
    const agnostic = new cdk.Stack(app, 'Agnostic', { analyticsReporting: false });
    expect(() => new CiOidcTrust(agnostic, 'Deploy', { name: 'payments-deploy-any', ownership: OWNERSHIP, source: payments })).toThrow(
      '[KL-DETECT-ROUTE-REGION] Agnostic/Deploy: `keyless:detections.aws.topicArn` is not given and the stack is environment-agnostic (its Region is known only at deployment), '
      + 'so `topicArnsByRegion` cannot pick the rule\'s topic. Fix: give the stack an explicit `env: { account, region }`, or a `topicArn` for the Region it deploys to.');
  });
});

describe('aws detections: EventBridge quotas per default bus (account and Region), app-wide', () => {
  const appWith = () => new cdk.App({
    context: {
      'keyless:today': TODAY,
      'keyless:detections': {
        aws: {
          topicArnsByRegion: {
            'eu-west-1': TOPIC, 'us-east-1': `arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts`, 'af-south-1': `arn:aws:sns:af-south-1:${ACCOUNT}:security-alerts`,
          },
        },
      },
    },
  });
  const stackOf = (app: cdk.App, id: string, region = 'eu-west-1') => new cdk.Stack(app, id, { env: { account: ACCOUNT, region }, analyticsReporting: false });
  const trust = (scope: Construct, i: number, pattern: boolean) => new CiOidcTrust(scope, `T${i}`, {
    name: `svc-${i}-release`,
    ownership: OWNERSHIP,
    source: GitHubActions.repository({ owner: 'acme', repository: `svc-${i}`, subjectFormat: 'name-based', allowNameOnlyPinning: true, ...(pattern ? { tagPatterns: ['v*'] } : { tags: ['v1'] }) }),
  });

  test('GIVEN 30 pattern trusts over two stacks of one account and Region WHEN a 31st is created THEN KL-DETECT-RULE-QUOTA, exactly', () => {
    const app = appWith();
    const [a, b] = [stackOf(app, 'A'), stackOf(app, 'B')];
    for (let i = 0; i < 30; i++) trust(i < 15 ? a : b, i, true);
    expect(() => trust(b, 30, true)).toThrow(
      '[KL-DETECT-RULE-QUOTA] B/T30: `source` declares subject patterns, so its detection rule contains a wildcard, and it is Keyless rule number 31 containing '
      + `wildcards on the default event bus of account ${ACCOUNT} in eu-west-1: EventBridge allows 30 rules containing wildcards per event bus, not adjustable `
      + '(other rules of the account count too), so the deployment would fail. Fix: pin exact subjects (branches, tags) instead of patterns for some of these '
      + 'identities, spread them over accounts or Regions, or opt identities that another rule watches out with `detections: { enabled: false, reason }`. '
      + 'See https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html');
  });

  test('GIVEN 30 pattern trusts per Region and exact-subject trusts beside them WHEN created THEN no error: each bus holds 30, exact rules have no wildcard', () => {
    const app = appWith();
    const [eu, us] = [stackOf(app, 'Eu'), stackOf(app, 'Us', 'us-east-1')];
    for (let i = 0; i < 30; i++) {
      trust(eu, i, true);
      trust(us, 100 + i, true);
    }
    for (let i = 30; i < 35; i++) trust(eu, i, false);
    expect([rules(eu).length, rules(us).length]).toEqual([35, 30]);
    expect(rules(eu).filter((r) => JSON.stringify(r.Properties.EventPattern).includes('"wildcard"'))).toHaveLength(30);
  });

  test('GIVEN 101 trusts in af-south-1 (100 rules per bus there, adjustable) WHEN synthesized THEN one warning on the stack that holds the 101st, no error', () => {
    const app = appWith();
    const [a, b] = [stackOf(app, 'CapeA', 'af-south-1'), stackOf(app, 'CapeB', 'af-south-1')];
    for (let i = 0; i < 101; i++) trust(i < 100 ? a : b, i, false);
    const warning = `Keyless renders 101 EventBridge rules on the default event bus of account ${ACCOUNT} in af-south-1, over its default quota of 100 rules per bus `
      + '(other rules of the account count too): the deployment fails with LimitExceededException unless the account\'s quota was raised '
      + '(the EventBridge "Rules" quota, adjustable in Service Quotas: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html)';
    expect(Annotations.fromStack(b).findWarning('*', Match.stringLikeRegexp('Keyless renders')).map((w) => w.entry.data)).toEqual([
      `${warning} [ack: @keyless/constructs:detect-rule-quota]`,
    ]);
    expect(Annotations.fromStack(a).findWarning('*', Match.stringLikeRegexp('Keyless renders'))).toEqual([]);
  });

  test('GIVEN two nested stacks of an environment-agnostic parent with 15 and 15 pattern trusts WHEN a 31st is created in the parent THEN KL-DETECT-RULE-QUOTA on the parent\'s bus', () => {
    // A nested stack is created by its parent's deployment, in the parent's account and Region (CloudFormation User Guide, "Nested stacks").
    const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': { aws: { topicArn: TOPIC } } } });
    const parent = new cdk.Stack(app, 'Parent', { analyticsReporting: false });
    const [one, two] = [new cdk.NestedStack(parent, 'One'), new cdk.NestedStack(new cdk.NestedStack(parent, 'Outer'), 'Two')];
    for (let i = 0; i < 30; i++) trust(i < 15 ? one : two, i, true);
    const other = new cdk.Stack(app, 'Other', { analyticsReporting: false });
    for (let i = 0; i < 30; i++) trust(other, 100 + i, true);
    expect(() => trust(parent, 30, true)).toThrow('[KL-DETECT-RULE-QUOTA] Parent/T30: `source` declares subject patterns, so its detection rule contains a wildcard, '
      + 'and it is Keyless rule number 31 containing wildcards on the default event bus of the stack Parent (environment known only at deployment): ');
  });
});

describe('aws detections: an environment-agnostic stack with one topicArn', () => {
  const agnostic = () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': { aws: { topicArn: TOPIC } } } });
    return new cdk.Stack(app, 'Agnostic', { analyticsReporting: false });
  };
  const ASSERTION = {
    Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
    AssertDescription: `Keyless detections: this stack's EventBridge rules deliver to ${TOPIC}, an SNS topic in eu-west-1; `
      + 'EventBridge delivers to targets in the rule\'s own Region only, so deploy the stack to eu-west-1 (or route by Region)',
  };

  test('GIVEN two watched roles WHEN synthesized THEN one template rule pins the stack to the topic\'s Region, and cfn-lint accepts it', () => {
    const stack = agnostic();
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    new CiOidcTrust(stack, 'Release', { name: 'payments-release', ownership: OWNERSHIP, source: payments });
    const template = Template.fromStack(stack).toJSON();
    expect(template.Rules.KeylessDetectionsRegion).toEqual({ Assertions: [ASSERTION] });
    expect(rules(stack).map((r) => r.Properties.Targets)).toEqual([[{ Id: 'Target0', Arn: TOPIC }], [{ Id: 'Target0', Arn: TOPIC }]]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-aws-region-'));
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(template, null, 1));
    const run = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
    if (run.error) throw new Error(`cfn-lint could not run (install it: \`pip install cfn-lint\`): ${run.error.message}`);
    expect({ status: run.status, output: `${run.stdout}${run.stderr}` }).toEqual({ status: 0, output: '' });
  });

  test('GIVEN a stack with a Region, or an opted-out role WHEN synthesized THEN no template rule', () => {
    const pinned = stackIn();
    new CiOidcTrust(pinned, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    expect(Template.fromStack(pinned).toJSON().Rules?.KeylessDetectionsRegion).toBeUndefined();
    const optedOut = agnostic();
    new CiOidcTrust(optedOut, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments, detections: { enabled: false, reason: 'watched by SEC-881' } });
    expect(Template.fromStack(optedOut).toJSON().Rules?.KeylessDetectionsRegion).toBeUndefined();
  });

  test('GIVEN two topics of different Regions in one agnostic stack WHEN created THEN refused: both Regions cannot hold', () => {
    const stack = agnostic();
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    const scope = new Construct(stack, 'Us');
    scope.node.setContext('keyless:detections', { aws: { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts` } });
    expect(() => new CiOidcTrust(scope, 'Deploy', { name: 'payments-deploy-us', ownership: OWNERSHIP, source: payments })).toThrow(
      `[KL-DETECT-ROUTE-REGION] Agnostic/Us/Deploy: \`keyless:detections.aws\` is "arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts", a topic in us-east-1, `
      + 'but the environment-agnostic stack Agnostic already pins its Region to eu-west-1 for another topic. '
      + 'Fix: give the stack an explicit `env: { account, region }` and route by Region with `topicArnsByRegion`.');
  });
});

describe('aws detections: a break-glass alarm in an environment-agnostic stack', () => {
  const US_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts`;
  const agnostic = (context: Record<string, unknown> = {}) => new cdk.Stack(new cdk.App({ context: { 'keyless:today': TODAY, ...context } }), 'Agnostic', { analyticsReporting: false });
  const glass = (scope: Construct, alarm: Pick<BreakGlassRoleProps, 'alarmTopic' | 'alarmTargets'>) => new BreakGlassRole(scope, 'Glass', {
    name: 'payments-break-glass',
    ownership: { ...OWNERSHIP, reviewBy: '2027-01-31' },
    expires: '2027-01-31',
    humans: [{ principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`, sourceIdentity: 'alice' }],
    statements: [new iam.PolicyStatement({ actions: ['eks:UpdateNodegroupConfig'], resources: [`arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/payments-prod/*`] })],
    ...alarm,
  });
  const regionRule = (stack: cdk.Stack) => Template.fromStack(stack).toJSON().Rules?.KeylessDetectionsRegion;
  const assertion = (arn: string, what: string, region: string) => ({
    Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, region] },
    AssertDescription: `Keyless detections: this stack's EventBridge rules deliver to ${arn}, ${what} in ${region}; `
      + `EventBridge delivers to targets in the rule's own Region only, so deploy the stack to ${region} (or route by Region)`,
  });

  test('GIVEN an imported topic of eu-west-1 WHEN synthesized THEN the stack is pinned to eu-west-1 (in the top-level template for a nested stack), and cfn-lint accepts it', () => {
    const stack = agnostic();
    glass(stack, { alarmTopic: sns.Topic.fromTopicArn(stack, 'Alerts', TOPIC) });
    expect(regionRule(stack)).toEqual({ Assertions: [assertion(TOPIC, 'an SNS topic', 'eu-west-1')] });
    const parent = agnostic();
    const nested = new cdk.NestedStack(parent, 'Nested');
    glass(nested, { alarmTopic: sns.Topic.fromTopicArn(nested, 'Alerts', TOPIC) });
    expect([regionRule(parent), regionRule(nested)]).toEqual([{ Assertions: [assertion(TOPIC, 'an SNS topic', 'eu-west-1')] }, undefined]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-aws-glass-'));
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON(), null, 1));
    const run = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
    if (run.error) throw new Error(`cfn-lint could not run (install it: \`pip install cfn-lint\`): ${run.error.message}`);
    expect({ status: run.status, output: `${run.stdout}${run.stderr}` }).toEqual({ status: 0, output: '' });
  });

  test('GIVEN a topic the stack creates, an event bus of another Region, or a stack with a Region WHEN synthesized THEN no pin', () => {
    const own = agnostic();
    glass(own, { alarmTopic: new sns.Topic(own, 'Alerts') });
    // An event bus may be a target in another Region (EventBridge User Guide, "Sending and receiving events between AWS Regions").
    const bus = agnostic();
    glass(bus, { alarmTargets: [new targets.EventBus(eventbridge.EventBus.fromEventBusArn(bus, 'Central', `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/central`))] });
    const pinned = stackIn({});
    glass(pinned, { alarmTopic: sns.Topic.fromTopicArn(pinned, 'Alerts', TOPIC) });
    expect([regionRule(own), regionRule(bus), regionRule(pinned)]).toEqual([undefined, undefined, undefined]);
  });

  test('GIVEN a topic and a queue of eu-west-1, or a detection route of the same Region WHEN synthesized THEN one pin', () => {
    const stack = agnostic({ 'keyless:detections': { aws: { topicArn: TOPIC } } });
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    const queue = `arn:aws:sqs:eu-west-1:${ACCOUNT}:break-glass`;
    glass(stack, { alarmTopic: sns.Topic.fromTopicArn(stack, 'Alerts', TOPIC), alarmTargets: [new targets.SqsQueue(sqs.Queue.fromQueueArn(stack, 'Queue', queue))] });
    expect(regionRule(stack)).toEqual({ Assertions: [assertion(TOPIC, 'an SNS topic', 'eu-west-1')] });
  });

  test('GIVEN a topic whose ARN is a parameter WHEN created THEN refused: no Region can be pinned, exactly', () => {
    const stack = agnostic();
    const arn = new cdk.CfnParameter(stack, 'AlertsArn').valueAsString;
    expect(() => glass(stack, { alarmTopic: sns.Topic.fromTopicArn(stack, 'Alerts', arn) })).toThrow(
      '[KL-DETECT-ROUTE-REGION] Agnostic/Glass: `alarmTopic` is an SNS topic whose Region is known only at deployment (its ARN is a token) and that this stack '
      + 'does not create, in the environment-agnostic stack Agnostic: no template rule can pin the stack\'s Region to the target\'s, and EventBridge delivers '
      + 'to targets in the rule\'s own Region only, so an alarm might never arrive. Fix: give the stack an explicit `env: { account, region }`, or a target of '
      + 'a literal ARN (e.g. `sns.Topic.fromTopicArn(this, "Alerts", "arn:aws:sns:REGION:ACCOUNT:NAME")`) or one the stack itself creates. '
      + 'See https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification');
  });

  test('GIVEN a target of another Region than the topic, or than the detection route WHEN created THEN refused: both Regions cannot hold, exactly', () => {
    const stack = agnostic();
    const queue = sqs.Queue.fromQueueArn(stack, 'Queue', `arn:aws:sqs:us-east-1:${ACCOUNT}:break-glass`);
    expect(() => glass(stack, { alarmTopic: sns.Topic.fromTopicArn(stack, 'Alerts', TOPIC), alarmTargets: [new targets.SqsQueue(queue)] })).toThrow(
      `[KL-DETECT-ROUTE-REGION] Agnostic/Glass: \`alarmTargets[0]\` is "arn:aws:sqs:us-east-1:${ACCOUNT}:break-glass", a target in us-east-1, but the `
      + 'environment-agnostic stack Agnostic already pins its Region to eu-west-1 for another target. Fix: give the stack an explicit '
      + '`env: { account, region }`, or name alarm targets in eu-west-1, the Region the stack is pinned to.');
    const routed = agnostic({ 'keyless:detections': { aws: { topicArn: US_TOPIC } } });
    new CiOidcTrust(routed, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    expect(() => glass(routed, { alarmTopic: sns.Topic.fromTopicArn(routed, 'Alerts', TOPIC) })).toThrow(
      `[KL-DETECT-ROUTE-REGION] Agnostic/Glass: \`alarmTopic\` is "${TOPIC}", a topic in eu-west-1, but the environment-agnostic stack Agnostic already `
      + 'pins its Region to us-east-1 for another topic. Fix: give the stack an explicit `env: { account, region }`, or name alarm targets in us-east-1, '
      + 'the Region the stack is pinned to.');
  });
});

describe('aws detections and revocation: cfn-lint', () => {
  test('GIVEN a watched, revoked CI role and a revoked Pod Identity role WHEN cfn-lint checks the template THEN it is clean', () => {
    const stack = stackIn();
    const revoked = { sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: 'INC-4711 runner token leaked' };
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments, revoked });
    new WorkloadIdentity(stack, 'Api', {
      name: 'payments-api', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'api' }, eks: { kind: 'pod-identity', clusterName: 'prod' }, revoked,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-aws-detect-'));
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON(), null, 1));
    const run = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
    if (run.error) throw new Error(`cfn-lint could not run (install it: \`pip install cfn-lint\`): ${run.error.message}`);
    expect({ status: run.status, output: `${run.stdout}${run.stderr}` }).toEqual({ status: 0, output: '' });
  });
});
