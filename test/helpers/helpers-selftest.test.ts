/**
 * Self-test of the token builders and of the STS trust evaluator's GitHub condition keys, against hand-written
 * claims and a hand-written template (nothing here comes from src/).
 */
import { assumeRoleWithWebIdentityAllowed, GITHUB_STS_CLAIM_KEYS } from './aws-trust-evaluator';
import { dataText } from './data-text';
import {
  branchWithoutEnvironmentGitHubTokens, Claims, environmentOnOtherRefGitHubTokens, forkMergeRequestGitLabTokens, GITHUB_ISSUER,
  githubToken, gitlabToken, LEDGER, legitimateEnvironmentOnBranchTokens, legitimateGitHubTokens, NamedToken, PAYMENTS,
  recreatedRepositoryGitHubTokens,
} from './tokens';

const AUD = 'sts.amazonaws.com';
const byName = (tokens: NamedToken[], name: string): Claims => {
  const token = tokens.find((t) => t.name === name);
  if (!token) throw new Error(`no token "${name}" in ${JSON.stringify(tokens.map((t) => t.name))}`);
  return token.claims;
};

describe('githubToken', () => {
  test('immutable subject carries owner and repository ids', () => {
    expect(githubToken({ ...PAYMENTS, ref: 'refs/heads/main', format: 'immutable' }).sub)
      .toBe('repo:acme@1342004/payments-api@86301532:ref:refs/heads/main');
  });

  test('name-based subject is unchanged', () => {
    expect(githubToken({ ...PAYMENTS, ref: 'refs/heads/main' }).sub).toBe('repo:acme/payments-api:ref:refs/heads/main');
  });

  test('actor, actor_id and workflow default and can be overridden', () => {
    const claims = githubToken({ ...PAYMENTS, ref: 'refs/heads/main' });
    expect([claims.actor, claims.actor_id, claims.workflow]).toEqual(['octocat', '583231', 'deploy']);
    const other = githubToken({ ...PAYMENTS, ref: 'refs/heads/main', actor: 'mallory', actorId: '4242', workflow: 'release' });
    expect([other.actor, other.actor_id, other.workflow]).toEqual(['mallory', '4242', 'release']);
  });

  test('a run without an environment has no environment claim', () => {
    for (const { name, claims } of branchWithoutEnvironmentGitHubTokens(AUD)) {
      expect([name, claims.environment, claims.ref]).toEqual([name, undefined, 'refs/heads/main']);
      expect(claims.sub).toMatch(/:ref:refs\/heads\/main$/);
    }
    expect(byName(branchWithoutEnvironmentGitHubTokens(AUD), 'workflow_dispatch on main, no environment (immutable subject)'))
      .toMatchObject({ event_name: 'workflow_dispatch', sub: 'repo:acme@1342004/payments-api@86301532:ref:refs/heads/main' });
  });

  test('an environment run has the environment subject, with no ref in it, whatever the ref or event', () => {
    for (const { name, claims } of environmentOnOtherRefGitHubTokens(AUD)) {
      expect([name, claims.sub, claims.environment]).toEqual([name, 'repo:acme/payments-api:environment:production', 'production']);
    }
    const pr = byName(environmentOnOtherRefGitHubTokens(AUD), 'production environment in a pull_request run (refs/pull/7/merge)');
    expect(pr).toMatchObject({ event_name: 'pull_request', ref: 'refs/pull/7/merge' });
    expect(byName(legitimateEnvironmentOnBranchTokens(AUD), 'production environment on tag v1.2.3 (immutable subject)'))
      .toMatchObject({ sub: 'repo:acme@1342004/payments-api@86301532:environment:production', ref: 'refs/tags/v1.2.3', ref_type: 'tag' });
  });

  test('a recreated repository keeps the name-based subject and changes the immutable one', () => {
    const tokens = recreatedRepositoryGitHubTokens(AUD);
    expect(byName(tokens, 'recreated repository: push to main (name-based subject)'))
      .toMatchObject({ sub: 'repo:acme/payments-api:ref:refs/heads/main', repository_id: '99000001' });
    expect(byName(tokens, 'recreated repository: push to main (immutable subject)').sub)
      .toBe('repo:acme@1342004/payments-api@99000001:ref:refs/heads/main');
    expect(byName(tokens, 'recreated repository: production environment (immutable subject)').sub)
      .toBe('repo:acme@1342004/payments-api@99000001:environment:production');
  });
});

