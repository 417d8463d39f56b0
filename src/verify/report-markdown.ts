/**
 * The Markdown report of `keyless verify`, for a pull-request comment: the counts, then per weak trust the forged
 * token that got in, side by side with the legitimate token it was forged from, per broken trust the legitimate token
 * refused, per not evaluable trust the reason, and a table of the sound trusts.
 */
import type { ClaimValue, Evaluated, Token, TrustResult, VerifyReport } from './model';
import {
  admittedDespiteRevocation, admittedForgeries, byText, claimText, KIND_LABELS, refusedLegitimate, revokedNote, sortedEvaluated, sortedTrusts,
  tokenSummary, trustTitle,
} from './report-common';
import { packSections } from '../core/report';

/** Marks the comment, so CI can find and edit its own previous comment. */
export const VERIFY_COMMENT_MARKER = '<!-- keyless-verify -->';

/** GitHub refuses comments over 65,536 characters: the comment stops short of it and says so. */
const MAX_COMMENT_LENGTH = 60_000;

/** Admitted forged tokens shown in full per trust in the comment (the rest are named by family). */
const MAX_TOKENS_SHOWN = 5;

/** Inline code that survives any content: backticks inside get a longer fence, pipes are escaped for tables. */
function code(value: string): string {
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const padded = longest > 0 || value.startsWith('`') || value.endsWith('`') ? ` ${value} ` : value;
  return `${fence}${padded.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}${fence}`;
}

