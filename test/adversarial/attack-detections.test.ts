/**
 * Attacks on the per-identity detections of issue 19 (AWS EventBridge rules, GCP log-based metrics and alert
 * policies, Azure scheduled query rules), on their routes, and on the inventory's reading of them. A test asserts
 * the CORRECT behaviour: the ones marked FINDING fail on the code they were written against; the ones marked HELD
 * pass and prove a defence.
 *
 * AWS events are evaluated with moto's EventBridge pattern engine (as test/constructs/aws-detections.test.ts does);
 * sample records follow the IAM User Guide's example web identity event ("Logging IAM and AWS STS API calls with AWS
 * CloudTrail") in the "AWS API Call via CloudTrail" envelope (EventBridge User Guide, "Events from AWS services").
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as cdk from 'aws-cdk-lib/core';
import { GitHubActions, routeDetections } from '../../src';
import { CiOidcTrust } from '../../src/constructs/aws';
import { CiOidcTrust as GcpCiOidcTrust, WorkloadIdentity as GcpWorkloadIdentity } from '../../src/constructs/gcp';
import { kqlString } from '../../src/core/detections/azure';
import { loggingString, regexLiteral } from '../../src/core/detections/gcp';
import { Inventory } from '../../src/inventory/model';
import { buildInventory } from '../../src/inventory/records';
import type { NeutralResource } from '../../src/synth/model';
import { eventBridgeMatches, webIdentityEvent as cloudTrailWebIdentity } from '../helpers/eventbridge';
import { DETECTION_ROUTES, OWNERSHIP, TODAY, tfStack } from '../helpers/synth';
import { PAYMENTS } from '../helpers/tokens';

const ACCOUNT = '123456789012';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:security-alerts';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/payments-deploy`;
const SUB_MAIN = 'repo:acme/payments-api:ref:refs/heads/main';
const payments = GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'], tagPatterns: ['v*'] });

function stackIn(context: Record<string, unknown> = { 'keyless:detections': DETECTION_ROUTES }, id = 'Platform'): cdk.Stack {
  const app = new cdk.App({ context: { 'keyless:today': TODAY, ...context } });
  return new cdk.Stack(app, id, { env: { account: ACCOUNT, region: 'eu-west-1' }, analyticsReporting: false });
}

function rulesOf(stack: cdk.Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
}

/** A web identity call naming this test's role unless another is given. */
const webIdentityEvent = (options: { roleArn?: string; subject: string; errorCode?: string }) =>
  cloudTrailWebIdentity({ roleArn: ROLE_ARN, ...options });

