import { GitHubActions } from '../../src/core/ci/github';
import { GitLabCi } from '../../src/core/ci/gitlab';
import { resolveCiSource } from '../../src/core/ci/policy';

const ctx = { path: 'App/Trust', today: '2026-11-22' };
const base = { owner: 'acme', repository: 'payments-api' };

describe('GitHub Actions subjects', () => {
  test('branch, tag, environment and pull_request (opt-in) map to the documented default subjects, sorted', () => {
    const policy = GitHubActions.repository({
      ...base, branches: ['main'], tags: ['v1.0.0'], environments: ['production'], allowPullRequests: true, allowBranchRunsWithoutEnvironment: true,
    }).resolve(ctx, 'source');
    expect(policy.issuerUrl).toBe('https://token.actions.githubusercontent.com');
    expect(policy.issuerHostPath).toBe('token.actions.githubusercontent.com');
    expect(policy.exactSubjects).toEqual([
      'repo:acme/payments-api:environment:production',
      'repo:acme/payments-api:pull_request',
      'repo:acme/payments-api:ref:refs/heads/main',
      'repo:acme/payments-api:ref:refs/tags/v1.0.0',
    ]);
    expect(policy.subjectPatterns).toEqual([]);
    expect(policy.claimPins).toEqual([
      { claim: 'repository', value: 'acme/payments-api' },
      { claim: 'repository_owner', value: 'acme' },
    ]);
    expect(policy.claimRequirements).toEqual([]);
  });

  test('environments with refs: only environment subjects, and the ref claim must be one of the refs', () => {
    const policy = GitHubActions.repository({
      ...base, environments: ['production', 'Production EU'], branches: ['main'], tags: ['v1.0.0'], tagPatterns: ['v2.*'],
    }).resolve(ctx, 'source');
    expect(policy.exactSubjects).toEqual([
      'repo:acme/payments-api:environment:Production EU',
      'repo:acme/payments-api:environment:production',
    ]);
    expect(policy.subjectPatterns).toEqual([]);
    expect(policy.claimRequirements).toEqual([expect.objectContaining({
      claim: 'ref', values: ['refs/heads/main', 'refs/tags/v1.0.0'], prefixes: ['refs/tags/v2.'], prop: 'source.branches',
    })]);
  });

  test('both subject forms during a migration, the ids pinned', () => {
    const policy = GitHubActions.repository({
      ...base, ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'both', branches: ['main'], tagPatterns: ['v*'],
    }).resolve(ctx, 'source');
    expect(policy.exactSubjects).toEqual([
      'repo:acme/payments-api:ref:refs/heads/main',
      'repo:acme@1342004/payments-api@86301532:ref:refs/heads/main',
    ]);
    expect(policy.subjectPatterns).toEqual([
      'repo:acme/payments-api:ref:refs/tags/v*',
      'repo:acme@1342004/payments-api@86301532:ref:refs/tags/v*',
    ]);
    expect(policy.claimPins).toEqual([
      { claim: 'repository_id', value: '86301532' },
      { claim: 'repository_owner_id', value: '1342004' },
    ]);
  });

  test('a tier 1 identity requires the ids unless the name-only opt-out is given; ids require the subject form', () => {
    expect(() => GitHubActions.repository({ ...base, branches: ['main'] }).resolve(ctx, 'source', { tier: 1 })).toThrow(/\[KL-GH-TIER1-IDS\]/);
    expect(GitHubActions.repository({ ...base, branches: ['main'], allowNameOnlyPinning: true }).resolve(ctx, 'source', { tier: 1 }).exactSubjects)
      .toEqual(['repo:acme/payments-api:ref:refs/heads/main']);
    expect(() => GitHubActions.repository({ ...base, ownerId: '1', repositoryId: '2', branches: ['main'] }).resolve(ctx, 'source'))
      .toThrow(/\[KL-GH-FORMAT-UNDECLARED\]/);
  });

  test('pull_request is not admitted without the opt-in', () => {
    const policy = GitHubActions.repository({ ...base, branches: ['main'] }).resolve(ctx, 'source');
    expect(policy.exactSubjects).toEqual(['repo:acme/payments-api:ref:refs/heads/main']);
  });

  test('the immutable form carries both ids, and ids become the claim pins', () => {
    const policy = GitHubActions.repository({
      ...base, ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'immutable', branches: ['main'],
    }).resolve(ctx, 'source');
    expect(policy.exactSubjects).toEqual(['repo:acme@1342004/payments-api@86301532:ref:refs/heads/main']);
    expect(policy.claimPins).toEqual([
      { claim: 'repository_id', value: '86301532' },
      { claim: 'repository_owner_id', value: '1342004' },
    ]);
  });

  test('tag patterns become explicit subject patterns pinned to the repository', () => {
    const policy = GitHubActions.repository({ ...base, tagPatterns: ['v*', 'release-*'] }).resolve(ctx, 'source');
    expect(policy.exactSubjects).toEqual([]);
    expect(policy.subjectPatterns).toEqual([
      'repo:acme/payments-api:ref:refs/tags/release-*',
      'repo:acme/payments-api:ref:refs/tags/v*',
    ]);
  });

  test('an enterprise issuer changes the issuer and the condition key prefix', () => {
    const policy = GitHubActions.repository({ ...base, enterpriseSlug: 'acme-corp', branches: ['main'] }).resolve(ctx, 'source');
    expect(policy.issuerUrl).toBe('https://token.actions.githubusercontent.com/acme-corp');
    expect(policy.issuerHostPath).toBe('token.actions.githubusercontent.com/acme-corp');
  });

  test('a reusable-workflow pin is a claim requirement with the default subject template', () => {
    const policy = GitHubActions.repository({
      ...base, environments: ['production'], jobWorkflowRef: 'acme/workflows/.github/workflows/deploy.yml@refs/heads/main',
    }).resolve(ctx, 'source');
    expect(policy.subjectClaimKeys).toBeUndefined();
    expect(policy.exactSubjects).toEqual(['repo:acme/payments-api:environment:production']);
    expect(policy.claimRequirements).toEqual([expect.objectContaining({
      claim: 'job_workflow_ref', values: ['acme/workflows/.github/workflows/deploy.yml@refs/heads/main'], prop: 'source.jobWorkflowRef',
    })]);
  });

  test('a reusable-workflow pin in the subject uses the custom subject template and pins the claim', () => {
    const policy = GitHubActions.repository({
      ...base, environments: ['production'], jobWorkflowRef: 'acme/workflows/.github/workflows/deploy.yml@refs/heads/main', jobWorkflowRefInSubject: true,
    }).resolve(ctx, 'source');
    expect(policy.subjectClaimKeys).toEqual(['repo', 'context', 'job_workflow_ref']);
    expect(policy.exactSubjects).toEqual([
      'repo:acme/payments-api:environment:production:job_workflow_ref:acme/workflows/.github/workflows/deploy.yml@refs/heads/main',
    ]);
    expect(policy.claimPins).toContainEqual({ claim: 'job_workflow_ref', value: 'acme/workflows/.github/workflows/deploy.yml@refs/heads/main' });
    expect(policy.claimRequirements).toEqual([]);
  });

  test('duplicate refs collapse to one subject', () => {
    const policy = GitHubActions.repository({ ...base, branches: ['main', 'main'] }).resolve(ctx, 'source');
    expect(policy.exactSubjects).toEqual(['repo:acme/payments-api:ref:refs/heads/main']);
  });
});

