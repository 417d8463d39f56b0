import { Stack, Token } from 'aws-cdk-lib/core';
import { IConstruct } from 'constructs';
import { claimUniqueName } from '../../private/uniqueness';

/** The AWS account of the stack holding `scope`, or `undefined` when the stack is environment-agnostic. */
export function awsAccountOf(scope: IConstruct): string | undefined {
  const account = Stack.of(scope).account;
  return Token.isUnresolved(account) ? undefined : `account ${account}`;
}

/** Claims an IAM role name, unique per account (IAM CreateRole). */
export function claimAwsRoleName(scope: IConstruct, roleName: string, prop = 'roleName'): void {
  claimUniqueName(scope, {
    what: 'IAM role',
    name: roleName,
    scope: awsAccountOf(scope),
    rule: 'per account',
    prop,
    consequence: 'the second stack to deploy would fail with EntityAlreadyExists',
    fix: `give one of them another \`${prop}\` (or another \`name\`), or declare the identity once and grant it both uses`,
    docs: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html',
  });
}
