/**
 * Attacks (session 28) on the fixes of issue 19's detections and revocation findings: the equals-ignore-case role
 * match, the app-wide wildcard-rule quota, the agnostic stack's Region assertion, the KeylessRevoked trust deny, the
 * GCP foreign-exchange filter, the terraform_data revocation markers and the alert crediting of the inventory. A test
 * asserts the CORRECT behaviour: HELD tests pass and prove a defence; FINDING tests fail on the code they were written
 * against (marked `test.failing`).
 *
 * Real engines where they exist: moto's EventBridge pattern engine, `terraform` 1.11 (an outputs-only configuration,
 * applied offline, shows how Terraform reads a string), cfn-lint.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cdk from 'aws-cdk-lib/core';
import { DataResource } from 'cdktf';
import { GitHubActions } from '../../src';
import { BreakGlassRole, CiOidcTrust } from '../../src/constructs/aws';
import { BreakGlassAssignment } from '../../src/constructs/azure';
import { BreakGlassAccess, CiOidcTrust as GcpCiOidcTrust, WorkloadIdentity as GcpWorkloadIdentity } from '../../src/constructs/gcp';
import { Inventory } from '../../src/inventory/model';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import type { NeutralResource } from '../../src/synth/model';
import { readSynthesizedOutput } from '../../src/synth/read';
import { verify, verifyFails } from '../../src/verify/verify';
import { eventBridgeMatches, webIdentityEvent as cloudTrailWebIdentity } from '../helpers/eventbridge';
import { DETECTION_ROUTES, OWNERSHIP, TODAY, tfJson, tfResources, tfStack } from '../helpers/synth';
import { terraformReads } from '../helpers/terraform-eval';

const ACCOUNT = '123456789012';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:security-alerts';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tmp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A web identity call for `subject` naming `roleArn`. */
const webIdentityEvent = (roleArn: string, subject: string, errorCode?: string) => cloudTrailWebIdentity({ roleArn, subject, errorCode });

/** Replaces `{ "Fn::GetAtt": [id, "Arn"] }` by the ARN CloudFormation would put there. */
function resolveGetAtt(value: unknown, arns: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveGetAtt(v, arns));
  if (value === null || typeof value !== 'object') return value;
  const getAtt = (value as any)['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && arns[getAtt[0]] !== undefined) return arns[getAtt[0]];
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveGetAtt(v, arns)]));
}

const tagged = (i: number) => GitHubActions.repository({ owner: 'acme', repository: `svc-${i}`, subjectFormat: 'name-based', tagPatterns: ['v*'], allowNameOnlyPinning: true });
const pinned = GitHubActions.repository({ owner: 'acme', repository: 'payments-api', subjectFormat: 'name-based', branches: ['main'], allowNameOnlyPinning: true });
const appWithRoutes = (routes: unknown = DETECTION_ROUTES) => new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': routes } });
const ENV = { account: ACCOUNT, region: 'eu-west-1' };

/** Adds `count` watched trusts with tag patterns (one wildcard rule each) to `scope`, numbered from `from`. */
function wildcardTrusts(scope: cdk.Stack, from: number, count: number): void {
  // The account's one GitHub provider, imported in each stack (it is the one per issuer per account, owned elsewhere).
  const oidcProvider = iam.OidcProviderNative.fromOidcProviderArn(scope, 'Provider', `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`);
  for (let i = from; i < from + count; i++) {
    new CiOidcTrust(scope, `T${i}`, { name: `svc-${i}-release`, ownership: OWNERSHIP, source: tagged(i), oidcProvider });
  }
}

function thrown(build: () => void): string {
  try {
    build();
  } catch (e) {
    return String(e);
  }
  return 'nothing thrown';
}

