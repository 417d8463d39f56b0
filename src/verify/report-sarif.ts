/**
 * The SARIF 2.1.0 report of `keyless verify`, for code scanning: one result per weak, broken or not evaluable trust
 * and rule it breaks, located at the resource that writes the trust.
 */
import { createHash } from 'crypto';
import type { TrustResult, VerifyReport } from './model';
import { admittedDespiteRevocation, admittedForgeries, refusedLegitimate, sortedTrusts, tokenSummary, trustTitle } from './report-common';
import { sarifLog } from '../core/report';

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
    id: 'KL-V-REVOKED-ADMITTED',
    name: 'RevokedTokenAdmitted',
    level: 'error',
    severity: '9.0',
    description: 'A revoked identity still admits its legitimate token: the revocation does not hold (no explicit Deny, a binding or federated credential still rendered).',
    help: 'Check that the revocation is rendered (AWS: the trust\'s KeylessRevoked Deny; GCP: no binding; Azure: no federated credential), then re-run `keyless verify`.',
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
    const listed = families.map((f) => `${f} (${tokenSummary(first(f).token)})`).join('; ');
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
    const listed = refused.map((e) => `${e.description} (${tokenSummary(e.token)}): ${e.decision.detail}`).join('; ');
    results.push({ rule: 'KL-V-LEGITIMATE-REFUSED', message: `${trustTitle(t)} (${t.id}) refuses ${refused.length} legitimate token${refused.length === 1 ? '' : 's'}: ${listed}`, key: '' });
  }
  const despite = admittedDespiteRevocation(t);
  if (despite.length > 0) {
    const listed = despite.map((e) => `${e.description} (${tokenSummary(e.token)}): ${e.decision.detail}`).join('; ');
    results.push({
      rule: 'KL-V-REVOKED-ADMITTED',
      message: `${trustTitle(t)} (${t.id}) is revoked at ${t.revocation!.at} (${t.revocation!.reason}) but admits ${despite.length} legitimate token${despite.length === 1 ? '' : 's'}: ${listed}`,
      key: '',
    });
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
  return sarifLog('keyless-verify', ['security', 'identity', 'federation'], RULES.map((r) => ({
    ...r,
    help: `${r.description} ${r.help} Read the pull-request comment of \`keyless verify\` for the token that got in or was refused.`,
  })), results);
}
