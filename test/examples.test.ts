import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthExamples } from '../examples/synth';

/** All files below a directory, relative, sorted. */
function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('examples', () => {
  const first = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-out-a-'));
  const second = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-out-b-'));
  beforeAll(() => {
    process.env.KEYLESS_TODAY = '2026-11-22';
    synthExamples(first);
    synthExamples(second);
  });
  afterAll(() => {
    delete process.env.KEYLESS_TODAY;
    fs.rmSync(first, { recursive: true, force: true });
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

  test('contain no static credential resource', () => {
    const all = listFiles(first).map((file) => fs.readFileSync(path.join(first, file), 'utf8')).join('\n');
    expect(all).not.toMatch(/AWS::IAM::AccessKey|google_service_account_key|azuread_application_password/);
  });
});
