import * as YAML from 'yaml';
import { code, exampleSubject, GitLabRuns, gitlabRuns, variableName } from './repository-runs';
import type { NamedIdentity, RepositoryGroup } from './repository-side';
import { fail, quote } from '../errors';

/**
 * The GitLab side of a project's CI trusts: the `sub` claim components the trusts expect (the project setting
 * `ci_id_token_sub_claim_components`), and one `.gitlab-ci.yml` job per identity, with the `id_tokens` audience, the
 * rules for the trusted branches and tags, and the sign-in commands.
 */

const ID_TOKEN_DOCS = 'https://docs.gitlab.com/ci/secrets/id_token_authentication/';
/**
 * The project setting that decides `sub` (since GitLab 17.x): each component as `claim:value`, joined with `:`.
 * The default reproduces the form Keyless trusts; `["project_path","ref"]` and others drop or reorder parts.
 *
 * @see https://gitlab.com/gitlab-org/gitlab/-/merge_requests/160562
 * @see https://gitlab.com/gitlab-org/gitlab/-/issues/477260 (set with PUT /projects/:id)
 */
export const SUB_CLAIM_COMPONENTS = ['project_path', 'ref_type', 'ref'] as const;
const SUB_CLAIM_DOCS = 'https://gitlab.com/gitlab-org/gitlab/-/issues/477260';
const SUB_CLAIM_TEXT = JSON.stringify(SUB_CLAIM_COMPONENTS);

/** Every file of one GitLab project, by path relative to the out directory. */
export function gitlabProjectFiles(group: RepositoryGroup): Map<string, string> {
  const files = new Map<string, string>();
  files.set(`${group.dir}/id-token-sub-claim-components.json`, `${JSON.stringify({ ci_id_token_sub_claim_components: SUB_CLAIM_COMPONENTS }, null, 2)}\n`);
  for (const identity of group.identities) files.set(`${group.dir}/gitlab-ci/${identity.stem}.yml`, gitlabJob(identity, gitlabRuns(identity), group));
  files.set(`${group.dir}/README.md`, gitlabReadme(group));
  return files;
}

/** A plain scalar every YAML 1.1 reader, Psych included, reads back as this string. */
const SAFE_PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
/** YAML 1.1 booleans and nulls (https://yaml.org/type/bool.html, https://yaml.org/type/null.html), case-insensitively. */
const YAML11_WORDS = /^(y|n|yes|no|true|false|on|off|null)$/i;

/**
 * YAML as GitLab reads it: Ruby's Psych parses `.gitlab-ci.yml` as YAML 1.1 and its scalar scanner reads more than
 * the spec (`:word` as a Symbol, `1,000` as 1000; ruby/psych lib/psych/scalar_scanner.rb), so every string that is not
 * a conservative safe word is quoted, rather than only those a 1.1 schema resolves; and every object is written where
 * it is used (no `&anchor` / `*alias`).
 */
export function gitlabYaml(value: unknown, comment: readonly string[]): string {
  const doc = new YAML.Document(value, { version: '1.1', aliasDuplicateObjects: false });
  YAML.visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && (!SAFE_PLAIN.test(node.value) || YAML11_WORDS.test(node.value))) {
        node.type = node.value.includes('\'') || /[\n\r\t]/.test(node.value) ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
      }
    },
  });
  doc.commentBefore = comment.map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 0, nullStr: '' });
}

/** A shell word that holds `value` literally (single quotes; a `'` inside written as `'\''`). */
function shellWord(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** Refuses a value GitLab would expand (`$VAR`) where the job writes it. */
function literalForGitLab(value: string, identity: NamedIdentity, prop: string): string {
  if (value.includes('$')) {
    fail({
      code: 'KL-CI-REPO-EXPRESSION',
      path: identity.construct,
      prop,
      problem: `is ${quote(value)}, which contains \`$\`: GitLab expands it as a variable in \`.gitlab-ci.yml\`, so the job would not request the value the trust names`,
      fix: 'use a value without `$`',
    });
  }
  return value;
}

/**
 * A string literal of a `rules:if` expression: double-quoted, or single-quoted when the name holds a `"` (a git ref may
 * hold either quote, never both unescaped here: such a name is matched by a regular expression of its code points).
 */
export function gitlabStringLiteral(value: string): string {
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes('\'')) return `'${value}'`;
  return '';
}

/** A regular expression literal (RE2 syntax, `/…/`) matching exactly the characters of `value`. */
export function gitlabRegexLiteral(value: string): string {
  return value.replace(/[\\/.+*?()|[\]{}^$"']/g, (c) => (c === '"' || c === '\'' ? `\\x${c.charCodeAt(0).toString(16)}` : `\\${c}`));
}

