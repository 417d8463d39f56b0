/**
 * GCP trusts for `keyless verify`: workload identity federation (one trust per pool provider × granted target) and
 * Workload Identity Federation for GKE (one trust per GKE member × target), read from synthesized Terraform (JSON,
 * HCL or plan), each with an evaluator of GCP's own rules (see gcp-evaluate.ts) and the ways in it was written for.
 *
 * Principals are per pool, mappings and conditions per provider
 * (https://cloud.google.com/iam/docs/workload-identity-federation#mapping): a member of pool P admits a token
 * exchanged at any provider of P, so every provider of P is its own way into a target granted to P's principals, and
 * each provider × target trust is evaluated at the pool level (see poolDecision). A pool is named by project NUMBER
 * and pool id (`projects/NUMBER/locations/global/workloadIdentityPools/POOL`, https://cloud.google.com/iam/docs/principal-identifiers;
 * a pool id is unique within its project only, https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools):
 * members are grouped by both (see localNumber).
 */
import { wifAlternatives } from './gcp-alternatives';
import { gkeDecision, wifOutcome, wifProblem, type WifTrustInput } from './gcp-evaluate';
import { constructPathOf, FederatedGrant, GcpResolver, gkeMemberOf, GkeMember, parsePoolMember, PoolMember, wifProviders, WifProvider } from './gcp-read';
import { ClaimRequirement, Decision, ForgedVariant, Token, VerifyTrust } from './model';
import { byText } from './order';
import { legitimateIdentities, tokenKey } from './tokens';
import { SynthOutput } from '../synth/model';

export { IMPERSONATION_ROLES } from './gcp-read';

/** One member of a pool granted on one target, with the grant. */
interface PoolGrant extends FederatedGrant { readonly parsed: PoolMember }

/**
 * A provider × target trust. Principals are per pool: another provider of the pool (another issuer) can mint the same
 * member, so the trust also offers, as forged variants, the legitimate tokens the pool's other providers derive for the
 * same target (family `other-provider-of-pool`); its evaluator admits them when they reach a member this provider's own
 * legitimate identities hold (see poolDecision).
 */
export interface GcpPoolTrust extends VerifyTrust {
  /** The forged variants the pool adds to the platform families (forge.ts): empty for a pool of one provider. */
  additionalForged(): ForgedVariant[];
}

/** The forged-variant family of the legitimate tokens of another provider of the same pool. */
export const OTHER_PROVIDER_OF_POOL = 'other-provider-of-pool';

const label = (r: { file: string; id: string }): string => `${r.file}:${r.id}`;
const defined = <T>(value: T | undefined): value is T => value !== undefined;

/**
 * The GCP trusts of synthesized output, sorted by id, and what could not be read (sorted). A provider whose pool no
 * grant names is a warning, not a trust (it gives nothing); a grant to a pool no provider of the output belongs to
 * (another pool id, or the same id under another project number), or to a provider that cannot be read, is a trust
 * with `unevaluable` set.
 */
