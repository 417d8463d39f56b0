import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk from 'aws-cdk-lib/core';
import { IdentityStacks, WorkloadIdentity } from '../../src/constructs/aws';
import { DETECTION_ROUTES, OWNERSHIP, TODAY } from '../helpers/synth';

const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C';

describe('IdentityStacks', () => {
  test('spreads identities over stacks, each within its budget (identities plus the shared OIDC provider)', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
    const stacks = new IdentityStacks(app, 'identities', { env: { account: '123456789012', region: 'eu-west-1' }, maxResourcesPerStack: 40 });
    // A watched IRSA identity is two resources: its role and its detection rule.
    for (let i = 0; i < 50; i++) {
      new WorkloadIdentity(stacks.stackFor(2), `w${i}`, {
        name: `workload-${String(i).padStart(3, '0')}`,
        ownership: OWNERSHIP,
        serviceAccount: { namespace: 'bench', name: `svc-${i}` },
        eks: { kind: 'irsa', issuerUrl: ISSUER },
      });
    }
    expect(stacks.stacks.map((s) => s.stackName)).toEqual(['identities', 'identities-2', 'identities-3']);
    const templates = stacks.stacks.map((s) => Template.fromStack(s).toJSON());
    // The budget reserves one resource per stack for the provider; only the first stack of the account holds it.
    expect(templates.map((t) => Object.keys(t.Resources).length)).toEqual([39, 38, 24]);
    const providers = templates.map((t) => Object.values(t.Resources as Record<string, { Type: string }>).filter((r) => r.Type === 'AWS::IAM::OIDCProvider').length);
    expect(providers).toEqual([1, 0, 0]);
    // The other shards import it by its ARN and deploy after the shard that creates it.
    expect(stacks.stacks.slice(1).map((s) => s.dependencies.map((d) => d.stackName))).toEqual([['identities'], ['identities']]);
    const federated = new Set(Object.values(templates[1].Resources as Record<string, any>).filter((r) => r.Type === 'AWS::IAM::Role')
      .map((r) => JSON.stringify(r.Properties?.AssumeRolePolicyDocument?.Statement?.[0]?.Principal?.Federated)));
    expect([...federated]).toEqual([JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::123456789012:oidc-provider/${ISSUER.replace('https://', '')}`]] })]);
  });

  test('budgets what each identity actually adds (detection rule, grant policy, revoked policy), whatever it reserves', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
    const stacks = new IdentityStacks(app, 'identities', { env: { account: '123456789012', region: 'eu-west-1' }, maxResourcesPerStack: 40 });
    for (let i = 0; i < 60; i++) {
      // Each reserves one resource, but takes its role, its detection rule and the policy of a grant added after it;
      // from the 30th on, a revoked identity also takes its `keyless-revoked` policy.
      const identity = new WorkloadIdentity(stacks.stackFor(1), `w${i}`, {
        name: `workload-${String(i).padStart(3, '0')}`,
        ownership: OWNERSHIP,
        serviceAccount: { namespace: 'bench', name: `svc-${i}` },
        eks: { kind: 'irsa', issuerUrl: ISSUER },
        ...(i >= 30 ? { revoked: { sessionsIssuedBefore: '2026-11-22T10:00:00Z', reason: 'INC-4711 token leaked' } } : {}),
      });
      identity.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::data/${i}/*`] }));
    }
    const counts = stacks.stacks.map((s) => Object.keys(Template.fromStack(s).toJSON().Resources).length);
    // Before: one resource budgeted per identity, 39 identities (118 resources) in the first stack. Now: the provider
    // and 13 identities of 3; 13 of 3 (1 resource budgeted for the provider in each stack); 4 of 3, then the first
    // revoked identity (budgeted 3, counted 4 once built) and 5 more of 4; then 9 of 4 per stack.
    expect(counts).toEqual([40, 39, 36, 36, 36, 24]);
    expect(Math.max(...counts)).toBeLessThanOrEqual(40);
  });

  test('a stack over the CloudFormation limit fails synthesis with the fix', () => {
    const app = new cdk.App();
    const stacks = new IdentityStacks(app, 'identities', { maxResourcesPerStack: 10 });
    const stack = stacks.stackFor(1);
    for (let i = 0; i < 501; i++) new iam.CfnRole(stack, `r${i}`, { assumeRolePolicyDocument: {} });
    expect(() => app.synth()).toThrow(/\[KL-AWS-STACK-LIMIT\] identities: holds 501 resources, over the CloudFormation limit of 500/);
  });

  test('the budget is bounded by the limit', () => {
    expect(() => new IdentityStacks(new cdk.App(), 'identities', { maxResourcesPerStack: 501 })).toThrow(
      '[KL-AWS-STACK-BUDGET] identities: `maxResourcesPerStack` is 501: the budget is a whole number from 10 to 500 (the CloudFormation limit). Fix: keep the default of 400.');
  });
});
