/**
 * Which runs of one repository a CI `sub` value admits, beyond the refs and environments it names: pull-request
 * runs, and every branch or environment through a wildcard. One decision for `keyless check`
 * (KL-G-FEDERATED-TRUST-UNPINNED) and `keyless inventory` / `keyless diff` (the `admits pull_request runs` flag).
 *
 * Sources: GitHub, "OpenID Connect reference" (subjects `repo:OWNER/REPO:pull_request`,
 * `repo:OWNER/REPO:ref:refs/heads/BRANCH`, `repo:OWNER/REPO:ref:refs/tags/TAG`, `repo:OWNER/REPO:environment:NAME`;
 * a pull-request run's `ref` is `refs/pull/N/merge`; a workflow that names an environment that does not exist creates
 * it, unprotected); GitLab, "ID token authentication" (`project_path:GROUP/PROJECT:ref_type:branch|tag:ref:NAME`,
 * merge request pipelines run on the source branch).
 */
import { PINNED_CI_SUBJECT_PREFIXES } from './subjects';

const GLOB = /[*?]/;

/** The part of a pattern before its first wildcard. */
function literalPrefix(pattern: string): string {
  const index = pattern.search(GLOB);
  return index < 0 ? pattern : pattern.slice(0, index);
}

/**
 * Whether a GitHub `sub` value (exact, or a StringLike pattern) admits pull_request runs: an exact subject ending in
 * `:pull_request`, a pattern naming `pull_request`, or a pattern whose literal part does not fix the context to a Git
 * ref or an environment (`repo:acme/app:*`; also `repo:acme/app:ref:*`, which a custom template with the `ref` claim
 * gives `refs/pull/N/merge` runs). Ref and environment names cannot end the subject with `:pull_request` once the
 * context is fixed (`repo:acme/app:ref:refs/heads/*`, `repo:acme/app:environment:*`).
 */
export function subjectAdmitsPullRequest(sub: string): boolean {
  if (!GLOB.test(sub)) return sub.endsWith(':pull_request');
  if (sub.includes('pull_request')) return true;
  return !/:(ref:refs\/|environment:)/.test(literalPrefix(sub));
}

/** A context of a repository's subjects that admits every run of one kind. */
export interface BroadCiContext {
  /** The subject pattern (after the repository prefix) that admits every run of the kind, e.g. `ref:refs/heads/*`. */
  readonly context: string;
  /** What it admits, e.g. `every branch`. */
  readonly admits: string;
}

/** The contexts of a GitHub repository's subjects that admit every branch or environment. */
export const GITHUB_BROAD_CONTEXTS: readonly BroadCiContext[] = [
  { context: 'ref:refs/heads/*', admits: 'every branch' },
  { context: 'environment:*', admits: 'every environment' },
];

/** The contexts of a GitLab project's subjects that admit every branch (merge request pipelines run on their source branch). */
export const GITLAB_BROAD_CONTEXTS: readonly BroadCiContext[] = [
  { context: 'ref_type:branch:ref:*', admits: 'every branch' },
];

/** Which CI a subject pinned to one repository or project belongs to, and its repository prefix (`repo:acme/app:`). */
export function ciSubjectRepository(sub: string): { readonly ci: 'github' | 'gitlab'; readonly prefix: string } | undefined {
  for (const pattern of PINNED_CI_SUBJECT_PREFIXES) {
    const match = pattern.exec(sub);
    if (match) return { ci: match[0].startsWith('project_path:') ? 'gitlab' : 'github', prefix: match[0] };
  }
  return undefined;
}

/**
 * The broad subject patterns a pinned CI subject is to be compared with: for each kind of run, the full pattern
 * (`repo:acme/app:ref:refs/heads/*`) that a subject admitting every run of the kind covers. Empty for a subject that
 * pins no repository (see `subjectIsPinned`).
 */
export function broadCiSubjects(sub: string): Array<{ readonly subject: string; readonly admits: string }> {
  const repository = ciSubjectRepository(sub);
  if (!repository) return [];
  const contexts = repository.ci === 'gitlab' ? GITLAB_BROAD_CONTEXTS : GITHUB_BROAD_CONTEXTS;
  return contexts.map(({ context, admits }) => ({ subject: `${repository.prefix}${context}`, admits }));
}
