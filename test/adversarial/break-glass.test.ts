/**
 * Adversarial suite for break-glass access (shared/REFERENCE.md, "AWS" Break-glass and "GCP" time-bound bindings).
 *
 * - AWS: the synthesized trust of a BreakGlassRole is evaluated by an independent IAM engine
 *   (test/helpers/aws-trust-evaluator.ts) for `sts:AssumeRole` + `sts:SetSourceIdentity`, with MFA, source identity
 *   and time varied one key at a time; the EventBridge alarm is checked exactly.
 * - GCP: the synthesized IAM condition is evaluated by an independent CEL implementation (`@bufbuild/cel`), with
 *   `request.time` bound to a real CEL `google.protobuf.Timestamp`; the PAM entitlement is checked exactly.
 * - Azure: the PIM assignment resource and its schedule are checked exactly.
 */
import { isCelError, parse, run } from '@bufbuild/cel';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { App, Stack } from 'aws-cdk-lib/core';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { HumanAssumeRoleRequest, humanAssumeRoleAllowed } from '../helpers/aws-trust-evaluator';
import { TODAY, tfJson, tfResources, tfStack } from '../helpers/synth';

const OWNERSHIP = {
  owner: 'team-sre', purpose: 'emergency repair', environment: 'production', tier: 1, reviewBy: '2027-01-31',
} as const;
const EXPIRES = '2027-01-31';
const EXPIRY_INSTANT = '2027-01-31T00:00:00Z';

// ---------------------------------------------------------------------------------------------------------------
// AWS
// ---------------------------------------------------------------------------------------------------------------

const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '210987654321';
const ROLE_NAME = 'payments-break-glass';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
const TOPIC_ARN = `arn:aws:sns:eu-west-1:${ACCOUNT}:security-alerts`;

function synthAws(): { template: Record<string, any>; roleLogicalId: string } {
  const app = new App({ context: { 'keyless:today': TODAY } });
  const stack = new Stack(app, 'BreakGlass', { env: { account: ACCOUNT, region: 'eu-west-1' }, analyticsReporting: false });
  new aws.BreakGlassRole(stack, 'PaymentsNodegroups', {
    name: ROLE_NAME,
    ownership: OWNERSHIP,
    expires: EXPIRES,
    humans: [
      { principalArn: ALICE, sourceIdentity: 'alice' },
      { principalArn: BOB, sourceIdentity: 'bob' },
    ],
    statements: [new iam.PolicyStatement({
      actions: ['eks:DescribeNodegroup', 'eks:UpdateNodegroupConfig'],
      resources: [`arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/payments-prod/*`],
    })],
    alarmTopic: sns.Topic.fromTopicArn(stack, 'SecurityAlerts', TOPIC_ARN),
  });
  const template = Template.fromStack(stack).toJSON();
  const roles = Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === 'AWS::IAM::Role');
  expect(roles).toHaveLength(1);
  return { template, roleLogicalId: roles[0][0] };
}

