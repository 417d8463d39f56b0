/**
 * CI OIDC token claims, legitimate and forged, for the adversarial suites. Claims are built the way GitHub and
 * GitLab build them (shared/REFERENCE.md), independently of src/: the subject here is computed from the claims,
 * never taken from Keyless.
 */

export type Claims = Record<string, string | undefined>;

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface GitHubRun {
  readonly owner: string;
  readonly repository: string;
  readonly ownerId: string;
  readonly repositoryId: string;
  /** Full ref, e.g. refs/heads/main. */
  readonly ref: string;
  readonly environment?: string;
  readonly event?: 'push' | 'pull_request' | 'workflow_dispatch';
  readonly format?: 'default' | 'immutable';
  /** Custom subject template (`include_claim_keys`). */
  readonly subjectClaimKeys?: string[];
  readonly jobWorkflowRef?: string;
  readonly iss?: string;
  /** `null` drops the claim. */
  readonly aud?: string | null;
  /** `actor` claim: the login of the user that triggered the run. @default 'octocat' */
  readonly actor?: string;
  /** `actor_id` claim: the numeric id of that user. @default '583231' */
  readonly actorId?: string;
  /** `workflow` claim: the workflow's name. @default 'deploy' */
  readonly workflow?: string;
}

/** Claims of a GitHub Actions token for a run; a job that references an environment gets `…:environment:ENV` as `sub`, whatever its event. */
export function githubToken(run: GitHubRun): Claims {
  const context = run.environment !== undefined
    ? `environment:${run.environment}`
    : run.event === 'pull_request' ? 'pull_request' : `ref:${run.ref}`;
  const claims: Claims = {
    iss: run.iss ?? GITHUB_ISSUER,
    aud: run.aud === null ? undefined : run.aud ?? 'sts.amazonaws.com',
    actor: run.actor ?? 'octocat',
    actor_id: run.actorId ?? '583231',
    workflow: run.workflow ?? 'deploy',
    repository: `${run.owner}/${run.repository}`,
    repository_owner: run.owner,
    repository_id: run.repositoryId,
    repository_owner_id: run.ownerId,
    ref: run.ref,
    ref_type: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    environment: run.environment,
    event_name: run.event ?? 'push',
    job_workflow_ref: run.jobWorkflowRef ?? `${run.owner}/${run.repository}/.github/workflows/deploy.yml@${run.ref}`,
  };
  const encode = (value: string) => value.replace(/:/g, '%3A');
  if (run.subjectClaimKeys) {
    claims.sub = run.subjectClaimKeys.map((key) => {
      if (key === 'context') return context;
      if (key === 'repo') return `repo:${claims.repository}`;
      return `${key}:${encode(claims[key] ?? '')}`;
    }).join(':');
  } else if (run.format === 'immutable') {
    claims.sub = `repo:${run.owner}@${run.ownerId}/${run.repository}@${run.repositoryId}:${context}`;
  } else {
    claims.sub = `repo:${run.owner}/${run.repository}:${context}`;
  }
  return claims;
}

/**
 * A merge-request pipeline whose source branch is in a fork and which runs in the parent project (the run's
 * `projectPath`, `namespaceId`, `projectId`); the fork's branch is the run's `ref`.
 */
export interface GitLabForkMergeRequest {
  /** The fork, e.g. `mallory/ledger`. */
  readonly projectPath: string;
  /** The fork's namespace id. When undefined, the claims that would carry it are absent. */
  readonly namespaceId?: string;
  readonly projectId: string;
  /**
   * Which project the `project_*` / `namespace_*` claims (and `sub`) name. Before 18.2.2: the parent project the
   * pipeline runs in, and there are no `job_project_*` / `source_project_*` claims. Since 18.2.2
   * (gitlab-org/gitlab#561735): the fork. `job_project_*` / `job_namespace_*` (naming the parent; issue #563038,
   * MR !202241, backported to 18.3) and `source_project_*` / `source_namespace_*` (naming the fork; MR !258245)
   * came in later patch releases: '18.2.2-or-later' models a current GitLab that has all of them.
   */
  readonly gitlabVersion: 'before-18.2.2' | '18.2.2-or-later';
}

