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
}

/** Claims of a GitHub Actions token for a run. */
export function githubToken(run: GitHubRun): Claims {
  const context = run.environment !== undefined
    ? `environment:${run.environment}`
    : run.event === 'pull_request' ? 'pull_request' : `ref:${run.ref}`;
  const claims: Claims = {
    iss: run.iss ?? GITHUB_ISSUER,
    aud: run.aud === null ? undefined : run.aud ?? 'sts.amazonaws.com',
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

export interface GitLabRun {
  readonly instance?: string;
  readonly projectPath: string;
  readonly namespaceId: string;
  readonly projectId: string;
  readonly refType: 'branch' | 'tag';
  readonly ref: string;
  readonly aud?: string | null;
}

/** Claims of a GitLab CI id token for a job. */
export function gitlabToken(run: GitLabRun): Claims {
  const namespacePath = run.projectPath.split('/').slice(0, -1).join('/');
  return {
    iss: run.instance ?? 'https://gitlab.com',
    aud: run.aud === null ? undefined : run.aud ?? 'sts.amazonaws.com',
    sub: `project_path:${run.projectPath}:ref_type:${run.refType}:ref:${run.ref}`,
    namespace_id: run.namespaceId,
    namespace_path: namespacePath,
    project_id: run.projectId,
    project_path: run.projectPath,
    ref: run.ref,
    ref_type: run.refType,
    ref_protected: 'true',
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
