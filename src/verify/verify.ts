/**
 * `keyless verify`'s orchestration: every federated trust of the output (aws.ts, gcp.ts, azure.ts), the legitimate
 * identities it was written for and the forged variants around each (tokens.ts, forge.ts), every token evaluated by
 * the trust's own evaluator, and a verdict per trust (see model.ts).
 */
import { awsTrusts } from './aws';
import { azureTrusts } from './azure';
import { keyedForgedVariants } from './forge';
import { gcpTrusts } from './gcp';
import {
  Decision, Evaluated, ForgedVariant, LegitimateIdentity, Token, TokenPlatform, TrustResult, TrustVerdict,
  VERIFY_SCHEMA_VERSION, VerifyReport, VerifyTrust,
} from './model';
import { tokenSummary } from './report-common';
import { withRevocations } from './revoked';
import { legitimateIdentities, legitimateProfiles, tokenKey } from './tokens';
import type { SynthOutput } from '../synth/model';

/**
 * What pins a trust to whom it is for, per platform: groups of claims of which at least one must be constrained by the
 * trust (verify did not invent it). GitHub: the repository by name or by id; GitLab: the project by path or by id;
 * a Kubernetes workload (service account token, Pod Identity, GKE): its namespace; another OIDC token: its subject.
 * A trust pinned this far can still be weak (every service account of a namespace): its forged variants say so.
 */
const PINS: Readonly<Record<TokenPlatform, ReadonlyArray<readonly string[]>>> = {
  'github': [['repository', 'repository_id']],
  'gitlab': [['project_path', 'project_id']],
  'kubernetes': [['namespace']],
  'oidc': [['sub']],
  'eks-pod-identity': [['kubernetes-namespace']],
  'gke': [['namespace']],
};

/** The claims a legitimate identity left unpinned: for each pin group none of whose claims the trust constrains, its claims. */
function unpinnedClaims(identity: LegitimateIdentity): string[] {
  const invented = new Set(identity.invented);
  return PINS[identity.token.platform].filter((group) => group.every((claim) => invented.has(claim))).flat();
}

/** Evaluates one token; an evaluator that throws is `unsupported`, never a crash and never an allow. */
function decide(trust: VerifyTrust, token: Token): Decision {
  try {
    return trust.evaluate(token);
  } catch (error) {
    return { outcome: 'unsupported', detail: `the evaluator failed: ${(error as Error)?.message ?? String(error)}` };
  }
}

/** Legitimate tokens admitted / all, forged tokens denied / all (shared-by-design variants are no forgery). */
function countsOf(legitimate: readonly Evaluated[], forged: readonly Evaluated[]): TrustResult['counts'] {
  return {
    legitimateAdmitted: legitimate.filter((e) => e.decision.outcome === 'admitted').length,
    legitimate: legitimate.length,
    forgedDenied: forged.filter((e) => !e.sharedByDesign && e.decision.outcome === 'denied').length,
    forged: forged.filter((e) => !e.sharedByDesign).length,
  };
}

/** What a result says of the trust itself. */
function about(trust: VerifyTrust): Pick<TrustResult, 'id' | 'cloud' | 'kind' | 'identity' | 'location' | 'resources' | 'revocation'> {
  return {
    id: trust.id,
    cloud: trust.cloud,
    kind: trust.kind,
    identity: trust.identity,
    location: trust.location,
    resources: trust.resources,
    ...(trust.revocation !== undefined ? { revocation: trust.revocation } : {}),
  };
}

/** A revoked identity with no trust left to evaluate (GCP, Azure: bindings and credentials not rendered). */
function revokedWithoutCredential(trust: VerifyTrust & { revocation: NonNullable<VerifyTrust['revocation']> }): TrustResult {
  return { ...about(trust), verdict: 'revoked', problems: [], unpinned: false, legitimate: [], forged: [], counts: countsOf([], []) };
}

function notEvaluable(trust: VerifyTrust, reason: string): TrustResult {
  return {
    ...about(trust),
    verdict: 'not-evaluable',
    problems: [`not evaluable: ${reason}`],
    unpinned: false,
    legitimate: [],
    forged: [],
    counts: countsOf([], []),
    unevaluable: reason,
  };
}

