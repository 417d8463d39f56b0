/**
 * Time-boxed exceptions: they name a rule, a resource and optionally a finding key; they have an owner, a reason and
 * an expiry no further ahead than the tier of the excepted resource allows (tier 1: 90 days, tier 2: 180, tier 3:
 * 365; no tier: tier 1). An exception with any problem is an error and covers nothing.
 */
import { parseRiskTier, TIER_POLICIES } from '../../src/core/tier';
import {
  ALL_RULES, evaluate, exceptionTier, GuardrailException, k8sRbacWildcard, NeutralResource, reportFails, staticCredential, wildcardAction,
} from '../../src/guardrails';

const TODAY = '2026-11-22';
const STATIC_FIX = 'remove the credential and use federation: CiOidcTrust for CI, WorkloadIdentity for workloads';

const key: NeutralResource = { format: 'cloudformation', file: 'legacy.template.json', type: 'AWS::IAM::AccessKey', id: 'CiKey', properties: { UserName: 'ci' } };
const finding = {
  ruleId: 'KL-G-STATIC-CREDENTIAL',
  file: 'legacy.template.json',
  type: 'AWS::IAM::AccessKey',
  resource: 'CiKey',
  key: 'Credential::AWS::IAM::AccessKey',
  message: 'an IAM access key',
  fix: STATIC_FIX,
};
const live: GuardrailException = {
  ruleId: 'KL-G-STATIC-CREDENTIAL',
  resource: 'CiKey',
  reason: 'vendor integration without OIDC support, removal tracked in PLAT-123',
  owner: 'team-platform',
  expires: '2027-01-31',
};
const ids = ALL_RULES.map((r) => r.id).join(', ');

