import * as cdk from 'aws-cdk-lib/core';
import { Testing, TerraformStack } from 'cdktf';
import * as YAML from 'yaml';
import { AWS_LOGIN, AZURE_LOGIN, GCP_LOGIN, github, gitlab, IDS, WORKFLOW } from './fixtures';
import { GitHubActions, GitLabCi } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import { collectRepositorySide } from '../../src/constructs/private/repository-side';
import { terraformLabel } from '../../src/core/ci/repository-github';
import { CiRepositorySideIdentity, renderRepositorySide } from '../../src/core/ci/repository-side';
import { DETECTION_ROUTES, OWNERSHIP, TODAY } from '../helpers/synth';

/**
 * Attacks on the repository side (out/ci/): inputs for which what is written is wrong, unsafe or misleading once a
 * platform team copies it into repositories, where GitHub, GitLab and Terraform read it. Each test asserts the correct
 * behaviour; they fail until src/ is fixed.
 */

const files = (identities: CiRepositorySideIdentity[]) => renderRepositorySide(identities).files;
const workflows = (all: Map<string, string>) => [...all].filter(([name]) => name.endsWith('.yml') && !name.endsWith('.reusable.yml'));
const awsApp = () => new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
const tfApp = () => {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  app.node.setContext('keyless:detections', DETECTION_ROUTES);
  return app;
};

/** The value of `vars.NAME` each workflow's sign-in step reads for `input`, by workflow file. */
function variablesRead(all: Map<string, string>, input: string): Record<string, string> {
  return Object.fromEntries(workflows(all).map(([name, content]) => {
    const jobs = Object.values(YAML.parse(content).jobs) as any[];
    const login = jobs[0].steps?.find((step: any) => step.with?.[input] !== undefined)?.with ?? jobs[0].with;
    return [name.split('/').pop()!, login[input] as string];
  }));
}

describe('attack: one variable for two identities', () => {
  test('GIVEN one repository trusted by two Azure identities of the same name in two resource groups WHEN rendered THEN each workflow reads its own client-id variable', () => {
    // Both identities trust `repo:acme/app:environment:production`: with one shared variable, one workflow signs in
    // as the other identity and succeeds, silently, with the other identity's role assignments.
    const app = tfApp();
    const stack = new TerraformStack(app, 'ci');
    const source = GitHubActions.repository({ owner: 'acme', repository: 'app', environments: ['production'], allowNameOnlyPinning: true });
    for (const group of ['rg-staging', 'rg-prod']) {
      new azure.CiOidcTrust(stack, `Deploy-${group}`, { name: 'app-deploy', ownership: OWNERSHIP, source, resourceGroupName: group, location: 'westeurope' });
    }
    const read = variablesRead(files(collectRepositorySide([app])), 'client-id');
    // Named by their resource groups, not numbered: a number follows the identities' order and moves to another
    // identity when a trust is added, and a regenerated file would then overwrite the wrong copied workflow.
    expect(Object.keys(read)).toEqual(['azure-app-deploy-rg-prod.yml', 'azure-app-deploy-rg-staging.yml']);
    expect(read).toEqual({
      'azure-app-deploy-rg-prod.yml': '${{ vars.AZURE_CLIENT_ID_APP_DEPLOY_RG_PROD }}',
      'azure-app-deploy-rg-staging.yml': '${{ vars.AZURE_CLIENT_ID_APP_DEPLOY_RG_STAGING }}',
    });
    expect(new Set(Object.values(read)).size).toBe(2);
  });

  test('GIVEN two environment-agnostic AWS stacks with roles app.deploy and app-deploy for one repository WHEN rendered THEN each workflow reads its own role ARN variable', () => {
    // variableName() maps every character outside [A-Z0-9] to `_`: both read vars.AWS_ROLE_ARN_APP_DEPLOY.
    const app = awsApp();
    const source = GitHubActions.repository({ owner: 'acme', repository: 'app', branches: ['main'], allowNameOnlyPinning: true });
    new aws.CiOidcTrust(new cdk.Stack(app, 'dotted'), 'Deploy', { name: 'app-deploy', roleName: 'app.deploy', ownership: OWNERSHIP, source });
    new aws.CiOidcTrust(new cdk.Stack(app, 'dashed'), 'Deploy', { name: 'app-deploy', ownership: OWNERSHIP, source });
    const read = variablesRead(files(collectRepositorySide([app])), 'role-to-assume');
    expect(Object.keys(read)).toEqual(['aws-app-deploy.yml', 'aws-app.deploy.yml']);
    expect(new Set(Object.values(read)).size).toBe(2);
  });
});

