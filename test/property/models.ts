/**
 * An independent model of what a declared CI source admits, and the runs (legitimate and forged) the properties
 * present to each cloud's evaluator. Nothing here comes from src/: the tokens are built by test/helpers/tokens.ts
 * from the declared names, and `declaredAdmits` decides from the declaration alone whether a run is one the
 * declaration names. "No wider than declared" is then: every run a cloud admits is a run the declaration admits;
 * and every legitimate run is admitted (what Terraform or IAM evaluates is the declared literal).
 */
import { SourceCase } from './arbitraries';
import { Claims, githubToken, GitHubRun, GITHUB_ISSUER, gitlabToken, GitLabRun } from '../helpers/tokens';

export type Cloud = 'aws' | 'gcp' | 'azure';

export interface Run {
  readonly label: string;
  readonly claims: Claims;
  /**
   * Whether the declaration names this run (computed from the declaration, never from the output); `undefined`
   * where either decision is within the declaration (see `githubRuns`).
   */
  readonly declared: boolean | undefined;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

interface GitHubDecl {
  owner: string;
  repository: string;
  ownerId?: string;
  repositoryId?: string;
  /** The subject forms the repository may emit, in the tokens helper's words (`default` is the name-based form). */
  forms: ('default' | 'immutable')[];
  format: 'name-based' | 'immutable' | 'both';
  iss: string;
  branches: string[];
  tags: string[];
  prefixes: string[];
  environments: string[];
  /** Environment jobs must also run on a declared ref (environments and refs, without the opt-in). */
  environmentOnRefs: boolean;
  pullRequests: boolean;
  jobWorkflowRef?: string;
  workflowInSubject: boolean;
}

function githubDecl(props: Record<string, any>): GitHubDecl {
  const format = props.subjectFormat ?? 'name-based';
  const branches = strings(props.branches);
  const tags = strings(props.tags);
  const prefixes = strings(props.tagPatterns).map((p) => p.slice(0, -1));
  const environments = strings(props.environments);
  return {
    owner: props.owner,
    repository: props.repository,
    ownerId: props.ownerId,
    repositoryId: props.repositoryId,
    format,
    forms: format === 'both' ? ['default', 'immutable'] : format === 'immutable' ? ['immutable'] : ['default'],
    iss: props.enterpriseSlug !== undefined ? `${GITHUB_ISSUER}/${props.enterpriseSlug}` : GITHUB_ISSUER,
    branches,
    tags,
    prefixes,
    environments,
    environmentOnRefs: environments.length > 0 && branches.length + tags.length + prefixes.length > 0
      && props.allowBranchRunsWithoutEnvironment !== true,
    pullRequests: props.allowPullRequests === true,
    jobWorkflowRef: props.jobWorkflowRef,
    workflowInSubject: props.jobWorkflowRefInSubject === true,
  };
}

function customKeys(d: GitHubDecl): string[] | undefined {
  if (!d.workflowInSubject) return undefined;
  return d.format === 'immutable' ? ['repository_owner_id', 'repository_id', 'context', 'job_workflow_ref'] : ['repo', 'context', 'job_workflow_ref'];
}

/** Whether a ref is one the declaration lists (a branch, a tag, or a tag under a declared pattern). */
function refDeclared(d: GitHubDecl, ref: string): boolean {
  if (ref.startsWith('refs/heads/')) return d.branches.includes(ref.slice('refs/heads/'.length));
  if (ref.startsWith('refs/tags/')) {
    const tag = ref.slice('refs/tags/'.length);
    return d.tags.includes(tag) || d.prefixes.some((p) => tag.startsWith(p));
  }
  return false;
}

function githubAdmits(d: GitHubDecl, run: GitHubRun, aud: string, cloud: Cloud): boolean {
  if (run.iss !== d.iss || run.aud !== aud) return false;
  const form = run.format ?? 'default';
  // Names: in every subject form but the immutable one pinned to a workflow (`repository_owner_id:…:repository_id:…`),
  // where the ids alone identify the repository.
  const namesVisible = !(form === 'immutable' && run.subjectClaimKeys !== undefined);
  if (namesVisible && (run.owner !== d.owner || run.repository !== d.repository)) return false;
  if (d.ownerId !== undefined) {
    // An immutable subject carries both ids (on every cloud). Otherwise: GCP checks both id claims; AWS checks
    // `repository_id` on the github.com issuer (STS exposes no `repository_owner_id`); Azure sees only the subject.
    if (form === 'immutable' && (run.ownerId !== d.ownerId || run.repositoryId !== d.repositoryId)) return false;
    if (cloud === 'gcp' && (run.ownerId !== d.ownerId || run.repositoryId !== d.repositoryId)) return false;
    if (cloud === 'aws' && d.iss === GITHUB_ISSUER && run.repositoryId !== d.repositoryId) return false;
  }
  const keys = customKeys(d);
  if (keys !== undefined) {
    if (JSON.stringify(run.subjectClaimKeys) !== JSON.stringify(keys) || run.jobWorkflowRef !== d.jobWorkflowRef) return false;
  } else if (run.subjectClaimKeys !== undefined || !d.forms.includes(form)) {
    return false;
  }
  // The workflow pinned by claim (AWS key, GCP claim; Azure refuses the declaration).
  if (d.jobWorkflowRef !== undefined && run.jobWorkflowRef !== d.jobWorkflowRef) return false;
  if (run.environment !== undefined) return d.environments.includes(run.environment) && (!d.environmentOnRefs || refDeclared(d, run.ref));
  if (d.environmentOnRefs) return false;
  if (run.event === 'pull_request') return d.pullRequests;
  return refDeclared(d, run.ref);
}

function githubRuns(d: GitHubDecl, aud: string, cloud: Cloud, probes: readonly number[]): Run[] {
  const base: GitHubRun = {
    owner: d.owner,
    repository: d.repository,
    ownerId: d.ownerId ?? '1001',
    repositoryId: d.repositoryId ?? '2002',
    ref: 'refs/heads/main',
    format: d.forms[d.forms.length - 1],
    subjectClaimKeys: customKeys(d),
    jobWorkflowRef: d.jobWorkflowRef,
    iss: d.iss,
    aud,
  };
  const refRuns: [string, GitHubRun][] = [
    ...d.branches.map((b): [string, GitHubRun] => [`branch ${b}`, { ...base, ref: `refs/heads/${b}` }]),
    ...d.tags.map((t): [string, GitHubRun] => [`tag ${t}`, { ...base, ref: `refs/tags/${t}` }]),
    ...d.prefixes.map((p): [string, GitHubRun] => [`tag ${p}1.0 (pattern)`, { ...base, ref: `refs/tags/${p}1.0` }]),
  ];
  const environmentRuns: [string, GitHubRun][] = d.environmentOnRefs
    ? d.environments.flatMap((e) => refRuns.map(([label, run]): [string, GitHubRun] => [`environment ${e} on ${label}`, { ...run, environment: e }]))
    : d.environments.map((e): [string, GitHubRun] => [`environment ${e}`, { ...base, environment: e }]);
  const single: [string, GitHubRun][] = [
    ...(d.environmentOnRefs ? [] : refRuns),
    ...environmentRuns,
    ...(d.pullRequests ? [['pull request', { ...base, event: 'pull_request', ref: 'refs/pull/7/merge' }] as [string, GitHubRun]] : []),
  ];
  // During a migration every legitimate run may carry either form.
  const legit: [string, GitHubRun][] = d.forms.length === 1 ? single
    : [...single, ...single.map(([label, run]): [string, GitHubRun] => [`${label} (name-based form)`, { ...run, format: 'default' }])];
  const mutations = (l: GitHubRun): [string, Partial<GitHubRun>][] => [
    ['another owner', { owner: 'evil', ownerId: '666' }],
    ['owner prefix collision', { owner: `${l.owner}-evil`, ownerId: '667' }],
    ['owner truncation', { owner: l.owner.slice(0, -1) || 'x', ownerId: '668' }],
    ['owner case change', { owner: l.owner.toUpperCase() === l.owner ? l.owner.toLowerCase() : l.owner.toUpperCase() }],
    ['another repository', { repository: `${l.repository}-evil`, repositoryId: '999' }],
    ['repository truncation', { repository: l.repository.slice(0, -1) || 'x', repositoryId: '998' }],
    ['re-created repository (other repository id)', { repositoryId: '99000001' }],
    ['other owner id', { ownerId: '777' }],
    ['another branch', { ref: 'refs/heads/dev-evil', environment: undefined, event: 'push' }],
    ['environment job on another branch', { ref: 'refs/heads/dev-evil' }],
    ['ref suffix', { ref: `${l.ref}-evil`, environment: undefined, event: 'push' }],
    ['ref truncation', { ref: l.ref.slice(0, -1), environment: undefined, event: 'push' }],
    ['tag as branch', { ref: l.ref.replace('refs/tags/', 'refs/heads/'), environment: undefined, event: 'push' }],
    ['branch as tag', { ref: l.ref.replace('refs/heads/', 'refs/tags/'), environment: undefined, event: 'push' }],
    ['another environment', { environment: `${l.environment ?? 'production'}-eu` }],
    ['no environment', { environment: undefined }],
    ['pull request', { event: 'pull_request', ref: 'refs/pull/7/merge', environment: undefined }],
    ['fork pull request', { owner: 'mallory', ownerId: '4242', repositoryId: '4343', event: 'pull_request', ref: 'refs/pull/7/merge', environment: undefined }],
    ['enterprise issuer', { iss: `${GITHUB_ISSUER}/evil-enterprise` }],
    ['look-alike issuer', { iss: `${GITHUB_ISSUER}.evil.example` }],
    ['github.com issuer', { iss: GITHUB_ISSUER }],
    ['wrong audience', { aud: 'https://evil.example.com' }],
    ['no audience', { aud: null }],
    ['other subject form', { format: l.format === 'immutable' ? 'default' : 'immutable', subjectClaimKeys: undefined }],
    ['default subject template', { subjectClaimKeys: undefined }],
    ['custom subject template', { subjectClaimKeys: ['repo', 'context', 'job_workflow_ref'] }],
    ['another workflow', { jobWorkflowRef: 'evil/workflows/.github/workflows/release.yml@refs/heads/main' }],
  ];
  const runs: Run[] = legit.map(([label, run]) => ({ label: `legitimate: ${label}`, claims: githubToken(run), declared: true }));
  for (const [[label, l], [what, change]] of probed(firstOfEachKind(legit), mutations, probes)) {
    {
      const run = { ...l, ...change } as GitHubRun;
      // A declared tag pattern is a subject prefix: the same repository's token for a matching tag under a custom
      // subject template (which only the repository's admins set) extends that subject; admitting it or not are both
      // within the declaration.
      const tag = l.ref.startsWith('refs/tags/') && l.environment === undefined ? l.ref.slice('refs/tags/'.length) : undefined;
      const either = what === 'custom subject template' && !d.workflowInSubject && !d.environmentOnRefs && tag !== undefined && d.prefixes.some((p) => tag.startsWith(p));
      runs.push({ label: `${what} (from ${label})`, claims: githubToken(run), declared: either ? undefined : githubAdmits(d, run, aud, cloud) });
    }
  }
  return runs;
}

/**
 * The legitimate runs whose forgeries are tried: the first of each kind (branch, tag, pattern, environment, pull
 * request) and the last one, which keeps the number of evaluations per declaration bounded; every legitimate run
 * is still checked to be admitted.
 */
function firstOfEachKind<T>(legit: [string, T][]): [string, T][] {
  const kinds = new Map<string, [string, T]>();
  for (const entry of legit) {
    const kind = `${entry[0].split(' ')[0]}${entry[0].endsWith('(pattern)') ? ' pattern' : ''}`;
    if (!kinds.has(kind)) kinds.set(kind, entry);
  }
  const chosen = [...kinds.values()];
  const last = legit[legit.length - 1];
  return last && !chosen.includes(last) ? [...chosen, last] : chosen;
}

/**
 * The forgeries tried for one declaration: each generated probe picks a legitimate run and a mutation of it, so that
 * every declaration gets a bounded number of evaluations and the generated declarations together cover every
 * mutation of every kind of run. Without probes, every mutation of every chosen run.
 */
function probed<T, M>(legit: [string, T][], mutations: (run: T) => M[], probes: readonly number[]): [[string, T], M][] {
  if (probes.length === 0) return legit.flatMap((entry) => mutations(entry[1]).map((m): [[string, T], M] => [entry, m]));
  return probes.map((probe, i) => {
    const entry = legit[(probe + i) % legit.length];
    const all = mutations(entry[1]);
    return [entry, all[probe % all.length]];
  });
}

interface GitLabDecl {
  iss: string;
  projectPath: string;
  namespaceId?: string;
  projectId?: string;
  branches: string[];
  tags: string[];
  prefixes: string[];
  /** GCP pins `ref_protected == 'true'` unless the declaration opts out. */
  protectedOnly: boolean;
}

function gitlabAdmits(d: GitLabDecl, run: GitLabRun, aud: string, cloud: Cloud): boolean {
  // The project `sub` and the `project_*` claims name: in a merge-request pipeline from a fork, the parent project
  // before GitLab 18.2.2 and the fork since; `ref_protected` is false in every merge-request pipeline.
  const fork = run.forkMergeRequest;
  const named = fork?.gitlabVersion === '18.2.2-or-later'
    ? { path: fork.projectPath, namespaceId: fork.namespaceId, projectId: fork.projectId }
    : { path: run.projectPath, namespaceId: run.namespaceId, projectId: run.projectId };
  const refProtected = fork ? false : run.refProtected ?? true;
  if ((run.instance ?? 'https://gitlab.com') !== d.iss || run.aud !== aud || named.path !== d.projectPath) return false;
  // GCP checks the id claims and `ref_protected`; AWS and Azure see only `sub`.
  if (d.namespaceId !== undefined && cloud === 'gcp' && (named.namespaceId !== d.namespaceId || named.projectId !== d.projectId)) return false;
  if (cloud === 'gcp' && d.protectedOnly && !refProtected) return false;
  if (run.refType === 'branch') return d.branches.includes(run.ref);
  return d.tags.includes(run.ref) || d.prefixes.some((p) => run.ref.startsWith(p));
}

function gitlabRuns(d: GitLabDecl, aud: string, cloud: Cloud, probes: readonly number[]): Run[] {
  const base: GitLabRun = { instance: d.iss, projectPath: d.projectPath, namespaceId: d.namespaceId ?? '5521', projectId: d.projectId ?? '48213', refType: 'branch', ref: 'main', aud };
  const legit: [string, GitLabRun][] = [
    ...d.branches.map((b): [string, GitLabRun] => [`branch ${b}`, { ...base, ref: b }]),
    ...d.tags.map((t): [string, GitLabRun] => [`tag ${t}`, { ...base, refType: 'tag', ref: t }]),
    ...d.prefixes.map((p): [string, GitLabRun] => [`tag ${p}1.0 (pattern)`, { ...base, refType: 'tag', ref: `${p}1.0` }]),
  ];
  const mutations = (l: GitLabRun): [string, Partial<GitLabRun>][] => [
    ['another project', { projectPath: `${l.projectPath}-evil`, projectId: '9' }],
    ['project truncation', { projectPath: l.projectPath.slice(0, -1), projectId: '8' }],
    ['another group', { projectPath: `evil/${l.projectPath.split('/').pop()}`, namespaceId: '7', projectId: '6' }],
    ['group prefix collision', { projectPath: l.projectPath.replace(/^([^/]+)/, '$1-evil'), namespaceId: '5', projectId: '4' }],
    ['other project id', { projectId: '50000' }],
    ['other namespace id', { namespaceId: '6000' }],
    ['ref suffix', { ref: `${l.ref}-evil` }],
    ['ref truncation', { ref: l.ref.slice(0, -1) }],
    ['other ref type', { refType: l.refType === 'branch' ? 'tag' : 'branch' }],
    ['another instance', { instance: 'https://gitlab.evil.example' }],
    ['gitlab.com', { instance: 'https://gitlab.com' }],
    ['unprotected ref', { refProtected: false }],
    ['merge-request pipeline in the project', { pipelineSource: 'merge_request_event', refProtected: false }],
    ['fork merge request (GitLab before 18.2.2)', { forkMergeRequest: { projectPath: 'mallory/ledger', namespaceId: '7001', projectId: '7002', gitlabVersion: 'before-18.2.2' } }],
    ['fork merge request (GitLab 18.2.2 or later)', { forkMergeRequest: { projectPath: 'mallory/ledger', namespaceId: '7001', projectId: '7002', gitlabVersion: '18.2.2-or-later' } }],
    ['wrong audience', { aud: 'https://evil.example.com' }],
    ['no audience', { aud: null }],
  ];
  const runs: Run[] = legit.map(([label, run]) => ({ label: `legitimate: ${label}`, claims: gitlabToken(run), declared: true }));
  for (const [[label, l], [what, change]] of probed(firstOfEachKind(legit), mutations, probes)) {
    {
      const run = { ...l, ...change } as GitLabRun;
      runs.push({ label: `${what} (from ${label})`, claims: gitlabToken(run), declared: gitlabAdmits(d, run, aud, cloud) });
    }
  }
  return runs;
}

/** Legitimate and forged runs of a declared source (the declaration was accepted, so its values are strings). */
export function ciRuns(source: SourceCase, aud: string, cloud: Cloud): Run[] {
  const probes = source.probes ?? [];
  if (source.platform === 'github') return githubRuns(githubDecl(source.props), aud, cloud, probes);
  const p = source.props as Record<string, any>;
  return gitlabRuns({
    iss: p.instanceUrl ?? 'https://gitlab.com',
    projectPath: p.projectPath,
    namespaceId: p.namespaceId,
    projectId: p.projectId,
    branches: strings(p.branches),
    tags: strings(p.tags),
    prefixes: strings(p.tagPatterns).map((t) => t.slice(0, -1)),
    protectedOnly: p.allowUnprotectedRefs !== true,
  }, aud, cloud, probes);
}

/** The refusals `expectedRefusal` predicts: Keyless must refuse exactly the declarations it predicts them for. */
export const MODELED_REFUSALS: readonly string[] = [
  'KL-GH-TIER1-IDS', 'KL-AWS-IDS-UNCHECKABLE', 'KL-AWS-CLAIM-KEY', 'KL-AZ-PATTERN', 'KL-AZ-CLAIM-UNCHECKABLE',
];

/**
 * Whether a cloud must refuse a source (valid in itself) declared by an identity of `tier`, and with which code: a
 * tier 1 identity pinning a GitHub repository by name only, without the opt-out; on AWS, an issuer whose claim keys
 * STS does not expose (a GitHub Enterprise unique issuer) with ids a name-based subject does not carry, or with a
 * claim the declaration depends on (the ref of environment jobs, the workflow by claim); on Azure, which matches
 * subjects exactly, a subject pattern or any such claim. Refused, not rendered without the check.
 */
export function expectedRefusal(source: SourceCase, cloud: Cloud, tier: unknown): string | undefined {
  if (source.platform === 'gitlab') {
    return cloud === 'azure' && strings(source.props.tagPatterns).length > 0 ? 'KL-AZ-PATTERN' : undefined;
  }
  const d = githubDecl(source.props);
  if (tier === 1 && d.ownerId === undefined && source.props.allowNameOnlyPinning !== true) return 'KL-GH-TIER1-IDS';
  const claimsRequired = d.environmentOnRefs || (d.jobWorkflowRef !== undefined && !d.workflowInSubject);
  if (cloud === 'aws' && d.iss !== GITHUB_ISSUER) {
    if (d.ownerId !== undefined && d.format !== 'immutable') return 'KL-AWS-IDS-UNCHECKABLE';
    if (claimsRequired) return 'KL-AWS-CLAIM-KEY';
  }
  if (cloud === 'azure') {
    // With environments on refs, the patterns are checked on `ref`, not in the subject.
    if (d.prefixes.length > 0 && !d.environmentOnRefs) return 'KL-AZ-PATTERN';
    if (claimsRequired) return 'KL-AZ-CLAIM-UNCHECKABLE';
  }
  return undefined;
}

/**
 * Checks a cloud's decisions against the declaration: legitimate runs admitted, nothing admitted that the
 * declaration does not name. Throws with the first violation.
 */
/** How often each forgery was tried and what the model decided, per check (printed with KEYLESS_PROPERTY_STATS). */
export const forgeryStats = new Map<string, { declared: number; denied: number }>();

export function checkRuns(runs: Run[], admits: (claims: Claims) => boolean, what: string): void {
  if (runs.filter((r) => r.declared).length === 0) throw new Error(`${what}: the model found no legitimate run (test bug)`);
  const seen = new Set<string>();
  for (const run of runs) {
    if (run.declared === undefined) continue;
    const key = `${run.declared}${JSON.stringify(run.claims)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!run.label.startsWith('legitimate: ')) {
      const stat = `${what}: ${run.label.replace(/ \(from .*\)$/, '')}`;
      const counts = forgeryStats.get(stat) ?? { declared: 0, denied: 0 };
      if (run.declared) counts.declared += 1;
      else counts.denied += 1;
      forgeryStats.set(stat, counts);
    }
    const admitted = admits(run.claims);
    if (run.declared && !admitted) throw new Error(`${what}: a declared run is denied (${run.label}; sub ${JSON.stringify(run.claims.sub)})`);
    if (!run.declared && admitted) throw new Error(`${what}: admits a run the declaration does not name (${run.label}; sub ${JSON.stringify(run.claims.sub)}, iss ${run.claims.iss})`);
  }
}
