/** The GitHub run a combination of a trust's values was written for (sources: see tokens.ts). */
import {
  Derived, Field, fieldOf, instantiateGlob, isPattern, literal, literalPrefix, readKeyedSubject, Wanted,
} from './derive-common';
import type { MutableClaims } from './tokens-common';
import { githubIssuerOf, GitHubRun, GitHubSubjectForm } from './tokens-github';
import { GITHUB_ISSUER } from '../core/ci/github-repository';
import { globMatches } from '../synth/glob';

/** A full Git ref from a wanted value (GitHub's `ref` claim): a pattern gets a representative ref it admits. */
function githubRefOf(wanted: Wanted, fallback = 'refs/heads/main'): Field {
  if (!isPattern(wanted)) return literal(wanted.value);
  const pattern = wanted.value;
  if (pattern.startsWith('refs/tags/')) return { value: `refs/tags/${instantiateGlob(pattern.slice(10), 'tag')}`, pinned: false };
  if (pattern.startsWith('refs/heads/')) return { value: `refs/heads/${instantiateGlob(pattern.slice(11))}`, pinned: false };
  const candidate = [fallback, 'refs/heads/main', 'refs/tags/v1.0.0'].find((ref) => globMatches(pattern, ref));
  return { value: candidate ?? instantiateGlob(pattern), pinned: false };
}

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
    } else if (key === 'context') {
      setGitHubContext(claims, value);
    } else {
      claims.set(key, value);
    }
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

/**
 * Why GitHub never issues the token a trust requires, if it does not: an issuer written otherwise than GitHub writes
 * it (`real`), an owner or repository name GitHub does not allow. GitHub: owner (user or organization) names "may only
 * contain alphanumeric characters or single hyphens" (the sign-up form; also
 * https://docs.github.com/en/enterprise-cloud@latest/admin/managing-iam/iam-configuration-reference/username-considerations-for-external-authentication);
 * repository names are letters, digits, `.`, `-` and `_` (GitHub replaces any other character by `-` when it creates
 * the repository: https://docs.github.com/en/repositories/creating-and-managing-repositories/creating-a-new-repository).
 */
function githubImpossible(issuer: string | undefined, real: string | undefined, owner: Field, repository: Field): string | undefined {
  if (issuer !== undefined && real !== undefined && real !== issuer) return `GitHub's issuer is ${real}, not ${issuer}`;
  if (owner.pinned && !/^[A-Za-z0-9-]+$/.test(owner.value)) return `GitHub allows no owner named "${owner.value}" (letters, digits and -)`;
  if (repository.pinned && !/^[A-Za-z0-9._-]+$/.test(repository.value)) {
    return `GitHub allows no repository named "${repository.value}" (letters, digits, ., _ and -)`;
  }
  return undefined;
}

const DEFAULT_OWNER = 'legit-owner';
const DEFAULT_REPOSITORY = 'legit-repo';
const DEFAULT_OWNER_ID = '100001';
const DEFAULT_REPOSITORY_ID = '200002';

/** The GitHub run of one combination of wanted values, or undefined when the subject is in none of GitHub's forms. */
export function deriveGitHub(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived | undefined {
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
  const realIssuer = issuer !== undefined ? githubIssuerOf(issuer) : undefined;
  const run: GitHubRun = {
    issuer: realIssuer ?? issuer ?? GITHUB_ISSUER,
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
  const impossible = githubImpossible(issuer, realIssuer, owner, repository);
  return { profile: { platform: 'github', run }, invented, ...(impossible !== undefined ? { impossible } : {}) };
}