/** The `rules:if` conditions of the trusted branches, tags and tag prefixes. */
function rules(runs: GitLabRuns): { if: string }[] {
  const exact = (variable: string, name: string) => {
    // GitLab before 18.5 expands `$VAR` inside a quoted string of `rules:if` (gitlab-org/gitlab#578297): a name holding
    // `$` is matched by a regular expression, where `\$` is the character.
    const literal = name.includes('$') ? '' : gitlabStringLiteral(name);
    return literal !== '' ? `${variable} == ${literal}` : `${variable} =~ /^${gitlabRegexLiteral(name)}$/`;
  };
  return [
    ...runs.branches.map((branch) => ({ if: exact('$CI_COMMIT_BRANCH', branch) })),
    ...runs.tags.map((tag) => ({ if: exact('$CI_COMMIT_TAG', tag) })),
    ...runs.tagPrefixes.map((prefix) => ({ if: `$CI_COMMIT_TAG =~ /^${gitlabRegexLiteral(prefix)}/` })),
  ];
}

/**
 * The token variable, script and explaining notes of the identity's sign-in. Values Keyless knows are written into the
 * script, not into the job's `variables:`: a project, group or instance CI/CD variable of the same name (a common
 * `AWS_ROLE_ARN`) takes precedence over the job's, and the job would sign in as that role instead.
 *
 * @see https://docs.gitlab.com/ci/variables/#cicd-variable-precedence
 */
function signIn(identity: NamedIdentity): { token: string; script: string[]; notes: string[] } {
  const login = identity.login;
  switch (login.cloud) {
    case 'aws': {
      const notes: string[] = [];
      const arnVariable = variableName('AWS_ROLE_ARN', identity);
      if (login.roleArn === undefined) {
        notes.push(`${arnVariable}: the stack is not pinned to an account and region, so Keyless does not know the ARN: set the CI/CD variable ${arnVariable} to arn:PARTITION:iam::ACCOUNT:role/${login.roleName}`);
      }
      const regionVariable = variableName('AWS_REGION', identity);
      if (login.region === undefined) notes.push(`${regionVariable}: the stack has no literal region: set the CI/CD variable ${regionVariable} to the region it deploys to`);
      notes.push('The AWS CLI and SDKs call sts:AssumeRoleWithWebIdentity themselves from AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE.');
      notes.push('The script sets AWS_ROLE_ARN itself: a CI/CD variable of that name (project, group, instance) would override a job variable.');
      notes.push('It unsets static keys and AWS_PROFILE first: the CLI and SDKs would use them before the web identity, and the job would run as their user.');
      return {
        token: 'AWS_ID_TOKEN',
        script: [
          // Static keys and a profile come before the web identity in the CLI's and SDKs' credential chain
          // (https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-configure.html#configure-precedence).
          'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE',
          `export AWS_ROLE_ARN=${login.roleArn === undefined ? `"$${arnVariable}"` : shellWord(login.roleArn)}`,
          `export AWS_REGION=${login.region === undefined ? `"$${regionVariable}"` : shellWord(login.region)}`,
          'export AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp)"',
          'printf \'%s\' "$AWS_ID_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"',
          'aws sts get-caller-identity',
        ],
        notes,
      };
    }
    case 'gcp': {
      const impersonate = login.serviceAccountEmail === undefined ? '' : ` --service-account=${shellWord(login.serviceAccountEmail)}`;
      return {
        token: 'GCP_ID_TOKEN',
        script: [
          'GCP_TOKEN_FILE="$(mktemp)"',
          'printf \'%s\' "$GCP_ID_TOKEN" > "$GCP_TOKEN_FILE"',
          'export GOOGLE_APPLICATION_CREDENTIALS="$(mktemp)"',
          `gcloud iam workload-identity-pools create-cred-config ${shellWord(login.providerName)}${impersonate} --credential-source-file="$GCP_TOKEN_FILE" --output-file="$GOOGLE_APPLICATION_CREDENTIALS"`,
          'gcloud auth login --cred-file="$GOOGLE_APPLICATION_CREDENTIALS"',
          'gcloud auth list',
        ],
        notes: login.serviceAccountEmail === undefined ? ['Direct access: no service account; resources grant roles to the provider\'s principals.'] : [],
      };
    }
    case 'azure': {
      const clientId = variableName('AZURE_CLIENT_ID', identity);
      const tenantId = variableName('AZURE_TENANT_ID', identity);
      const subscriptionId = variableName('AZURE_SUBSCRIPTION_ID', identity);
      return {
        token: 'AZURE_ID_TOKEN',
        script: [
          `az login --service-principal --username "$${clientId}" --tenant "$${tenantId}" --federated-token "$AZURE_ID_TOKEN"`,
          `az account set --subscription "$${subscriptionId}"`,
          'az account show',
        ],
        notes: [
          `${clientId}: known only after apply: \`terraform output -raw ${login.clientIdOutput}\` in the stack ${login.terraformStack} (cdktf: out/terraform/stacks/${login.terraformStack}); set it as a CI/CD variable`,
          `${tenantId}, ${subscriptionId}: the tenant of this identity and the subscription its roles are assigned in (\`az account show\`), per identity: identities of one project may live in other subscriptions`,
        ],
      };
    }
  }
}

