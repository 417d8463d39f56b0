import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { AWS_LOGIN, AZURE_LOGIN, GCP_LOGIN, github, gitlab, IDS, WORKFLOW } from './fixtures';
import { ParsedWorkflow, parseGitHubWorkflows } from './workflow-parser';
import { CiTrustPolicy } from '../../src';
import { CiRepositorySideIdentity, renderRepositorySide } from '../../src/core/ci/repository-side';
import { synthesizedExamples } from '../helpers/examples';

/**
 * Every generated workflow is valid for GitHub's own parser, and the `sub` GitHub would issue to each of its jobs
 * (derived from the workflow and the subject template alone) is one the trust admits; the same for GitLab's jobs.
 */

const GITHUB_CASES: Record<string, CiRepositorySideIdentity> = {
  'name-based branches': github({ owner: 'acme', repository: 'payments-api', branches: ['main', 'release/2.x'] }),
  'immutable environment on refs': github({ ...IDS, subjectFormat: 'immutable', environments: ['production'], branches: ['main'], tagPatterns: ['v*'] }),
  'both forms, tags and patterns': github({ ...IDS, subjectFormat: 'both', tags: ['v1.0.0'], tagPatterns: ['v2.*'] }, GCP_LOGIN),
  'pull requests and a branch': github({ owner: 'acme', repository: 'payments-api', branches: ['main'], allowPullRequests: true }),
  'environments only': github({ owner: 'acme', repository: 'payments-api', environments: ['production', 'Production EU'] }, AZURE_LOGIN),
  'either environment or branch': github({ owner: 'acme', repository: 'payments-api', environments: ['production'], branches: ['main'], allowBranchRunsWithoutEnvironment: true }),
  'reusable workflow by claim': github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], branches: ['main'], jobWorkflowRef: WORKFLOW }),
  'reusable workflow in subject (immutable)': github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true }, AZURE_LOGIN),
  'reusable workflow in subject (name-based)': github({ owner: 'acme', repository: 'payments-api', branches: ['main'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true }),
  'filter characters': github({ owner: 'acme', repository: 'payments-api', branches: ['c++', '!important'], tagPatterns: ['rc+*'] }, { ...GCP_LOGIN, serviceAccountEmail: 'ci@acme.iam.gserviceaccount.com' }),
  'stack without account': github({ owner: 'acme', repository: 'payments-api', branches: ['main'] }, { ...AWS_LOGIN, roleArn: undefined, region: undefined }),
};

const GITLAB_CASES: Record<string, CiRepositorySideIdentity> = {
  'branches, tags and a pattern': gitlab({ projectPath: 'acme/finance/ledger', branches: ['main'], tags: ['v2.0.0'], tagPatterns: ['release-*'] }),
  'GCP with impersonation': gitlab({ projectPath: 'acme/finance/ledger', tags: ['v1'] }, { ...GCP_LOGIN, serviceAccountEmail: 'ledger@acme.iam.gserviceaccount.com' }),
  'Azure, quoted names': gitlab({ projectPath: 'acme/finance/ledger', branches: ['say-"hi"', 'it\'s', 'both-"\'.x'] }, AZURE_LOGIN),
  'self-managed instance': gitlab({ projectPath: 'platform/tools/deployer', instanceUrl: 'https://gitlab.example.com', tagPatterns: ['v1.*'] }),
};

/** Whether `sub` is among the trust's exact subjects or starts with one of its patterns' literal prefixes. */
function admits(trust: CiTrustPolicy, sub: string): boolean {
  return trust.exactSubjects.includes(sub) || trust.subjectPatterns.some((pattern) => sub.startsWith(pattern.slice(0, -1)));
}

interface IssuedToken { readonly job: string; readonly sub: string; readonly ref?: string; readonly jobWorkflowRef?: string }

/**
 * The tokens GitHub would issue to each job of a workflow: the job's environment (or the caller's `with.environment`)
 * or the ref each trigger runs it on, rendered with the repository's subject template (the payload), for each form
 * the repository may emit. A `v**` filter is instantiated with a tag under it.
 */
