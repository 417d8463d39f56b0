import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizedExamples, synthesizeExamples } from './helpers/examples';

/** All files below a directory, relative, sorted. */
function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('examples', () => {
  /** The run's synthesis (test/setup/global-setup.ts). */
  let first: string;
  /** The determinism test's own, second synthesis: the only one in the test files. */
  const second = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-out-b-'));
  beforeAll(() => {
    first = synthesizedExamples();
  });
  afterAll(() => {
    fs.rmSync(second, { recursive: true, force: true });
  });

  test('follow the output contract', () => {
    const files = listFiles(first);
    expect(files).toEqual(expect.arrayContaining([
      'aws/manifest.json',
      'aws/platform-ci-aws.template.json',
      'terraform/stacks/platform-ci-azure/cdk.tf.json',
      'terraform/stacks/platform-ci-gcp/cdk.tf.json',
    ]));
  });

  test('synthesize byte-identically twice', () => {
    synthesizeExamples(second);
    const files = listFiles(first);
    expect(listFiles(second)).toEqual(files);
    for (const file of files) {
      expect(fs.readFileSync(path.join(second, file), 'utf8')).toBe(fs.readFileSync(path.join(first, file), 'utf8'));
    }
  });

  test('deploy side by side: one OIDC provider per issuer per account, retained, and every trust names it', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(first, 'aws', 'manifest.json'), 'utf8'));
    const providers = new Map<string, string[]>();
    const federated = new Set<string>();
    for (const [name, artifact] of Object.entries(manifest.artifacts as Record<string, any>)) {
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      const account = /^aws:\/\/(\d{12}|unknown-account)\//.exec(artifact.environment)![1];
      const template = JSON.parse(fs.readFileSync(path.join(first, 'aws', artifact.properties.templateFile), 'utf8'));
      for (const resource of Object.values(template.Resources as Record<string, any>)) {
        if (resource.Type === 'AWS::IAM::OIDCProvider') {
          expect(resource.DeletionPolicy).toBe('Retain');
          const key = `${account} ${resource.Properties.Url}`;
          providers.set(key, [...(providers.get(key) ?? []), name]);
        }
        for (const statement of resource.Properties?.AssumeRolePolicyDocument?.Statement ?? []) {
          const principal = statement.Principal?.Federated;
          if (principal) federated.add(`${account} ${JSON.stringify(principal)}`);
        }
      }
    }
    for (const [key, stacks] of providers) expect([key, stacks.length]).toEqual([key, 1]);
    expect(providers.size).toBeGreaterThan(0);
    expect(federated.size).toBeGreaterThan(0);
  });

  /** The conditions of every trust statement of the AWS role named `roleName` in `stack`'s template. */
  const awsTrustConditions = (stack: string, roleName: string) => {
    const template = JSON.parse(fs.readFileSync(path.join(first, 'aws', `${stack}.template.json`), 'utf8'));
    const roles = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === roleName);
    expect(roles).toHaveLength(1);
    for (const statement of roles[0].Properties.AssumeRolePolicyDocument.Statement) {
      expect([statement.Action, statement.Effect]).toEqual(['sts:AssumeRoleWithWebIdentity', 'Allow']);
    }
    const statements = roles[0].Properties.AssumeRolePolicyDocument.Statement;
    return { description: roles[0].Properties.Description, conditions: statements.map((s: any) => s.Condition) };
  };
  const terraform = (stack: string) => JSON.parse(fs.readFileSync(path.join(first, 'terraform', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  const H = 'token.actions.githubusercontent.com';
  const IMMUTABLE = 'repo:acme@1342004/payments-api@86301532';
  const WORKFLOW = 'acme/workflows/.github/workflows/release.yml@refs/heads/main';

  test('the payments-api deploy trust: production-environment jobs on main or a v* tag, immutable subject, repository id pinned', () => {
    expect(awsTrustConditions('platform-ci-aws', 'payments-api-deploy')).toEqual({
      description: 'GitHub Actions acme/payments-api (environment:production on refs/heads/main, refs/tags/v*; immutable subject). Owner team-payments: deploy payments-api from CI',
      conditions: [
        {
          StringEquals: {
            [`${H}:aud`]: 'sts.amazonaws.com',
            [`${H}:ref`]: 'refs/heads/main',
            [`${H}:repository_id`]: '86301532',
            [`${H}:sub`]: `${IMMUTABLE}:environment:production`,
          },
        },
        {
          StringEquals: { [`${H}:aud`]: 'sts.amazonaws.com', [`${H}:repository_id`]: '86301532', [`${H}:sub`]: `${IMMUTABLE}:environment:production` },
          StringLike: { [`${H}:ref`]: 'refs/tags/v*' },
        },
      ],
    });
    // GitLab: AWS sees only sub and aud (ref_protected is checked on GCP only).
    expect(awsTrustConditions('platform-ci-aws', 'ledger-deploy').conditions).toEqual([{
      StringEquals: {
        'gitlab.com:aud': 'sts.amazonaws.com',
        'gitlab.com:sub': ['project_path:acme/finance/ledger:ref_type:branch:ref:main', 'project_path:acme/finance/ledger:ref_type:tag:ref:v2.0.0'],
      },
    }]);
    const providers = terraform('platform-ci-gcp').resource.google_iam_workload_identity_pool_provider;
    expect(Object.values(providers).map((p: any) => p.attribute_condition).sort()).toEqual([
      "assertion.namespace_id == '5521' && assertion.project_id == '48213' && assertion.ref_protected == 'true' && "
        + "(assertion.sub == 'project_path:acme/finance/ledger:ref_type:branch:ref:main' || assertion.sub == 'project_path:acme/finance/ledger:ref_type:tag:ref:v2.0.0')",
      "assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && "
        + `(assertion.ref == 'refs/heads/main' || assertion.ref.startsWith('refs/tags/v')) && assertion.sub == '${IMMUTABLE}:environment:production'`,
    ]);
    // Azure checks only the subject: the environment (its deployment branch policy decides the refs).
    const credentials = terraform('platform-ci-azure').resource.azurerm_federated_identity_credential;
    expect(Object.values(credentials).map((c: any) => [c.issuer, c.subject])).toEqual([[`https://${H}`, `${IMMUTABLE}:environment:production`]]);
  });

  test('the publishers: release tags by subject pattern; the release environment with the reusable workflow by claim (AWS, GCP) or in the subject (Azure)', () => {
    const tags = {
      StringEquals: { [`${H}:aud`]: 'sts.amazonaws.com', [`${H}:repository_id`]: '86301532' },
      StringLike: { [`${H}:sub`]: `${IMMUTABLE}:ref:refs/tags/v*` },
    };
    expect(awsTrustConditions('platform-publish-aws', 'payments-api-image').conditions).toEqual([tags]);
    expect(awsTrustConditions('platform-publish-aws', 'payments-client-pkg').conditions).toEqual([tags]);
    expect(awsTrustConditions('platform-publish-aws', 'payments-api-bundle').conditions).toEqual([{
      StringEquals: {
        [`${H}:aud`]: 'sts.amazonaws.com',
        [`${H}:job_workflow_ref`]: WORKFLOW,
        [`${H}:repository_id`]: '86301532',
        [`${H}:sub`]: `${IMMUTABLE}:environment:release`,
      },
    }]);
    const providers = terraform('platform-publish-gcp').resource.google_iam_workload_identity_pool_provider;
    expect(Object.values(providers).map((p: any) => p.attribute_condition).sort()).toEqual([
      `assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && assertion.job_workflow_ref == '${WORKFLOW}' && assertion.sub == '${IMMUTABLE}:environment:release'`,
      `assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && assertion.sub.startsWith('${IMMUTABLE}:ref:refs/tags/v')`,
    ]);
    const credentials = terraform('platform-publish-azure').resource.azurerm_federated_identity_credential;
    // The release repository payments-release: its subject template includes job_workflow_ref (payments-api keeps the default).
    expect(Object.values(credentials).map((c: any) => c.subject)).toEqual([
      `repository_owner_id:1342004:repository_id:86301544:environment:release:job_workflow_ref:${WORKFLOW}`,
      `repository_owner_id:1342004:repository_id:86301544:environment:release:job_workflow_ref:${WORKFLOW}`,
    ]);
  });

  test('contain no static credential resource', () => {
    const all = listFiles(first).map((file) => fs.readFileSync(path.join(first, file), 'utf8')).join('\n');
    expect(all).not.toMatch(/AWS::IAM::AccessKey|google_service_account_key|azuread_application_password/);
  });
});
