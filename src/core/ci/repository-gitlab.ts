import * as YAML from 'yaml';
import { code, exampleSubject, GitLabRuns, gitlabRuns, variableName } from './repository-runs';
import type { NamedIdentity, RepositoryGroup } from './repository-side';
import { fail, quote } from '../errors';

/**
 * The GitLab side of a project's CI trusts: one `.gitlab-ci.yml` job per identity, with the `id_tokens` audience, the
 * rules for the trusted branches and tags, and the sign-in commands. GitLab has no subject template to set.
 */

const ID_TOKEN_DOCS = 'https://docs.gitlab.com/ci/secrets/id_token_authentication/';

/** Every file of one GitLab project, by path relative to the out directory. */
export function gitlabProjectFiles(group: RepositoryGroup): Map<string, string> {
  const files = new Map<string, string>();
  for (const identity of group.identities) files.set(`${group.dir}/gitlab-ci/${identity.stem}.yml`, gitlabJob(identity, gitlabRuns(identity), group));
  files.set(`${group.dir}/README.md`, gitlabReadme(group));
  return files;
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
    const literal = gitlabStringLiteral(name);
    return literal !== '' ? `${variable} == ${literal}` : `${variable} =~ /^${gitlabRegexLiteral(name)}$/`;
  };
  return [
    ...runs.branches.map((branch) => ({ if: exact('$CI_COMMIT_BRANCH', branch) })),
    ...runs.tags.map((tag) => ({ if: exact('$CI_COMMIT_TAG', tag) })),
    ...runs.tagPrefixes.map((prefix) => ({ if: `$CI_COMMIT_TAG =~ /^${gitlabRegexLiteral(prefix)}/` })),
  ];
}

/** The token variable, variables, script and explaining notes of the identity's sign-in. */
function signIn(identity: NamedIdentity): { token: string; variables: Record<string, string>; script: string[]; notes: string[] } {
  const login = identity.login;
  switch (login.cloud) {
    case 'aws': {
      const notes: string[] = [];
      const arnVariable = variableName('AWS_ROLE_ARN', login.roleName);
      if (login.roleArn === undefined) {
        notes.push(`AWS_ROLE_ARN: the stack is not pinned to an account and region, so Keyless does not know the ARN: set the CI/CD variable ${arnVariable} to arn:PARTITION:iam::ACCOUNT:role/${login.roleName}`);
      }
      if (login.region === undefined) notes.push('AWS_REGION: the stack has no literal region: set the CI/CD variable AWS_REGION');
      const variables: Record<string, string> = { AWS_ROLE_ARN: login.roleArn ?? `$${arnVariable}` };
      if (login.region !== undefined) variables.AWS_REGION = login.region;
      notes.push('The AWS CLI and SDKs call sts:AssumeRoleWithWebIdentity themselves from AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE.');
      return {
        token: 'AWS_ID_TOKEN',
        variables,
        script: [
          'export AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp)"',
          'printf \'%s\' "$AWS_ID_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"',
          'aws sts get-caller-identity',
        ],
        notes,
      };
    }
    case 'gcp': {
      const variables: Record<string, string> = { GCP_WORKLOAD_IDENTITY_PROVIDER: login.providerName };
      if (login.serviceAccountEmail !== undefined) variables.GCP_SERVICE_ACCOUNT = login.serviceAccountEmail;
      const impersonate = login.serviceAccountEmail === undefined ? '' : ' --service-account="$GCP_SERVICE_ACCOUNT"';
      return {
        token: 'GCP_ID_TOKEN',
        variables,
        script: [
          'GCP_TOKEN_FILE="$(mktemp)"',
          'printf \'%s\' "$GCP_ID_TOKEN" > "$GCP_TOKEN_FILE"',
          'export GOOGLE_APPLICATION_CREDENTIALS="$(mktemp)"',
          `gcloud iam workload-identity-pools create-cred-config "$GCP_WORKLOAD_IDENTITY_PROVIDER"${impersonate} --credential-source-file="$GCP_TOKEN_FILE" --output-file="$GOOGLE_APPLICATION_CREDENTIALS"`,
          'gcloud auth login --cred-file="$GOOGLE_APPLICATION_CREDENTIALS"',
          'gcloud auth list',
        ],
        notes: login.serviceAccountEmail === undefined ? ['Direct access: no service account; resources grant roles to the provider\'s principals.'] : [],
      };
    }
    case 'azure': {
      const clientId = variableName('AZURE_CLIENT_ID', login.identityName);
      return {
        token: 'AZURE_ID_TOKEN',
        variables: {},
        script: [
          `az login --service-principal --username "$${clientId}" --tenant "$AZURE_TENANT_ID" --federated-token "$AZURE_ID_TOKEN"`,
          'az account set --subscription "$AZURE_SUBSCRIPTION_ID"',
          'az account show',
        ],
        notes: [
          `${clientId}: known only after apply: \`terraform output -raw ${login.clientIdOutput}\` in the stack ${login.terraformStack} (cdktf: out/terraform/stacks/${login.terraformStack}); set it as a CI/CD variable`,
          'AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID: the tenant of the identity and the subscription its roles are assigned in (`az account show`)',
        ],
      };
    }
  }
}

/** One job of `.gitlab-ci.yml` for an identity. */
function gitlabJob(identity: NamedIdentity, runs: GitLabRuns, group: RepositoryGroup): string {
  const { token, variables, script, notes } = signIn(identity);
  const job: Record<string, unknown> = {
    stage: 'deploy',
    id_tokens: { [token]: { aud: literalForGitLab(identity.login.audience, identity, 'audience') } },
    rules: rules(runs),
  };
  if (Object.keys(variables).length > 0) job.variables = variables;
  job.script = script;
  const doc = new YAML.Document({ [identity.stem]: job });
  const header = [
    `Keyless: ${identity.ids.join(' and ')} (${identity.construct}), for ${group.path} on ${group.issuer}.`,
    'Generated from the declaration: regenerate it with the trust, do not edit it by hand. Add the job to .gitlab-ci.yml.',
    `Trust: ${identity.trust.summary}.`,
    'GitLab has no subject template: `sub` is project_path:PATH:ref_type:branch|tag:ref:NAME of the pipeline\'s ref.',
    `Example \`sub\` of a pipeline the trust admits: ${exampleSubject(identity.trust)}`,
    'The rules run the job only in pipelines of the trusted branches and tags (not in merge request pipelines).',
    protectionNote(identity, runs),
    ...notes,
  ];
  doc.commentBefore = header.map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 0, nullStr: '' });
}

/** Why the trusted branches and tags must be protected, for the identity's cloud. */
function protectionNote(identity: NamedIdentity, runs: GitLabRuns): string {
  if (identity.login.cloud === 'gcp' && runs.protectedRefs) {
    return 'Protect those branches and tags (project settings): this GCP trust also requires ref_protected == "true", which denies merge request pipelines.';
  }
  const checks = identity.login.cloud === 'gcp' ? 'this GCP trust (allowUnprotectedRefs) checks' : `${identity.login.cloud === 'aws' ? 'AWS' : 'Azure'} checks`;
  return `Protect those branches and tags (project settings): ${checks} only \`sub\`, which does not say whether the ref is protected.`;
}

function gitlabReadme(group: RepositoryGroup): string {
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
    '- GitLab has no subject template: `sub` is `project_path:PATH:ref_type:branch|tag:ref:NAME`.',
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
