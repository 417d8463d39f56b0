/**
 * `verify(output, { forged: 'admitted' })`: the results keep only the admitted forged tokens, and everything else is
 * what the default gives: verdicts, problems, counts, the summary and the terminal lines, over every hand-written
 * fixture (weak, broken, not evaluable, revoked and sound trusts of every format).
 */
import * as fs from 'fs';
import * as path from 'path';
import { readSynthesizedOutput } from '../../src/synth/read';
import { verifySummaryLines } from '../../src/verify/report';
import { readTrusts, verify, verifyTrust } from '../../src/verify/verify';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'verify');
const fixtures = fs.readdirSync(FIXTURES).filter((name) => fs.statSync(path.join(FIXTURES, name)).isDirectory()).sort();

describe.each(fixtures)('%s', (fixture) => {
  const output = readSynthesizedOutput([path.join(FIXTURES, fixture)]);
  const full = verify(output);
  const lean = verify(output, { forged: 'admitted' });

  test('same summary, terminal lines and warnings', () => {
    expect(lean.summary).toEqual(full.summary);
    expect(verifySummaryLines(lean)).toEqual(verifySummaryLines(full));
    expect(lean.warnings).toEqual(full.warnings);
    expect(lean.sources).toEqual(full.sources);
  });

  test('each trust: the same result, less the denied forged tokens', () => {
    expect(lean.trusts.map((t) => t.id)).toEqual(full.trusts.map((t) => t.id));
    full.trusts.forEach((t, i) => {
      const l = lean.trusts[i];
      expect({ ...l, forged: [] }).toEqual({ ...t, forged: [] });
      expect(l.forged).toEqual(t.forged.filter((e) => e.decision.outcome === 'admitted'));
    });
  });

  test('the default keeps every forged token (verifyTrust alone too)', () => {
    const { trusts } = readTrusts(output);
    expect(trusts.map((t) => verifyTrust(t))).toEqual(full.trusts);
    expect(full.trusts.reduce((n, t) => n + t.forged.filter((e) => !e.sharedByDesign).length, 0)).toBe(full.summary.forgedTokens);
  });
});

test('the fixtures have weak trusts with admitted forgeries and sound trusts with denied ones', () => {
  const reports = fixtures.map((fixture) => verify(readSynthesizedOutput([path.join(FIXTURES, fixture)]), { forged: 'admitted' }));
  const trusts = reports.flatMap((r) => r.trusts);
  expect(trusts.some((t) => t.verdict === 'weak' && t.forged.length > 0)).toBe(true);
  expect(trusts.some((t) => t.verdict === 'sound' && t.counts.forgedDenied > 0 && t.forged.every((e) => e.sharedByDesign !== undefined))).toBe(true);
});
