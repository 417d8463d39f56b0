/**
 * The real `cdk synth` on an IdentityStacks set of 1,000 identities in one account (examples/cli,
 * KEYLESS_EXAMPLE_FLEET=1000): nothing in it collides at deploy — one OIDC provider per issuer per account, retained;
 * unique role names; every stack within CloudFormation's resource and size limits; every identity present — and
 * cfn-lint (installed on these machines) reports no error on any template. Both tools fail this test when missing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const FLEET = 1000;

let outdir: string;
beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-cdk-fleet-'));
  const script = path.join(path.dirname(require.resolve('aws-cdk/package.json', { paths: [ROOT] })), 'bin', 'cdk');
  const env: NodeJS.ProcessEnv = { ...process.env, KEYLESS_EXAMPLE_FLEET: String(FLEET), CI: 'true', CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };
  delete env.KEYLESS_EXAMPLE_VIOLATION;
  delete env.CDK_OUTDIR;
  const run = spawnSync(process.execPath, [script, 'synth', '--quiet', '--no-notices', '-o', outdir], { cwd: path.join(ROOT, 'examples', 'cli'), env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`cdk synth exited with ${run.status}:\n${run.stdout}\n${run.stderr}`);
}, 180_000);
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function stacks(): Array<{ name: string; account: string; file: string; template: any }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return Object.entries<any>(manifest.artifacts)
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name, artifact]) => {
      const file = path.join(outdir, artifact.properties.templateFile);
      return { name, account: /^aws:\/\/([^/]+)\//.exec(artifact.environment)![1], file, template: JSON.parse(fs.readFileSync(file, 'utf8')) };
    });
}

test('1,000 identities over several stacks of one account: one retained provider, unique role names, within limits', () => {
  const all = stacks();
  const fleet = all.filter((s) => s.name.startsWith('cli-fleet-aws'));
  expect(fleet.length).toBeGreaterThanOrEqual(3);
  const providers = new Map<string, number>();
  const roleNames = new Map<string, number>();
  let fleetRoles = 0;
  for (const stack of all) {
    const resources = Object.values<any>(stack.template.Resources);
    expect(resources.length).toBeLessThanOrEqual(500);
    expect(fs.statSync(stack.file).size).toBeLessThanOrEqual(1024 * 1024);
    for (const resource of resources) {
      if (resource.Type === 'AWS::IAM::OIDCProvider') {
        expect(resource.DeletionPolicy).toBe('Retain');
        const key = `${stack.account} ${resource.Properties.Url}`;
        providers.set(key, (providers.get(key) ?? 0) + 1);
      }
      if (resource.Type === 'AWS::IAM::Role') {
        const key = `${stack.account} ${resource.Properties.RoleName}`;
        roleNames.set(key, (roleNames.get(key) ?? 0) + 1);
        if (stack.name.startsWith('cli-fleet-aws')) fleetRoles++;
      }
    }
  }
  expect([...providers.entries()].filter(([key]) => key.startsWith('123456789012 '))).toEqual([['123456789012 https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C', 1]]);
  expect([...roleNames.values()].every((count) => count === 1)).toBe(true);
  expect(fleetRoles).toBe(FLEET);
});

test('cfn-lint reports no error on any template', () => {
  const files = stacks().map((s) => s.file);
  const lint = spawnSync('cfn-lint', files, { encoding: 'utf8' });
  if (lint.error) throw new Error(`cfn-lint could not run: ${lint.error.message}`);
  expect(`${lint.stdout}${lint.stderr}`).toBe('');
  expect(lint.status).toBe(0);
}, 120_000);
