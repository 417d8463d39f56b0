import * as fs from 'fs';
import { EXAMPLES_ENV, ExamplesRun } from '../setup/examples-run';

/**
 * The directory the examples were synthesized into, once for the whole jest run (test/setup/global-setup.ts), as
 * `npm run synth` writes out/: aws/, terraform/, k8s/, guardrails.json, inventory.json, report.md. Shared by every
 * test file of the run: read it, never write into it. Throws the synthesis error when the synthesis failed.
 */
export function synthesizedExamples(): string {
  const file = process.env[EXAMPLES_ENV];
  if (!file || !fs.existsSync(file)) {
    throw new Error(`${EXAMPLES_ENV} is not set: the examples are synthesized by jest's globalSetup (test/setup/global-setup.ts); run the tests with jest`);
  }
  const run = JSON.parse(fs.readFileSync(file, 'utf8')) as ExamplesRun;
  if (run.error !== undefined) throw new Error(`the examples failed to synthesize (test/setup/global-setup.ts): ${run.error}`);
  return run.outdir;
}

/**
 * Synthesizes the examples into `outdir` as `npm run synth` does, with KEYLESS_TODAY pinned to the examples' day for
 * the duration. Only the globalSetup and the determinism test synthesize; every other test reads
 * `synthesizedExamples()`.
 */
export function synthesizeExamples(outdir: string): void {
  // Required here: the frameworks are loaded only by the two callers that synthesize, not by every reader.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EXAMPLES_TODAY, synthExamples } = require('../../examples/synth') as typeof import('../../examples/synth');
  const pinned = process.env.KEYLESS_TODAY;
  process.env.KEYLESS_TODAY = EXAMPLES_TODAY;
  try {
    synthExamples(outdir);
  } finally {
    if (pinned === undefined) delete process.env.KEYLESS_TODAY;
    else process.env.KEYLESS_TODAY = pinned;
  }
}