export function gcpTrusts(output: SynthOutput): { trusts: VerifyTrust[]; warnings: string[] } {
  const resolver = new GcpResolver(output.resources, output.providers);
  const providers = wifProviders(output.resources, resolver);
  const warnings: string[] = [];
  const trusts: VerifyTrust[] = [];
  const byPool = new Map<string, Map<string, PoolGrant[]>>();
  const gke = new Map<string, { member: GkeMember; grants: FederatedGrant[] }>();
  for (const grant of resolver.grants()) {
    const parsed = parsePoolMember(grant.member);
    const workload = gkeMemberOf(grant.member, parsed);
    if (workload) {
      const key = `${workload.pool}[${workload.namespace}/${workload.serviceAccount ?? '*'}]->${grant.target.key}`;
      gke.set(key, { member: workload, grants: [...(gke.get(key)?.grants ?? []), grant] });
    } else if (parsed && !parsed.pool.endsWith('.svc.id.goog')) {
      const targets = byPool.get(parsed.pool) ?? new Map<string, PoolGrant[]>();
      byPool.set(parsed.pool, targets.set(grant.target.key, [...(targets.get(grant.target.key) ?? []), { ...grant, parsed }]));
    } else if (parsed) {
      warnings.push(`${label(grant.resource)}: GKE member ${grant.member} is not a workload or namespace principal; not verified`);
    } else if (/^\$\{[^}]*\}$/.test(grant.member) || /^principal(Set)?:\/\/.*\$\{/.test(grant.member)) {
      warnings.push(`${label(grant.resource)}: member ${grant.member} is not resolved; not verified`);
    }
  }
  for (const [key, { member, grants }] of gke) trusts.push(gkeTrust(key, member, grants));
  for (const [pool, targets] of byPool) trusts.push(...poolTrusts(pool, targets, providers));
  for (const provider of providers) {
    if (provider.poolId !== undefined && !byPool.has(provider.poolId)) {
      warnings.push(`${label(provider.resource)}: no IAM grant in the output names a principal of pool ${provider.poolId}; not verified`);
    }
  }
  return { trusts: trusts.sort((a, b) => byText(a.id, b.id)), warnings: [...new Set(warnings)].sort() };
}

/**
 * The project number of a provider's pool: the one its allowed audiences name; else the one the pool's other providers
 * name, else the one the pool's members name, when there is exactly one (the output names no other, and the default
 * audience is computed from it); with several, which is this provider's own cannot be told: `ambiguous` says so and the
 * provider's trusts are not evaluable (no member of an unmatched number is ever read as local). Undefined when nothing
 * names a number (every member names the pool by reference: then wifProblem says the default audience is unknown).
 */
type LocalNumber = { readonly number?: string; readonly ambiguous?: string };
function localNumber(provider: WifProvider, providerNumbers: readonly string[], memberNumbers: readonly string[]): LocalNumber {
  if (provider.number !== undefined) return { number: provider.number };
  const [named, by] = providerNumbers.length > 0 ? [providerNumbers, 'its other providers\' allowed_audiences'] : [memberNumbers, 'its members'];
  if (named.length <= 1) return named.length === 1 ? { number: named[0] } : {};
  return {
    ambiguous: `${label(provider.resource)}: the project number of pool ${provider.poolId} is not in the output (no allowed_audiences name it) and ${by} name `
      + `projects ${named.join(', ')}: which of them holds this provider cannot be told, nor which members are of its pool`,
  };
}

/** The trusts of one pool id: per provider × target, and the members no provider of the output belongs to. */
function poolTrusts(pool: string, targets: ReadonlyMap<string, PoolGrant[]>, providers: readonly WifProvider[]): VerifyTrust[] {
  const own = providers.filter((p) => p.poolId === pool);
  const numbers = (values: Array<string | undefined>) => [...new Set(values.filter(defined))].sort();
  const memberNumbers = numbers([...targets.values()].flat().map((g) => g.parsed.number));
  const locals = new Map(own.map((p) => [p, localNumber(p, numbers(own.map((o) => o.number)), memberNumbers)]));
  const ambiguous = [...locals.values()].some((l) => l.ambiguous !== undefined);
  const localNumbers = new Set([...locals.values()].map((l) => l.number).filter(defined));
  const trusts: VerifyTrust[] = [];
  for (const grants of targets.values()) {
    // A member naming the pool by reference (no number) names the output's own pool.
    const group = own.map((provider) => {
      const { number, ambiguous: reason } = locals.get(provider)!;
      const mine = reason !== undefined ? grants : grants.filter((g) => g.parsed.number === undefined || g.parsed.number === number);
      return { provider, grants: mine, number, reason };
    }).filter((entry) => entry.grants.length > 0);
    trusts.push(...wifTrusts(group));
    if (ambiguous) continue; // the ambiguous provider's trusts name every member
    const foreign = grants.filter((g) => own.length === 0 || (g.parsed.number !== undefined && !localNumbers.has(g.parsed.number)));
    for (const number of new Set(foreign.map((g) => g.parsed.number))) {
      trusts.push(orphanTrust(pool, number, foreign.filter((g) => g.parsed.number === number), providers));
    }
  }
  return trusts;
}

