/**
 * The CLI runs from a clone after `npm ci`, without a build: `npm run keyless -- check|inventory|diff …` (README,
 * Development). Installed users run `npx keyless`.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

test('npm run keyless -- check FIXTURES runs the source CLI and exits with its code', () => {
  const secure = spawnSync('npm', ['run', '--silent', 'keyless', '--', 'check', 'test/fixtures/guardrails/secure'], { cwd: ROOT, encoding: 'utf8' });
  expect(secure.status).toBe(0);
  expect(secure.stdout).toMatch(/^keyless check: \d+ resources in \d+ files, 0 findings, 0 excepted, 0 exception errors$/m);
  const insecure = spawnSync('npm', ['run', '--silent', 'keyless', '--', 'check', 'test/fixtures/guardrails/insecure'], { cwd: ROOT, encoding: 'utf8' });
  expect(insecure.status).not.toBe(0);
  expect(insecure.stdout).toMatch(/^KL-G-FEDERATED-TRUST-UNPINNED insecure\/aws-github-trust\.template\.json /m);
});
