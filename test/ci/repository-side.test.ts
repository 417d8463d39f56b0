import * as YAML from 'yaml';
import { AWS_LOGIN, AZURE_LOGIN, GCP_LOGIN, github, gitlab, IDS, WORKFLOW } from './fixtures';
import { KeylessError } from '../../src';
import { renderRepositorySide, pathSegment, CiRepositorySideIdentity } from '../../src/core/ci/repository-side';

/** The files of the repository side of `identities`, by path. */
const render = (...identities: CiRepositorySideIdentity[]) => renderRepositorySide(identities).files;
const DIR = 'ci/github/acme/payments-api';
const file = (identities: CiRepositorySideIdentity[], name: string) => {
  const content = renderRepositorySide(identities).files.get(name);
  if (content === undefined) throw new Error(`no ${name} among ${[...renderRepositorySide(identities).files.keys()].join(', ')}`);
  return content;
};
const workflow = (identity: CiRepositorySideIdentity, name = 'aws-payments-api-deploy') => YAML.parse(file([identity], `${DIR}/workflows/${name}.yml`));

describe('the OIDC subject claim template', () => {
  test.each([
    ['name-based', { owner: 'acme', repository: 'payments-api' }],
    ['immutable', { ...IDS, subjectFormat: 'immutable' as const }],
    ['both', { ...IDS, subjectFormat: 'both' as const }],
  ])('GIVEN the %s form WHEN rendered THEN the payload is GitHub\'s default template, set explicitly', (_form, repository) => {
    const files = render(github({ ...repository, branches: ['main'] }));
    expect(files.get(`${DIR}/oidc-subject-template.json`)).toBe('{\n  "use_default": true\n}\n');
    expect(files.get(`${DIR}/oidc-subject-template.tf`)).toContain([
      'resource "github_actions_repository_oidc_subject_claim_customization_template" "acme_payments-api" {',
      '  repository  = "payments-api"',
      '  use_default = true',
      '}',
      '',
    ].join('\n'));
  });

  test('GIVEN jobWorkflowRefInSubject with the immutable form WHEN rendered THEN the payload and resource name the trust\'s include_claim_keys', () => {
    const identity = github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true }, AZURE_LOGIN);
    expect(JSON.parse(file([identity], `${DIR}/oidc-subject-template.json`))).toEqual({
      use_default: false, include_claim_keys: ['repository_owner_id', 'repository_id', 'context', 'job_workflow_ref'],
    });
    expect(file([identity], `${DIR}/oidc-subject-template.tf`)).toBe([
      '# Keyless: the OIDC subject claim template the CI trusts of acme/payments-api expect (see README.md next to this file).',
      '# Generated from the declarations: regenerate it with them, do not edit it by hand.',
      '# Subject form: the custom template below decides sub: its claims in order, context bare and the others as key:value '
        + '(repository_owner_id, repository_id, context, job_workflow_ref).',
      `# Example \`sub\` of a run: repository_owner_id:1342004:repository_id:86301532:environment:release:job_workflow_ref:${WORKFLOW}`,
      '# Needs the integrations/github provider configured with owner = "acme": '
        + 'https://registry.terraform.io/providers/integrations/github/latest/docs/resources/actions_repository_oidc_subject_claim_customization_template',
      'resource "github_actions_repository_oidc_subject_claim_customization_template" "acme_payments-api" {',
      '  repository         = "payments-api"',
      '  use_default        = false',
      '  include_claim_keys = ["repository_owner_id", "repository_id", "context", "job_workflow_ref"]',
      '}',
      '',
    ].join('\n'));
  });

  test('GIVEN jobWorkflowRefInSubject with the name-based form WHEN rendered THEN include_claim_keys is repo, context, job_workflow_ref', () => {
    const identity = github({ owner: 'acme', repository: 'payments-api', branches: ['main'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true });
    expect(file([identity], `${DIR}/oidc-subject-template.json`)).toBe(
      '{\n  "use_default": false,\n  "include_claim_keys": [\n    "repo",\n    "context",\n    "job_workflow_ref"\n  ]\n}\n');
  });

  test('GIVEN a repository README WHEN rendered THEN it says the subject form, the template, the gh api call and an example sub per identity', () => {
    const readme = file([github({ ...IDS, subjectFormat: 'immutable', branches: ['main'] })], `${DIR}/README.md`);
    expect(readme).toContain('- Subject form the repository must emit: immutable, `repo:acme@1342004/payments-api@86301532:…`');
    expect(readme).toContain('- OIDC subject claim template: `{"use_default": true}`, GitHub\'s default (set explicitly, so that an organization template does not apply).');
    expect(readme).toContain('gh api --method PUT repos/acme/payments-api/actions/oidc/customization/sub --input oidc-subject-template.json');
    expect(readme).toContain('| `aws:role:payments-api-deploy` | `workflows/aws-payments-api-deploy.yml` | `repo:acme@1342004/payments-api@86301532:ref:refs/heads/main` | `Platform/Deploy` |');
  });
});

