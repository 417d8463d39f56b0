import { fail, quote, ValidationContext } from '../errors';
import { requireLiterals, snapshotDeclaration } from '../literal';
import { checkBooleanProp } from '../props';
import {
  checkIssuerUrl, checkNumericId, CI_SOURCE_BRAND, checkRefName, checkRefPattern, CiResolveOptions, CiTrustPolicy, checkSourceProps, ClaimPin,
  ICiSource, listProp, sortedUnique, WILDCARD_CHARS,
} from './policy';

/** The issuer of GitLab.com (SaaS) CI tokens. */
export const GITLAB_COM_ISSUER = 'https://gitlab.com';
const GITLAB_OIDC_DOCS = 'https://docs.gitlab.com/ci/secrets/id_token_authentication/';

/** A GitLab project whose CI jobs may obtain cloud credentials. */
export interface GitLabCiProps {
  /**
   * The GitLab instance URL, which is the token issuer: `https://gitlab.com`, or a self-managed instance such as
   * `https://gitlab.example.com` (with its relative URL path, if any).
   *
   * @default 'https://gitlab.com'
   */
  readonly instanceUrl?: string;
  /** Full project path, `GROUP[/SUBGROUP…]/PROJECT`, exactly (no wildcards). */
  readonly projectPath: string;
  /**
   * Numeric id of the project's namespace, its parent group or user (`namespace_id` claim). Pins the group
   * against rename and path reuse on
   * targets that can check claims (GCP). Give it together with `projectId`.
   *
   * @default - the namespace is pinned by path only
   */
  readonly namespaceId?: string;
  /**
   * Numeric id of the project (`project_id` claim).
   *
   * @default - the project is pinned by path only
   */
  readonly projectId?: string;
  /** Branches whose pipelines are trusted (`ref_type:branch:ref:BRANCH`), exact names. @default - none */
  readonly branches?: string[];
  /** Tags whose pipelines are trusted (`ref_type:tag:ref:TAG`), exact names. @default - none */
  readonly tags?: string[];
  /**
   * Tag patterns, each a literal prefix and one trailing `*` (e.g. `v*`). Not supported on Azure.
   *
   * @default - none
   */
  readonly tagPatterns?: string[];
  /**
   * Explicit opt-in to trust pipelines on refs that are not protected. By default GCP requires
   * `ref_protected == "true"`, which also denies every merge-request pipeline (GitLab sets it to `false` there),
   * including one from a fork whose branch is named like a protected branch. AWS and Azure check only `sub`, which
   * does not carry it (see the README, "GitLab merge requests from forks").
   *
   * @default false
   */
  readonly allowUnprotectedRefs?: boolean;
}

const GITLAB_PROPS: readonly (keyof GitLabCiProps)[] = [
  'instanceUrl', 'projectPath', 'namespaceId', 'projectId', 'branches', 'tags', 'tagPatterns', 'allowUnprotectedRefs',
];

/** GitLab CI as a CI source. */
export class GitLabCi implements ICiSource {
  /** Trust pipelines of one GitLab project. Validated when a construct uses it. */
  public static project(props: GitLabCiProps): GitLabCi {
    return new GitLabCi(snapshotDeclaration(props));
  }

  public readonly platform = 'gitlab-ci' as const;

  /** @internal */
  public readonly [CI_SOURCE_BRAND] = true;

  private constructor(public readonly props: GitLabCiProps) {}

  public resolve(ctx: ValidationContext, prop: string, _options: CiResolveOptions = {}): CiTrustPolicy {
    // Every prop of a CI source decides which runs are trusted: none may be decided after synthesis.
    checkSourceProps(this.props, GITLAB_PROPS, ctx, prop, '`GitLabCi.project({ projectPath, branches })`');
    requireLiterals(this.props, ctx, prop, 'which CI runs are trusted');
    return resolveGitLab(this.props, ctx, prop);
  }
}

// GitLab paths: segments of letters, digits, `_`, `-`, `.`, not starting with `-` or `.` (GitLab path rules).
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;

