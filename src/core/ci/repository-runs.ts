import type { GitHubSubjectFormat } from './github';
import type { CiTrustPolicy } from './policy';
import type { CiRepositorySideIdentity, NamedIdentity } from './repository-side';
import { fail, quote } from '../errors';

/** The runs a CI trust admits, read back from its subjects and claim requirements: what the repository side serves. */

/** The runs of a GitHub trust, read back from its subjects and claim requirements. */
export interface GitHubRuns {
  readonly owner: string;
  readonly repository: string;
  readonly ownerId?: string;
  readonly repositoryId?: string;
  readonly form: GitHubSubjectFormat;
  /** Branches, tags and tag prefixes the runs are on (the triggers), sorted. */
  readonly branches: readonly string[];
  readonly tags: readonly string[];
  readonly tagPrefixes: readonly string[];
  /** Environments whose jobs are trusted, sorted. */
  readonly environments: readonly string[];
  readonly pullRequests: boolean;
  /** Whether the environment jobs must also run on the refs (the `ref` claim is required). */
  readonly environmentOnRefs: boolean;
  /** The reusable workflow the job must run, when pinned. */
  readonly jobWorkflowRef?: string;
  /** The custom subject template, when the trust needs one. */
  readonly subjectClaimKeys?: readonly string[];
}

/** The runs of a GitLab trust, read back from its subjects. */
export interface GitLabRuns {
  readonly projectPath: string;
  readonly branches: readonly string[];
  readonly tags: readonly string[];
  readonly tagPrefixes: readonly string[];
  /** Whether the trust requires `ref_protected == "true"` (where the cloud can check it). */
  readonly protectedRefs: boolean;
}

/** Reads back the runs of a GitHub trust from its subjects (the forms `core/ci/github-subjects.ts` decides). */
export function githubRuns(identity: CiRepositorySideIdentity): GitHubRuns {
  const trust = identity.trust;
  const repository = trust.repository!;
  const [owner, name] = repository.path.split('/');
  const { ownerId, repositoryId } = repository;
  const form = (repository.subjectFormat ?? 'name-based') as GitHubSubjectFormat;
  const requirement = (claim: string) => (trust.claimRequirements ?? []).find((r) => r.claim === claim);
  const jobWorkflowRef = trust.claimPins.find((p) => p.claim === 'job_workflow_ref')?.value ?? requirement('job_workflow_ref')?.values[0];
  const inSubject = trust.subjectClaimKeys?.includes('job_workflow_ref') === true;
  const forms = form === 'both' ? ['name-based', 'immutable'] : [form];
  const heads = forms.map((f) => {
    if (inSubject) return f === 'immutable' ? `repository_owner_id:${ownerId}:repository_id:${repositoryId}` : `repo:${owner}/${name}`;
    return f === 'immutable' ? `repo:${owner}@${ownerId}/${name}@${repositoryId}` : `repo:${owner}/${name}`;
  });
  const tail = inSubject ? `:job_workflow_ref:${jobWorkflowRef}` : '';
  const contextOf = (subject: string): string => {
    const head = heads.find((h) => subject.startsWith(`${h}:`) && subject.endsWith(tail));
    if (head === undefined) {
      fail({
        code: 'KL-CI-REPO-SUBJECT',
        path: identity.construct,
        prop: 'source',
        problem: `admits the subject ${quote(subject)}, which is not of the form the repository emits (${heads.map((h) => `${h}:…`).join(' or ')})`,
        fix: 'declare the trust with `GitHubActions.repository(…)`, whose subjects Keyless decides',
      });
    }
    return subject.slice(head.length + 1, subject.length - tail.length);
  };
  const branches = new Set<string>();
  const tags = new Set<string>();
  const tagPrefixes = new Set<string>();
  const environments = new Set<string>();
  let pullRequests = false;
  for (const context of trust.exactSubjects.map(contextOf)) {
    if (context.startsWith('ref:refs/heads/')) branches.add(context.slice('ref:refs/heads/'.length));
    else if (context.startsWith('ref:refs/tags/')) tags.add(context.slice('ref:refs/tags/'.length));
    else if (context.startsWith('environment:')) environments.add(context.slice('environment:'.length));
    else if (context === 'pull_request') pullRequests = true;
  }
  for (const context of trust.subjectPatterns.map(contextOf)) {
    if (context.startsWith('ref:refs/tags/') && context.endsWith('*')) tagPrefixes.add(context.slice('ref:refs/tags/'.length, -1));
  }
  const ref = requirement('ref');
  if (ref !== undefined) {
    for (const value of ref.values) {
      if (value.startsWith('refs/heads/')) branches.add(value.slice('refs/heads/'.length));
      else if (value.startsWith('refs/tags/')) tags.add(value.slice('refs/tags/'.length));
    }
    for (const prefix of ref.prefixes ?? []) if (prefix.startsWith('refs/tags/')) tagPrefixes.add(prefix.slice('refs/tags/'.length));
  }
  return {
    owner,
    repository: name,
    ownerId,
    repositoryId,
    form,
    branches: [...branches].sort(),
    tags: [...tags].sort(),
    tagPrefixes: [...tagPrefixes].sort(),
    environments: [...environments].sort(),
    pullRequests,
    environmentOnRefs: ref !== undefined,
    jobWorkflowRef,
    subjectClaimKeys: trust.subjectClaimKeys,
  };
}