describe('GitLab CI subjects', () => {
  test('branches and tags map to project_path subjects; ids become claim pins', () => {
    const policy = GitLabCi.project({
      projectPath: 'acme/finance/ledger', namespaceId: '5521', projectId: '48213', branches: ['main'], tags: ['v2.0.0'],
    }).resolve(ctx, 'source');
    expect(policy.issuerUrl).toBe('https://gitlab.com');
    expect(policy.issuerHostPath).toBe('gitlab.com');
    expect(policy.exactSubjects).toEqual([
      'project_path:acme/finance/ledger:ref_type:branch:ref:main',
      'project_path:acme/finance/ledger:ref_type:tag:ref:v2.0.0',
    ]);
    expect(policy.claimPins).toEqual([
      { claim: 'namespace_id', value: '5521' },
      { claim: 'project_id', value: '48213' },
      { claim: 'ref_protected', value: 'true' },
    ]);
  });

  test('without ids the namespace and project are pinned by path', () => {
    const policy = GitLabCi.project({ projectPath: 'acme/finance/ledger', tagPatterns: ['v*'] }).resolve(ctx, 'source');
    expect(policy.subjectPatterns).toEqual(['project_path:acme/finance/ledger:ref_type:tag:ref:v*']);
    expect(policy.claimPins).toEqual([
      { claim: 'namespace_path', value: 'acme/finance' },
      { claim: 'project_path', value: 'acme/finance/ledger' },
      { claim: 'ref_protected', value: 'true' },
    ]);
  });

  test('allowUnprotectedRefs drops the ref_protected pin (merge-request pipelines then match on GCP too)', () => {
    const policy = GitLabCi.project({ projectPath: 'acme/finance/ledger', branches: ['main'], allowUnprotectedRefs: true }).resolve(ctx, 'source');
    expect(policy.claimPins.map((pin) => pin.claim)).toEqual(['namespace_path', 'project_path']);
  });

  test('a self-managed instance with a relative URL path is its own issuer', () => {
    const policy = GitLabCi.project({ instanceUrl: 'https://code.example.com/gitlab', projectPath: 'acme/app', branches: ['main'] }).resolve(ctx, 'source');
    expect(policy.issuerUrl).toBe('https://code.example.com/gitlab');
    expect(policy.issuerHostPath).toBe('code.example.com/gitlab');
  });
});