function resolveGitLab(props: GitLabCiProps, ctx: ValidationContext, prop: string): CiTrustPolicy {
  const p = (name: string) => `${prop}.${name}`;
  const issuerUrl = checkIssuerUrl(props.instanceUrl ?? GITLAB_COM_ISSUER, ctx, p('instanceUrl'), GITLAB_COM_ISSUER);
  if (/^https:\/\/(token\.actions\.githubusercontent\.com|github\.com)(\/|$)/.test(issuerUrl)) {
    fail({
      code: 'KL-GL-ISSUER-UNKNOWN',
      path: ctx.path,
      prop: p('instanceUrl'),
      problem: `is ${quote(issuerUrl)}, a GitHub URL, not a GitLab instance`,
      fix: 'use `GitHubActions.repository(…)` for GitHub, or the URL of the GitLab instance',
    });
  }
  const projectPath = props.projectPath;
  if (typeof projectPath !== 'string' || projectPath === '') {
    fail({ code: 'KL-GL-MISSING', path: ctx.path, prop: p('projectPath'), problem: 'is missing', fix: 'give the full project path, e.g. "acme/payments/api"' });
  }
  if (WILDCARD_CHARS.test(projectPath)) {
    fail({
      code: 'KL-GL-WILDCARD',
      path: ctx.path,
      prop: p('projectPath'),
      problem: `is ${quote(projectPath)}: wildcards are not allowed in a project path (a \`*\` would admit other groups' or projects' pipelines)`,
      fix: 'name the exact project path; trust each project with its own declaration',
      docs: GITLAB_OIDC_DOCS,
    });
  }
  const segments = projectPath.split('/');
  if (segments.length < 2 || segments.length > 21 || !segments.every((s) => PATH_SEGMENT.test(s) && !s.endsWith('.git') && !s.endsWith('.atom'))) {
    fail({
      code: 'KL-GL-PATH',
      path: ctx.path,
      prop: p('projectPath'),
      problem: `is ${quote(projectPath)}: a project path is GROUP[/SUBGROUP…]/PROJECT, each part letters, digits, \`_\`, \`-\` or \`.\` (not starting with \`-\` or \`.\`)`,
      fix: 'copy the path from the project URL, e.g. "acme/payments/api"',
    });
  }
  const namespaceId = props.namespaceId === undefined ? undefined : checkNumericId(props.namespaceId, ctx, p('namespaceId'), 'GitLab namespace id');
  const projectId = props.projectId === undefined ? undefined : checkNumericId(props.projectId, ctx, p('projectId'), 'GitLab project id');
  if ((namespaceId === undefined) !== (projectId === undefined)) {
    fail({
      code: 'KL-GL-IDS-PAIR',
      path: ctx.path,
      prop: p(namespaceId === undefined ? 'namespaceId' : 'projectId'),
      problem: 'is missing while its pair is given: the namespace id and the project id pin the project together',
      fix: 'give both `namespaceId` and `projectId` (shown on the project and group overview pages), or neither',
    });
  }

  const contexts: string[] = [];
  for (const [i, branch] of listProp(props.branches, ctx, p('branches')).entries()) {
    contexts.push(`ref_type:branch:ref:${checkRefName(branch, 'branch', ctx, `${p('branches')}[${i}]`, p('tagPatterns'))}`);
  }
  for (const [i, tag] of listProp(props.tags, ctx, p('tags')).entries()) {
    contexts.push(`ref_type:tag:ref:${checkRefName(tag, 'tag', ctx, `${p('tags')}[${i}]`, p('tagPatterns'))}`);
  }
  const patternContexts = listProp(props.tagPatterns, ctx, p('tagPatterns'))
    .map((pattern, i) => `ref_type:tag:ref:${checkRefPattern(pattern, ctx, `${p('tagPatterns')}[${i}]`)}*`);
  if (contexts.length === 0 && patternContexts.length === 0) {
    fail({
      code: 'KL-CI-NO-SUBJECT',
      path: ctx.path,
      prop,
      problem: `admits no pipeline of ${projectPath}: no \`branches\`, \`tags\` or \`tagPatterns\` is given`,
      fix: 'name the protected branch or tag the pipeline runs from, e.g. `branches: ["main"]`',
    });
  }

  const namespacePath = segments.slice(0, -1).join('/');
  const claimPins: ClaimPin[] = namespaceId !== undefined
    ? [{ claim: 'namespace_id', value: namespaceId }, { claim: 'project_id', value: projectId! }]
    : [{ claim: 'namespace_path', value: namespacePath }, { claim: 'project_path', value: projectPath }];
  const allowUnprotected = checkBooleanProp(props.allowUnprotectedRefs, ctx, p('allowUnprotectedRefs'), 'set it to true only to trust pipelines on unprotected refs');
  // GitLab sets `ref_protected` to "false" in merge-request pipelines, fork ones included (GitLab, "ID token
  // authentication", and gitlab-org/gitlab#561735): pinning it keeps them, and unprotected refs, out.
  if (!allowUnprotected) claimPins.push({ claim: 'ref_protected', value: 'true' });
  claimPins.sort((a, b) => (a.claim < b.claim ? -1 : 1));
  const subjectOf = (context: string) => `project_path:${projectPath}:${context}`;
  return {
    platform: 'gitlab-ci',
    issuerUrl,
    issuerHostPath: issuerUrl.replace(/^https:\/\//, ''),
    exactSubjects: sortedUnique(contexts.map(subjectOf)),
    subjectPatterns: sortedUnique(patternContexts.map(subjectOf)),
    claimPins,
    mappedClaims: namespaceId !== undefined
      ? ['namespace_id', 'namespace_path', 'project_id', 'project_path']
      : ['namespace_path', 'project_path'],
    repository: { path: projectPath, ownerId: namespaceId, repositoryId: projectId },
    summary: `GitLab CI ${projectPath} (${[...sortedUnique(contexts), ...sortedUnique(patternContexts)].join(', ')})`,
  };
}
