/**
 * The tokens verify builds: every claim a platform issues, consistent with each other (the `sub` is computed from the
 * other claims by the platform's own grammar, never taken as given), and the legitimate identities a trust was
 * written for, derived from its alternatives.
 *
 * Sources (claim names, subject grammars, defaults):
 * - GitHub, "OpenID Connect reference" (https://docs.github.com/en/actions/reference/security/oidc): the claims
 *   `actor`, `actor_id`, `base_ref`, `enterprise`, `enterprise_id`, `environment`, `event_name`, `head_ref`,
 *   `job_workflow_ref`, `job_workflow_sha`, `ref`, `ref_protected`, `ref_type`, `repository`, `repository_id`,
 *   `repository_owner`, `repository_owner_id`, `repository_visibility`, `run_attempt`, `run_id`, `run_number`,
 *   `runner_environment`, `sha`, `workflow`, `workflow_ref`, `workflow_sha`; the default audience (the URL of the
 *   repository owner); the subject forms `repo:OWNER/REPO:ref:REF`, `…:environment:ENV` (a job that references an
 *   environment gets the environment form, whatever its ref), `…:pull_request`; custom templates
 *   (`include_claim_keys`: each key gives `KEY:VALUE`, `repo` gives `repo:OWNER/REPO`, `context` the context above,
 *   a `:` inside a value is encoded `%3A`); the unique enterprise issuer `https://token.actions.githubusercontent.com/SLUG`.
 * - GitHub changelog, "Immutable subject claims for GitHub Actions OIDC tokens" (2026-04-23,
 *   https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens): the ID-based
 *   subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:CONTEXT` (`@` never occurs in an owner or repository name),
 *   github.com only.
 * - GitLab, "OpenID Connect (OIDC) Authentication Using ID Tokens"
 *   (https://docs.gitlab.com/ci/secrets/id_token_authentication/): the claims `namespace_id`, `namespace_path`,
 *   `project_id`, `project_path`, `user_id`, `user_login`, `user_email`, `user_access_level`, `pipeline_id`,
 *   `pipeline_source`, `job_id`, `ref`, `ref_type`, `ref_path`, `ref_protected`, `environment`,
 *   `environment_protected`, `deployment_tier`, `environment_action`, `runner_id`, `runner_environment`, `sha`,
 *   `project_visibility`, `ci_config_ref_uri`, `ci_config_sha`; the subject
 *   `project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF` (configurable per project); `aud` set per job, no default;
 *   ids and `ref_protected` are strings. `job_project_*` / `job_namespace_*` name the project the job runs in
 *   (gitlab-org/gitlab MR !202241, https://gitlab.com/gitlab-org/gitlab/-/merge_requests/202241);
 *   `source_project_*` / `source_namespace_*` name a merge request's source project, and `project_*` name the fork
 *   in a merge-request pipeline from a fork since 18.2.2 (MR !258245,
 *   https://gitlab.com/gitlab-org/gitlab/-/merge_requests/258245; issue https://gitlab.com/gitlab-org/gitlab/-/issues/561735).
 * - Kubernetes, "Managing Service Accounts" (bound service account tokens,
 *   https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/): `sub`
 *   `system:serviceaccount:NS:SA`, `aud` a list, the `kubernetes.io` claim with `namespace`, `serviceaccount`,
 *   `pod` and `node` (name and uid). EKS, "IAM roles for service accounts"
 *   (https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html): issuer
 *   `https://oidc.eks.REGION.amazonaws.com/id/ID`, audience `sts.amazonaws.com`. AKS, "Workload identity"
 *   (https://learn.microsoft.com/azure/aks/workload-identity-overview): issuer
 *   `https://REGION.oic.prod-aks.azure.com/TENANT/CLUSTER/` (trailing slash), audience `api://AzureADTokenExchange`.
 * - EKS, "Grant pods access to AWS resources based on tags" (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html):
 *   the session tags `eks-cluster-arn`, `eks-cluster-name`, `kubernetes-namespace`, `kubernetes-service-account`,
 *   `kubernetes-pod-name`, `kubernetes-pod-uid`.
 * - GKE, "About Workload Identity Federation for GKE"
 *   (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity): the workload pool
 *   `PROJECT.svc.id.goog`, shared by every cluster of the project (identity sameness); the cluster issuer
 *   `https://container.googleapis.com/v1/projects/PROJECT/locations/LOCATION/clusters/CLUSTER`.
 */
import { createHash } from 'crypto';
import type { ClaimRequirement, ClaimValue, LegitimateIdentity, Token, TokenPlatform, TrustAlternative, VerifyTrust } from './model';
import { GITHUB_ISSUER } from '../core/ci/github-repository';
import { GITLAB_COM_ISSUER } from '../core/ci/gitlab';
import { kubernetesServiceAccountSubject } from '../core/facts/subjects';
import { globMatches } from '../synth/glob';

export { GITHUB_ISSUER, GITLAB_COM_ISSUER };

/** The marker every forged value carries, so that a forged token never matches a reasonable declared pattern by accident. */
export const FORGED_MARKER = 'keyless-forged';
/** The owner (GitHub) or group (GitLab) of the attacker's repositories. */
export const ATTACKER_OWNER = 'keyless-attacker';
/** The audience of wrong-audience variants. */
export const FORGED_AUDIENCE = 'https://keyless-forged.example';

/** Fixed token times (2026-01-01T00:00:00Z, five minutes of validity): no evaluator checks them. */
const ISSUED_AT = 1767225600;
const TIMES = { iat: ISSUED_AT, nbf: ISSUED_AT, exp: ISSUED_AT + 300 } as const;
/** A fixed commit. */
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

type MutableClaims = { [claim: string]: ClaimValue };
type Claims = { readonly [claim: string]: ClaimValue };

/** A deterministic UUID-shaped identifier of `text` (a SHA-256 prefix), for `jti` and Kubernetes uids. */
export function stableUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A JSON text of a value with sorted keys: equal texts, equal values. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object).sort().filter((key) => object[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Whether two tokens are the same (platform, issuer and every claim). */
export function sameToken(a: Token, b: Token): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** `jti` and times, added to a token's claims. */
function withJwtClaims(claims: MutableClaims): MutableClaims {
  return { ...claims, ...TIMES, jti: stableUuid(canonicalJson(claims)) };
}

/** An audience claim as given: `null` drops it. */
function setAudience(claims: MutableClaims, aud: string | readonly string[] | null | undefined, fallback: string | readonly string[]): void {
  if (aud === null) return;
  claims.aud = aud ?? fallback;
}

// ---------------------------------------------------------------------------------------------------------------------
// GitHub

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
  return { platform: 'github', issuer, claims: withJwtClaims(claims) };
}

// ---------------------------------------------------------------------------------------------------------------------
// GitLab

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
  return { platform: 'gitlab', issuer: instance, claims: withJwtClaims(claims) };
}

