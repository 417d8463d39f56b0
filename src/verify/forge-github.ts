/** The forged variants of a GitHub Actions run (sources: see tokens.ts). */
import { audienceCandidates, Candidate, forgedId, otherCase, otherThan } from './forge-common';
import { patternCandidates } from './forge-github-patterns';
import type { TrustAlternative } from './model';
import { ATTACKER_OWNER, FORGED_AUDIENCE, FORGED_MARKER } from './tokens-common';
import { githubEnterpriseSlug, GitHubRun } from './tokens-github';
import type { TokenProfile } from './tokens-profile';
import { GITHUB_ISSUER } from '../core/ci/github-repository';

/** Which GitHub ids a trust pins. */
export interface GitHubPinnedIds {
  readonly repository: boolean;
  readonly owner: boolean;
}

/** What the GitHub candidates of one run share. */
interface GitHubForge {
  readonly run: GitHubRun;
  /** `OWNER/REPO`. */
  readonly name: string;
  /** The legitimate owner and repository ids (forged ids differ from them). */
  readonly ids: string[];
  /** The attacker's owner. */
  readonly attacker: string;
  /** The run with changes. */
  readonly github: (changes: Partial<GitHubRun>) => TokenProfile;
  /** Whether the trust names the run's ref exactly (not a representative of a pattern, not invented). */
  readonly refPinned: boolean;
}

/** Another owner, an owner or repository whose name extends the legitimate one, another repository, the attacker's fork. */
function identityCandidates({ run, ids, attacker, github }: GitHubForge): Candidate[] {
  return [
    {
      family: 'other-owner',
      description: `a repository with the same name under another owner (${attacker}/${run.repository})`,
      profile: github({ owner: attacker, ownerId: forgedId('990001', ...ids), repositoryId: forgedId('990002', ...ids) }),
    },
    {
      family: 'owner-prefix',
      description: `an owner whose name extends ${run.owner} (${run.owner}-forged/${run.repository})`,
      profile: github({ owner: `${run.owner}-forged`, ownerId: forgedId('990011', ...ids), repositoryId: forgedId('990012', ...ids) }),
    },
    {
      family: 'repository-prefix',
      description: `a repository of ${run.owner} whose name extends ${run.repository} (${run.owner}/${run.repository}-forged)`,
      profile: github({ repository: `${run.repository}-forged`, repositoryId: forgedId('990013', ...ids) }),
    },
    {
      family: 'other-repository',
      description: `another repository of ${run.owner} (${run.owner}/${otherThan(run.repository, FORGED_MARKER)})`,
      profile: github({ repository: otherThan(run.repository, FORGED_MARKER), repositoryId: forgedId('990014', ...ids) }),
    },
    {
      family: 'fork',
      description: `the fork ${attacker}/${run.repository} in a pull_request run`,
      profile: github({
        owner: attacker,
        ownerId: forgedId('990001', ...ids),
        repositoryId: forgedId('990015', ...ids),
        event: 'pull_request',
        ref: 'refs/pull/1/merge',
        environment: undefined,
        headRef: FORGED_MARKER,
        baseRef: 'main',
      }),
    },
  ];
}

/**
 * Runs of the repository on another branch, a branch extending the legitimate one, a tag (another tag, one extending
 * an exactly named tag), the ref in another case.
 */