describe('attack: case-insensitive file systems', () => {
  test('GIVEN roles App-Deploy and app-deploy (two accounts) for one repository WHEN rendered THEN no two files of the repository differ only by case', () => {
    // macOS (APFS) and Windows (NTFS) default to case-insensitive names: writing out/ci/ or copying to .github/workflows/
    // keeps one of the two workflows, while the manifest lists both.
    const app = awsApp();
    const source = GitHubActions.repository({ owner: 'acme', repository: 'app', branches: ['main'], allowNameOnlyPinning: true });
    new aws.CiOidcTrust(new cdk.Stack(app, 's1', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Deploy', { name: 'app-deploy', roleName: 'App-Deploy', ownership: OWNERSHIP, source });
    new aws.CiOidcTrust(new cdk.Stack(app, 's2', { env: { account: '222222222222', region: 'eu-west-1' } }), 'Deploy', { name: 'app-deploy', ownership: OWNERSHIP, source });
    const names = [...files(collectRepositorySide([app])).keys()];
    const folded = new Map<string, string[]>();
    for (const name of names) folded.set(name.toLowerCase(), [...(folded.get(name.toLowerCase()) ?? []), name]);
    expect([...folded.values()].filter((group) => group.length > 1)).toEqual([]);
  });
});

describe('attack: one reusable workflow, several shapes', () => {
  test('GIVEN AWS and GCP trusts of one repository that pin the same reusable workflow WHEN rendered THEN one shape serves both callers', () => {
    // The examples do this (platform-publish-aws/Bundle and platform-publish-gcp/Bundle pin release.yml@main). GitHub
    // refuses a call that passes an input the called workflow does not define ("Invalid input, … is not defined in the
    // referenced workflow") or omits a required one: with the two shapes written, one of the two callers never runs.
    const all = files([
      github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW }, AWS_LOGIN, 'Aws/Bundle'),
      github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW }, GCP_LOGIN, 'Gcp/Bundle'),
    ]);
    const shapes = [...all].filter(([name]) => name.endsWith('.reusable.yml')).map(([, content]) => YAML.parse(content).on.workflow_call.inputs);
    expect(shapes.length).toBeGreaterThan(0);
    for (const shape of shapes) expect(shape).toEqual(shapes[0]);
    const inputs = shapes[0] as Record<string, { required: boolean }>;
    for (const [name, content] of workflows(all)) {
      const given = Object.keys((Object.values(YAML.parse(content).jobs)[0] as any).with).sort();
      const required = Object.keys(inputs).filter((input) => inputs[input].required).sort();
      expect([name, given.filter((input) => !(input in inputs))]).toEqual([name, []]);
      expect([name, required.filter((input) => !given.includes(input))]).toEqual([name, []]);
    }
  });

  test('GIVEN a trust pinning a reusable workflow of the same repository WHEN rendered THEN its shape does not say it lives in another repository', () => {
    const shape = [...files([github({ owner: 'acme', repository: 'app', branches: ['main'], jobWorkflowRef: 'acme/app/.github/workflows/deploy.yml@refs/heads/main' })])]
      .find(([name]) => name.endsWith('.reusable.yml'))![1];
    expect(shape).not.toContain('it lives in acme/app, not in this repository');
    expect(shape).toContain('.github/workflows/deploy.yml');
  });
});