describe('attack: AWS detection rules', () => {
  // Fixed finding: requestParameters.roleArn was matched case-sensitively, but IAM role names "are not distinguished by case" (IAM CreateRole) and
  // CloudTrail records the caller's spelling, so a call naming `role/Payments-Deploy` went unseen. The rule now matches it with `equals-ignore-case`.
  test('a stolen token presented with the role ARN in another letter case still alerts (refused or foreign)', () => {
    const stack = stackIn();
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    const pattern = rulesOf(stack)[0].Properties.EventPattern;
    const upper = `arn:aws:iam::${ACCOUNT}:role/Payments-Deploy`;
    expect(eventBridgeMatches(pattern, [
      webIdentityEvent({ roleArn: upper, subject: 'repo:evil/fork:ref:refs/heads/main', errorCode: 'AccessDenied' }),
      webIdentityEvent({ roleArn: upper, subject: 'repo:acme/payments-api:pull_request' }),
    ])).toEqual([true, true]);
  });

  // Fixed finding: each tag-pattern trust renders an `anything-but` `wildcard` rule and nothing counted them; the 31st rule failed the deployment with
  // LimitExceededException (EventBridge quotas: 30 rules containing wildcards per event bus, not adjustable). Now KL-DETECT-RULE-QUOTA at synthesis.
  test('31 watched trusts with tag patterns in one account and Region are refused at synthesis (30 wildcard rules per bus, not adjustable)', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
    const stack = new cdk.Stack(app, 'Ids', { env: { account: ACCOUNT, region: 'eu-west-1' }, analyticsReporting: false });
    const build = () => {
      for (let i = 0; i < 31; i++) {
        const source = GitHubActions.repository({ owner: 'acme', repository: `svc-${i}`, subjectFormat: 'name-based', tagPatterns: ['v*'], allowNameOnlyPinning: true });
        new CiOidcTrust(stack, `T${i}`, { name: `svc-${i}-release`, ownership: OWNERSHIP, source });
      }
      app.synth();
    };
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    // The premise: 31 wildcard rules in one account and Region (checked first, so the failure below is the finding).
    const wildcard = rulesOf(stack).filter((r) => JSON.stringify(r.Properties.EventPattern).includes('"wildcard"'));
    expect(wildcard).toHaveLength(31);
    expect(String(error)).toMatch(/30 rules containing wildcards/);
  });

  // Fixed finding: the rule targeted the eu-west-1 topic whatever Region the agnostic stack was deployed to; deployed in us-east-1, EventBridge
  // delivers to same-Region targets only, so every alert was lost silently. The template now carries a `Rules` assertion on AWS::Region.
  test('an environment-agnostic stack with a single topicArn cannot deploy its rule to another Region than the topic\'s', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': { aws: { topicArn: TOPIC } } } });
    const stack = new cdk.Stack(app, 'Agnostic', { analyticsReporting: false });
    let template: any;
    try {
      new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
      template = Template.fromStack(stack).toJSON();
    } catch (e) {
      expect(String(e)).toMatch(/^Error: \[KL-DETECT-ROUTE-REGION\]/);
      return;
    }
    const assertions = JSON.stringify(template.Rules ?? {});
    expect(assertions).toContain('AWS::Region');
    expect(assertions).toContain('eu-west-1');
  });

  // Fixed finding: a string context value (`cdk -c` gives only strings) was read as "no AWS detection target is declared",
  // sending the platform engineer to add a route they already gave. JSON text is now parsed; other text is a malformed route.
  test('the `keyless:detections` context given as JSON text (`cdk -c`) routes the detections; other text is a malformed route, not "no route"', () => {
    const stack = stackIn({ 'keyless:detections': JSON.stringify(DETECTION_ROUTES) });
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    expect(rulesOf(stack).map((r) => r.Properties.Targets.map((t: any) => t.Arn))).toEqual([[TOPIC]]);
    for (const text of [TOPIC, '["x"]', '{"aws":', 'null']) {
      const bad = stackIn({ 'keyless:detections': text });
      expect(() => new CiOidcTrust(bad, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments })).toThrow(
        `[KL-DETECT-ROUTE] Platform/Deploy: \`keyless:detections\` is "${text.replace(/"/g, '\\"')}" (context)`,
      );
    }
  });

  test('HELD: a revoked trust keeps its rule, and the declared subject\'s now-refused call alerts', () => {
    const stack = stackIn();
    new CiOidcTrust(stack, 'Deploy', {
      name: 'payments-deploy', ownership: OWNERSHIP, source: payments, revoked: { sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: 'INC-4711 runner token leaked' },
    });
    const [rule] = rulesOf(stack);
    expect(eventBridgeMatches(rule.Properties.EventPattern, [webIdentityEvent({ subject: SUB_MAIN, errorCode: 'AccessDenied' }), webIdentityEvent({ subject: SUB_MAIN })]))
      .toEqual([true, false]);
  });

  test('HELD: a fork, a sibling repository with the prefix, and a tag shaped like the pattern in another repository are foreign', () => {
    const stack = stackIn();
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: payments });
    const [rule] = rulesOf(stack);
    expect(eventBridgeMatches(rule.Properties.EventPattern, [
      webIdentityEvent({ subject: 'repo:evil/payments-api:ref:refs/heads/main' }),
      webIdentityEvent({ subject: 'repo:acme/payments-api2:ref:refs/tags/v1' }),
      webIdentityEvent({ subject: 'repo:acme/payments-api:ref:refs/heads/main2' }),
      webIdentityEvent({ subject: 'REPO:acme/payments-api:ref:refs/heads/main' }),
      webIdentityEvent({ subject: 'repo:acme/payments-api:ref:refs/tags/v2.0.0' }),
    ])).toEqual([true, true, true, true, false]);
  });

  test('HELD: malformed routes are Keyless errors, never TypeErrors', () => {
    const app = new cdk.App();
    const bad: unknown[] = [null, 'arn', { aws: null }, { aws: { topicArnsByRegion: 'x' } }, { aws: { topicArnsByRegion: { 'eu-west-1': 42 } } },
      { gcp: null }, { gcp: { notificationChannels: 'x' } }, { azure: null }, { azure: { actionGroupId: DETECTION_ROUTES.azure!.actionGroupId, logAnalyticsWorkspaceId: 7 } }];
    for (const routes of bad) expect(() => routeDetections(app, routes as any)).toThrow(/^\[KL-DETECT-ROUTE\] /);
  });
});