describe('AWS BreakGlassRole: trust evaluated by an independent IAM engine', () => {
  const { template } = synthAws();
  /** Alice, fresh MFA, her own source identity, the day before expiry. */
  const ALICE_OK: HumanAssumeRoleRequest = {
    principal: ALICE, mfaPresent: 'true', mfaAgeSeconds: 60, sourceIdentity: 'alice', currentTime: '2027-01-30T12:00:00Z',
  };
  const allowed = (request: HumanAssumeRoleRequest) => humanAssumeRoleAllowed(template, ROLE_NAME, request, { account: ACCOUNT });

  test('sanity: the engine evaluates the conditions (same request, one key changed, allowed then denied)', () => {
    expect(allowed(ALICE_OK)).toBe(true);
    expect(allowed({ ...ALICE_OK, mfaPresent: 'false' })).toBe(false);
    expect(allowed({ ...ALICE_OK, mfaAgeSeconds: 901 })).toBe(false);
    expect(allowed({ ...ALICE_OK, sourceIdentity: 'bob' })).toBe(false);
    expect(allowed({ ...ALICE_OK, currentTime: EXPIRY_INSTANT })).toBe(false);
    expect(allowed({ ...ALICE_OK, principal: `arn:aws:iam::${ACCOUNT}:user/mallory` })).toBe(false);
  });

  test('sanity: the helper evaluates sts:SetSourceIdentity and tells Bool from BoolIfExists (mutated copies of the trust)', () => {
    const mutated = (edit: (statement: any) => void): object => {
      const copy = JSON.parse(JSON.stringify(template));
      const role = Object.values(copy.Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Role');
      role.Properties.AssumeRolePolicyDocument.Statement.forEach(edit);
      return copy;
    };
    const noSetSourceIdentity = mutated((s) => { s.Action = ['sts:AssumeRole']; });
    expect(humanAssumeRoleAllowed(noSetSourceIdentity, ROLE_NAME, ALICE_OK, { account: ACCOUNT })).toBe(false);
    const ifExists = mutated((s) => {
      s.Condition = { ...s.Condition, BoolIfExists: s.Condition.Bool, NumericLessThanIfExists: s.Condition.NumericLessThan };
      delete s.Condition.Bool;
      delete s.Condition.NumericLessThan;
    });
    const noMfa = { ...ALICE_OK, mfaPresent: undefined, mfaAgeSeconds: undefined };
    expect(humanAssumeRoleAllowed(ifExists, ROLE_NAME, noMfa, { account: ACCOUNT })).toBe(true);
    expect(allowed(noMfa)).toBe(false);
  });

  test('alice with fresh MFA (60 s), source identity "alice", on 2027-01-30T12:00:00Z is allowed', () => {
    expect(allowed(ALICE_OK)).toBe(true);
  });

  test('MFA within the bound is allowed up to 899 s', () => {
    expect(allowed({ ...ALICE_OK, mfaAgeSeconds: 0 })).toBe(true);
    expect(allowed({ ...ALICE_OK, mfaAgeSeconds: 899 })).toBe(true);
  });

  test('no MFA key at all (long-term access keys) is denied', () => {
    expect(allowed({ ...ALICE_OK, mfaPresent: undefined, mfaAgeSeconds: undefined })).toBe(false);
    expect(allowed({ ...ALICE_OK, mfaPresent: undefined })).toBe(false);
  });

  test('MultiFactorAuthPresent false is denied', () => {
    expect(allowed({ ...ALICE_OK, mfaPresent: 'false' })).toBe(false);
  });

  test('MFA present but its age absent is denied', () => {
    expect(allowed({ ...ALICE_OK, mfaAgeSeconds: undefined })).toBe(false);
  });

  test.each([900, 901, 3600])('stale MFA (age %i s) is denied', (age) => {
    expect(allowed({ ...ALICE_OK, mfaAgeSeconds: age })).toBe(false);
  });

  test('one second before the expiry instant is allowed', () => {
    expect(allowed({ ...ALICE_OK, currentTime: '2027-01-30T23:59:59Z' })).toBe(true);
  });

  test.each(['2027-01-31T00:00:00Z', '2027-01-31T00:00:01Z', '2027-02-01T00:00:00Z', '2028-01-30T12:00:00Z'])(
    'at or after the expiry (%s) is denied', (currentTime) => {
      expect(allowed({ ...ALICE_OK, currentTime })).toBe(false);
    });

  test('without a source identity is denied (only sts:AssumeRole is evaluated, and its condition fails)', () => {
    expect(allowed({ ...ALICE_OK, sourceIdentity: undefined })).toBe(false);
  });

  test.each(['bob', 'Alice', 'alice ', 'mallory'])('alice setting source identity "%s" is denied', (sourceIdentity) => {
    expect(allowed({ ...ALICE_OK, sourceIdentity })).toBe(false);
  });

  test.each([
    ['an unnamed user of the account', `arn:aws:iam::${ACCOUNT}:user/mallory`],
    ['user/alice of another account', `arn:aws:iam::${OTHER_ACCOUNT}:user/alice`],
    ['the account root', `arn:aws:iam::${ACCOUNT}:root`],
    ['a role named alice in the account', `arn:aws:iam::${ACCOUNT}:role/alice`],
  ])('%s is denied, even with fresh MFA and source identity "alice"', (_name, principal) => {
    expect(allowed({ ...ALICE_OK, principal })).toBe(false);
  });

  test('bob with his own source identity is allowed; bob as "alice" is denied', () => {
    const bob: HumanAssumeRoleRequest = { ...ALICE_OK, principal: BOB, sourceIdentity: 'bob' };
    expect(allowed(bob)).toBe(true);
    expect(allowed({ ...bob, sourceIdentity: 'alice' })).toBe(false);
    expect(allowed({ ...bob, mfaPresent: undefined })).toBe(false);
    expect(allowed({ ...bob, currentTime: EXPIRY_INSTANT })).toBe(false);
  });

  test('the trust is exactly one statement per human, with all four conditions', () => {
    const role = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Role');
    const statement = (sid: string, principal: string, sourceIdentity: string) => ({
      Sid: sid,
      Effect: 'Allow',
      Principal: { AWS: principal },
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      Condition: {
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        NumericLessThan: { 'aws:MultiFactorAuthAge': '900' },
        StringEquals: { 'sts:SourceIdentity': sourceIdentity },
        DateLessThan: { 'aws:CurrentTime': EXPIRY_INSTANT },
      },
    });
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [statement('BreakGlass0alice', ALICE, 'alice'), statement('BreakGlass1bob', BOB, 'bob')],
    });
  });
});

