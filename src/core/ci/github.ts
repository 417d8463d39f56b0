import { fail, quote, ValidationContext } from '../errors';
import { requireLiterals, snapshotDeclaration } from '../literal';
import {
  checkIssuerUrl, checkNumericId, CI_SOURCE_BRAND, checkRefName, checkRefPattern, CiTrustPolicy, ClaimPin, ICiSource, listProp,
  sortedUnique, WILDCARD_CHARS,
} from './policy';

/** The issuer of GitHub Actions OIDC tokens on github.com. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const GITHUB_OIDC_DOCS = 'https://docs.github.com/en/actions/reference/security/oidc';

/**
 * Which form of `sub` the repository's tokens carry.
 *
 * - `default`: `repo:OWNER/REPO:…`
 * - `immutable`: `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, the default for repositories created, renamed or transferred
 *   after 2026-07-15. A repository emits one form, never both.
 */
export type GitHubSubjectFormat = 'default' | 'immutable';

/** A GitHub repository whose Actions workflows may obtain cloud credentials. */
export interface GitHubActionsProps {
  /** Organization or user that owns the repository, exactly (no wildcards). */
  readonly owner: string;
  /** Repository name, exactly (no wildcards). */
  readonly repository: string;
  /**
   * Numeric id of the owner (`repository_owner_id` claim). Pins the owner against rename and name reuse on
   * targets that can check claims (GCP), and is required by the immutable subject form.
   *
   * @default - the owner is pinned by name only
   */
  readonly ownerId?: string;
  /**
   * Numeric id of the repository (`repository_id` claim). Give it together with `ownerId`.
   *
   * @default - the repository is pinned by name only
   */
  readonly repositoryId?: string;
  /**
   * The form of `sub` this repository's tokens carry.
   *
   * @default 'default'
   */
  readonly subjectFormat?: GitHubSubjectFormat;
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
  /** Branches whose workflows are trusted (`ref:refs/heads/BRANCH`), exact names. @default - none */
  readonly branches?: string[];
  /** Tags whose workflows are trusted (`ref:refs/tags/TAG`), exact names. @default - none */
  readonly tags?: string[];
  /**
   * Tag patterns, each a literal prefix and one trailing `*` (e.g. `v*`), rendered as an explicit pattern
   * (AWS `StringLike`, GCP `startsWith`). Not supported on Azure, which matches subjects exactly.
   *
   * @default - none
   */
  readonly tagPatterns?: string[];
  /**
   * Deployment environments whose jobs are trusted (`environment:ENV`). When a job references an environment,
   * its token carries the environment form *instead of* the ref form, so a branch pin never matches it.
   *
   * @default - none
   */
  readonly environments?: string[];
  /**
   * Explicit opt-in to trust `pull_request` workflow runs (`repo:OWNER/REPO:pull_request`). Pull requests run code
   * that has not been reviewed or merged.
   *
   * @default false
   */
  readonly allowPullRequests?: boolean;
  /**
   * Pin the reusable workflow that must run the job (`job_workflow_ref`, e.g.
   * `acme/workflows/.github/workflows/release.yml@refs/heads/main`). The repository's OIDC subject template must then
   * include `job_workflow_ref` (see `subjectClaimKeys` of the resolved trust); GCP additionally checks the claim
   * itself.
   *
   * @default - any workflow of the repository
   */
  readonly jobWorkflowRef?: string;
}

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

  public resolve(ctx: ValidationContext, prop: string): CiTrustPolicy {
    // Every prop of a CI source decides which runs are trusted: none may be decided after synthesis.
    if (typeof this.props !== 'object' || this.props === null || Array.isArray(this.props)) {
      fail({ code: 'KL-CI-SOURCE-PROPS', path: ctx.path, prop, problem: `is declared with ${quote(this.props)}: expected an object of props`, fix: 'declare the source as `GitHubActions.repository({ owner, repository, branches })`' });
    }
    requireLiterals(this.props, ctx, prop, 'which CI runs are trusted');
    return resolveGitHub(this.props, ctx, prop);
  }
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const ENTERPRISE_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,60}[a-z0-9])?$/;
const ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;
// The ref part follows git check-ref-format: no control characters, space, `~ ^ : ? * [ \`.
// eslint-disable-next-line no-control-regex
const WORKFLOW_REF = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+\/\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml@refs\/(heads|tags)\/[^*?[\]:\s\x00-\x1f\x7f\\~^]+$/;