describe('attack: what the READMEs tell a platform team', () => {
  test('GIVEN trusts of one repository in the "both" and "immutable" forms WHEN rendered THEN the README asks for the immutable form, which both admit', () => {
    // The GCP trust refuses the name-based form; a README saying "either" sends a repository that emits it to a deny.
    const all = files([
      github({ ...IDS, subjectFormat: 'both', branches: ['main'] }, AWS_LOGIN, 'A/Deploy'),
      github({ ...IDS, subjectFormat: 'immutable', branches: ['main'] }, GCP_LOGIN, 'B/Deploy'),
    ]);
    const line = all.get('ci/github/acme/payments-api/README.md')!.split('\n').find((l) => l.startsWith('- Subject form the repository must emit:'))!;
    expect(line.startsWith('- Subject form the repository must emit: immutable, `repo:acme@1342004/payments-api@86301532:…`')).toBe(true);
    expect(all.get('ci/github/acme/payments-api/oidc-subject-template.tf')).toContain('# Subject form: immutable, repo:acme@1342004/payments-api@86301532:…');
  });

  test('GIVEN a trust of an enterprise with a unique issuer WHEN rendered THEN the README says how the enterprise turns that issuer on', () => {
    // Tokens carry https://token.actions.githubusercontent.com/SLUG only once the enterprise set its custom issuer
    // policy (REST: PUT /enterprises/{enterprise}/actions/oidc/customization/issuer {"include_enterprise_slug": true});
    // until then every run carries the shared issuer and no trust matches.
    const readme = files([github({ owner: 'acme', repository: 'app', branches: ['main'], enterpriseSlug: 'acme-corp' })]).get('ci/github/acme/app/README.md')!;
    expect(readme).toContain('enterprises/acme-corp/actions/oidc/customization/issuer');
    expect(readme).toContain('include_enterprise_slug');
  });

  test('GIVEN a GitLab trust WHEN rendered THEN the README names the project setting that decides `sub` instead of saying there is none', () => {
    // GitLab projects have `ci_id_token_sub_claim_components` (default ["project_path","ref_type","ref"]; also
    // ["project_path","ref"], …): a project set to another value emits a `sub` no Keyless trust admits.
    const all = files([gitlab({ projectPath: 'acme/finance/ledger', branches: ['main'] })]);
    const readme = all.get('ci/gitlab/gitlab.com/acme/finance/ledger/README.md')!;
    expect(readme).not.toContain('GitLab has no subject template');
    expect(readme).toContain('ci_id_token_sub_claim_components');
    expect(readme).toContain('["project_path","ref_type","ref"]');
    const job = [...all].find(([name]) => name.endsWith('/aws-payments-api-deploy.yml'))![1];
    expect(job).not.toContain('GitLab has no subject template');
  });
});