/**
 * The forged variants of every legitimate identity, then the reader's own (additionalForged), without duplicates and
 * without any legitimate token. The texts compared are the ones the builders wrote (keyedForgedVariants, the cached
 * profiles' keys): the same as tokenKey, without writing each token twice.
 */
function forgedOf(trust: VerifyTrust, legitimate: readonly LegitimateIdentity[]): ForgedVariant[] {
  const keys = new Map(legitimateProfiles(trust).map((p) => [p.identity.token, p.key] as const));
  const seen = new Set(legitimate.map((l) => keys.get(l.token) ?? tokenKey(l.token)));
  const variants: ForgedVariant[] = [];
  for (const identity of legitimate) {
    for (const { variant, key } of keyedForgedVariants(trust, identity)) {
      if (seen.has(key)) continue;
      seen.add(key);
      variants.push(variant);
    }
  }
  for (const variant of trust.additionalForged?.() ?? []) {
    const key = tokenKey(variant.token);
    if (seen.has(key)) continue;
    seen.add(key);
    variants.push(variant);
  }
  return variants;
}

/** How much of each trust's evaluation a result keeps (verify, verifyTrust). */
export interface VerifyOptions {
  /**
   * The forged tokens each result keeps in `forged`. `all` (the default): every forged token evaluated, with its
   * decision (what the JSON report writes). `admitted`: only the admitted ones (every admitted forgery, and the
   * shared-by-design variants that got in, which the reports list as notes); the denied ones are evaluated all the
   * same and counted in `counts` and the summary, which are those of `all`, as are the verdicts, the problems,
   * verifySummaryLines, verifySarif and verifyMarkdown; only the token objects are not kept. For a caller that writes
   * no JSON report (`keyless verify` without `--json`): 5,000 identities build about 95,000 denied forged tokens, and
   * keeping them all is most of verify's memory and garbage-collection time.
   * @default 'all'
   */
  readonly forged?: 'all' | 'admitted';
}