function issuedTokens(workflowText: string, payload: { use_default: boolean; include_claim_keys?: string[] }, trust: CiTrustPolicy): IssuedToken[] {
  const workflow = YAML.parse(workflowText);
  const { path: repoPath, ownerId, repositoryId, subjectFormat } = trust.repository!;
  const [owner, name] = repoPath.split('/');
  const unescape = (filter: string) => filter.replace(/\\/g, '');
  const refs: string[] = [
    ...(workflow.on.push?.branches ?? []).map((b: string) => `refs/heads/${unescape(b)}`),
    ...(workflow.on.push?.tags ?? []).map((t: string) => (t.endsWith('**') ? `refs/tags/${unescape(t.slice(0, -2))}1.2.3` : `refs/tags/${unescape(t)}`)),
  ];
  const runs: { ref?: string; pullRequest?: boolean }[] = [...refs.map((ref) => ({ ref }))];
  if ('pull_request' in workflow.on) runs.push({ pullRequest: true });
  if ('workflow_dispatch' in workflow.on) runs.push({});
  const tokens: IssuedToken[] = [];
  for (const [id, job] of Object.entries(workflow.jobs as Record<string, any>)) {
    expect(job.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    const environment: string | undefined = job.environment ?? job.with?.environment;
    const jobWorkflowRef = job.uses === undefined ? undefined : (job.uses as string).replace(/@([^@]+)$/, '@refs/heads/$1');
    for (const run of runs) {
      const context = environment !== undefined ? `environment:${environment}` : run.pullRequest ? 'pull_request' : run.ref !== undefined ? `ref:${run.ref}` : undefined;
      expect([id, context]).not.toEqual([id, undefined]);
      const forms = subjectFormat === 'both' ? ['name-based', 'immutable'] : [subjectFormat ?? 'name-based'];
      for (const form of forms) {
        const sub = payload.use_default
          ? `${form === 'immutable' ? `repo:${owner}@${ownerId}/${name}@${repositoryId}` : `repo:${owner}/${name}`}:${context}`
          : payload.include_claim_keys!.map((key) => ({
            repo: `repo:${owner}/${name}`,
            context,
            repository_owner_id: `repository_owner_id:${ownerId}`,
            repository_id: `repository_id:${repositoryId}`,
            job_workflow_ref: `job_workflow_ref:${jobWorkflowRef}`,
          } as Record<string, string | undefined>)[key]).join(':');
        tokens.push({ job: id, sub, ref: run.pullRequest ? 'refs/pull/1/merge' : run.ref, jobWorkflowRef });
      }
    }
  }
  return tokens;
}

/** Problems of a token the trust would not admit, by claim: `sub`, and the `ref` and `job_workflow_ref` it requires or pins. */
function refusals(trust: CiTrustPolicy, token: IssuedToken): string[] {
  const problems: string[] = [];
  if (!admits(trust, token.sub)) problems.push(`sub ${token.sub}`);
  for (const requirement of trust.claimRequirements ?? []) {
    const value = requirement.claim === 'ref' ? token.ref : requirement.claim === 'job_workflow_ref' ? token.jobWorkflowRef : undefined;
    const ok = value !== undefined && (requirement.values.includes(value) || (requirement.prefixes ?? []).some((p) => value.startsWith(p)));
    if (!ok) problems.push(`${requirement.claim} ${value}`);
  }
  const pinned = trust.claimPins.find((p) => p.claim === 'job_workflow_ref');
  if (pinned !== undefined && pinned.value !== token.jobWorkflowRef) problems.push(`job_workflow_ref ${token.jobWorkflowRef}`);
  return problems;
}

describe('GitHub workflows', () => {
  /** Every workflow of every case, parsed in one run of the parser (each run loads it anew). */
  const parsed = new Map<string, ParsedWorkflow>();
  const workflowsOf = (identity: CiRepositorySideIdentity) => [...renderRepositorySide([identity]).files]
    .filter(([name]) => name.endsWith('.yml')).map(([name, content]) => ({ name: `${identity.construct}:${name}`, content }));
  beforeAll(() => {
    const all = Object.values(GITHUB_CASES).map((identity, i) => ({ ...identity, construct: `Case${i}` })).flatMap(workflowsOf);
    for (const result of parseGitHubWorkflows(all)) parsed.set(result.name, result);
  });

  test.each(Object.entries(GITHUB_CASES))('GIVEN %s WHEN parsed by @actions/workflow-parser THEN no error, and every job\'s token is admitted', (name, identity) => {
    const files = renderRepositorySide([identity]).files;
    const workflows = [...files].filter(([file]) => file.endsWith('.yml')).map(([file, content]) => ({ name: file, content }));
    expect(workflows.length).toBeGreaterThan(0);
    const key = `Case${Object.keys(GITHUB_CASES).indexOf(name)}`;
    const results = [...parsed.values()].filter((r) => r.name.startsWith(`${key}:`));
    expect(results).toHaveLength(workflows.length);
    for (const result of results) expect([result.name, result.errors]).toEqual([result.name, []]);

    const payload = JSON.parse([...files].find(([file]) => file.endsWith('/oidc-subject-template.json'))![1]);
    const callers = workflows.filter((w) => !w.name.endsWith('.reusable.yml'));
    expect(callers).toHaveLength(1);
    const tokens = issuedTokens(callers[0].content, payload, identity.trust);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect([token.job, token.sub, refusals(identity.trust, token)]).toEqual([token.job, token.sub, []]);
  });

  test('GIVEN the environment-on-refs trust WHEN its workflow is changed to run on another branch THEN the cross-check refuses it (the check can fail)', () => {
    const identity = GITHUB_CASES['immutable environment on refs'];
    const [name, content] = [...renderRepositorySide([identity]).files].find(([f]) => f.endsWith('aws-payments-api-deploy.yml'))!;
    const tokens = issuedTokens(content.replace('      - main', '      - develop'), { use_default: true }, identity.trust);
    expect(name).toContain('workflows/');
    expect(tokens.flatMap((t) => refusals(identity.trust, t))).toEqual(['ref refs/heads/develop']);
    expect(issuedTokens(content, { use_default: false, include_claim_keys: ['repo', 'context'] }, identity.trust).flatMap((t) => refusals(identity.trust, t)))
      .toContain('sub repo:acme/payments-api:environment:production');
  });

  test('GIVEN AWS, GCP and Azure callers of one reusable workflow in two repositories WHEN rendered THEN each repository holds the same shape, valid for the parser, optional where a caller omits an input', () => {
    const files = renderRepositorySide([
      github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW }, AWS_LOGIN, 'Api/Aws'),
      github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW }, GCP_LOGIN, 'Api/Gcp'),
      github({ owner: 'acme', repository: 'ledger', branches: ['main'], jobWorkflowRef: WORKFLOW.replace('@refs/heads/main', '@refs/tags/v1') }, AZURE_LOGIN, 'Ledger/Azure'),
    ]).files;
    const shapes = [...files].filter(([name]) => name.endsWith('.reusable.yml'));
    expect(shapes.map(([name]) => name)).toEqual([
      'ci/github/acme/ledger/reusable/acme/workflows/release.reusable.yml', 'ci/github/acme/payments-api/reusable/acme/workflows/release.reusable.yml',
    ]);
    expect(shapes[0][1]).toBe(shapes[1][1]);
    const shape = YAML.parse(shapes[0][1]);
    expect(Object.fromEntries(Object.entries(shape.on.workflow_call.inputs).map(([input, spec]: [string, any]) => [input, spec.required]))).toEqual({
      'environment': false,
      'cloud': true,
      'role-to-assume': false,
      'aws-region': false,
      'workload_identity_provider': false,
      'client-id': false,
      'tenant-id': false,
      'subscription-id': false,
      'audience': false,
    });
    expect(shape.jobs.deploy.steps.map((step: any) => step.if)).toEqual([
      undefined, 'inputs.cloud == \'aws\'', 'inputs.cloud == \'aws\'', 'inputs.cloud == \'gcp\'',
      'inputs.cloud == \'gcp\'', 'inputs.cloud == \'azure\'', 'inputs.cloud == \'azure\'',
    ]);
    expect(shapes[0][1]).toContain('# (refs/heads/main, refs/tags/v1: the `job_workflow_ref` the trusts pin). It serves every caller:');
    for (const result of parseGitHubWorkflows([{ name: 'shape.yml', content: shapes[0][1] }])) expect(result.errors).toEqual([]);
  });

  test('GIVEN an invalid workflow WHEN parsed THEN the parser reports it (the validation can fail)', () => {
    const [result] = parseGitHubWorkflows([{ name: 'bad.yml', content: 'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environmnt: production\n    steps: []\n' }]);
    expect(result.errors).toContain('bad.yml (Line: 5, Col: 5): Unexpected value \'environmnt\'');
  });

  test('GIVEN the examples WHEN every workflow of out/ci/ is parsed THEN no error', () => {
    const outdir = synthesizedExamples();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'ci', 'manifest.json'), 'utf8'));
    const workflows = manifest.repositories.filter((r: any) => r.platform === 'github-actions')
      .flatMap((r: any) => r.files.filter((f: string) => f.endsWith('.yml')))
      .map((name: string) => ({ name, content: fs.readFileSync(path.join(outdir, name), 'utf8') }));
    expect(workflows.length).toBeGreaterThanOrEqual(10);
    for (const result of parseGitHubWorkflows(workflows)) expect([result.name, result.errors]).toEqual([result.name, []]);
  });
});

