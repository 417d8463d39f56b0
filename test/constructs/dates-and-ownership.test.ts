/**
 * Issue 12, "what Keyless validated is what the clouds evaluate": dates and ownership values that the checks
 * used to accept by accident (a pinned date that is not a date, an owner given as an array) are refused at
 * synthesis with a Keyless error, in every construct and in the guardrails and inventory that read dates back.
 */
import * as cdk from 'aws-cdk-lib/core';
import { Chart, Testing } from 'cdk8s';
import { KeylessError, Ownership } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as gcp from '../../src/constructs/gcp';
import { WorkloadServiceAccount } from '../../src/constructs/k8s';
import { evaluate, exceptionIsLive, exceptionProblems, GuardrailException, NeutralResource } from '../../src/guardrails';
import { ownership as ownershipRule } from '../../src/guardrails/rules/ownership';
import { untilCondition } from '../../src/inventory/entries';
import { conditionImplies } from '../../src/inventory/match';
import { OWNERSHIP, TODAY, tfStack } from '../helpers/synth';

const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C';
const serviceAccount = { namespace: 'payments', name: 'payments-api' };
const FAR_OWNERSHIP: Ownership = { ...OWNERSHIP, reviewBy: '2099-01-01' };

function awsIdentity(app: cdk.App, ownership: Ownership = FAR_OWNERSHIP): aws.WorkloadIdentity {
  const stack = new cdk.Stack(app, 'Workloads', { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false });
  return new aws.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership, serviceAccount, eks: { kind: 'irsa', issuerUrl: ISSUER } });
}

describe('a pinned date that is not a calendar date fails every construct with KL-CLOCK', () => {
  let previous: string | undefined;
  beforeEach(() => {
    previous = process.env.KEYLESS_TODAY;
    delete process.env.KEYLESS_TODAY;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.KEYLESS_TODAY;
    else process.env.KEYLESS_TODAY = previous;
  });

  test.each(['2026-13-45', '0000-00-00'])('GIVEN keyless:today %p WHEN an identity reviewed in 2099 is declared THEN KL-CLOCK names the construct and the context value', (value) => {
    const app = new cdk.App({ context: { 'keyless:today': value } });
    expect(() => awsIdentity(app)).toThrow(
      `[KL-CLOCK] Workloads/Api: \`keyless:today\` (context value) is ${JSON.stringify(value)}: a pinned date is a real calendar date written as YYYY-MM-DD (a string). Fix: set the \`keyless:today\` context value to a date such as "2026-11-22", or remove it to use the current date (UTC).`);
  });

  test.each(['2026-13-45', '0000-00-00'])('GIVEN KEYLESS_TODAY %p and no context WHEN an identity is declared THEN KL-CLOCK names the environment variable', (value) => {
    process.env.KEYLESS_TODAY = value;
    expect(() => awsIdentity(new cdk.App())).toThrow(
      `[KL-CLOCK] Workloads/Api: \`KEYLESS_TODAY\` (environment variable) is ${JSON.stringify(value)}: a pinned date is a real calendar date written as YYYY-MM-DD. Fix: set KEYLESS_TODAY to a date such as "2026-11-22", or unset it to use the current date (UTC).`);
  });

  test('GIVEN a number as keyless:today WHEN a cdktf construct is declared THEN it is refused, not replaced by the wall clock', () => {
    const stack = tfStack();
    stack.node.setContext('keyless:today', 20261122);
    expect(() => new gcp.WorkloadIdentity(stack, 'Api', { name: 'payments-api', ownership: OWNERSHIP, serviceAccount, project: 'acme-payments-prod', access: 'impersonation' }))
      .toThrow(/^\[KL-CLOCK\] platform\/Api: `keyless:today` \(context value\) is 20261122:/);
  });

  test('GIVEN a real pinned date THEN review-by bounds are computed from it (2099 is beyond the horizon)', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY } });
    expect(() => awsIdentity(app)).toThrow(
      '[KL-OWN-REVIEW-BY-HORIZON] Workloads/Api: `ownership.reviewBy` is "2099-01-01", more than 180 days ahead (the tier 1 review horizon; today is 2026-11-22). Fix: set a review-by date on or before 2027-05-21.');
  });
});

describe('ownership values of the wrong type are Keyless errors in every renderer, never TypeErrors', () => {
  const badOwner = { ...OWNERSHIP, owner: ['team-payments'] } as unknown as Ownership;
  const message = '[KL-OWN-OWNER] platform/Api: `ownership.owner` is ["team-payments"] (an array): an owner is a string, a team slug or an email address. Fix: name the owning team, e.g. "team-payments" or "payments@example.com".';

  test('GIVEN owner ["team-payments"] WHEN a GCP workload identity is declared THEN KL-OWN-OWNER', () => {
    expect(() => new gcp.WorkloadIdentity(tfStack(), 'Api', { name: 'payments-api', ownership: badOwner, serviceAccount, project: 'acme-payments-prod', access: 'impersonation' }))
      .toThrow(message);
  });

  test('GIVEN owner ["team-payments"] WHEN a Kubernetes service account is declared THEN KL-OWN-OWNER', () => {
    const app = Testing.app();
    app.node.setContext('keyless:today', TODAY);
    const chart = new Chart(app, 'platform');
    let error: unknown;
    try {
      new WorkloadServiceAccount(chart, 'Api', { ...serviceAccount, ownership: badOwner });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeylessError);
    expect((error as Error).message).toBe(message);
  });

  test('GIVEN tier "1" WHEN an AWS identity is declared THEN KL-OWN-TIER says a number is expected', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY } });
    expect(() => awsIdentity(app, { ...OWNERSHIP, tier: '1' } as unknown as Ownership)).toThrow(
      '[KL-OWN-TIER] Workloads/Api: `ownership.tier` is "1" (a string): the risk tier is the number 1 (most sensitive), 2 or 3. Fix: use 1 for production write, publishing or privileged access, 2 for other production access, 3 for non-production.');
  });

  test('GIVEN ownership given as an array WHEN an AWS identity is declared THEN KL-OWN-MISSING says an object is expected', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY } });
    expect(() => awsIdentity(app, [OWNERSHIP] as unknown as Ownership)).toThrow(/^\[KL-OWN-MISSING\] Workloads\/Api: `ownership` is \[.*\] \(an array\): ownership is an object/);
  });
});

