import * as YAML from 'yaml';
import { code, compare, exampleSubject, GitHubRuns, githubRuns, pathSegment, variableName } from './repository-runs';
import type { NamedIdentity, RepositoryGroup } from './repository-side';
import { contentId } from '../content-id';
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

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const ENTERPRISE_ISSUER_API = 'https://docs.github.com/en/enterprise-cloud@latest/rest/actions/oidc#set-the-github-actions-oidc-custom-issuer-policy-for-an-enterprise';

/** YAML of a workflow: every object written out where it is used (never `&anchor` / `*alias`), no line folding. */
export function yamlText(value: unknown, comment: readonly string[]): string {
  const doc = new YAML.Document(value, { aliasDuplicateObjects: false });
  doc.commentBefore = comment.map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 0, nullStr: '' });
}

/**
 * Every file of one GitHub repository, by path relative to the out directory. `shapes` holds the shape of every
 * reusable workflow any trust pins (see {@link reusableWorkflowShapes}), one per workflow whoever calls it.
 */
export function githubRepositoryFiles(group: RepositoryGroup, shapes: ReadonlyMap<string, ReusableShape>): Map<string, string> {
  const files = new Map<string, string>();
  const runs = group.identities.map((identity) => githubRuns(identity));
  const repo = repositoryRuns(runs);
  const keys = repo.subjectClaimKeys;
  const payload = keys === undefined ? { use_default: true } : { use_default: false, include_claim_keys: [...keys] };
  files.set(`${group.dir}/oidc-subject-template.json`, `${JSON.stringify(payload, null, 2)}\n`);
  files.set(`${group.dir}/oidc-subject-template.tf`, subjectTemplateTerraform(group, repo));
  const used = new Map<string, ReusableShape>();
  group.identities.forEach((identity, i) => {
    const shape = runs[i].jobWorkflowRef === undefined ? undefined : shapes.get(reusableKey(runs[i].jobWorkflowRef!));
    if (shape !== undefined) used.set(shape.file, shape);
    files.set(`${group.dir}/workflows/${identity.stem}.yml`, githubWorkflow(identity, runs[i], repo, group, shape));
  });
  for (const shape of used.values()) files.set(`${group.dir}/${shape.file}`, shape.content);
  files.set(`${group.dir}/README.md`, githubReadme(group, repo, [...used.values()]));
  return files;
}

/**
 * The runs of the repository as a whole: the subject form every trust of it admits (immutable where one trust
 * requires it, since "both" admits it too; checkAgreement refused immutable with name-based) and the ids.
 */
function repositoryRuns(runs: readonly GitHubRuns[]): GitHubRuns {
  const form = runs.some((r) => r.form === 'immutable') ? 'immutable' : runs.some((r) => r.form === 'name-based') ? 'name-based' : 'both';
  const ids = runs.find((r) => r.ownerId !== undefined && r.repositoryId !== undefined) ?? runs[0];
  return { ...runs[0], form, ownerId: ids.ownerId, repositoryId: ids.repositoryId };
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
  const label = terraformLabel(runs.owner, runs.repository);
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
 * The resource label of a repository's template, unique per repository and a valid identifier (a letter or `_`
 * first, then letters, digits, `_` and `-`), so that the templates of many repositories share one root module.
 * `OWNER_REPO` where that spells the repository unambiguously (owners hold letters, digits and `-`; a repository
 * without `.` or `_`), else `OWNER_REPO_HASH` (`.` written as `_`, HASH of the lower-case `OWNER/REPO`: GitHub names
 * are case-insensitive); `_` first for an owner that starts with a digit. The plain form has one `_` after the
 * prefix and the hashed form two or more, so no two repositories share a label.
 *
 * @see https://developer.hashicorp.com/terraform/language/syntax/configuration#identifiers
 */
