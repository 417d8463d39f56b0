import { Construct, RootConstruct } from 'constructs';
import { routeDetections } from '../../src';
import { identityDetections } from '../../src/constructs/private/detections';

const ctx = (scope: Construct) => ({ path: scope.node.path, today: '2026-12-03' });
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:security-alerts';

describe('routeDetections and the route lookup', () => {
  test('GIVEN a route on the app THEN an identity anywhere below finds it; a stack-level route overrides it', () => {
    const app = new RootConstruct('');
    routeDetections(app, { aws: { topicArn: TOPIC } });
    const stack = new Construct(app, 'Stack');
    const other = new Construct(app, 'Other');
    routeDetections(other, { aws: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:team-alerts' } });
    const a = new Construct(stack, 'A');
    const b = new Construct(other, 'B');
    expect(identityDetections(a, 'aws', undefined, 1, ctx(a))).toEqual({ enabled: true, route: { topicArn: TOPIC } });
    expect(identityDetections(b, 'aws', undefined, 1, ctx(b))).toEqual({ enabled: true, route: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:team-alerts' } });
  });

  test('GIVEN a tier 1 identity and no route for its cloud THEN synthesis stops and says how to route or opt out', () => {
    const app = new RootConstruct('');
    routeDetections(app, { aws: { topicArn: TOPIC } });
    const id = new Construct(new Construct(app, 'Stack'), 'Deploy');
    expect(() => identityDetections(id, 'gcp', undefined, 1, ctx(id))).toThrow(
      '[KL-DETECT-NO-ROUTE] Stack/Deploy: `detections` is on (the default for tier 1) but no GCP detection target is declared where the identity sits (context `keyless:detections`): refused and foreign assumptions would alert no one. Fix: declare the target once, before the identities: `routeDetections(app, { gcp: { notificationChannels: ["projects/acme-sec/notificationChannels/123"] } })`; or opt this identity out with `detections: { enabled: false, reason }`.');
    expect(() => identityDetections(id, 'azure', { enabled: true }, 3, ctx(id))).toThrow(/^\[KL-DETECT-NO-ROUTE\] Stack\/Deploy: `detections` is on \(asked for\) but no AZURE detection target/);
    expect(identityDetections(id, 'gcp', undefined, 2, ctx(id))).toEqual({ enabled: false });
    expect(identityDetections(id, 'gcp', { enabled: false, reason: 'SOC rules SEC-881' }, 1, ctx(id))).toEqual({ enabled: false, optOutReason: 'SOC rules SEC-881' });
  });

  test('GIVEN a hand-written context value (cdk.json) THEN it is validated where it is read', () => {
    const app = new RootConstruct('');
    app.node.setContext('keyless:detections', { aws: { topicArn: 'security-alerts' } });
    const id = new Construct(app, 'Deploy');
    expect(() => identityDetections(id, 'aws', undefined, 1, ctx(id))).toThrow(/^\[KL-DETECT-ROUTE\] Deploy: `keyless:detections.aws.topicArn` is "security-alerts"/);
  });

  test('GIVEN a bad route THEN routeDetections refuses it at once, naming the scope', () => {
    const app = new RootConstruct('');
    expect(() => routeDetections(new Construct(app, 'Stack'), { gcp: { notificationChannels: ['x'] } })).toThrow(
      /^\[KL-DETECT-ROUTE\] Stack: `keyless:detections.gcp.notificationChannels\[0\]` is "x"/);
    expect(() => routeDetections(app, 'arn' as never)).toThrow(/^\[KL-DETECT-ROUTE\] \(app\): `routes` is "arn": expected `\{ aws\?, gcp\?, azure\? \}`/);
  });
});
