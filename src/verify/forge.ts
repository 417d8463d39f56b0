/**
 * Forged variants of a legitimate token: what an attacker (or merely another workload) can obtain from the same
 * platform, by family. Each variant is a full token the platform would issue (built from a varied profile, so its
 * `sub` stays consistent with its other claims), and every forged value carries the `keyless-forged` marker (owner
 * `keyless-attacker`, branch `refs/heads/keyless-forged`) so that it never matches a reasonable declared pattern by
 * accident. Sources: see tokens.ts (GitHub, GitLab, Kubernetes, EKS, AKS, GKE documentation).
 */
import type { ClaimValue, ForgedVariant, LegitimateIdentity, Token, TokenPlatform, TrustAlternative, VerifyTrust } from './model';
import {
  ATTACKER_OWNER, claimOf, FORGED_AUDIENCE, FORGED_MARKER, GITHUB_ISSUER, githubEnterpriseSlug, GitHubRun, GITLAB_COM_ISSUER, GitLabRun,
  gkeIssuer, KubernetesRun, legitimateProfiles, OidcSubject, parseAksIssuer, parseClusterArn, parseEksIssuer, PodIdentitySession,
  profileToken, sameToken, TokenProfile, GkeWorkload, canonicalJson,
} from './tokens';

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
  { family: 'repository-prefix', platforms: ['github'], description: 'a repository of the owner whose name extends the legitimate one (REPO-forged)' },
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
  { family: 'other-branch', platforms: ['github', 'gitlab'], description: `a run on another branch (${FORGED_MARKER}) (when constrained)` },
  { family: 'tag', platforms: ['github', 'gitlab'], description: `a run on a tag (${FORGED_MARKER}) where the legitimate run is on a branch (when constrained)` },
  { family: 'other-tag', platforms: ['github', 'gitlab'], description: `a run on another tag (${FORGED_MARKER}) (when constrained)` },
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
  { family: 'other-account', platforms: ['eks-pod-identity'], description: 'a cluster of the same name and region in another AWS account' },
  { family: 'other-project', platforms: ['gke'], description: 'the same namespace and service account in a cluster of another project (another workload pool)' },
  {
    family: 'same-project-other-cluster',
    platforms: ['gke'],
    description: 'the same namespace and service account in another cluster of the project: GKE gives it the same identity (shared by design)',
  },
];

/** Families generated only when the variant changes a claim the alternative constrains. */
const WHEN_CONSTRAINED: ReadonlySet<string> = new Set([
  'other-branch', 'tag', 'other-tag', 'pull-request', 'other-environment', 'no-environment', 'other-workflow', 'unprotected-ref',
]);

/** A candidate: family, description, profile. */
interface Candidate {
  readonly family: string;
  readonly description: string;
  readonly profile: TokenProfile;
  readonly sharedByDesign?: string;
}

/** A forged id (`99…`) that differs from every legitimate one given. */
function forgedId(base: string, ...legitimate: string[]): string {
  let id = base;
  while (legitimate.includes(id)) id = `${id}9`;
  return id;
}

/** A value other than `legitimate`: `preferred`, else `preferred-2`. */
const otherThan = (legitimate: string, preferred: string): string => (legitimate === preferred ? `${preferred}-2` : preferred);

const lastSegment = (path: string): string => path.split('/').pop() ?? path;

