import { execFileSync } from 'child_process';
import * as path from 'path';

/** What GitHub's workflow parser reads in one workflow. */
export interface ParsedWorkflow {
  readonly name: string;
  /** Every error the parser reports (schema, expressions, structure). */
  readonly errors: string[];
  readonly jobs: { id: string; type: string; ref?: string }[];
  /** The events the workflow triggers on. */
  readonly events: string[];
}

/**
 * Parses workflows with GitHub's own parser, `@actions/workflow-parser` (`parseWorkflow`, then
 * `convertWorkflowTemplate`), in a child process. Throws when the parser cannot run, so a test never passes without it.
 */
export function parseGitHubWorkflows(workflows: readonly { name: string; content: string }[]): ParsedWorkflow[] {
  const script = path.join(__dirname, 'parse-workflows.mjs');
  const output = execFileSync(process.execPath, [script], { input: JSON.stringify(workflows), encoding: 'utf8', cwd: __dirname });
  return JSON.parse(output) as ParsedWorkflow[];
}