describe('gitlabToken', () => {
  const tokens = forkMergeRequestGitLabTokens(AUD);

  test('an ordinary pipeline names its own project as the job project and has no source project', () => {
    const claims = gitlabToken({ ...LEDGER, refType: 'branch', ref: 'main' });
    expect(claims).toMatchObject({
      sub: 'project_path:acme/finance/ledger:ref_type:branch:ref:main',
      project_path: 'acme/finance/ledger',
      job_project_path: 'acme/finance/ledger',
      job_project_id: '48213',
      job_namespace_id: '5521',
      job_namespace_path: 'acme/finance',
      ref_protected: 'true',
      pipeline_source: 'push',
    });
    expect(Object.keys(claims).filter((k) => k.startsWith('source_') && claims[k] !== undefined)).toEqual([]);
  });

  test('fork merge request before 18.2.2: project claims and sub name the parent, no job/source claims', () => {
    const claims = byName(tokens, 'fork merge request from branch main (GitLab before 18.2.2: sub names the parent)');
    expect(claims).toMatchObject({
      sub: 'project_path:acme/finance/ledger:ref_type:branch:ref:main',
      project_path: 'acme/finance/ledger',
      project_id: '48213',
      namespace_id: '5521',
      ref_protected: 'false',
      pipeline_source: 'merge_request_event',
    });
    expect([claims.job_project_path, claims.source_project_path]).toEqual([undefined, undefined]);
  });

  test('fork merge request since 18.2.2: project claims and sub name the fork, job claims the parent', () => {
    const claims = byName(tokens, 'fork merge request from branch main (GitLab 18.2.2 or later: sub names the fork)');
    expect(claims).toMatchObject({
      sub: 'project_path:mallory/ledger:ref_type:branch:ref:main',
      project_path: 'mallory/ledger',
      project_id: '7002',
      namespace_id: '7001',
      namespace_path: 'mallory',
      job_project_path: 'acme/finance/ledger',
      job_project_id: '48213',
      job_namespace_id: '5521',
      job_namespace_path: 'acme/finance',
      source_project_path: 'mallory/ledger',
      source_project_id: '7002',
      source_namespace_id: '7001',
      source_namespace_path: 'mallory',
      ref_protected: 'false',
      pipeline_source: 'merge_request_event',
    });
  });

  test('fork branch named like the release tag is still a branch', () => {
    expect(byName(tokens, 'fork merge request from a branch named v2.0.0 (GitLab before 18.2.2: sub names the parent)').sub)
      .toBe('project_path:acme/finance/ledger:ref_type:branch:ref:v2.0.0');
  });

  test('same-project merge request and unprotected branch', () => {
    expect(byName(tokens, 'same-project merge request pipeline on main (ref_protected false)')).toMatchObject({
      sub: 'project_path:acme/finance/ledger:ref_type:branch:ref:main',
      ref_protected: 'false',
      pipeline_source: 'merge_request_event',
      source_project_path: 'acme/finance/ledger',
      job_project_path: 'acme/finance/ledger',
    });
    const unprotected = byName(tokens, 'push pipeline on an unprotected branch main (ref_protected false)');
    expect(unprotected).toMatchObject({ sub: 'project_path:acme/finance/ledger:ref_type:branch:ref:main', ref_protected: 'false', pipeline_source: 'push' });
    expect(unprotected.source_project_path).toBeUndefined();
  });
});

