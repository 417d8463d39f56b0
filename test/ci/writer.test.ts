import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import * as cdk from 'aws-cdk-lib/core';
import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { WORKFLOW } from './fixtures';
import { GitHubActions, GitLabCi, writeRepositorySide } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { DETECTION_ROUTES, OWNERSHIP, TODAY } from '../helpers/synth';

/** The writer over real construct trees: what each CI trust registers, and what lands in out/ci/. */

const IMMUTABLE = { owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'immutable' } as const;
const paymentsApi = GitHubActions.repository({ ...IMMUTABLE, environments: ['production'], branches: ['main'] });
const ledger = GitLabCi.project({ projectPath: 'acme/finance/ledger', branches: ['main'] });

const awsApp = () => new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
const pinned = (app: cdk.App, id = 'platform-ci-aws') => new cdk.Stack(app, id, { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false });
const tfApp = () => {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  app.node.setContext('keyless:detections', DETECTION_ROUTES);
  return app;
};

let outdir: string;
beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-ci-'));
});
afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));
const read = (name: string) => fs.readFileSync(path.join(outdir, name), 'utf8');

describe('writeRepositorySide', () => {
  test('GIVEN AWS, GCP and Azure trusts of one repository and a GitLab trust WHEN written THEN out/ci/ holds each repository\'s files and the manifest', () => {
    const a = awsApp();
    const stack = pinned(a);
    new aws.CiOidcTrust(stack, 'Deploy', { name: 'payments-api-deploy', ownership: OWNERSHIP, source: paymentsApi });
    new aws.CiOidcTrust(stack, 'Ledger', { name: 'ledger-deploy', ownership: OWNERSHIP, source: ledger });
    const t = tfApp();
    const tfStack = new TerraformStack(t, 'platform-ci');
    new gcp.CiOidcTrust(tfStack, 'Deploy', {
      name: 'payments-api-deploy', ownership: OWNERSHIP, source: paymentsApi, project: 'acme-payments-prod', projectNumber: '412345678901', poolId: 'ci-github', access: 'impersonation',
    });
    const group = new ResourceGroup(tfStack, 'Identities', { name: 'rg-identities', location: 'westeurope' });
    new azure.CiOidcTrust(tfStack, 'AzureDeploy', {
      name: 'payments-api-deploy',
      ownership: OWNERSHIP,
      source: GitHubActions.repository({ ...IMMUTABLE, environments: ['production'] }),
      resourceGroupName: group.name,
      location: 'westeurope',
    });

    const manifest = writeRepositorySide([a, t], outdir);
    expect(manifest.repositories.map((r) => [r.platform, r.repository, r.identities])).toEqual([
      ['github-actions', 'acme/payments-api', [
        { id: 'aws:role:payments-api-deploy', construct: 'platform-ci-aws/Deploy', cloud: 'aws' },
        { id: 'azure:user-assigned-identity:rg-identities/payments-api-deploy', construct: 'platform-ci/AzureDeploy', cloud: 'azure' },
        { id: 'gcp:service-account:payments-api-deploy@acme-payments-prod.iam.gserviceaccount.com', construct: 'platform-ci/Deploy', cloud: 'gcp' },
        { id: 'gcp:workload-identity-provider:acme-payments-prod/ci-github/payments-api-deploy', construct: 'platform-ci/Deploy', cloud: 'gcp' },
      ]],
      ['gitlab-ci', 'acme/finance/ledger', [{ id: 'aws:role:ledger-deploy', construct: 'platform-ci-aws/Ledger', cloud: 'aws' }]],
    ]);
    expect(read('ci/manifest.json')).toBe(`${JSON.stringify(manifest, null, 2)}\n`);
    for (const repository of manifest.repositories) for (const name of repository.files) expect(fs.existsSync(path.join(outdir, name))).toBe(true);

    const awsLogin = YAML.parse(read('ci/github/acme/payments-api/workflows/aws-payments-api-deploy.yml')).jobs.deploy.steps[1].with;
    expect(awsLogin).toEqual({ 'role-to-assume': 'arn:aws:iam::123456789012:role/payments-api-deploy', 'aws-region': 'eu-west-1', 'audience': 'sts.amazonaws.com' });
    const gcpLogin = YAML.parse(read('ci/github/acme/payments-api/workflows/gcp-payments-api-deploy.yml')).jobs.deploy.steps[1].with;
    expect(gcpLogin).toEqual({
      workload_identity_provider: 'projects/412345678901/locations/global/workloadIdentityPools/ci-github/providers/payments-api-deploy',
      service_account: 'payments-api-deploy@acme-payments-prod.iam.gserviceaccount.com',
    });
    const ledgerJob = YAML.parse(read('ci/gitlab/gitlab.com/acme/finance/ledger/gitlab-ci/aws-ledger-deploy.yml'))['aws-ledger-deploy'];
    expect(ledgerJob.id_tokens).toEqual({ AWS_ID_TOKEN: { aud: 'sts.amazonaws.com' } });
    expect(ledgerJob.variables).toBeUndefined();
    expect(ledgerJob.script.slice(0, 2)).toEqual(['unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE', "export AWS_ROLE_ARN='arn:aws:iam::123456789012:role/ledger-deploy'"]);
  });

  test('GIVEN an Azure trust WHEN written THEN the workflow names the ClientId output the stack synthesizes', () => {
    const t = tfApp();
    const stack = new TerraformStack(t, 'platform-ci-azure');
    const trust = new azure.CiOidcTrust(stack, 'Deploy', {
      name: 'payments-api-deploy',
      ownership: OWNERSHIP,
      source: GitHubActions.repository({ ...IMMUTABLE, environments: ['production'] }),
      resourceGroupName: 'rg-payments-identity',
      location: 'westeurope',
    });
    const outputs = JSON.parse(Testing.synth(stack)).output;
    expect(Object.keys(outputs)).toEqual(['Deploy_ClientId_4E88FC23']);
    expect(outputs.Deploy_ClientId_4E88FC23).toEqual({
      description: 'Client id of payments-api-deploy, for the CI job\'s sign-in (azure/login client-id, az login --username)',
      value: '${azurerm_user_assigned_identity.Deploy_Identity_1432B3B7.client_id}',
    });
    expect(trust.clientIdOutput.friendlyUniqueId).toBe('Deploy_ClientId_4E88FC23');
    writeRepositorySide([t], outdir);
    expect(read('ci/github/acme/payments-api/workflows/azure-payments-api-deploy.yml')).toContain(
      '# client-id: known only after apply: `terraform output -raw Deploy_ClientId_4E88FC23` in the stack platform-ci-azure');
  });

  test('GIVEN an environment-agnostic stack WHEN written THEN the role ARN and region are repository variables', () => {
    const a = awsApp();
    new aws.CiOidcTrust(new cdk.Stack(a, 'agnostic'), 'Deploy', { name: 'payments-api-deploy', ownership: OWNERSHIP, source: paymentsApi });
    writeRepositorySide([a], outdir);
    expect(YAML.parse(read('ci/github/acme/payments-api/workflows/aws-payments-api-deploy.yml')).jobs.deploy.steps[1].with).toEqual({
      'role-to-assume': '${{ vars.AWS_ROLE_ARN_PAYMENTS_API_DEPLOY }}', 'aws-region': '${{ vars.AWS_REGION_PAYMENTS_API_DEPLOY }}', 'audience': 'sts.amazonaws.com',
    });
  });

  test('GIVEN a scoped publisher WHEN written THEN its trust registers once, under the trust\'s path', () => {
    const a = awsApp();
    new aws.ScopedPublisherRole(pinned(a, 'publish'), 'Image', {
      name: 'payments-api-image',
      ownership: OWNERSHIP,
      source: GitHubActions.repository({ ...IMMUTABLE, tagPatterns: ['v*'] }),
      target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/payments/api' }),
    });
    expect(writeRepositorySide([a, a], outdir).repositories[0].identities).toEqual([{ id: 'aws:role:payments-api-image', construct: 'publish/Image/Trust', cloud: 'aws' }]);
  });

  test('GIVEN trusts of one repository in two apps that need different templates WHEN written THEN it is refused, naming both constructs, and nothing is written', () => {
    const a = awsApp();
    new aws.CiOidcTrust(pinned(a, 'publish-aws'), 'Bundle', {
      name: 'payments-api-bundle', ownership: OWNERSHIP, source: GitHubActions.repository({ ...IMMUTABLE, environments: ['release'], jobWorkflowRef: WORKFLOW }),
    });
    const t = tfApp();
    new azure.CiOidcTrust(new TerraformStack(t, 'publish-azure'), 'Bundle', {
      name: 'payments-api-bundle',
      ownership: OWNERSHIP,
      source: GitHubActions.repository({ ...IMMUTABLE, environments: ['release'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true }),
      resourceGroupName: 'rg-payments-identity',
      location: 'westeurope',
    });
    expect(() => writeRepositorySide([a, t], outdir)).toThrow(
      '[KL-CI-REPO-TEMPLATE] publish-azure/Bundle: `source.jobWorkflowRefInSubject` needs the OIDC subject template '
      + '`include_claim_keys: ["repository_owner_id","repository_id","context","job_workflow_ref"]` for acme/payments-api, but publish-aws/Bundle needs '
      + '`{"use_default": true}` (GitHub\'s default)');
    expect(fs.existsSync(path.join(outdir, 'ci'))).toBe(false);
  });

  test('GIVEN a previous out/ci/ WHEN written twice THEN stale files are gone and both runs are byte-identical', () => {
    const a = awsApp();
    new aws.CiOidcTrust(pinned(a), 'Deploy', { name: 'payments-api-deploy', ownership: OWNERSHIP, source: paymentsApi });
    fs.mkdirSync(path.join(outdir, 'ci', 'github', 'old', 'repo'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'ci', 'github', 'old', 'repo', 'README.md'), 'stale');
    writeRepositorySide([a], outdir);
    const list = () => fs.readdirSync(path.join(outdir, 'ci'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      .map((e) => path.relative(outdir, path.join(e.parentPath, e.name))).sort();
    const first = new Map(list().map((name) => [name, read(name)]));
    expect([...first.keys()]).not.toContain('ci/github/old/repo/README.md');
    writeRepositorySide([a], outdir);
    expect(new Map(list().map((name) => [name, read(name)]))).toEqual(first);
  });
});

describe('registrations of another copy of the library', () => {
  const SYMBOL = Symbol.for('@keyless/constructs.RepositorySide');
  const policy = GitHubActions.repository({ owner: 'acme', repository: 'payments-api', branches: ['main'] }).resolve({ path: 'Copy/Trust', today: TODAY }, 'source');
  const login = { cloud: 'aws', roleName: 'copy-role', audience: 'sts.amazonaws.com' } as const;
  const registered = (value: unknown) => {
    const app = awsApp();
    Object.defineProperty(new Construct(app, 'Copy'), SYMBOL, { value });
    return app;
  };

  test('GIVEN a construct branded by another copy (version 1) WHEN written THEN the writer finds it', () => {
    const app = registered({ version: 1, describe: () => ({ construct: 'Copy', trust: policy, login }) });
    expect(writeRepositorySide([app], outdir).repositories[0].identities).toEqual([{ id: 'aws:role:copy-role', construct: 'Copy', cloud: 'aws' }]);
  });

  test('GIVEN a registration of another version WHEN written THEN it is refused with the versions', () => {
    const app = registered({ version: 2, describe: () => ({}) });
    expect(() => writeRepositorySide([app], outdir)).toThrow(
      '[KL-CI-REPO-VERSION] Copy: `source` was declared with a copy of Keyless whose repository side is version 2, and this writer reads version 1');
  });

  test('GIVEN a registration naming a repository that would leave out/ci/ WHEN written THEN it is refused before any file is written', () => {
    const traversal = { ...policy, repository: { ...policy.repository!, path: '../../etc' } };
    const app = registered({ version: 1, describe: () => ({ construct: 'Copy', trust: traversal, login }) });
    expect(() => writeRepositorySide([app], outdir)).toThrow('[KL-CI-REPO-PATH] Copy: `source` names the repository directory ".."');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});