function resolveGitHub(props: GitHubActionsProps, ctx: ValidationContext, prop: string): CiTrustPolicy {
  const p = (name: string) => `${prop}.${name}`;
  const { owner, repository } = props;
  for (const [name, value, rule, example] of [
    ['owner', owner, OWNER, 'acme'], ['repository', repository, REPOSITORY, 'payments-api'],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      fail({ code: 'KL-GH-MISSING', path: ctx.path, prop: p(name), problem: 'is missing', fix: `name the exact GitHub ${name}, e.g. "${example}"` });
    }
    if (WILDCARD_CHARS.test(value)) {
      fail({
        code: 'KL-GH-WILDCARD',
        path: ctx.path,
        prop: p(name),
        problem: `is ${quote(value)}: wildcards are not allowed in the ${name} (in an AWS StringLike a \`*\` also matches \`/\` and \`:\`, so it would admit other ${name === 'owner' ? 'organizations' : 'repositories'})`,
        fix: `name the exact ${name}, e.g. "${example}"; trust each repository with its own declaration`,
        docs: GITHUB_OIDC_DOCS,
      });
    }
    if (!rule.test(value)) {
      fail({
        code: 'KL-GH-NAME',
        path: ctx.path,
        prop: p(name),
        problem: name === 'owner'
          ? `is ${quote(value)}: a GitHub owner is 1–39 letters, digits or single \`-\`, not starting or ending with \`-\``
          : `is ${quote(value)}: a GitHub repository name is 1–100 letters, digits, \`.\`, \`_\` or \`-\` (give the owner separately)`,
        fix: `use the exact ${name} from the repository URL, e.g. "${example}"`,
      });
    }
  }
  if (repository === '.' || repository === '..') {
    fail({ code: 'KL-GH-NAME', path: ctx.path, prop: p('repository'), problem: `is ${quote(repository)}, which is not a repository name`, fix: 'use the exact repository name' });
  }

  const ownerId = props.ownerId === undefined ? undefined : checkNumericId(props.ownerId, ctx, p('ownerId'), 'GitHub owner id');
  const repositoryId = props.repositoryId === undefined ? undefined : checkNumericId(props.repositoryId, ctx, p('repositoryId'), 'GitHub repository id');
  if ((ownerId === undefined) !== (repositoryId === undefined)) {
    fail({
      code: 'KL-GH-IDS-PAIR',
      path: ctx.path,
      prop: p(ownerId === undefined ? 'ownerId' : 'repositoryId'),
      problem: 'is missing while its pair is given: the owner id and the repository id pin the repository together',
      fix: 'give both `ownerId` and `repositoryId` (GET /repos/OWNER/REPO returns `owner.id` and `id`), or neither',
    });
  }
  const format = props.subjectFormat ?? 'default';
  if (format !== 'default' && format !== 'immutable') {
    fail({ code: 'KL-GH-FORMAT', path: ctx.path, prop: p('subjectFormat'), problem: `is ${quote(format)}: expected "default" or "immutable"`, fix: 'use the form the repository emits' });
  }
  if (format === 'immutable' && ownerId === undefined) {
    fail({
      code: 'KL-GH-IMMUTABLE-IDS',
      path: ctx.path,
      prop: p('subjectFormat'),
      problem: 'is "immutable" but `ownerId` and `repositoryId` are not given: the immutable subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` needs both ids, and they are never wildcarded',
      fix: 'give `ownerId` and `repositoryId`',
      docs: GITHUB_OIDC_DOCS,
    });
  }

  const issuerUrl = resolveGitHubIssuer(props, ctx, prop);

  const refPrefix = format === 'immutable' ? `repo:${owner}@${ownerId}/${repository}@${repositoryId}` : `repo:${owner}/${repository}`;
  const contexts: string[] = [];
  for (const [i, branch] of listProp(props.branches, ctx, p('branches')).entries()) {
    if (typeof branch === 'string' && /^(refs\/)?pull\//.test(branch)) {
      fail({
        code: 'KL-GH-PR-OPT-IN',
        path: ctx.path,
        prop: `${p('branches')}[${i}]`,
        problem: `is ${quote(branch)}, a pull-request ref: pull-request runs execute unreviewed code and are never trusted through a branch`,
        fix: 'set `allowPullRequests: true` if this identity must really be usable from pull requests (and keep its permissions read-only)',
        docs: GITHUB_OIDC_DOCS,
      });
    }
    contexts.push(`ref:refs/heads/${checkRefName(branch, 'branch', ctx, `${p('branches')}[${i}]`, p('tagPatterns'))}`);
  }
  for (const [i, tag] of listProp(props.tags, ctx, p('tags')).entries()) {
    contexts.push(`ref:refs/tags/${checkRefName(tag, 'tag', ctx, `${p('tags')}[${i}]`, p('tagPatterns'))}`);
  }
  for (const [i, env] of listProp(props.environments, ctx, p('environments')).entries()) {
    if (typeof env !== 'string' || WILDCARD_CHARS.test(env) || !ENVIRONMENT.test(env)) {
      fail({
        code: 'KL-GH-ENVIRONMENT',
        path: ctx.path,
        prop: `${p('environments')}[${i}]`,
        problem: `is ${quote(env)}: an environment is named exactly with 1–255 letters, digits, \`.\`, \`_\` or \`-\` (no wildcards, spaces or \`:\`)`,
        fix: 'use the environment name exactly as configured in the repository settings, e.g. "production"',
      });
    }
    contexts.push(`environment:${env}`);
  }
  if (props.allowPullRequests !== undefined && typeof props.allowPullRequests !== 'boolean') {
    fail({ code: 'KL-PROP-BOOLEAN', path: ctx.path, prop: p('allowPullRequests'), problem: `is ${quote(props.allowPullRequests)}: expected true or false`, fix: 'set it to true only to trust pull-request runs' });
  }
  if (props.allowPullRequests === true) contexts.push('pull_request');
  const patternContexts = listProp(props.tagPatterns, ctx, p('tagPatterns'))
    .map((pattern, i) => `ref:refs/tags/${checkRefPattern(pattern, ctx, `${p('tagPatterns')}[${i}]`)}`);

  if (contexts.length === 0 && patternContexts.length === 0) {
    fail({
      code: 'KL-CI-NO-SUBJECT',
      path: ctx.path,
      prop,
      problem: `admits no workflow run of ${owner}/${repository}: no \`branches\`, \`tags\`, \`tagPatterns\`, \`environments\` or \`allowPullRequests\` is given`,
      fix: 'name the protected branch, tag or environment the pipeline runs from, e.g. `branches: ["main"]` or `environments: ["production"]`',
    });
  }

  let jobWorkflowRef: string | undefined;
  if (props.jobWorkflowRef !== undefined) {
    if (typeof props.jobWorkflowRef !== 'string' || !WORKFLOW_REF.test(props.jobWorkflowRef)) {
      fail({
        code: 'KL-GH-WORKFLOW-REF',
        path: ctx.path,
        prop: p('jobWorkflowRef'),
        problem: `is ${quote(props.jobWorkflowRef)}: expected OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH or …@refs/tags/TAG, exactly (no wildcards)`,
        fix: 'copy the `job_workflow_ref` claim of a run of the reusable workflow, e.g. "acme/workflows/.github/workflows/release.yml@refs/heads/main"',
        docs: GITHUB_OIDC_DOCS,
      });
    }
    jobWorkflowRef = props.jobWorkflowRef;
  }

  // A custom subject template renders `context` bare and other claims as `key:value` (GitHub, "Customizing the subject claims").
  let subjectClaimKeys: string[] | undefined;
  let subjectOf = (context: string) => `${refPrefix}:${context}`;
  if (jobWorkflowRef !== undefined) {
    subjectClaimKeys = format === 'immutable'
      ? ['repository_owner_id', 'repository_id', 'context', 'job_workflow_ref']
      : ['repo', 'context', 'job_workflow_ref'];
    const head = format === 'immutable'
      ? `repository_owner_id:${ownerId}:repository_id:${repositoryId}`
      : `repo:${owner}/${repository}`;
    subjectOf = (context: string) => `${head}:${context}:job_workflow_ref:${jobWorkflowRef}`;
  }
  if (jobWorkflowRef !== undefined && patternContexts.length > 0) {
    // With the workflow appended after the context, a trailing `*` would also match any workflow.
    fail({
      code: 'KL-GH-PATTERN-WORKFLOW',
      path: ctx.path,
      prop: p('tagPatterns'),
      problem: 'cannot be combined with `jobWorkflowRef`: the workflow follows the tag in the subject, so a trailing `*` would match any workflow',
      fix: 'list the release tags exactly in `tags`, or drop the workflow pin',
    });
  }

  const claimPins: ClaimPin[] = ownerId !== undefined
    ? [{ claim: 'repository_id', value: repositoryId! }, { claim: 'repository_owner_id', value: ownerId }]
    : [{ claim: 'repository', value: `${owner}/${repository}` }, { claim: 'repository_owner', value: owner }];
  if (jobWorkflowRef !== undefined) claimPins.push({ claim: 'job_workflow_ref', value: jobWorkflowRef });

  const exactSubjects = sortedUnique(contexts.map(subjectOf));
  const subjectPatterns = sortedUnique(patternContexts.map((c) => `${subjectOf(c)}*`));
  const refs = [...sortedUnique(contexts), ...sortedUnique(patternContexts.map((c) => `${c}*`))];
  return {
    platform: 'github-actions',
    issuerUrl,
    issuerHostPath: issuerUrl.replace(/^https:\/\//, ''),
    exactSubjects,
    subjectPatterns,
    claimPins: [...claimPins].sort((a, b) => (a.claim < b.claim ? -1 : 1)),
    mappedClaims: ownerId !== undefined
      ? ['repository', 'repository_id', 'repository_owner', 'repository_owner_id']
      : ['repository', 'repository_owner'],
    subjectClaimKeys,
    summary: `GitHub Actions ${owner}/${repository} (${refs.join(', ')})`,
  };
}

function resolveGitHubIssuer(props: GitHubActionsProps, ctx: ValidationContext, prop: string): string {
  let expected = GITHUB_ISSUER;
  if (props.enterpriseSlug !== undefined) {
    if (typeof props.enterpriseSlug !== 'string' || !ENTERPRISE_SLUG.test(props.enterpriseSlug)) {
      fail({
        code: 'KL-GH-ENTERPRISE',
        path: ctx.path,
        prop: `${prop}.enterpriseSlug`,
        problem: `is ${quote(props.enterpriseSlug)}: an enterprise slug is lowercase letters, digits and \`-\` (no wildcards, \`/\` or \`.\`)`,
        fix: 'copy the slug from the enterprise URL, https://github.com/enterprises/SLUG',
        docs: GITHUB_OIDC_DOCS,
      });
    }
    expected = `${GITHUB_ISSUER}/${props.enterpriseSlug}`;
  }
  if (props.issuerUrl !== undefined) {
    const given = checkIssuerUrl(props.issuerUrl, ctx, `${prop}.issuerUrl`, expected);
    if (given !== expected) {
      fail({
        code: 'KL-GH-ISSUER-UNKNOWN',
        path: ctx.path,
        prop: `${prop}.issuerUrl`,
        problem: `is ${quote(given)}, which is not a GitHub Actions issuer: tokens are issued by "${GITHUB_ISSUER}" or, with a unique enterprise issuer, "${GITHUB_ISSUER}/<enterpriseSlug>"`,
        fix: props.enterpriseSlug === undefined && given.startsWith(`${GITHUB_ISSUER}/`)
          ? `set \`enterpriseSlug: "${given.slice(GITHUB_ISSUER.length + 1)}"\` instead of \`issuerUrl\``
          : `remove \`issuerUrl\` (Keyless derives "${expected}")`,
        docs: GITHUB_OIDC_DOCS,
      });
    }
  }
  return expected;
}
