import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { github, IDS, WORKFLOW } from './fixtures';
import { hclString, terraformLabel } from '../../src/core/ci/repository-github';
import { renderRepositorySide } from '../../src/core/ci/repository-side';
import { synthesizedExamples } from '../helpers/examples';

/**
 * The `.tf` of the subject template, checked with the real `terraform` 1.11 on PATH: formatted as `terraform fmt`
 * writes it, and every string read literally (no provider can be downloaded here, so a configuration of outputs
 * only shows how Terraform reads a string).
 */

function terraform(dir: string, args: string[]): string {
  const env = { ...process.env, TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'), CHECKPOINT_DISABLE: '1' };
  return execFileSync('terraform', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function inTempDir<T>(files: Record<string, string>, run: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-ci-tf-'));
  try {
    fs.writeFileSync(path.join(dir, 'cli.tfrc'), '');
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    return run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the subject template as Terraform', () => {
  test('GIVEN the default and a custom template, and the examples WHEN checked with terraform fmt THEN each is formatted already', () => {
    const tf = new Map<string, string>();
    const add = (prefix: string, files: Map<string, string>) => {
      for (const [name, content] of files) if (name.endsWith('.tf')) tf.set(`${prefix}-${tf.size}.tf`, content);
    };
    add('default', renderRepositorySide([github({ owner: 'acme', repository: 'payments-api', branches: ['main'] })]).files);
    add('custom', renderRepositorySide([github({ ...IDS, subjectFormat: 'immutable', environments: ['release'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true })]).files);
    const outdir = synthesizedExamples();
    for (const repo of JSON.parse(fs.readFileSync(path.join(outdir, 'ci', 'manifest.json'), 'utf8')).repositories) {
      for (const name of repo.files.filter((f: string) => f.endsWith('.tf'))) tf.set(`example-${tf.size}.tf`, fs.readFileSync(path.join(outdir, name), 'utf8'));
    }
    expect(tf.size).toBeGreaterThanOrEqual(5);
    // `terraform fmt -check` exits non-zero (and execFileSync throws with the diff) when a file is not formatted.
    expect(inTempDir(Object.fromEntries(tf), (dir) => terraform(dir, ['fmt', '-check', '-diff', '-no-color', '.']))).toBe('');
  });

  test('GIVEN strings with ${, %{, quotes, backslashes and newlines WHEN written with hclString THEN Terraform reads each literally', () => {
    const values = ['payments-api', 'a${var.x}b', 'x%{ if true }y%{ endif }', '$${already}', 'say "hi" \\ there', 'line\nbreak\ttab', '${', '%{'];
    const config = values.map((value, i) => `output "v${i}" {\n  value = ${hclString(value)}\n}\n`).join('\n');
    const read = inTempDir({ 'main.tf': config }, (dir) => {
      terraform(dir, ['init', '-input=false', '-no-color']);
      terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
      return JSON.parse(terraform(dir, ['output', '-json'])) as Record<string, { value: string }>;
    });
    expect(values.map((_, i) => read[`v${i}`].value)).toEqual(values);
  });

  test('GIVEN a string with ${ WHEN written without the escape THEN Terraform evaluates it (the check can fail)', () => {
    expect(() => inTempDir({ 'main.tf': 'output "v" {\n  value = "a${var.x}b"\n}\n' }, (dir) => {
      terraform(dir, ['init', '-input=false', '-no-color']);
      return terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    })).toThrow(/undeclared input variable|Reference to undeclared/);
  });

  test('GIVEN owners that start with a digit and repositories with . and _ WHEN labelled THEN Terraform accepts every label as a name, and refuses the unprefixed one', () => {
    const labels = [['1acme', 'app'], ['acme', 'a.b'], ['acme', 'a_b'], ['acme', '.github'], ['0', 'x']].map(([owner, repository]) => terraformLabel(owner, repository));
    const config = (names: string[]) => names.map((name) => `output "${name}" {\n  value = "x"\n}\n`).join('\n');
    const validate = (names: string[]) => inTempDir({ 'main.tf': config(names) }, (dir) => {
      terraform(dir, ['init', '-input=false', '-no-color']);
      return terraform(dir, ['validate', '-no-color']);
    });
    expect(validate(labels)).toContain('The configuration is valid');
    expect(() => validate(['1acme_app'])).toThrow(/A name must start with a letter or underscore/);
  });
});