/** Reads back the runs of a GitLab trust from its subjects (`project_path:P:ref_type:branch|tag:ref:NAME`). */
export function gitlabRuns(identity: CiRepositorySideIdentity): GitLabRuns {
  const projectPath = identity.trust.repository!.path;
  const head = `project_path:${projectPath}:`;
  const branches: string[] = [];
  const tags: string[] = [];
  const tagPrefixes: string[] = [];
  for (const subject of [...identity.trust.exactSubjects, ...identity.trust.subjectPatterns]) {
    const context = subject.startsWith(head) ? subject.slice(head.length) : '';
    if (context.startsWith('ref_type:branch:ref:') && !identity.trust.subjectPatterns.includes(subject)) {branches.push(context.slice('ref_type:branch:ref:'.length));} else if (context.startsWith('ref_type:tag:ref:') && identity.trust.subjectPatterns.includes(subject)) {tagPrefixes.push(context.slice('ref_type:tag:ref:'.length, -1));} else if (context.startsWith('ref_type:tag:ref:')) {tags.push(context.slice('ref_type:tag:ref:'.length));} else {
      fail({
        code: 'KL-CI-REPO-SUBJECT',
        path: identity.construct,
        prop: 'source',
        problem: `admits the subject ${quote(subject)}, which is not of the form GitLab issues (${head}ref_type:branch|tag:ref:NAME)`,
        fix: 'declare the trust with `GitLabCi.project(…)`, whose subjects Keyless decides',
      });
    }
  }
  return {
    projectPath,
    branches: branches.sort(),
    tags: tags.sort(),
    tagPrefixes: tagPrefixes.sort(),
    protectedRefs: identity.trust.claimPins.some((p) => p.claim === 'ref_protected' && p.value === 'true'),
  };
}

/** The template as text, for errors and comments. */
export function templateText(keys: readonly string[] | undefined): string {
  return keys === undefined ? '`{"use_default": true}` (GitHub\'s default)' : `\`include_claim_keys: ${JSON.stringify(keys)}\``;
}

/**
 * The first exact subject the trust admits, an example `sub` to compare with a real run; for a trust of patterns only,
 * its first pattern, said to be one.
 */
export function exampleSubject(trust: CiTrustPolicy): string {
  return trust.exactSubjects[0] ?? `${trust.subjectPatterns[0]} (a pattern: * stands for the rest of the tag)`;
}

/** Markdown code span that holds any text (a backtick inside gets a longer fence), with `|` escaped for tables. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${text.replace(/\|/g, '\\|')}${fence.length > 1 ? ' ' : ''}${fence}`;
}

/**
 * `PREFIX_SUFFIX`, a repository or CI/CD variable of one identity (letters, digits and `_`, starting with the prefix's
 * letter), unique in its repository: see {@link NamedIdentity.variable}.
 */
export function variableName(prefix: string, identity: NamedIdentity): string {
  return `${prefix}_${identity.variable}`;
}

/** Code-point order, for byte-identical output whatever the locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A directory name from a validated repository, project or host name. Repository names are validated (no `/`, not
 * `.` or `..`), so this never fails for a trust Keyless decided; it is the guard that no path leaves `out/ci/`.
 */
export function pathSegment(segment: string, construct: string): string {
  // eslint-disable-next-line no-control-regex
  if (segment === '' || segment === '.' || segment === '..' || /[/\\\x00-\x1f\x7f:]/.test(segment)) {
    fail({
      code: 'KL-CI-REPO-PATH',
      path: construct,
      prop: 'source',
      problem: `names the repository directory ${quote(segment)}, which is not a single file name under out/ci/`,
      fix: 'declare the repository or project with its exact, validated name',
    });
  }
  return segment;
}