/** The pipelines a GitLab job runs in (from its rules) and the `sub` GitLab issues to each. */
function gitlabSubjects(job: any, projectPath: string): string[] {
  const unescape = (text: string) => text.replace(/\\x([0-9a-f]{2})/g, (_m, hex) => String.fromCharCode(parseInt(hex, 16))).replace(/\\(.)/g, '$1');
  return (job.rules as { if: string }[]).map((rule) => {
    const m = /^\$CI_COMMIT_(BRANCH|TAG) (?:== (?:"([^"]*)"|'([^']*)')|=~ \/\^(.*?)(\$?)\/)$/.exec(rule.if);
    expect([rule.if, m !== null]).toEqual([rule.if, true]);
    const [, kind, double, single, regex, anchored] = m!;
    const name = double ?? single ?? `${unescape(regex)}${anchored ? '' : '1.2.3'}`;
    return `project_path:${projectPath}:ref_type:${kind === 'BRANCH' ? 'branch' : 'tag'}:ref:${name}`;
  });
}

describe('GitLab jobs', () => {
  test.each(Object.entries(GITLAB_CASES))('GIVEN %s WHEN parsed as YAML THEN one job with the audience, rules and a script, and every pipeline\'s sub is admitted', (_name, identity) => {
    const files = renderRepositorySide([identity]).files;
    const jobs = [...files].filter(([name]) => name.endsWith('.yml'));
    expect(jobs).toHaveLength(1);
    const document = YAML.parseDocument(jobs[0][1]);
    expect(document.errors).toEqual([]);
    const parsed = document.toJS();
    expect(Object.keys(parsed)).toHaveLength(1);
    const job = Object.values(parsed)[0] as any;
    expect(Object.keys(job)).toEqual(['stage', 'id_tokens', 'rules', ...(job.variables ? ['variables'] : []), 'script']);
    expect(Object.values(job.id_tokens)).toEqual([{ aud: identity.login.audience }]);
    expect(job.script.every((line: unknown) => typeof line === 'string')).toBe(true);
    const subjects = gitlabSubjects(job, identity.trust.repository!.path);
    expect(subjects.length).toBe(identity.trust.exactSubjects.length + identity.trust.subjectPatterns.length);
    for (const sub of subjects) expect([sub, admits(identity.trust, sub)]).toEqual([sub, true]);
  });

  test('GIVEN the examples WHEN every GitLab job of out/ci/ is parsed THEN each is one job with id_tokens', () => {
    const outdir = synthesizedExamples();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'ci', 'manifest.json'), 'utf8'));
    const jobs = manifest.repositories.filter((r: any) => r.platform === 'gitlab-ci').flatMap((r: any) => r.files.filter((f: string) => f.endsWith('.yml')));
    expect(jobs.length).toBeGreaterThan(0);
    for (const name of jobs) {
      const job = Object.values(YAML.parse(fs.readFileSync(path.join(outdir, name), 'utf8')))[0] as any;
      expect(Object.keys(job.id_tokens)).toHaveLength(1);
    }
  });
});
