/** The token of a GitHub Actions run (sources: see tokens.ts). */
import type { Token } from './model';
import { Claims, FORGED_MARKER, jwtToken, KeyedToken, MutableClaims, setAudience, SHA } from './tokens-common';
import { GITHUB_ISSUER } from '../core/ci/github-repository';

/** How a GitHub repository names its runs in `sub`. */
export type GitHubSubjectForm =
  | { readonly form: 'name-based' }
  | { readonly form: 'id-based' }
  /** A custom template (`include_claim_keys`), keys in order; `repo` and `context` as GitHub documents them. */
  | { readonly form: 'template'; readonly claimKeys: readonly string[] };

/** A GitHub Actions run (one job requesting a token). */
export interface GitHubRun {
  /** @default 'https://token.actions.githubusercontent.com' */
  readonly issuer?: string;
  readonly owner: string;
  readonly repository: string;
  readonly ownerId: string;
  readonly repositoryId: string;
  /** Full ref: `refs/heads/main`, `refs/tags/v1.0.0`, `refs/pull/1/merge`. */
  readonly ref: string;
  /** The environment the job references (then `sub` has the environment form). */
  readonly environment?: string;
  /** @default 'push' */
  readonly event?: string;
  /** @default name-based */
  readonly subject?: GitHubSubjectForm;
  /** `null` drops the claim. @default `https://github.com/OWNER` (GitHub's default audience) */
  readonly aud?: string | readonly string[] | null;
  /** The workflow file of the run. @default '.github/workflows/deploy.yml' */
  readonly workflowPath?: string;
  /** The workflow's name. @default 'deploy' */
  readonly workflow?: string;
  /** The job's workflow (a reusable workflow may live in another repository). @default the run's workflow_ref */
  readonly jobWorkflowRef?: string;
  /** For pull_request runs: the source branch. @default 'keyless-forged' for pull_request runs, else '' */
  readonly headRef?: string;
  /** For pull_request runs: the target branch. @default 'main' for pull_request runs, else '' */
  readonly baseRef?: string;
  /** Further claims, set as given before `sub` is computed (a custom template may name them). */
  readonly extra?: Claims;
}

/** The enterprise slug of a unique GitHub Enterprise Cloud issuer, or undefined for github.com. */
export function githubEnterpriseSlug(issuer: string): string | undefined {
  return issuer.startsWith(`${GITHUB_ISSUER}/`) ? issuer.slice(GITHUB_ISSUER.length + 1) : undefined;
}

/**
 * The issuer GitHub writes for an issuer a trust names, when the trust names GitHub's issuer (in any case, with or
 * without trailing slashes): exactly `https://token.actions.githubusercontent.com`, or `…/SLUG` for an enterprise with
 * a unique issuer (OIDC reference, https://docs.github.com/en/actions/reference/security/oidc). Undefined for another
 * issuer.
 */
export function githubIssuerOf(issuer: string): string | undefined {
  const trimmed = issuer.replace(/\/+$/, '');
  const base = trimmed.slice(0, GITHUB_ISSUER.length);
  if (base.toLowerCase() !== GITHUB_ISSUER) return undefined;
  const rest = trimmed.slice(GITHUB_ISSUER.length);
  if (rest === '') return GITHUB_ISSUER;
  return /^\/[^/]+$/.test(rest) ? `${GITHUB_ISSUER}${rest}` : undefined;
}

/** The `context` part of a GitHub subject: the environment, pull_request, or the ref. */
export function githubContext(run: Pick<GitHubRun, 'environment' | 'event' | 'ref'>): string {
  if (run.environment !== undefined) return `environment:${run.environment}`;
  return run.event === 'pull_request' ? 'pull_request' : `ref:${run.ref}`;
}

/** The `sub` GitHub computes for a run's claims. */
function githubSubject(run: GitHubRun, claims: Claims): string {
  const subject = run.subject ?? { form: 'name-based' };
  const context = githubContext(run);
  if (subject.form === 'id-based') return `repo:${run.owner}@${run.ownerId}/${run.repository}@${run.repositoryId}:${context}`;
  if (subject.form === 'name-based') return `repo:${run.owner}/${run.repository}:${context}`;
  return subject.claimKeys.map((key) => {
    if (key === 'context') return context;
    if (key === 'repo') return `repo:${run.owner}/${run.repository}`;
    const value = claims[key];
    return `${key}:${(typeof value === 'string' ? value : value === undefined ? '' : String(value)).replace(/:/g, '%3A')}`;
  }).join(':');
}

/** The full token of a GitHub Actions run. */
export function githubToken(run: GitHubRun): Token {
  return keyedGitHubToken(run).token;
}

/** githubToken with its canonical text (tokenKey). */
export function keyedGitHubToken(run: GitHubRun): KeyedToken {
  const issuer = run.issuer ?? GITHUB_ISSUER;
  const event = run.event ?? 'push';
  const pull = event === 'pull_request';
  const workflowPath = run.workflowPath ?? '.github/workflows/deploy.yml';
  const workflowRef = `${run.owner}/${run.repository}/${workflowPath}@${run.ref}`;
  const claims: MutableClaims = {
    actor: 'octocat',
    actor_id: '583231',
    base_ref: run.baseRef ?? (pull ? 'main' : ''),
    event_name: event,
    head_ref: run.headRef ?? (pull ? FORGED_MARKER : ''),
    iss: issuer,
    job_workflow_ref: run.jobWorkflowRef ?? workflowRef,
    job_workflow_sha: SHA,
    ref: run.ref,
    // Branch protection is not known: verify treats pull-request merge refs and forged refs as unprotected.
    ref_protected: run.ref.startsWith('refs/pull/') || run.ref.includes(FORGED_MARKER) ? 'false' : 'true',
    ref_type: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    repository: `${run.owner}/${run.repository}`,
    repository_id: run.repositoryId,
    repository_owner: run.owner,
    repository_owner_id: run.ownerId,
    repository_visibility: 'private',
    run_attempt: '1',
    run_id: '1000000001',
    run_number: '1',
    runner_environment: 'github-hosted',
    sha: SHA,
    workflow: run.workflow ?? 'deploy',
    workflow_ref: workflowRef,
    workflow_sha: SHA,
  };
  setAudience(claims, run.aud, `https://github.com/${run.owner}`);
  if (run.environment !== undefined) claims.environment = run.environment;
  const slug = githubEnterpriseSlug(issuer);
  if (slug !== undefined) {
    claims.enterprise = slug;
    claims.enterprise_id = '4242';
  }
  Object.assign(claims, run.extra ?? {});
  claims.sub = githubSubject(run, claims);
  return jwtToken('github', issuer, claims);
}
