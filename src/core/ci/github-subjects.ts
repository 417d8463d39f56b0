import type { GitHubSubjectFormat } from './github';
import type { GitHubContexts } from './github-contexts';
import { GITHUB_OIDC_DOCS, GitHubRepository } from './github-repository';
import { CiTrustPolicy, ClaimPin, ClaimRequirement } from './policy';
import { sortedUnique } from './values';
import { fail, quote, ValidationContext } from '../errors';
import { checkBooleanProp } from '../props';

/**
 * The subjects and claims of a GitHub trust: the reusable workflow pinned (by claim or in the subject), the subject
 * forms the repository emits, the claim pins and requirements, and the resulting {@link CiTrustPolicy}.
 */

// The ref part follows git check-ref-format: no control characters, space, `~ ^ : ? * [ \`.
// eslint-disable-next-line no-control-regex
const WORKFLOW_REF = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+\/\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml@refs\/(heads|tags)\/[^*?[\]:\s\x00-\x1f\x7f\\~^]+$/;

/** The reusable workflow a trust pins, validated. */
export interface GitHubWorkflowPin {
  /** The `job_workflow_ref` pinned, if any. */
  readonly jobWorkflowRef?: string;
  /** Whether the repository's subject template carries it (so `sub` pins it). */
  readonly workflowInSubject: boolean;
}

/** Validates `jobWorkflowRef` and `jobWorkflowRefInSubject` (never with tag patterns, whose `*` would match any workflow). */
export function resolveGitHubWorkflow(
  props: { readonly jobWorkflowRef?: unknown; readonly jobWorkflowRefInSubject?: unknown },
  subjectPatternContexts: readonly string[], ctx: ValidationContext, prop: string,
): GitHubWorkflowPin {
  const p = (name: string) => `${prop}.${name}`;
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
  return { jobWorkflowRef, workflowInSubject };
}

/** Decides the trust policy from the validated repository, contexts and workflow pin. */
export function githubTrustPolicy(
  repo: GitHubRepository, issuerUrl: string, runs: GitHubContexts, workflow: GitHubWorkflowPin, ctx: ValidationContext, prop: string,
): CiTrustPolicy {
  const p = (name: string) => `${prop}.${name}`;
  const { owner, repository, ownerId, repositoryId } = repo;
  const format: GitHubSubjectFormat = repo.format;
  const { refContexts, patternContexts, environments, environmentOnRefs, contexts, subjectPatternContexts } = runs;
  const { jobWorkflowRef, workflowInSubject } = workflow;
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