describe('the GitHub workflow of an identity', () => {
  test('GIVEN a name-based trust of main WHEN rendered THEN the workflow runs on pushes to main with id-token: write and signs in to the role', () => {
    expect(file([github({ owner: 'acme', repository: 'payments-api', branches: ['main'] })], `${DIR}/workflows/aws-payments-api-deploy.yml`)).toBe(`\
# Keyless: aws:role:payments-api-deploy (Platform/Deploy), for acme/payments-api.
# Generated from the declaration: regenerate it with the trust, do not edit it by hand. Copy it to .github/workflows/aws-payments-api-deploy.yml.
# Trust: GitHub Actions acme/payments-api (ref:refs/heads/main).
# Subject form: name-based, repo:acme/payments-api:…: the default of repositories created before mid-2026 that have not opted in to immutable subjects; \
a repository that emits the immutable form never matches (declare subjectFormat: "immutable" and the ids: the template does not change the form).
# Subject template: GitHub's default (oidc-subject-template.json).
# Example \`sub\` of a run the trust admits: repo:acme/payments-api:ref:refs/heads/main
# Actions are pinned by major version: pin each to a full commit SHA (and let Dependabot or Renovate update it).

name: payments-api-deploy (AWS)
on:
  push:
    branches:
      - main
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: actions/checkout@v5
      - name: Sign in to AWS as role payments-api-deploy
        uses: aws-actions/configure-aws-credentials@v5
        with:
          role-to-assume: arn:aws:iam::123456789012:role/payments-api-deploy
          aws-region: eu-west-1
          audience: sts.amazonaws.com
      - name: Show the identity (replace with the job's work)
        run: aws sts get-caller-identity
`);
  });

  test('GIVEN an immutable trust of an environment on main and v* WHEN rendered THEN the job sets the environment and runs only on those refs', () => {
    const identity = github({ ...IDS, subjectFormat: 'immutable', environments: ['production'], branches: ['main'], tagPatterns: ['v*'] });
    expect(file([identity], `${DIR}/workflows/aws-payments-api-deploy.yml`)).toBe(`\
# Keyless: aws:role:payments-api-deploy (Platform/Deploy), for acme/payments-api.
# Generated from the declaration: regenerate it with the trust, do not edit it by hand. Copy it to .github/workflows/aws-payments-api-deploy.yml.
# Trust: GitHub Actions acme/payments-api (environment:production on refs/heads/main, refs/tags/v*; immutable subject).
# Subject form: immutable, repo:acme@1342004/payments-api@86301532:…: the default of repositories created, renamed or transferred since mid-2026; \
an older repository opts in through its Actions OIDC settings (not on GitHub Enterprise Server).
# Subject template: GitHub's default (oidc-subject-template.json).
# Example \`sub\` of a run the trust admits: repo:acme@1342004/payments-api@86301532:environment:production
# The job must also run on refs/heads/main, refs/tags/v*: the trust checks the \`ref\` claim, since \`sub\` names only the environment.
# Actions are pinned by major version: pin each to a full commit SHA (and let Dependabot or Renovate update it).

name: payments-api-deploy (AWS)
on:
  push:
    branches:
      - main
    tags:
      - v**
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: actions/checkout@v5
      - name: Sign in to AWS as role payments-api-deploy
        uses: aws-actions/configure-aws-credentials@v5
        with:
          role-to-assume: arn:aws:iam::123456789012:role/payments-api-deploy
          aws-region: eu-west-1
          audience: sts.amazonaws.com
      - name: Show the identity (replace with the job's work)
        run: aws sts get-caller-identity
`);
  });

  test('GIVEN both forms (GCP, direct access) WHEN rendered THEN the header names both forms and the auth step names the provider, no service account', () => {
    const content = file([github({ ...IDS, subjectFormat: 'both', branches: ['main'], tagPatterns: ['v*'] }, GCP_LOGIN)], `${DIR}/workflows/gcp-payments-api-deploy.yml`);
    expect(content).toContain('# Subject form: either repo:acme/payments-api:… or repo:acme@1342004/payments-api@86301532:…, while the repository switches');
    expect(YAML.parse(content).jobs.deploy.steps[1]).toEqual({
      name: 'Sign in to Google Cloud through provider payments-api-deploy',
      uses: 'google-github-actions/auth@v3',
      with: { workload_identity_provider: GCP_LOGIN.providerName },
    });
    expect(YAML.parse(content).on).toEqual({ push: { branches: ['main'], tags: ['v**'] } });
  });

  test('GIVEN GCP impersonation WHEN rendered THEN the auth step also names the service account', () => {
    const login = { ...GCP_LOGIN, serviceAccountEmail: 'deploy@acme-payments-prod.iam.gserviceaccount.com' };
    expect(workflow(github({ owner: 'acme', repository: 'payments-api', branches: ['main'] }, login), 'gcp-payments-api-deploy').jobs.deploy.steps[1].with).toEqual({
      workload_identity_provider: GCP_LOGIN.providerName, service_account: 'deploy@acme-payments-prod.iam.gserviceaccount.com',
    });
  });

  test('GIVEN tags, tag patterns and names special in filter patterns WHEN rendered THEN each filter matches exactly the trusted refs', () => {
    const identity = github({ owner: 'acme', repository: 'payments-api', branches: ['main', 'c++', '!important'], tags: ['v1.0.0'], tagPatterns: ['v2.*', 'rc+*'] });
    expect(workflow(identity).on).toEqual({ push: { branches: ['\\!important', 'c\\+\\+', 'main'], tags: ['v1.0.0', 'rc\\+**', 'v2.**'] } });
  });

  test('GIVEN pull requests opted in WHEN rendered THEN the workflow also runs on pull_request', () => {
    expect(workflow(github({ owner: 'acme', repository: 'payments-api', branches: ['main'], allowPullRequests: true })).on).toEqual({ push: { branches: ['main'] }, pull_request: null });
  });

  test('GIVEN environments only WHEN rendered THEN one job per environment, dispatched by hand, and the header says the environment decides the refs', () => {
    const content = file([github({ owner: 'acme', repository: 'payments-api', environments: ['production', 'Production EU'] })], `${DIR}/workflows/aws-payments-api-deploy.yml`);
    const parsed = YAML.parse(content);
    expect(parsed.on).toEqual({ workflow_dispatch: null });
    expect(Object.entries(parsed.jobs).map(([id, job]: [string, any]) => [id, job.environment])).toEqual([['deploy-production-eu', 'Production EU'], ['deploy-production', 'production']]);
    expect(content).toContain('# The environment\'s deployment branches and tags (repository settings) decide which refs may run the job.');
  });

  test('GIVEN jobWorkflowRefInSubject WHEN rendered THEN the caller job uses the reusable workflow with id-token: write, and the reusable shape takes the environment', () => {
    const identity = github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true }, AZURE_LOGIN);
    expect(workflow(identity, 'azure-payments-api-deploy').jobs).toEqual({
      deploy: {
        permissions: { 'contents': 'read', 'id-token': 'write' },
        uses: 'acme/workflows/.github/workflows/release.yml@main',
        with: {
          'environment': 'release',
          'client-id': '${{ vars.AZURE_CLIENT_ID_PAYMENTS_API_DEPLOY }}',
          'cloud': 'azure',
          'tenant-id': '${{ vars.AZURE_TENANT_ID_PAYMENTS_API_DEPLOY }}',
          'subscription-id': '${{ vars.AZURE_SUBSCRIPTION_ID_PAYMENTS_API_DEPLOY }}',
          'audience': 'api://AzureADTokenExchange',
        },
      },
    });
    const reusable = YAML.parse(file([identity], `${DIR}/reusable/acme/workflows/release.reusable.yml`));
    expect(Object.keys(reusable.on.workflow_call.inputs)).toEqual(['environment', 'cloud', 'client-id', 'tenant-id', 'subscription-id', 'audience']);
    expect(reusable.jobs.deploy.environment).toBe('${{ inputs.environment }}');
    expect(reusable.jobs.deploy.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    expect(reusable.jobs.deploy.steps[1]).toEqual({
      name: 'Sign in to Azure as identity payments-api-deploy',
      uses: 'azure/login@v2',
      with: {
        'client-id': '${{ inputs.client-id }}', 'tenant-id': '${{ inputs.tenant-id }}', 'subscription-id': '${{ inputs.subscription-id }}', 'audience': '${{ inputs.audience }}',
      },
    });
    expect(file([identity], `${DIR}/workflows/azure-payments-api-deploy.yml`)).toContain(
      '# client-id: known only after apply: `terraform output -raw Deploy_ClientId_1A2B3C4D` in the stack platform-ci-azure '
      + '(cdktf: out/terraform/stacks/platform-ci-azure); set it as the variable AZURE_CLIENT_ID_PAYMENTS_API_DEPLOY');
  });

  test('GIVEN a stack with no literal account or region WHEN rendered THEN the role ARN and region are repository variables, explained, never guessed', () => {
    const content = file([github({ owner: 'acme', repository: 'payments-api', branches: ['main'] }, { ...AWS_LOGIN, roleArn: undefined, region: undefined })],
      `${DIR}/workflows/aws-payments-api-deploy.yml`);
    expect(YAML.parse(content).jobs.deploy.steps[1].with).toEqual({
      'role-to-assume': '${{ vars.AWS_ROLE_ARN_PAYMENTS_API_DEPLOY }}', 'aws-region': '${{ vars.AWS_REGION_PAYMENTS_API_DEPLOY }}', 'audience': 'sts.amazonaws.com',
    });
    expect(content).toContain('# role-to-assume: the stack is not pinned to an account and region, so Keyless does not know the ARN: '
      + 'set the variable AWS_ROLE_ARN_PAYMENTS_API_DEPLOY to arn:PARTITION:iam::ACCOUNT:role/payments-api-deploy of the account it deploys to');
  });

  test('GIVEN an environment named with ${{ WHEN rendered THEN it is refused, since GitHub would evaluate it as an expression', () => {
    expect(() => render(github({ owner: 'acme', repository: 'payments-api', environments: ['prod${{ github.actor }}'] }))).toThrow(
      '[KL-CI-REPO-EXPRESSION] Platform/Deploy: `source.environments[0]` is "prod${{ github.actor }}", which contains `${{`: GitHub evaluates it as an expression '
      + 'in a workflow, so the job would not use the value the trust names. Fix: rename it without `${{`.');
  });
});