describe('AWS BreakGlassRole: role properties and alarm', () => {
  const { template, roleLogicalId } = synthAws();
  const resources = template.Resources as Record<string, any>;
  const role = resources[roleLogicalId];

  test('MaxSessionDuration is 3600 seconds', () => {
    expect(role.Properties.MaxSessionDuration).toBe(3600);
  });

  test('tagged keyless:expires 2027-01-31 and keyless:break-glass true', () => {
    const tags = Object.fromEntries((role.Properties.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
    expect(tags['keyless:expires']).toBe('2027-01-31');
    expect(tags['keyless:break-glass']).toBe('true');
  });

  test('no managed policy ARNs when none are given; the explicit statement is the only permission', () => {
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Roles).toEqual([{ Ref: roleLogicalId }]);
    expect(policies[0].Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: ['eks:DescribeNodegroup', 'eks:UpdateNodegroupConfig'],
        Resource: `arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/payments-prod/*`,
      }],
    });
  });

  test('exactly one EventBridge rule, delivering read-only management events, on AssumeRole of this role, to the topic', () => {
    const rules = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0].Properties;
    expect(rule.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(rule.EventPattern).toEqual({
      'source': ['aws.sts'],
      'detail-type': ['AWS API Call via CloudTrail'],
      'detail': {
        eventName: ['AssumeRole'],
        requestParameters: { roleArn: [{ 'equals-ignore-case': { 'Fn::GetAtt': [roleLogicalId, 'Arn'] } }] },
      },
    });
    expect(rule.Targets).toHaveLength(1);
    expect(rule.Targets[0].Arn).toBe(TOPIC_ARN);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// GCP
// ---------------------------------------------------------------------------------------------------------------

const PROJECT = 'acme-payments-prod';
const GCP_ROLE = 'roles/container.admin';
const MEMBERS = ['group:sre-oncall@example.com', 'user:alice@example.com'];
const APPROVERS = ['group:security-oncall@example.com', 'user:carol@example.com'];
const CONDITION = `request.time < timestamp("${EXPIRY_INSTANT}")`;

function synthGcp(mode: gcp.GcpBreakGlassMode): Record<string, any> {
  const stack = tfStack();
  new gcp.BreakGlassAccess(stack, 'GkeAdmin', {
    name: 'payments-gke-break-glass',
    ownership: OWNERSHIP,
    expires: EXPIRES,
    project: PROJECT,
    role: GCP_ROLE,
    members: MEMBERS,
    mode,
    approvers: mode === 'privileged-access-manager' ? APPROVERS : undefined,
  });
  return tfJson(stack);
}

/**
 * Evaluates an IAM condition with `@bufbuild/cel` at `instant`: `request` is a CEL map whose `time` is a
 * `google.protobuf.Timestamp`. The timestamp is produced by CEL's own `timestamp(string)` conversion (the binding of a
 * message value is supported by `run`), so that `request.time < timestamp("…")` compares two timestamps, as IAM does.
 */
function conditionAt(expression: string, instant: string): unknown {
  parse(expression); // throws on a syntax error
  const time = run('timestamp(t)', { t: instant });
  if (isCelError(time)) throw new Error(`cannot make a CEL timestamp of ${instant}: ${time.message}`);
  const result = run(expression, { request: new Map([['time', time]]) });
  if (isCelError(result)) throw new Error(`CEL evaluation of ${expression} failed: ${result.message}`);
  return result;
}

describe('GCP BreakGlassAccess, conditional-binding', () => {
  const json = synthGcp('conditional-binding');
  const members = Object.values(tfResources(json, 'google_project_iam_member'));

  test('sanity: request.time is bound as a timestamp (a string would not compare)', () => {
    const asString = run(CONDITION, { request: new Map([['time', '2027-01-30T23:59:59Z']]) });
    expect(isCelError(asString)).toBe(true);
    expect(conditionAt(CONDITION, '2027-01-30T23:59:59Z')).toBe(true);
    expect(conditionAt(CONDITION, EXPIRY_INSTANT)).toBe(false);
  });

  test('one google_project_iam_member per member, each on the role, with the expiry condition', () => {
    expect(members).toHaveLength(MEMBERS.length);
    expect(members.map((m) => m.member).sort()).toEqual([...MEMBERS].sort());
    for (const m of members) {
      expect(m.project).toBe(PROJECT);
      expect(m.role).toBe(GCP_ROLE);
      expect(MEMBERS).toContain(m.member);
      expect(m.condition.title).toBe('break-glass until 2027-01-31');
      expect(m.condition.expression).toBe(CONDITION);
    }
  });

  test.each(['2026-11-22T00:00:00Z', '2027-01-30T12:00:00Z', '2027-01-30T23:59:59Z', '2027-01-30T23:59:59.999999999Z'])(
    'every synthesized condition is true at %s', (instant) => {
      for (const m of members) expect(conditionAt(m.condition.expression, instant)).toBe(true);
    });

  test.each(['2027-01-31T00:00:00Z', '2027-01-31T00:00:01Z', '2027-02-01T00:00:00Z', '2030-01-01T00:00:00Z'])(
    'every synthesized condition is false at %s', (instant) => {
      for (const m of members) expect(conditionAt(m.condition.expression, instant)).toBe(false);
    });

  test('no PAM entitlement in conditional-binding mode', () => {
    expect(tfResources(json, 'google_privileged_access_manager_entitlement')).toEqual({});
  });

  test('data access audit logs for container.googleapis.com: ADMIN_READ, DATA_READ, DATA_WRITE', () => {
    const configs = Object.values(tfResources(json, 'google_project_iam_audit_config'));
    expect(configs).toHaveLength(1);
    expect(configs[0]).toMatchObject({
      project: PROJECT,
      service: 'container.googleapis.com',
      audit_log_config: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }],
    });
    expect(configs[0].audit_log_config).toHaveLength(3);
  });
});

