/** The forged variants of a GitLab CI job (sources: see tokens.ts). */
import { audienceCandidates, Candidate, forgedId, lastSegment, otherCase, otherThan } from './forge-common';
import { ATTACKER_OWNER, FORGED_AUDIENCE, FORGED_MARKER } from './tokens-common';
import type { GitLabRun } from './tokens-gitlab';
import type { TokenProfile } from './tokens-profile';
import { GITLAB_COM_ISSUER } from '../core/ci/gitlab';

/**
 * Pipelines on another branch, a branch extending the legitimate one, a tag (another tag, one extending an exactly
 * named tag: `refPinned`), the ref in another case (Git refs are case-sensitive). All unprotected.
 */
function refCandidates(run: GitLabRun, refPinned: boolean): Candidate[] {
  const gitlab = (changes: Partial<GitLabRun>): TokenProfile => ({ platform: 'gitlab', run: { ...run, ...changes, refProtected: false } });
  const onTag = run.refType === 'tag';
  const extended = `${run.ref}-${FORGED_MARKER}`;
  const result: Candidate[] = [
    { family: 'other-branch', description: `a pipeline of ${run.projectPath} on another branch (${FORGED_MARKER})`, profile: gitlab({ refType: 'branch', ref: FORGED_MARKER }) },
  ];
  if (!onTag) {
    result.push(
      { family: 'branch-prefix', description: `a pipeline of ${run.projectPath} on a branch extending ${run.ref} (${extended})`, profile: gitlab({ ref: extended }) },
      { family: 'tag', description: `a pipeline of ${run.projectPath} on a tag (${FORGED_MARKER})`, profile: gitlab({ refType: 'tag', ref: FORGED_MARKER }) },
    );
  } else {
    result.push({ family: 'other-tag', description: `a pipeline of ${run.projectPath} on another tag (${FORGED_MARKER})`, profile: gitlab({ ref: FORGED_MARKER }) });
    if (refPinned) {
      result.push({ family: 'tag-prefix', description: `a pipeline of ${run.projectPath} on a tag extending ${run.ref} (${extended})`, profile: gitlab({ ref: extended }) });
    }
  }
  const cased = otherCase(run.ref);
  if (cased !== undefined) {
    result.push({ family: 'ref-case', description: `a pipeline of ${run.projectPath} on ${cased} (${run.ref} in another case: another ref)`, profile: gitlab({ ref: cased }) });
  }
  return result;
}

/**
 * The candidates of a GitLab job; the project-id family only when the trust pins an id; a tag extending the
 * legitimate one only when the trust names the ref exactly (`refPinned`).
 */
export function gitlabCandidates(run: GitLabRun, pinsIds: boolean, refPinned = false): Candidate[] {
  const gitlab = (changes: Partial<GitLabRun>): TokenProfile => ({ platform: 'gitlab', run: { ...run, ...changes } });
  const ids = [run.namespaceId, run.projectId];
  const segments = run.projectPath.split('/');
  const project = lastSegment(run.projectPath);
  const group = segments.slice(0, -1).join('/');
  const attacker = otherThan(segments[0], ATTACKER_OWNER);
  const instance = run.instance ?? GITLAB_COM_ISSUER;
  const forgedPath = `${attacker}/${project}`;
  const result: Candidate[] = [
    {
      family: 'other-group',
      description: `a project with the same name in another group (${forgedPath})`,
      profile: gitlab({ projectPath: forgedPath, namespaceId: forgedId('990021', ...ids), projectId: forgedId('990022', ...ids) }),
    },
    {
      family: 'group-prefix',
      description: `a group whose path extends ${segments[0]} (${[`${segments[0]}-forged`, ...segments.slice(1)].join('/')})`,
      profile: gitlab({
        projectPath: [`${segments[0]}-forged`, ...segments.slice(1)].join('/'), namespaceId: forgedId('990023', ...ids), projectId: forgedId('990024', ...ids),
      }),
    },
    {
      family: 'other-project',
      description: `another project of ${group} (${group}/${otherThan(project, FORGED_MARKER)})`,
      profile: gitlab({ projectPath: `${group}/${otherThan(project, FORGED_MARKER)}`, projectId: forgedId('990025', ...ids) }),
    },
    {
      family: 'project-prefix',
      description: `a project of ${group} whose path extends ${project} (${run.projectPath}-forged)`,
      profile: gitlab({ projectPath: `${run.projectPath}-forged`, projectId: forgedId('990026', ...ids) }),
    },
    {
      family: 'fork-merge-request',
      description: `a merge-request pipeline from the fork ${forgedPath} on its branch ${run.ref}, run in ${run.projectPath}`,
      profile: gitlab({
        refType: 'branch',
        environment: undefined,
        fork: { projectPath: forgedPath, namespaceId: forgedId('990027', ...ids), projectId: forgedId('990028', ...ids) },
      }),
    },
    ...refCandidates(run, refPinned),
    {
      family: 'unprotected-ref',
      description: `a merge-request pipeline of ${run.projectPath} on ${run.ref} (ref_protected "false")`,
      profile: gitlab({ refProtected: false, pipelineSource: 'merge_request_event' }),
    },
  ];
  if (pinsIds) {
    const projectId = forgedId('990029', ...ids);
    result.push({
      family: 'other-project-id',
      description: `${run.projectPath} deleted and re-created under the same path (project id ${projectId})`,
      profile: gitlab({ projectId }),
    });
  }
  result.push(...audienceCandidates(gitlab({ aud: FORGED_AUDIENCE }), gitlab({ aud: null })));
  const other = instance === `https://gitlab.${FORGED_MARKER}.example` ? GITLAB_COM_ISSUER : `https://gitlab.${FORGED_MARKER}.example`;
  result.push({
    family: 'self-managed-instance',
    description: `the same paths on another GitLab instance (${other})`,
    profile: gitlab({ instance: other, ...(run.aud === undefined ? { aud: instance } : {}) }),
  });
  return result;
}