interface PoolSibling { readonly input: WifTrustInput; readonly trust: VerifyTrust }

/** The trusts of the providers of one pool on one target, each knowing the others (its siblings of the same number). */
function wifTrusts(group: ReadonlyArray<{ provider: WifProvider; grants: PoolGrant[]; number?: string; reason?: string }>): GcpPoolTrust[] {
  const built: Array<PoolSibling & { trust: GcpPoolTrust; number?: string }> = [];
  for (const { provider, grants, number, reason } of group) {
    const siblings = (): PoolSibling[] => built.filter((b) =>
      b.input.provider !== provider && b.number === number && b.trust.unevaluable === undefined);
    built.push({ ...wifTrust(provider, grants, number, reason, siblings), number });
  }
  return built.map((b) => b.trust);
}

/** The trust of a provider of the members' pool on one target. */
function wifTrust(
  provider: WifProvider, grants: readonly PoolGrant[], number: string | undefined, ambiguous: string | undefined, siblings: () => PoolSibling[],
): PoolSibling & { trust: GcpPoolTrust } {
  const target = grants[0].target;
  const members = [...new Set(grants.map((g) => g.member))].sort();
  const sorted = [...grants].sort((a, b) => byText(a.member, b.member));
  const input: WifTrustInput = { provider, grants: sorted, ...(number === undefined ? {} : { number }) };
  const unevaluable = ambiguous ?? wifProblem(input);
  const resources = [provider.resource, ...(provider.pool ? [provider.pool] : []), ...grants.map((g) => g.resource)];
  if (target.serviceAccount) resources.push(target.serviceAccount);
  let held: Set<string> | undefined;
  const trust: GcpPoolTrust = {
    id: `gcp:${provider.poolId}/${provider.providerId}->${target.key}`,
    cloud: 'gcp',
    kind: 'gcp-workload-identity',
    identity: target.identity,
    location: location(provider.resource),
    resources: [...new Set(resources.map(label))].sort(),
    alternatives: unevaluable === undefined ? wifAlternatives(input, members) : [],
    ...(unevaluable === undefined ? {} : { unevaluable }),
    evaluate: (token) => {
      if (unevaluable !== undefined) return { outcome: 'unsupported', detail: unevaluable };
      held ??= heldMembers(trust, input);
      return poolDecision(input, held, siblings(), token);
    },
    additionalForged: () => (unevaluable !== undefined ? [] : otherProviderVariants(input, siblings())),
  };
  return { input, trust };
}

/** The members that admit the trust's own legitimate identities (at its own provider). */
function heldMembers(trust: VerifyTrust, input: WifTrustInput): Set<string> {
  const tokens = legitimateIdentities(trust).filter((l) => l.impossible === undefined).map((l) => l.token);
  return new Set(tokens.map((token) => wifOutcome(input, token).grant?.member).filter(defined));
}

/**
 * The pool-level decision: the caller picks the provider in the STS request (its audience names it), so a token is
 * exchanged at this provider, or else at another provider of the pool; a token the other provider admits counts when
 * the member it reaches is one this provider's legitimate identities hold (the member meant for them is minted for
 * another identity). A sibling that is not evaluable is skipped here: it is its own not-evaluable trust of the target.
 */
function poolDecision(input: WifTrustInput, held: ReadonlySet<string>, siblings: readonly PoolSibling[], token: Token): Decision {
  const own = wifOutcome(input, token);
  if (own.decision.outcome !== 'denied') return own.decision;
  for (const sibling of siblings) {
    const other = wifOutcome(sibling.input, token);
    if (other.decision.outcome === 'admitted' && other.grant !== undefined && held.has(other.grant.member)) {
      const { poolId, providerId } = sibling.input.provider;
      return { outcome: 'admitted', detail: `exchanged at provider ${poolId}/${providerId} of the same pool, ${other.decision.detail}: a member this provider's legitimate identities hold` };
    }
  }
  return own.decision;
}