/** Plain text for Markdown: characters that would format are escaped. */
function text(value: string): string {
  return value.replace(/([\\`*_[\]<>|#])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** Text with `inline code` spans (as problems write them): the spans as code, the rest escaped. */
function richText(value: string): string {
  return value.split('`').map((part, i) => (i % 2 === 1 ? code(part) : text(part))).join('');
}

/** A claim value in a table cell: inline code, *empty* or *absent*. */
function cell(value: ClaimValue | undefined): string {
  if (value === undefined) return '*absent*';
  const shown = claimText(value);
  return shown === '' ? '*empty*' : code(shown);
}

/**
 * Claims that differ between any two tokens, never shown as a difference: the token id and its times (RFC 7519 `jti`,
 * `iat`, `nbf`, `exp`, https://www.rfc-editor.org/rfc/rfc7519#section-4.1) and a Pod Identity session's pod UID
 * (`kubernetes-pod-uid`, one per pod: https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html).
 */
const PER_TOKEN_CLAIMS: ReadonlySet<string> = new Set(['jti', 'iat', 'nbf', 'exp', 'kubernetes-pod-uid']);

/** Claims of `forged` that differ from `legitimate` (either side absent counts), sorted by name; per-token claims left out. */
function differingClaims(legitimate: Token, forged: Token): string[] {
  const names = [...new Set([...Object.keys(legitimate.claims), ...Object.keys(forged.claims)])].filter((n) => !PER_TOKEN_CLAIMS.has(n)).sort(byText);
  return names.filter((n) => claimText(legitimate.claims[n]) !== claimText(forged.claims[n]) || (n in legitimate.claims) !== (n in forged.claims));
}

/** The legitimate token a forged one is closest to (fewest differing claims, then the issuer; ties: report order). */
function closestLegitimate(t: TrustResult, forged: Token): Evaluated | undefined {
  let best: Evaluated | undefined;
  let bestScore = Infinity;
  for (const l of sortedEvaluated(t.legitimate)) {
    const score = differingClaims(l.token, forged).length * 2 + (l.token.issuer === forged.issuer ? 0 : 1)
      + (l.token.platform === forged.platform ? 0 : 1000);
    if (score < bestScore) {
      best = l;
      bestScore = score;
    }
  }
  return best;
}

/** A table of a token against the legitimate one: issuer, `sub` and `aud` always (when either has them), then the claims that differ. */
function tokenTable(token: Token, legitimate: Token | undefined, label: string): string[] {
  const rows = ['| Claim | Legitimate | ' + label + ' |', '| --- | --- | --- |'];
  const issuer = (t: Token | undefined) => (t === undefined ? '*none*' : code(t.issuer));
  rows.push(`| issuer | ${issuer(legitimate)} | ${issuer(token)} |`);
  const shown = new Set<string>();
  for (const claim of ['sub', 'aud']) {
    if (claim in token.claims || (legitimate !== undefined && claim in legitimate.claims)) {
      rows.push(`| ${code(claim)} | ${legitimate ? cell(legitimate.claims[claim]) : '*none*'} | ${cell(token.claims[claim])} |`);
      shown.add(claim);
    }
  }
  if (legitimate !== undefined) {
    for (const claim of differingClaims(legitimate, token)) {
      if (shown.has(claim)) continue;
      rows.push(`| ${code(claim)} | ${cell(legitimate.claims[claim])} | ${cell(token.claims[claim])} |`);
    }
  }
  return rows;
}

/** Where a trust is written, for the comment. */
function whereLine(t: TrustResult): string {
  const parts = [code(t.id), `${code(t.location.file)} ${code(t.location.resource)}`];
  if (t.location.constructPath !== undefined) parts.push(`construct ${code(t.location.constructPath)}`);
  return parts.join(' · ');
}

/** The counts of a trust, one sentence. */
function countsLine(t: TrustResult): string {
  const c = t.counts;
  return `Legitimate tokens admitted: ${c.legitimateAdmitted}/${c.legitimate}; forged tokens denied: ${c.forgedDenied}/${c.forged}.`;
}

/** A clause as a sentence: its first letter upper-case. */
const sentence = (clause: string): string => clause.charAt(0).toUpperCase() + clause.slice(1);

/** The comment section of a weak, broken, not evaluable or revoked trust. */
function trustSection(t: TrustResult): string[] {
  const lines = [`#### ${text(trustTitle(t))}`, '', whereLine(t), ''];
  if (t.verdict === 'not-evaluable') {
    lines.push(`Not evaluable: ${richText(t.unevaluable ?? t.problems.join('; '))}. This trust is not verified.`, '');
    return lines;
  }
  if (t.revocation !== undefined) {
    lines.push(`**Revoked** at ${text(t.revocation.at)}: ${text(t.revocation.reason)}.${t.verdict === 'revoked' ? ` ${text(sentence(revokedNote(t.revocation, t.counts.legitimate).replace(/^revoked at .*?\): /, '')))}.` : ''}`, '');
  }
  for (const e of admittedDespiteRevocation(t)) lines.push(`**Legitimate token admitted despite the revocation**: ${text(e.description)}. Admitted by: ${text(e.decision.detail)}`, '');
  lines.push(countsLine(t), '');
  if (t.unpinned) {
    const problem = t.problems.find((p) => p.startsWith('unpinned'));
    lines.push(`**Unpinned**: ${problem ? richText(problem.replace(/^unpinned: /, '')) : 'the trust pins no repository, project, namespace or service account'}. `
      + 'The legitimate token below has invented values for what the trust does not name.', '');
  }
  const admitted = admittedForgeries(t);
  for (const e of admitted.slice(0, MAX_TOKENS_SHOWN)) {
    const legitimate = closestLegitimate(t, e.token);
    lines.push(`**Forged token admitted** (${code(e.family ?? 'forged')}): ${text(e.description)}`, '');
    lines.push(...tokenTable(e.token, legitimate?.token, 'Forged'), '');
    if (legitimate !== undefined) lines.push(`<sub>Forged from: ${text(legitimate.description)}. Admitted by: ${text(e.decision.detail)}</sub>`, '');
  }
  if (admitted.length > MAX_TOKENS_SHOWN) {
    const rest = admitted.slice(MAX_TOKENS_SHOWN);
    lines.push(`… and ${rest.length} more forged token${rest.length === 1 ? '' : 's'} admitted (${[...new Set(rest.map((e) => e.family ?? 'forged'))].map(code).join(', ')}): see the JSON report.`, '');
  }
  for (const e of refusedLegitimate(t)) {
    lines.push(`**Legitimate token refused**: ${text(e.description)}`, '');
    lines.push('| Claim | Value |', '| --- | --- |', `| issuer | ${code(e.token.issuer)} |`);
    for (const claim of ['sub', 'aud']) if (claim in e.token.claims) lines.push(`| ${code(claim)} | ${cell(e.token.claims[claim])} |`);
    lines.push('', `Refused: ${text(e.decision.detail)}`, '');
  }
  if (t.unpinned && admitted.length === 0 && refusedLegitimate(t).length === 0) {
    for (const e of sortedEvaluated(t.legitimate).slice(0, 1)) {
      lines.push(`Admitted with invented values: ${text(e.description)} (${code(tokenSummary(e.token))})`, '');
    }
  }
  return lines;
}

/** Notes: variants the platform gives the same identity by design (admitted, never counted as forged). */
function sharedNotes(t: TrustResult): string[] {
  return sortedEvaluated(t.forged.filter((e) => e.sharedByDesign !== undefined && e.decision.outcome === 'admitted'))
    .map((e) => `- ${code(t.id)} (${code(e.family ?? 'forged')}): ${text(e.sharedByDesign!)}`);
}

/** Options for {@link verifyMarkdown}. */
export interface VerifyMarkdownOptions {
  /** The comment's maximum length (default 60,000 characters, below GitHub's limit). */
  readonly maxLength?: number;
}

/**
 * The report as a pull-request comment (Markdown): the counts, then per weak trust every forged token that got in
 * (issuer, `sub`, `aud` and the claims that differ from the legitimate token it was forged from, and the statement or
 * binding that admitted it), per broken trust the legitimate token refused and why, per not evaluable trust the
 * reason, and a table of the sound trusts. Stops short of GitHub's comment size limit and says what it left out.
 */
export function verifyMarkdown(report: VerifyReport, options: VerifyMarkdownOptions = {}): string {
  const s = report.summary;
  const trusts = sortedTrusts(report);
  const lines = [VERIFY_COMMENT_MARKER, '## Keyless verify: forged-token evaluation', ''];
  if (trusts.length === 0) {
    lines.push(`**No federated trust found** in ${report.sources.length} file${report.sources.length === 1 ? '' : 's'}: nothing to verify.`, '');
  } else {
    lines.push(`**${s.trusts} trust${s.trusts === 1 ? '' : 's'}: ${s.weak} weak, ${s.broken} broken, ${s.notEvaluable} not evaluable, ${s.sound} sound`
      + `${(s.revoked ?? 0) > 0 ? `, ${s.revoked} revoked` : ''}**; `
      + `${s.legitimateTokens} legitimate tokens, ${s.forgedTokens} forged tokens, ${s.forgedAdmitted} forged admitted.`, '');
    if (s.weak + s.broken > 0) lines.push('This fails `keyless verify`: a weak trust admits a forged token or pins no identity, a broken one refuses its legitimate token.', '');
  }
  const notes = trusts.flatMap(sharedNotes);
  const footer: string[] = [];
  if (notes.length > 0) footer.push('### Shared by design', '', ...notes, '');
  if (report.warnings.length > 0) footer.push('### Warnings', '', ...[...new Set(report.warnings)].sort(byText).map((w) => `- ${text(w)}`), '');
  footer.push('<sub>Each trust is evaluated with its cloud\'s rules against the tokens its legitimate identities get and a documented family of forged variants '
    + '(see the README, "Verify: forged-token evaluation"). Sound means every legitimate token was admitted and every forged one denied.</sub>');
  const limit = options.maxLength ?? MAX_COMMENT_LENGTH;
  const sections: Array<[TrustResult['verdict'], string]> = [['weak', 'Weak'], ['broken', 'Broken'], ['not-evaluable', 'Not evaluable'], ['revoked', 'Revoked']];
  const bySection = sections.map(([verdict, title]) => ({ title, items: trusts.filter((t) => t.verdict === verdict) }));
  const packed = packSections(lines, footer, limit, bySection, trustSection);
  let { shown, length } = packed;
  const full = packed.full;
  const sound = trusts.filter((t) => t.verdict === 'sound');
  if (!full && sound.length > 0) {
    const heading = [`### Sound (${sound.length})`, '', '| Trust | Kind | Identity | Legitimate admitted | Forged denied |', '| --- | --- | --- | --- | --- |'];
    const rows: string[] = [];
    length += heading.join('\n').length + 2;
    for (const t of sound) {
      const row = `| ${code(t.id)} | ${text(KIND_LABELS[t.kind])} | ${code(t.identity)} | ${t.counts.legitimateAdmitted}/${t.counts.legitimate} | ${t.counts.forgedDenied}/${t.counts.forged} |`;
      if (length + row.length + 1 > limit) break;
      rows.push(row);
      length += row.length + 1;
      shown++;
    }
    if (rows.length > 0) lines.push(...heading, ...rows, '');
  }
  if (shown < trusts.length) lines.push(`… ${trusts.length - shown} more trust${trusts.length - shown === 1 ? '' : 's'} not shown (comment size limit): see the JSON report.`, '');
  lines.push(...footer);
  return `${lines.join('\n')}\n`;
}
