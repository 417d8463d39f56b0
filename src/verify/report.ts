/**
 * The reports of `keyless verify`: JSON (the whole report, canonical), SARIF 2.1.0 for code scanning (one result per
 * weak, broken or not evaluable trust and problem) and Markdown for a pull-request comment (per weak trust, the forged
 * token that got in, side by side with the legitimate token it was forged from).
 *
 * Every output is deterministic: trusts by id, tokens by family and description, claims by name.
 */
import { createHash } from 'crypto';
import { FORGED_FAMILIES } from './forge';
import { ClaimValue, Evaluated, Token, TrustKind, TrustResult, VerifyReport } from './model';

/** Marks the comment, so CI can find and edit its own previous comment. */
export const VERIFY_COMMENT_MARKER = '<!-- keyless-verify -->';

/** GitHub refuses comments over 65,536 characters: the comment stops short of it and says so. */
const MAX_COMMENT_LENGTH = 60_000;

/** Admitted forged tokens shown in full per trust in the comment (the rest are named by family). */
const MAX_TOKENS_SHOWN = 5;

/** A trust kind as people read it. */
const KIND_LABELS: Record<TrustKind, string> = {
  'aws-oidc': 'AWS role (OIDC federation)',
  'aws-pod-identity': 'AWS role (EKS Pod Identity)',
  'gcp-workload-identity': 'GCP workload identity federation',
  'gcp-gke': 'GCP GKE workload identity',
  'azure-fic': 'Azure federated identity credential',
};