describe('issue 14 semantics: the exact policy of each GitHub declaration', () => {
  const ids = { ownerId: '1342004', repositoryId: '86301532' };
  const resolve = (props: object, options: { tier?: 1 | 2 | 3 } = {}) =>
    GitHubActions.repository({ ...base, ...props } as never).resolve(ctx, 'source', options);
  const refuse = (props: object, code: string) => expect(() => resolve(props)).toThrow(new RegExp(`^\\[${code}\\] App/Trust: `));
  const workflow = 'acme/workflows/.github/workflows/release.yml@refs/heads/main';
  const refFix = 'drop the refs and restrict the environment\'s deployment branches and tags in the repository settings, or set '
    + '`allowBranchRunsWithoutEnvironment: true` to trust either (runs on the refs then skip the environment\'s protection rules)';

  test('name-based (the default without ids): name subjects, names pinned, nothing in the summary', () => {
    const policy = resolve({ branches: ['main'], tagPatterns: ['v*'] });
    expect(policy.exactSubjects).toEqual(['repo:acme/payments-api:ref:refs/heads/main']);
    expect(policy.subjectPatterns).toEqual(['repo:acme/payments-api:ref:refs/tags/v*']);
    expect(policy.claimPins).toEqual([{ claim: 'repository', value: 'acme/payments-api' }, { claim: 'repository_owner', value: 'acme' }]);
    expect(policy.claimRequirements).toEqual([]);
    expect(policy.mappedClaims).toEqual(['repository', 'repository_owner']);
    expect(policy.subjectClaimKeys).toBeUndefined();
    expect(policy.repository).toEqual({ path: 'acme/payments-api', ownerId: undefined, repositoryId: undefined, subjectFormat: 'name-based' });
    expect(policy.summary).toBe('GitHub Actions acme/payments-api (ref:refs/heads/main, ref:refs/tags/v*)');
  });

  test('name-based with the ids: name subjects, the ids pinned', () => {
    const policy = resolve({ ...ids, subjectFormat: 'name-based', branches: ['main'] });
    expect(policy.exactSubjects).toEqual(['repo:acme/payments-api:ref:refs/heads/main']);
    expect(policy.claimPins).toEqual([{ claim: 'repository_id', value: '86301532' }, { claim: 'repository_owner_id', value: '1342004' }]);
    expect(policy.mappedClaims).toEqual(['repository', 'repository_id', 'repository_owner', 'repository_owner_id']);
    expect(policy.summary).toBe('GitHub Actions acme/payments-api (ref:refs/heads/main)');
  });

  test('immutable: OWNER@OWNER_ID/REPO@REPO_ID subjects and patterns, the ids pinned', () => {
    const policy = resolve({ ...ids, subjectFormat: 'immutable', branches: ['main'], tagPatterns: ['v*'] });
    expect(policy.exactSubjects).toEqual(['repo:acme@1342004/payments-api@86301532:ref:refs/heads/main']);
    expect(policy.subjectPatterns).toEqual(['repo:acme@1342004/payments-api@86301532:ref:refs/tags/v*']);
    expect(policy.claimPins).toEqual([{ claim: 'repository_id', value: '86301532' }, { claim: 'repository_owner_id', value: '1342004' }]);
    expect(policy.repository).toEqual({ path: 'acme/payments-api', ...ids, subjectFormat: 'immutable' });
    expect(policy.summary).toBe('GitHub Actions acme/payments-api (ref:refs/heads/main, ref:refs/tags/v*; immutable subject)');
  });

  test('both: the subjects of both forms, sorted, and the ids pinned', () => {
    const policy = resolve({ ...ids, subjectFormat: 'both', branches: ['main', 'release/1.x'], environments: ['production'], allowBranchRunsWithoutEnvironment: true });
    expect(policy.exactSubjects).toEqual([
      'repo:acme/payments-api:environment:production',
      'repo:acme/payments-api:ref:refs/heads/main',
      'repo:acme/payments-api:ref:refs/heads/release/1.x',
      'repo:acme@1342004/payments-api@86301532:environment:production',
      'repo:acme@1342004/payments-api@86301532:ref:refs/heads/main',
      'repo:acme@1342004/payments-api@86301532:ref:refs/heads/release/1.x',
    ]);
    expect(policy.claimPins).toEqual([{ claim: 'repository_id', value: '86301532' }, { claim: 'repository_owner_id', value: '1342004' }]);
    expect(policy.claimRequirements).toEqual([]);
    expect(policy.summary).toBe(
      'GitHub Actions acme/payments-api (environment:production, ref:refs/heads/main, ref:refs/heads/release/1.x; both subject forms)');
  });

  test('environments with branches, tags and tag patterns: environment subjects only, and the exact ref requirement', () => {
    const policy = resolve({
      ...ids, subjectFormat: 'immutable', environments: ['production', 'Production EU'], branches: ['main', 'hotfix'], tags: ['v1.0.0'], tagPatterns: ['v*', 'release-*'],
    });
    expect(policy.exactSubjects).toEqual([
      'repo:acme@1342004/payments-api@86301532:environment:Production EU',
      'repo:acme@1342004/payments-api@86301532:environment:production',
    ]);
    expect(policy.subjectPatterns).toEqual([]);
    expect(policy.claimRequirements).toEqual([{
      claim: 'ref',
      values: ['refs/heads/hotfix', 'refs/heads/main', 'refs/tags/v1.0.0'],
      prefixes: ['refs/tags/release-', 'refs/tags/v'],
      prop: 'source.branches',
      reason: 'jobs in "Production EU", "production" must also run on refs/heads/hotfix, refs/heads/main, refs/tags/v1.0.0, refs/tags/release-*, '
        + 'refs/tags/v*, and a token\'s `sub` names only the environment',
      fixWhereUncheckable: refFix,
    }]);
    expect(policy.summary).toBe('GitHub Actions acme/payments-api (environment:Production EU, environment:production on refs/heads/hotfix, '
      + 'refs/heads/main, refs/tags/v1.0.0, refs/tags/release-*, refs/tags/v*; immutable subject)');
  });

  test('the ref requirement names the prop that declared refs: tags, then tag patterns (values empty)', () => {
    expect(resolve({ environments: ['production'], tags: ['v1'] }).claimRequirements).toEqual([
      expect.objectContaining({ claim: 'ref', values: ['refs/tags/v1'], prefixes: undefined, prop: 'source.tags' }),
    ]);
    const patterns = resolve({ environments: ['production'], tagPatterns: ['v*'] });
    expect(patterns.exactSubjects).toEqual(['repo:acme/payments-api:environment:production']);
    expect(patterns.subjectPatterns).toEqual([]);
    expect(patterns.claimRequirements).toEqual([
      expect.objectContaining({ claim: 'ref', values: [], prefixes: ['refs/tags/v'], prop: 'source.tagPatterns' }),
    ]);
  });

  test('allowBranchRunsWithoutEnvironment restores the OR: ref subjects and patterns next to the environments, no requirement', () => {
    const policy = resolve({ environments: ['production'], branches: ['main'], tagPatterns: ['v*'], allowBranchRunsWithoutEnvironment: true });
    expect(policy.exactSubjects).toEqual(['repo:acme/payments-api:environment:production', 'repo:acme/payments-api:ref:refs/heads/main']);
    expect(policy.subjectPatterns).toEqual(['repo:acme/payments-api:ref:refs/tags/v*']);
    expect(policy.claimRequirements).toEqual([]);
    expect(policy.summary).toBe('GitHub Actions acme/payments-api (environment:production, ref:refs/heads/main, ref:refs/tags/v*)');
  });

  test('the opt-ins and forms are refused where they mean nothing or contradict', () => {
    refuse({ environments: ['production'], allowBranchRunsWithoutEnvironment: true }, 'KL-GH-ENV-OPT-IN');
    refuse({ branches: ['main'], allowBranchRunsWithoutEnvironment: true }, 'KL-GH-ENV-OPT-IN');
    refuse({ environments: ['production'], branches: ['main'], allowPullRequests: true }, 'KL-GH-ENV-PULL-REQUEST');
    expect(resolve({ environments: ['production'], branches: ['main'], allowPullRequests: true, allowBranchRunsWithoutEnvironment: true }).exactSubjects)
      .toContain('repo:acme/payments-api:pull_request');
    refuse({ branches: ['main'], subjectFormat: 'default' }, 'KL-GH-FORMAT');
    refuse({ ...ids, branches: ['main'], subjectFormat: 'default' }, 'KL-GH-FORMAT');
    refuse({ ...ids, branches: ['main'] }, 'KL-GH-FORMAT-UNDECLARED');
    refuse({ branches: ['main'], subjectFormat: 'immutable' }, 'KL-GH-IMMUTABLE-IDS');
    refuse({ branches: ['main'], subjectFormat: 'both' }, 'KL-GH-IMMUTABLE-IDS');
    refuse({ ...ids, subjectFormat: 'immutable', branches: ['main'], allowNameOnlyPinning: true }, 'KL-GH-IDS-OPT-OUT');
    refuse({ branches: ['main'], jobWorkflowRefInSubject: true }, 'KL-GH-WORKFLOW-SUBJECT');
    refuse({ ...ids, subjectFormat: 'both', branches: ['main'], jobWorkflowRef: workflow, jobWorkflowRefInSubject: true }, 'KL-GH-WORKFLOW-BOTH');
    refuse({ tagPatterns: ['v*'], jobWorkflowRef: workflow, jobWorkflowRefInSubject: true }, 'KL-GH-PATTERN-WORKFLOW');
    // With environments on refs the pattern is checked on `ref`, not in the subject the workflow follows.
    expect(resolve({ environments: ['production'], tagPatterns: ['v*'], jobWorkflowRef: workflow, jobWorkflowRefInSubject: true }).exactSubjects)
      .toEqual([`repo:acme/payments-api:environment:production:job_workflow_ref:${workflow}`]);
  });

  test('environment names: inner spaces and up to 255 characters; no `:`, wildcards, control characters or outer white space', () => {
    expect(resolve({ environments: ['Production EU', 'a b  c', 'e'.repeat(255)] }).exactSubjects).toEqual([
      'repo:acme/payments-api:environment:Production EU',
      'repo:acme/payments-api:environment:a b  c',
      `repo:acme/payments-api:environment:${'e'.repeat(255)}`,
    ]);
    for (const env of ['', ' production', 'production ', 'prod:eu', 'prod*', 'prod?', 'prod[1]', 'pro\tduction', 'prod\n', 'prod\u200b', 'e'.repeat(256)]) {
      expect(() => resolve({ environments: [env] })).toThrow(/^\[KL-GH-ENVIRONMENT\] App\/Trust: `source\.environments\[0\]` is /);
    }
  });

  test('jobWorkflowRef alone is an exact requirement on job_workflow_ref with the default subject template', () => {
    const policy = resolve({ ...ids, subjectFormat: 'immutable', branches: ['main'], jobWorkflowRef: workflow });
    expect(policy.exactSubjects).toEqual(['repo:acme@1342004/payments-api@86301532:ref:refs/heads/main']);
    expect(policy.subjectClaimKeys).toBeUndefined();
    expect(policy.claimPins).toEqual([{ claim: 'repository_id', value: '86301532' }, { claim: 'repository_owner_id', value: '1342004' }]);
    expect(policy.claimRequirements).toEqual([{
      claim: 'job_workflow_ref',
      values: [workflow],
      prop: 'source.jobWorkflowRef',
      reason: `only runs of the reusable workflow ${workflow} are trusted`,
      fixWhereUncheckable: 'set the repository\'s OIDC subject template to include `job_workflow_ref` and declare `jobWorkflowRefInSubject: true`, so that the subject pins the workflow',
    }]);
    expect(policy.summary).toBe(`GitHub Actions acme/payments-api (ref:refs/heads/main; immutable subject; workflow ${workflow})`);
  });

  test('jobWorkflowRefInSubject, immutable: the ids-only custom template, and job_workflow_ref a pin', () => {
    const policy = resolve({ ...ids, subjectFormat: 'immutable', branches: ['main'], jobWorkflowRef: workflow, jobWorkflowRefInSubject: true });
    expect(policy.subjectClaimKeys).toEqual(['repository_owner_id', 'repository_id', 'context', 'job_workflow_ref']);
    expect(policy.exactSubjects).toEqual([`repository_owner_id:1342004:repository_id:86301532:ref:refs/heads/main:job_workflow_ref:${workflow}`]);
    expect(policy.claimPins).toEqual([
      { claim: 'job_workflow_ref', value: workflow },
      { claim: 'repository_id', value: '86301532' },
      { claim: 'repository_owner_id', value: '1342004' },
    ]);
    expect(policy.claimRequirements).toEqual([]);
  });

  test('environments on refs with the workflow by claim: two requirements, sorted by claim', () => {
    expect(resolve({ environments: ['production'], branches: ['main'], jobWorkflowRef: workflow }).claimRequirements!.map((r) => [r.claim, r.values]))
      .toEqual([['job_workflow_ref', [workflow]], ['ref', ['refs/heads/main']]]);
  });

  test('tier 1: resolveCiSource refuses a name-only source (KL-GH-TIER1-IDS) unless allowNameOnlyPinning', () => {
    const source = (props: object) => GitHubActions.repository({ ...base, branches: ['main'], ...props } as never);
    expect(() => resolveCiSource(source({}), ctx, 'source', { tier: 1 })).toThrow(
      '[KL-GH-TIER1-IDS] App/Trust: `source.repositoryId` is missing for a tier 1 identity: pinned by name only, acme/payments-api deleted and '
      + 're-created under the same name (or its owner renamed and the name re-registered) would get the identity. Fix: give `ownerId` and '
      + '`repositoryId` (`owner.id` and `id` of GET /repos/OWNER/REPO) and the `subjectFormat` the repository emits, or set '
      + '`allowNameOnlyPinning: true` to accept the name-reuse risk. See https://docs.github.com/en/actions/reference/security/oidc');
    expect(resolveCiSource(source({ allowNameOnlyPinning: true }), ctx, 'source', { tier: 1 }).claimPins)
      .toEqual([{ claim: 'repository', value: 'acme/payments-api' }, { claim: 'repository_owner', value: 'acme' }]);
    expect(resolveCiSource(source({ ...ids, subjectFormat: 'name-based' }), ctx, 'source', { tier: 1 }).exactSubjects)
      .toEqual(['repo:acme/payments-api:ref:refs/heads/main']);
    expect(resolveCiSource(source({}), ctx, 'source', { tier: 2 }).exactSubjects).toEqual(['repo:acme/payments-api:ref:refs/heads/main']);
    expect(resolveCiSource(source({}), ctx, 'source').exactSubjects).toEqual(['repo:acme/payments-api:ref:refs/heads/main']);
    // GitLab sources have no tier requirement.
    expect(resolveCiSource(GitLabCi.project({ projectPath: 'acme/app', branches: ['main'] }), ctx, 'source', { tier: 1 }).exactSubjects)
      .toEqual(['project_path:acme/app:ref_type:branch:ref:main']);
  });

  test('GitLab: allowUnprotectedRefs must be a boolean', () => {
    expect(() => GitLabCi.project({ projectPath: 'acme/app', branches: ['main'], allowUnprotectedRefs: 'yes' as never }).resolve(ctx, 'source'))
      .toThrow(/^\[KL-PROP-BOOLEAN\] App\/Trust: `source\.allowUnprotectedRefs` is "yes": expected true or false/);
  });
});