/** Verifies one trust (see VerifyOptions for what the result keeps). */
export function verifyTrust(trust: VerifyTrust, options: VerifyOptions = {}): TrustResult {
  if (trust.unevaluable !== undefined) return notEvaluable(trust, trust.unevaluable);
  const revocation = trust.revocation;
  if (revocation !== undefined && trust.withoutCredential === true) {
    return revokedWithoutCredential({ ...trust, revocation });
  }
  const identities = legitimateIdentities(trust);
  if (identities.length === 0) return notEvaluable(trust, 'no legitimate identity can be derived from the trust');
  // A token the platform never issues is refused whatever the trust says: the trust is written for nobody.
  const legitimate: Evaluated[] = identities.map((l) => ({
    description: l.description,
    token: l.token,
    decision: l.impossible !== undefined ? { outcome: 'denied', detail: `no such token is issued: ${l.impossible}` } : decide(trust, l.token),
  }));
  const forged: Evaluated[] = forgedOf(trust, identities).map((v) => ({
    description: v.description,
    family: v.family,
    token: v.token,
    decision: decide(trust, v.token),
    ...(v.sharedByDesign !== undefined ? { sharedByDesign: v.sharedByDesign } : {}),
  }));
  const unsupported = [...legitimate, ...forged].find((e) => e.decision.outcome === 'unsupported');
  // One token the evaluator cannot decide leaves the trust undecided: none of its tokens counts as evaluated.
  if (unsupported) return notEvaluable(trust, unsupported.decision.detail);

  const invented = [...new Set(identities.flatMap(unpinnedClaims))].sort();
  // A revoked trust refuses every token: what it would pin no longer matters.
  const unpinned = invented.length > 0 && revocation === undefined;
  const problems: string[] = [];
  if (unpinned) problems.push(`unpinned: the trust pins none of ${invented.map((c) => `\`${c}\``).join(', ')} to one value: verify chose one, and others are admitted`);
  for (const e of forged) {
    if (e.decision.outcome === 'admitted' && !e.sharedByDesign) {
      problems.push(`forged token admitted (${e.family}): ${e.description}: ${tokenSummary(e.token)}`);
    }
  }
  for (const e of legitimate) {
    if (revocation !== undefined) {
      if (e.decision.outcome === 'admitted') problems.push(`revoked at ${revocation.at} (${revocation.reason}) but the legitimate identity is still admitted: ${e.description}: ${e.decision.detail}`);
    } else if (e.decision.outcome !== 'admitted') {
      problems.push(`legitimate identity refused: ${e.description}: ${e.decision.detail}`);
    }
  }
  const forgedAdmitted = forged.some((e) => e.decision.outcome === 'admitted' && !e.sharedByDesign);
  const legitimateRefused = legitimate.some((e) => e.decision.outcome !== 'admitted');
  const legitimateAdmitted = legitimate.some((e) => e.decision.outcome === 'admitted');
  // A gap the tokens do not show (a revoked AWS role's trust statement for another principal, ./revoked.ts).
  if (revocation?.gap !== undefined && !legitimateAdmitted) problems.push(`revoked at ${revocation.at} (${revocation.reason}) but ${revocation.gap}`);
  const verdict: TrustVerdict = forgedAdmitted || unpinned ? 'weak'
    : revocation !== undefined ? (legitimateAdmitted || revocation.gap !== undefined ? 'broken' : 'revoked')
      : legitimateRefused ? 'broken' : 'sound';
  return {
    ...about(trust),
    verdict,
    problems,
    unpinned,
    legitimate,
    forged: options.forged === 'admitted' ? forged.filter((e) => e.decision.outcome === 'admitted') : forged,
    counts: countsOf(legitimate, forged),
  };
}

/** Every federated trust of the output, with unique ids (a repeated id gets `#2`, `#3`…), sorted by id. */
export function readTrusts(output: SynthOutput): { trusts: VerifyTrust[]; warnings: string[] } {
  const trusts: VerifyTrust[] = [];
  const warnings: string[] = [];
  for (const reader of [awsTrusts, gcpTrusts, azureTrusts]) {
    const read = reader(output);
    trusts.push(...read.trusts);
    warnings.push(...read.warnings);
  }
  const count = new Map<string, number>();
  const unique = withRevocations(trusts, output).map((t) => {
    const n = (count.get(t.id) ?? 0) + 1;
    count.set(t.id, n);
    return n === 1 ? t : { ...t, id: `${t.id}#${n}` };
  });
  unique.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { trusts: unique, warnings: [...new Set(warnings)].sort() };
}

/**
 * Verifies every federated trust of the output. With `{ forged: 'admitted' }` the results keep only the admitted forged
 * tokens (VerifyOptions): same verdicts, problems, counts and summary, for a caller that writes no report.
 */
export function verify(output: SynthOutput, options: VerifyOptions = {}): VerifyReport {
  const { trusts, warnings } = readTrusts(output);
  const results = trusts.map((trust) => verifyTrust(trust, options));
  const by = (v: TrustVerdict) => results.filter((r) => r.verdict === v).length;
  return {
    schemaVersion: VERIFY_SCHEMA_VERSION,
    sources: output.files.map((f) => ({ file: f.file, format: f.format })),
    trusts: results,
    summary: {
      trusts: results.length,
      sound: by('sound'),
      weak: by('weak'),
      broken: by('broken'),
      notEvaluable: by('not-evaluable'),
      revoked: by('revoked'),
      legitimateTokens: results.reduce((n, r) => n + r.legitimate.length, 0),
      forgedTokens: results.reduce((n, r) => n + r.counts.forged, 0),
      forgedAdmitted: results.reduce((n, r) => n + r.forged.filter((e) => e.decision.outcome === 'admitted' && !e.sharedByDesign).length, 0),
    },
    warnings,
  };
}

/** Whether a report fails a run (exit 1): a weak or broken trust. Not-evaluable trusts are reported, and fail only when asked. */
export function verifyFails(report: VerifyReport, options: { readonly failOnNotEvaluable?: boolean } = {}): boolean {
  return report.trusts.some((t) => t.verdict === 'weak' || t.verdict === 'broken' || (options.failOnNotEvaluable === true && t.verdict === 'not-evaluable'));
}