describe('guardrails keep their date bounds with invalid dates', () => {
  const role = (reviewBy: string): NeutralResource => ({
    format: 'cloudformation',
    file: 'Stack.template.json',
    type: 'AWS::IAM::Role',
    id: 'Role',
    properties: { Tags: [{ Key: 'keyless:owner', Value: 'team' }, { Key: 'keyless:environment', Value: 'production' }, { Key: 'keyless:review-by', Value: reviewBy }] },
  });

  test('GIVEN review-by 2099-13-45 THEN the ownership rule reports it as not a date', () => {
    expect(ownershipRule.check(role('2099-13-45'), { resources: [], today: TODAY })).toEqual({
      status: 'non-compliant',
      findings: [{ key: 'ReviewBy::2099-13-45', message: 'review-by 2099-13-45 is not a YYYY-MM-DD date' }],
    });
  });

  test.each(['', '2026-13-45'])('GIVEN today %p THEN the ownership rule refuses it (KL-CLOCK) and the engine reports a finding', (today) => {
    expect(() => ownershipRule.check(role('2099-01-01'), { resources: [], today })).toThrow(
      `[KL-CLOCK] guardrails: \`today\` is ${JSON.stringify(today)}: review-by dates are checked against a real calendar date written as YYYY-MM-DD. Fix: pass \`today\` as a date such as "2026-11-22".`);
    const report = evaluate([role('2099-01-01')], { today, rules: [ownershipRule] });
    expect(report.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^the rule failed on this resource \(\[KL-CLOCK\] guardrails: `today` is/)]);
  });

  test('exceptions: an impossible expiry is a problem and never live; an invalid today is KL-CLOCK', () => {
    const exception: GuardrailException = { ruleId: 'KL-G-OWNERSHIP', resource: 'Role', reason: 'migration in progress', owner: 'team', expires: '2099-13-45' };
    expect(exceptionProblems(exception, 0, ['KL-G-OWNERSHIP'])).toEqual(['exceptions[0]: `expires` is "2099-13-45": give the date the exception ends, as YYYY-MM-DD']);
    expect(exceptionIsLive(exception, TODAY)).toBe(false);
    expect(exceptionIsLive({ ...exception, expires: '2026-11-22' }, TODAY)).toBe(true);
    expect(exceptionIsLive({ ...exception, expires: '2026-11-21' }, TODAY)).toBe(false);
    expect(() => exceptionIsLive({ ...exception, expires: '2099-01-01' }, '0000-00-00')).toThrow(/^\[KL-CLOCK\] guardrails: `today` is "0000-00-00"/);
  });

  test('exceptions: a null entry is reported, not a TypeError', () => {
    expect(exceptionProblems(null as never, 2, ['KL-G-OWNERSHIP'])).toEqual(['exceptions[2] is null: an exception is an object { ruleId, resource, reason, owner, expires }']);
  });
});

describe('inventory: an impossible or loosely written date is never within a bound', () => {
  const implies = (strict: string, loose: string) => conditionImplies(untilCondition(strict), untilCondition(loose));

  test('real instants compare as instants, to the nanosecond and across offsets', () => {
    expect(implies('2027-01-31T00:00:00Z', '2027-03-31T00:00:00Z')).toBe(true);
    expect(implies('2027-01-31T00:00:00.000000001Z', '2027-01-31T00:00:00Z')).toBe(false);
    expect(implies('2027-01-31T00:00:00Z', '2027-01-31T00:00:00.000000001Z')).toBe(true);
    expect(implies('2027-01-31T01:00:00+01:00', '2027-01-31T00:00:00Z')).toBe(true);
    expect(implies('2027-01-31', '2027-01-31T00:00:00Z')).toBe(true);
  });

  test.each([
    ['2027-02-30T00:00:00Z', '2027-03-31T00:00:00Z'],
    ['2099-13-45T00:00:00Z', '2100-01-01T00:00:00Z'],
    ['2027-01-31T24:00:00Z', '2027-03-31T00:00:00Z'],
    ['Jan 1 2027', '2027-03-31T00:00:00Z'],
    ['2027-01-31T00:00:00Z', '2027-02-30T00:00:00Z'],
  ])('%p is not proven to end before %p', (strict, loose) => {
    expect(implies(strict, loose)).toBe(false);
  });
});
