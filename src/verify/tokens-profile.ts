/** Token profiles (the parameters of a token) and reading a trust's alternatives against a token (sources: see tokens.ts). */
import type { ClaimRequirement, ClaimValue, Token, TokenPlatform, TrustAlternative, VerifyTrust } from './model';
import { Claims, KeyedToken, keyedToken } from './tokens-common';
import { githubIssuerOf, GitHubRun, githubToken, keyedGitHubToken } from './tokens-github';
import { GitLabRun, gitlabToken, keyedGitLabToken } from './tokens-gitlab';
import {
  GkeWorkload, gkeToken, keyedKubernetesToken, keyedOidcToken, KubernetesRun, kubernetesToken, OidcSubject, oidcToken, parseAksIssuer,
  parseClusterArn, parseEksIssuer, PodIdentitySession, podIdentityToken,
} from './tokens-kubernetes';
import { GITHUB_ISSUER } from '../core/ci/github-repository';
import { GITLAB_COM_ISSUER } from '../core/ci/gitlab';
import { globMatches } from '../synth/glob';

// ---------------------------------------------------------------------------------------------------------------------
// Profiles: the parameters of a token, which the forgery families vary

/** The parameters of one token, by platform (forge.ts varies them and rebuilds the token). */
export type TokenProfile =
  | { readonly platform: 'github'; readonly run: GitHubRun }
  | { readonly platform: 'gitlab'; readonly run: GitLabRun }
  | { readonly platform: 'kubernetes'; readonly run: KubernetesRun }
  | { readonly platform: 'eks-pod-identity'; readonly run: PodIdentitySession }
  | { readonly platform: 'gke'; readonly run: GkeWorkload }
  | { readonly platform: 'oidc'; readonly run: OidcSubject };

/** The token of a profile. */
export function profileToken(profile: TokenProfile): Token {
  switch (profile.platform) {
    case 'github': return githubToken(profile.run);
    case 'gitlab': return gitlabToken(profile.run);
    case 'kubernetes': return kubernetesToken(profile.run);
    case 'eks-pod-identity': return podIdentityToken(profile.run);
    case 'gke': return gkeToken(profile.run);
    case 'oidc': return oidcToken(profile.run);
  }
}

/**
 * The token of a profile with its canonical text (tokenKey(token), exactly): verify compares every token it builds with
 * the others of its trust, and the JWT platforms' builders write that text anyway (for the `jti`).
 */
export function keyedProfileToken(profile: TokenProfile): KeyedToken {
  switch (profile.platform) {
    case 'github': return keyedGitHubToken(profile.run);
    case 'gitlab': return keyedGitLabToken(profile.run);
    case 'kubernetes': return keyedKubernetesToken(profile.run);
    case 'eks-pod-identity': return keyedToken(podIdentityToken(profile.run));
    case 'gke': return keyedToken(gkeToken(profile.run));
    case 'oidc': return keyedOidcToken(profile.run);
  }
}

