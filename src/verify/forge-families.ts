/** The families of forged variants (what forge-github.ts, forge-gitlab.ts and forge-kubernetes.ts build). */
import type { TokenPlatform } from './model';
import { ATTACKER_OWNER, FORGED_AUDIENCE, FORGED_MARKER } from './tokens-common';

/** A family of forged variants. */
export interface ForgedFamily {
  readonly family: string;
  readonly platforms: readonly TokenPlatform[];
  readonly description: string;
}

const TOKEN_PLATFORMS: readonly TokenPlatform[] = ['github', 'gitlab', 'kubernetes', 'oidc'];

/**
 * Every family of forged variants, in the order forgedVariants emits them. Families marked "(when constrained)" are
 * generated only when the variant changes a claim the alternative constrains (another branch is no forgery of a trust
 * that admits every branch on purpose); the id families only when the trust pins an id.
 */
export const FORGED_FAMILIES: ReadonlyArray<ForgedFamily> = [
  { family: 'other-owner', platforms: ['github'], description: `a repository with the same name under another owner (${ATTACKER_OWNER})` },
  { family: 'owner-prefix', platforms: ['github'], description: 'an owner whose name extends the legitimate owner\'s (OWNER-forged)' },
  {
    family: 'owner-pattern',
    platforms: ['github'],
    description: `where the trust's owner is a pattern (\`acm?\`, \`a*e\`): an owner it admits, registered by the attacker (\`?\` another letter, \`*\` ${ATTACKER_OWNER})`,
  },
  { family: 'repository-prefix', platforms: ['github'], description: 'a repository of the owner whose name extends the legitimate one (REPO-forged)' },
  {
    family: 'repository-pattern',
    platforms: ['github'],
    description: `where the trust's repository is a pattern (\`ap?\`, \`a*p\`): a repository of the owner it admits (\`?\` another letter, \`*\` ${ATTACKER_OWNER})`,
  },
  { family: 'other-repository', platforms: ['github'], description: `another repository of the same owner (${FORGED_MARKER})` },
  { family: 'fork', platforms: ['github'], description: `the attacker's fork (${ATTACKER_OWNER}/REPO) in a pull_request run` },
  { family: 'other-group', platforms: ['gitlab'], description: `a project with the same name in another group (${ATTACKER_OWNER})` },
  { family: 'group-prefix', platforms: ['gitlab'], description: 'a group whose path extends the legitimate top-level group\'s (GROUP-forged)' },
  { family: 'other-project', platforms: ['gitlab'], description: `another project of the same group (${FORGED_MARKER})` },
  { family: 'project-prefix', platforms: ['gitlab'], description: 'a project of the group whose path extends the legitimate one (PROJECT-forged)' },
  {
    family: 'fork-merge-request',
    platforms: ['gitlab'],
    description: 'a merge-request pipeline from the attacker\'s fork, run in the legitimate project (GitLab 18.2.2+: project_* and sub name the fork, job_project_* the project)',
  },
  { family: 'other-namespace', platforms: ['kubernetes', 'eks-pod-identity', 'gke'], description: `a service account of the same name in another namespace (${FORGED_MARKER})` },
  { family: 'other-service-account', platforms: ['kubernetes', 'eks-pod-identity', 'gke'], description: `another service account of the namespace (${FORGED_MARKER})` },
  { family: 'namespace-prefix', platforms: ['kubernetes', 'eks-pod-identity'], description: 'a namespace whose name extends the legitimate one (NS-forged)' },
  { family: 'service-account-prefix', platforms: ['kubernetes', 'eks-pod-identity'], description: 'a service account whose name extends the legitimate one (SA-forged)' },
  {
    family: 'namespace-pattern',
    platforms: ['kubernetes', 'eks-pod-identity', 'gke'],
    description: `where the trust's namespace is a pattern (\`pay?\`, \`team-*\`): another namespace it admits (\`?\` another letter, \`*\` ${FORGED_MARKER})`,
  },
  {
    family: 'service-account-pattern',
    platforms: ['kubernetes', 'eks-pod-identity', 'gke'],
    description: `where the trust's service account is a pattern (\`deploy-?\`, \`ci-*\`): another service account of the namespace it admits (\`?\` another letter, \`*\` ${FORGED_MARKER})`,
  },
  { family: 'other-branch', platforms: ['github', 'gitlab'], description: `a run on another branch (${FORGED_MARKER}) (when constrained)` },
  {
    family: 'branch-prefix',
    platforms: ['github', 'gitlab'],
    description: `a run on a branch whose name extends the legitimate one (BRANCH-${FORGED_MARKER}: any contributor pushes it) (when constrained)`,
  },
  { family: 'tag', platforms: ['github', 'gitlab'], description: `a run on a tag (${FORGED_MARKER}) where the legitimate run is on a branch (when constrained)` },
  { family: 'other-tag', platforms: ['github', 'gitlab'], description: `a run on another tag (${FORGED_MARKER}) (when constrained)` },
  {
    family: 'tag-prefix',
    platforms: ['github', 'gitlab'],
    description: `a run on a tag whose name extends the legitimate one (TAG-${FORGED_MARKER}), where the trust names one tag exactly (when constrained)`,
  },
  {
    family: 'ref-case',
    platforms: ['github', 'gitlab'],
    description: 'a run on the legitimate branch or tag name in another case (refs/heads/MAIN: Git refs are case-sensitive, another ref) (when constrained)',
  },
  { family: 'pull-request', platforms: ['github'], description: 'a pull_request run of the repository (any contributor\'s branch) (when constrained)' },
  {
    family: 'pull-request-contributor',
    platforms: ['github'],
    description: `where the legitimate run is a pull_request run: another contributor's pull request (${ATTACKER_OWNER}, another head branch), unreviewed code`,
  },
  { family: 'other-environment', platforms: ['github'], description: `a job in another environment (${FORGED_MARKER}) (when constrained)` },
  { family: 'no-environment', platforms: ['github'], description: 'the same job without its environment (skipping its reviewers and rules) (when constrained)' },
  { family: 'other-workflow', platforms: ['github'], description: `another workflow file of the repository (${FORGED_MARKER}.yml) (when constrained)` },
  { family: 'unprotected-ref', platforms: ['gitlab'], description: 'a merge-request pipeline on the same ref (ref_protected "false") (when constrained)' },
  { family: 'recreated-repository', platforms: ['github'], description: 'the repository deleted and re-created under the same names (other repository_id) (when an id is pinned)' },
  { family: 'other-owner-id', platforms: ['github'], description: 'the owner name re-registered by another account (other owner and repository ids) (when the owner id is pinned)' },
  { family: 'id-prefix', platforms: ['github'], description: 'a pinned id followed by one more digit (when an id is pinned)' },
  { family: 'other-project-id', platforms: ['gitlab'], description: 'the project deleted and re-created under the same path (other project_id) (when an id is pinned)' },
  { family: 'other-subject', platforms: ['oidc'], description: `another subject of the issuer (${FORGED_MARKER})` },
  { family: 'wrong-audience', platforms: TOKEN_PLATFORMS, description: `a token for another audience (${FORGED_AUDIENCE})` },
  { family: 'missing-audience', platforms: TOKEN_PLATFORMS, description: 'a token without an aud claim' },
  { family: 'other-issuer', platforms: ['github', 'oidc'], description: 'the same claims from another issuer (another enterprise\'s unique issuer, a look-alike host)' },
  { family: 'self-managed-instance', platforms: ['gitlab'], description: 'the same paths on another GitLab instance (a self-managed one the attacker runs)' },
  { family: 'other-cluster', platforms: ['kubernetes', 'eks-pod-identity'], description: 'the same namespace and service account in another cluster (same region)' },
  { family: 'other-region', platforms: ['kubernetes', 'eks-pod-identity'], description: 'the same cluster id (EKS, AKS) or name (Pod Identity) in another region' },
  {
    family: 'other-account',
    platforms: ['eks-pod-identity'],
    description: 'a cluster of the same name and region in another AWS account (one the trust\'s account pattern admits, when it has one: `11112222333?`)',
  },
  {
    family: 'other-provider-of-pool',
    platforms: TOKEN_PLATFORMS,
    description: 'GCP: a legitimate token of another provider (another issuer) of the same workload identity pool, which can mint the same principals',
  },
  { family: 'other-project', platforms: ['gke'], description: 'the same namespace and service account in a cluster of another project (another workload pool)' },
  {
    family: 'same-project-other-cluster',
    platforms: ['gke'],
    description: 'the same namespace and service account in another cluster of the project: GKE gives it the same identity (shared by design)',
  },
];