describe('attack: the equals-ignore-case role match', () => {
  test('HELD: an agnostic stack\'s rule (the role ARN a Fn::GetAtt inside equals-ignore-case), resolved as CloudFormation would, alerts on another case', () => {
    const stack = new cdk.Stack(appWithRoutes({ aws: { topicArn: TOPIC } }), 'Agnostic', { analyticsReporting: false });
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: pinned });
    const template = Template.fromStack(stack).toJSON();
    const [roleId] = Object.entries(template.Resources).find(([, r]: [string, any]) => r.Type === 'AWS::IAM::Role')!;
    const [rule] = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::Events::Rule') as any[];
    expect(rule.Properties.EventPattern.detail.requestParameters.roleArn).toEqual([{ 'equals-ignore-case': { 'Fn::GetAtt': [roleId, 'Arn'] } }]);
    const pattern = resolveGetAtt(rule.Properties.EventPattern, { [roleId]: `arn:aws:iam::${ACCOUNT}:role/payments-deploy` }) as object;
    expect(eventBridgeMatches(pattern, [
      webIdentityEvent(`arn:aws:iam::${ACCOUNT}:role/PAYMENTS-DEPLOY`, 'repo:evil/fork:ref:refs/heads/main'),
      webIdentityEvent(`arn:aws:iam::${ACCOUNT}:role/Payments-Deploy`, 'repo:acme/payments-api:ref:refs/heads/main', 'AccessDenied'),
      webIdentityEvent(`arn:aws:iam::${ACCOUNT}:role/payments-deploy2`, 'repo:evil/fork:ref:refs/heads/main'),
      webIdentityEvent(`arn:aws:iam::${ACCOUNT}:role/payments-deploy`, 'repo:acme/payments-api:ref:refs/heads/main'),
    ])).toEqual([true, true, false, false]);
  });
});

describe('attack: the app-wide wildcard-rule quota (30 per default bus, not adjustable)', () => {
  test('HELD: 16 + 15 wildcard rules in two stages deploying to one account and Region are refused at the 31st', () => {
    const app = appWithRoutes();
    const a = new cdk.Stack(new cdk.Stage(app, 'Blue', { env: ENV }), 'Ids', { analyticsReporting: false });
    const b = new cdk.Stack(new cdk.Stage(app, 'Green', { env: ENV }), 'Ids', { analyticsReporting: false });
    expect(thrown(() => {
      wildcardTrusts(a, 0, 16);
      wildcardTrusts(b, 16, 15);
    })).toMatch(/KL-DETECT-RULE-QUOTA.*Keyless rule number 31 containing wildcards on the default event bus of account 123456789012 in eu-west-1/);
  });

  test('HELD: a nested stack\'s rules count on its parent\'s bus (16 in the parent, 15 in the nested stack)', () => {
    const parent = new cdk.Stack(appWithRoutes(), 'Parent', { env: ENV, analyticsReporting: false });
    const nested = new cdk.NestedStack(parent, 'Nested');
    expect(thrown(() => {
      wildcardTrusts(parent, 0, 16);
      wildcardTrusts(nested as unknown as cdk.Stack, 16, 15);
    })).toMatch(/KL-DETECT-RULE-QUOTA/);
  });

  test('FINDING: nested stacks of an environment-agnostic parent deploy to its one account and Region, yet each is counted on its own bus', () => {
    // A nested stack is deployed by its parent's deployment, in the parent's account and Region (CloudFormation
    // User Guide, "Nested stacks"): two nested stacks of 16 and 15 wildcard rules put 31 on one bus.
    const parent = new cdk.Stack(appWithRoutes({ aws: { topicArn: TOPIC } }), 'Parent', { analyticsReporting: false });
    const one = new cdk.NestedStack(parent, 'One');
    const two = new cdk.NestedStack(parent, 'Two');
    expect(thrown(() => {
      wildcardTrusts(one as unknown as cdk.Stack, 0, 16);
      wildcardTrusts(two as unknown as cdk.Stack, 16, 15);
    })).toMatch(/KL-DETECT-RULE-QUOTA/);
  });
});

