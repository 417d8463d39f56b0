import { resolveGitHubContexts } from './github-contexts';
import { resolveGitHubIssuer, resolveGitHubRepository } from './github-repository';
import { githubTrustPolicy, resolveGitHubWorkflow } from './github-subjects';
import { CI_SOURCE_BRAND, checkSourceProps, CiResolveOptions, CiTrustPolicy, ICiSource } from './policy';
import { ValidationContext } from '../errors';
import { requireLiterals, snapshotDeclaration } from '../literal';

export { GITHUB_ISSUER } from './github-repository';

/**
 * Which form of `sub` the repository's tokens carry (GitHub, "OpenID Connect reference", immutable subject claims).
 *
 * - `name-based`: `repo:OWNER/REPO:…`, what repositories created before 2026-06-18 emit unless they opted in.
 * - `immutable`: `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, the default for repositories created, renamed or transferred
 *   since then, and for older repositories that opted in (repository or organization OIDC settings). Not on GitHub
 *   Enterprise Server.
 * - `both`: a migration: the repository is switching forms, so both are trusted (each with the ids pinned where the
 *   cloud can check them). Switch to `immutable` once the repository emits it.
 *
 * A repository emits one form at a time. Never infer it from the creation date: look at the `sub` of a real run, or
 * at the repository's OIDC settings.
 */
export type GitHubSubjectFormat = 'name-based' | 'immutable' | 'both';

/** A GitHub repository whose Actions workflows may obtain cloud credentials. */
export interface GitHubActionsProps {
  /**
   * Organization or user that owns the repository, exactly as GitHub spells it (no wildcards). GitHub treats names
   * case-insensitively, but the token carries the canonical case and AWS and Azure compare subjects
   * case-sensitively: `Acme` for an owner GitHub spells `acme` matches no run.
   */
  readonly owner: string;
  /** Repository name, exactly as GitHub spells it (no wildcards); case matters as for `owner`. */
  readonly repository: string;
  /**
   * Numeric id of the owner (`repository_owner_id` claim): `owner.id` of `GET /repos/OWNER/REPO`. Required by the
   * immutable subject form; GCP checks it.
   *
   * @default - the owner is pinned by name only
   */
  readonly ownerId?: string;
  /**
   * Numeric id of the repository (`repository_id` claim): `id` of `GET /repos/OWNER/REPO`. Give it together with
   * `ownerId`. AWS (`token.actions.githubusercontent.com:repository_id`) and GCP check it on every run, so a
   * repository deleted and re-created under the same name is denied whatever subject form it emits. Expected for
   * tier 1 identities (see `allowNameOnlyPinning`).
   *
   * @default - the repository is pinned by name only
   */
  readonly repositoryId?: string;
  /**
   * The form of `sub` this repository's tokens carry. Required when the ids are given; without ids only the
   * name-based form can be expressed.
   *
   * @default 'name-based' (when no ids are given)
   */
  readonly subjectFormat?: GitHubSubjectFormat;
  /**
   * Explicit opt-out, for tier 1 identities, of pinning the repository by its numeric ids: a repository deleted
   * and re-created under the same name, or an owner renamed and its name registered by someone else, then gets
   * the identity. Only for teams that cannot look the ids up.
   *
   * @default false
   */
  readonly allowNameOnlyPinning?: boolean;
  /**
   * GitHub Enterprise Cloud slug, when the enterprise uses a unique issuer
   * (`https://token.actions.githubusercontent.com/<slug>`).
   *
   * @default - the shared github.com issuer
   */
  readonly enterpriseSlug?: string;
  /**
   * The issuer URL, stated explicitly. Must be the github.com issuer or the enterprise issuer for `enterpriseSlug`.
   *
   * @default - derived from `enterpriseSlug`
   */
  readonly issuerUrl?: string;
  /**
   * Branches whose workflows are trusted (`ref:refs/heads/BRANCH`), exact names. Together with `environments`, the
   * branches a job in one of the environments must run on (see `environments`).
   *
   * @default - none
   */
  readonly branches?: string[];
  /** Tags whose workflows are trusted (`ref:refs/tags/TAG`), exact names; with `environments`, as `branches`. @default - none */
  readonly tags?: string[];
  /**
   * Tag patterns, each a literal prefix and one trailing `*` (e.g. `v*`), rendered as an explicit pattern
   * (AWS `StringLike`, GCP `startsWith`). Not supported on Azure, which matches subjects exactly.
   *
   * @default - none
   */
  readonly tagPatterns?: string[];
  /**
   * Deployment environments whose jobs are trusted (`environment:ENV`), named exactly as in the repository settings
   * (spaces allowed). A job that references an environment carries `environment:ENV` in `sub` *instead of* its ref.
   *
   * Given together with `branches`, `tags` or `tagPatterns`, both are required: a job must run in one of the
   * environments *and* on one of the refs (AWS checks the `ref` claim key, GCP the `ref` claim; Azure, which checks
   * only the subject, refuses the combination). A run on `main` outside the environment, which would skip the
   * environment's reviewers and wait timers, is denied. `allowBranchRunsWithoutEnvironment` trusts either instead.
   *
   * @default - none
   */
  readonly environments?: string[];
  /**
   * Explicit opt-in, with `environments` and refs both given, to trust runs on the refs that use no environment as
   * well as environment jobs on any ref: such runs skip the environment's protection rules (required reviewers, wait
   * timers, deployment branches).
   *
   * @default false
   */
  readonly allowBranchRunsWithoutEnvironment?: boolean;
  /**
   * Explicit opt-in to trust `pull_request` workflow runs (`repo:OWNER/REPO:pull_request`). Pull requests run code
   * that has not been reviewed or merged.
   *
   * @default false
   */
  readonly allowPullRequests?: boolean;
  /**
   * Pin the reusable workflow that must run the job (`job_workflow_ref`, e.g.
   * `acme/workflows/.github/workflows/release.yml@refs/heads/main`). AWS checks the
   * `token.actions.githubusercontent.com:job_workflow_ref` key and GCP the claim, with the repository's default
   * subject template. Azure checks only the subject: there, set `jobWorkflowRefInSubject`.
   *
   * @default - any workflow of the repository
   */
  readonly jobWorkflowRef?: string;
  /**
   * The repository's OIDC subject template includes `job_workflow_ref` (see `subjectClaimKeys` of the resolved
   * trust for the `include_claim_keys` to set), so the workflow is pinned in `sub` too: the only way Azure can pin it.
   *
   * @default false
   */
  readonly jobWorkflowRefInSubject?: boolean;
}