export interface GitLabRun {
  readonly instance?: string;
  readonly projectPath: string;
  readonly namespaceId: string;
  readonly projectId: string;
  readonly refType: 'branch' | 'tag';
  readonly ref: string;
  readonly aud?: string | null;
  /** `ref_protected` claim, rendered `'true'`/`'false'`; GitLab sets `'false'` in merge-request pipelines. @default true */
  readonly refProtected?: boolean;
  /** `pipeline_source` claim, e.g. `push`, `merge_request_event`, `web`, `schedule`. @default 'push' */
  readonly pipelineSource?: string;
  /**
   * A merge-request pipeline from a fork, run in this project: forces `ref_protected` `'false'` and
   * `pipeline_source` `'merge_request_event'`.
   */
  readonly forkMergeRequest?: GitLabForkMergeRequest;
}

/** GitLab's `namespace_path` of a project: its path without the last segment. */
const namespaceOf = (projectPath: string): string => projectPath.split('/').slice(0, -1).join('/');

/**
 * Claims of a GitLab CI id token for a job; `sub` is `project_path:PROJECT_PATH:ref_type:TYPE:ref:REF` with the
 * `project_path` claim, which in a fork merge-request pipeline names the fork since 18.2.2 and the parent before.
 */
export function gitlabToken(run: GitLabRun): Claims {
  const fork = run.forkMergeRequest;
  const pipelineSource = fork ? 'merge_request_event' : run.pipelineSource ?? 'push';
  const refProtected = fork ? false : run.refProtected ?? true;
  // The project the job runs in, and the merge request's source project (the fork, or the project itself).
  const job = { path: run.projectPath, namespaceId: run.namespaceId, id: run.projectId };
  const source = fork ? { path: fork.projectPath, namespaceId: fork.namespaceId, id: fork.projectId } : job;
  const named = fork?.gitlabVersion === '18.2.2-or-later' ? source : job;
  const newClaims = fork?.gitlabVersion !== 'before-18.2.2';
  const mergeRequest = pipelineSource === 'merge_request_event';
  return {
    iss: run.instance ?? 'https://gitlab.com',
    aud: run.aud === null ? undefined : run.aud ?? 'sts.amazonaws.com',
    sub: `project_path:${named.path}:ref_type:${run.refType}:ref:${run.ref}`,
    namespace_id: named.namespaceId,
    namespace_path: namespaceOf(named.path),
    project_id: named.id,
    project_path: named.path,
    job_namespace_id: newClaims ? job.namespaceId : undefined,
    job_namespace_path: newClaims ? namespaceOf(job.path) : undefined,
    job_project_id: newClaims ? job.id : undefined,
    job_project_path: newClaims ? job.path : undefined,
    source_namespace_id: newClaims && mergeRequest ? source.namespaceId : undefined,
    source_namespace_path: newClaims && mergeRequest ? namespaceOf(source.path) : undefined,
    source_project_id: newClaims && mergeRequest ? source.id : undefined,
    source_project_path: newClaims && mergeRequest ? source.path : undefined,
    ref: run.ref,
    ref_type: run.refType,
    ref_protected: String(refProtected),
    pipeline_source: pipelineSource,
  };
}

