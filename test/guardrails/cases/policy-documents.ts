/**
 * Cases of the policy documents issue 16 reads: a `data "aws_iam_policy_document"` on its own (its JSON, as a plan
 * or Keyless's evaluation of the module gives it), checked by the permission and trust rules unless another
 * resource of the run uses it (then it is checked there, once); `aws_iam_role` inline policy blocks and unknown
 * data documents for KL-G-POLICY-UNREADABLE; IAM Identity Center permission sets.
 */
import type { AddCase, CaseBuilders } from './builders';

const S3_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
const READ_ONE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-artifacts/*' }] };
const TRUST_ANYONE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '*' } }] };
const BUCKET_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Principal: { AWS: '*' }, Resource: 'arn:aws:s3:::site/*' }] };
const STAR_MESSAGE = 'Principal * admits every user and role of every AWS account, and no condition narrows it to an organization, account, principal or source';

export function cases(add: AddCase, b: CaseBuilders): void {
  const { cfn, tf } = b;
  const doc = (name: string, json: unknown) => ({ ...tf('data.aws_iam_policy_document', name, json === undefined ? {} : { json: JSON.stringify(json, null, 2) }), id: `data.aws_iam_policy_document.${name}` });

  // KL-G-WILDCARD-ACTION / -RESOURCE on a document nothing uses; none when a policy of the run holds its JSON.
  add('KL-G-WILDCARD-ACTION', 'finding', 'a data document on its own with s3:*', doc('deploy', S3_ALL), [['Action::s3:*', 'Action s3:*']]);
  add('KL-G-WILDCARD-RESOURCE', 'finding', 'a data document on its own with Resource *', doc('deploy', S3_ALL), [['Action::s3:*', 'Resource * for s3:*']]);
  add('KL-G-WILDCARD-ACTION', 'compliant', 'a data document with exact actions', doc('read', READ_ONE), []);
  add('KL-G-WILDCARD-ACTION', 'not applicable', 'a data document used by a policy of the run (same JSON, other formatting): checked there',
    doc('deploy', S3_ALL), [], [tf('aws_iam_role_policy', 'deploy', { role: 'ci', policy: JSON.stringify(S3_ALL) })]);
  add('KL-G-WILDCARD-RESOURCE', 'not applicable', 'a data document an inline policy block of a role uses',
    doc('deploy', S3_ALL), [], [tf('aws_iam_role', 'ci', { assume_role_policy: '{}', inline_policy: [{ name: 'deploy', policy: JSON.stringify(S3_ALL) }] })]);
  add('KL-G-WILDCARD-ACTION', 'not applicable', 'a data document whose statements name a principal (a resource policy)', doc('site', BUCKET_POLICY), []);
  // An attacker's decoys (found in review): text naming the document inside another JSON policy, and a consumer
  // Terraform never creates, do not make the document "used" (its findings would vanish from both places).
  add('KL-G-WILDCARD-ACTION', 'finding', 'a data document whose name appears only as text (a Sid) in another policy', doc('deploy', S3_ALL),
    [['Action::s3:*', 'Action s3:*']], [tf('aws_iam_policy', 'decoy', {
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'data.aws_iam_policy_document.deploy.json', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/k' },
        ],
      }),
    })]);
  add('KL-G-AWS-PRINCIPAL-WILDCARD', 'finding', 'a resource policy document whose only other consumer has count = 0', doc('site', BUCKET_POLICY),
    [['Principal::*', 'Principal * is allowed s3:GetObject by this resource policy document: every AWS principal of every account, and no condition narrows it to an organization, account, principal or source']],
    [tf('aws_iam_policy', 'decoy', { count: 0, policy: JSON.stringify(BUCKET_POLICY) })]);
  add('KL-G-WILDCARD-ACTION', 'not applicable', 'a data document a policy refers to as Terraform writes it (${data…json}, not JSON)', doc('deploy', S3_ALL), [],
    [tf('aws_iam_policy', 'p', { policy: '${data.aws_iam_policy_document.deploy.json}' })]);

  // KL-G-AWS-PRINCIPAL-WILDCARD on a data document written as a trust; a bucket policy is no trust.
  add('KL-G-AWS-PRINCIPAL-WILDCARD', 'finding', 'a data document written as a trust of anyone', doc('trust', TRUST_ANYONE), [['Principal::*', STAR_MESSAGE]]);
  add('KL-G-AWS-PRINCIPAL-WILDCARD', 'finding', 'a data document that is a resource policy granting Principal * (no sts:AssumeRole)', doc('site', BUCKET_POLICY),
    [['Principal::*', 'Principal * is allowed s3:GetObject by this resource policy document: every AWS principal of every account, and no condition narrows it to an organization, account, principal or source']]);
  add('KL-G-AWS-PRINCIPAL-WILDCARD', 'compliant', 'a resource policy document granting Principal * within the organization', doc('site', {
    Version: '2012-10-17', Statement: [{ ...BUCKET_POLICY.Statement[0], Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }],
  }), []);
  add('KL-G-AWS-PRINCIPAL-WILDCARD', 'compliant', 'a resource policy document granting another account', doc('site', {
    Version: '2012-10-17', Statement: [{ ...BUCKET_POLICY.Statement[0], Principal: { AWS: 'arn:aws:iam::444455556666:root' } }],
  }), []);
  add('KL-G-AWS-PRINCIPAL-WILDCARD', 'not applicable', 'a data document of identity-policy statements only', doc('read', READ_ONE), []);
  add('KL-G-AWS-PRINCIPAL-WILDCARD', 'not applicable', 'a trust document a role of the run uses: the role is checked',
    doc('trust', TRUST_ANYONE), [], [tf('aws_iam_role', 'ci', { assume_role_policy: JSON.stringify(TRUST_ANYONE) })]);

  // CloudFormation `!Sub |` of a JSON trust: read as the document (its placeholders stay in the strings).
  const subTrust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::${AWS::AccountId}:root' } }] });
  add('KL-G-AWS-PRINCIPAL-WILDCARD', 'finding', 'a CloudFormation trust written as !Sub of a JSON string', cfn('AWS::IAM::Role', { AssumeRolePolicyDocument: { 'Fn::Sub': subTrust } }),
    [['Principal::arn:aws:iam::${AWS::AccountId}:root', 'Principal arn:aws:iam::${AWS::AccountId}:root admits every user and role of account ${AWS::AccountId} allowed sts:AssumeRole, and no condition narrows it to a principal, organization, source or external id']]);
  add('KL-G-WILDCARD-ACTION', 'finding', 'a CloudFormation policy written as !Sub [JSON, variables]', cfn('AWS::IAM::ManagedPolicy', { PolicyDocument: { 'Fn::Sub': [JSON.stringify(S3_ALL), { Bucket: 'b' }] } }),
    [['Action::s3:*', 'Action s3:*']]);

  // KL-G-POLICY-UNREADABLE: inline policy blocks; data documents whose JSON is not known.
  add('KL-G-POLICY-UNREADABLE', 'finding', 'an inline policy block given as a reference', tf('aws_iam_role', 'ci', {
    assume_role_policy: '{}', inline_policy: [{ name: 'deploy', policy: '${data.aws_iam_policy_document.deploy.json}' }],
  }), [['Field::inline_policy.policy', 'inline_policy deploy policy is ${data.aws_iam_policy_document.deploy.json}, which is not a JSON policy document']]);
  add('KL-G-POLICY-UNREADABLE', 'finding', 'an inline policy block (object form) known after apply', tf('aws_iam_role', 'ci', {
    assume_role_policy: '{}', inline_policy: { policy: '${known after apply}' },
  }), [['Field::inline_policy.policy', 'inline_policy 0 policy is ${known after apply}, which is not a JSON policy document']]);
  add('KL-G-POLICY-UNREADABLE', 'compliant', 'a role with literal inline policies', tf('aws_iam_role', 'ci', {
    assume_role_policy: '{}', inline_policy: [{ name: 'read', policy: JSON.stringify(READ_ONE) }],
  }), []);
  add('KL-G-POLICY-UNREADABLE', 'finding', 'a data document whose statements are not known (no json), used by nothing', doc('dynamic', undefined),
    [['Field::json', 'the document\'s statements are not known without a cloud (dynamic blocks, source or override documents, values known at apply): its JSON cannot be read']]);
  add('KL-G-POLICY-UNREADABLE', 'not applicable', 'an unknown data document a policy refers to: the policy is reported', doc('dynamic', undefined), [],
    [tf('aws_iam_policy', 'p', { policy: '${data.aws_iam_policy_document.dynamic.json}' })]);
  add('KL-G-POLICY-UNREADABLE', 'compliant', 'a data document with its JSON', doc('read', READ_ONE), []);

  // IAM Identity Center permission sets: what every assigned user gets in the account.
  add('KL-G-WILDCARD-ACTION', 'finding', 'a permission set inline policy with s3:*', tf('aws_ssoadmin_permission_set_inline_policy', 'ops', {
    instance_arn: 'arn:aws:sso:::instance/ssoins-1', permission_set_arn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1', inline_policy: JSON.stringify(S3_ALL),
  }), [['Action::s3:*', 'Action s3:*']]);
  add('KL-G-AWS-ADMIN-POLICY', 'finding', 'AdministratorAccess attached to a permission set', tf('aws_ssoadmin_managed_policy_attachment', 'admin', {
    instance_arn: 'arn:aws:sso:::instance/ssoins-1',
    permission_set_arn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
    managed_policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
  }), [['ManagedPolicy::AdministratorAccess', 'managed policy AdministratorAccess']]);
  add('KL-G-AWS-ADMIN-POLICY', 'compliant', 'a read-only policy attached to a permission set', tf('aws_ssoadmin_managed_policy_attachment', 'read', {
    instance_arn: 'arn:aws:sso:::instance/ssoins-1',
    permission_set_arn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
    managed_policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  }), []);
}