function refCandidates({ run, name, github, refPinned }: GitHubForge): Candidate[] {
  const push = { event: 'push', headRef: undefined, baseRef: undefined } as const;
  const branch = `refs/heads/${FORGED_MARKER}`;
  const tag = `refs/tags/${FORGED_MARKER}`;
  const [, kind, refName] = /^refs\/(heads|tags)\/(.+)$/.exec(run.ref) ?? [];
  const result: Candidate[] = [{ family: 'other-branch', description: `a run of ${name} on another branch (${branch})`, profile: github({ ref: branch, ...push }) }];
  if (kind === 'heads') {
    const extended = `${run.ref}-${FORGED_MARKER}`;
    result.push({ family: 'branch-prefix', description: `a run of ${name} on a branch extending ${refName} (${extended})`, profile: github({ ref: extended, ...push }) });
  }
  if (kind === 'tags') {
    result.push({ family: 'other-tag', description: `a run of ${name} on another tag (${tag})`, profile: github({ ref: tag, ...push }) });
    if (refPinned) {
      const extended = `${run.ref}-${FORGED_MARKER}`;
      result.push({ family: 'tag-prefix', description: `a run of ${name} on a tag extending ${refName} (${extended})`, profile: github({ ref: extended, ...push }) });
    }
  } else {
    result.push({ family: 'tag', description: `a run of ${name} on a tag (${tag})`, profile: github({ ref: tag, ...push }) });
  }
  const cased = refName !== undefined ? otherCase(refName) : undefined;
  if (cased !== undefined) {
    // Git refs are case-sensitive (refs/heads/MAIN is another branch, outside main's protection): unprotected.
    const ref = `refs/${kind}/${cased}`;
    result.push({
      family: 'ref-case',
      description: `a run of ${name} on ${ref} (${refName} in another case: another ref)`,
      profile: github({ ref, ...push, extra: { ...(run.extra ?? {}), ref_protected: 'false' } }),
    });
  }
  return result;
}

/** Runs of the repository in a pull request, another environment or none, another workflow. */
function runCandidates(forge: GitHubForge): Candidate[] {
  const { run, name, ids, github } = forge;
  const result: Candidate[] = [
    ...refCandidates(forge),
    {
      family: 'pull-request',
      description: `a pull_request run of ${name} (refs/pull/1/merge)`,
      profile: github({ event: 'pull_request', ref: 'refs/pull/1/merge', environment: undefined, headRef: FORGED_MARKER, baseRef: 'main' }),
    },
    {
      family: 'other-environment',
      description: `a job of ${name} in another environment (${otherThan(run.environment ?? '', FORGED_MARKER)})`,
      profile: github({ environment: otherThan(run.environment ?? '', FORGED_MARKER) }),
    },
  ];
  if ((run.event ?? 'push') === 'pull_request') {
    // A trust written for pull_request runs admits every pull request of the repository: GitHub's token names the base
    // repository, whoever opened it and whatever its head branch holds (OIDC reference: `sub` `repo:O/R:pull_request`,
    // `head_ref`, `actor`), so the code that runs with the identity is unreviewed.
    result.push({
      family: 'pull-request-contributor',
      description: `a pull_request run of ${name} opened by another contributor (${ATTACKER_OWNER}) from another head branch (${FORGED_MARKER}-change): unreviewed code`,
      profile: github({
        headRef: `${FORGED_MARKER}-change`,
        extra: { ...(run.extra ?? {}), actor: ATTACKER_OWNER, actor_id: forgedId('990020', ...ids) },
      }),
    });
  }
  if (run.environment !== undefined) {
    result.push({
      family: 'no-environment',
      description: `a job of ${name} on ${run.ref} that references no environment`,
      profile: github({ environment: undefined }),
    });
  }
  result.push({
    family: 'other-workflow',
    description: `another workflow of ${name} (.github/workflows/${FORGED_MARKER}.yml)`,
    profile: github({ workflowPath: `.github/workflows/${FORGED_MARKER}.yml`, workflow: FORGED_MARKER, jobWorkflowRef: undefined }),
  });
  return result;
}

/** The repository re-created, the owner name re-registered, a pinned id followed by a digit (when the trust pins an id). */
function idCandidates({ run, name, ids, github }: GitHubForge, pinsIds: GitHubPinnedIds): Candidate[] {
  const result: Candidate[] = [];
  if (pinsIds.repository || pinsIds.owner) {
    const recreated = forgedId('990016', ...ids);
    result.push({
      family: 'recreated-repository',
      description: `${name} deleted and re-created under the same names (repository id ${recreated})`,
      profile: github({ repositoryId: recreated }),
    });
  }
  if (pinsIds.owner) {
    const ownerId = forgedId('990017', ...ids);
    result.push({
      family: 'other-owner-id',
      description: `the owner name ${run.owner} re-registered by another account (owner id ${ownerId})`,
      profile: github({ ownerId, repositoryId: forgedId('990018', ...ids) }),
    });
  }
  if (pinsIds.repository) {
    result.push({
      family: 'id-prefix',
      description: `repository id ${run.repositoryId}1 (the pinned id followed by a digit)`,
      profile: github({ repositoryId: `${run.repositoryId}1` }),
    });
  }
  if (pinsIds.owner) {
    result.push({
      family: 'id-prefix',
      description: `owner id ${run.ownerId}1 (the pinned id followed by a digit)`,
      profile: github({ ownerId: `${run.ownerId}1`, repositoryId: forgedId('990019', ...ids) }),
    });
  }
  return result;
}

