import type { GitHubActionsProps } from './github';
import { GITHUB_OIDC_DOCS } from './github-repository';
import { checkRefName, checkRefPattern } from './refs';
import { listProp } from './values';
import { fail, quote, ValidationContext } from '../errors';
import { checkBooleanProp } from '../props';

/**
 * Which runs of the repository a GitHub trust admits: branches, tags, tag patterns and environments (and pull
 * requests, when opted in), and whether environment jobs must also run on the declared refs.
 */

// GitHub environment names: up to 255 characters, spaces allowed. Keyless refuses what would make the subject
// ambiguous or unmatchable: `:` (the subject separator), wildcard characters, control characters, leading or
// trailing white space.
// eslint-disable-next-line no-control-regex
const ENVIRONMENT_REFUSED = /[:*?[\]\p{Cc}\p{Cf}\u2028\u2029]/u;

/** The contexts (the part of `sub` after the repository) a GitHub trust admits, validated. */
export interface GitHubContexts {
  /** `ref:refs/heads/BRANCH` and `ref:refs/tags/TAG`, as declared. */
  readonly refContexts: readonly string[];
  /** `ref:refs/tags/PREFIX` of each tag pattern (without the `*`), as declared. */
  readonly patternContexts: readonly string[];
  /** Environment names, as declared. */
  readonly environments: readonly string[];
  /** Whether environment jobs must also run on the declared refs (checked through the `ref` claim). */
  readonly environmentOnRefs: boolean;
  /** The exact contexts of `sub`. */
  readonly contexts: readonly string[];
  /** The contexts of `sub` that are patterns (a literal prefix; the `*` is added with the subject). */
  readonly subjectPatternContexts: readonly string[];
}

/** Validates the refs, patterns, environments and opt-ins, and decides the contexts admitted. */
export function resolveGitHubContexts(props: GitHubActionsProps, ctx: ValidationContext, prop: string): GitHubContexts {
  const p = (name: string) => `${prop}.${name}`;
  const { owner, repository } = props;
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
  return { refContexts, patternContexts, environments, environmentOnRefs, contexts, subjectPatternContexts };
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