describe('attack: how GitLab reads the job', () => {
  test('GIVEN a GitLab branch whose name holds `$` WHEN rendered THEN its rule does not put the `$` in a quoted string (GitLab before 18.5 expands it there)', () => {
    // gitlab-org/gitlab#578297: until 18.5 `rules:if` expanded `$VAR` inside quoted strings (reported as a regression
    // since): on such instances "rel$CI_COMMIT_SHA" never equals the branch name, and the job silently never runs.
    const job = [...files([gitlab({ projectPath: 'acme/app', branches: ['rel$CI_COMMIT_SHA'] })])].find(([name]) => name.includes('/gitlab-ci/'))![1];
    expect(YAML.parse(job)['aws-payments-api-deploy'].rules).toEqual([{ if: '$CI_COMMIT_BRANCH =~ /^rel\\$CI_COMMIT_SHA$/' }]);
  });

  test('GIVEN an AWS GitLab trust with the audience "yes" WHEN its job is read as GitLab reads YAML (1.1) THEN `aud` is the string "yes"', () => {
    // checkAudience admits "yes"; GitLab parses .gitlab-ci.yml with Ruby's Psych (YAML 1.1), where plain yes/no/on/off
    // are booleans: the job would request aud `true` (or fail to validate) and never match the trust.
    const app = awsApp();
    const stack = new cdk.Stack(app, 'ci', { env: { account: '123456789012', region: 'eu-west-1' } });
    const source = GitLabCi.project({ projectPath: 'acme/app', branches: ['main'] });
    new aws.CiOidcTrust(stack, 'Deploy', { name: 'app-deploy', ownership: { ...OWNERSHIP, tier: 2 }, source, audience: 'yes' });
    const job = [...files(collectRepositorySide([app]))].find(([name]) => name.includes('/gitlab-ci/'))![1];
    expect(YAML.parse(job, { version: '1.1' })['aws-app-deploy'].id_tokens).toEqual({ AWS_ID_TOKEN: { aud: 'yes' } });
  });
});

describe('attack: what a reviewer reads in a workflow', () => {
  test('GIVEN a trust of two environments WHEN rendered THEN each job spells out its permissions and sign-in inputs (no YAML anchors or aliases)', () => {
    // The yaml library aliases the shared objects: the second job reads `permissions: *a1` and `with: *a2`, so the role a
    // job assumes is not on its lines, and editing the first job's inputs silently changes every job.
    const all = files([github({ owner: 'acme', repository: 'app', environments: ['production', 'staging'] }, AZURE_LOGIN)]);
    const [[, content]] = workflows(all);
    expect(content).not.toMatch(/[&*]a\d+\b/);
    expect(content.match(/client-id: \$\{\{ vars\.AZURE_CLIENT_ID_PAYMENTS_API_DEPLOY \}\}/g)).toHaveLength(2);
  });
});

describe('attack: Terraform of several repositories', () => {
  test('GIVEN repositories acme/a.b and acme/a_b WHEN their subject templates are put in one Terraform configuration THEN their resource labels differ', () => {
    // Both labels are acme_a_b: a platform team that manages its repositories from one root module gets
    // "Duplicate resource \"github_actions_repository_oidc_subject_claim_customization_template\" configuration".
    const all = files([
      github({ owner: 'acme', repository: 'a.b', branches: ['main'] }, AWS_LOGIN, 'A/Deploy'),
      github({ owner: 'acme', repository: 'a_b', branches: ['main'] }, { ...AWS_LOGIN, roleName: 'other-deploy' }, 'B/Deploy'),
    ]);
    const labels = [...all].filter(([name]) => name.endsWith('.tf'))
      .map(([, content]) => /^resource "github_actions_repository_oidc_subject_claim_customization_template" "([^"]+)"/m.exec(content)![1]);
    expect(labels).toHaveLength(2);
    expect(new Set(labels).size).toBe(2);
  });

  test('GIVEN an owner that starts with a digit, and repositories that differ only in . and _ WHEN labelled THEN each label is an identifier and no two are equal', () => {
    // Terraform identifiers start with a letter or `_` (1acme_app is refused: "A name must start with a letter or underscore").
    const repositories = [['1acme', 'app'], ['acme', 'a.b'], ['acme', 'a_b'], ['acme', 'a-b'], ['acme', 'ab'], ['acme', '.github'], ['acme', '_x'], ['a', 'cme_x']];
    const labels = repositories.map(([owner, repository]) => terraformLabel(owner, repository));
    expect(labels.slice(0, 5)).toEqual(['_1acme_app', expect.stringMatching(/^acme_a_b_[0-9a-f]{8}$/), expect.stringMatching(/^acme_a_b_[0-9a-f]{8}$/), 'acme_a-b', 'acme_ab']);
    for (const label of labels) expect(label).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