describe('exceptions', () => {
  test('without exceptions the finding fails the report', () => {
    const report = evaluate([key], { today: TODAY });
    expect(report.findings).toEqual([finding]);
    expect(reportFails(report)).toBe(true);
  });

  test('a live exception moves the finding to `excepted` (exception debt) and the report no longer fails', () => {
    const report = evaluate([key], { today: TODAY, exceptions: [live] });
    expect(report).toEqual({ findings: [], excepted: [{ ...finding, exception: live }], exceptionErrors: [], resourcesChecked: 1 });
    expect(reportFails(report)).toBe(false);
  });

  test('an exception may name the resource as file:id, and is live through its expiry date', () => {
    const exception = { ...live, resource: 'legacy.template.json:CiKey', expires: TODAY };
    const report = evaluate([key], { today: TODAY, exceptions: [exception] });
    expect(report.excepted).toEqual([{ ...finding, exception }]);
    expect(reportFails(report)).toBe(false);
  });

  test('an exception covers only its rule and its resource', () => {
    const otherResource = { ...live, resource: 'OtherKey' };
    const otherRule = { ...live, ruleId: 'KL-G-OWNERSHIP' };
    const otherFile = { ...live, resource: 'other.template.json:CiKey' };
    const report = evaluate([key], { today: TODAY, exceptions: [otherResource, otherRule, otherFile] });
    expect(report.findings).toEqual([finding]);
    expect(report.excepted).toEqual([]);
    expect(report.exceptionErrors).toEqual([]);
  });

  test('an expired exception is an error, and no longer covers the finding', () => {
    const report = evaluate([key], { today: TODAY, exceptions: [{ ...live, expires: '2026-11-21' }] });
    expect(report.findings).toEqual([finding]);
    expect(report.excepted).toEqual([]);
    expect(report.exceptionErrors).toEqual([
      'exceptions[0]: the exception to KL-G-STATIC-CREDENTIAL for CiKey (owner team-platform) expired on 2026-11-21: fix the finding, or renew the exception with a new reason and date',
    ]);
    expect(reportFails(report)).toBe(true);
  });

  test.each<[string, Partial<GuardrailException>, string[]]>([
    ['a reason under 10 characters', { reason: 'legacy' }, ['exceptions[0]: `reason` is "legacy": give a reason of at least 10 characters']],
    ['a reason of blanks around a short word', { reason: '    tmp     ' }, ['exceptions[0]: `reason` is "    tmp     ": give a reason of at least 10 characters']],
    ['a wildcard resource', { resource: '*' }, ['exceptions[0]: `resource` is "*": name one resource exactly (no wildcards, no blanket suppressions)']],
    ['a file:id resource with a wildcard', { resource: 'legacy.template.json:Ci?ey' },
      ['exceptions[0]: `resource` is "legacy.template.json:Ci?ey": name one resource exactly (no wildcards, no blanket suppressions)']],
    ['an empty resource', { resource: '' }, ['exceptions[0]: `resource` is "": name one resource exactly (no wildcards, no blanket suppressions)']],
    ['an unknown rule id', { ruleId: 'KL-G-STATIC-CREDENTIALS' }, [`exceptions[0]: \`ruleId\` is "KL-G-STATIC-CREDENTIALS", which is not a rule id (${ids})`]],
    ['a missing owner', { owner: undefined }, ['exceptions[0]: `owner` is missing: every exception has an owner']],
    ['a blank owner', { owner: ' ' }, ['exceptions[0]: `owner` is missing: every exception has an owner']],
    ['a date that does not exist', { expires: '2027-02-29' }, ['exceptions[0]: `expires` is "2027-02-29": give the date the exception ends, as YYYY-MM-DD']],
    // Before today, and still only "not a date" (was: also "expired on 2026-02-29").
    ['a date that does not exist, before today', { expires: '2026-02-29' }, ['exceptions[0]: `expires` is "2026-02-29": give the date the exception ends, as YYYY-MM-DD']],
    ['a date in another format that sorts before today', { expires: '2026-1-1' }, ['exceptions[0]: `expires` is "2026-1-1": give the date the exception ends, as YYYY-MM-DD']],
    ['a date in another format', { expires: '31/12/2027' }, ['exceptions[0]: `expires` is "31/12/2027": give the date the exception ends, as YYYY-MM-DD']],
    ['an empty finding key', { findingKey: '' }, [
      'exceptions[0]: `findingKey` is "": give one finding key exactly as findings show it (e.g. "Action::s3:*"), or leave it out to cover every finding of the rule on the resource',
    ]],
    ['a finding key with blanks around it', { findingKey: ' Credential::AWS::IAM::AccessKey' }, [
      'exceptions[0]: `findingKey` is " Credential::AWS::IAM::AccessKey": give one finding key exactly as findings show it (e.g. "Action::s3:*"), or leave it out to cover every finding of the rule on the resource',
    ]],
    ['a finding key that is not a string', { findingKey: 3 as never }, [
      'exceptions[0]: `findingKey` is 3: give one finding key exactly as findings show it (e.g. "Action::s3:*"), or leave it out to cover every finding of the rule on the resource',
    ]],
  ])('an exception with %s is an error, and covers nothing', (_name, change, errors) => {
    const exception = { ...live, ...change } as GuardrailException;
    const report = evaluate([key], { today: TODAY, exceptions: [exception] });
    expect(report.exceptionErrors).toEqual(errors);
    expect(report.excepted).toEqual([]);
    expect(reportFails(report)).toBe(true);
  });

  test('every problem of every exception is reported, in order, with its index', () => {
    const report = evaluate([key], {
      today: TODAY,
      exceptions: [live, { ruleId: 'KL-G-NOPE', resource: 'Ci*', reason: 'short', owner: '', expires: 'soon' } as GuardrailException],
    });
    expect(report.exceptionErrors).toEqual([
      `exceptions[1]: \`ruleId\` is "KL-G-NOPE", which is not a rule id (${ids})`,
      'exceptions[1]: `resource` is "Ci*": name one resource exactly (no wildcards, no blanket suppressions)',
      'exceptions[1]: `reason` is "short": give a reason of at least 10 characters',
      'exceptions[1]: `owner` is missing: every exception has an owner',
      'exceptions[1]: `expires` is "soon": give the date the exception ends, as YYYY-MM-DD',
    ]);
    // The valid exception still covers its finding, but the report fails on the invalid one.
    expect(report.excepted).toHaveLength(1);
    expect(reportFails(report)).toBe(true);
  });

  test('a null entry is reported, not a TypeError', () => {
    const report = evaluate([key], { today: TODAY, exceptions: [null as never] });
    expect(report.exceptionErrors).toEqual(['exceptions[0] is null: an exception is an object { ruleId, resource, reason, owner, expires }']);
    expect(report.findings).toEqual([finding]);
  });

  test('rule ids are checked against the rules actually run', () => {
    const report = evaluate([key], { today: TODAY, rules: [staticCredential], exceptions: [{ ...live, ruleId: 'KL-G-OWNERSHIP' }] });
    expect(report.exceptionErrors).toEqual(['exceptions[0]: `ruleId` is "KL-G-OWNERSHIP", which is not a rule id (KL-G-STATIC-CREDENTIAL)']);
  });
});

