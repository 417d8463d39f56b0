import * as YAML from 'yaml';
import { code, exampleSubject, GitHubRuns, githubRuns, variableName } from './repository-runs';
import type { NamedIdentity, RepositoryGroup } from './repository-side';
import { fail, quote } from '../errors';

/**
 * The GitHub side of a repository's CI trusts: the OIDC subject claim template (REST payload and Terraform), one
 * workflow per identity, and a README saying which subject form the repository must emit.
 */

const OIDC_DOCS = 'https://docs.github.com/en/actions/reference/security/oidc';
const TEMPLATE_API = 'https://docs.github.com/en/rest/actions/oidc#set-the-customization-template-for-an-oidc-subject-claim-for-a-repository';
const TEMPLATE_RESOURCE = 'https://registry.terraform.io/providers/integrations/github/latest/docs/resources/actions_repository_oidc_subject_claim_customization_template';

/** Actions, pinned by major version (the generated comment asks a platform to pin them to a commit SHA). */
export const GITHUB_ACTIONS = {
  checkout: 'actions/checkout@v5',
  aws: 'aws-actions/configure-aws-credentials@v5',
  gcp: 'google-github-actions/auth@v3',
  azure: 'azure/login@v2',
} as const;

/** Every file of one GitHub repository, by path relative to the out directory. */
export function githubRepositoryFiles(group: RepositoryGroup): Map<string, string> {
  const files = new Map<string, string>();
  const runs = group.identities.map((identity) => githubRuns(identity));
  const keys = runs[0].subjectClaimKeys;
  const payload = keys === undefined ? { use_default: true } : { use_default: false, include_claim_keys: [...keys] };
  files.set(`${group.dir}/oidc-subject-template.json`, `${JSON.stringify(payload, null, 2)}\n`);
  files.set(`${group.dir}/oidc-subject-template.tf`, subjectTemplateTerraform(group, runs[0]));
  group.identities.forEach((identity, i) => {
    for (const [name, content] of githubWorkflows(identity, runs[i], group)) files.set(`${group.dir}/workflows/${name}`, content);
  });
  files.set(`${group.dir}/README.md`, githubReadme(group, runs, files));
  return files;
}

/** What the subject form means for the repository, in one sentence. */
function formSentence(runs: GitHubRuns): string {
  const { owner, repository, ownerId, repositoryId } = runs;
  const immutable = `\`repo:${owner}@${ownerId}/${repository}@${repositoryId}:…\``;
  const named = `\`repo:${owner}/${repository}:…\``;
  if (runs.subjectClaimKeys !== undefined) {
    return `the custom template below decides \`sub\`: its claims in order, \`context\` bare and the others as \`key:value\` (${runs.subjectClaimKeys.join(', ')})`;
  }
  switch (runs.form) {
    case 'immutable':
      return `immutable, ${immutable}: the default of repositories created, renamed or transferred since mid-2026; an older repository opts in through its Actions OIDC settings (not on GitHub Enterprise Server)`;
    case 'both':
      return `either ${named} or ${immutable}, while the repository switches: once its runs' \`sub\` shows the immutable form, declare \`subjectFormat: "immutable"\``;
    default:
      return `name-based, ${named}: the default of repositories created before mid-2026 that have not opted in to immutable subjects; a repository that emits the immutable form never matches (declare \`subjectFormat: "immutable"\` and the ids: the template does not change the form)`;
  }
}

/** The Terraform resource of the integrations/github provider for the template, formatted as `terraform fmt` does. */
function subjectTemplateTerraform(group: RepositoryGroup, runs: GitHubRuns): string {
  const label = `${runs.owner}_${runs.repository}`.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^(?=[0-9-])/, 'r_');
  const attributes: [string, string][] = [['repository', hclString(runs.repository)], ['use_default', String(runs.subjectClaimKeys === undefined)]];
  if (runs.subjectClaimKeys !== undefined) attributes.push(['include_claim_keys', `[${runs.subjectClaimKeys.map(hclString).join(', ')}]`]);
  const width = Math.max(...attributes.map(([key]) => key.length));
  return [
    `# Keyless: the OIDC subject claim template the CI trusts of ${group.path} expect (see README.md next to this file).`,
    '# Generated from the declarations: regenerate it with them, do not edit it by hand.',
    `# Subject form: ${formSentence(runs).replace(/`/g, '')}.`,
    `# Example \`sub\` of a run: ${exampleSubject(group.identities[0].trust)}`,
    `# Needs the integrations/github provider configured with owner = "${runs.owner}": ${TEMPLATE_RESOURCE}`,
    `resource "github_actions_repository_oidc_subject_claim_customization_template" "${label}" {`,
    ...attributes.map(([key, value]) => `  ${key.padEnd(width)} = ${value}`),
    '}',
    '',
  ].join('\n');
}