/**
 * The legitimate tokens of the pool's other providers whose issuer differs (their names are another namespace: GitHub
 * `acme/app` and gitlab.com `acme/app` are unrelated parties), as forged variants of this trust. Providers of the same
 * issuer name the same parties: their identities are the author's own, and each such provider is judged on its trust.
 */
function otherProviderVariants(input: WifTrustInput, siblings: readonly PoolSibling[]): ForgedVariant[] {
  const issuer: unknown = input.provider.oidc?.issuer_uri;
  const seen = new Set<string>();
  return siblings.filter((s) => s.input.provider.oidc?.issuer_uri !== issuer).flatMap((s) => {
    const { poolId, providerId } = s.input.provider;
    const fresh = (key: string): boolean => !seen.has(key) && seen.add(key) !== undefined;
    const identities = legitimateIdentities(s.trust).filter((l) => l.impossible === undefined && fresh(tokenKey(l.token)));
    return identities.map((l) => ({
      family: OTHER_PROVIDER_OF_POOL,
      description: `a token provider ${poolId}/${providerId} of the same pool exchanges (issuer ${String(s.input.provider.oidc.issuer_uri)}): ${l.description}`,
      token: l.token,
    }));
  });
}

/** Grants of one target to a pool (pool id, project number) no readable provider of the output belongs to. */
function orphanTrust(pool: string, number: string | undefined, grants: readonly PoolGrant[], providers: readonly WifProvider[]): VerifyTrust {
  const target = grants[0].target;
  const unresolved = providers.filter((p) => p.poolId === undefined).map((p) => ` (${label(p.resource)}: ${p.poolProblem})`).join('');
  const members = [...new Set(grants.map((g) => g.member))].sort();
  const which = number === undefined ? `pool ${pool}` : `pool ${pool} of project ${number}`;
  const unevaluable = `no workload identity pool provider of ${which} is in the output${unresolved}: the members ${members.join(', ')} cannot be evaluated`;
  return {
    id: `gcp:${pool}/?->${target.key}`,
    cloud: 'gcp',
    kind: 'gcp-workload-identity',
    identity: target.identity,
    location: location(grants[0].resource),
    resources: [...new Set([...grants.map((g) => g.resource), ...(target.serviceAccount ? [target.serviceAccount] : [])].map(label))].sort(),
    alternatives: [],
    unevaluable,
    evaluate: () => ({ outcome: 'unsupported', detail: unevaluable }),
  };
}

/** The trust of one GKE workload (or namespace) member on one target. */
function gkeTrust(key: string, member: GkeMember, grants: readonly FederatedGrant[]): VerifyTrust {
  const target = grants[0].target;
  const project = member.pool.replace(/\.svc\.id\.goog$/, '');
  const claims: Record<string, ClaimRequirement> = {
    project: { values: [project], glob: false },
    namespace: { values: [member.namespace], glob: false },
    ...(member.serviceAccount === undefined ? {} : { serviceaccount: { values: [member.serviceAccount], glob: false } }),
  };
  return {
    id: `gcp:gke:${key}`,
    cloud: 'gcp',
    kind: 'gcp-gke',
    identity: target.identity,
    location: location(grants[0].resource),
    resources: [...new Set([...grants.map((g) => g.resource), ...(target.serviceAccount ? [target.serviceAccount] : [])].map(label))].sort(),
    alternatives: [{ claims }],
    evaluate: (token) => gkeDecision(member, grants, token),
  };
}

function location(resource: WifProvider['resource']): VerifyTrust['location'] {
  const constructPath = constructPathOf(resource);
  return { file: resource.file, resource: resource.id, ...(constructPath === undefined ? {} : { constructPath }) };
}

