/** Jest globalTeardown: removes the examples' output of the run (test/setup/global-setup.ts). */
import * as fs from 'fs';
import { EXAMPLES_ENV, ExamplesRun } from './examples-run';

export default function globalTeardown(): void {
  const file = process.env[EXAMPLES_ENV];
  if (!file || !fs.existsSync(file)) return;
  const run = JSON.parse(fs.readFileSync(file, 'utf8')) as ExamplesRun;
  fs.rmSync(run.root, { recursive: true, force: true });
}
