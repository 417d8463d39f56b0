/**
 * The AWS trust rules of issue 16 read a role the same way whatever format it is written in: the same trust as a
 * CloudFormation `AssumeRolePolicyDocument` object and as a Terraform `assume_role_policy` JSON string, with the
 * same tags, gives the same findings (rule, key, message).
 */
import { evaluate, NeutralResource } from '../../src/guardrails';

const TODAY = '2026-11-22';
const RULES = new Set(['KL-G-AWS-PRINCIPAL-WILDCARD', 'KL-G-AWS-POD-IDENTITY-UNSCOPED', 'KL-G-AWS-BREAK-GLASS-MFA', 'KL-G-FEDERATED-TRUST-UNPINNED']);
const TAGS = { 'keyless:owner': 'team-payments', 'keyless:environment': 'production', 'keyless:review-by': '2027-04-30', 'keyless:break-glass': 'true' };
const GITHUB = 'token.actions.githubusercontent.com';

/** The same role in both formats. */
function both(trust: any): [NeutralResource, NeutralResource] {
  return [
    {
      format: 'cloudformation',
      file: 'stack.template.json',
      type: 'AWS::IAM::Role',
      id: 'Role',
      properties: { AssumeRolePolicyDocument: trust, Tags: Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value })) },
    },
    { format: 'terraform', file: 'main.tf.json', type: 'aws_iam_role', id: 'aws_iam_role.role', properties: { name: 'role', assume_role_policy: JSON.stringify(trust), tags: TAGS } },
  ];
}

function findings(resource: NeutralResource): string[] {
  return evaluate([resource], { today: TODAY }).findings.filter((f) => RULES.has(f.ruleId)).map((f) => `${f.ruleId} [${f.key}]: ${f.message}`);
}

const TRUSTS: Record<string, any> = {
  'account root and * without conditions, no MFA': {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } } },
    ],
  },
  'Pod Identity without namespace and service account': {
    Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
  },
  'GitHub repo:OWNER/REPO:*': {
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GITHUB}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GITHUB}:sub`]: 'repo:acme/app:*' } },
    }],
  },
};

describe('AWS trust rules: CloudFormation and Terraform JSON give the same findings', () => {
  test.each(Object.entries(TRUSTS))('%s', (_name, trust) => {
    const [cfn, tf] = both(trust);
    const expected = findings(cfn);
    expect(expected.length).toBeGreaterThan(0);
    expect(findings(tf)).toEqual(expected);
  });

  test('the findings of the first trust, exactly', () => {
    expect(findings(both(TRUSTS['account root and * without conditions, no MFA'])[1])).toEqual([
      'KL-G-AWS-BREAK-GLASS-MFA [Statement[0].Condition::aws:MultiFactorAuthPresent]: trust statement 0 ({"AWS":"arn:aws:iam::111122223333:root"}) has no Bool aws:MultiFactorAuthPresent "true" condition: the role can be assumed without MFA',
      'KL-G-AWS-BREAK-GLASS-MFA [Statement[1].Condition::aws:MultiFactorAuthPresent]: trust statement 1 ("*") requires MFA with BoolIfExists, which admits requests signed with long-term access keys without MFA',
      'KL-G-AWS-PRINCIPAL-WILDCARD [Principal::*]: Principal * admits every user and role of every AWS account, and no condition narrows it to an organization, account, principal or source',
      'KL-G-AWS-PRINCIPAL-WILDCARD [Principal::arn:aws:iam::111122223333:root]: Principal arn:aws:iam::111122223333:root admits every user and role of account 111122223333 allowed sts:AssumeRole, and no condition narrows it to a principal, organization, source or external id',
    ]);
  });
});