describe('GCP BreakGlassAccess, privileged-access-manager', () => {
  const json = synthGcp('privileged-access-manager');
  const entitlements = Object.values(tfResources(json, 'google_privileged_access_manager_entitlement'));

  test('exactly one entitlement and no standing IAM member', () => {
    expect(entitlements).toHaveLength(1);
    expect(tfResources(json, 'google_project_iam_member')).toEqual({});
  });

  test('grants last at most one hour', () => {
    expect(entitlements[0].max_request_duration).toBe('3600s');
  });

  test('eligible principals are exactly the members', () => {
    expect(entitlements[0].eligible_users).toHaveLength(1);
    expect([...entitlements[0].eligible_users[0].principals].sort()).toEqual([...MEMBERS].sort());
  });

  test('approvers are exactly the approvers, with approver justification required', () => {
    const manual = entitlements[0].approval_workflow.manual_approvals;
    expect(manual.require_approver_justification).toBe(true);
    expect(manual.steps).toHaveLength(1);
    expect(manual.steps[0].approvals_needed).toBe(1);
    expect([...manual.steps[0].approvers.principals].sort()).toEqual([...APPROVERS].sort());
  });

  test('the role binding is the role on the project, conditioned on the expiry', () => {
    const access = entitlements[0].privileged_access.gcp_iam_access;
    expect(access.resource).toBe(`//cloudresourcemanager.googleapis.com/projects/${PROJECT}`);
    expect(access.role_bindings).toHaveLength(1);
    expect(access.role_bindings[0].role).toBe(GCP_ROLE);
    expect(access.role_bindings[0].condition_expression).toBe(CONDITION);
    expect(conditionAt(access.role_bindings[0].condition_expression, '2027-01-30T23:59:59Z')).toBe(true);
    expect(conditionAt(access.role_bindings[0].condition_expression, EXPIRY_INSTANT)).toBe(false);
  });

  test('audit logs are enabled in PAM mode too', () => {
    const configs = Object.values(tfResources(json, 'google_project_iam_audit_config'));
    expect(configs).toHaveLength(1);
    expect(configs[0].service).toBe('container.googleapis.com');
  });
});