describe('attack: GCP detections', () => {
  const PROJECT = 'acme-payments-prod';
  const NUMBER = '412345678901';
  const source = GitHubActions.repository({
    owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based', branches: ['main'], tagPatterns: ['v*'],
  });
  const common = { name: 'payments-deploy', ownership: OWNERSHIP, source, project: PROJECT, projectNumber: NUMBER, poolId: 'ci-github' };

  test('FINDING: a direct-access CI trust alerts when a subject it was not declared for exchanges a token successfully', () => {
    // Fixed finding: direct access rendered only refused-exchange; if the provider's attribute condition is widened outside Keyless (trust drift), a
    // foreign subject's successful ExchangeToken (principalSubject recorded in the STS audit log) acted on resources and nothing fired. It now has
    // foreign-exchange (test/constructs/gcp-detections.test.ts tests it on the documented sample entries).
    const trust = new GcpCiOidcTrust(tfStack(), 'Trust', common);
    expect(trust.detectionRules.map((d) => d.kind).length).toBeGreaterThan(1);
  });

  test('FINDING: a GKE direct-access identity that renders no detection does not read as watched', () => {
    // Fixed finding: `detections` read `{ enabled: true }` while nothing was rendered, so a reviewer (and any report built on the decision) believed
    // the tier 1 workload watched; it now reads enabled false with why (and `{ enabled: true }` is refused).
    const direct = new GcpWorkloadIdentity(tfStack(), 'Worker', {
      name: 'payments-worker', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'worker' }, project: PROJECT, projectNumber: NUMBER,
    });
    expect(direct.detectionRules).toEqual([]);
    expect(direct.detections.enabled).toBe(false);
  });

  test('HELD: hostile text cannot leave a Logging string literal or an RE2 literal', () => {
    expect(loggingString('a"b\\c') ).toBe('"a\\"b\\\\c"');
    const hostile = 'x") OR protoPayload.serviceName=~(".*';
    expect(new RegExp(`^${regexLiteral(hostile)}$`).test(hostile)).toBe(true);
    expect(new RegExp(`^${regexLiteral(hostile)}$`).test('xZ) OR protoPayload')).toBe(false);
  });
});

