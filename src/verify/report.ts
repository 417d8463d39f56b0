/**
 * The reports of `keyless verify`: JSON (the whole report, canonical), SARIF 2.1.0 for code scanning (one result per
 * weak, broken or not evaluable trust and problem) and Markdown for a pull-request comment (per weak trust, the forged
 * token that got in, side by side with the legitimate token it was forged from).
 *
 * Every output is deterministic: trusts by id, tokens by family and description, claims by name. This module writes the
 * JSON and the terminal lines; ./report-sarif.ts the SARIF, ./report-markdown.ts the comment, ./report-common.ts the
 * order and texts they share.
 */
import type { Evaluated, TrustResult, VerifyReport } from './model';
import { byText, revokedNote, sortedClaims, sortedEvaluated, sortedTrusts } from './report-common';

export { VERIFY_COMMENT_MARKER, verifyMarkdown } from './report-markdown';
export type { VerifyMarkdownOptions } from './report-markdown';
export { verifySarif } from './report-sarif';
export type { VerifySarifOptions } from './report-sarif';

/** One evaluated token as the JSON report writes it. */
function evaluatedJson(e: Evaluated): object {
  return {
    description: e.description,
    ...(e.family !== undefined ? { family: e.family } : {}),
    token: { platform: e.token.platform, issuer: e.token.issuer, claims: sortedClaims(e.token.claims) },
    decision: { outcome: e.decision.outcome, detail: e.decision.detail },
    ...(e.sharedByDesign !== undefined ? { sharedByDesign: e.sharedByDesign } : {}),
  };
}

/** One trust as the JSON report writes it (fields in model order, tokens and claims sorted). */
function trustJson(t: TrustResult): object {
  return {
    id: t.id,
    cloud: t.cloud,
    kind: t.kind,
    identity: t.identity,
    location: {
      file: t.location.file,
      resource: t.location.resource,
      ...(t.location.constructPath !== undefined ? { constructPath: t.location.constructPath } : {}),
    },
    resources: [...t.resources].sort(byText),
    verdict: t.verdict,
    problems: [...t.problems],
    unpinned: t.unpinned,
    ...(t.revocation !== undefined ? { revocation: { at: t.revocation.at, reason: t.revocation.reason } } : {}),
    ...(t.unevaluable !== undefined ? { unevaluable: t.unevaluable } : {}),
    counts: {
      legitimateAdmitted: t.counts.legitimateAdmitted, legitimate: t.counts.legitimate, forgedDenied: t.counts.forgedDenied, forged: t.counts.forged,
    },
    legitimate: sortedEvaluated(t.legitimate).map(evaluatedJson),
    forged: sortedEvaluated(t.forged).map(evaluatedJson),
  };
}

/**
 * The report as JSON (`keyless verify --json`, `out/verify.json`), two-space indented with a final newline. Canonical:
 * trusts by id, sources by file, tokens by family and description, claims by name, so that two runs over the same
 * output give the same bytes.
 */
export function verifyJson(report: VerifyReport): string {
  return [...verifyJsonChunks(report)].join('');
}

/**
 * {@link verifyJson}'s text in pieces, one per trust, for writing to a file as they are made: at 5,000 identities the
 * report is about 180 MB, and neither its whole object tree nor its whole text need be held at once. The pieces joined
 * are byte for byte `JSON.stringify(report, null, 2)` of the canonical report, with the final newline.
 */
export function* verifyJsonChunks(report: VerifyReport): Generator<string, void, undefined> {
  const head = {
    schemaVersion: report.schemaVersion,
    sources: [...report.sources].sort((a, b) => byText(a.file, b.file)).map((s) => ({ file: s.file, format: s.format })),
    summary: { ...report.summary },
  };
  // The head without its closing `\n}`, then each trust and the warnings as JSON.stringify lays them out at their depth:
  // stringified inside as many arrays, which are then cut off.
  yield `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "trusts": `;
  const trusts = sortedTrusts(report);
  if (trusts.length === 0) yield '[]';
  for (let i = 0; i < trusts.length; i++) {
    // `[\n  [\n    {…}\n  ]\n]`: the trust as the second level of the report lays it out.
    const nested = JSON.stringify([[trustJson(trusts[i])]], null, 2);
    yield `${i === 0 ? '[\n    ' : ',\n    '}${nested.slice(10, -6)}`;
  }
  if (trusts.length > 0) yield '\n  ]';
  const warnings = JSON.stringify([[...new Set(report.warnings)].sort(byText)], null, 2);
  // `[\n  […]\n]`, or `[\n  []\n]` without warnings.
  yield `,\n  "warnings": ${warnings.slice(4, -2)}\n}\n`;
}

/**
 * One line per trust for the terminal: the verdict, the id, where it is written and the counts, then one indented
 * line per problem. Sorted by id.
 */
export function verifySummaryLines(report: VerifyReport): string[] {
  const lines: string[] = [];
  for (const t of sortedTrusts(report)) {
    const c = t.counts;
    const tally = `legitimate ${c.legitimateAdmitted}/${c.legitimate} admitted, forged ${c.forgedDenied}/${c.forged} denied`;
    const counts = t.verdict === 'not-evaluable' ? 'not verified' : t.verdict === 'revoked' ? `${revokedNote(t.revocation!, c.legitimate)}, ${tally}` : tally;
    lines.push(`${t.verdict} ${t.id} (${t.location.file} ${t.location.resource}): ${counts}`);
    for (const problem of t.problems) lines.push(`  ${problem}`);
  }
  return lines;
}