describe('the GitLab job of an identity', () => {
  const LEDGER = 'ci/gitlab/gitlab.com/acme/finance/ledger';

  test('GIVEN branches, tags and a tag pattern (AWS) WHEN rendered THEN the job requests the audience and runs only on those refs', () => {
    expect(file([gitlab({ projectPath: 'acme/finance/ledger', branches: ['main'], tags: ['v2.0.0'], tagPatterns: ['release-*'] })],
      `${LEDGER}/gitlab-ci/aws-payments-api-deploy.yml`)).toBe(`\
# Keyless: aws:role:payments-api-deploy (Platform/Ledger), for acme/finance/ledger on https://gitlab.com.
# Generated from the declaration: regenerate it with the trust, do not edit it by hand. Add the job to .gitlab-ci.yml.
# Trust: GitLab CI acme/finance/ledger (ref_type:branch:ref:main, ref_type:tag:ref:v2.0.0, ref_type:tag:ref:release-*).
# \`sub\` follows the project setting ci_id_token_sub_claim_components, which must be ["project_path","ref_type","ref"] (GitLab's default):
# project_path:PATH:ref_type:branch|tag:ref:NAME of the pipeline's ref (README.md says how to check and set it).
# Example \`sub\` of a pipeline the trust admits: project_path:acme/finance/ledger:ref_type:branch:ref:main
# The rules run the job only in pipelines of the trusted branches and tags (not in merge request pipelines).
# Protect those branches and tags (project settings): AWS checks only \`sub\`, which does not say whether the ref is protected.
# stage: deploy is one of GitLab's default stages (build, test, deploy); a .gitlab-ci.yml that lists its own \`stages:\` must list it, or set the job's stage to one it lists.
# The AWS CLI and SDKs call sts:AssumeRoleWithWebIdentity themselves from AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE.
# The script sets AWS_ROLE_ARN itself: a CI/CD variable of that name (project, group, instance) would override a job variable.
# It unsets static keys and AWS_PROFILE first: the CLI and SDKs would use them before the web identity, and the job would run as their user.

aws-payments-api-deploy:
  stage: deploy
  id_tokens:
    AWS_ID_TOKEN:
      aud: sts.amazonaws.com
  rules:
    - if: '$CI_COMMIT_BRANCH == "main"'
    - if: '$CI_COMMIT_TAG == "v2.0.0"'
    - if: '$CI_COMMIT_TAG =~ /^release-/'
  script:
    - 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE'
    - "export AWS_ROLE_ARN='arn:aws:iam::123456789012:role/payments-api-deploy'"
    - "export AWS_REGION='eu-west-1'"
    - 'export AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp)"'
    - "printf '%s' \\"$AWS_ID_TOKEN\\" > \\"$AWS_WEB_IDENTITY_TOKEN_FILE\\""
    - 'aws sts get-caller-identity'
`);
  });

  test('GIVEN GCP impersonation WHEN rendered THEN the job writes a credential configuration with gcloud for the provider and service account', () => {
    const login = { ...GCP_LOGIN, serviceAccountEmail: 'ledger@acme-payments-prod.iam.gserviceaccount.com' };
    const job = YAML.parse(file([gitlab({ projectPath: 'acme/finance/ledger', branches: ['main'] }, login)], `${LEDGER}/gitlab-ci/gcp-payments-api-deploy.yml`))['gcp-payments-api-deploy'];
    expect(job.id_tokens).toEqual({ GCP_ID_TOKEN: { aud: GCP_LOGIN.audience } });
    // The values are in the script: a project CI/CD variable of the same name would override a job variable.
    expect(job.variables).toBeUndefined();
    expect(job.script).toContain(`gcloud iam workload-identity-pools create-cred-config '${GCP_LOGIN.providerName}' --service-account='${login.serviceAccountEmail}' `
      + '--credential-source-file="$GCP_TOKEN_FILE" --output-file="$GOOGLE_APPLICATION_CREDENTIALS"');
  });

  test('GIVEN Azure WHEN rendered THEN the job signs in with az login --federated-token and the client id from a CI/CD variable', () => {
    const job = YAML.parse(file([gitlab({ projectPath: 'acme/finance/ledger', branches: ['main'] }, AZURE_LOGIN)], `${LEDGER}/gitlab-ci/azure-payments-api-deploy.yml`))['azure-payments-api-deploy'];
    expect(job.id_tokens).toEqual({ AZURE_ID_TOKEN: { aud: 'api://AzureADTokenExchange' } });
    expect(job.script[0]).toBe('az login --service-principal --username "$AZURE_CLIENT_ID_PAYMENTS_API_DEPLOY" --tenant "$AZURE_TENANT_ID_PAYMENTS_API_DEPLOY" --federated-token "$AZURE_ID_TOKEN"');
  });

  test('GIVEN branch names with quotes WHEN rendered THEN each rules:if compares the exact name', () => {
    const job = YAML.parse(file([gitlab({ projectPath: 'acme/finance/ledger', branches: ['say-"hi"', 'it\'s', 'both-"\'.x'] })], `${LEDGER}/gitlab-ci/aws-payments-api-deploy.yml`));
    expect(job['aws-payments-api-deploy'].rules).toEqual([
      { if: '$CI_COMMIT_BRANCH =~ /^both-\\x22\\x27\\.x$/' },
      { if: '$CI_COMMIT_BRANCH == "it\'s"' },
      { if: '$CI_COMMIT_BRANCH == \'say-"hi"\'' },
    ]);
  });

  test('GIVEN an audience with $ WHEN rendered THEN it is refused, since GitLab would expand it', () => {
    expect(() => render(gitlab({ projectPath: 'acme/finance/ledger', branches: ['main'] }, { ...AWS_LOGIN, audience: 'sts.$HOST' }))).toThrow(
      '[KL-CI-REPO-EXPRESSION] Platform/Ledger: `audience` is "sts.$HOST", which contains `$`: GitLab expands it as a variable in `.gitlab-ci.yml`, '
      + 'so the job would not request the value the trust names. Fix: use a value without `$`.');
  });
});