describe('attack: the agnostic stack\'s Region assertion', () => {
  test('HELD: an agnostic stack routed by `topicArn` and `topicArnsByRegion` pins its Region to `topicArn`\'s, and cfn-lint accepts the template', () => {
    const stack = new cdk.Stack(appWithRoutes(), 'Agnostic', { analyticsReporting: false });
    new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: pinned });
    const template = Template.fromStack(stack).toJSON();
    expect(template.Rules.KeylessDetectionsRegion.Assertions.map((a: any) => a.Assert)).toEqual([{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }]);
    const file = path.join(tmp('kl28-cfn-'), 'agnostic.template.json');
    fs.writeFileSync(file, JSON.stringify(template));
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect(lint.stdout.split('\n').filter((l) => /:E\d+:/.test(l))).toEqual([]);
  });

  test('HELD: an agnostic stack routed only by `topicArnsByRegion` is refused (no topic can be picked), not deployed with a lost target', () => {
    const stack = new cdk.Stack(appWithRoutes({ aws: { topicArnsByRegion: { 'eu-west-1': TOPIC } } }), 'Agnostic', { analyticsReporting: false });
    expect(thrown(() => new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: pinned }))).toMatch(/^KeylessError: \[KL-DETECT-ROUTE-REGION\] Agnostic\/Deploy: /);
  });

  test('HELD: an explicit-Region stack whose only topic is in another Region is refused (cross-Region delivery is impossible)', () => {
    const stack = new cdk.Stack(appWithRoutes({ aws: { topicArn: TOPIC } }), 'UsEast', { env: { account: ACCOUNT, region: 'us-east-1' }, analyticsReporting: false });
    expect(thrown(() => new CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source: pinned }))).toMatch(/KL-DETECT-ROUTE-REGION.*us-east-1/);
  });

  test('FINDING: a break-glass role\'s alarm in an environment-agnostic stack is not pinned to its topic\'s Region', () => {
    // The same loss as attack finding 3, for the one rule that must never be lost: deployed to us-east-1, the
    // alarm rule targets an eu-west-1 topic and EventBridge delivers to same-Region targets only, so every use of the
    // break-glass role goes unreported. (With an explicit env, aws-cdk-lib refuses the cross-Region imported topic.)
    const stack = new cdk.Stack(new cdk.App({ context: { 'keyless:today': TODAY } }), 'Agnostic', { analyticsReporting: false });
    new BreakGlassRole(stack, 'Glass', {
      name: 'payments-break-glass',
      ownership: { ...OWNERSHIP, reviewBy: '2027-01-31' },
      expires: '2027-01-31',
      humans: [{ principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`, sourceIdentity: 'alice' }],
      statements: [new iam.PolicyStatement({ actions: ['eks:UpdateNodegroupConfig'], resources: [`arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/payments-prod/*`] })],
      alarmTopic: sns.Topic.fromTopicArn(stack, 'Alerts', TOPIC),
    });
    let template: any;
    const error = thrown(() => {
      template = Template.fromStack(stack).toJSON();
    });
    if (template === undefined) {
      expect(error).toMatch(/KL-DETECT-ROUTE-REGION|Region/);
      return;
    }
    expect(JSON.stringify(template.Rules)).toContain('{"Fn::Equals":[{"Ref":"AWS::Region"},"eu-west-1"]}');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The inventory, over hand-built output in the shape the constructs (or a hand-written addition) write.
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
const recordOf = (inventory: Inventory, id: string) => {
  const found = inventory.identities.find((r) => r.id === id);
  if (!found) throw new Error(`no record ${id}: ${inventory.identities.map((r) => r.id).join(', ')}`);
  return found;
};

describe('attack: decoy AWS rules', () => {
  const role = cfn('DeployRole', 'AWS::IAM::Role', {
    RoleName: 'app',
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Federated: { Ref: 'GithubProvider' } },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main' } },
      }],
    },
    Tags: [{ Key: 'keyless:owner', Value: 'platform' }, { Key: 'keyless:tier', Value: '1' }],
  });
  const provider = cfn('GithubProvider', 'AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] });
  const sts = { 'source': ['aws.sts'], 'detail-type': ['AWS API Call via CloudTrail'] };
  const detail = (roleArn: unknown) => ({ eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoleWithWebIdentity'], requestParameters: { roleArn } });
  const arn = { 'Fn::GetAtt': ['DeployRole', 'Arn'] };

  test.each([
    ['anything-but the role', [{ 'anything-but': arn }]],
    ['anything-but the role ignoring case', [{ 'anything-but': { 'equals-ignore-case': arn } }]],
  ])('HELD: a rule that matches every role but this one (%s) does not make it "watched"', (_, roleArn) => {
    const inventory = inventoryOf([provider, role,
      cfn('R', 'AWS::Events::Rule', { State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', EventPattern: { ...sts, detail: detail(roleArn) }, Targets: [{ Id: 'T', Arn: TOPIC }] })]);
    expect(recordOf(inventory, 'aws:role:app').attributes.detections).not.toMatch(/^watched/);
  });

  test.each([
    ['eventName anything-but the web identity call', { ...sts, detail: { ...detail([{ 'equals-ignore-case': arn }]), eventName: [{ 'anything-but': 'AssumeRoleWithWebIdentity' }] } }],
    ['source anything-but aws.sts', { ...sts, source: [{ 'anything-but': 'aws.sts' }], detail: detail([{ 'equals-ignore-case': arn }]) }],
  ])('HELD: a rule whose %s cannot see the assumption does not make the role "watched"', (_, EventPattern) => {
    const inventory = inventoryOf([provider, role, cfn('R', 'AWS::Events::Rule', { State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', EventPattern, Targets: [{ Id: 'T', Arn: TOPIC }] })]);
    expect(recordOf(inventory, 'aws:role:app').attributes.detections).not.toMatch(/^watched/);
  });

  test('HELD: a rule with no target alerts no one and does not make the role "watched"', () => {
    const inventory = inventoryOf([provider, role,
      cfn('R', 'AWS::Events::Rule', { State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', EventPattern: { ...sts, detail: detail([{ 'equals-ignore-case': arn }]) }, Targets: [] })]);
    expect(recordOf(inventory, 'aws:role:app').attributes.detections).not.toMatch(/^watched/);
  });

  test('HELD: a disabled rule, or one enabled without read-only management events, does not make the role "watched"', () => {
    for (const State of ['DISABLED', 'ENABLED']) {
      const inventory = inventoryOf([provider, role,
        cfn('R', 'AWS::Events::Rule', { State, EventPattern: { ...sts, detail: detail([{ 'equals-ignore-case': arn }]) }, Targets: [{ Id: 'T', Arn: TOPIC }] })]);
      expect(recordOf(inventory, 'aws:role:app').attributes.detections).not.toMatch(/^watched/);
    }
  });

  const literalRule = (roleArn: string) => cfn('R', 'AWS::Events::Rule', {
    State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', EventPattern: { ...sts, detail: detail([{ 'equals-ignore-case': roleArn }]) }, Targets: [{ Id: 'T', Arn: TOPIC }],
  });

  test('HELD: a literal role ARN matched ignoring case watches the role', () => {
    expect(recordOf(inventoryOf([provider, role, literalRule(`arn:aws:iam::${ACCOUNT}:role/app`)]), 'aws:role:app').attributes.detections).toBe(`watched: ${CFN}:R`);
  });

  test('FINDING: a literal role ARN in another letter case under equals-ignore-case is read case-sensitively (watched role reads missing)', () => {
    // EventBridge's equals-ignore-case matches `role/APP` for the role `app`, which the inventory's own comment says it reads "as the ARN
    // does": the lookup by name is case-sensitive, so a SOC rule written with the console's spelling reads missing (a false gap in the report).
    expect(recordOf(inventoryOf([provider, role, literalRule(`arn:aws:iam::${ACCOUNT}:role/APP`)]), 'aws:role:app').attributes.detections).toBe(`watched: ${CFN}:R`);
  });
});

describe('attack: Azure alerts credited by the ids in their query', () => {
  const uai = tf(TF_AZURE, 'azurerm_user_assigned_identity', 'a', {
    name: 'deploy', resource_group_name: 'rg-a', location: 'westeurope', tags: { 'keyless-owner': 'platform', 'keyless-tier': '1' },
  });
  const fic = tf(TF_AZURE, 'azurerm_federated_identity_credential', 'a', {
    name: 'a',
    resource_group_name: 'rg-a',
    parent_id: '${azurerm_user_assigned_identity.a.id}',
    issuer: 'https://token.actions.githubusercontent.com',
    subject: 'repo:acme/app:environment:production',
    audience: ['api://AzureADTokenExchange'],
  });
  const alert = (query: string) => tf(TF_AZURE, 'azurerm_monitor_scheduled_query_rules_alert_v2', 'decoy', {
    name: 'soc-signins',
    resource_group_name: 'rg-sec',
    enabled: true,
    criteria: [{ query }],
    action: { action_groups: ['/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.insights/actionGroups/soc'] },
  });

  test.each([
    ['excludes the identity (!=)', 'AADManagedIdentitySignInLogs\n| where ServicePrincipalId != "${azurerm_user_assigned_identity.a.principal_id}"'],
    ['names it only in a comment', '// reviewed: ${azurerm_user_assigned_identity.a.principal_id}\nAADManagedIdentitySignInLogs\n| where ServicePrincipalId == "0"'],
  ])('HELD: a query that %s does not make the identity "watched"', (_, query) => {
    const inventory = inventoryOf([uai, fic, alert(query)]);
    expect(recordOf(inventory, 'azure:user-assigned-identity:rg-a/deploy').attributes.detections).not.toMatch(/^watched/);
  });
});

describe('attack: KeylessRevoked and verify on a revoked role', () => {
  const SIX = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:SetContext', 'sts:SetSourceIdentity', 'sts:TagSession'];
  const allow = {
    Effect: 'Allow',
    Principal: { Federated: { Ref: 'GithubProvider' } },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/x:*' } },
  };
  const reportOf = (deny: object) => {
    const resources: NeutralResource[] = [
      cfn('GithubProvider', 'AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] }),
      cfn('R', 'AWS::IAM::Role', {
        RoleName: 'x',
        AssumeRolePolicyDocument: { Statement: [allow, deny] },
        Tags: [{ Key: 'keyless:revoked', Value: '2026-12-03T10:15:00Z' }, { Key: 'keyless:revoked-reason', Value: 'INC-4711' }],
      }),
    ];
    const report = verify({ resources, providers: [], files: [{ file: CFN, format: 'cloudformation' }] });
    return { report, trust: report.trusts.find((t) => t.id === 'aws:role:x')! };
  };

  test('HELD: a KeylessRevoked narrowed by a Condition (an override) fails verify and names the admitted legitimate identity', () => {
    const { report, trust } = reportOf({
      Sid: 'KeylessRevoked', Effect: 'Deny', Principal: '*', Action: SIX, Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/x:environment:production' } },
    });
    expect(verifyFails(report)).toBe(true);
    expect(trust.problems).toContainEqual(expect.stringMatching(/^revoked at 2026-12-03T10:15:00Z \(INC-4711\) but the legitimate identity is still admitted: /));
  });

  test('HELD: the rendered Deny ("Principal": "*", six actions, no condition) reads revoked with no problem', () => {
    expect(reportOf({ Sid: 'KeylessRevoked', Effect: 'Deny', Principal: '*', Action: SIX }).trust).toMatchObject({ verdict: 'revoked', problems: [] });
  });

  test('FINDING: a Deny of every action but sts:TagSession (NotAction) covers the trust\'s one allowed action, yet verify reads it broken', () => {
    // Low: an alert on nothing. An explicit Deny with NotAction denies every action it does not list (IAM JSON policy elements: NotAction), so
    // AssumeRoleWithWebIdentity, the only action the trust allows, is denied; trustDeniesEveryAssumption reads Action only and reports a gap.
    expect(reportOf({ Sid: 'HandRevoked', Effect: 'Deny', Principal: '*', NotAction: 'sts:TagSession' }).trust).toMatchObject({ verdict: 'revoked', problems: [] });
  });
});

describe('attack: the GCP foreign-exchange filter', () => {
  const PROJECT = 'acme-payments-prod';
  const NUMBER = '412345678901';

  test('HELD: declared refs containing `${` and `%{`: Terraform reads the filter with them literal, and the prefix regex matches only the declared prefix', () => {
    const source = GitHubActions.repository({
      owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based', branches: ['feat/${x}', 'rel/%{y}'], tagPatterns: ['v${z}*'],
    });
    const stack = tfStack();
    new GcpCiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source, project: PROJECT, projectNumber: NUMBER, poolId: 'ci-github' });
    const metrics = Object.values(tfResources(tfJson(stack), 'google_logging_metric')) as any[];
    const foreign = metrics.find((m) => m.name.startsWith('keyless/foreign-exchange/'));
    const [filter] = terraformReads([foreign.filter]);
    expect(filter).toContain('principalSubject="repo:acme/payments-api:ref:refs/heads/feat/${x}"');
    expect(filter).toContain('principalSubject="repo:acme/payments-api:ref:refs/heads/rel/%{y}"');
    const regex = /principalSubject=~"([^"]*)"/.exec(filter)![1];
    const re = new RegExp(regex);
    expect(['repo:acme/payments-api:ref:refs/tags/v${z}1', 'repo:acme/payments-api:ref:refs/tags/vz1', 'repo:evil/x:ref:refs/tags/v${z}', 'xrepo:acme/payments-api:ref:refs/tags/v${z}']
      .map((s) => re.test(s))).toEqual([true, false, false, false]);
  });
});

describe('attack: terraform_data revocation markers and the records they define', () => {
  const written = (json: object, sub: string) => {
    const dir = tmp('kl28-tf-');
    fs.mkdirSync(path.join(dir, sub));
    fs.writeFileSync(path.join(dir, sub, 'cdk.tf.json'), JSON.stringify(json));
    return dir;
  };
  const REVOKED = { sessionsIssuedBefore: '2026-12-03T10:15:00Z', reason: 'INC-4711 runner token leaked' };

  test('FINDING: a member with a live break-glass binding and a revoked one reads revoked, holding the live role', () => {
    // Both BreakGlassAccess records are keyed by member (gcp:break-glass-binding:MEMBER) and merged; the marker defines the merged record (read
    // first), so oncall reads revoked (and counts in revokedIdentities, the diff reads a narrowing) while roles/cloudsql.admin stays granted.
    const stack = tfStack();
    const base = { ownership: OWNERSHIP, project: 'acme-payments-prod', members: ['user:oncall@acme.example'], expires: '2026-12-20' };
    new BreakGlassAccess(stack, 'Live', { ...base, name: 'db-breakglass', role: 'roles/cloudsql.admin' });
    new BreakGlassAccess(stack, 'Old', { ...base, name: 'gke-breakglass', role: 'roles/container.admin', revoked: REVOKED });
    const inventory = buildInventory(readInventoryInput([written(tfJson(stack), 'gcp')]), { today: TODAY });
    const holding = inventory.identities.filter((r) => r.permissions.some((p) => p.text.startsWith('roles/cloudsql.admin on project acme-payments-prod')));
    expect(holding.map((r) => r.revoked)).toEqual([null]);
  });

  test('HELD: a decoy GKE marker naming a live principal with a grant: the inventory warns the grant survives and verify reads the trust broken', () => {
    const stack = tfStack();
    const gke = new GcpWorkloadIdentity(stack, 'Worker', {
      name: 'payments-worker', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'worker' }, project: 'acme-payments-prod', projectNumber: '412345678901',
    });
    new ProjectIamMember(stack, 'Grant', { project: 'acme-payments-prod', role: 'roles/storage.objectViewer', member: gke.member });
    new DataResource(stack, 'Decoy', { input: { keyless_revoked_principal: gke.member, description: 'owner=x; tier=1; revoked=2026-12-03T10:15:00Z; revoked-reason=decoy' } });
    const dir = written(tfJson(stack), 'gcp');
    const inventory = buildInventory(readInventoryInput([dir]), { today: TODAY });
    expect(inventory.warnings).toContainEqual(expect.stringMatching(/is revoked \(2026-12-03T10:15:00Z\) but is still granted roles\/storage\.objectViewer on project acme-payments-prod/));
    const report = verify(readSynthesizedOutput([dir]));
    expect(report.trusts.filter((t) => t.id.startsWith('gcp:gke:acme-payments-prod.svc.id.goog[payments/worker]')).map((t) => t.verdict)).toEqual(['broken']);
  });

  test('FINDING: revoking one of a principal\'s two Azure break-glass assignments leaves no revoked record (merged into the live one)', () => {
    // Records are keyed by principal (azure:pim-assignment:PRINCIPAL): the marker's record merges into the live assignment's, which defines it,
    // so the revocation (when, why) is read nowhere: revokedIdentities is empty and the live record carries `revokedAssignment`.
    const stack = tfStack();
    const props = {
      ownership: { ...OWNERSHIP, tier: 1 as const },
      scope: '/subscriptions/00000000-0000-0000-0000-000000000000',
      principalId: '9b2c4d6e-8f10-4a2b-9c3d-5e7f9a1b3c5d',
      justification: 'INC-4711 database restore runbook',
      expires: '2026-12-15',
    };
    const role = (id: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/${id}`;
    new BreakGlassAssignment(stack, 'Live', { ...props, roleDefinitionId: role('8e3af657-a8ff-443c-a75c-2fe8c4bcb635') });
    new BreakGlassAssignment(stack, 'Old', { ...props, roleDefinitionId: role('acdd72a7-3385-48ef-bd42-f606fba81ae7'), revoked: REVOKED });
    const inventory = buildInventory(readInventoryInput([written(tfJson(stack), 'azure')]), { today: TODAY });
    expect(inventory.identities.map((r) => r.revoked)).toContainEqual({ at: REVOKED.sessionsIssuedBefore, reason: REVOKED.reason });
    expect(inventory.identities.filter((r) => r.permissions.some((p) => p.text.startsWith('Owner on '))).map((r) => r.revoked)).toEqual([null]);
  });
});

describe('attack: an alert disabled the way Terraform reads it', () => {
  /** Whether Terraform, given `value` (a JSON configuration string) where a bool is expected (a condition), reads false: offline, outputs only. */
  function terraformReadsFalse(value: string): boolean {
    const dir = tmp('kl28-tfbool-');
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals: { enabled: value }, output: { is_false: { value: '${local.enabled ? false : true}' } } }));
    fs.writeFileSync(path.join(dir, 'cli.tfrc'), '');
    const env = { ...process.env, TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'), CHECKPOINT_DISABLE: '1' };
    for (const args of [['init', '-input=false', '-no-color'], ['apply', '-auto-approve', '-input=false', '-no-color']]) {
      const run = spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8' });
      if (run.error || run.status !== 0) throw new Error(`terraform ${args[0]} failed: ${run.error?.message ?? run.stderr}`);
    }
    return JSON.parse(spawnSync('terraform', ['output', '-json'], { cwd: dir, env, encoding: 'utf8' }).stdout).is_false.value === true;
  }

  const sa = [
    tf(TF_GCP, 'google_service_account', 'prod', { account_id: 'deploy', project: 'acme-prod', description: 'owner=platform; tier=1' }),
    tf(TF_GCP, 'google_service_account_iam_member', 'prod_wif', {
      service_account_id: '${google_service_account.prod.name}',
      role: 'roles/iam.workloadIdentityUser',
      member: 'principal://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/ci-pool/subject/repo:acme/app:ref:refs/heads/main',
    }),
  ];
  const policy = (enabled: unknown) => tf(TF_GCP, 'google_monitoring_alert_policy', 'prod', {
    display_name: 'Keyless detections for deploy: impersonation of deploy@acme-prod.iam.gserviceaccount.com by an undeclared principal',
    combiner: 'OR',
    enabled,
    project: 'acme-prod',
    user_labels: { 'keyless-identity': 'deploy', 'keyless-detection': 'foreign-impersonation' },
    notification_channels: ['projects/acme-sec/notificationChannels/123'],
    conditions: [{ display_name: 'x', condition_threshold: { filter: 'metric.type="logging.googleapis.com/user/keyless/foreign-impersonation/deploy"' } }],
  });
  const ID = 'gcp:service-account:deploy@acme-prod.iam.gserviceaccount.com';
  const azure = [
    tf(TF_AZURE, 'azurerm_user_assigned_identity', 'a', { name: 'deploy', resource_group_name: 'rg-a', location: 'westeurope', tags: { 'keyless-owner': 'platform', 'keyless-tier': '1' } }),
    tf(TF_AZURE, 'azurerm_federated_identity_credential', 'a', {
      name: 'a',
      resource_group_name: 'rg-a',
      parent_id: '${azurerm_user_assigned_identity.a.id}',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:acme/app:environment:production',
      audience: ['api://AzureADTokenExchange'],
    }),
  ];
  const azureRule = (enabled: unknown) => tf(TF_AZURE, 'azurerm_monitor_scheduled_query_rules_alert_v2', 'a', {
    name: 'keyless-refused-signin-deploy',
    resource_group_name: 'rg-a',
    enabled,
    tags: { 'keyless-identity': 'deploy', 'keyless-detection': 'refused-exchange' },
    criteria: [{ query: 'AADManagedIdentitySignInLogs\n| where ServicePrincipalId =~ "${azurerm_user_assigned_identity.a.principal_id}"' }],
    action: { action_groups: ['/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.insights/actionGroups/soc'] },
  });
  const AZURE_ID = 'azure:user-assigned-identity:rg-a/deploy';

  test('HELD (control): the enabled policy watches the account; `enabled: false` does not', () => {
    expect(recordOf(inventoryOf([...sa, policy(true)]), ID).attributes.detections).toMatch(/^watched/);
    expect(recordOf(inventoryOf([...sa, policy(false)]), ID).attributes.detections).not.toMatch(/^watched/);
    expect(recordOf(inventoryOf([...azure, azureRule(true)]), AZURE_ID).attributes.detections).toMatch(/^watched/);
    expect(recordOf(inventoryOf([...azure, azureRule(false)]), AZURE_ID).attributes.detections).not.toMatch(/^watched/);
  });

  test('FINDING: `enabled: "false"` or `"${false}"` (a disabled alert, as Terraform reads it) makes the identity "watched"', () => {
    // Terraform converts the string "false" (and the template "${false}") to the bool false where a bool is expected (checked with the binary
    // below); the inventory tests `enabled === false` only, so a hand-edited disabled GCP policy or Azure query rule reads watched, alerting no one.
    expect(['false', '${false}'].map(terraformReadsFalse)).toEqual([true, true]);
    for (const enabled of ['false', '${false}']) {
      expect(recordOf(inventoryOf([...sa, policy(enabled)]), ID).attributes.detections).not.toMatch(/^watched/);
      expect(recordOf(inventoryOf([...azure, azureRule(enabled)]), AZURE_ID).attributes.detections).not.toMatch(/^watched/);
    }
  });

  test('HELD (after the fix): "0", "${ false }" are disabled and "true", "1", "${true}" enabled, as terraform reads them; each read exactly', () => {
    expect(['0', '${ false }', 'true', '1', '${true}'].map(terraformReadsFalse)).toEqual([true, true, false, false, false]);
    for (const enabled of ['0', '${ false }']) {
      expect(recordOf(inventoryOf([...sa, policy(enabled)]), ID).attributes.detections).toBe('missing: alert policy google_monitoring_alert_policy.prod is disabled');
      expect(recordOf(inventoryOf([...azure, azureRule(enabled)]), AZURE_ID).attributes.detections).toBe('missing: query rule azurerm_monitor_scheduled_query_rules_alert_v2.a is disabled');
    }
    for (const enabled of ['true', '1', '${true}']) {
      expect(recordOf(inventoryOf([...sa, policy(enabled)]), ID).attributes.detections).toBe(`watched: ${TF_GCP}:google_monitoring_alert_policy.prod`);
      expect(recordOf(inventoryOf([...azure, azureRule(enabled)]), AZURE_ID).attributes.detections).toBe(`watched: ${TF_AZURE}:azurerm_monitor_scheduled_query_rules_alert_v2.a`);
    }
  });

  test('HELD (after the fix): an `enabled` the output does not determine (a variable, an expression, a number, TRUE) is not credited, and says so', () => {
    for (const enabled of ['${var.alerts_on}', '${!var.muted}', 'TRUE', 0]) {
      const shown = JSON.stringify(enabled);
      expect(recordOf(inventoryOf([...sa, policy(enabled)]), ID).attributes.detections)
        .toBe(`missing: alert policy google_monitoring_alert_policy.prod has \`enabled\` ${shown} that the output does not determine to be true`);
      expect(recordOf(inventoryOf([...azure, azureRule(enabled)]), AZURE_ID).attributes.detections)
        .toBe(`missing: query rule azurerm_monitor_scheduled_query_rules_alert_v2.a has \`enabled\` ${shown} that the output does not determine to be true`);
    }
  });
});

describe('attack: GCP direct access, around the foreign-exchange detection', () => {
  const PROJECT = 'acme-payments-prod';
  const NUMBER = '412345678901';
  const source = GitHubActions.repository({
    owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based', branches: ['main'],
  });

  test('HELD: a GKE identity with direct access refuses `detections: { enabled: true }` (nothing could watch it) and reads enabled false with why', () => {
    const common = { name: 'payments-worker', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'worker' }, project: PROJECT, projectNumber: NUMBER };
    expect(thrown(() => new GcpWorkloadIdentity(tfStack(), 'Worker', { ...common, detections: { enabled: true } }))).toMatch(/KL-DETECT-UNSUPPORTED/);
    const direct = new GcpWorkloadIdentity(tfStack(), 'Worker', common);
    expect([direct.detections.enabled, direct.detectionRules]).toEqual([false, []]);
  });

  test('FINDING: an exchange at a provider added to the shared pool outside Keyless, minting the trust\'s principalSet, matches no detection', () => {
    // The members are `principalSet://…/POOL/attribute.keyless_trust/PROVIDER_ID`: any provider of the pool that maps `attribute.keyless_trust` to
    // that constant mints them (the rule the `useExistingPool` docs give other providers is a convention, not enforced). Creating such a provider
    // (iam.workloadIdentityPoolProviders.create, the same drift as widening the attribute condition, which foreign-exchange exists for) gives any
    // token of its issuer the trust's resources, and every filter names this provider's resource only, so nothing fires. A filter on the pool's
    // providers other than those Keyless declares would.
    const trust = new GcpCiOidcTrust(tfStack(), 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source, project: PROJECT, projectNumber: NUMBER, poolId: 'ci-github' });
    expect(trust.members).toEqual([`principalSet://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/ci-github/attribute.keyless_trust/payments-deploy`]);
    const rogue = `//iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/ci-github/providers/rogue`;
    const seesRogue = trust.detectionRules.map((d) => {
      const resource = /protoPayload\.resourceName=~"([^"]*)"/.exec(d.filter);
      return resource !== null && new RegExp(resource[1]).test(rogue);
    });
    expect(seesRogue).toContain(true);
  });
});
