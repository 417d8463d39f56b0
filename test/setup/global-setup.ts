/**
 * Jest globalSetup: synthesizes the examples once per run (as `npm run synth` does, into a temporary directory) for
 * every test that reads their output (test/helpers/examples.ts). Test files read it and never write into it; the one
 * second synthesis is the determinism test's (test/examples.test.ts).
 *
 * A failing synthesis does not stop the run: its message is recorded, and each test that reads the examples fails
 * with it, while the others run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLES_ENV, ExamplesRun } from './examples-run';
import { synthesizeExamples } from '../helpers/examples';

export default function globalSetup(): void {
  // aws-cdk-lib's built-in CloudFormation validation (WebAssembly) is about half of every aws-cdk-lib synthesis, and
  // decides nothing here: unless `@aws-cdk/core:validateAgainstDefaultRules` is set, which nothing here sets, it turns
  // its errors into warnings, and no test reads them. The workers and the CLIs the tests run inherit this; `npm run
  // synth` (and so .ci/run) keeps it, and cfn-lint checks the real CLI's fleet templates (test/real-clis.test.ts).
  process.env.CDK_VALIDATION ??= 'false';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-examples-'));
  const run: ExamplesRun = { root, outdir: path.join(root, 'out') };
  const started = Date.now();
  try {
    synthesizeExamples(run.outdir);
  } catch (error) {
    run.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  run.seconds = (Date.now() - started) / 1000;
  const file = path.join(root, 'run.json');
  fs.writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  // The workers start after globalSetup and inherit its environment.
  process.env[EXAMPLES_ENV] = file;
}