describe('one repository, one of each', () => {
  test('GIVEN two trusts of one repository WHEN rendered THEN one template and one README, a workflow each', () => {
    const files = render(
      github({ ...IDS, subjectFormat: 'immutable', branches: ['main'] }),
      github({ ...IDS, subjectFormat: 'both', tagPatterns: ['v*'] }, GCP_LOGIN, 'Platform/Gcp'),
    );
    expect([...files.keys()]).toEqual([
      `${DIR}/README.md`,
      `${DIR}/oidc-subject-template.json`,
      `${DIR}/oidc-subject-template.tf`,
      `${DIR}/workflows/aws-payments-api-deploy.yml`,
      `${DIR}/workflows/gcp-payments-api-deploy.yml`,
      'ci/manifest.json',
    ]);
  });

  test('GIVEN two trusts of one repository that need different subject templates WHEN rendered THEN it is refused, naming both constructs', () => {
    expect(() => render(
      github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW }, AWS_LOGIN, 'Publish/Aws'),
      github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true }, AZURE_LOGIN, 'Publish/Azure'),
    )).toThrow(
      '[KL-CI-REPO-TEMPLATE] Publish/Azure: `source.jobWorkflowRefInSubject` needs the OIDC subject template '
      + '`include_claim_keys: ["repository_owner_id","repository_id","context","job_workflow_ref"]` for acme/payments-api, but Publish/Aws needs '
      + '`{"use_default": true}` (GitHub\'s default): a repository has one subject template, and the `sub` of its runs follows it, so one of the two trusts never matches. '
      + 'Fix: declare `jobWorkflowRefInSubject` alike in every trust of the repository, or trust the other workflow from its own repository. '
      + 'See https://docs.github.com/en/actions/reference/security/oidc');
  });

  test('GIVEN one repository declared immutable and name-based (in two apps) WHEN rendered THEN it is refused; "both" agrees with either', () => {
    const immutable = github({ ...IDS, subjectFormat: 'immutable', branches: ['main'] }, AWS_LOGIN, 'A/Trust');
    const named = github({ ...IDS, subjectFormat: 'name-based', branches: ['main'] }, GCP_LOGIN, 'B/Trust');
    expect(() => render(immutable, named)).toThrow(
      '[KL-CI-REPO-FORM] B/Trust: `source.subjectFormat` needs the name-based subject form for acme/payments-api, but A/Trust needs the immutable form: '
      + 'a repository emits one subject form at a time, so one of the two trusts never matches.');
    expect(() => render(immutable, github({ ...IDS, subjectFormat: 'both', branches: ['main'] }, GCP_LOGIN, 'B/Trust'))).not.toThrow();
  });

  test('GIVEN one repository with two issuers, two spellings or two ids WHEN rendered THEN each is refused', () => {
    const base = github({ ...IDS, subjectFormat: 'immutable', branches: ['main'] }, AWS_LOGIN, 'A/Trust');
    expect(() => render(base, github({ ...IDS, subjectFormat: 'immutable', branches: ['main'], enterpriseSlug: 'acme' }, GCP_LOGIN, 'B/Trust')))
      .toThrow('[KL-CI-REPO-ISSUER] B/Trust: `source.issuerUrl` needs the issuer "https://token.actions.githubusercontent.com/acme" for acme/payments-api');
    expect(() => render(base, github({ ...IDS, owner: 'Acme', subjectFormat: 'immutable', branches: ['main'] }, GCP_LOGIN, 'B/Trust')))
      .toThrow('[KL-CI-REPO-SPELLING] B/Trust: `source.repository` needs the spelling "Acme/payments-api" for acme/payments-api');
    expect(() => render(base, github({ ...IDS, repositoryId: '99', subjectFormat: 'immutable', branches: ['main'] }, GCP_LOGIN, 'B/Trust')))
      .toThrow('[KL-CI-REPO-IDS] B/Trust: `source.repositoryId` needs the ids 1342004/99 for acme/payments-api, but A/Trust needs 1342004/86301532');
  });

  test('GIVEN two identities of one name in one repository (two accounts) WHEN rendered THEN their workflows are named by their accounts', () => {
    const files = render(
      github({ owner: 'acme', repository: 'payments-api', branches: ['main'] }, AWS_LOGIN, 'Prod/Deploy'),
      github({ owner: 'acme', repository: 'payments-api', branches: ['main'] }, { ...AWS_LOGIN, roleArn: 'arn:aws:iam::210987654321:role/payments-api-deploy' }, 'Dev/Deploy'),
    );
    expect([...files.keys()].filter((f) => f.includes('/workflows/'))).toEqual([
      `${DIR}/workflows/aws-payments-api-deploy-123456789012.yml`, `${DIR}/workflows/aws-payments-api-deploy-210987654321.yml`,
    ]);
    expect(files.get(`${DIR}/workflows/aws-payments-api-deploy-210987654321.yml`)).toContain('(Dev/Deploy)');
  });
});