const GITHUB_PROPS: readonly (keyof GitHubActionsProps)[] = [
  'owner', 'repository', 'ownerId', 'repositoryId', 'subjectFormat', 'allowNameOnlyPinning', 'enterpriseSlug', 'issuerUrl',
  'branches', 'tags', 'tagPatterns', 'environments', 'allowBranchRunsWithoutEnvironment', 'allowPullRequests',
  'jobWorkflowRef', 'jobWorkflowRefInSubject',
];

/** GitHub Actions as a CI source. */
export class GitHubActions implements ICiSource {
  /** Trust workflows of one GitHub repository. Validated when a construct uses it. */
  public static repository(props: GitHubActionsProps): GitHubActions {
    return new GitHubActions(snapshotDeclaration(props));
  }

  public readonly platform = 'github-actions' as const;

  /** @internal */
  public readonly [CI_SOURCE_BRAND] = true;

  private constructor(public readonly props: GitHubActionsProps) {}

  public resolve(ctx: ValidationContext, prop: string, options: CiResolveOptions = {}): CiTrustPolicy {
    // Every prop of a CI source decides which runs are trusted: none may be decided after synthesis.
    checkSourceProps(this.props, GITHUB_PROPS, ctx, prop, '`GitHubActions.repository({ owner, repository, branches })`');
    requireLiterals(this.props, ctx, prop, 'which CI runs are trusted');
    return resolveGitHub(this.props, ctx, prop, options);
  }
}

function resolveGitHub(props: GitHubActionsProps, ctx: ValidationContext, prop: string, options: CiResolveOptions): CiTrustPolicy {
  const repository = resolveGitHubRepository(props, ctx, prop, options);
  const issuerUrl = resolveGitHubIssuer(props, ctx, prop);
  const runs = resolveGitHubContexts(props, ctx, prop);
  const workflow = resolveGitHubWorkflow(props, runs.subjectPatternContexts, ctx, prop);
  return githubTrustPolicy(repository, issuerUrl, runs, workflow, ctx, prop);
}
