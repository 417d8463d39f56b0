/**
 * Red-team findings against the late-2026 CI trust declarations (issue 14), each now refused or rendered exactly.
 * Every case synthesizes the real AWS construct, so what is asserted is what reaches IAM.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib/core';
import { CiOidcTrust } from '../src/constructs/aws';
import { GitHubActions, GitHubActionsProps, GitLabCi, ICiSource } from '../src/core';

const OWNERSHIP = { owner: 'team-payments', purpose: 'deploy payments-api', environment: 'production', tier: 2, reviewBy: '2027-04-30' } as const;
const IDS = { owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532' } as const;

function trusts(...sources: ICiSource[]): any[] {
  const app = new App({ context: { 'keyless:today': '2026-11-22' } });
  const stack = new Stack(app, 'Trusts', { env: { account: '123456789012', region: 'eu-west-1' } });
  sources.forEach((source, i) => new CiOidcTrust(stack, `Deploy${i}`, { name: `payments-deploy-${i}`, ownership: OWNERSHIP, source }));
  return Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Role')).map((r) => r.Properties);
}
const github = (props: unknown) => GitHubActions.repository(props as GitHubActionsProps);

test('a misspelled prop (`environment` for `environments`) is refused, not ignored with the requirement it carried', () => {
  expect(() => trusts(github({ owner: 'acme', repository: 'app', branches: ['main'], environment: 'production' })))
    .toThrow(/\[KL-PROP-UNKNOWN\] Trusts\/Deploy0: `source\.environment` is not a prop of this CI source.*did you mean `environments`\?/);
});

test('a non-enumerable prop is not dropped when the declaration is copied: the environment is still required', () => {
  const props: Record<string, unknown> = { owner: 'acme', repository: 'app', branches: ['main'] };
  Object.defineProperty(props, 'environments', { value: ['production'], enumerable: false });
  const [role] = trusts(github(props));
  expect(role.AssumeRolePolicyDocument.Statement).toHaveLength(1);
  expect(role.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals).toEqual({
    'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
    'token.actions.githubusercontent.com:ref': 'refs/heads/main',
    'token.actions.githubusercontent.com:repository': 'acme/app',
    'token.actions.githubusercontent.com:sub': 'repo:acme/app:environment:production',
  });
});

test('props that are not a plain object (a class whose getters could change between reads) are refused', () => {
  class Props { get owner() { return 'acme'; } get repository() { return 'app'; } get branches() { return ['main']; } }
  expect(() => trusts(github(new Props()))).toThrow(/\[KL-CI-SOURCE-PROPS\] Trusts\/Deploy0: `source` is declared with .*expected a plain object of props/);
});

test('a value nested 20,000 levels deep gets a Keyless error, not a RangeError', () => {
  let deep: unknown = 'main';
  for (let i = 0; i < 20000; i++) deep = [deep];
  expect(() => trusts(github({ owner: 'acme', repository: 'app', branches: deep }))).toThrow(/^\[KL-/);
});

test('environment names: bidi overrides, zero-width and C1 controls are refused; inner spaces are fine', () => {
  for (const env of ['prod\u202Euction', 'prod\u200Buction', 'prod\u0085uction', 'prod\u2028uction']) {
    expect(() => trusts(github({ owner: 'acme', repository: 'app', environments: [env] }))).toThrow(/\[KL-GH-ENVIRONMENT\]/);
  }
  const [role] = trusts(github({ owner: 'acme', repository: 'app', environments: ['Production EU'] }));
  expect(role.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub'])
    .toBe('repo:acme/app:environment:Production EU');
});

test('AWS with a GitHub Enterprise unique issuer: ids with a name-based subject are refused (STS exposes no repository_id there)', () => {
  for (const subjectFormat of ['name-based', 'both'] as const) {
    expect(() => trusts(github({ ...IDS, subjectFormat, enterpriseSlug: 'acme-ent', branches: ['main'] })))
      .toThrow(new RegExp(`\\[KL-AWS-IDS-UNCHECKABLE\\] Trusts/Deploy0: \`source.subjectFormat\` is "${subjectFormat}" with \`repositoryId\` 86301532 given, `
        + 'but on the issuer https://token.actions.githubusercontent.com/acme-ent AWS STS exposes no `repository_id` key'));
  }
  // The immutable subject carries the ids: accepted, and no claim key is rendered for the enterprise issuer.
  const [role] = trusts(github({ ...IDS, subjectFormat: 'immutable', enterpriseSlug: 'acme-ent', branches: ['main'] }));
  expect(role.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
    StringEquals: {
      'token.actions.githubusercontent.com/acme-ent:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com/acme-ent:sub': 'repo:acme@1342004/payments-api@86301532:ref:refs/heads/main',
    },
  });
});

test('one app: one repository with two pairs of ids, a GitLab group spelled two ways, a GitHub owner spelled two ways across issuers', () => {
  expect(() => trusts(
    github({ ...IDS, subjectFormat: 'immutable', branches: ['main'] }),
    github({ ...IDS, ownerId: '7', repositoryId: '3', subjectFormat: 'immutable', branches: ['main'] }),
  )).toThrow(/\[KL-CI-NAME-CONFLICT\] Trusts\/Deploy1: `source\.(ownerId|repositoryId)` /);
  expect(() => trusts(
    GitLabCi.project({ projectPath: 'acme/payments/api', branches: ['main'] }),
    GitLabCi.project({ projectPath: 'Acme/tools', branches: ['main'] }),
  )).toThrow(/\[KL-CI-NAME-CONFLICT\] Trusts\/Deploy1: `source\.projectPath` spells the (group|owner) "Acme", which Trusts\/Deploy0 spells "acme"/);
  expect(() => trusts(
    github({ owner: 'acme', repository: 'app', branches: ['main'] }),
    github({ owner: 'ACME', repository: 'app', enterpriseSlug: 'acme-ent', branches: ['main'] }),
  )).toThrow(/\[KL-CI-NAME-CONFLICT\] Trusts\/Deploy1: `source\.owner` spells the owner "ACME", which Trusts\/Deploy0 spells "acme"/);
  expect(() => trusts(
    github({ ...IDS, subjectFormat: 'immutable', branches: ['main'] }),
    github({ ...IDS, subjectFormat: 'name-based', tags: ['v1'] }),
  )).toThrow('[KL-CI-NAME-CONFLICT] Trusts/Deploy1: `source.subjectFormat` is "name-based" for acme/payments-api, which Trusts/Deploy0 declares "immutable" '
    + '(a repository emits one subject form at a time, so one of the two trusts never matches). Fix: declare the form the repository emits in every declaration, or "both" in each while it switches.');
  // A declaration without ids next to one with them pins less, which is not a contradiction.
  expect(trusts(github({ ...IDS, subjectFormat: 'name-based', branches: ['main'] }), github({ owner: 'acme', repository: 'payments-api', tags: ['v1'] })))
    .toHaveLength(2);
});

test('the role description lists environments sorted and once, whatever the declaration order', () => {
  const describe = (environments: string[]) => trusts(github({ owner: 'acme', repository: 'app', environments, branches: ['main'] }))[0].Description;
  expect(describe(['prod', 'prod', 'eu'])).toBe(describe(['eu', 'prod']));
  expect(describe(['eu', 'prod'])).toMatch(/^GitHub Actions acme\/app \(environment:eu, environment:prod on refs\/heads\/main\)\./);
});
