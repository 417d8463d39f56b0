/** What test/setup/global-setup.ts hands to the test files (a JSON file named by EXAMPLES_ENV). */
export interface ExamplesRun {
  /** Temporary directory of the run, removed by test/setup/global-teardown.ts. */
  readonly root: string;
  /** The examples' output (aws/, terraform/, k8s/, guardrails.json, inventory.json, report.md). */
  readonly outdir: string;
  /** The synthesis error, if it failed. */
  error?: string;
  seconds?: number;
}

export const EXAMPLES_ENV = 'KEYLESS_EXAMPLES_RUN';