export function terraformLabel(owner: string, repository: string): string {
  const plain = /^[A-Za-z0-9-]+$/.test(owner) && /^[A-Za-z0-9-]+$/.test(repository);
  const slug = `${owner}_${repository}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const label = plain ? slug : `${slug}_${contentId(`${owner}/${repository}`.toLowerCase()).slice(0, 8)}`;
  return /^[A-Za-z]/.test(label) ? label : `_${label}`;
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
      const arn = login.roleArn ?? `\${{ vars.${variableName('AWS_ROLE_ARN', identity)} }}`;
      if (login.roleArn === undefined) {
        notes.push(`role-to-assume: the stack is not pinned to an account and region, so Keyless does not know the ARN: set the variable ${variableName('AWS_ROLE_ARN', identity)} to arn:PARTITION:iam::ACCOUNT:role/${login.roleName} of the account it deploys to`);
      }
      const region = variableName('AWS_REGION', identity);
      if (login.region === undefined) notes.push(`aws-region: the stack has no literal region: set the variable ${region} to the region it deploys to`);
      return { inputs: { 'role-to-assume': arn, 'aws-region': login.region ?? `\${{ vars.${region} }}`, 'audience': login.audience }, notes };
    }
    case 'gcp': {
      const inputs: Record<string, string> = { workload_identity_provider: login.providerName };
      if (login.serviceAccountEmail !== undefined) inputs.service_account = login.serviceAccountEmail;
      const notes = [`audience: the action's default, https://iam.googleapis.com/${login.providerName}, is the one the provider allows`];
      if (login.serviceAccountEmail === undefined) notes.push('direct access: no service account; resources grant roles to the provider\'s principals');
      return { inputs, notes };
    }
    case 'azure': {
      const clientId = variableName('AZURE_CLIENT_ID', identity);
      const tenantId = variableName('AZURE_TENANT_ID', identity);
      const subscriptionId = variableName('AZURE_SUBSCRIPTION_ID', identity);
      return {
        inputs: {
          'client-id': `\${{ vars.${clientId} }}`,
          'tenant-id': `\${{ vars.${tenantId} }}`,
          'subscription-id': `\${{ vars.${subscriptionId} }}`,
          'audience': login.audience,
        },
        notes: [
          `client-id: known only after apply: \`terraform output -raw ${login.clientIdOutput}\` in the stack ${login.terraformStack} (cdktf: out/terraform/stacks/${login.terraformStack}); set it as the variable ${clientId}`,
          `tenant-id, subscription-id: the tenant of this identity and the subscription its roles are assigned in (\`az account show\`), as the variables ${tenantId} and ${subscriptionId} (per identity: identities of one repository may live in other subscriptions)`,
        ],
      };
    }
  }
}

function loginStep(identity: NamedIdentity, inputs: Record<string, string>, anyOfCloud = false): Record<string, unknown> {
  const login = identity.login;
  const who = anyOfCloud
    ? { aws: 'AWS', gcp: 'Google Cloud', azure: 'Azure' }[login.cloud]
    : login.cloud === 'aws' ? `AWS as role ${login.roleName}` : login.cloud === 'gcp' ? `Google Cloud through provider ${login.providerId}` : `Azure as identity ${login.identityName}`;
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

/** The workflow of one identity: its jobs sign in, or call the pinned reusable workflow (whose shape is `shape`). */
function githubWorkflow(
  identity: NamedIdentity, runs: GitHubRuns, repo: GitHubRuns, group: RepositoryGroup, shape: ReusableShape | undefined,
): string {
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
      ? { permissions, uses: reusable, with: { ...(environment === undefined ? {} : { environment }), cloud: identity.login.cloud, ...inputs } }
      : {
        'runs-on': 'ubuntu-latest',
        ...(environment === undefined ? {} : { environment }),
        permissions,
        'steps': [{ uses: GITHUB_ACTIONS.checkout }, loginStep(identity, inputs), checkStep(identity)],
      };
  });

  const header = workflowHeader(identity, runs, repo, group, notes, shape);
  return yamlText({ name: workflowName(identity), on, permissions: { contents: 'read' }, jobs }, header);
}

function workflowName(identity: NamedIdentity): string {
  const login = identity.login;
  const name = login.cloud === 'aws' ? login.roleName : login.cloud === 'gcp' ? login.providerId : login.identityName;
  return `${name} (${CLOUD_LABEL[login.cloud]})`;
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

function workflowHeader(
  identity: NamedIdentity, runs: GitHubRuns, repo: GitHubRuns, group: RepositoryGroup, notes: readonly string[], shape: ReusableShape | undefined,
): string[] {
  const trust = identity.trust;
  const refs = [...runs.branches.map((b) => `refs/heads/${b}`), ...runs.tags.map((t) => `refs/tags/${t}`), ...runs.tagPrefixes.map((p) => `refs/tags/${p}*`)];
  const lines = [
    `Keyless: ${identity.ids.join(' and ')} (${identity.construct}), for ${group.path}.`,
    `Generated from the declaration: regenerate it with the trust, do not edit it by hand. Copy it to .github/workflows/${identity.stem}.yml.`,
    `Trust: ${trust.summary}.`,
    `Subject form: ${formSentence(repo).replace(/`/g, '')}.`,
    `Subject template: ${runs.subjectClaimKeys === undefined ? 'GitHub\'s default' : `include_claim_keys ${JSON.stringify(runs.subjectClaimKeys)}`} (oidc-subject-template.json).`,
    `Example \`sub\` of a run the trust admits: ${exampleSubject(trust)}`,
  ];
  if (runs.environmentOnRefs) lines.push(`The job must also run on ${refs.join(', ')}: the trust checks the \`ref\` claim, since \`sub\` names only the environment.`);
  if (runs.environments.length > 0 && !runs.environmentOnRefs && namesNoRef(runs)) {
    lines.push('The environment\'s deployment branches and tags (repository settings) decide which refs may run the job.');
  }
  if (runs.jobWorkflowRef !== undefined) {
    lines.push(`The job runs the reusable workflow ${runs.jobWorkflowRef} (the \`job_workflow_ref\` the trust pins), which signs in with these inputs;`);
    lines.push(`../${shape!.file} shows the shape it must have (it belongs in ${shape!.repository} at ${shape!.path}).`);
  }
  lines.push(...notes);
  lines.push('Actions are pinned by major version: pin each to a full commit SHA (and let Dependabot or Renovate update it).');
  return lines;
}