function synthGcpRole(role: string, extra: Partial<gcp.BreakGlassAccessProps> = {}): Record<string, any> {
  const stack = tfStack();
  new gcp.BreakGlassAccess(stack, 'Repair', {
    name: 'payments-break-glass', ownership: OWNERSHIP, expires: EXPIRES, project: PROJECT, role, members: MEMBERS, ...extra,
  });
  return tfJson(stack);
}

describe('GCP BreakGlassAccess: the audit config names the service that actually records the access', () => {
  const services = (json: Record<string, any>) => Object.values(tfResources(json, 'google_project_iam_audit_config')).map((c) => c.service).sort();

  test.each([
    ['roles/cloudsql.admin', ['cloudsql.googleapis.com']],
    ['roles/resourcemanager.projectIamAdmin', ['cloudresourcemanager.googleapis.com']],
    ['roles/billing.projectManager', ['cloudbilling.googleapis.com']],
    ['roles/bigtable.admin', ['bigtable.googleapis.com', 'bigtableadmin.googleapis.com']],
  ])('%s: audit configs for exactly %p, each ADMIN_READ, DATA_READ and DATA_WRITE on the project', (role, expected) => {
    const json = synthGcpRole(role);
    expect(services(json)).toEqual(expected);
    for (const config of Object.values(tfResources(json, 'google_project_iam_audit_config'))) {
      expect(config.project).toBe(PROJECT);
      expect(config.audit_log_config).toEqual([{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }]);
    }
  });

  test('no configuration ever names allServices', () => {
    for (const role of ['roles/container.admin', 'roles/cloudsql.admin', 'roles/bigtable.admin']) {
      expect(services(synthGcpRole(role))).not.toContain('allServices');
    }
    expect(services(synthGcpRole('projects/acme-payments-prod/roles/sqlRepair', { auditService: 'cloudsql.googleapis.com' }))).toEqual(['cloudsql.googleapis.com']);
  });

  test('a custom role without auditService is refused before any resource is created', () => {
    const stack = tfStack();
    expect(() => new gcp.BreakGlassAccess(stack, 'Repair', {
      name: 'payments-break-glass', ownership: OWNERSHIP, expires: EXPIRES, project: PROJECT, role: 'projects/acme-payments-prod/roles/sqlRepair', members: MEMBERS,
    })).toThrow(/^\[KL-BG-GCP-AUDIT-SERVICE\] platform\/Repair: `role` is "projects\/acme-payments-prod\/roles\/sqlRepair", a custom role/);
    expect(stack.node.findAll().filter((c) => c.node.id === 'AuditLogs')).toEqual([]);
  });

  test('a predefined role Keyless does not know is refused; a wrong service for a known role is refused', () => {
    expect(() => synthGcpRole('roles/datastore.owner')).toThrow(/^\[KL-BG-GCP-AUDIT-SERVICE\] platform\/Repair: `role` is "roles\/datastore.owner": Keyless does not know/);
    expect(() => synthGcpRole('roles/cloudsql.admin', { auditService: 'sqladmin.googleapis.com' })).toThrow(/^\[KL-BG-GCP-AUDIT-SERVICE\] platform\/Repair: `auditService` is "sqladmin.googleapis.com", but "roles\/cloudsql.admin" is audited as cloudsql.googleapis.com/);
  });
});