/** One line naming a profile's identity. */
export function describeProfile(profile: TokenProfile): string {
  switch (profile.platform) {
    case 'github': {
      const run = profile.run;
      const subject = run.subject ?? { form: 'name-based' };
      const form = subject.form === 'template' ? `custom subject template ${subject.claimKeys.join(',')}` : `${subject.form} subject`;
      const issuer = (run.issuer ?? GITHUB_ISSUER) === GITHUB_ISSUER ? '' : ` on ${run.issuer}`;
      const event = run.event === 'pull_request' ? ', pull_request run' : '';
      const environment = run.environment !== undefined ? `, environment ${run.environment}` : '';
      return `GitHub ${run.owner}/${run.repository} (${form})${issuer}${event}${environment}, ref ${run.ref}`;
    }
    case 'gitlab': {
      const run = profile.run;
      const environment = run.environment !== undefined ? `, environment ${run.environment}` : '';
      const fork = run.fork ? `, merge request from the fork ${run.fork.projectPath}` : '';
      return `GitLab ${run.projectPath} on ${run.instance ?? GITLAB_COM_ISSUER}, ${run.refType} ${run.ref}${environment}${fork}`;
    }
    case 'kubernetes': {
      const run = profile.run;
      const kind = parseEksIssuer(run.issuer) ? 'EKS' : parseAksIssuer(run.issuer) ? 'AKS' : 'Kubernetes';
      return `${kind} service account ${run.namespace}/${run.serviceAccount} of ${run.issuer}`;
    }
    case 'eks-pod-identity':
      return `EKS Pod Identity ${profile.run.namespace}/${profile.run.serviceAccount} in ${profile.run.clusterArn}`;
    case 'gke':
      return `GKE ${profile.run.namespace}/${profile.run.serviceAccount} in project ${profile.run.project} (cluster ${profile.run.cluster}, ${profile.run.location})`;
    case 'oidc':
      return `OIDC subject ${profile.run.sub} of ${profile.run.issuer}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading a trust's alternatives

/** The platform whose tokens an alternative of a trust admits. */
export function tokenPlatform(trust: Pick<VerifyTrust, 'kind'>, alternative: TrustAlternative): TokenPlatform {
  if (trust.kind === 'gcp-gke') return 'gke';
  if (trust.kind === 'aws-pod-identity') return 'eks-pod-identity';
  const issuer = alternative.issuer;
  const subs = alternative.claims.sub?.values ?? [];
  if (issuer !== undefined && githubIssuerOf(issuer) !== undefined) return 'github';
  if (issuer?.replace(/\/+$/, '') === GITLAB_COM_ISSUER || subs.some((sub) => sub.startsWith('project_path:'))) return 'gitlab';
  if (subs.some((sub) => sub.startsWith('system:serviceaccount:'))) return 'kubernetes';
  if (issuer !== undefined && (parseEksIssuer(issuer) || parseAksIssuer(issuer))) return 'kubernetes';
  // Another issuer (GitHub Enterprise Server, a self-managed GitLab) or none: the claims' grammar tells.
  if (subs.some((sub) => /^(repo|repository_owner_id|repository_id|repository_owner|repository):/.test(sub))) return 'github';
  if (['repository', 'repository_owner', 'repository_owner_id', 'repository_id'].some((claim) => claim in alternative.claims)) return 'github';
  if (['project_path', 'namespace_path', 'project_id'].some((claim) => claim in alternative.claims)) return 'gitlab';
  return 'oidc';
}

/** A token's value for a claim as a trust names it (Pod Identity `aws:RequestTag/…`, `aws:SourceArn`, nested paths). */
export function claimOf(token: Token, claim: string): ClaimValue | undefined {
  if (claim in token.claims) return token.claims[claim];
  if (token.platform === 'eks-pod-identity') {
    if (claim.startsWith('aws:RequestTag/')) return token.claims[claim.slice('aws:RequestTag/'.length)];
    if (claim === 'aws:SourceArn') return token.issuer;
    if (claim === 'aws:SourceAccount') return parseClusterArn(token.issuer)?.account;
  }
  if (claim === 'iss') return token.issuer;
  // A nested path (`kubernetes.io.namespace`): the longest key that prefixes it, then the rest.
  let value: ClaimValue | undefined = undefined;
  let object: Claims | undefined = token.claims;
  let rest = claim;
  while (object && rest.length > 0) {
    const key: string | undefined = Object.keys(object).filter((k) => rest === k || rest.startsWith(`${k}.`)).sort((a, b) => b.length - a.length)[0];
    if (key === undefined) return undefined;
    value = object[key];
    rest = rest.slice(key.length + 1);
    object = rest.length > 0 && value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Claims : undefined;
    if (rest.length > 0 && object === undefined) return undefined;
  }
  return value;
}

/** Whether a token meets one requirement (a list-valued claim meets it when one element does). */
export function meetsRequirement(value: ClaimValue | undefined, requirement: ClaimRequirement): boolean {
  const texts = typeof value === 'string' ? [value] : typeof value === 'number' || typeof value === 'boolean' ? [String(value)]
    : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return texts.some((text) => requirement.values.some((wanted) => (requirement.glob ? globMatches(wanted, text) : wanted === text)));
}

/** Whether a token meets every requirement of an alternative (as written: verify's own reading, not the cloud's). */
export function meetsAlternative(token: Token, alternative: TrustAlternative): boolean {
  if (alternative.issuer !== undefined && token.issuer !== alternative.issuer) return false;
  return Object.entries(alternative.claims).every(([claim, requirement]) => meetsRequirement(claimOf(token, claim), requirement));
}
