import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IdentityStacks, WorkloadIdentity } from '../../src/constructs/aws';
import { OWNERSHIP, TODAY } from '../helpers/synth';

const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C';

describe('IdentityStacks', () => {
  test('spreads identities over stacks, each within its budget (identities plus the shared OIDC provider)', () => {
    const app = new cdk.App({ context: { 'keyless:today': TODAY } });
    const stacks = new IdentityStacks(app, 'identities', { env: { account: '123456789012', region: 'eu-west-1' }, maxResourcesPerStack: 40 });
    for (let i = 0; i < 100; i++) {
      new WorkloadIdentity(stacks.stackFor(1), `w${i}`, {
        name: `workload-${String(i).padStart(3, '0')}`,
        ownership: OWNERSHIP,
        serviceAccount: { namespace: 'bench', name: `svc-${i}` },
        eks: { kind: 'irsa', issuerUrl: ISSUER },
      });
    }
    expect(stacks.stacks.map((s) => s.stackName)).toEqual(['identities', 'identities-2', 'identities-3']);
    const counts = stacks.stacks.map((s) => Object.keys(Template.fromStack(s).toJSON().Resources).length);
    expect(counts).toEqual([40, 40, 23]);
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