describe('GCP BreakGlassAccess: an invalid pinned date never widens the expiry bound', () => {
  test.each(['2026-13-45', '0000-00-00'])('keyless:today %p fails with KL-CLOCK, even for an expiry in 2099', (today) => {
    const stack = tfStack();
    stack.node.setContext('keyless:today', today);
    expect(() => new gcp.BreakGlassAccess(stack, 'Repair', {
      name: 'payments-break-glass', ownership: { ...OWNERSHIP, reviewBy: '2099-01-01' }, expires: '2099-01-01', project: PROJECT, role: GCP_ROLE, members: MEMBERS,
    })).toThrow(`[KL-CLOCK] platform/Repair: \`keyless:today\` (context value) is ${JSON.stringify(today)}: a pinned date is a real calendar date written as YYYY-MM-DD (a string). Fix: set the \`keyless:today\` context value to a date such as "2026-11-22", or remove it to use the current date (UTC).`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Azure
// ---------------------------------------------------------------------------------------------------------------

const SUBSCRIPTION = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const AZ_SCOPE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments-aks`;
const AZ_ROLE = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8`;
const AZ_PRINCIPAL = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const JUSTIFICATION = 'INC-4242: SRE on-call emergency access to repair the payments AKS cluster';

function synthAzure(mode?: azure.AzureBreakGlassMode): Record<string, any> {
  const stack = tfStack();
  new azure.BreakGlassAssignment(stack, 'AksContributor', {
    ownership: OWNERSHIP,
    expires: EXPIRES,
    scope: AZ_SCOPE,
    roleDefinitionId: AZ_ROLE,
    principalId: AZ_PRINCIPAL,
    justification: JUSTIFICATION,
    mode,
  });
  return tfJson(stack);
}

describe('Azure BreakGlassAssignment', () => {
  test('default mode: exactly one eligible PIM assignment expiring at 2027-01-31T00:00:00Z', () => {
    const json = synthAzure();
    const eligible = Object.values(tfResources(json, 'azurerm_pim_eligible_role_assignment'));
    expect(eligible).toHaveLength(1);
    expect(tfResources(json, 'azurerm_pim_active_role_assignment')).toEqual({});
    expect(tfResources(json, 'azurerm_role_assignment')).toEqual({});
    const [a] = eligible;
    expect(a.schedule.expiration.end_date_time).toBe(EXPIRY_INSTANT);
    expect(a.justification).toContain(JUSTIFICATION);
    expect(a.justification).toBe(`${JUSTIFICATION} (owner team-sre, until 2027-01-31)`);
    expect(a.scope).toBe(AZ_SCOPE);
    expect(a.role_definition_id).toBe(AZ_ROLE);
    expect(a.principal_id).toBe(AZ_PRINCIPAL);
  });

  test('active mode: exactly one active PIM assignment, no eligible one, same expiry', () => {
    const json = synthAzure('active');
    const active = Object.values(tfResources(json, 'azurerm_pim_active_role_assignment'));
    expect(active).toHaveLength(1);
    expect(tfResources(json, 'azurerm_pim_eligible_role_assignment')).toEqual({});
    expect(tfResources(json, 'azurerm_role_assignment')).toEqual({});
    expect(active[0].schedule.expiration.end_date_time).toBe(EXPIRY_INSTANT);
    expect(active[0].justification).toBe(`${JUSTIFICATION} (owner team-sre, until 2027-01-31)`);
    expect(active[0].principal_id).toBe(AZ_PRINCIPAL);
  });
});

test('GCP: two break-glass accesses to one service of one project share its authoritative audit config (two would overwrite each other)', () => {
  const stack = tfStack();
  const common = { ownership: OWNERSHIP, expires: EXPIRES, project: PROJECT, members: MEMBERS };
  const admin = new gcp.BreakGlassAccess(stack, 'GkeAdmin', { ...common, name: 'payments-gke-admin', role: 'roles/container.admin' });
  const developer = new gcp.BreakGlassAccess(stack, 'GkeDeveloper', { ...common, name: 'payments-gke-developer', role: 'roles/container.developer' });
  const configs = Object.values(tfJson(stack).resource.google_project_iam_audit_config) as any[];
  expect(configs.map((c) => [c.project, c.service])).toEqual([[PROJECT, 'container.googleapis.com']]);
  expect(developer.auditConfig).toBe(admin.auditConfig);
});
