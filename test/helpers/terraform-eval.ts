import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * How the real `terraform` binary reads strings of a JSON configuration: each string becomes the value of an
 * `output` block, and a configuration of outputs only applies offline (no provider is downloaded). Throws when the
 * binary is missing or the configuration does not apply, so that a test depending on it can never pass silently.
 *
 * @returns the value Terraform evaluated for each string, in order
 */
export function terraformReads(strings: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-tf-'));
  try {
    const output = Object.fromEntries(strings.map((value, i) => [`v${i}`, { value }]));
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ output }));
    writeFileSync(join(dir, 'cli.tfrc'), '');
    const env = { ...process.env, TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: join(dir, 'cli.tfrc'), CHECKPOINT_DISABLE: '1' };
    const run = (args: string[]) => execFileSync('terraform', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    run(['init', '-input=false', '-no-color']);
    run(['apply', '-auto-approve', '-input=false', '-no-color']);
    const values = JSON.parse(run(['output', '-json'])) as Record<string, { value: string }>;
    return strings.map((_, i) => values[`v${i}`].value);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

