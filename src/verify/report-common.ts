/**
 * What the reports of `keyless verify` (./report.ts, ./report-sarif.ts, ./report-markdown.ts) share: the order of
 * trusts and tokens, a claim value as text, and the names of trusts and tokens.
 */
import { FORGED_FAMILIES } from './forge';
import { ClaimValue, Evaluated, Token, TrustKind, TrustResult, VerifyReport, VerifyRevocation } from './model';
import { byText } from './order';
import { canonicalJson } from './tokens';

/** A trust kind as people read it. */
export const KIND_LABELS: Record<TrustKind, string> = {
  'aws-oidc': 'AWS role (OIDC federation)',
  'aws-pod-identity': 'AWS role (EKS Pod Identity)',
  'gcp-workload-identity': 'GCP workload identity federation',
  'gcp-gke': 'GCP GKE workload identity',
  'azure-fic': 'Azure federated identity credential',
};

/**
 * A claim value as one stable text, as the reports show it: a string as is (not quoted), anything else (a list,
 * number, boolean or object) as its canonical JSON (keys sorted), so a nested claim (`kubernetes.io`) reads as valid
 * JSON; `''` stands for an absent claim.
 */
export function claimText(value: ClaimValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : canonicalJson(value);
}

export { byText } from './order';

/** A claim set with its keys sorted (nested objects too). */
export function sortedClaims(claims: { readonly [claim: string]: ClaimValue }): { [claim: string]: ClaimValue } {
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
export function sortedEvaluated(list: readonly Evaluated[]): Evaluated[] {
  const rank = (e: Evaluated) => (e.family === undefined ? -1 : FAMILY_RANK.get(e.family) ?? FORGED_FAMILIES.length);
  const key = (e: Evaluated) => [e.family ?? '', e.description, e.token.issuer, claimText(e.token.claims as ClaimValue)];
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

/** Trusts sorted by id. */
export function sortedTrusts(report: VerifyReport): TrustResult[] {
  return [...report.trusts].sort((a, b) => byText(a.id, b.id));
}

/** Forged tokens that got in (shared-by-design variants are notes, not forgeries). */
export function admittedForgeries(t: TrustResult): Evaluated[] {
  return sortedEvaluated(t.forged.filter((e) => e.decision.outcome === 'admitted' && e.sharedByDesign === undefined));
}

/** Legitimate tokens that were not admitted. */
export function refusedLegitimate(t: TrustResult): Evaluated[] {
  // A revoked identity's legitimate tokens are refused as declared: no problem.
  if (t.revocation !== undefined) return [];
  return sortedEvaluated(t.legitimate.filter((e) => e.decision.outcome !== 'admitted'));
}

/** What a revoked trust says when it holds: every legitimate token refused, as declared. */
export function revokedNote(revocation: VerifyRevocation, tokens: number): string {
  return tokens === 0
    ? `revoked at ${revocation.at} (${revocation.reason}): no binding or credential is left, no token is admitted`
    : `revoked at ${revocation.at} (${revocation.reason}): legitimate tokens refused as declared`;
}

/** The legitimate tokens a revoked identity still admits (each is a problem: the revocation does not hold). */
export function admittedDespiteRevocation(t: TrustResult): Evaluated[] {
  return t.revocation === undefined ? [] : sortedEvaluated(t.legitimate.filter((e) => e.decision.outcome === 'admitted'));
}

/** One line naming a token: its issuer, `sub` and `aud` (Pod Identity and GKE: the identity it carries). */
export function tokenSummary(token: Token): string {
  const c = token.claims;
  const show = (v: ClaimValue | undefined) => (v === undefined ? '(none)' : Array.isArray(v) ? v.join(',') : claimText(v));
  if (token.platform === 'eks-pod-identity') {
    return `cluster ${show(c['eks-cluster-arn'] ?? token.issuer)}, service account ${show(c['kubernetes-namespace'])}/${show(c['kubernetes-service-account'])}`;
  }
  if (token.platform === 'gke') {
    return `project ${show(c.project)}, cluster ${show(c.location)}/${show(c.cluster)}, service account ${show(c.namespace)}/${show(c.serviceaccount)}`;
  }
  return `iss=${token.issuer} sub=${show(c.sub)} aud=${show(c.aud)}`;
}

/** A trust kind and identity, for messages. */
export function trustTitle(t: TrustResult): string {
  return `${KIND_LABELS[t.kind]} ${t.identity}`;
}