const claimText = (value: ClaimValue | undefined): string => (typeof value === 'string' ? value : value === undefined ? '' : String(value));

// ---------------------------------------------------------------------------------------------------------------------
// Kubernetes, EKS Pod Identity, GKE, other OIDC

/** A pod's projected service account token. */
export interface KubernetesRun {
  readonly issuer: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** `null` drops the claim. @default the cluster's usual audience: sts.amazonaws.com (EKS), api://AzureADTokenExchange (AKS), else the issuer */
  readonly aud?: string | readonly string[] | null;
  /** Further claims, set as given. */
  readonly extra?: Claims;
}

/** The region and cluster id of an EKS issuer. */
export function parseEksIssuer(issuer: string): { readonly region: string; readonly id: string } | undefined {
  const match = /^https:\/\/oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/id\/([^/]+)$/.exec(issuer);
  return match ? { region: match[1], id: match[2] } : undefined;
}

/** The region, tenant and cluster of an AKS issuer. */
export function parseAksIssuer(issuer: string): { readonly region: string; readonly tenant: string; readonly cluster: string } | undefined {
  const match = /^https:\/\/([a-z0-9-]+)\.oic\.prod-aks\.azure\.com\/([^/]+)\/([^/]+)\/?$/.exec(issuer);
  return match ? { region: match[1], tenant: match[2], cluster: match[3] } : undefined;
}

/** The audience a cluster's workloads usually request. */
function kubernetesDefaultAudience(issuer: string): string {
  if (parseEksIssuer(issuer)) return 'sts.amazonaws.com';
  if (parseAksIssuer(issuer)) return 'api://AzureADTokenExchange';
  return issuer;
}

/** The full projected service account token of a pod. */
export function kubernetesToken(run: KubernetesRun): Token {
  const pod = `${run.serviceAccount}-7d4b9c8f6-x2x9q`;
  const node = 'ip-10-0-1-23.internal';
  const claims: MutableClaims = {
    'iss': run.issuer,
    'kubernetes.io': {
      namespace: run.namespace,
      node: { name: node, uid: stableUuid(`node:${run.issuer}:${node}`) },
      pod: { name: pod, uid: stableUuid(`pod:${run.issuer}:${run.namespace}/${pod}`) },
      serviceaccount: { name: run.serviceAccount, uid: stableUuid(`sa:${run.issuer}:${run.namespace}/${run.serviceAccount}`) },
    },
    'sub': kubernetesServiceAccountSubject(run.namespace, run.serviceAccount),
  };
  const aud = run.aud === undefined ? [kubernetesDefaultAudience(run.issuer)] : typeof run.aud === 'string' ? [run.aud] : run.aud;
  setAudience(claims, aud, []);
  Object.assign(claims, run.extra ?? {});
  return { platform: 'kubernetes', issuer: run.issuer, claims: withJwtClaims(claims) };
}

/** An EKS Pod Identity association's session. */
export interface PodIdentitySession {
  /** `arn:aws:eks:REGION:ACCOUNT:cluster/NAME`. */
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly extra?: Claims;
}

/** The parts of an EKS cluster ARN. */
export function parseClusterArn(
  arn: string,
): { readonly partition: string; readonly region: string; readonly account: string; readonly name: string } | undefined {
  const match = /^arn:(aws[a-z-]*):eks:([a-z0-9-]+):(\d{12}):cluster\/(.+)$/.exec(arn);
  return match ? { partition: match[1], region: match[2], account: match[3], name: match[4] } : undefined;
}

/** The session tags the EKS Auth API sets for a pod of an association (the `issuer` is the cluster ARN). */
export function podIdentityToken(session: PodIdentitySession): Token {
  const name = parseClusterArn(session.clusterArn)?.name ?? session.clusterArn.split('/').pop() ?? session.clusterArn;
  const pod = `${session.serviceAccount}-7d4b9c8f6-x2x9q`;
  const claims: MutableClaims = {
    'eks-cluster-arn': session.clusterArn,
    'eks-cluster-name': name,
    'kubernetes-namespace': session.namespace,
    'kubernetes-pod-name': pod,
    'kubernetes-pod-uid': stableUuid(`pod:${session.clusterArn}:${session.namespace}/${pod}`),
    'kubernetes-service-account': session.serviceAccount,
    ...session.extra,
  };
  return { platform: 'eks-pod-identity', issuer: session.clusterArn, claims };
}

/** A GKE workload (Workload Identity Federation for GKE). */
export interface GkeWorkload {
  readonly project: string;
  readonly location: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly extra?: Claims;
}

/** The issuer URL of a GKE cluster. */
export function gkeIssuer(project: string, location: string, cluster: string): string {
  return `https://container.googleapis.com/v1/projects/${project}/locations/${location}/clusters/${cluster}`;
}

/** The identity GKE gives a workload: its project, cluster and Kubernetes service account (`issuer` is the cluster's). */
export function gkeToken(workload: GkeWorkload): Token {
  return {
    platform: 'gke',
    issuer: gkeIssuer(workload.project, workload.location, workload.cluster),
    claims: {
      cluster: workload.cluster,
      location: workload.location,
      namespace: workload.namespace,
      project: workload.project,
      serviceaccount: workload.serviceAccount,
      ...workload.extra,
    },
  };
}

/** A token of any other OIDC issuer: the claims a trust names. */
export interface OidcSubject {
  readonly issuer: string;
  readonly sub: string;
  /** `null` drops the claim. */
  readonly aud: string | readonly string[] | null;
  readonly extra?: Claims;
}