/**
 * Families generated only when the variant changes a claim the alternative constrains, or when the alternative
 * constrains none of the run's context claims (RUN_CONTEXT_CLAIMS: then every branch, tag and pull request of the
 * repository gets in, as with `repo:OWNER/REPO:*`).
 */
export const WHEN_CONSTRAINED: ReadonlySet<string> = new Set([
  'other-branch', 'branch-prefix', 'tag', 'other-tag', 'tag-prefix', 'ref-case', 'pull-request', 'other-environment', 'no-environment',
  'other-workflow', 'unprotected-ref',
]);

/**
 * The claims that say which run of a repository or project a token is for (its ref, environment, workflow, event):
 * an alternative that constrains none of them admits every run. GitHub: `sub` carries the context
 * (https://docs.github.com/en/actions/reference/security/oidc); GitLab: `sub` carries the ref
 * (https://docs.gitlab.com/ci/secrets/id_token_authentication/).
 */
export const RUN_CONTEXT_CLAIMS: Readonly<Partial<Record<TokenPlatform, readonly string[]>>> = {
  github: ['sub', 'ref', 'ref_type', 'environment', 'job_workflow_ref', 'workflow', 'workflow_ref', 'event_name', 'head_ref', 'base_ref'],
  gitlab: ['sub', 'ref', 'ref_type', 'ref_protected', 'environment', 'pipeline_source'],
};
