/** The id token of a GitLab CI job (sources: see tokens.ts). */
import type { ClaimValue, Token } from './model';
import { Claims, jwtToken, KeyedToken, MutableClaims, setAudience, SHA } from './tokens-common';
import { GITLAB_COM_ISSUER } from '../core/ci/gitlab';

/** A merge-request pipeline from a fork, run in the parent project (GitLab 18.2.2 or later). */
export interface GitLabFork {
  readonly projectPath: string;
  readonly namespaceId: string;
  readonly projectId: string;
}

/** A GitLab CI job requesting an id token. */
export interface GitLabRun {
  /** The instance URL (the issuer). @default 'https://gitlab.com' */
  readonly instance?: string;
  readonly projectPath: string;
  readonly namespaceId: string;
  readonly projectId: string;
  readonly refType: 'branch' | 'tag';
  /** Short ref name (`main`, `v1.0.0`). */
  readonly ref: string;
  /** `null` drops the claim. @default the instance URL (GitLab has no default: a job sets it in `id_tokens`) */
  readonly aud?: string | readonly string[] | null;
  /** @default true */
  readonly refProtected?: boolean;
  /** @default 'push' */
  readonly pipelineSource?: string;
  readonly environment?: string;
  /** The subject's claim keys, in order. @default ['project_path', 'ref_type', 'ref'] */
  readonly subjectClaimKeys?: readonly string[];
  /** A merge-request pipeline from this fork (the `project_*` claims and `sub` name the fork). */
  readonly fork?: GitLabFork;
  /** Further claims, set as given before `sub` is computed. */
  readonly extra?: Claims;
}

const namespaceOf = (projectPath: string): string => projectPath.split('/').slice(0, -1).join('/');

/** The full id token of a GitLab CI job. */
export function gitlabToken(run: GitLabRun): Token {
  return keyedGitLabToken(run).token;
}

/** gitlabToken with its canonical text (tokenKey). */
export function keyedGitLabToken(run: GitLabRun): KeyedToken {
  const instance = run.instance ?? GITLAB_COM_ISSUER;
  const fork = run.fork;
  const pipelineSource = fork ? 'merge_request_event' : run.pipelineSource ?? 'push';
  const refProtected = fork ? false : run.refProtected ?? true;
  const job = { path: run.projectPath, namespaceId: run.namespaceId, id: run.projectId };
  const named = fork ? { path: fork.projectPath, namespaceId: fork.namespaceId, id: fork.projectId } : job;
  const refPath = `refs/${run.refType === 'tag' ? 'tags' : 'heads'}/${run.ref}`;
  const host = instance.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const claims: MutableClaims = {
    ci_config_ref_uri: `${host}/${job.path}//.gitlab-ci.yml@${refPath}`,
    ci_config_sha: SHA,
    iss: instance,
    job_id: '3000000001',
    job_namespace_id: job.namespaceId,
    job_namespace_path: namespaceOf(job.path),
    job_project_id: job.id,
    job_project_path: job.path,
    namespace_id: named.namespaceId,
    namespace_path: namespaceOf(named.path),
    pipeline_id: '2000000001',
    pipeline_source: pipelineSource,
    project_id: named.id,
    project_path: named.path,
    project_visibility: 'private',
    ref: run.ref,
    ref_path: refPath,
    ref_protected: String(refProtected),
    ref_type: run.refType,
    runner_environment: 'gitlab-hosted',
    runner_id: 12270807,
    sha: SHA,
    user_access_level: 'developer',
    user_email: 'developer@example.com',
    user_id: '1000001',
    user_login: 'developer',
  };
  setAudience(claims, run.aud, instance);
  if (pipelineSource === 'merge_request_event') {
    const source = fork ? named : job;
    Object.assign(claims, {
      source_namespace_id: source.namespaceId,
      source_namespace_path: namespaceOf(source.path),
      source_project_id: source.id,
      source_project_path: source.path,
    });
  }
  if (run.environment !== undefined) {
    Object.assign(claims, { environment: run.environment, environment_protected: 'false', deployment_tier: 'other', environment_action: 'start' });
  }
  Object.assign(claims, run.extra ?? {});
  claims.sub = (run.subjectClaimKeys ?? ['project_path', 'ref_type', 'ref']).map((key) => `${key}:${claimText(claims[key])}`).join(':');
  return jwtToken('gitlab', instance, claims);
}

const claimText = (value: ClaimValue | undefined): string => (typeof value === 'string' ? value : value === undefined ? '' : String(value));
