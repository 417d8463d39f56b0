import * as YAML from 'yaml';
import { AWS_LOGIN, AZURE_LOGIN, github, gitlab, IDS, WORKFLOW } from './fixtures';
import type { CiRepositorySideIdentity } from '../../src/core/ci/repository-side';
import { renderRepositorySide } from '../../src/core/ci/repository-side';

/**
 * Second attack round on the repository side (out/ci/), after the fixes of test/ci/attack.test.ts: what the fixes broke
 * or missed. Each test asserts the correct behaviour; a failing test is a finding.
 */

const files = (identities: CiRepositorySideIdentity[]) => renderRepositorySide(identities).files;
const callerWorkflows = (all: Map<string, string>) => [...all].filter(([name]) => name.includes('/workflows/') && !name.endsWith('.reusable.yml'));
const firstJob = (content: string): any => Object.values(YAML.parse(content).jobs)[0];

/** The `vars.NAME` (or literal) a workflow's sign-in reads for `input`, by workflow file name. */
function readsFor(all: Map<string, string>, input: string): Record<string, string> {
  return Object.fromEntries(callerWorkflows(all).map(([name, content]) => {
    const job = firstJob(content);
    const login = job.steps?.find((step: any) => step.with?.[input] !== undefined)?.with ?? job.with;
    return [name.split('/').pop()!, login[input] as string];
  }));
}

/**
 * Evaluates a step's `if:` as GitHub would for the given `inputs` context, for the forms a generated step uses:
 * absent (always runs), `inputs.NAME != 'LITERAL'` and `inputs.NAME == 'LITERAL'`. Another form throws, so that a
 * fixer extends this reader rather than the test passing vacuously.
 */
function runs(condition: string | undefined, inputs: Record<string, string>): boolean {
  if (condition === undefined) return true;
  const match = /^\s*(?:\$\{\{\s*)?inputs\.([A-Za-z0-9_-]+)\s*(==|!=)\s*'([^']*)'\s*(?:\}\})?\s*$/.exec(condition);
  if (match === null) throw new Error(`test reader: unknown condition ${condition}`);
  const value = inputs[match[1]] ?? '';
  return match[2] === '==' ? value === match[3] : value !== match[3];
}

// ---------------------------------------------------------------------------------------------------------------------
// 1. The shared reusable workflow gates a cloud's steps on the value of its sign-in input, which a caller reads from a
//    repository variable (`vars.AZURE_CLIENT_ID_…`, `vars.AWS_ROLE_ARN_…`). GitHub evaluates an unset variable to ''
//    (https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#vars-context: "If a variable has not
//    been set, the return value of a context referencing the variable will be an empty string"), so before the
//    variable is set (the client id is known only after apply) the sign-in AND the job's work are skipped and the run
//    is green. A single-cloud shape (no `if:`) fails loudly at azure/login instead.