describe('the manifest', () => {
  const identities = () => [
    gitlab({ projectPath: 'acme/finance/ledger', branches: ['main'] }, { ...GCP_LOGIN, serviceAccountEmail: 'ledger@acme-payments-prod.iam.gserviceaccount.com' }, 'Ci/Ledger'),
    github({ ...IDS, subjectFormat: 'immutable', branches: ['main'] }, AZURE_LOGIN, 'Ci/Azure'),
    github({ ...IDS, subjectFormat: 'immutable', branches: ['main'] }, AWS_LOGIN, 'Ci/Aws'),
  ];

  test('GIVEN a GitHub repository and a GitLab project WHEN rendered THEN the manifest lists them sorted, with their files and inventory ids', () => {
    expect(renderRepositorySide(identities()).manifest).toEqual({
      schemaVersion: 1,
      repositories: [
        {
          platform: 'github-actions',
          repository: 'acme/payments-api',
          issuer: 'https://token.actions.githubusercontent.com',
          files: [
            `${DIR}/README.md`, `${DIR}/oidc-subject-template.json`, `${DIR}/oidc-subject-template.tf`,
            `${DIR}/workflows/aws-payments-api-deploy.yml`, `${DIR}/workflows/azure-payments-api-deploy.yml`,
          ],
          identities: [
            { id: 'aws:role:payments-api-deploy', construct: 'Ci/Aws', cloud: 'aws' },
            { id: 'azure:user-assigned-identity:rg-payments-identity/payments-api-deploy', construct: 'Ci/Azure', cloud: 'azure' },
          ],
        },
        {
          platform: 'gitlab-ci',
          repository: 'acme/finance/ledger',
          issuer: 'https://gitlab.com',
          files: [
            'ci/gitlab/gitlab.com/acme/finance/ledger/README.md', 'ci/gitlab/gitlab.com/acme/finance/ledger/gitlab-ci/gcp-payments-api-deploy.yml',
            'ci/gitlab/gitlab.com/acme/finance/ledger/id-token-sub-claim-components.json',
          ],
          identities: [
            { id: 'gcp:service-account:ledger@acme-payments-prod.iam.gserviceaccount.com', construct: 'Ci/Ledger', cloud: 'gcp' },
            { id: 'gcp:workload-identity-provider:acme-payments-prod/ci-github/payments-api-deploy', construct: 'Ci/Ledger', cloud: 'gcp' },
          ],
        },
      ],
    });
  });

  test('GIVEN the same identities twice, in any order WHEN rendered THEN every file is byte-identical', () => {
    const first = renderRepositorySide(identities()).files;
    const second = renderRepositorySide([...identities()].reverse()).files;
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, content] of first) expect(second.get(name)).toBe(content);
    expect(first.get('ci/manifest.json')).toBe(`${JSON.stringify(renderRepositorySide(identities()).manifest, null, 2)}\n`);
  });
});