/** One job of `.gitlab-ci.yml` for an identity. */
function gitlabJob(identity: NamedIdentity, runs: GitLabRuns, group: RepositoryGroup): string {
  const { token, script, notes } = signIn(identity);
  const job: Record<string, unknown> = {
    stage: 'deploy',
    id_tokens: { [token]: { aud: literalForGitLab(identity.login.audience, identity, 'audience') } },
    rules: rules(runs),
    script,
  };
  const header = [
    `Keyless: ${identity.ids.join(' and ')} (${identity.construct}), for ${group.path} on ${group.issuer}.`,
    'Generated from the declaration: regenerate it with the trust, do not edit it by hand. Add the job to .gitlab-ci.yml.',
    `Trust: ${identity.trust.summary}.`,
    `\`sub\` follows the project setting ci_id_token_sub_claim_components, which must be ${SUB_CLAIM_TEXT} (GitLab's default):`,
    'project_path:PATH:ref_type:branch|tag:ref:NAME of the pipeline\'s ref (README.md says how to check and set it).',
    `Example \`sub\` of a pipeline the trust admits: ${exampleSubject(identity.trust)}`,
    'The rules run the job only in pipelines of the trusted branches and tags (not in merge request pipelines).',
    protectionNote(identity, runs),
    'stage: deploy is one of GitLab\'s default stages (build, test, deploy); a .gitlab-ci.yml that lists its own `stages:` must list it, or set the job\'s stage to one it lists.',
    ...notes,
  ];
  return gitlabYaml({ [identity.stem]: job }, header);
}

/** Why the trusted branches and tags must be protected, for the identity's cloud. */
function protectionNote(identity: NamedIdentity, runs: GitLabRuns): string {
  if (identity.login.cloud === 'gcp' && runs.protectedRefs) {
    return 'Protect those branches and tags (project settings): this GCP trust also requires ref_protected == "true", which denies merge request pipelines.';
  }
  const checks = identity.login.cloud === 'gcp' ? 'this GCP trust (allowUnprotectedRefs) checks' : `${identity.login.cloud === 'aws' ? 'AWS' : 'Azure'} checks`;
  return `Protect those branches and tags (project settings): ${checks} only \`sub\`, which does not say whether the ref is protected.`;
}

/** The REST API base of the instance whose issuer is `issuer` (the instance URL). */
function apiBase(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/api/v4`;
}

function gitlabReadme(group: RepositoryGroup): string {
  const projectApi = `${apiBase(group.issuer)}/projects/${encodeURIComponent(group.path)}`;
  const rows = group.identities.map((identity) => {
    const job = `gitlab-ci/${identity.stem}.yml`;
    return `| ${identity.ids.map(code).join('<br>')} | ${code(job)} | ${code(exampleSubject(identity.trust))} | ${code(identity.construct)} |`;
  });
  return [
    `# ${group.path}: the project side of its CI trusts`,
    '',
    'Generated by Keyless from the declarations of the trusts below: regenerate it with them, do not edit it by hand.',
    '',
    `- Instance (issuer): ${code(group.issuer)}`,
    `- \`sub\` claim components: ${code(SUB_CLAIM_TEXT)}, GitLab's default, so that \`sub\` is \`project_path:PATH:ref_type:branch|tag:ref:NAME\`.`,
    '  The project setting `ci_id_token_sub_claim_components` decides `sub`; with another value (`["project_path","ref"]`, …) no',
    `  trust matches. Check it, and set it with the [REST API](${SUB_CLAIM_DOCS}) (\`PUT /projects/:id\`):`,
    '',
    '  ```sh',
    `  curl --fail --header "PRIVATE-TOKEN: $GITLAB_TOKEN" ${projectApi} | jq -c .ci_id_token_sub_claim_components`,
    '  curl --fail --request PUT --header "PRIVATE-TOKEN: $GITLAB_TOKEN" --header \'Content-Type: application/json\' \\',
    `    --data @id-token-sub-claim-components.json ${projectApi}`,
    '  ```',
    '',
    'Add each job to `.gitlab-ci.yml` and replace its last command with the job\'s work. Each job requests an ID token with the',
    `audience its trust requires (\`id_tokens\`, [GitLab docs](${ID_TOKEN_DOCS})); the comments at its top say which CI/CD variables to set.`,
    'Then compare the `sub` of the first pipeline (the cloud\'s sign-in log shows it) with the example.',
    '',
    '| Identity | Job | Example `sub` | Construct |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
