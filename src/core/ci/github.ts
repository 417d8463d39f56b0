import { fail, quote, ValidationContext } from '../errors';
import { requireLiterals, snapshotDeclaration } from '../literal';
import { checkBooleanProp } from '../props';
import {
  checkIssuerUrl, checkNumericId, CI_SOURCE_BRAND, checkRefName, checkRefPattern, CiResolveOptions, CiTrustPolicy, ClaimPin,
  ClaimRequirement, checkSourceProps, ICiSource, listProp,
  sortedUnique, WILDCARD_CHARS,
} from './policy';

/** The issuer of GitHub Actions OIDC tokens on github.com. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const GITHUB_OIDC_DOCS = 'https://docs.github.com/en/actions/reference/security/oidc';

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

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const ENTERPRISE_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,60}[a-z0-9])?$/;
// GitHub environment names: up to 255 characters, spaces allowed. Keyless refuses what would make the subject
// ambiguous or unmatchable: `:` (the subject separator), wildcard characters, control characters, leading or
// trailing white space.
// eslint-disable-next-line no-control-regex
const ENVIRONMENT_REFUSED = /[:*?[\]\p{Cc}\p{Cf}\u2028\u2029]/u;
// The ref part follows git check-ref-format: no control characters, space, `~ ^ : ? * [ \`.
// eslint-disable-next-line no-control-regex
const WORKFLOW_REF = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+\/\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml@refs\/(heads|tags)\/[^*?[\]:\s\x00-\x1f\x7f\\~^]+$/;
const FORMATS: readonly GitHubSubjectFormat[] = ['name-based', 'immutable', 'both'];

function resolveGitHub(props: GitHubActionsProps, ctx: ValidationContext, prop: string, options: CiResolveOptions): CiTrustPolicy {
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
  const format = resolveSubjectFormat(props.subjectFormat, ownerId !== undefined, ctx, p('subjectFormat'));
  const allowNameOnly = checkBooleanProp(props.allowNameOnlyPinning, ctx, p('allowNameOnlyPinning'), 'set it to true only if the repository ids cannot be looked up');
  if (ownerId === undefined && options.tier === 1 && !allowNameOnly) {
    fail({
      code: 'KL-GH-TIER1-IDS',
      path: ctx.path,
      prop: p('repositoryId'),
      problem: `is missing for a tier 1 identity: pinned by name only, ${owner}/${repository} deleted and re-created under the same name (or its owner renamed and the name re-registered) would get the identity`,
      fix: 'give `ownerId` and `repositoryId` (`owner.id` and `id` of GET /repos/OWNER/REPO) and the `subjectFormat` the repository emits, or set `allowNameOnlyPinning: true` to accept the name-reuse risk',
      docs: GITHUB_OIDC_DOCS,
    });
  }
  if (allowNameOnly && ownerId !== undefined) {
    fail({ code: 'KL-GH-IDS-OPT-OUT', path: ctx.path, prop: p('allowNameOnlyPinning'), problem: 'is true but the ids are given, which pin the repository', fix: 'remove `allowNameOnlyPinning`' });
  }

  const issuerUrl = resolveGitHubIssuer(props, ctx, prop);
  const refContexts: string[] = [];
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
    refContexts.push(`ref:refs/heads/${checkRefName(branch, 'branch', ctx, `${p('branches')}[${i}]`, p('tagPatterns'))}`);
  }
  for (const [i, tag] of listProp(props.tags, ctx, p('tags')).entries()) {
    refContexts.push(`ref:refs/tags/${checkRefName(tag, 'tag', ctx, `${p('tags')}[${i}]`, p('tagPatterns'))}`);
  }
  const patternContexts = listProp(props.tagPatterns, ctx, p('tagPatterns'))
    .map((pattern, i) => `ref:refs/tags/${checkRefPattern(pattern, ctx, `${p('tagPatterns')}[${i}]`)}`);
  const environments = listProp(props.environments, ctx, p('environments'))
    .map((env, i) => checkEnvironment(env, ctx, `${p('environments')}[${i}]`));
  const allowPullRequests = checkBooleanProp(props.allowPullRequests, ctx, p('allowPullRequests'), 'set it to true only to trust pull-request runs');
  const eitherOr = checkBooleanProp(props.allowBranchRunsWithoutEnvironment, ctx, p('allowBranchRunsWithoutEnvironment'),
    'set it to true only to trust runs on the refs that use no environment');

  const hasRefs = refContexts.length > 0 || patternContexts.length > 0;
  // With environments and refs, environment jobs must also run on the refs (GitHub puts the environment, not the ref,
  // in `sub`: the ref is checked through the `ref` claim).
  const environmentOnRefs = environments.length > 0 && hasRefs && !eitherOr;
  if (eitherOr && !(environments.length > 0 && hasRefs)) {
    fail({
      code: 'KL-GH-ENV-OPT-IN',
      path: ctx.path,
      prop: p('allowBranchRunsWithoutEnvironment'),
      problem: 'is true but the source does not list both `environments` and refs (`branches`, `tags` or `tagPatterns`)',
      fix: 'remove `allowBranchRunsWithoutEnvironment`',
    });
  }
  if (environmentOnRefs && allowPullRequests) {
    fail({
      code: 'KL-GH-ENV-PULL-REQUEST',
      path: ctx.path,
      prop: p('allowPullRequests'),
      problem: 'is true on a source whose environment jobs must run on the declared refs: a pull-request run is on `refs/pull/N/merge`, never on those refs',
      fix: 'declare the pull-request trust as its own source (and identity, with read-only permissions)',
    });
  }

  const contexts: string[] = environments.map((env) => `environment:${env}`);
  const subjectPatternContexts: string[] = [];
  if (!environmentOnRefs) {
    contexts.push(...refContexts);
    subjectPatternContexts.push(...patternContexts);
  }
  if (allowPullRequests) contexts.push('pull_request');

  if (contexts.length === 0 && subjectPatternContexts.length === 0) {
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
  const workflowInSubject = checkBooleanProp(props.jobWorkflowRefInSubject, ctx, p('jobWorkflowRefInSubject'),
    'set it to true only when the repository\'s OIDC subject template includes `job_workflow_ref`');
  if (workflowInSubject && jobWorkflowRef === undefined) {
    fail({ code: 'KL-GH-WORKFLOW-SUBJECT', path: ctx.path, prop: p('jobWorkflowRefInSubject'), problem: 'is true but no `jobWorkflowRef` is given', fix: 'give the `jobWorkflowRef` to pin, or remove `jobWorkflowRefInSubject`' });
  }
  if (workflowInSubject && subjectPatternContexts.length > 0) {
    // With the workflow appended after the context, a trailing `*` would also match any workflow.
    fail({
      code: 'KL-GH-PATTERN-WORKFLOW',
      path: ctx.path,
      prop: p('tagPatterns'),
      problem: 'cannot be combined with `jobWorkflowRefInSubject`: the workflow follows the tag in the subject, so a trailing `*` would match any workflow',
      fix: 'list the release tags exactly in `tags`, or pin the workflow through the claim only (drop `jobWorkflowRefInSubject`)',
    });
  }

  // The forms of the subject's head this repository may emit. A custom subject template renders `context` bare and
  // other claims as `key:value` (GitHub, "Customizing the subject claims").
  const forms = format === 'both' ? ['name-based', 'immutable'] as const : [format] as const;
  const heads = forms.map((form) => {
    if (workflowInSubject) {
      return form === 'immutable' ? `repository_owner_id:${ownerId}:repository_id:${repositoryId}` : `repo:${owner}/${repository}`;
    }
    return form === 'immutable' ? `repo:${owner}@${ownerId}/${repository}@${repositoryId}` : `repo:${owner}/${repository}`;
  });
  const tail = workflowInSubject ? `:job_workflow_ref:${jobWorkflowRef}` : '';
  const subjectsOf = (cs: readonly string[]) => heads.flatMap((head) => cs.map((c) => `${head}:${c}${tail}`));
  let subjectClaimKeys: string[] | undefined;
  if (workflowInSubject) {
    subjectClaimKeys = format === 'name-based' ? ['repo', 'context', 'job_workflow_ref'] : ['repository_owner_id', 'repository_id', 'context', 'job_workflow_ref'];
    if (format === 'both') {
      fail({
        code: 'KL-GH-WORKFLOW-BOTH',
        path: ctx.path,
        prop: p('subjectFormat'),
        problem: 'is "both", but with `jobWorkflowRefInSubject` the subject follows the repository\'s custom template, which is one template, not a migration between two forms',
        fix: 'use "immutable" with the template `["repository_owner_id","repository_id","context","job_workflow_ref"]`, or "name-based" with `["repo","context","job_workflow_ref"]`',
      });
    }
  }

  const claimPins: ClaimPin[] = ownerId !== undefined
    ? [{ claim: 'repository_id', value: repositoryId! }, { claim: 'repository_owner_id', value: ownerId }]
    : [{ claim: 'repository', value: `${owner}/${repository}` }, { claim: 'repository_owner', value: owner }];
  const claimRequirements: ClaimRequirement[] = [];
  if (jobWorkflowRef !== undefined) {
    if (workflowInSubject) {
      claimPins.push({ claim: 'job_workflow_ref', value: jobWorkflowRef });
    } else {
      claimRequirements.push({
        claim: 'job_workflow_ref',
        values: [jobWorkflowRef],
        prop: p('jobWorkflowRef'),
        reason: `only runs of the reusable workflow ${jobWorkflowRef} are trusted`,
        fixWhereUncheckable: 'set the repository\'s OIDC subject template to include `job_workflow_ref` and declare `jobWorkflowRefInSubject: true`, so that the subject pins the workflow',
      });
    }
  }
  // Named once for the requirement's reason and the summary: the environments and the refs they must run on.
  const sortedEnvironments = sortedUnique(environments);
  const requiredRefs = [...sortedUnique(refContexts), ...sortedUnique(patternContexts.map((c) => `${c}*`))].map((c) => c.slice('ref:'.length));
  if (environmentOnRefs) {
    claimRequirements.push({
      claim: 'ref',
      values: sortedUnique(refContexts.map((c) => c.slice('ref:'.length))),
      prefixes: patternContexts.length > 0 ? sortedUnique(patternContexts.map((c) => c.slice('ref:'.length))) : undefined,
      prop: p(refContexts.some((c) => c.startsWith('ref:refs/heads/')) ? 'branches' : refContexts.length > 0 ? 'tags' : 'tagPatterns'),
      reason: `jobs in ${sortedEnvironments.map((e) => `"${e}"`).join(', ')} must also run on ${requiredRefs.join(', ')}, and a token's \`sub\` names only the environment`,
      fixWhereUncheckable: 'drop the refs and restrict the environment\'s deployment branches and tags in the repository settings, or set `allowBranchRunsWithoutEnvironment: true` to trust either (runs on the refs then skip the environment\'s protection rules)',
    });
  }

  const exactSubjects = sortedUnique(subjectsOf(contexts));
  const subjectPatterns = sortedUnique(subjectsOf(subjectPatternContexts).map((s) => `${s}*`));
  const admitted = environmentOnRefs
    ? [`${sortedEnvironments.map((e) => `environment:${e}`).join(', ')} on ${requiredRefs.join(', ')}`]
    : [...sortedUnique(contexts), ...sortedUnique(subjectPatternContexts.map((c) => `${c}*`))];
  const formNote = format === 'name-based' ? '' : format === 'both' ? '; both subject forms' : '; immutable subject';
  const workflowNote = jobWorkflowRef === undefined ? '' : `; workflow ${jobWorkflowRef}`;
  return {
    platform: 'github-actions',
    issuerUrl,
    issuerHostPath: issuerUrl.replace(/^https:\/\//, ''),
    exactSubjects,
    subjectPatterns,
    claimPins: [...claimPins].sort((a, b) => (a.claim < b.claim ? -1 : 1)),
    claimRequirements: claimRequirements.sort((a, b) => (a.claim < b.claim ? -1 : 1)),
    mappedClaims: ownerId !== undefined
      ? ['repository', 'repository_id', 'repository_owner', 'repository_owner_id']
      : ['repository', 'repository_owner'],
    subjectClaimKeys,
    repository: { path: `${owner}/${repository}`, ownerId, repositoryId, subjectFormat: format },
    summary: `GitHub Actions ${owner}/${repository} (${admitted.join(', ')}${formNote}${workflowNote})`,
  };
}

function resolveSubjectFormat(value: unknown, idsGiven: boolean, ctx: ValidationContext, prop: string): GitHubSubjectFormat {
  if (value === 'default') {
    fail({
      code: 'KL-GH-FORMAT',
      path: ctx.path,
      prop,
      problem: 'is "default", which no longer names one form: since 2026-06-18 the default subject of new, renamed and transferred repositories is the immutable form',
      fix: 'write "name-based" for `repo:OWNER/REPO:…`, "immutable" for `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, or "both" during a migration',
      docs: GITHUB_OIDC_DOCS,
    });
  }
  if (value !== undefined && !FORMATS.includes(value as GitHubSubjectFormat)) {
    fail({ code: 'KL-GH-FORMAT', path: ctx.path, prop, problem: `is ${quote(value)}: expected "name-based", "immutable" or "both"`, fix: 'use the form the repository emits (the `sub` of a real run shows it)' });
  }
  if (value === undefined) {
    if (idsGiven) {
      fail({
        code: 'KL-GH-FORMAT-UNDECLARED',
        path: ctx.path,
        prop,
        problem: 'is missing: with the ids given, say which form of `sub` the repository emits (a trust for the wrong form denies every run, and Keyless does not guess it from the creation date)',
        fix: 'set "immutable" (`repo:OWNER@OWNER_ID/REPO@REPO_ID:…`: repositories created, renamed or transferred since 2026-06-18, or opted in), "name-based" (`repo:OWNER/REPO:…`) or "both" while the repository switches',
        docs: GITHUB_OIDC_DOCS,
      });
    }
    return 'name-based';
  }
  if (value !== 'name-based' && !idsGiven) {
    fail({
      code: 'KL-GH-IMMUTABLE-IDS',
      path: ctx.path,
      prop,
      problem: `is "${value}" but \`ownerId\` and \`repositoryId\` are not given: the immutable subject \`repo:OWNER@OWNER_ID/REPO@REPO_ID:…\` needs both ids, and they are never wildcarded`,
      fix: 'give `ownerId` and `repositoryId`',
      docs: GITHUB_OIDC_DOCS,
    });
  }
  return value as GitHubSubjectFormat;
}

function checkEnvironment(env: unknown, ctx: ValidationContext, prop: string): string {
  if (typeof env !== 'string' || env.length === 0 || env.length > 255 || ENVIRONMENT_REFUSED.test(env) || env.trim() !== env) {
    fail({
      code: 'KL-GH-ENVIRONMENT',
      path: ctx.path,
      prop,
      problem: `is ${quote(env)}: an environment is named exactly, 1–255 characters, with no \`:\`, wildcard (\`* ? [ ]\`), control or invisible formatting characters and no leading or trailing space (inner spaces are fine)`,
      fix: 'use the environment name exactly as configured in the repository settings, e.g. "production" or "Production EU"',
    });
  }
  return env;
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