/**
 * A quoted HCL string whose value Terraform reads literally: `\` and `"` escaped, and `${` / `%{` (template
 * sequences in every quoted string) written as `$${` / `%%{`. A hand-written `.tf` holds no cdktf token, so unlike
 * `terraformLiteral` every sequence is escaped.
 *
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 */
export function hclString(value: string): string {
  const escaped = value
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
    .replace(/\$\{|%\{/g, (sequence) => (sequence === '${' ? '$${' : '%%{'));
  return `"${escaped}"`;
}

/**
 * A branch or tag name as a GitHub filter pattern that matches exactly it: `*`, `?`, `[`, `]` never occur in a
 * validated ref; `+` and a leading `!` are special in filter patterns and escaped with `\` (GitHub, "Filter pattern
 * cheat sheet").
 */
export function githubFilterLiteral(name: string): string {
  return name.replace(/\+/g, '\\+').replace(/^!/, '\\!');
}

/** Refuses a value GitHub would evaluate as an expression where the workflow writes it (`${{ … }}`). */
function literalForWorkflow(value: string, identity: NamedIdentity, prop: string): string {
  if (value.includes('${{')) {
    fail({
      code: 'KL-CI-REPO-EXPRESSION',
      path: identity.construct,
      prop,
      problem: `is ${quote(value)}, which contains \`\${{\`: GitHub evaluates it as an expression in a workflow, so the job would not use the value the trust names`,
      fix: 'rename it without `${{`',
    });
  }
  return value;
}

/** The sign-in inputs of the identity's login action, with one comment line per value that needs explaining. */
function loginInputs(identity: NamedIdentity): { inputs: Record<string, string>; notes: string[] } {
  const login = identity.login;
  switch (login.cloud) {
    case 'aws': {
      const notes: string[] = [];
      const arn = login.roleArn ?? `\${{ vars.${variableName('AWS_ROLE_ARN', login.roleName)} }}`;
      if (login.roleArn === undefined) {
        notes.push(`role-to-assume: the stack is not pinned to an account and region, so Keyless does not know the ARN: set the variable ${variableName('AWS_ROLE_ARN', login.roleName)} to arn:PARTITION:iam::ACCOUNT:role/${login.roleName} of the account it deploys to`);
      }
      if (login.region === undefined) notes.push('aws-region: the stack has no literal region: set the variable AWS_REGION');
      return { inputs: { 'role-to-assume': arn, 'aws-region': login.region ?? '${{ vars.AWS_REGION }}', 'audience': login.audience }, notes };
    }
    case 'gcp': {
      const inputs: Record<string, string> = { workload_identity_provider: login.providerName };
      if (login.serviceAccountEmail !== undefined) inputs.service_account = login.serviceAccountEmail;
      const notes = [`audience: the action's default, https://iam.googleapis.com/${login.providerName}, is the one the provider allows`];
      if (login.serviceAccountEmail === undefined) notes.push('direct access: no service account; resources grant roles to the provider\'s principals');
      return { inputs, notes };
    }
    case 'azure': {
      const clientId = variableName('AZURE_CLIENT_ID', login.identityName);
      return {
        inputs: {
          'client-id': `\${{ vars.${clientId} }}`,
          'tenant-id': '${{ vars.AZURE_TENANT_ID }}',
          'subscription-id': '${{ vars.AZURE_SUBSCRIPTION_ID }}',
          'audience': login.audience,
        },
        notes: [
          `client-id: known only after apply: \`terraform output -raw ${login.clientIdOutput}\` in the stack ${login.terraformStack} (cdktf: out/terraform/stacks/${login.terraformStack}); set it as the variable ${clientId}`,
          'tenant-id, subscription-id: the tenant of the identity and the subscription its roles are assigned in (`az account show`)',
        ],
      };
    }
  }
}

function loginStep(identity: NamedIdentity, inputs: Record<string, string>): Record<string, unknown> {
  const login = identity.login;
  const who = login.cloud === 'aws' ? `AWS as role ${login.roleName}` : login.cloud === 'gcp' ? `Google Cloud through provider ${login.providerId}` : `Azure as identity ${login.identityName}`;
  return { name: `Sign in to ${who}`, uses: GITHUB_ACTIONS[login.cloud], with: inputs };
}

function checkStep(identity: NamedIdentity): Record<string, unknown> {
  const run = { aws: 'aws sts get-caller-identity', gcp: 'gcloud auth list', azure: 'az account show' }[identity.login.cloud];
  return { name: 'Show the identity (replace with the job\'s work)', run };
}

/** The `uses:` of the pinned reusable workflow: its `job_workflow_ref` with the ref's short name. */
function reusableWorkflowUses(jobWorkflowRef: string): string {
  return jobWorkflowRef.replace(/@refs\/(heads|tags)\//, '@');
}

/** The workflow (and, with a pinned reusable workflow, the shape the reusable workflow must have) of one identity. */
function githubWorkflows(identity: NamedIdentity, runs: GitHubRuns, group: RepositoryGroup): [string, string][] {
  const environments = runs.environments.map((env, i) => literalForWorkflow(env, identity, `source.environments[${i}]`));
  const on: Record<string, unknown> = {};
  const push: Record<string, string[]> = {};
  if (runs.branches.length > 0) push.branches = runs.branches.map(githubFilterLiteral);
  // `**` also matches `/`, as the trust's pattern (AWS StringLike, GCP startsWith) does.
  const tags = [...runs.tags.map(githubFilterLiteral), ...runs.tagPrefixes.map((prefix) => `${githubFilterLiteral(prefix)}**`)];
  if (tags.length > 0) push.tags = tags;
  if (Object.keys(push).length > 0) on.push = push;
  if (runs.pullRequests) on.pull_request = null;
  if (Object.keys(on).length === 0 || (on.push === undefined && environments.length > 0)) on.workflow_dispatch = null;

  const { inputs, notes } = loginInputs(identity);
  const permissions = { 'contents': 'read', 'id-token': 'write' };
  const jobIds = jobIdsFor(environments);
  const jobs: Record<string, unknown> = {};
  const reusable = runs.jobWorkflowRef === undefined ? undefined : reusableWorkflowUses(runs.jobWorkflowRef);
  (environments.length > 0 ? environments : [undefined]).forEach((environment, i) => {
    jobs[jobIds[i]] = reusable !== undefined
      ? { permissions, uses: reusable, with: { ...(environment === undefined ? {} : { environment }), ...inputs } }
      : {
        'runs-on': 'ubuntu-latest',
        ...(environment === undefined ? {} : { environment }),
        permissions,
        'steps': [{ uses: GITHUB_ACTIONS.checkout }, loginStep(identity, inputs), checkStep(identity)],
      };
  });

  const header = workflowHeader(identity, runs, group, notes);
  const workflow = new YAML.Document({ name: workflowName(identity), on, permissions: { contents: 'read' }, jobs });
  workflow.commentBefore = header.map((line) => ` ${line}`).join('\n');
  const files: [string, string][] = [[`${identity.stem}.yml`, workflow.toString({ lineWidth: 0, nullStr: '' })]];
  if (reusable !== undefined) files.push([`${identity.stem}.reusable.yml`, reusableWorkflow(identity, runs, inputs, environments.length > 0)]);
  return files;
}

function workflowName(identity: NamedIdentity): string {
  const login = identity.login;
  const name = login.cloud === 'aws' ? login.roleName : login.cloud === 'gcp' ? login.providerId : login.identityName;
  return `${name} (${login.cloud === 'aws' ? 'AWS' : login.cloud === 'gcp' ? 'GCP' : 'Azure'})`;
}

/** `deploy`, or one `deploy-ENV` per environment (job ids: letters, digits, `-` and `_`, starting with a letter or `_`). */
function jobIdsFor(environments: readonly string[]): string[] {
  if (environments.length <= 1) return ['deploy'];
  const seen = new Set<string>();
  return environments.map((env) => {
    const slug = env.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'environment';
    let id = `deploy-${slug}`;
    for (let n = 2; seen.has(id); n++) id = `deploy-${slug}-${n}`;
    seen.add(id);
    return id;
  });
}

function workflowHeader(identity: NamedIdentity, runs: GitHubRuns, group: RepositoryGroup, notes: readonly string[]): string[] {
  const trust = identity.trust;
  const refs = [...runs.branches.map((b) => `refs/heads/${b}`), ...runs.tags.map((t) => `refs/tags/${t}`), ...runs.tagPrefixes.map((p) => `refs/tags/${p}*`)];
  const lines = [
    `Keyless: ${identity.ids.join(' and ')} (${identity.construct}), for ${group.path}.`,
    `Generated from the declaration: regenerate it with the trust, do not edit it by hand. Copy it to .github/workflows/${identity.stem}.yml.`,
    `Trust: ${trust.summary}.`,
    `Subject form: ${formSentence(runs).replace(/`/g, '')}.`,
    `Subject template: ${runs.subjectClaimKeys === undefined ? 'GitHub\'s default' : `include_claim_keys ${JSON.stringify(runs.subjectClaimKeys)}`} (oidc-subject-template.json).`,
    `Example \`sub\` of a run the trust admits: ${exampleSubject(trust)}`,
  ];
  if (runs.environmentOnRefs) lines.push(`The job must also run on ${refs.join(', ')}: the trust checks the \`ref\` claim, since \`sub\` names only the environment.`);
  if (runs.environments.length > 0 && !runs.environmentOnRefs && namesNoRef(runs)) {
    lines.push('The environment\'s deployment branches and tags (repository settings) decide which refs may run the job.');
  }
  if (runs.jobWorkflowRef !== undefined) {
    lines.push(`The job runs the reusable workflow ${runs.jobWorkflowRef} (the \`job_workflow_ref\` the trust pins), which signs in with these inputs;`);
    lines.push(`${identity.stem}.reusable.yml shows the shape it must have.`);
  }
  lines.push(...notes);
  lines.push('Actions are pinned by major version: pin each to a full commit SHA (and let Dependabot or Renovate update it).');
  return lines;
}

/** Whether the trust names no ref to trigger on (only environments, or pull requests). */
function namesNoRef(runs: GitHubRuns): boolean {
  return runs.branches.length + runs.tags.length + runs.tagPrefixes.length === 0;
}

/** The shape the pinned reusable workflow must have: the environment from its input, and the sign-in. */
function reusableWorkflow(identity: NamedIdentity, runs: GitHubRuns, inputs: Record<string, string>, withEnvironment: boolean): string {
  const names = [...(withEnvironment ? ['environment'] : []), ...Object.keys(inputs)];
  const workflowInputs = Object.fromEntries(names.map((name) => [name, { type: 'string', required: true }]));
  const fromInputs = Object.fromEntries(Object.keys(inputs).map((name) => [name, `\${{ inputs.${name} }}`]));
  const job = {
    'runs-on': 'ubuntu-latest',
    ...(withEnvironment ? { environment: '${{ inputs.environment }}' } : {}),
    'permissions': { 'contents': 'read', 'id-token': 'write' },
    'steps': [{ uses: GITHUB_ACTIONS.checkout }, loginStep(identity, fromInputs), checkStep(identity)],
  };
  const doc = new YAML.Document({ name: workflowName(identity), on: { workflow_call: { inputs: workflowInputs } }, permissions: { contents: 'read' }, jobs: { deploy: job } });
  doc.commentBefore = [
    ` Keyless: the shape the reusable workflow ${runs.jobWorkflowRef} must have for ${identity.ids.join(' and ')}`,
    ` (${identity.construct}): it lives in ${runs.jobWorkflowRef!.split('/.github/')[0]}, not in this repository.`,
    ' It sets the environment from its input (the token\'s `sub` names it) and signs in with the caller\'s inputs.',
    ' Actions are pinned by major version: pin each to a full commit SHA.',
  ].join('\n');
  return doc.toString({ lineWidth: 0, nullStr: '' });
}

function githubReadme(group: RepositoryGroup, runs: readonly GitHubRuns[], files: Map<string, string>): string {
  const first = runs[0];
  const keys = first.subjectClaimKeys;
  const rows = group.identities.map((identity) => {
    const workflows = [...files.keys()].filter((f) => f.startsWith(`${group.dir}/workflows/${identity.stem}.`)).map((f) => f.slice(group.dir.length + 1));
    return `| ${identity.ids.map(code).join('<br>')} | ${workflows.map(code).join('<br>')} | ${code(exampleSubject(identity.trust))} | ${code(identity.construct)} |`;
  });
  return [
    `# ${group.path}: the repository side of its CI trusts`,
    '',
    'Generated by Keyless from the declarations of the trusts below: regenerate it with them, do not edit it by hand.',
    '',
    `- Issuer: ${code(group.issuer)}`,
    `- Subject form the repository must emit: ${formSentence(first)}.`,
    `- OIDC subject claim template: ${keys === undefined
      ? '`{"use_default": true}`, GitHub\'s default (set explicitly, so that an organization template does not apply)'
      : `\`include_claim_keys: ${JSON.stringify(keys)}\``}.`,
    '',
    '## 1. Set the subject claim template',
    '',
    `[REST API](${TEMPLATE_API}), with the GitHub CLI:`,
    '',
    '```sh',
    `gh api --method PUT repos/${group.path}/actions/oidc/customization/sub --input oidc-subject-template.json`,
    '```',
    '',
    `Or with Terraform: \`oidc-subject-template.tf\` is the [\`github_actions_repository_oidc_subject_claim_customization_template\`](${TEMPLATE_RESOURCE})`,
    'resource of the integrations/github provider.',
    '',
    '## 2. Add the workflows',
    '',
    'Copy each workflow to `.github/workflows/` and replace its last step with the job\'s work. The comments at the top of each',
    'say which variables to set. Then compare the `sub` of the first run (the cloud\'s sign-in log shows it) with the example:',
    `a different form or context means the repository does not emit what the trust expects ([GitHub OIDC reference](${OIDC_DOCS})).`,
    '',
    '| Identity | Workflow | Example `sub` | Construct |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