describe('exceptions for one finding (findingKey)', () => {
  const policy: NeutralResource = {
    format: 'cloudformation',
    file: 'deploy.template.json',
    type: 'AWS::IAM::ManagedPolicy',
    id: 'DeployPolicy',
    properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:*', 'ecr:*'], Resource: 'arn:aws:s3:::acme-artifacts/*' }] } },
  };
  const exception: GuardrailException = {
    ruleId: 'KL-G-WILDCARD-ACTION',
    resource: 'DeployPolicy',
    findingKey: 'Action::s3:*',
    reason: 'bucket migration needs every S3 action until PLAT-9',
    owner: 'team-platform',
    expires: '2027-01-31',
  };
  const run = (exceptions: GuardrailException[]) => evaluate([policy], { today: TODAY, rules: [wildcardAction], exceptions });

  test('covers that finding only: the other finding of the same rule on the same resource stands', () => {
    const report = run([exception]);
    expect(report.excepted.map((f) => [f.key, f.message, f.exception])).toEqual([['Action::s3:*', 'Action s3:*', exception]]);
    expect(report.findings.map((f) => [f.key, f.message])).toEqual([['Action::ecr:*', 'Action ecr:*']]);
    expect(report.exceptionErrors).toEqual([]);
  });

  test('without a finding key, every finding of the rule on the resource is covered', () => {
    const { findingKey: _, ...whole } = exception;
    const report = run([whole]);
    expect(report.excepted.map((f) => f.key)).toEqual(['Action::ecr:*', 'Action::s3:*']);
    expect(report.findings).toEqual([]);
  });

  test('a key is matched exactly: `*` in a key is a character, not a pattern', () => {
    expect(run([{ ...exception, findingKey: 'Action::*' }]).excepted).toEqual([]);
    expect(run([{ ...exception, findingKey: 'Action::s3:' }]).excepted).toEqual([]);
    expect(run([{ ...exception, findingKey: 'action::s3:*' }]).excepted).toEqual([]);
  });

  test('messages name the finding key of an expired exception', () => {
    expect(run([{ ...exception, expires: '2026-11-01' }]).exceptionErrors).toEqual([
      'exceptions[0]: the exception to KL-G-WILDCARD-ACTION finding Action::s3:* for DeployPolicy (owner team-platform) expired on 2026-11-01: fix the finding, or renew the exception with a new reason and date',
    ]);
  });
});

describe('finding keys are unique per finding: an exception naming one key covers only that finding', () => {
  // rules[0] reads metrics; rules[1] reads every core resource, Secrets included: both are `resources: ['*']`.
  const role: NeutralResource = {
    format: 'kubernetes',
    file: 'rbac.k8s.yaml',
    type: 'ClusterRole',
    id: 'metrics-reader',
    properties: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'metrics-reader' },
      rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['*'], verbs: ['get'] }, { apiGroups: [''], resources: ['*'], verbs: ['get', 'list'] }],
    },
  };
  const exception: GuardrailException = {
    ruleId: 'KL-G-K8S-RBAC-WILDCARD',
    resource: 'metrics-reader',
    findingKey: 'Rules[0].Resource::*',
    reason: 'the metrics API has no finer resources to list',
    owner: 'team-platform',
    expires: '2027-01-31',
  };

  test('an exception to rules[0] of a ClusterRole leaves the same wildcard in rules[1] (Secrets) standing', () => {
    const report = evaluate([role], { today: TODAY, rules: [k8sRbacWildcard], exceptions: [exception] });
    expect(report.exceptionErrors).toEqual([]);
    expect(report.excepted.map((f) => [f.key, f.message])).toEqual([['Rules[0].Resource::*', 'rules[0].resources contains *']]);
    expect(report.findings.map((f) => [f.key, f.message])).toEqual([['Rules[1].Resource::*', 'rules[1].resources contains *']]);
  });

  test('the key without the rule index covers nothing', () => {
    const report = evaluate([role], { today: TODAY, rules: [k8sRbacWildcard], exceptions: [{ ...exception, findingKey: 'Resource::*' }] });
    expect(report.excepted).toEqual([]);
    expect(report.findings.map((f) => f.key)).toEqual(['Rules[0].Resource::*', 'Rules[1].Resource::*']);
  });
});

describe('exception lifetime: at most what the tier of the excepted resource allows', () => {
  const role = (tier: unknown, id = 'CiRole', file = 'ci.template.json'): NeutralResource => ({
    format: 'cloudformation',
    file,
    type: 'AWS::IAM::Role',
    id,
    properties: {
      ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      Tags: [
        { Key: 'keyless:owner', Value: 'team-ci' }, { Key: 'keyless:environment', Value: 'production' }, { Key: 'keyless:review-by', Value: '2027-04-30' },
        ...(tier === undefined ? [] : [{ Key: 'keyless:tier', Value: tier }]),
      ],
    },
  });
  const exception = (expires: string, resource = 'CiRole'): GuardrailException => ({
    ruleId: 'KL-G-AWS-ADMIN-POLICY', resource, reason: 'bootstrap role, replaced by scoped policies in PLAT-77', owner: 'team-ci', expires,
  });

  test('the tier policies: tier 1 90 days, tier 2 180, tier 3 365', () => {
    expect([1, 2, 3].map((t) => TIER_POLICIES[t as 1 | 2 | 3].maxExceptionDays)).toEqual([90, 180, 365]);
  });

  test('a tier is read as written: "1"–"3" or the numbers 1–3, nothing else', () => {
    expect(['1', '2', '3', 1, 2, 3].map(parseRiskTier)).toEqual([1, 2, 3, 1, 2, 3]);
    expect([' 3', '3 ', '03', '4', 0, 1.5, 'low', '', undefined, null, ['1']].map(parseRiskTier)).toEqual(Array(11).fill(undefined));
  });

  test.each<[string, unknown, string, string]>([
    ['tier 1', '1', '2027-02-20', '2027-02-21'],
    ['tier 2', '2', '2027-05-21', '2027-05-22'],
    ['tier 3', '3', '2027-11-22', '2027-11-23'],
    ['tier 3 written as a number (YAML `Value: 3`)', 3, '2027-11-22', '2027-11-23'],
    ['no tier (tier 1 applies)', undefined, '2027-02-20', '2027-02-21'],
    ['an unknown tier value (tier 1 applies)', 'low', '2027-02-20', '2027-02-21'],
  ])('%s: the last allowed day covers the finding, one day more is an error and covers nothing', (_name, tier, last, over) => {
    const ok = evaluate([role(tier)], { today: TODAY, exceptions: [exception(last)] });
    expect(ok.exceptionErrors).toEqual([]);
    expect(ok.excepted.map((f) => f.ruleId)).toContain('KL-G-AWS-ADMIN-POLICY');
    const tooLong = evaluate([role(tier)], { today: TODAY, exceptions: [exception(over)] });
    expect(tooLong.exceptionErrors).toHaveLength(1);
    expect(tooLong.excepted).toEqual([]);
    expect(tooLong.findings.map((f) => f.ruleId)).toContain('KL-G-AWS-ADMIN-POLICY');
    expect(reportFails(tooLong)).toBe(true);
  });

  test('the message names the exception, its expiry, the tier and its maximum, and the latest allowed date', () => {
    expect(evaluate([role('1')], { today: TODAY, exceptions: [exception('2035-01-01')] }).exceptionErrors).toEqual([
      'exceptions[0]: the exception to KL-G-AWS-ADMIN-POLICY for CiRole (owner team-ci) expires on 2035-01-01, 2962 days after today (2026-11-22): '
      + 'CiRole is tier 1, and a tier 1 exception lives at most 90 days: set `expires` on or before 2027-02-20, or fix the finding',
    ]);
    expect(evaluate([role('2')], { today: TODAY, exceptions: [{ ...exception('2027-06-01'), findingKey: 'ManagedPolicy::AdministratorAccess' }] }).exceptionErrors).toEqual([
      'exceptions[0]: the exception to KL-G-AWS-ADMIN-POLICY finding ManagedPolicy::AdministratorAccess for CiRole (owner team-ci) expires on 2027-06-01, 191 days after today (2026-11-22): '
      + 'CiRole is tier 2, and a tier 2 exception lives at most 180 days: set `expires` on or before 2027-05-21, or fix the finding',
    ]);
  });

  test('a resource without a tier, or no such resource, is held to tier 1, and the message says why', () => {
    expect(evaluate([role(undefined)], { today: TODAY, exceptions: [exception('2027-03-01')] }).exceptionErrors).toEqual([
      'exceptions[0]: the exception to KL-G-AWS-ADMIN-POLICY for CiRole (owner team-ci) expires on 2027-03-01, 99 days after today (2026-11-22): '
      + 'CiRole declares no tier, so tier 1 applies, and a tier 1 exception lives at most 90 days: set `expires` on or before 2027-02-20, or fix the finding',
    ]);
    expect(evaluate([role('3')], { today: TODAY, exceptions: [exception('2027-03-01', 'GoneRole')] }).exceptionErrors).toEqual([
      'exceptions[0]: the exception to KL-G-AWS-ADMIN-POLICY for GoneRole (owner team-ci) expires on 2027-03-01, 99 days after today (2026-11-22): '
      + 'no resource GoneRole was checked, so tier 1 applies, and a tier 1 exception lives at most 90 days: set `expires` on or before 2027-02-20, or fix the finding',
    ]);
  });

  test('an id found in several files is held to the strictest of their tiers; file:id names one', () => {
    const resources = [role('3', 'CiRole', 'a.template.json'), role('1', 'CiRole', 'b.template.json')];
    expect(exceptionTier({ resource: 'CiRole' }, resources)).toEqual({ tier: 1, declared: true, found: true });
    expect(exceptionTier({ resource: 'a.template.json:CiRole' }, resources)).toEqual({ tier: 3, declared: true, found: true });
    expect(exceptionTier({ resource: 'CiRole' }, [role('3', 'CiRole', 'a.template.json'), role(undefined, 'CiRole', 'b.template.json')]))
      .toEqual({ tier: 1, declared: false, found: true });
    expect(evaluate(resources, { today: TODAY, exceptions: [exception('2027-06-01', 'a.template.json:CiRole')] }).exceptionErrors).toEqual([]);
  });

  test('the tier is the ownership of the resource however it is written: Terraform tags, Kubernetes labels, GCP descriptions', () => {
    const resources: NeutralResource[] = [
      { format: 'terraform', file: 'main.tf.json', type: 'aws_iam_role', id: 'aws_iam_role.ci', properties: { tags: { 'keyless:tier': '3' } } },
      { format: 'terraform', file: 'main.tf.json', type: 'azurerm_user_assigned_identity', id: 'azurerm_user_assigned_identity.ci', properties: { tags: { 'keyless-tier': '2' } } },
      {
        format: 'terraform',
        file: 'main.tf.json',
        type: 'google_service_account',
        id: 'google_service_account.ci',
        properties: { description: 'environment=production; owner=team-ci; purpose=a=b; tier=3' },
      },
      { format: 'kubernetes', file: 'app.k8s.yaml', type: 'ServiceAccount', id: 'apps/api', properties: { kind: 'ServiceAccount', metadata: { name: 'api', labels: { 'keyless.dev/tier': '2' } } } },
    ];
    expect(resources.map((r) => exceptionTier({ resource: r.id }, resources).tier)).toEqual([3, 2, 3, 2]);
  });

  test('adapters can pass the whole synthesis: an exception is held to the tier of its resource wherever it is', () => {
    const other = role('3', 'BatchRole', 'batch.template.json');
    const checked = role('1', 'CiRole', 'ci.template.json');
    const options = { today: TODAY, exceptions: [exception('2027-06-01', 'BatchRole')] };
    expect(evaluate([checked], options).exceptionErrors).toHaveLength(1);
    expect(evaluate([checked], { ...options, synthesis: [checked, other] }).exceptionErrors).toEqual([]);
  });
});
