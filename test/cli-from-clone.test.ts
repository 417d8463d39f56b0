/**
 * The CLI runs from a clone after `npm ci`, without a build: `npm run keyless -- check|inventory|diff …` (README,
 * Development). Installed users run `npx keyless`.
 */
import { spawn } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/** `npm run --silent keyless -- ARGS` from the clone: its exit code and stdout. */
function npmRunKeyless(args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'keyless', '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

test('npm run keyless -- check FIXTURES runs the source CLI and exits with its code', async () => {
  // Both runs at once: each is mostly npm, projen and ts-node starting.
  const [secure, insecure] = await Promise.all([
    npmRunKeyless(['check', 'test/fixtures/guardrails/secure']),
    npmRunKeyless(['check', 'test/fixtures/guardrails/insecure']),
  ]);
  expect(secure.status).toBe(0);
  expect(secure.stdout).toMatch(/^keyless check: \d+ resources in \d+ files, 0 findings, 0 excepted, 0 exception errors$/m);
  expect(insecure.status).not.toBe(0);
  expect(insecure.stdout).toMatch(/^KL-G-FEDERATED-TRUST-UNPINNED insecure\/aws-github-trust\.template\.json /m);
});
