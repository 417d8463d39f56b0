/**
 * The owner-pattern and repository-pattern variants of a GitHub run: where a trust's owner or repository is a glob
 * (`repo:acm?/app:…`, `repo:a*e/app:…`, a StringLike `repository` of `acme/ap?`), the owner or repository the
 * attacker registers to match it: `?` filled by another letter than the legitimate one's, `*` by `keyless-attacker`.
 * Anyone can register a GitHub account or repository of such a name. IAM StringLike: `*` any run of characters, `?`
 * one character (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
 */
import { attackerName, Candidate, forgedId } from './forge-common';
import type { TrustAlternative } from './model';
import { ATTACKER_OWNER } from './tokens-common';
import { GitHubRun, githubToken } from './tokens-github';
import { globMatches } from '../synth/glob';

/** The owner and repository patterns of an alternative that the legitimate run meets (its subject, `repository`, `repository_owner`). */
function namePatterns(run: GitHubRun, alternative: TrustAlternative): { owners: string[]; repositories: string[] } {
  const owners: string[] = [];
  const repositories: string[] = [];
  const sub = alternative.claims.sub;
  const legitimateSub = String(githubToken(run).claims.sub);
  for (const value of sub?.glob ? sub.values : []) {
    if (!globMatches(value, legitimateSub)) continue;
    // repo:OWNER/REPO:… and the ID-based repo:OWNER@ID/REPO@ID:…
    const parts = /^repo:([^/:@]*)(?:@[^/:]*)?\/([^:@]*)/.exec(value);
    if (!parts) continue;
    owners.push(parts[1]);
    repositories.push(parts[2]);
  }
  const repository = alternative.claims.repository;
  for (const value of repository?.glob ? repository.values : []) {
    const slash = value.indexOf('/');
    if (slash < 0 || !globMatches(value, `${run.owner}/${run.repository}`)) continue;
    owners.push(value.slice(0, slash));
    repositories.push(value.slice(slash + 1));
  }
  const owner = alternative.claims.repository_owner;
  for (const value of owner?.glob ? owner.values : []) if (globMatches(value, run.owner)) owners.push(value);
  return { owners: [...new Set(owners)], repositories: [...new Set(repositories)] };
}

/** The owner-pattern and repository-pattern candidates of a run (FORGED_FAMILIES' order). */
export function patternCandidates(run: GitHubRun, alternative: TrustAlternative): Candidate[] {
  const ids = [run.ownerId, run.repositoryId];
  const { owners, repositories } = namePatterns(run, alternative);
  const result: Candidate[] = [];
  for (const pattern of owners) {
    const owner = attackerName(pattern, run.owner, ATTACKER_OWNER);
    if (owner === undefined) continue;
    result.push({
      family: 'owner-pattern',
      description: `an owner the pattern ${pattern} admits, registered by the attacker (${owner}/${run.repository})`,
      profile: { platform: 'github', run: { ...run, owner, ownerId: forgedId('990031', ...ids), repositoryId: forgedId('990032', ...ids) } },
    });
  }
  for (const pattern of repositories) {
    const repository = attackerName(pattern, run.repository, ATTACKER_OWNER);
    if (repository === undefined) continue;
    result.push({
      family: 'repository-pattern',
      description: `a repository of ${run.owner} the pattern ${pattern} admits (${run.owner}/${repository})`,
      profile: { platform: 'github', run: { ...run, repository, repositoryId: forgedId('990033', ...ids) } },
    });
  }
  return result;
}
