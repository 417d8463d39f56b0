/**
 * Keyless's own examples pass every guardrail: the report written next to the synthesized output, and the CLI over
 * the same output.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthExamples } from '../../examples/synth';
import { main } from '../../src/cli/keyless';

const TODAY = '2026-11-22';

const tmpdirs: string[] = [];
function tmpdir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keyless-guardrails-${prefix}-`));
  tmpdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpdirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI, collecting its output lines. */
function run(argv: string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = main(argv, (l) => lines.push(l));
  return { code, lines };
}

describe("Keyless's own examples", () => {
  let previous: string | undefined;
  let outdir: string;
  beforeAll(() => {
    previous = process.env.KEYLESS_TODAY;
    process.env.KEYLESS_TODAY = TODAY;
    outdir = tmpdir('examples');
    synthExamples(outdir);
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.KEYLESS_TODAY;
    else process.env.KEYLESS_TODAY = previous;
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