/** A claim value as one stable text (object keys sorted). */
function canonical(value: ClaimValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(',')}]`;
  if (typeof value === 'object') {
    const object = value as { readonly [key: string]: ClaimValue };
    return `{${Object.keys(object).sort().map((k) => `${JSON.stringify(k)}:${canonical(object[k])}`).join(',')}}`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Compares two strings by code unit (locale-independent, so the order is the same on every machine). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A claim set with its keys sorted (nested objects too). */
function sortedClaims(claims: { readonly [claim: string]: ClaimValue }): { [claim: string]: ClaimValue } {
  const sorted: { [claim: string]: ClaimValue } = {};
  for (const key of Object.keys(claims).sort(byText)) {
    const value = claims[key];
    sorted[key] = value !== null && typeof value === 'object' && !Array.isArray(value) ? sortedClaims(value as { readonly [k: string]: ClaimValue }) : value;
  }
  return sorted;
}

/** A family's rank: its place in FORGED_FAMILIES (identity-level families first), unknown families after, by name. */
const FAMILY_RANK: ReadonlyMap<string, number> = new Map(FORGED_FAMILIES.map((f, i) => [f.family, i] as const).reverse());

/** Tokens in report order: by family (FORGED_FAMILIES order, then name), then description, then the token's canonical text. */
function sortedEvaluated(list: readonly Evaluated[]): Evaluated[] {
  const rank = (e: Evaluated) => (e.family === undefined ? -1 : FAMILY_RANK.get(e.family) ?? FORGED_FAMILIES.length);
  const key = (e: Evaluated) => [e.family ?? '', e.description, e.token.issuer, canonical(e.token.claims as ClaimValue)];
  return [...list].sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) {
      const c = byText(ka[i], kb[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
}

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
    ...(t.unevaluable !== undefined ? { unevaluable: t.unevaluable } : {}),
    counts: {
      legitimateAdmitted: t.counts.legitimateAdmitted, legitimate: t.counts.legitimate, forgedDenied: t.counts.forgedDenied, forged: t.counts.forged,
    },
    legitimate: sortedEvaluated(t.legitimate).map(evaluatedJson),
    forged: sortedEvaluated(t.forged).map(evaluatedJson),
  };
}

/** Trusts sorted by id. */
function sortedTrusts(report: VerifyReport): TrustResult[] {
  return [...report.trusts].sort((a, b) => byText(a.id, b.id));
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

/** Forged tokens that got in (shared-by-design variants are notes, not forgeries). */
function admittedForgeries(t: TrustResult): Evaluated[] {
  return sortedEvaluated(t.forged.filter((e) => e.decision.outcome === 'admitted' && e.sharedByDesign === undefined));
}

/** Legitimate tokens that were not admitted. */
function refusedLegitimate(t: TrustResult): Evaluated[] {
  return sortedEvaluated(t.legitimate.filter((e) => e.decision.outcome !== 'admitted'));
}

/** One line naming a token: its issuer, `sub` and `aud` (Pod Identity and GKE: the identity it carries). */
function tokenLine(token: Token): string {
  const c = token.claims;
  const show = (v: ClaimValue | undefined) => (v === undefined ? '(none)' : Array.isArray(v) ? v.join(',') : canonical(v));
  if (token.platform === 'eks-pod-identity') {
    return `cluster ${show(c['eks-cluster-arn'] ?? token.issuer)}, service account ${show(c['kubernetes-namespace'])}/${show(c['kubernetes-service-account'])}`;
  }
  if (token.platform === 'gke') {
    return `project ${show(c.project)}, cluster ${show(c.location)}/${show(c.cluster)}, service account ${show(c.namespace)}/${show(c.serviceaccount)}`;
  }
  return `iss=${token.issuer} sub=${show(c.sub)} aud=${show(c.aud)}`;
}

/** SARIF rules of verify. */
const RULES = [
  {
    id: 'KL-V-FORGED-ADMITTED',
    name: 'ForgedTokenAdmitted',
    level: 'error',
    severity: '9.0',
    description: 'A forged token is admitted: a token another repository, branch, project, namespace, cluster or issuer can obtain passes the trust.',
    help: 'Pin the trust to the identity it was written for (exact subject, audience, repository or cluster), then re-run `keyless verify`.',
  },
  {
    id: 'KL-V-UNPINNED',
    name: 'TrustUnpinned',
    level: 'error',
    severity: '8.0',
    description: 'The trust pins no repository, project, namespace or service account: any identity of its issuer gets in.',
    help: 'Add a condition on the subject (or the claims that name the repository, project or workload) the trust is for.',
  },
  {
    id: 'KL-V-LEGITIMATE-REFUSED',
    name: 'LegitimateTokenRefused',
    level: 'error',
    severity: '4.0',
    description: 'A legitimate token is refused: the identity the trust was written for cannot get in (a wrong audience or issuer, or a claim the cloud does not see).',
    help: 'Compare the refused token with the trust: the reason names the first requirement it fails.',
  },
  {
    id: 'KL-V-NOT-EVALUABLE',
    name: 'TrustNotEvaluable',
    level: 'warning',
    severity: '3.0',
    description: 'The trust cannot be evaluated (an unresolved reference, an unmodelled federation): it is not verified.',
    help: 'Resolve the reference in the output (or review the trust by hand): a trust that is not evaluated is never reported as verified.',
  },
] as const;

type RuleId = (typeof RULES)[number]['id'];

/** Options for {@link verifySarif}. */
export interface VerifySarifOptions {
  /** The line where a resource is defined in a file (1-based), if it can be found. */
  readonly locate?: (file: string, resource: string) => number | undefined;
}

/** A trust kind and identity, for messages. */
function trustTitle(t: TrustResult): string {
  return `${KIND_LABELS[t.kind]} ${t.identity}`;
}

/** The SARIF results of one trust: what needs a review, one result per rule. */
function trustResults(t: TrustResult): Array<{ rule: RuleId; message: string; key: string; families?: string[] }> {
  const results: Array<{ rule: RuleId; message: string; key: string; families?: string[] }> = [];
  if (t.verdict === 'not-evaluable') {
    results.push({ rule: 'KL-V-NOT-EVALUABLE', message: `${trustTitle(t)} (${t.id}) is not evaluable: ${t.unevaluable ?? t.problems.join('; ')}`, key: '' });
    return results;
  }
  const admitted = admittedForgeries(t);
  if (admitted.length > 0) {
    const families = [...new Set(admitted.map((e) => e.family ?? 'forged'))];
    const first = (family: string) => admitted.find((e) => (e.family ?? 'forged') === family)!;
    const listed = families.map((f) => `${f} (${tokenLine(first(f).token)})`).join('; ');
    results.push({
      rule: 'KL-V-FORGED-ADMITTED',
      message: `${trustTitle(t)} (${t.id}) admits ${admitted.length} forged token${admitted.length === 1 ? '' : 's'}: ${listed}`,
      key: '',
      families,
    });
  }
  if (t.unpinned) {
    const problem = t.problems.find((p) => p.startsWith('unpinned'));
    results.push({ rule: 'KL-V-UNPINNED', message: `${trustTitle(t)} (${t.id}) pins no identity${problem ? `: ${problem}` : ''}`, key: '' });
  }
  const refused = refusedLegitimate(t);
  if (refused.length > 0) {
    const listed = refused.map((e) => `${e.description} (${tokenLine(e.token)}): ${e.decision.detail}`).join('; ');
    results.push({ rule: 'KL-V-LEGITIMATE-REFUSED', message: `${trustTitle(t)} (${t.id}) refuses ${refused.length} legitimate token${refused.length === 1 ? '' : 's'}: ${listed}`, key: '' });
  }
  return results;
}

/**
 * SARIF 2.1.0 for code scanning: per trust, one result per rule it breaks (KL-V-FORGED-ADMITTED, KL-V-UNPINNED,
 * KL-V-LEGITIMATE-REFUSED: errors; KL-V-NOT-EVALUABLE: warning), located at the resource that writes the trust
 * (file and line, the construct path as a logical location), with a stable fingerprint per trust and rule.
 */
export function verifySarif(report: VerifyReport, options: VerifySarifOptions = {}): object {
  const results: object[] = [];
  for (const t of sortedTrusts(report)) {
    for (const r of trustResults(t)) {
      const rule = RULES.find((x) => x.id === r.rule)!;
      const line = options.locate?.(t.location.file, t.location.resource) ?? 1;
      results.push({
        ruleId: rule.id,
        level: rule.level,
        message: { text: r.message },
        locations: [{
          physicalLocation: { artifactLocation: { uri: t.location.file }, region: { startLine: line } },
          ...(t.location.constructPath !== undefined ? { logicalLocations: [{ fullyQualifiedName: t.location.constructPath, kind: 'resource' }] } : {}),
        }],
        partialFingerprints: {
          'keylessVerifyTrust/v1': createHash('sha256').update(`${t.id}\0${rule.id}`).digest('hex').slice(0, 32),
        },
        properties: {
          trust: t.id,
          kind: t.kind,
          identity: t.identity,
          verdict: t.verdict,
          resource: t.location.resource,
          ...(t.location.constructPath !== undefined ? { constructPath: t.location.constructPath } : {}),
          ...(r.families !== undefined ? { families: r.families } : {}),
        },
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'keyless-verify',
          semanticVersion: '1.0.0',
          rules: RULES.map((r) => ({
            id: r.id,
            name: r.name,
            shortDescription: { text: r.description.split(':')[0].replace(/\.$/, '') },
            fullDescription: { text: r.description },
            help: { text: `${r.description} ${r.help} Read the pull-request comment of \`keyless verify\` for the token that got in or was refused.` },
            defaultConfiguration: { level: r.level },
            properties: { 'tags': ['security', 'identity', 'federation'], 'security-severity': r.severity },
          })),
        },
      },
      results,
    }],
  };
}

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
  const shown = canonical(value);
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
  return names.filter((n) => canonical(legitimate.claims[n]) !== canonical(forged.claims[n]) || (n in legitimate.claims) !== (n in forged.claims));
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

