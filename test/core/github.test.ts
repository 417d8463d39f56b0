import { GitHubActions, GitLabCi } from '../../src';

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
