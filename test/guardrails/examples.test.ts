/**
 * Keyless's own examples pass every guardrail: the report written next to the synthesized output, and the CLI over
 * the same output.
 */
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/keyless';
import { synthesizedExamples } from '../helpers/examples';

const TODAY = '2026-11-22';

/** Runs the CLI, collecting its output lines. */
function run(argv: string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = main(argv, (l) => lines.push(l));
  return { code, lines };
}

describe("Keyless's own examples", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = synthesizedExamples();
  });

  test('pass every guardrail: out/guardrails.json has no findings and no exception errors', () => {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'guardrails.json'), 'utf8'));
    expect(report.findings).toEqual([]);
    expect(report.exceptionErrors).toEqual([]);
    expect(report.excepted).toEqual([]);
    expect(report.resourcesChecked).toBeGreaterThan(40);
    expect(new Set(report.files.map((f: any) => f.format))).toEqual(new Set(['cloudformation', 'terraform', 'kubernetes']));
  });

  test('and the CLI agrees on the synthesized output', () => {
    const { code, lines } = run(['check', path.join(outdir, 'aws'), path.join(outdir, 'terraform'), path.join(outdir, 'k8s'), '--today', TODAY]);
    expect(lines.slice(0, -1)).toEqual([]);
    expect(code).toBe(0);
  });
});