/** The comment section of a weak, broken or not evaluable trust. */
function trustSection(t: TrustResult): string[] {
  const lines = [`#### ${text(trustTitle(t))}`, '', whereLine(t), ''];
  if (t.verdict === 'not-evaluable') {
    lines.push(`Not evaluable: ${richText(t.unevaluable ?? t.problems.join('; '))}. This trust is not verified.`, '');
    return lines;
  }
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
      lines.push(`Admitted with invented values: ${text(e.description)} (${code(tokenLine(e.token))})`, '');
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
    lines.push(`**${s.trusts} trust${s.trusts === 1 ? '' : 's'}: ${s.weak} weak, ${s.broken} broken, ${s.notEvaluable} not evaluable, ${s.sound} sound**; `
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
  let length = [...lines, ...footer].join('\n').length;
  let shown = 0;
  let full = false;
  const sections: Array<[TrustResult['verdict'], string]> = [['weak', 'Weak'], ['broken', 'Broken'], ['not-evaluable', 'Not evaluable']];
  for (const [verdict, title] of sections) {
    if (full) break;
    const selected = trusts.filter((t) => t.verdict === verdict);
    if (selected.length === 0) continue;
    const heading = [`### ${title} (${selected.length})`, ''];
    let headed = false;
    for (const t of selected) {
      const section = trustSection(t);
      const size = [...(headed ? [] : heading), ...section].join('\n').length + 1;
      if (length + size > limit) {
        full = true;
        break;
      }
      if (!headed) lines.push(...heading);
      headed = true;
      lines.push(...section);
      length += size;
      shown++;
    }
  }
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

/**
 * One line per trust for the terminal: the verdict, the id, where it is written and the counts, then one indented
 * line per problem. Sorted by id.
 */
export function verifySummaryLines(report: VerifyReport): string[] {
  const lines: string[] = [];
  for (const t of sortedTrusts(report)) {
    const c = t.counts;
    const counts = t.verdict === 'not-evaluable' ? 'not verified' : `legitimate ${c.legitimateAdmitted}/${c.legitimate} admitted, forged ${c.forgedDenied}/${c.forged} denied`;
    lines.push(`${t.verdict} ${t.id} (${t.location.file} ${t.location.resource}): ${counts}`);
    for (const problem of t.problems) lines.push(`  ${problem}`);
  }
  return lines;
}
