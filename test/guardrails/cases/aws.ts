/**
 * Cases of the AWS trust rules of issue 16: KL-G-AWS-PRINCIPAL-WILDCARD, KL-G-AWS-POD-IDENTITY-UNSCOPED,
 * KL-G-AWS-BREAK-GLASS-MFA, and the widened subjects of KL-G-FEDERATED-TRUST-UNPINNED (pull_request runs, every
 * branch, every environment). Resources are written as they appear in CloudFormation and Terraform JSON.
 */
import type { AddCase, CaseBuilders } from './builders';
import type { NeutralResource } from '../../../src/guardrails';

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const GITHUB = 'token.actions.githubusercontent.com';
const GITHUB_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB}`;
const GITLAB_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`;
const AUD = { [`${GITHUB}:aud`]: 'sts.amazonaws.com' };
const POD_IDENTITY = 'pods.eks.amazonaws.com';
const NS = 'aws:RequestTag/kubernetes-namespace';
const SA = 'aws:RequestTag/kubernetes-service-account';
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': '900' } };
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

const STAR_MESSAGE = 'Principal * admits every user and role of every AWS account, and no condition narrows it to an organization, account, principal or source';
const accountMessage = (principal: string, account = ACCOUNT) =>
  `Principal ${principal} admits every user and role of account ${account} allowed sts:AssumeRole, and no condition narrows it to a principal, organization, source or external id`;
const NS_MISSING = `Pod Identity trust has no positive ${NS} condition: pods of every namespace can be given the role`;
const SA_MISSING = `Pod Identity trust has no positive ${SA} condition: pods of every service account can be given the role`;