function githubCandidates(run: GitHubRun, pinsIds: { repository: boolean; owner: boolean }): Candidate[] {
  const issuer = run.issuer ?? GITHUB_ISSUER;
  const name = `${run.owner}/${run.repository}`;
  const ids = [run.ownerId, run.repositoryId];
  const github = (changes: Partial<GitHubRun>): TokenProfile => ({ platform: 'github', run: { ...run, ...changes } });
  const attacker = otherThan(run.owner, ATTACKER_OWNER);
  const branch = `refs/heads/${FORGED_MARKER}`;
  const tag = `refs/tags/${FORGED_MARKER}`;
  const onTag = run.ref.startsWith('refs/tags/');
  const result: Candidate[] = [
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
    {
      family: 'other-branch',
      description: `a run of ${name} on another branch (${branch})`,
      profile: github({ ref: branch, event: 'push', headRef: undefined, baseRef: undefined }),
    },
    onTag
      ? { family: 'other-tag', description: `a run of ${name} on another tag (${tag})`, profile: github({ ref: tag, event: 'push', headRef: undefined, baseRef: undefined }) }
      : { family: 'tag', description: `a run of ${name} on a tag (${tag})`, profile: github({ ref: tag, event: 'push', headRef: undefined, baseRef: undefined }) },
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
  result.push(...audienceCandidates(github({ aud: FORGED_AUDIENCE }), github({ aud: null })));
  const slug = githubEnterpriseSlug(issuer);
  const otherEnterprise = `${GITHUB_ISSUER}/${otherThan(slug ?? '', FORGED_MARKER)}`;
  result.push({
    family: 'other-issuer',
    description: `the same claims from another enterprise's unique issuer (${otherEnterprise})`,
    profile: github({ issuer: otherEnterprise }),
  });
  const lookAlike = `${issuer.replace(/\/$/, '')}.${FORGED_MARKER}.example`;
  result.push({ family: 'other-issuer', description: `the same claims from a look-alike issuer (${lookAlike})`, profile: github({ issuer: lookAlike }) });
  return result;
}

function audienceCandidates(wrong: TokenProfile, missing: TokenProfile): Candidate[] {
  return [
    { family: 'wrong-audience', description: `a token for another audience (${FORGED_AUDIENCE})`, profile: wrong },
    { family: 'missing-audience', description: 'a token without an aud claim', profile: missing },
  ];
}

function gitlabCandidates(run: GitLabRun, pinsIds: boolean): Candidate[] {
  const gitlab = (changes: Partial<GitLabRun>): TokenProfile => ({ platform: 'gitlab', run: { ...run, ...changes } });
  const ids = [run.namespaceId, run.projectId];
  const segments = run.projectPath.split('/');
  const project = lastSegment(run.projectPath);
  const group = segments.slice(0, -1).join('/');
  const attacker = otherThan(segments[0], ATTACKER_OWNER);
  const instance = run.instance ?? GITLAB_COM_ISSUER;
  const onTag = run.refType === 'tag';
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
    {
      family: 'other-branch',
      description: `a pipeline of ${run.projectPath} on another branch (${FORGED_MARKER})`,
      profile: gitlab({ refType: 'branch', ref: FORGED_MARKER, refProtected: false }),
    },
    onTag
      ? { family: 'other-tag', description: `a pipeline of ${run.projectPath} on another tag (${FORGED_MARKER})`, profile: gitlab({ ref: FORGED_MARKER, refProtected: false }) }
      : { family: 'tag', description: `a pipeline of ${run.projectPath} on a tag (${FORGED_MARKER})`, profile: gitlab({ refType: 'tag', ref: FORGED_MARKER, refProtected: false }) },
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

/** The issuer of another cluster in the same region, and of the same cluster id in another region (EKS, AKS). */
function otherClusterIssuers(issuer: string): { cluster: string; region?: string } {
  const eks = parseEksIssuer(issuer);
  if (eks) {
    const id = otherThan(eks.id, 'F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0');
    const region = otherThan(eks.region, 'eu-west-1') === 'eu-west-1-2' ? 'us-east-1' : 'eu-west-1';
    return {
      cluster: issuer.replace(`/id/${eks.id}`, `/id/${id}`),
      region: issuer.replace(`oidc.eks.${eks.region}.`, `oidc.eks.${region}.`),
    };
  }
  const aks = parseAksIssuer(issuer);
  if (aks) {
    const cluster = otherThan(aks.cluster, '00000000-0000-0000-0000-00000000f0f0');
    const region = aks.region === 'westeurope' ? 'eastus' : 'westeurope';
    return {
      cluster: issuer.replace(`/${aks.cluster}`, `/${cluster}`),
      region: issuer.replace(`https://${aks.region}.`, `https://${region}.`),
    };
  }
  return { cluster: issuer.endsWith('/') ? `${issuer}${FORGED_MARKER}/` : `${issuer}/${FORGED_MARKER}` };
}

function kubernetesCandidates(run: KubernetesRun): Candidate[] {
  const kube = (changes: Partial<KubernetesRun>): TokenProfile => ({ platform: 'kubernetes', run: { ...run, ...changes } });
  const issuers = otherClusterIssuers(run.issuer);
  const result: Candidate[] = [
    ...serviceAccountCandidates(run.namespace, run.serviceAccount, (namespace, serviceAccount) => kube({ namespace, serviceAccount })),
    ...audienceCandidates(kube({ aud: [FORGED_AUDIENCE] }), kube({ aud: null })),
    {
      family: 'other-cluster',
      description: `${run.namespace}/${run.serviceAccount} in another cluster (${issuers.cluster})`,
      profile: kube({ issuer: issuers.cluster }),
    },
  ];
  if (issuers.region) {
    result.push({
      family: 'other-region',
      description: `${run.namespace}/${run.serviceAccount} in a cluster of the same id in another region (${issuers.region})`,
      profile: kube({ issuer: issuers.region }),
    });
  }
  return result;
}

function serviceAccountCandidates(
  namespace: string, serviceAccount: string, make: (namespace: string, serviceAccount: string) => TokenProfile,
): Candidate[] {
  const otherNamespace = otherThan(namespace, FORGED_MARKER);
  const otherAccount = otherThan(serviceAccount, FORGED_MARKER);
  return [
    { family: 'other-namespace', description: `the service account ${serviceAccount} in another namespace (${otherNamespace})`, profile: make(otherNamespace, serviceAccount) },
    { family: 'other-service-account', description: `another service account of ${namespace} (${otherAccount})`, profile: make(namespace, otherAccount) },
    {
      family: 'namespace-prefix',
      description: `the service account ${serviceAccount} in a namespace whose name extends ${namespace} (${namespace}-forged)`,
      profile: make(`${namespace}-forged`, serviceAccount),
    },
    {
      family: 'service-account-prefix',
      description: `a service account of ${namespace} whose name extends ${serviceAccount} (${serviceAccount}-forged)`,
      profile: make(namespace, `${serviceAccount}-forged`),
    },
  ];
}

function podIdentityCandidates(run: PodIdentitySession): Candidate[] {
  const pod = (changes: Partial<PodIdentitySession>): TokenProfile => ({ platform: 'eks-pod-identity', run: { ...run, ...changes } });
  const result = serviceAccountCandidates(run.namespace, run.serviceAccount, (namespace, serviceAccount) => pod({ namespace, serviceAccount }));
  const arn = parseClusterArn(run.clusterArn);
  if (arn) {
    const at = (region: string, account: string, name: string): string => `arn:${arn.partition}:eks:${region}:${account}:cluster/${name}`;
    const cluster = at(arn.region, arn.account, otherThan(arn.name, FORGED_MARKER));
    const region = at(arn.region === 'eu-west-1' ? 'us-east-1' : 'eu-west-1', arn.account, arn.name);
    const account = at(arn.region, arn.account === '999999999999' ? '888888888888' : '999999999999', arn.name);
    result.push(
      { family: 'other-cluster', description: `${run.namespace}/${run.serviceAccount} in another cluster of the account (${cluster})`, profile: pod({ clusterArn: cluster }) },
      { family: 'other-region', description: `${run.namespace}/${run.serviceAccount} in a cluster of the same name in another region (${region})`, profile: pod({ clusterArn: region }) },
      {
        family: 'other-account',
        description: `${run.namespace}/${run.serviceAccount} in a cluster of the same name in another account (${account})`,
        profile: pod({ clusterArn: account }),
      },
    );
  }
  return result;
}

function gkeCandidates(run: GkeWorkload): Candidate[] {
  const gke = (changes: Partial<GkeWorkload>): TokenProfile => ({ platform: 'gke', run: { ...run, ...changes } });
  const project = otherThan(run.project, `${FORGED_MARKER}-project`);
  const cluster = otherThan(run.cluster, FORGED_MARKER);
  const sa = serviceAccountCandidates(run.namespace, run.serviceAccount, (namespace, serviceAccount) => gke({ namespace, serviceAccount }));
  return [
    ...sa.filter((candidate) => candidate.family === 'other-namespace' || candidate.family === 'other-service-account'),
    {
      family: 'other-project',
      description: `${run.namespace}/${run.serviceAccount} in a cluster of another project (workload pool ${project}.svc.id.goog)`,
      profile: gke({ project }),
    },
    {
      family: 'same-project-other-cluster',
      description: `${run.namespace}/${run.serviceAccount} in another cluster of ${run.project} (${cluster})`,
      profile: gke({ cluster }),
      sharedByDesign: `every cluster of project ${run.project} shares the workload pool ${run.project}.svc.id.goog: GKE gives ${run.namespace}/${run.serviceAccount} `
        + 'of any of them the same identity (identity sameness, https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity); '
        + `issuer ${gkeIssuer(run.project, run.location, cluster)}`,
    },
  ];
}

function oidcCandidates(run: OidcSubject): Candidate[] {
  const oidc = (changes: Partial<OidcSubject>): TokenProfile => ({ platform: 'oidc', run: { ...run, ...changes } });
  const sub = otherThan(run.sub, FORGED_MARKER);
  let other: string;
  try {
    const url = new URL(run.issuer);
    other = `${url.protocol}//${FORGED_MARKER}.example${url.pathname === '/' && !run.issuer.endsWith('/') ? '' : url.pathname}`;
  } catch {
    other = `https://${FORGED_MARKER}.example`;
  }
  return [
    { family: 'other-subject', description: `another subject of ${run.issuer} (${sub})`, profile: oidc({ sub }) },
    ...audienceCandidates(oidc({ aud: FORGED_AUDIENCE }), oidc({ aud: null })),
    { family: 'other-issuer', description: `the same claims from another issuer (${other})`, profile: oidc({ issuer: other }) },
  ];
}

/** Whether an alternative pins a GitHub id (an id claim, or a subject that carries one). */
function githubPinsIds(alternative: TrustAlternative): { repository: boolean; owner: boolean } {
  const subs = alternative.claims.sub?.values ?? [];
  const inSub = (pattern: RegExp): boolean => subs.some((sub) => pattern.test(sub));
  return {
    repository: 'repository_id' in alternative.claims || inSub(/^repo:[^/:]*@[^/:]*\/[^:]*@\d/) || inSub(/(^|:)repository_id:\d/),
    owner: 'repository_owner_id' in alternative.claims || inSub(/^repo:[^/:]*@\d/) || inSub(/(^|:)repository_owner_id:\d/),
  };
}

function candidatesOf(profile: TokenProfile, alternative: TrustAlternative): Candidate[] {
  switch (profile.platform) {
    case 'github': return githubCandidates(profile.run, githubPinsIds(alternative));
    case 'gitlab': {
      const subs = alternative.claims.sub?.values ?? [];
      const pinsIds = ['project_id', 'namespace_id', 'job_project_id', 'job_namespace_id'].some((claim) => claim in alternative.claims)
        || subs.some((sub) => /(^|:)(project_id|namespace_id|job_project_id):\d/.test(sub));
      return gitlabCandidates(profile.run, pinsIds);
    }
    case 'kubernetes': return kubernetesCandidates(profile.run);
    case 'eks-pod-identity': return podIdentityCandidates(profile.run);
    case 'gke': return gkeCandidates(profile.run);
    case 'oidc': return oidcCandidates(profile.run);
  }
}

const sameValue = (a: ClaimValue | undefined, b: ClaimValue | undefined): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** Whether a variant changes a claim (or the issuer) the alternative constrains. */
function changesConstrained(variant: Token, legitimate: Token, alternative: TrustAlternative): boolean {
  if (alternative.issuer !== undefined && variant.issuer !== legitimate.issuer) return true;
  return Object.keys(alternative.claims).some((claim) => !sameValue(claimOf(variant, claim), claimOf(legitimate, claim)));
}

/**
 * The forged variants of a legitimate identity of a trust (which must come from legitimateIdentities(trust)), in the
 * order of FORGED_FAMILIES' platforms' lists: the identity-level families always, the run-level families (branch,
 * tag, pull request, environment, workflow, protection) only when they change a claim the alternative constrains, the
 * id families only when the trust pins an id. A variant equal to a legitimate token of the trust, or to an earlier
 * variant, is dropped.
 */
export function forgedVariants(trust: Pick<VerifyTrust, 'kind' | 'alternatives'>, legit: LegitimateIdentity): ForgedVariant[] {
  const profiles = legitimateProfiles(trust);
  const entry = profiles.find((candidate) => sameToken(candidate.identity.token, legit.token));
  if (!entry) throw new Error(`forgedVariants: "${legit.description}" is not a legitimate identity of this trust (derive it with legitimateIdentities)`);
  const legitimateTokens = profiles.map((candidate) => candidate.identity.token);
  const result: ForgedVariant[] = [];
  for (const candidate of candidatesOf(entry.profile, entry.alternative)) {
    const token = profileToken(candidate.profile);
    if (WHEN_CONSTRAINED.has(candidate.family) && !changesConstrained(token, legit.token, entry.alternative)) continue;
    if (legitimateTokens.some((known) => sameToken(known, token)) || result.some((known) => sameToken(known.token, token))) continue;
    result.push({
      family: candidate.family,
      description: candidate.description,
      token,
      ...(candidate.sharedByDesign !== undefined ? { sharedByDesign: candidate.sharedByDesign } : {}),
    });
  }
  return result;
}