describe('paths stay under ci/', () => {
  test('GIVEN validated names WHEN rendered THEN every path is ci/ followed by single, non-dot segments', () => {
    const files = render(
      github({ owner: 'a-1', repository: '..x.git', branches: ['main'] }),
      gitlab({ projectPath: 'a/b.c/_d', branches: ['main'], instanceUrl: 'https://gitlab.example.com/gitlab' }),
    );
    expect([...files.keys()]).toContain('ci/github/a-1/..x.git/README.md');
    expect([...files.keys()]).toContain('ci/gitlab/gitlab.example.com/gitlab/a/b.c/_d/README.md');
    for (const name of files.keys()) {
      expect(name.startsWith('ci/')).toBe(true);
      for (const segment of name.split('/')) expect(['', '.', '..']).not.toContain(segment);
    }
  });

  test.each(['..', '.', '', 'a/b', 'a\\b', 'c:'])('GIVEN the segment %p WHEN used as a directory THEN it is refused', (segment) => {
    expect(() => pathSegment(segment, 'App/Trust')).toThrow(KeylessError);
    expect(() => pathSegment(segment, 'App/Trust')).toThrow(`[KL-CI-REPO-PATH] App/Trust: \`source\` names the repository directory ${JSON.stringify(segment)}, which is not a single file name under out/ci/`);
  });

  test('GIVEN a GitHub repository named "." or ".." WHEN declared THEN the source refuses it before any path is made', () => {
    expect(() => github({ owner: 'acme', repository: '..', branches: ['main'] })).toThrow('[KL-GH-NAME]');
  });
});