describe('attack: a caller whose sign-in variable is not set yet', () => {
  test('GIVEN Azure and AWS callers of one reusable workflow WHEN the Azure client-id variable is unset (\'\') THEN the Azure sign-in still runs (and fails), it is not skipped with a green run', () => {
    const all = files([
      github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW }, AZURE_LOGIN, 'Azure/Bundle'),
      github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW }, AWS_LOGIN, 'Aws/Bundle'),
    ]);
    const shape = YAML.parse([...all].find(([name]) => name.endsWith('.reusable.yml'))![1]);
    const steps: any[] = shape.jobs.deploy.steps;
    const azureLogin = steps.find((step) => String(step.uses).startsWith('azure/login@'));
    const caller = firstJob(all.get('ci/github/acme/payments-api/workflows/azure-payments-api-deploy.yml')!);
    // The inputs as GitHub passes them before the variables are set: every `${{ vars.… }}` is ''.
    const inputs = Object.fromEntries(Object.entries(caller.with as Record<string, string>).map(([key, value]) => [key, /\$\{\{\s*vars\./.test(value) ? '' : value]));
    expect(inputs['client-id']).toBe('');
    expect(runs(azureLogin.if, inputs)).toBe(true);
  });

  test('GIVEN Azure and env-agnostic AWS callers of one reusable workflow WHEN the AWS role ARN variable is unset THEN the AWS sign-in still runs', () => {
    const all = files([
      github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW }, AZURE_LOGIN, 'Azure/Bundle'),
      github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW }, { ...AWS_LOGIN, roleArn: undefined }, 'Aws/Bundle'),
    ]);
    const shape = YAML.parse([...all].find(([name]) => name.endsWith('.reusable.yml'))![1]);
    const awsLogin = (shape.jobs.deploy.steps as any[]).find((step) => String(step.uses).startsWith('aws-actions/configure-aws-credentials@'));
    const caller = firstJob(all.get('ci/github/acme/payments-api/workflows/aws-payments-api-deploy.yml')!);
    const inputs = Object.fromEntries(Object.entries(caller.with as Record<string, string>).map(([key, value]) => [key, /\$\{\{\s*vars\./.test(value) ? '' : value]));
    expect(inputs['role-to-assume']).toBe('');
    expect(runs(awsLogin.if, inputs)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// 2. Names of same-named identities are qualified by their scope only while the scoped names are injective, else all
//    fall back to hashes. Adding an identity of ANOTHER name whose plain name equals one scoped name flips the set: the
//    newcomer takes the old name (file and variable), and its workflow reads the variable a platform team set for the
//    other identity. repository-side.ts promises "adding a trust never renames an identity of another name".

describe('attack: a new identity takes an old identity\'s name', () => {
  const azure = (identityName: string, resourceGroupName: string, construct: string, environment: string) => github(
    { owner: 'acme', repository: 'app', environments: [environment] }, { ...AZURE_LOGIN, identityName, resourceGroupName }, construct);
  const prod = azure('app-deploy', 'prod', 'Prod/Deploy', 'production');
  const staging = azure('app-deploy', 'staging', 'Staging/Deploy', 'staging');
  // Another identity, another name (`app-deploy-prod`), trusting the same repository's production environment.
  const newcomer = azure('app-deploy-prod', 'rg-reporting', 'Reporting/Deploy', 'production');

  test('GIVEN app-deploy in rg prod and in rg staging WHEN an identity app-deploy-prod is added THEN the two keep their files and variables', () => {
    const before = readsFor(files([prod, staging]), 'client-id');
    expect(before).toEqual({
      'azure-app-deploy-prod.yml': '${{ vars.AZURE_CLIENT_ID_APP_DEPLOY_PROD }}',
      'azure-app-deploy-staging.yml': '${{ vars.AZURE_CLIENT_ID_APP_DEPLOY_STAGING }}',
    });
    const after = readsFor(files([prod, staging, newcomer]), 'client-id');
    // The prod identity's workflow and variable are unchanged …
    expect(after['azure-app-deploy-prod.yml']).toBe('${{ vars.AZURE_CLIENT_ID_APP_DEPLOY_PROD }}');
    expect(after['azure-app-deploy-staging.yml']).toBe('${{ vars.AZURE_CLIENT_ID_APP_DEPLOY_STAGING }}');
    // … and the newcomer never reads the prod identity's variable (its job would sign in as the prod identity, whose
    // federated credential admits the same repository's production environment).
    const newcomerReads = Object.entries(after).filter(([name]) => !['azure-app-deploy-prod.yml', 'azure-app-deploy-staging.yml'].includes(name)).map(([, read]) => read);
    expect(newcomerReads).toHaveLength(1);
    expect(newcomerReads[0]).not.toBe('${{ vars.AZURE_CLIENT_ID_APP_DEPLOY_PROD }}');
  });

  test('GIVEN the same three identities WHEN rendered THEN the workflow at azure-app-deploy-prod.yml still signs in as app-deploy of rg prod', () => {
    const workflow = files([prod, staging, newcomer]).get('ci/github/acme/app/workflows/azure-app-deploy-prod.yml');
    expect(workflow).toContain('azure:user-assigned-identity:prod/app-deploy (Prod/Deploy)');
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// 3. Hash-suffixed names hash the trust's subjects: editing a trust (one more branch) renames its workflow file and its
//    variable. The copied workflow stays under the old name beside the new one, and the variable the team set is no
//    longer read.

describe('attack: hash-suffixed names follow the trust\'s content', () => {
  test('GIVEN two env-agnostic AWS roles of one name for one repository WHEN one trust gains a branch THEN neither workflow nor variable is renamed', () => {
    const login = { ...AWS_LOGIN, roleArn: undefined, region: undefined };
    const source = (branches: string[]) => ({ owner: 'acme', repository: 'app', branches });
    const before = readsFor(files([github(source(['main']), login, 'A/Deploy'), github(source(['main']), login, 'B/Deploy')]), 'role-to-assume');
    const after = readsFor(files([github(source(['main', 'release']), login, 'A/Deploy'), github(source(['main']), login, 'B/Deploy')]), 'role-to-assume');
    expect(Object.keys(before)).toHaveLength(2);
    expect(after).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// 4. The client id became one variable per identity, but the subscription (and tenant) stay one variable per repository:
//    the header of each workflow says "the subscription its roles are assigned in", which differs between an identity
//    of rg-staging and one of rg-prod in another subscription. One of the two workflows then selects a subscription
//    its identity has no role in (azure/login fails), or one where it has some (the job works in the wrong one).

describe('attack: one subscription variable for every Azure identity of a repository', () => {
  test('GIVEN Azure identities of two resource groups trusting one repository WHEN rendered THEN each workflow reads its own subscription-id variable', () => {
    const all = files([
      github({ owner: 'acme', repository: 'app', environments: ['production'] }, { ...AZURE_LOGIN, identityName: 'app-deploy', resourceGroupName: 'rg-prod' }, 'Prod/Deploy'),
      github({ owner: 'acme', repository: 'app', environments: ['staging'] }, { ...AZURE_LOGIN, identityName: 'app-deploy', resourceGroupName: 'rg-staging' }, 'Staging/Deploy'),
    ]);
    const read = readsFor(all, 'subscription-id');
    expect(new Set(Object.values(read)).size).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// 5. The GitLab AWS job writes AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE into the script because CI/CD variables
//    override job variables; but a project, group or instance CI/CD variable AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
//    (the static keys this trust replaces, often still set) or AWS_PROFILE is read by the AWS CLI and SDKs BEFORE the
//    web identity ("Configuration and credentials precedence": environment variables come before assume role with
//    web identity, https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-configure.html#configure-precedence):
//    `aws sts get-caller-identity` and the job's work then run as the static key's user, silently.

describe('attack: static AWS keys left in the GitLab project', () => {
  test('GIVEN an AWS GitLab job WHEN its script runs THEN it clears AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_PROFILE before the first aws command', () => {
    const job = [...files([gitlab({ projectPath: 'acme/app', branches: ['main'] })])].find(([name]) => name.includes('/gitlab-ci/'))![1];
    const script: string[] = (Object.values(YAML.parse(job))[0] as any).script;
    const firstAws = script.findIndex((line) => /^aws\s/.test(line));
    expect(firstAws).toBeGreaterThan(0);
    const unset = script.slice(0, firstAws).filter((line) => /^unset\s/.test(line)).flatMap((line) => line.split(/\s+/).slice(1));
    expect(unset).toEqual(expect.arrayContaining(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']));
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// 6. The YAML 1.1 fix quotes what the `yaml` library's 1.1 schema resolves, but GitLab reads `.gitlab-ci.yml` with Ruby's
//    Psych, whose scalar scanner also turns a plain `:word` into a Symbol and strips `,` from integers (`1,000` is 1000)
//    (ruby/psych lib/psych/scalar_scanner.rb: `when /^:/ … to_sym`, `Integer(@string.gsub(/[,_]/, ''))`). AWS admits
//    both as audiences (no wildcard, no space); the job's `aud` is then not the string the trust requires.

describe('attack: Psych scalars the yaml library leaves plain', () => {
  test.each([':sts', '1,000'])('GIVEN an AWS GitLab trust with the audience %s WHEN its job is written THEN the aud is a quoted scalar', (audience) => {
    const job = [...files([gitlab({ projectPath: 'acme/app', branches: ['main'] }, { ...AWS_LOGIN, audience })])].find(([name]) => name.includes('/gitlab-ci/'))![1];
    const line = job.split('\n').find((l) => /^\s+aud: /.test(l))!;
    expect(line.trim()).toMatch(/^aud: (".*"|'.*')$/);
    expect(YAML.parse(job)[Object.keys(YAML.parse(job))[0]].id_tokens.AWS_ID_TOKEN.aud).toBe(audience);
  });
});
