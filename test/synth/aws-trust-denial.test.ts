/**
 * trustDeniesEveryAssumption (src/synth/aws-trust-denial.ts), the reading inventory and verify share of a revoked
 * role: a Deny with `NotAction` denies every action it does not list (IAM User Guide, "IAM JSON policy elements:
 * NotAction"). Each verdict on a web identity trust is checked against the independent IAM engine
 * (`@cloud-copilot/iam-simulate`, test/helpers/aws-trust-evaluator.ts).
 */
import { trustDeniesEveryAssumption } from '../../src/synth/aws-trust-denial';
import { ACCOUNT, assumeRoleWithWebIdentityAllowed } from '../helpers/aws-trust-evaluator';
import { githubToken } from '../helpers/tokens';

const allow = (Action: string | string[]) => ({
  Effect: 'Allow',
  Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
  Action,
  Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/x:ref:refs/heads/main' } },
});
const token = githubToken({ owner: 'acme', repository: 'x', ownerId: '1', repositoryId: '2', ref: 'refs/heads/main' });
const engineAdmits = (statements: object[]) => assumeRoleWithWebIdentityAllowed({
  Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'x', AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: statements } } } },
}, 'x', token);

describe('trustDeniesEveryAssumption: NotAction denies', () => {
  test.each([
    ['every action but sts:TagSession', true, 'sts:TagSession'],
    ['every action but iam:* (no sts action listed)', true, 'iam:*'],
    ['every action but sts:AssumeRole (another assume action, in another case)', true, ['sts:tagsession', 'STS:ASSUMEROLE']],
    ['every action but sts:AssumeRoleWith* (the allowed action listed by a pattern)', false, 'sts:AssumeRoleWith*'],
    ['every action but sts:* (every sts action listed)', false, 'sts:*'],
    ['every action but sts:AssumeRoleWithWebIdentity, in another case', false, 'STS:assumerolewithwebidentity'],
  ])('GIVEN a Deny of %s WHEN read THEN fully denied: %s, as the IAM engine decides', (_, denied, NotAction) => {
    const statements = [allow('sts:AssumeRoleWithWebIdentity'), { Effect: 'Deny', Principal: '*', NotAction }];
    expect({ read: trustDeniesEveryAssumption(statements), engineAdmits: engineAdmits(statements) }).toEqual({ read: denied, engineAdmits: !denied });
  });

  test.each([
    ['an Allow pattern sts:AssumeRole* and a NotAction of sts:TagSession', true, 'sts:AssumeRole*', 'sts:TagSession'],
    ['an Allow pattern sts:* and a NotAction pattern sts:Tag* (read conservatively: the Allow\'s pattern shares sts:TagSession with the list)', false, 'sts:*', 'sts:Tag*'],
    ['an Allow pattern sts:Assume* and a NotAction pattern iam:* (disjoint prefixes)', true, 'sts:Assume*', 'iam:*'],
    ['an Allow pattern sts:*Identity and a NotAction pattern sts:*Session (disjoint suffixes)', true, 'sts:*Identity', 'sts:*Session'],
    ['an Allow pattern sts:Assume* and a NotAction pattern *:TagSession (both admit sts:Assume:TagSession)', false, 'sts:Assume*', '*:TagSession'],
  ])('GIVEN %s WHEN read THEN fully denied: %s', (_, denied, action, NotAction) => {
    expect(trustDeniesEveryAssumption([allow(action), { Effect: 'Deny', Principal: '*', NotAction }])).toBe(denied);
  });

  test('GIVEN an Allow of the web identity call and sts:TagSession and a Deny of every action but sts:TagSession WHEN read THEN fully denied, as the IAM engine decides', () => {
    // sts:TagSession alone issues no session: only the assume actions (AWS_ASSUME_ROLE_ACTIONS) must be denied.
    const statements = [allow(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']), { Effect: 'Deny', Principal: '*', NotAction: 'sts:TagSession' }];
    expect({ read: trustDeniesEveryAssumption(statements), engineAdmits: engineAdmits(statements) }).toEqual({ read: true, engineAdmits: false });
  });

  test('GIVEN a NotAction Deny with a Condition, NotPrincipal, or both Action and NotAction WHEN read THEN not a denial', () => {
    const deny = { Effect: 'Deny', NotAction: 'sts:TagSession' };
    for (const variant of [
      { ...deny, Principal: '*', Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/x:ref:refs/heads/dev' } } },
      { ...deny, NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } },
      { ...deny, Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity' },
    ]) expect(trustDeniesEveryAssumption([allow('sts:AssumeRoleWithWebIdentity'), variant])).toBe(false);
  });
});