describe('assumeRoleWithWebIdentityAllowed with GitHub condition keys', () => {
  const template = (url: string, conditions: Record<string, string>) => {
    const host = url.replace(/^https:\/\//, '');
    return {
      Resources: {
        GitHubProvider: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: url, ClientIdList: ['sts.amazonaws.com'] } },
        DeployRole: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [{
                Effect: 'Allow',
                Action: 'sts:AssumeRoleWithWebIdentity',
                Principal: { Federated: { Ref: 'GitHubProvider' } },
                Condition: {
                  StringEquals: Object.fromEntries(Object.entries(conditions).map(([k, v]) => [`${host}:${k}`, v])),
                },
              }],
            },
          },
        },
      },
    };
  };
  const pinned = (url: string) =>
    template(url, { aud: AUD, sub: 'repo:acme/payments-api:ref:refs/heads/main', repository_id: '86301532' });
  const main = byName(legitimateGitHubTokens(AUD), 'push to main');

  test('the claim list is the documented one', () => {
    expect([...GITHUB_STS_CLAIM_KEYS].sort()).toEqual(
      ['actor', 'actor_id', 'enterprise_id', 'environment', 'job_workflow_ref', 'ref', 'repository', 'repository_id', 'workflow']);
  });

  test('repository_id reaches the context: the right id is allowed, another denied', () => {
    const t = pinned(GITHUB_ISSUER);
    expect(assumeRoleWithWebIdentityAllowed(t, 'DeployRole', main)).toBe(true);
    const recreated = byName(recreatedRepositoryGitHubTokens(AUD), 'recreated repository: push to main (name-based subject)');
    expect(recreated.sub).toBe(main.sub);
    expect(assumeRoleWithWebIdentityAllowed(t, 'DeployRole', recreated)).toBe(false);
  });

  test('without the repository_id condition both ids are allowed (the condition alone denies)', () => {
    const t = template(GITHUB_ISSUER, { aud: AUD, sub: 'repo:acme/payments-api:ref:refs/heads/main' });
    const recreated = byName(recreatedRepositoryGitHubTokens(AUD), 'recreated repository: push to main (name-based subject)');
    expect([main, recreated].map((c) => assumeRoleWithWebIdentityAllowed(t, 'DeployRole', c))).toEqual([true, true]);
  });

  test('ref and environment keys reach the context; an absent environment is an absent key', () => {
    const t = template(GITHUB_ISSUER, { aud: AUD, sub: 'repo:acme/payments-api:environment:production', ref: 'refs/heads/main', environment: 'production' });
    expect(assumeRoleWithWebIdentityAllowed(t, 'DeployRole', byName(legitimateEnvironmentOnBranchTokens(AUD), 'production environment on main (name-based subject)'))).toBe(true);
    for (const { name, claims } of environmentOnOtherRefGitHubTokens(AUD)) {
      expect([name, assumeRoleWithWebIdentityAllowed(t, 'DeployRole', claims)]).toEqual([name, false]);
    }
    const noEnvironment = template(GITHUB_ISSUER, { aud: AUD, environment: 'production' });
    expect(assumeRoleWithWebIdentityAllowed(noEnvironment, 'DeployRole', main)).toBe(false);
  });

  test('repository_owner_id is not a condition key', () => {
    const t = template(GITHUB_ISSUER, { aud: AUD, sub: 'repo:acme/payments-api:ref:refs/heads/main', repository_owner_id: '1342004' });
    expect(assumeRoleWithWebIdentityAllowed(t, 'DeployRole', main)).toBe(false);
  });

  test('an enterprise issuer gets only sub and aud: the repository_id condition denies (key absent)', () => {
    const issuer = `${GITHUB_ISSUER}/acme-enterprise`;
    const claims = githubToken({ ...PAYMENTS, ref: 'refs/heads/main', iss: issuer });
    expect(claims.repository_id).toBe('86301532');
    expect(assumeRoleWithWebIdentityAllowed(template(issuer, { aud: AUD, sub: 'repo:acme/payments-api:ref:refs/heads/main' }), 'DeployRole', claims)).toBe(true);
    expect(assumeRoleWithWebIdentityAllowed(pinned(issuer), 'DeployRole', claims)).toBe(false);
  });

  test('GitLab gets only sub and aud', () => {
    const t = template('https://gitlab.com', { aud: AUD, sub: 'project_path:acme/finance/ledger:ref_type:branch:ref:main', ref: 'main' });
    expect(assumeRoleWithWebIdentityAllowed(t, 'DeployRole', gitlabToken({ ...LEDGER, refType: 'branch', ref: 'main' }))).toBe(false);
  });
});

describe('dataText', () => {
  test('tells apart what sameData tells apart, and writes cycles', () => {
    const distinct = [
      [0, -0], [{ a: 1, b: 2 }, { b: 2, a: 1 }], [{ a: 1 }, Object.assign(Object.create(null), { a: 1 })],
      // eslint-disable-next-line no-sparse-arrays
      [[1, , 3], [1, undefined, 3]], [new Map([['a', 1]]), new Map([['a', 2]])], [new Set([1]), [1]], [{ a: undefined }, {}],
    ];
    for (const [a, b] of distinct) expect(dataText(a)).not.toBe(dataText(b));
    expect(dataText({ a: [1, 'x', null, Number.NaN] })).toBe(dataText({ a: [1, 'x', null, Number.NaN] }));
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    expect(dataText(cyclic)).toBe('[1,<cycle>]');
  });
});