/** The GitHub declaration every adversarial suite synthesizes (tag patterns where the cloud supports them). */
export const PAYMENTS = { owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532' } as const;
const payments = (overrides: Partial<GitHubRun>): Claims => githubToken({ ...PAYMENTS, ref: 'refs/heads/main', ...overrides });

export interface NamedToken {
  readonly name: string;
  readonly claims: Claims;
}

/** Runs that the declaration (branch main, environment production, tag v1.2.3 or pattern v*) admits. */
export function legitimateGitHubTokens(aud: string): NamedToken[] {
  return [
    { name: 'push to main', claims: payments({ aud }) },
    { name: 'job in the production environment', claims: payments({ aud, environment: 'production' }) },
    { name: 'release tag v1.2.3', claims: payments({ aud, ref: 'refs/tags/v1.2.3' }) },
  ];
}

/** Forged or merely other runs, every one of which must be denied. */
export function forgedGitHubTokens(aud: string): NamedToken[] {
  return [
    { name: 'another organization', claims: payments({ aud, owner: 'evil', ownerId: '666' }) },
    { name: 'owner-name prefix collision (acme-corp)', claims: payments({ aud, owner: 'acme-corp', ownerId: '667' }) },
    { name: 'owner-name prefix collision (acm)', claims: payments({ aud, owner: 'acm', ownerId: '668' }) },
    { name: 'repository-name prefix collision (payments-api-evil)', claims: payments({ aud, repository: 'payments-api-evil', repositoryId: '999' }) },
    { name: 'repository-name prefix collision (payments)', claims: payments({ aud, repository: 'payments', repositoryId: '998' }) },
    { name: 'fork of the repository', claims: payments({ aud, owner: 'mallory', ownerId: '4242', repositoryId: '4343', event: 'pull_request', ref: 'refs/pull/7/merge' }) },
    { name: 'fork pushing to its own main', claims: payments({ aud, owner: 'mallory', ownerId: '4242', repositoryId: '4343' }) },
    { name: 'another branch', claims: payments({ aud, ref: 'refs/heads/dev' }) },
    { name: 'branch-name prefix collision (main-evil)', claims: payments({ aud, ref: 'refs/heads/main-evil' }) },
    { name: 'branch named like a tag (refs/heads/v1.2.3)', claims: payments({ aud, ref: 'refs/heads/v1.2.3' }) },
    { name: 'case-changed branch (Main)', claims: payments({ aud, ref: 'refs/heads/Main' }) },
    { name: 'tag outside the pattern (x1.0)', claims: payments({ aud, ref: 'refs/tags/x1.0' }) },
    { name: 'release tag in a prefix-colliding repository', claims: payments({ aud, repository: 'payments-api-evil', repositoryId: '999', ref: 'refs/tags/v1.2.3' }) },
    { name: 'pull_request run', claims: payments({ aud, event: 'pull_request', ref: 'refs/pull/7/merge' }) },
    { name: 'another environment (staging)', claims: payments({ aud, environment: 'staging' }) },
    { name: 'environment-name prefix collision (production-eu)', claims: payments({ aud, environment: 'production-eu' }) },
    { name: 'wrong audience', claims: payments({ aud: 'https://evil.example.com' }) },
    { name: 'missing audience', claims: payments({ aud: null }) },
    { name: 'another issuer (an enterprise issuer)', claims: payments({ aud, iss: `${GITHUB_ISSUER}/evil-enterprise` }) },
    { name: 'another issuer (look-alike host)', claims: payments({ aud, iss: 'https://token.actions.githubusercontent.com.evil.example' }) },
  ];
}

/**
 * Runs with the right names but other numeric ids (a repository deleted and recreated under the same name, an
 * owner renamed away and the name re-registered). Only targets that check the id claims (GCP), or an immutable
 * subject, can tell them apart: AWS and Azure see only `sub`, which in the default form carries names.
 */
export function sameNamesOtherIdsGitHubTokens(aud: string): NamedToken[] {
  return [
    { name: 'recreated repository: same names, other repository id', claims: payments({ aud, repositoryId: '12345' }) },
    { name: 'renamed-away owner: same names, other owner id', claims: payments({ aud, ownerId: '777' }) },
  ];
}

/** Forged runs against an immutable-subject declaration: the ids in `sub` do not match. */
export function forgedImmutableGitHubTokens(aud: string): NamedToken[] {
  return [
    { name: 'immutable subject, other repository id', claims: payments({ aud, format: 'immutable', repositoryId: '12345' }) },
    { name: 'immutable subject, other owner id', claims: payments({ aud, format: 'immutable', ownerId: '777' }) },
    { name: 'default-form subject against an immutable trust', claims: payments({ aud }) },
  ];
}

/** The repository id of PAYMENTS after it was deleted and re-created under the same owner and name. */
export const RECREATED_PAYMENTS_REPOSITORY_ID = '99000001';

/**
 * PAYMENTS deleted and re-created under the same owner/name: GitHub gives the new repository a new
 * `repository_id`, so the name-based `sub` is unchanged and only the immutable `sub` (and the id claims) differ.
 */
export function recreatedRepositoryGitHubTokens(aud: string): NamedToken[] {
  const repositoryId = RECREATED_PAYMENTS_REPOSITORY_ID;
  return [
    { name: 'recreated repository: push to main (name-based subject)', claims: payments({ aud, repositoryId }) },
    { name: 'recreated repository: push to main (immutable subject)', claims: payments({ aud, repositoryId, format: 'immutable' }) },
    { name: 'recreated repository: production environment (name-based subject)', claims: payments({ aud, repositoryId, environment: 'production' }) },
    { name: 'recreated repository: production environment (immutable subject)', claims: payments({ aud, repositoryId, environment: 'production', format: 'immutable' }) },
  ];
}

/** Jobs on refs/heads/main that reference no environment: GitHub gives them the ref form of `sub` and no `environment` claim. */
export function branchWithoutEnvironmentGitHubTokens(aud: string): NamedToken[] {
  return [
    { name: 'push to main, no environment (name-based subject)', claims: payments({ aud, event: 'push' }) },
    { name: 'push to main, no environment (immutable subject)', claims: payments({ aud, event: 'push', format: 'immutable' }) },
    { name: 'workflow_dispatch on main, no environment (name-based subject)', claims: payments({ aud, event: 'workflow_dispatch' }) },
    { name: 'workflow_dispatch on main, no environment (immutable subject)', claims: payments({ aud, event: 'workflow_dispatch', format: 'immutable' }) },
  ];
}

/**
 * Jobs in environment production on refs other than the declared ones (name-based subject): GitHub's `sub` is
 * `…:environment:production` whatever the ref or event, so only the `ref` claim tells them apart.
 */
export function environmentOnOtherRefGitHubTokens(aud: string): NamedToken[] {
  const environment = 'production';
  return [
    { name: 'production environment on another branch (dev)', claims: payments({ aud, environment, ref: 'refs/heads/dev' }) },
    { name: 'production environment on a branch-name prefix collision (main-evil)', claims: payments({ aud, environment, ref: 'refs/heads/main-evil' }) },
    { name: 'production environment on a tag outside the pattern (x1.0)', claims: payments({ aud, environment, ref: 'refs/tags/x1.0' }) },
    {
      name: 'production environment in a pull_request run (refs/pull/7/merge)',
      claims: payments({ aud, environment, event: 'pull_request', ref: 'refs/pull/7/merge' }),
    },
  ];
}

/** Jobs in environment production on the declared branch main and tag v1.2.3: `sub` is `…:environment:production`, `ref` the branch or tag. */
export function legitimateEnvironmentOnBranchTokens(aud: string): NamedToken[] {
  const environment = 'production';
  return [
    { name: 'production environment on main (name-based subject)', claims: payments({ aud, environment }) },
    { name: 'production environment on main (immutable subject)', claims: payments({ aud, environment, format: 'immutable' }) },
    { name: 'production environment on tag v1.2.3 (name-based subject)', claims: payments({ aud, environment, ref: 'refs/tags/v1.2.3' }) },
    { name: 'production environment on tag v1.2.3 (immutable subject)', claims: payments({ aud, environment, ref: 'refs/tags/v1.2.3', format: 'immutable' }) },
  ];
}

export const LEDGER = { projectPath: 'acme/finance/ledger', namespaceId: '5521', projectId: '48213' } as const;
const ledger = (overrides: Partial<GitLabRun>): Claims => gitlabToken({ ...LEDGER, refType: 'branch', ref: 'main', ...overrides });

/** GitLab runs the declaration (branch main, tag v2.0.0) admits. */
export function legitimateGitLabTokens(aud: string): NamedToken[] {
  return [
    { name: 'pipeline on main', claims: ledger({ aud }) },
    { name: 'pipeline on tag v2.0.0', claims: ledger({ aud, refType: 'tag', ref: 'v2.0.0' }) },
  ];
}

/** GitLab runs that must be denied. */
export function forgedGitLabTokens(aud: string): NamedToken[] {
  return [
    { name: 'another project in the group', claims: ledger({ aud, projectPath: 'acme/finance/payroll', projectId: '48214' }) },
    { name: 'project-path prefix collision (ledger-evil)', claims: ledger({ aud, projectPath: 'acme/finance/ledger-evil', projectId: '48215' }) },
    { name: 'project-path prefix collision (ledge)', claims: ledger({ aud, projectPath: 'acme/finance/ledge', projectId: '48216' }) },
    { name: 'group prefix collision (acme-evil)', claims: ledger({ aud, projectPath: 'acme-evil/finance/ledger', namespaceId: '9001', projectId: '9002' }) },
    { name: 'another branch', claims: ledger({ aud, ref: 'dev' }) },
    { name: 'branch named like the release tag', claims: ledger({ aud, ref: 'v2.0.0' }) },
    { name: 'another tag', claims: ledger({ aud, refType: 'tag', ref: 'v2.0.1' }) },
    { name: 'wrong audience', claims: ledger({ aud: 'https://evil.example.com' }) },
    { name: 'missing audience', claims: ledger({ aud: null }) },
    { name: 'self-managed instance with the same path', claims: ledger({ aud, instance: 'https://gitlab.evil.example' }) },
  ];
}

/** GitLab runs with the right path but other ids: only GCP (which checks the id claims) can deny them. */
export function sameNamesOtherIdsGitLabTokens(aud: string): NamedToken[] {
  return [
    { name: 'recreated project: same path, other project id', claims: ledger({ aud, projectId: '50000' }) },
    { name: 'recreated group: same path, other namespace id', claims: ledger({ aud, namespaceId: '6000' }) },
  ];
}

/** The fork of LEDGER from which the merge requests of forkMergeRequestGitLabTokens come. */
export const LEDGER_FORK = { projectPath: 'mallory/ledger', namespaceId: '7001', projectId: '7002' } as const;

/**
 * Merge-request pipelines in LEDGER (`ref_protected` 'false', `pipeline_source` 'merge_request_event'), from the
 * fork LEDGER_FORK on branches named `main` and `v2.0.0` (before 18.2.2 their `sub` is LEDGER's; since, the
 * fork's), from LEDGER itself on main, and a push pipeline on an unprotected branch `main` (`ref_protected` 'false').
 */
export function forkMergeRequestGitLabTokens(aud: string): NamedToken[] {
  const fork = (ref: string, gitlabVersion: GitLabForkMergeRequest['gitlabVersion']): Claims =>
    ledger({ aud, ref, forkMergeRequest: { ...LEDGER_FORK, gitlabVersion } });
  return [
    { name: 'fork merge request from branch main (GitLab before 18.2.2: sub names the parent)', claims: fork('main', 'before-18.2.2') },
    { name: 'fork merge request from branch main (GitLab 18.2.2 or later: sub names the fork)', claims: fork('main', '18.2.2-or-later') },
    { name: 'fork merge request from a branch named v2.0.0 (GitLab before 18.2.2: sub names the parent)', claims: fork('v2.0.0', 'before-18.2.2') },
    { name: 'fork merge request from a branch named v2.0.0 (GitLab 18.2.2 or later: sub names the fork)', claims: fork('v2.0.0', '18.2.2-or-later') },
    {
      name: 'same-project merge request pipeline on main (ref_protected false)',
      claims: ledger({ aud, pipelineSource: 'merge_request_event', refProtected: false }),
    },
    { name: 'push pipeline on an unprotected branch main (ref_protected false)', claims: ledger({ aud, refProtected: false }) },
  ];
}
