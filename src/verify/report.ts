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
  const json = {
    schemaVersion: report.schemaVersion,
    sources: [...report.sources].sort((a, b) => byText(a.file, b.file)).map((s) => ({ file: s.file, format: s.format })),
    summary: { ...report.summary },
    trusts: sortedTrusts(report).map(trustJson),
    warnings: [...new Set(report.warnings)].sort(byText),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
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