/** The same claims from another enterprise's unique issuer and from a look-alike issuer. */
function issuerCandidates({ run, github }: GitHubForge): Candidate[] {
  const issuer = run.issuer ?? GITHUB_ISSUER;
  const slug = githubEnterpriseSlug(issuer);
  const otherEnterprise = `${GITHUB_ISSUER}/${otherThan(slug ?? '', FORGED_MARKER)}`;
  const lookAlike = `${issuer.replace(/\/$/, '')}.${FORGED_MARKER}.example`;
  return [
    {
      family: 'other-issuer',
      description: `the same claims from another enterprise's unique issuer (${otherEnterprise})`,
      profile: github({ issuer: otherEnterprise }),
    },
    { family: 'other-issuer', description: `the same claims from a look-alike issuer (${lookAlike})`, profile: github({ issuer: lookAlike }) },
  ];
}

/** What the GitHub candidates know of the trust beyond the run. */
export interface GitHubForgeOptions {
  /** Whether the trust names the run's ref exactly (then a tag extending it is a forgery). @default false */
  readonly refPinned?: boolean;
  /** The alternative the run was derived for (its owner and repository patterns give the attacker's names). */
  readonly alternative?: TrustAlternative;
}

/** The candidates of a GitHub run, in FORGED_FAMILIES' order; the id families only when the trust pins an id. */
export function githubCandidates(run: GitHubRun, pinsIds: GitHubPinnedIds, options: GitHubForgeOptions = {}): Candidate[] {
  const github = (changes: Partial<GitHubRun>): TokenProfile => ({ platform: 'github', run: { ...run, ...changes } });
  const forge: GitHubForge = {
    run,
    name: `${run.owner}/${run.repository}`,
    ids: [run.ownerId, run.repositoryId],
    attacker: otherThan(run.owner, ATTACKER_OWNER),
    github,
    refPinned: options.refPinned ?? false,
  };
  const identity = identityCandidates(forge);
  const patterns = options.alternative ? patternCandidates(run, options.alternative) : [];
  // FORGED_FAMILIES' order: other-owner, owner-prefix, owner-pattern, repository-prefix, repository-pattern, …
  return [
    ...identity.slice(0, 2),
    ...patterns.filter((candidate) => candidate.family === 'owner-pattern'),
    identity[2],
    ...patterns.filter((candidate) => candidate.family === 'repository-pattern'),
    ...identity.slice(3),
    ...runCandidates(forge),
    ...idCandidates(forge, pinsIds),
    ...audienceCandidates(github({ aud: FORGED_AUDIENCE }), github({ aud: null })),
    ...issuerCandidates(forge),
  ];
}

/** Whether an alternative pins a GitHub id (an id claim, or a subject that carries one). */
export function githubPinsIds(alternative: TrustAlternative): GitHubPinnedIds {
  const subs = alternative.claims.sub?.values ?? [];
  const inSub = (pattern: RegExp): boolean => subs.some((sub) => pattern.test(sub));
  return {
    repository: 'repository_id' in alternative.claims || inSub(/^repo:[^/:]*@[^/:]*\/[^:]*@\d/) || inSub(/(^|:)repository_id:\d/),
    owner: 'repository_owner_id' in alternative.claims || inSub(/^repo:[^/:]*@\d/) || inSub(/(^|:)repository_owner_id:\d/),
  };
}