/** A token of an OIDC issuer verify knows no grammar of. */
export function oidcToken(subject: OidcSubject): Token {
  const claims: MutableClaims = { iss: subject.issuer, sub: subject.sub, ...subject.extra };
  setAudience(claims, subject.aud, []);
  return { platform: 'oidc', issuer: subject.issuer, claims: withJwtClaims(claims) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Profiles: the parameters of a token, which the forgery families vary

/** The parameters of one token, by platform (forge.ts varies them and rebuilds the token). */
export type TokenProfile =
  | { readonly platform: 'github'; readonly run: GitHubRun }
  | { readonly platform: 'gitlab'; readonly run: GitLabRun }
  | { readonly platform: 'kubernetes'; readonly run: KubernetesRun }
  | { readonly platform: 'eks-pod-identity'; readonly run: PodIdentitySession }
  | { readonly platform: 'gke'; readonly run: GkeWorkload }
  | { readonly platform: 'oidc'; readonly run: OidcSubject };

/** The token of a profile. */
export function profileToken(profile: TokenProfile): Token {
  switch (profile.platform) {
    case 'github': return githubToken(profile.run);
    case 'gitlab': return gitlabToken(profile.run);
    case 'kubernetes': return kubernetesToken(profile.run);
    case 'eks-pod-identity': return podIdentityToken(profile.run);
    case 'gke': return gkeToken(profile.run);
    case 'oidc': return oidcToken(profile.run);
  }
}

/** One line naming a profile's identity. */
export function describeProfile(profile: TokenProfile): string {
  switch (profile.platform) {
    case 'github': {
      const run = profile.run;
      const subject = run.subject ?? { form: 'name-based' };
      const form = subject.form === 'template' ? `custom subject template ${subject.claimKeys.join(',')}` : `${subject.form} subject`;
      const issuer = (run.issuer ?? GITHUB_ISSUER) === GITHUB_ISSUER ? '' : ` on ${run.issuer}`;
      const event = run.event === 'pull_request' ? ', pull_request run' : '';
      const environment = run.environment !== undefined ? `, environment ${run.environment}` : '';
      return `GitHub ${run.owner}/${run.repository} (${form})${issuer}${event}${environment}, ref ${run.ref}`;
    }
    case 'gitlab': {
      const run = profile.run;
      const environment = run.environment !== undefined ? `, environment ${run.environment}` : '';
      const fork = run.fork ? `, merge request from the fork ${run.fork.projectPath}` : '';
      return `GitLab ${run.projectPath} on ${run.instance ?? GITLAB_COM_ISSUER}, ${run.refType} ${run.ref}${environment}${fork}`;
    }
    case 'kubernetes': {
      const run = profile.run;
      const kind = parseEksIssuer(run.issuer) ? 'EKS' : parseAksIssuer(run.issuer) ? 'AKS' : 'Kubernetes';
      return `${kind} service account ${run.namespace}/${run.serviceAccount} of ${run.issuer}`;
    }
    case 'eks-pod-identity':
      return `EKS Pod Identity ${profile.run.namespace}/${profile.run.serviceAccount} in ${profile.run.clusterArn}`;
    case 'gke':
      return `GKE ${profile.run.namespace}/${profile.run.serviceAccount} in project ${profile.run.project} (cluster ${profile.run.cluster}, ${profile.run.location})`;
    case 'oidc':
      return `OIDC subject ${profile.run.sub} of ${profile.run.issuer}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading a trust's alternatives

/** The platform whose tokens an alternative of a trust admits. */
export function tokenPlatform(trust: Pick<VerifyTrust, 'kind'>, alternative: TrustAlternative): TokenPlatform {
  if (trust.kind === 'gcp-gke') return 'gke';
  if (trust.kind === 'aws-pod-identity') return 'eks-pod-identity';
  const issuer = alternative.issuer;
  const subs = alternative.claims.sub?.values ?? [];
  if (issuer !== undefined && (issuer === GITHUB_ISSUER || githubEnterpriseSlug(issuer) !== undefined)) return 'github';
  if (issuer === GITLAB_COM_ISSUER || subs.some((sub) => sub.startsWith('project_path:'))) return 'gitlab';
  if (subs.some((sub) => sub.startsWith('system:serviceaccount:'))) return 'kubernetes';
  if (issuer !== undefined && (parseEksIssuer(issuer) || parseAksIssuer(issuer))) return 'kubernetes';
  // Another issuer (GitHub Enterprise Server, a self-managed GitLab) or none: the claims' grammar tells.
  if (subs.some((sub) => /^(repo|repository_owner_id|repository_id|repository_owner|repository):/.test(sub))) return 'github';
  if (['repository', 'repository_owner', 'repository_owner_id', 'repository_id'].some((claim) => claim in alternative.claims)) return 'github';
  if (['project_path', 'namespace_path', 'project_id'].some((claim) => claim in alternative.claims)) return 'gitlab';
  return 'oidc';
}

/** A token's value for a claim as a trust names it (Pod Identity `aws:RequestTag/…`, `aws:SourceArn`, nested paths). */
export function claimOf(token: Token, claim: string): ClaimValue | undefined {
  if (claim in token.claims) return token.claims[claim];
  if (token.platform === 'eks-pod-identity') {
    if (claim.startsWith('aws:RequestTag/')) return token.claims[claim.slice('aws:RequestTag/'.length)];
    if (claim === 'aws:SourceArn') return token.issuer;
    if (claim === 'aws:SourceAccount') return parseClusterArn(token.issuer)?.account;
  }
  if (claim === 'iss') return token.issuer;
  // A nested path (`kubernetes.io.namespace`): the longest key that prefixes it, then the rest.
  let value: ClaimValue | undefined = undefined;
  let object: Claims | undefined = token.claims;
  let rest = claim;
  while (object && rest.length > 0) {
    const key: string | undefined = Object.keys(object).filter((k) => rest === k || rest.startsWith(`${k}.`)).sort((a, b) => b.length - a.length)[0];
    if (key === undefined) return undefined;
    value = object[key];
    rest = rest.slice(key.length + 1);
    object = rest.length > 0 && value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Claims : undefined;
    if (rest.length > 0 && object === undefined) return undefined;
  }
  return value;
}

/** Whether a token meets one requirement (a list-valued claim meets it when one element does). */
export function meetsRequirement(value: ClaimValue | undefined, requirement: ClaimRequirement): boolean {
  const texts = typeof value === 'string' ? [value] : typeof value === 'number' || typeof value === 'boolean' ? [String(value)]
    : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return texts.some((text) => requirement.values.some((wanted) => (requirement.glob ? globMatches(wanted, text) : wanted === text)));
}

/** Whether a token meets every requirement of an alternative (as written: verify's own reading, not the cloud's). */
export function meetsAlternative(token: Token, alternative: TrustAlternative): boolean {
  if (alternative.issuer !== undefined && token.issuer !== alternative.issuer) return false;
  return Object.entries(alternative.claims).every(([claim, requirement]) => meetsRequirement(claimOf(token, claim), requirement));
}

/** One requirement, one value: the value and whether it is a pattern. */
interface Wanted {
  readonly value: string;
  readonly glob: boolean;
}

const isPattern = (wanted: Wanted): boolean => wanted.glob && /[*?]/.test(wanted.value);

/** What a glob is instantiated as: `*` → `legit` (`1.0.0` in a tag, `1` in an id), `?` → `x` (`1`). */
export type GlobKind = 'name' | 'tag' | 'id';

/** A representative value a glob admits. */
export function instantiateGlob(pattern: string, kind: GlobKind = 'name'): string {
  const star = kind === 'tag' ? '1.0.0' : kind === 'id' ? '1' : 'legit';
  const one = kind === 'name' ? 'x' : '1';
  return pattern.replace(/\*/g, star).replace(/\?/g, one);
}

/** A field's value from a wanted value, and whether it is pinned (literal). */
interface Field {
  readonly value: string;
  readonly pinned: boolean;
}

const literal = (value: string): Field => ({ value, pinned: true });

/** A field from a wanted value: literal, or the pattern instantiated (`fallback` when the pattern is only `*`). */
function fieldOf(wanted: Wanted, kind: GlobKind, fallback?: string): Field {
  if (!isPattern(wanted)) return literal(wanted.value);
  if (fallback !== undefined && wanted.value === '*') return { value: fallback, pinned: false };
  return { value: instantiateGlob(wanted.value, kind), pinned: false };
}

/** A full Git ref from a wanted value (GitHub's `ref` claim): a pattern gets a representative ref it admits. */
function githubRefOf(wanted: Wanted, fallback = 'refs/heads/main'): Field {
  if (!isPattern(wanted)) return literal(wanted.value);
  const pattern = wanted.value;
  if (pattern.startsWith('refs/tags/')) return { value: `refs/tags/${instantiateGlob(pattern.slice(10), 'tag')}`, pinned: false };
  if (pattern.startsWith('refs/heads/')) return { value: `refs/heads/${instantiateGlob(pattern.slice(11))}`, pinned: false };
  const candidate = [fallback, 'refs/heads/main', 'refs/tags/v1.0.0'].find((ref) => globMatches(pattern, ref));
  return { value: candidate ?? instantiateGlob(pattern), pinned: false };
}

/** A key/value subject (`KEY:VALUE:KEY:VALUE…`), read into keys and wanted values; `span` when a glob swallows the rest. */
interface KeyedSubject {
  readonly keys: string[];
  readonly values: Map<string, Wanted>;
  readonly span: boolean;
}

/**
 * Reads a subject of `KEY:VALUE` pairs. `standalone` keys have no value (GitHub's `pull_request` context); `context`
 * maps a key to the key it stands for (GitHub's `ref` / `environment` / `pull_request` → `context`). A glob in a key's
 * place swallows the rest of the subject (`span`). Undefined when a key is not in `known`.
 */
function readKeyedSubject(
  wanted: Wanted, known: ReadonlySet<string>, contextKeys: ReadonlySet<string> = new Set(), standalone: ReadonlySet<string> = new Set(),
): KeyedSubject | undefined {
  const tokens = wanted.value.split(':');
  const keys: string[] = [];
  const values = new Map<string, Wanted>();
  let i = 0;
  while (i < tokens.length) {
    const key = tokens[i];
    if (wanted.glob && /[*?]/.test(key)) {
      if (key === '*' || key.startsWith('*')) return { keys, values, span: true };
      return undefined;
    }
    const asContext = contextKeys.has(key) && !keys.includes('context');
    const name = asContext ? 'context' : key;
    if (!asContext && !known.has(key)) return undefined;
    if (standalone.has(key)) {
      keys.push(name);
      values.set(name, { value: key, glob: false });
      i += 1;
      continue;
    }
    if (i + 1 >= tokens.length) return undefined;
    const value = tokens[i + 1].replace(/%3A/g, ':');
    keys.push(name);
    values.set(name, { value: asContext ? `${key}:${value}` : value, glob: wanted.glob });
    // A glob in the last value may swallow what would follow (`repo:acme/*`).
    if (i + 2 >= tokens.length && wanted.glob && value.endsWith('*')) return { keys, values, span: true };
    i += 2;
  }
  return { keys, values, span: false };
}

/** The literal part of a pattern before its first glob character. */
const literalPrefix = (value: string): string => value.split(/[*?]/)[0];

// GitHub claims a custom subject template may name (GitHub, "Customizing the subject claims").
const GITHUB_TEMPLATE_KEYS: ReadonlySet<string> = new Set([
  'repo', 'context', 'actor', 'actor_id', 'base_ref', 'enterprise', 'enterprise_id', 'environment', 'event_name', 'head_ref',
  'job_workflow_ref', 'job_workflow_sha', 'ref', 'ref_protected', 'ref_type', 'repository', 'repository_id', 'repository_owner',
  'repository_owner_id', 'repository_visibility', 'run_attempt', 'run_id', 'run_number', 'runner_environment', 'sha', 'workflow',
  'workflow_ref', 'workflow_sha',
]);

/** What a GitHub subject says of a run. */
interface GitHubSubjectReading {
  readonly subject: GitHubSubjectForm;
  /** Claim name → wanted value (`repository`, `repository_id`, `repository_owner_id`, `ref`, `environment`, `event_name`, …). */
  readonly claims: Map<string, Wanted>;
  /** Owner and repository names from a `repo` part whose owner or repository a glob swallowed. */
  readonly owner?: Field;
  readonly repository?: Field;
}

/** Splits `OWNER/REPO` (with globs): a glob that swallows the `/` leaves the repository to the representative. */
function ownerAndRepository(wanted: Wanted, span: boolean): { owner: Field; repository: Field } {
  const slash = wanted.value.indexOf('/');
  if (slash < 0) {
    // `repo:acm*`: the glob swallows the owner's end, the repository and the rest.
    const prefix = literalPrefix(wanted.value);
    return { owner: { value: prefix || 'legit', pinned: false }, repository: { value: 'legit', pinned: false } };
  }
  const owner = wanted.value.slice(0, slash);
  const repository = wanted.value.slice(slash + 1);
  const ownerField = /[*?]/.test(owner) && wanted.glob ? { value: instantiateGlob(owner), pinned: false } : literal(owner);
  if (span && wanted.glob && /[*?]/.test(repository)) {
    const prefix = literalPrefix(repository);
    return { owner: ownerField, repository: { value: prefix || 'legit', pinned: false } };
  }
  return { owner: ownerField, repository: fieldOf({ value: repository, glob: wanted.glob }, 'name') };
}

/** Reads a GitHub subject (name-based, ID-based or a custom template), or undefined when it is in none of them. */
function readGitHubSubject(wanted: Wanted): GitHubSubjectReading | undefined {
  const claims = new Map<string, Wanted>();
  const idBased = /^repo:([^/:]*)@([^/:]*)\/([^:]*)@([^:]*)(?::(.*))?$/.exec(wanted.value);
  if (idBased) {
    const [, owner, ownerId, repository, repositoryId, context] = idBased;
    claims.set('repository', { value: `${owner}/${repository}`, glob: wanted.glob });
    claims.set('repository_owner_id', { value: ownerId, glob: wanted.glob });
    claims.set('repository_id', { value: repositoryId, glob: wanted.glob });
    if (context !== undefined) setGitHubContext(claims, { value: context, glob: wanted.glob });
    else if (!(wanted.glob && repositoryId.endsWith('*'))) return undefined;
    return { subject: { form: 'id-based' }, claims };
  }
  const keyed = readKeyedSubject(wanted, GITHUB_TEMPLATE_KEYS, new Set(['ref', 'environment', 'pull_request']), new Set(['pull_request']));
  if (!keyed || keyed.keys.length === 0) return undefined;
  const keys = [...keyed.keys];
  if (keyed.span && !keys.includes('context')) keys.push('context');
  let owner: Field | undefined;
  let repository: Field | undefined;
  for (const key of keyed.keys) {
    const value = keyed.values.get(key)!;
    if (key === 'repo') {
      const lastKey = keyed.keys[keyed.keys.length - 1] === 'repo';
      ({ owner, repository } = ownerAndRepository(value, keyed.span && lastKey));
    } else if (key === 'context') {setGitHubContext(claims, value);} else {claims.set(key, value);}
  }
  const nameBased = keys.length === 2 && keys[0] === 'repo' && keys[1] === 'context';
  return { subject: nameBased ? { form: 'name-based' } : { form: 'template', claimKeys: keys }, claims, owner, repository };
}

/** The claims a GitHub context (`ref:R`, `environment:E`, `pull_request`, or a pattern of one) pins. */
function setGitHubContext(claims: Map<string, Wanted>, context: Wanted): void {
  if (context.value === 'pull_request') claims.set('event_name', { value: 'pull_request', glob: false });
  else if (context.value.startsWith('ref:')) claims.set('ref', { value: context.value.slice(4), glob: context.glob });
  else if (context.value.startsWith('environment:')) claims.set('environment', { value: context.value.slice(12), glob: context.glob });
  // Any other pattern (`*`): the context is the representative's (a push to main).
}

/** A profile derived from one combination of wanted values, and the claims verify invented. */
interface Derived {
  readonly profile: TokenProfile;
  readonly invented: readonly string[];
}

const DEFAULT_OWNER = 'legit-owner';
const DEFAULT_REPOSITORY = 'legit-repo';
const DEFAULT_OWNER_ID = '100001';
const DEFAULT_REPOSITORY_ID = '200002';

function deriveGitHub(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived | undefined {
  let reading: GitHubSubjectReading | undefined;
  const sub = wanted.get('sub');
  if (sub) {
    reading = readGitHubSubject(sub);
    if (!reading) return undefined;
  }
  // The subject's parts first, then the claims the trust names (which win: they are ANDed with the subject).
  const claims = new Map<string, Wanted>(reading?.claims ?? []);
  for (const [claim, value] of wanted) if (claim !== 'sub') claims.set(claim, value);
  let owner: Field = reading?.owner ?? { value: DEFAULT_OWNER, pinned: false };
  let repository: Field = reading?.repository ?? { value: DEFAULT_REPOSITORY, pinned: false };
  let ownerId: Field = { value: DEFAULT_OWNER_ID, pinned: false };
  let repositoryId: Field = { value: DEFAULT_REPOSITORY_ID, pinned: false };
  let ref: Field | undefined;
  let environment: Field | undefined;
  let aud: Field | undefined;
  let event: string | undefined;
  let workflowPath: string | undefined;
  let workflow: string | undefined;
  let jobWorkflowRef: string | undefined;
  let headRef: string | undefined;
  let baseRef: string | undefined;
  let refType: string | undefined;
  const extra: MutableClaims = {};
  for (const [claim, value] of claims) {
    switch (claim) {
      case 'repository': ({ owner, repository } = ownerAndRepository(value, false)); break;
      case 'repository_owner': owner = fieldOf(value, 'name'); break;
      case 'repository_owner_id': ownerId = fieldOf(value, 'id', DEFAULT_OWNER_ID); break;
      case 'repository_id': repositoryId = fieldOf(value, 'id', DEFAULT_REPOSITORY_ID); break;
      case 'ref': ref = githubRefOf(value); break;
      case 'ref_type': refType = instantiateGlob(value.value); break;
      case 'environment': environment = fieldOf(value, 'name'); break;
      case 'event_name': event = fieldOf(value, 'name', 'push').value; break;
      case 'aud': aud = fieldOf(value, 'name'); break;
      case 'workflow': workflow = fieldOf(value, 'name').value; break;
      case 'workflow_ref': workflowPath = /^[^/]+\/[^/]+\/(.+)@[^@]*$/.exec(fieldOf(value, 'name').value)?.[1]; break;
      case 'job_workflow_ref': jobWorkflowRef = fieldOf(value, 'name').value; break;
      case 'head_ref': headRef = fieldOf(value, 'name').value; break;
      case 'base_ref': baseRef = fieldOf(value, 'name').value; break;
      case 'iss': break;
      default: extra[claim] = fieldOf(value, 'name').value;
    }
  }
  if (ref === undefined) {
    if (event === 'pull_request') ref = { value: 'refs/pull/1/merge', pinned: false };
    else if (refType === 'tag') ref = { value: 'refs/tags/v1.0.0', pinned: false };
    else ref = { value: 'refs/heads/main', pinned: false };
  }
  if (event === undefined && ref.value.startsWith('refs/pull/')) event = 'pull_request';
  // The run's own workflow as job_workflow_ref (OWNER/REPO/PATH@REF): kept as a path, so that varied runs stay consistent.
  const ownWorkflow = jobWorkflowRef !== undefined ? /^([^/]+)\/([^/]+)\/(.+)@(.+)$/.exec(jobWorkflowRef) : null;
  if (ownWorkflow && ownWorkflow[1] === owner.value && ownWorkflow[2] === repository.value && ownWorkflow[4] === ref.value) {
    workflowPath = ownWorkflow[3];
    jobWorkflowRef = undefined;
  }
  const run: GitHubRun = {
    issuer: issuer ?? GITHUB_ISSUER,
    owner: owner.value,
    repository: repository.value,
    ownerId: ownerId.value,
    repositoryId: repositoryId.value,
    ref: ref.value,
    ...(environment ? { environment: environment.value } : {}),
    ...(event !== undefined ? { event } : {}),
    subject: reading?.subject ?? { form: 'name-based' },
    ...(aud ? { aud: aud.value } : {}),
    ...(workflowPath !== undefined ? { workflowPath } : {}),
    ...(workflow !== undefined ? { workflow } : {}),
    ...(jobWorkflowRef !== undefined ? { jobWorkflowRef } : {}),
    ...(headRef !== undefined ? { headRef } : {}),
    ...(baseRef !== undefined ? { baseRef } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [
    ...(issuer === undefined ? ['iss'] : []),
    ...(aud?.pinned ? [] : ['aud']),
    ...(owner.pinned && repository.pinned ? [] : ['repository']),
    ...(owner.pinned ? [] : ['repository_owner']),
    ...(ownerId.pinned ? [] : ['repository_owner_id']),
    ...(repositoryId.pinned ? [] : ['repository_id']),
    ...(ref.pinned ? [] : ['ref']),
    ...(environment && !environment.pinned ? ['environment'] : []),
  ];
  return { profile: { platform: 'github', run }, invented };
}

// GitLab claims a configured subject may name (GitLab, "Token payload" and the projects API `ci_id_token_sub_claim_components`).
const GITLAB_SUBJECT_KEYS: ReadonlySet<string> = new Set([
  'project_path', 'ref_type', 'ref', 'project_id', 'namespace_id', 'namespace_path', 'job_project_path', 'job_project_id',
  'source_project_path', 'source_project_id', 'environment', 'user_id', 'user_login', 'pipeline_source', 'ref_protected',
]);

const DEFAULT_PROJECT = 'legit-group/legit-project';
const DEFAULT_NAMESPACE_ID = '300003';
const DEFAULT_PROJECT_ID = '400004';

function deriveGitLab(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived | undefined {
  const claims = new Map<string, Wanted>();
  let subjectClaimKeys: string[] | undefined;
  let projectSpan: Field | undefined;
  const sub = wanted.get('sub');
  if (sub) {
    const keyed = readKeyedSubject(sub, GITLAB_SUBJECT_KEYS);
    if (!keyed || keyed.keys.length === 0) return undefined;
    for (const key of keyed.keys) claims.set(key, keyed.values.get(key)!);
    const last = keyed.keys[keyed.keys.length - 1];
    if (keyed.span && (last === 'project_path' || last === 'job_project_path') && /[*?]/.test(keyed.values.get(last)!.value)) {
      // `project_path:acme/*`: the glob swallows the project's end and the rest.
      claims.delete(last);
      const path = keyed.values.get(last)!.value;
      const prefix = literalPrefix(path);
      projectSpan = { value: prefix.endsWith('/') || prefix === '' ? `${prefix || 'legit-group/'}legit` : prefix, pinned: false };
    }
    const defaults = ['project_path', 'ref_type', 'ref'];
    subjectClaimKeys = keyed.span ? [...keyed.keys, ...defaults.filter((key) => !keyed.keys.includes(key))] : keyed.keys;
    if (subjectClaimKeys.join(':') === defaults.join(':')) subjectClaimKeys = undefined;
  }
  for (const [claim, value] of wanted) if (claim !== 'sub') claims.set(claim, value);
  let project: Field = projectSpan ?? { value: DEFAULT_PROJECT, pinned: false };
  let namespaceId: Field = { value: DEFAULT_NAMESPACE_ID, pinned: false };
  let projectId: Field = { value: DEFAULT_PROJECT_ID, pinned: false };
  let ref: Wanted | undefined;
  let refType: 'branch' | 'tag' | undefined;
  let aud: Field | undefined;
  let environment: string | undefined;
  let refProtected: boolean | undefined;
  let pipelineSource: string | undefined;
  let namespacePath: Field | undefined;
  const extra: MutableClaims = {};
  for (const [claim, value] of claims) {
    switch (claim) {
      case 'project_path': case 'job_project_path': project = fieldOf(value, 'name'); break;
      case 'namespace_path': case 'job_namespace_path': namespacePath = fieldOf(value, 'name'); break;
      case 'project_id': case 'job_project_id': projectId = fieldOf(value, 'id', DEFAULT_PROJECT_ID); break;
      case 'namespace_id': case 'job_namespace_id': namespaceId = fieldOf(value, 'id', DEFAULT_NAMESPACE_ID); break;
      case 'ref_type': refType = instantiateGlob(value.value).startsWith('tag') ? 'tag' : 'branch'; break;
      case 'ref': ref = value; break;
      case 'aud': aud = fieldOf(value, 'name'); break;
      case 'environment': environment = fieldOf(value, 'name').value; break;
      case 'ref_protected': refProtected = instantiateGlob(value.value) !== 'false'; break;
      case 'pipeline_source': pipelineSource = fieldOf(value, 'name', 'push').value; break;
      case 'iss': break;
      default: extra[claim] = fieldOf(value, 'name').value;
    }
  }
  if (namespacePath && !project.pinned) {
    project = { value: `${namespacePath.value}/${project.value.split('/').pop()}`, pinned: false };
  }
  const refField: Field = ref === undefined ? { value: refType === 'tag' ? 'v1.0.0' : 'main', pinned: false }
    : fieldOf(ref, refType === 'tag' ? 'tag' : 'name', refType === 'tag' ? 'v1.0.0' : 'main');
  const run: GitLabRun = {
    instance: issuer ?? GITLAB_COM_ISSUER,
    projectPath: project.value,
    namespaceId: namespaceId.value,
    projectId: projectId.value,
    refType: refType ?? 'branch',
    ref: refField.value,
    ...(aud ? { aud: aud.value } : {}),
    ...(refProtected !== undefined ? { refProtected } : {}),
    ...(pipelineSource !== undefined ? { pipelineSource } : {}),
    ...(environment !== undefined ? { environment } : {}),
    ...(subjectClaimKeys ? { subjectClaimKeys } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [
    ...(issuer === undefined ? ['iss'] : []),
    ...(aud?.pinned ? [] : ['aud']),
    ...(project.pinned ? [] : ['project_path']),
    ...(namespaceId.pinned ? [] : ['namespace_id']),
    ...(projectId.pinned ? [] : ['project_id']),
    ...(refField.pinned ? [] : ['ref']),
  ];
  return { profile: { platform: 'gitlab', run }, invented };
}

/** Reads `system:serviceaccount:NS:SA` (with globs): namespace and service account fields. */
function readKubernetesSubject(wanted: Wanted): { namespace: Field; serviceAccount: Field } | undefined {
  const prefix = 'system:serviceaccount:';
  const value = wanted.value;
  if (!value.startsWith(prefix)) {
    if (wanted.glob && /^[*?]/.test(value.slice(literalPrefix(value).length)) && prefix.startsWith(literalPrefix(value))) {
      return { namespace: { value: 'legit', pinned: false }, serviceAccount: { value: 'legit', pinned: false } };
    }
    return undefined;
  }
  const rest = value.slice(prefix.length);
  const colon = rest.indexOf(':');
  if (colon < 0) {
    if (!(wanted.glob && /[*?]/.test(rest))) return undefined;
    return { namespace: { value: literalPrefix(rest) || 'legit', pinned: false }, serviceAccount: { value: 'legit', pinned: false } };
  }
  return {
    namespace: fieldOf({ value: rest.slice(0, colon), glob: wanted.glob }, 'name'),
    serviceAccount: fieldOf({ value: rest.slice(colon + 1), glob: wanted.glob }, 'name'),
  };
}

const DEFAULT_KUBERNETES_ISSUER = 'https://kubernetes.default.svc';

function deriveKubernetes(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived | undefined {
  let namespace: Field = { value: 'legit', pinned: false };
  let serviceAccount: Field = { value: 'legit', pinned: false };
  let aud: Field | undefined;
  const extra: MutableClaims = {};
  for (const [claim, value] of wanted) {
    if (claim === 'sub') {
      const read = readKubernetesSubject(value);
      if (!read) return undefined;
      ({ namespace, serviceAccount } = read);
    } else if (claim === 'aud') {aud = fieldOf(value, 'name');} else if (claim === 'kubernetes.io.namespace') {namespace = fieldOf(value, 'name');} else if (claim === 'kubernetes.io.serviceaccount.name') {serviceAccount = fieldOf(value, 'name');} else if (claim !== 'iss') {extra[claim] = fieldOf(value, 'name').value;}
  }
  const run: KubernetesRun = {
    issuer: issuer ?? DEFAULT_KUBERNETES_ISSUER,
    namespace: namespace.value,
    serviceAccount: serviceAccount.value,
    ...(aud ? { aud: [aud.value] } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [
    ...(issuer === undefined ? ['iss'] : []),
    ...(aud?.pinned ? [] : ['aud']),
    ...(namespace.pinned ? [] : ['namespace']),
    ...(serviceAccount.pinned ? [] : ['serviceaccount']),
    ...(namespace.pinned && serviceAccount.pinned ? [] : ['sub']),
  ];
  return { profile: { platform: 'kubernetes', run }, invented };
}

const DEFAULT_CLUSTER_ARN = 'arn:aws:eks:us-east-1:111122223333:cluster/legit-cluster';

function derivePodIdentity(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived {
  const base = parseClusterArn(issuer ?? '') ?? parseClusterArn(DEFAULT_CLUSTER_ARN)!;
  let arnPinned = issuer !== undefined && parseClusterArn(issuer) !== undefined;
  let { partition, region, account, name } = base;
  let namespace: Field = { value: 'legit', pinned: false };
  let serviceAccount: Field = { value: 'legit', pinned: false };
  const extra: MutableClaims = {};
  for (const [key, value] of wanted) {
    const claim = key.startsWith('aws:RequestTag/') ? key.slice('aws:RequestTag/'.length) : key;
    if (claim === 'kubernetes-namespace') {namespace = fieldOf(value, 'name');} else if (claim === 'kubernetes-service-account') {serviceAccount = fieldOf(value, 'name');} else if (claim === 'eks-cluster-arn' || claim === 'aws:SourceArn') {
      const arn = parseClusterArn(fieldOf(value, 'name').value);
      if (arn) ({ partition, region, account, name } = arn);
      arnPinned = arnPinned || !isPattern(value);
    } else if (claim === 'eks-cluster-name') {name = fieldOf(value, 'name').value;} else if (claim === 'aws:SourceAccount') {account = fieldOf(value, 'id').value;} else {extra[claim] = fieldOf(value, 'name').value;}
  }
  const run: PodIdentitySession = {
    clusterArn: `arn:${partition}:eks:${region}:${account}:cluster/${name}`,
    namespace: namespace.value,
    serviceAccount: serviceAccount.value,
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [
    ...(arnPinned ? [] : ['eks-cluster-arn']),
    ...(namespace.pinned ? [] : ['kubernetes-namespace']),
    ...(serviceAccount.pinned ? [] : ['kubernetes-service-account']),
  ];
  return { profile: { platform: 'eks-pod-identity', run }, invented };
}

/** The project, location and cluster of a GKE issuer URL. */
export function parseGkeIssuer(issuer: string): { readonly project: string; readonly location: string; readonly cluster: string } | undefined {
  const match = /^https:\/\/container\.googleapis\.com\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/clusters\/([^/]+)$/.exec(issuer);
  return match ? { project: match[1], location: match[2], cluster: match[3] } : undefined;
}

function deriveGke(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived {
  const fromIssuer = parseGkeIssuer(issuer ?? '');
  let project: Field = fromIssuer ? literal(fromIssuer.project) : { value: 'legit-project', pinned: false };
  let location = fromIssuer?.location ?? 'us-central1';
  let cluster = fromIssuer?.cluster ?? 'legit-cluster';
  let namespace: Field = { value: 'legit', pinned: false };
  let serviceAccount: Field = { value: 'legit', pinned: false };
  const extra: MutableClaims = {};
  for (const [claim, value] of wanted) {
    if (claim === 'project') project = fieldOf(value, 'name');
    else if (claim === 'workload_pool' || claim === 'pool') project = fieldOf({ ...value, value: value.value.replace(/\.svc\.id\.goog$/, '') }, 'name');
    else if (claim === 'namespace') namespace = fieldOf(value, 'name');
    else if (claim === 'serviceaccount') serviceAccount = fieldOf(value, 'name');
    else if (claim === 'cluster') cluster = fieldOf(value, 'name').value;
    else if (claim === 'location') location = fieldOf(value, 'name').value;
    else extra[claim] = fieldOf(value, 'name').value;
  }
  const run: GkeWorkload = {
    project: project.value,
    location,
    cluster,
    namespace: namespace.value,
    serviceAccount: serviceAccount.value,
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [
    ...(namespace.pinned ? [] : ['namespace']),
    ...(project.pinned ? [] : ['project']),
    ...(serviceAccount.pinned ? [] : ['serviceaccount']),
  ];
  return { profile: { platform: 'gke', run }, invented };
}

const DEFAULT_OIDC_ISSUER = 'https://legit-issuer.example';

function deriveOidc(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived {
  let sub: Field = { value: 'legit', pinned: false };
  let aud: Field | undefined;
  const extra: MutableClaims = {};
  for (const [claim, value] of wanted) {
    if (claim === 'sub') sub = fieldOf(value, 'name');
    else if (claim === 'aud') aud = fieldOf(value, 'name');
    else if (claim !== 'iss') extra[claim] = fieldOf(value, 'name').value;
  }
  const run: OidcSubject = {
    issuer: issuer ?? DEFAULT_OIDC_ISSUER,
    sub: sub.value,
    aud: aud?.value ?? 'legit',
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [...(issuer === undefined ? ['iss'] : []), ...(aud?.pinned ? [] : ['aud']), ...(sub.pinned ? [] : ['sub'])];
  return { profile: { platform: 'oidc', run }, invented };
}

/** The profile of one combination of an alternative's values (a subject outside the platform's grammar → `oidc`). */
function derive(platform: TokenPlatform, issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived {
  const derived = platform === 'github' ? deriveGitHub(issuer, wanted)
    : platform === 'gitlab' ? deriveGitLab(issuer, wanted)
      : platform === 'kubernetes' ? deriveKubernetes(issuer, wanted)
        : platform === 'eks-pod-identity' ? derivePodIdentity(issuer, wanted)
          : platform === 'gke' ? deriveGke(issuer, wanted)
            : undefined;
  return derived ?? deriveOidc(issuer, wanted);
}

/** The most legitimate identities verify derives for one trust. */
export const MAX_LEGITIMATE_IDENTITIES = 16;
/** The most value combinations verify tries for one alternative. */
const MAX_COMBINATIONS = 256;

/** A legitimate identity with the profile it was built from and the alternative it was derived for. */
export interface LegitimateProfile {
  readonly identity: LegitimateIdentity;
  readonly profile: TokenProfile;
  readonly alternative: TrustAlternative;
}

/** The combinations of one value per claim (claims sorted), first ones first, at most MAX_COMBINATIONS. */
function combinations(alternative: TrustAlternative): Array<Map<string, Wanted>> {
  const claims = Object.keys(alternative.claims).sort();
  let result: Array<Map<string, Wanted>> = [new Map()];
  for (const claim of claims) {
    const requirement = alternative.claims[claim];
    const next: Array<Map<string, Wanted>> = [];
    for (const partial of result) {
      for (const value of requirement.values) {
        if (next.length >= MAX_COMBINATIONS) break;
        next.push(new Map([...partial, [claim, { value, glob: requirement.glob }]]));
      }
    }
    if (next.length > 0) result = next;
  }
  return result;
}

/**
 * The identities of one alternative: combinations of its values that yield a token meeting the alternative, chosen so
 * that every value of every claim is used at least once; when no combination meets it (contradictory requirements),
 * the first combination, so that the refusal shows.
 */
function alternativeIdentities(trust: Pick<VerifyTrust, 'kind'>, alternative: TrustAlternative): LegitimateProfile[] {
  const platform = tokenPlatform(trust, alternative);
  const candidates = combinations(alternative).map((combination) => {
    const derived = derive(platform, alternative.issuer, combination);
    const token = profileToken(derived.profile);
    return { combination, derived, token, meets: meetsAlternative(token, alternative) };
  });
  const meeting = candidates.filter((candidate) => candidate.meets);
  const chosen: typeof candidates = [];
  const covered = new Set<string>();
  for (const candidate of meeting) {
    const pairs = [...candidate.combination].map(([claim, wanted]) => `${claim}\u0000${wanted.value}`);
    if (chosen.length === 0 || pairs.some((pair) => !covered.has(pair))) {
      chosen.push(candidate);
      pairs.forEach((pair) => covered.add(pair));
    }
  }
  if (chosen.length === 0) chosen.push(candidates[0]);
  return chosen.map(({ derived, token }) => ({
    identity: { description: describeProfile(derived.profile), token, invented: [...new Set(derived.invented)].sort() },
    profile: derived.profile,
    alternative,
  }));
}

/** The legitimate identities of a trust with their profiles (see legitimateIdentities). */
export function legitimateProfiles(trust: Pick<VerifyTrust, 'kind' | 'alternatives'>): LegitimateProfile[] {
  const alternatives: readonly TrustAlternative[] = trust.alternatives.length > 0 ? trust.alternatives : [{ claims: {} }];
  const perAlternative = alternatives.map((alternative) => alternativeIdentities(trust, alternative));
  // Round robin over the alternatives, so that a cap keeps one identity of each alternative first.
  const result: LegitimateProfile[] = [];
  for (let round = 0; result.length < MAX_LEGITIMATE_IDENTITIES; round++) {
    const layer = perAlternative.map((identities) => identities[round]).filter((identity) => identity !== undefined);
    if (layer.length === 0) break;
    for (const entry of layer) {
      if (result.length >= MAX_LEGITIMATE_IDENTITIES) break;
      if (!result.some((known) => sameToken(known.identity.token, entry.identity.token))) result.push(entry);
    }
  }
  return result;
}

/**
 * The identities a trust was written for and the tokens their platforms would issue them: one per alternative and
 * value (every value of every claim used at least once; at most MAX_LEGITIMATE_IDENTITIES per trust). Values the trust
 * requires are used exactly, patterns instantiated with a representative (`*` → `legit`, `1.0.0` in a tag), claims
 * it does not constrain filled with defaults and listed in `invented` (`repository`, `project_path`, `sub`,
 * `kubernetes-namespace`, `namespace`… when the trust pins no repository, project or service account). A trust with no
 * alternative gets one invented identity of the platform its kind implies (else a generic OIDC one).
 */
export function legitimateIdentities(trust: Pick<VerifyTrust, 'kind' | 'alternatives'>): LegitimateIdentity[] {
  return legitimateProfiles(trust).map((entry) => entry.identity);
}