export function cases(add: AddCase, b: CaseBuilders): void {
  const { cfn, tf, OWNED_TAGS, OWNED_TF_TAGS } = b;
  /** A CloudFormation role with these trust statements. */
  const role = (statements: any[], id = 'Role', tags: readonly any[] = OWNED_TAGS): NeutralResource => cfn('AWS::IAM::Role', {
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: statements }, Tags: tags,
  }, id);
  /** A Terraform role with these trust statements, as a JSON string. */
  const tfRole = (statements: any[], tags: Record<string, string> = OWNED_TF_TAGS): NeutralResource => tf('aws_iam_role', 'r', {
    name: 'r', assume_role_policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }), tags,
  });
  const assume = (principal: any, condition?: any, effect = 'Allow') => ({
    Effect: effect, Principal: principal, Action: 'sts:AssumeRole', ...(condition === undefined ? {} : { Condition: condition }),
  });

  // KL-G-AWS-PRINCIPAL-WILDCARD
  {
    const id = 'KL-G-AWS-PRINCIPAL-WILDCARD';
    add(id, 'finding', 'Principal {"AWS": "*"} without a condition', role([assume({ AWS: '*' })]), [['Principal::*', STAR_MESSAGE]]);
    add(id, 'finding', 'Principal "*" (the whole element) without a condition', role([assume('*')]), [['Principal::*', STAR_MESSAGE]]);
    add(id, 'finding', '"*" in a list of AWS principals', role([assume({ AWS: [`arn:aws:iam::${ACCOUNT}:role/deploy`, '*'] })]), [['Principal::*', STAR_MESSAGE]]);
    add(id, 'finding', 'Principal * with only sts:ExternalId (not a secret: it narrows a trusted account, never *)',
      role([assume({ AWS: '*' }, { StringEquals: { 'sts:ExternalId': 'c0ffee' } })]), [['Principal::*', STAR_MESSAGE]]);
    add(id, 'finding', 'Principal * with a negated or IfExists organization condition',
      role([assume({ AWS: '*' }, { StringNotEquals: { 'aws:PrincipalOrgID': 'o-evil000000' }, StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } })]),
      [['Principal::*', STAR_MESSAGE]]);
    add(id, 'finding', 'Principal * with wildcard narrowing values (StringLike aws:PrincipalAccount 1111*, ArnLike aws:PrincipalArn arn:aws:iam::*:role/x)',
      role([assume({ AWS: '*' }, { StringLike: { 'aws:PrincipalAccount': '1111*' }, ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deploy' } })]),
      [['Principal::*', STAR_MESSAGE]]);
    add(id, 'finding', 'a third-party account root without sts:ExternalId', role([assume({ AWS: 'arn:aws:iam::444455556666:root' })]),
      [['Principal::arn:aws:iam::444455556666:root', accountMessage('arn:aws:iam::444455556666:root', '444455556666')]]);
    add(id, 'finding', 'a bare account id', role([assume({ AWS: '444455556666' })]), [['Principal::444455556666', accountMessage('444455556666', '444455556666')]]);
    add(id, 'finding', 'the own account root as CDK writes it (Fn::Join of AWS::Partition and AWS::AccountId)', role([assume({
      AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] },
    })]), [['Principal::arn:${AWS::Partition}:iam::${AWS::AccountId}:root', accountMessage('arn:${AWS::Partition}:iam::${AWS::AccountId}:root', '${AWS::AccountId}')]]);
    add(id, 'finding', 'Terraform: the own account root (a reference) and * in two statements', tfRole([
      assume({ AWS: 'arn:aws:iam::${data.aws_caller_identity.current.account_id}:root' }), assume({ AWS: '*' }),
    ]), [
      ['Principal::arn:aws:iam::${data.aws_caller_identity.current.account_id}:root',
        accountMessage('arn:aws:iam::${data.aws_caller_identity.current.account_id}:root', '${data.aws_caller_identity.current.account_id}')],
      ['Principal::*', STAR_MESSAGE],
    ]);
    add(id, 'finding', 'one statement narrowed, another with the same principal not: one finding', role([
      assume({ AWS: ROOT }, { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/deploy` } }), assume({ AWS: ROOT }),
    ]), [[`Principal::${ROOT}`, accountMessage(ROOT)]]);
    add(id, 'compliant', 'Principal * narrowed to the organization', role([assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } })]), []);
    add(id, 'compliant', 'Principal * narrowed by ArnLike aws:PrincipalArn of one account', role([assume({ AWS: '*' }, { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/ci-*` } })]), []);
    add(id, 'compliant', 'Principal * narrowed by an organization path under the organization', role([assume({ AWS: '*' }, { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/*' } })]), []);
    add(id, 'compliant', 'a third-party account root with sts:ExternalId', role([assume({ AWS: 'arn:aws:iam::444455556666:root' }, { StringEquals: { 'sts:ExternalId': 'c0ffee' } })]), []);
    add(id, 'compliant', 'the own account root narrowed by aws:PrincipalArn (Terraform)', tfRole([
      assume({ AWS: ROOT }, { ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/deploy`, `arn:aws:iam::${ACCOUNT}:role/ops`] } }),
    ]), []);
    add(id, 'compliant', 'an exact role ARN', role([assume({ AWS: `arn:aws:iam::${ACCOUNT}:role/deploy` })]), []);
    add(id, 'compliant', 'a Deny statement with * beside an exact role', role([assume({ AWS: `arn:aws:iam::${ACCOUNT}:role/deploy` }), assume({ AWS: '*' }, undefined, 'Deny')]), []);
    add(id, 'not applicable', 'a service-principal trust', role([assume({ Service: 'lambda.amazonaws.com' })]), []);
    add(id, 'not applicable', 'a federated trust', role([{ Effect: 'Allow', Principal: { Federated: GITHUB_PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity' }]), []);
    add(id, 'not applicable', 'only a Deny statement for *', role([assume({ AWS: '*' }, undefined, 'Deny')]), []);
    add(id, 'not applicable', 'a managed policy', cfn('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] },
    }, 'Policy'), []);
  }

  // KL-G-AWS-POD-IDENTITY-UNSCOPED
  {
    const id = 'KL-G-AWS-POD-IDENTITY-UNSCOPED';
    const pods = (condition?: any, actions: any = ['sts:AssumeRole', 'sts:TagSession']) => ({
      Effect: 'Allow', Principal: { Service: POD_IDENTITY }, Action: actions, ...(condition === undefined ? {} : { Condition: condition }),
    });
    const KEYLESS = {
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-1:111122223333:cluster/prod-eu']] },
        'aws:RequestTag/eks-cluster-name': 'prod-eu',
        [NS]: 'checkout-api',
        [SA]: 'checkout-api',
        'aws:SourceAccount': ACCOUNT,
      },
    };
    add(id, 'finding', 'the trust of the EKS user guide without conditions', role([pods()]), [[`Condition::${NS}`, NS_MISSING], [`Condition::${SA}`, SA_MISSING]]);
    add(id, 'finding', 'only the cluster pinned (Terraform)', tfRole([pods({ StringEquals: { 'aws:RequestTag/eks-cluster-name': 'prod-eu', 'aws:SourceAccount': ACCOUNT } })]),
      [[`Condition::${NS}`, NS_MISSING], [`Condition::${SA}`, SA_MISSING]]);
    add(id, 'finding', 'namespace pinned, service account StringLike *', role([pods({ StringEquals: { [NS]: 'checkout' }, StringLike: { [SA]: '*' } })]),
      [[`Condition::${SA}`, `${SA} is StringLike *, which pins no service account: pods of every service account can be given the role`]]);
    add(id, 'finding', 'namespace by a prefix pattern, service account StringEqualsIfExists', role([pods({ StringLike: { [NS]: 'checkout-*' }, StringEqualsIfExists: { [SA]: 'api' } })]), [
      [`Condition::${NS}`, `${NS} is StringLike checkout-*, which pins no namespace: pods of every namespace can be given the role`],
      [`Condition::${SA}`, SA_MISSING],
    ]);
    add(id, 'finding', 'aws:PrincipalTag keys (the caller is the EKS service, not the pod)', role([pods({
      StringEquals: { 'aws:PrincipalTag/kubernetes-namespace': 'checkout', 'aws:PrincipalTag/kubernetes-service-account': 'api' },
    })]), [[`Condition::${NS}`, NS_MISSING], [`Condition::${SA}`, SA_MISSING]]);
    add(id, 'finding', 'Action sts:* and the principal in a list', role([{
      Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com', POD_IDENTITY] }, Action: 'sts:*', Condition: { StringEquals: { [NS]: 'checkout' } },
    }]), [[`Condition::${SA}`, SA_MISSING]]);
    add(id, 'compliant', 'the trust Keyless writes (cluster ARN and name, namespace, service account, source account)', role([pods(KEYLESS)]), []);
    add(id, 'compliant', 'namespace and service account pinned, keys in another case (Terraform)', tfRole([pods({
      StringEquals: { 'aws:requesttag/Kubernetes-Namespace': ['checkout', 'billing'], [SA]: 'api' },
    })]), []);
    add(id, 'compliant', 'a StringLike condition without a wildcard', role([pods({ StringLike: { [NS]: 'checkout', [SA]: 'api' } })]), []);
    add(id, 'not applicable', 'an IRSA trust', role([{
      Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C0A1D7E` }, Action: 'sts:AssumeRoleWithWebIdentity',
    }]), []);
    add(id, 'not applicable', 'another service principal', role([assume({ Service: 'eks.amazonaws.com' })]), []);
    add(id, 'not applicable', 'Pod Identity allowed sts:TagSession only', role([pods(undefined, 'sts:TagSession')]), []);
    add(id, 'not applicable', 'a Deny statement for Pod Identity', role([{ ...pods(), Effect: 'Deny' }]), []);
  }

  // KL-G-AWS-BREAK-GLASS-MFA
  {
    const id = 'KL-G-AWS-BREAK-GLASS-MFA';
    const BREAK_GLASS = [...OWNED_TAGS, { Key: 'keyless:break-glass', Value: 'true' }];
    const TF_BREAK_GLASS = { ...OWNED_TF_TAGS, 'keyless:break-glass': 'true' };
    const human = (principal: string, condition: any) => ({ Effect: 'Allow', Principal: { AWS: principal }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Condition: condition });
    const KEYLESS = (user: string) => human(`arn:aws:iam::${ACCOUNT}:user/${user}`, {
      ...MFA, StringEquals: { 'sts:SourceIdentity': user }, DateLessThan: { 'aws:CurrentTime': '2027-01-31T00:00:00Z' },
    });
    add(id, 'finding', 'a break-glass role without MFA', role([assume({ AWS: ALICE })], 'BreakGlass', BREAK_GLASS), [[
      'Statement[0].Condition::aws:MultiFactorAuthPresent',
      `trust statement 0 ({"AWS":"${ALICE}"}) has no Bool aws:MultiFactorAuthPresent "true" condition: the role can be assumed without MFA`,
    ]]);
    add(id, 'finding', 'BoolIfExists (admits long-term access keys without MFA)', role([human(ALICE, { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } })], 'BreakGlass', BREAK_GLASS), [[
      'Statement[0].Condition::aws:MultiFactorAuthPresent',
      `trust statement 0 ({"AWS":"${ALICE}"}) requires MFA with BoolIfExists, which admits requests signed with long-term access keys without MFA`,
    ]]);
    add(id, 'finding', 'Terraform: the second of two humans without MFA, Bool "false" on the first is no MFA either', tf('aws_iam_role', 'bg', {
      name: 'bg',
      assume_role_policy: JSON.stringify({ Version: '2012-10-17', Statement: [human(ALICE, { Bool: { 'aws:MultiFactorAuthPresent': 'false' } }), KEYLESS('bob'), assume({ AWS: `arn:aws:iam::${ACCOUNT}:user/carol` })] }),
      tags: TF_BREAK_GLASS,
    }), [
      ['Statement[0].Condition::aws:MultiFactorAuthPresent', `trust statement 0 ({"AWS":"${ALICE}"}) has no Bool aws:MultiFactorAuthPresent "true" condition: the role can be assumed without MFA`],
      ['Statement[2].Condition::aws:MultiFactorAuthPresent',
        `trust statement 2 ({"AWS":"arn:aws:iam::${ACCOUNT}:user/carol"}) has no Bool aws:MultiFactorAuthPresent "true" condition: the role can be assumed without MFA`],
    ]);
    add(id, 'compliant', 'the trust BreakGlassRole writes (Bool MFA, MFA age, source identity, expiry)', role([KEYLESS('alice'), KEYLESS('bob')], 'BreakGlass', BREAK_GLASS), []);
    add(id, 'compliant', 'Terraform: Bool true as a JSON boolean, a Deny statement without MFA', tf('aws_iam_role', 'bg', {
      name: 'bg',
      assume_role_policy: JSON.stringify({ Statement: [human(ALICE, { Bool: { 'aws:MultiFactorAuthPresent': true } }), assume({ AWS: '*' }, undefined, 'Deny')] }),
      tags: TF_BREAK_GLASS,
    }), []);
    add(id, 'not applicable', 'a role without the break-glass tag', role([assume({ AWS: ALICE })]), []);
    add(id, 'not applicable', 'a role whose break-glass tag is not true', role([assume({ AWS: ALICE })], 'Role', [...OWNED_TAGS, { Key: 'keyless:break-glass', Value: 'false' }]), []);
    add(id, 'not applicable', 'a tagged user (not a role)', cfn('AWS::IAM::User', { Tags: BREAK_GLASS }, 'Alice'), []);
  }

  // KL-G-FEDERATED-TRUST-UNPINNED: subjects of one repository that still admit pull_request runs, every branch or environment.
  {
    const id = 'KL-G-FEDERATED-TRUST-UNPINNED';
    const github = (operator: string, sub: string | string[]) => role([{
      Effect: 'Allow',
      Principal: { Federated: GITHUB_PROVIDER_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: operator === 'StringEquals' ? { StringEquals: { ...AUD, [`${GITHUB}:sub`]: sub } } : { StringEquals: AUD, [operator]: { [`${GITHUB}:sub`]: sub } },
    }], 'CiRole');
    const gitlab = (sub: string) => role([{
      Effect: 'Allow',
      Principal: { Federated: GITLAB_PROVIDER_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' }, StringLike: { 'gitlab.com:sub': sub } },
    }], 'CiRole');
    const subject = (sub: string, admits: string): readonly [string, string] => [`Subject::${sub}`, `sub ${sub} admits ${admits}`];
    add(id, 'finding', 'repo:OWNER/REPO:* (every run of the repository)', github('StringLike', 'repo:acme/app:*'),
      [subject('repo:acme/app:*', 'pull_request runs, every branch and every environment')]);
    add(id, 'finding', 'repo:OWNER/REPO:ref:* (every ref; a ref-claim template gives pull requests refs/pull/N/merge)', github('StringLike', 'repo:acme/app:ref:*'),
      [subject('repo:acme/app:ref:*', 'pull_request runs and every branch')]);
    add(id, 'finding', 'repo:OWNER/REPO:ref:refs/heads/* (every branch)', github('StringLike', ['repo:acme/app:ref:refs/tags/v*', 'repo:acme/app:ref:refs/heads/*']),
      [subject('repo:acme/app:ref:refs/heads/*', 'every branch')]);
    add(id, 'finding', 'repo:OWNER/REPO:environment:* (every environment, which a workflow creates by naming it)', github('StringLike', 'repo:acme/app:environment:*'),
      [subject('repo:acme/app:environment:*', 'every environment')]);
    add(id, 'finding', 'repo:OWNER/REPO:pull_request, exact', github('StringEquals', ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:pull_request']),
      [subject('repo:acme/app:pull_request', 'pull_request runs')]);
    add(id, 'finding', 'immutable owner and repository ids, then *', github('StringLike', 'repo:acme@1342004/app@86301532:*'),
      [subject('repo:acme@1342004/app@86301532:*', 'pull_request runs, every branch and every environment')]);
    add(id, 'finding', 'a custom template whose context is a wildcard (repository_owner_id:…:repository_id:…:*)', github('StringLike', 'repository_owner_id:1342004:repository_id:86301532:*'),
      [subject('repository_owner_id:1342004:repository_id:86301532:*', 'pull_request runs, every branch and every environment')]);
    add(id, 'finding', 'GitLab project_path:G/P:ref_type:branch:ref:* (every branch)', gitlab('project_path:acme/ledger:ref_type:branch:ref:*'),
      [subject('project_path:acme/ledger:ref_type:branch:ref:*', 'every branch')]);
    add(id, 'finding', 'GitLab project_path:G/P:* (every branch and tag)', gitlab('project_path:acme/ledger:*'),
      [subject('project_path:acme/ledger:*', 'every branch')]);
    add(id, 'finding', 'ForAnyValue:StringLike reads the sub as a pattern too (was: only the operator finding)', github('ForAnyValue:StringLike', 'repo:acme/*'), [
      ['Operator::ForAnyValue:StringLike', 'sub condition uses ForAnyValue:StringLike, which admits tokens without a matching sub'],
      ['Subject::repo:acme/*', 'sub repo:acme/* does not pin the owner and repository literally'],
    ]);
    /** `repo:acme/app:*` with a condition on the `ref` claim under `operator` (merged into the operator's block). */
    const withRef = (ref: string, operator = 'StringEquals') => {
      const condition: Record<string, Record<string, unknown>> = { StringEquals: { ...AUD }, StringLike: { [`${GITHUB}:sub`]: 'repo:acme/app:*' } };
      condition[operator] = { ...condition[operator], [`${GITHUB}:ref`]: ref };
      return role([{ Effect: 'Allow', Principal: { Federated: GITHUB_PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }], 'CiRole');
    };
    add(id, 'compliant', 'repo:acme/app:* with the ref claim pinned to main (no pull-request run or other branch)', withRef('refs/heads/main'), []);
    add(id, 'finding', 'repo:acme/app:* with the ref claim a branch pattern', withRef('refs/heads/*', 'StringLike'),
      [subject('repo:acme/app:*', 'pull_request runs, every branch and every environment')]);
    add(id, 'finding', 'repo:acme/app:* with the ref claim under StringEqualsIfExists', withRef('refs/heads/main', 'StringEqualsIfExists'),
      [subject('repo:acme/app:*', 'pull_request runs, every branch and every environment')]);
    add(id, 'compliant', 'a branch pattern under refs/heads/ (release/*)', github('StringLike', 'repo:acme/app:ref:refs/heads/release/*'), []);
    add(id, 'compliant', 'an environment pattern (prod-*)', github('StringLike', 'repo:acme/app:environment:prod-*'), []);
    add(id, 'compliant', 'repo:acme/app:* under StringEquals matches only the literal string', github('StringEquals', 'repo:acme/app:*'), []);
    add(id, 'compliant', 'GitLab tag pattern', gitlab('project_path:acme/ledger:ref_type:tag:ref:v*'), []);
    add(id, 'not applicable', 'a Pod Identity trust', role([{ Effect: 'Allow', Principal: { Service: POD_IDENTITY }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]), []);
  }
}