/** Whether the trust names no ref to trigger on (only environments, or pull requests). */
function namesNoRef(runs: GitHubRuns): boolean {
  return runs.branches.length + runs.tags.length + runs.tagPrefixes.length === 0;
}

/** The shape a pinned reusable workflow must have, written into the directory of every repository that calls it. */
export interface ReusableShape {
  /** Path under the caller repository's directory: `reusable/OWNER/REPO/NAME.reusable.yml`. */
  readonly file: string;
  /** `OWNER/REPO` the reusable workflow lives in. */
  readonly repository: string;
  /** Its path there, `.github/workflows/NAME.yml`. */
  readonly path: string;
  readonly content: string;
}

const WORKFLOW_FILE = /^([^/]+)\/([^/]+)\/(\.github\/workflows\/([^/@]+))@/;

/** One reusable workflow, whatever its ref: owner and repository case-insensitively (as GitHub names them), then the path. */
function reusableKey(jobWorkflowRef: string): string {
  const [, owner, repository, path] = WORKFLOW_FILE.exec(jobWorkflowRef)!;
  return `${owner.toLowerCase()}/${repository.toLowerCase()}/${path}`;
}

/** The inputs a caller may pass, in the order the shape lists them. */
const INPUT_ORDER = ['environment', 'cloud', 'role-to-assume', 'aws-region', 'workload_identity_provider', 'service_account', 'client-id', 'tenant-id', 'subscription-id', 'audience'];
const CLOUDS = ['aws', 'gcp', 'azure'] as const;

/**
 * The shape of every reusable workflow the trusts pin, by {@link reusableKey}: ONE per workflow, serving every caller
 * of every repository (one file has one `on.workflow_call.inputs`, and GitHub refuses a call that passes an input the
 * workflow does not define or omits a required one). An input is required when every caller passes it, else optional;
 * the sign-in steps of a cloud run only for that cloud's callers when callers of several clouds share the workflow.
 */
export function reusableWorkflowShapes(groups: readonly RepositoryGroup[]): Map<string, ReusableShape> {
  const callers = new Map<string, { identity: NamedIdentity; runs: GitHubRuns; group: RepositoryGroup }[]>();
  for (const group of groups) {
    for (const identity of group.identities) {
      const runs = githubRuns(identity);
      if (runs.jobWorkflowRef === undefined) continue;
      const key = reusableKey(runs.jobWorkflowRef);
      callers.set(key, [...(callers.get(key) ?? []), { identity, runs, group }]);
    }
  }
  const shapes = new Map<string, ReusableShape>();
  for (const [key, all] of [...callers].sort(([a], [b]) => compare(a, b))) {
    const refs = [...new Set(all.map((c) => c.runs.jobWorkflowRef!))].sort(compare);
    const [, owner, repository, path, name] = WORKFLOW_FILE.exec(refs[0])!;
    const passed = all.map(({ identity, runs }) => [...(runs.environments.length > 0 ? ['environment'] : []), 'cloud', ...Object.keys(loginInputs(identity).inputs)]);
    const names = INPUT_ORDER.filter((input) => passed.some((given) => given.includes(input)));
    const required = (input: string) => passed.every((given) => given.includes(input));
    const inputs = Object.fromEntries(names.map((input) => [input, { type: 'string', required: required(input) }]));
    const clouds = CLOUDS.filter((cloud) => all.some((c) => c.identity.login.cloud === cloud));
    const steps: Record<string, unknown>[] = [{ uses: GITHUB_ACTIONS.checkout }];
    for (const cloud of clouds) {
      const first = all.find((c) => c.identity.login.cloud === cloud)!.identity;
      const own = names.filter((input) => all.some((c) => c.identity.login.cloud === cloud && loginInputs(c.identity).inputs[input] !== undefined));
      // Gated on the literal cloud every caller passes, never on a sign-in value: an unset variable is '' (GitHub's
      // vars context), and a step gated on it would be skipped with a green run instead of failing at sign-in.
      const condition = clouds.length > 1 ? { if: `inputs.cloud == '${cloud}'` } : {};
      // `if:` after the step's name, where a reviewer reads which callers run it.
      for (const { name: stepName, ...step } of [loginStep(first, Object.fromEntries(own.map((input) => [input, `\${{ inputs.${input} }}`])), all.length > 1), checkStep(first)]) {
        steps.push({ name: stepName, ...condition, ...step });
      }
    }
    const job = {
      'runs-on': 'ubuntu-latest',
      ...(names.includes('environment') ? { environment: '${{ inputs.environment }}' } : {}),
      'permissions': { 'contents': 'read', 'id-token': 'write' },
      steps,
    };
    const from = all.map(({ identity, group }) => `${identity.ids.join(' and ')} (${identity.construct}) in ${group.path}`).sort(compare);
    const comment = [
      `Keyless: the shape the reusable workflow ${owner}/${repository}/${path} must have: it belongs in ${owner}/${repository} at ${path}`,
      `(${refs.map((ref) => ref.slice(ref.indexOf('@') + 1)).join(', ')}: the \`job_workflow_ref\` the trusts pin). It serves every caller:`,
      ...from.map((line) => `- ${line}`),
      'Generated from the declarations: regenerate it with them, do not edit it by hand.',
      `It ${names.includes('environment') ? 'sets the environment from its input (the token\'s `sub` names it) and ' : ''}signs in with the caller's inputs.`,
      ...(names.some((input) => !required(input)) ? ['An input only some callers pass is optional (GitHub refuses a call that omits a required input).'] : []),
      ...(clouds.length > 1 ? ['Callers of several clouds share it: the steps of a cloud run only for the callers that pass that `cloud`.'] : []),
      'Actions are pinned by major version: pin each to a full commit SHA.',
    ];
    const workflow = { name: `${name} (reusable: ${clouds.map((cloud) => CLOUD_LABEL[cloud]).join(', ')})`, on: { workflow_call: { inputs } }, permissions: { contents: 'read' }, jobs: { deploy: job } };
    const file = ['reusable', owner, repository, `${name.replace(/\.ya?ml$/, '')}.reusable.yml`].map((segment) => pathSegment(segment, all[0].identity.construct)).join('/');
    shapes.set(key, { file, repository: `${owner}/${repository}`, path, content: yamlText(workflow, comment) });
  }
  return shapes;
}