describe('attack: Azure detections', () => {
  test('HELD: KQL string literals escape quotes, backslashes and line breaks; other control characters are refused', () => {
    expect(kqlString('a"\n| union *\\')).toBe('"a\\"\\n| union *\\\\"');
    expect(() => kqlString('a\u0000b')).toThrow(/Keyless internal error/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The inventory's reading of detections, over hand-built output in the shape the constructs write.
// ---------------------------------------------------------------------------------------------------------------
const CFN = 'aws/app.template.json';
const TF_GCP = 'terraform/gcp/cdk.tf.json';
const TF_AZURE = 'terraform/azure/cdk.tf.json';
const cfn = (id: string, type: string, properties: any): NeutralResource => ({ format: 'cloudformation', file: CFN, type, id, properties });
const tf = (file: string, type: string, name: string, properties: any): NeutralResource => ({ format: 'terraform', file, type, id: `${type}.${name}`, properties });

function inventoryOf(resources: NeutralResource[]): Inventory {
  const files = [...new Set(resources.map((r) => r.file))].map((file) => ({ file, format: file.endsWith('.template.json') ? 'cloudformation' : 'terraform' }));
  return buildInventory({ resources, files, warnings: [] }, { today: TODAY });
}
const detectionsOf = (inventory: Inventory, id: string) => {
  const found = inventory.identities.find((r) => r.id === id);
  if (!found) throw new Error(`no record ${id}: ${inventory.identities.map((r) => r.id).join(', ')}`);
  return found.attributes.detections;
};

describe('attack: the inventory counts only effective detections', () => {
  const role = (id: string, name: string) => cfn(id, 'AWS::IAM::Role', {
    RoleName: name,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Federated: { Ref: 'GithubProvider' } },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': `repo:acme/${name}:ref:refs/heads/main` } },
      }],
    },
    Tags: [{ Key: 'keyless:owner', Value: 'platform' }, { Key: 'keyless:tier', Value: '1' }],
  });

  // Fixed finding: any rule with requestParameters.roleArn naming the role counted, whatever its source and eventName; this one can never
  // see an AssumeRoleWithWebIdentity call. Only a pattern on STS's assume calls counts now, and the reason is given.
  test('a rule that names the role but watches another service\'s events is not "watched", and says why', () => {
    const inventory = inventoryOf([
      cfn('GithubProvider', 'AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] }),
      role('DeployRole', 'app'),
      cfn('Decoy', 'AWS::Events::Rule', {
        State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        EventPattern: { 'source': ['aws.s3'], 'detail-type': ['AWS API Call via CloudTrail'], 'detail': { eventName: ['PassRole'], requestParameters: { roleArn: [{ 'Fn::GetAtt': ['DeployRole', 'Arn'] }] } } },
        Targets: [{ Id: 'Target0', Arn: TOPIC }],
      }),
    ]);
    expect(detectionsOf(inventory, 'aws:role:app')).toBe('missing: rule Decoy does not match STS events (source aws.s3)');
  });

  const sts = { 'source': ['aws.sts'], 'detail-type': ['AWS API Call via CloudTrail'] };
  const roleArn = [{ 'equals-ignore-case': { 'Fn::GetAtt': ['DeployRole', 'Arn'] } }];
  test.each([
    ['another event name', { ...sts, detail: { eventName: ['PassRole'], requestParameters: { roleArn } } }, 'missing: rule R does not match an assumption (eventName PassRole)'],
    ['another event source', { ...sts, detail: { eventSource: ['iam.amazonaws.com'], eventName: ['AssumeRoleWithWebIdentity'], requestParameters: { roleArn } } },
      'missing: rule R does not match STS calls (eventSource)'],
    ['no detail-type', { source: ['aws.sts'], detail: { eventName: ['AssumeRoleWithWebIdentity'], requestParameters: { roleArn } } },
      'missing: rule R does not match CloudTrail API calls (detail-type)'],
    ['the Keyless shape (roleArn ignoring case)', { ...sts, detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoleWithWebIdentity'], requestParameters: { roleArn } } },
      `watched: ${CFN}:R`],
  ])('a rule on STS with %s reads as its pattern sees the role', (_, EventPattern, expected) => {
    const inventory = inventoryOf([
      cfn('GithubProvider', 'AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] }),
      role('DeployRole', 'app'),
      cfn('R', 'AWS::Events::Rule', { State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', EventPattern, Targets: [{ Id: 'Target0', Arn: TOPIC }] }),
    ]);
    expect(detectionsOf(inventory, 'aws:role:app')).toBe(expected);
  });

  test('FINDING: a watched service account in staging does not make the same account id in production "watched"', () => {
    // Fixed finding: alert policies were matched by the `keyless-identity` label alone, a bare account id shared by every service account with that id
    // in any project, so the prod account (no alert at all) read watched because staging's is. Same-named identities now count only the one the
    // policy's project or text names.
    const sa = (name: string, project: string) => [
      tf(TF_GCP, 'google_service_account', name, { account_id: 'deploy', project, description: 'owner=platform; tier=1' }),
      tf(TF_GCP, 'google_service_account_iam_member', `${name}_wif`, {
        service_account_id: `\${google_service_account.${name}.name}`,
        role: 'roles/iam.workloadIdentityUser',
        member: `principal://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/ci-pool/subject/repo:acme/app-${name}:ref:refs/heads/main`,
      }),
    ];
    const inventory = inventoryOf([
      ...sa('staging', 'acme-staging'),
      ...sa('prod', 'acme-prod'),
      tf(TF_GCP, 'google_monitoring_alert_policy', 'staging', {
        display_name: 'Keyless detections for deploy: impersonation of deploy@acme-staging.iam.gserviceaccount.com by an undeclared principal',
        combiner: 'OR',
        user_labels: { 'keyless-identity': 'deploy', 'keyless-detection': 'foreign-impersonation' },
        notification_channels: ['projects/acme-sec/notificationChannels/123'],
        conditions: [{ display_name: 'x', condition_threshold: { filter: 'metric.type="logging.googleapis.com/user/keyless/foreign-impersonation/deploy"' } }],
      }),
    ]);
    expect(detectionsOf(inventory, 'gcp:service-account:deploy@acme-staging.iam.gserviceaccount.com')).toMatch(/^watched/);
    expect(detectionsOf(inventory, 'gcp:service-account:deploy@acme-prod.iam.gserviceaccount.com')).toBe('missing');
  });

  test('FINDING: two identities of the same name in two resource groups are not confused by the `keyless-identity` tag', () => {
    // WRONG: the constructs tag the alert with the bare identity name and the inventory keeps one identity per bare name (the last one read), so the
    // alert of rg-a/deploy is credited to rg-b/deploy and rg-a/deploy, the watched one, reads missing.
    const uai = (name: string, rg: string, tags: Record<string, string> = {}) => tf(TF_AZURE, 'azurerm_user_assigned_identity', name, {
      name: 'deploy', resource_group_name: rg, location: 'westeurope', tags: { 'keyless-owner': 'platform', 'keyless-tier': '1', ...tags },
    });
    const fic = (name: string, rg: string) => tf(TF_AZURE, 'azurerm_federated_identity_credential', name, {
      name,
      resource_group_name: rg,
      parent_id: `\${azurerm_user_assigned_identity.${name}.id}`,
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:acme/app:environment:production',
      audience: ['api://AzureADTokenExchange'],
    });
    const inventory = inventoryOf([
      uai('a', 'rg-a'), fic('a', 'rg-a'),
      tf(TF_AZURE, 'azurerm_monitor_scheduled_query_rules_alert_v2', 'a', {
        name: 'keyless-refused-signin-deploy',
        resource_group_name: 'rg-a',
        enabled: true,
        tags: { 'keyless-identity': 'deploy', 'keyless-detection': 'refused-exchange' },
        criteria: [{ query: 'AADManagedIdentitySignInLogs\n| where ServicePrincipalId =~ "${azurerm_user_assigned_identity.a.principal_id}"' }],
        action: { action_groups: ['/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.insights/actionGroups/soc'] },
      }),
      uai('b', 'rg-b', { 'keyless-detections-opt-out': 'watched by the SOC rules SEC-881' }), fic('b', 'rg-b'),
    ]);
    expect(detectionsOf(inventory, 'azure:user-assigned-identity:rg-a/deploy')).toMatch(/^watched/);
    expect(detectionsOf(inventory, 'azure:user-assigned-identity:rg-b/deploy')).toBe('opted-out: watched by the SOC rules SEC-881');
  });
});