const CLOUD_LABEL = { aws: 'AWS', gcp: 'GCP', azure: 'Azure' } as const;

function githubReadme(group: RepositoryGroup, repo: GitHubRuns, shapes: readonly ReusableShape[]): string {
  const keys = repo.subjectClaimKeys;
  const rows = group.identities.map((identity) => {
    const workflow = `workflows/${identity.stem}.yml`;
    return `| ${identity.ids.map(code).join('<br>')} | ${code(workflow)} | ${code(exampleSubject(identity.trust))} | ${code(identity.construct)} |`;
  });
  const enterprise = group.issuer.startsWith(`${GITHUB_ISSUER}/`) ? group.issuer.slice(GITHUB_ISSUER.length + 1) : undefined;
  const enterpriseLines = enterprise === undefined ? [] : [
    `- The enterprise ${code(enterprise)} must issue its tokens with this issuer: until it sets its custom issuer policy, every run's`,
    `  \`iss\` is ${code(GITHUB_ISSUER)} and no trust matches ([REST API](${ENTERPRISE_ISSUER_API}), an enterprise owner, once):`,
    '',
    '  ```sh',
    `  gh api --method PUT enterprises/${enterprise}/actions/oidc/customization/issuer -F include_enterprise_slug=true`,
    '  ```',
  ];
  const reusableLines = shapes.length === 0 ? [] : [
    '',
    '## 3. The reusable workflows the trusts pin',
    '',
    'These do not go into this repository: each belongs in the repository and at the path it names, and serves every caller',
    'Keyless knows of (the comment at its top lists them).',
    '',
    '| Shape | Belongs in | At |',
    '| --- | --- | --- |',
    ...shapes.map((shape) => `| ${code(shape.file)} | ${code(shape.repository)} | ${code(shape.path)} |`),
  ];
  return [
    `# ${group.path}: the repository side of its CI trusts`,
    '',
    'Generated by Keyless from the declarations of the trusts below: regenerate it with them, do not edit it by hand.',
    '',
    `- Issuer: ${code(group.issuer)}`,
    ...enterpriseLines,
    `- Subject form the repository must emit: ${formSentence(repo)}.`,
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
    'Copy each workflow below to `.github/workflows/` and replace its last step with the job\'s work. The comments at the top of each',
    'say which variables to set. Then compare the `sub` of the first run (the cloud\'s sign-in log shows it) with the example:',
    `a different form or context means the repository does not emit what the trust expects ([GitHub OIDC reference](${OIDC_DOCS})).`,
    '',
    '| Identity | Workflow | Example `sub` | Construct |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...reusableLines,
    '',
  ].join('\n');
}
