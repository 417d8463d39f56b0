/**
 * GCP trusts for `keyless verify`: workload identity federation (one trust per pool provider × granted target) and
 * Workload Identity Federation for GKE (one trust per GKE member × target), read from synthesized Terraform (JSON,
 * HCL or plan), each with an evaluator of GCP's own rules (see gcp-evaluate.ts) and the ways in it was written for.
 *
 * Principals are per pool, mappings and conditions per provider
 * (https://cloud.google.com/iam/docs/workload-identity-federation#mapping): a member of pool P admits a token
 * exchanged at any provider of P, so every provider of P is its own way into a target granted to P's principals.
 */
import {
  conditionAlternatives, intersect, mappedClaim, mappedConstant, MAX_ALTERNATIVES, splitTernary, termRequirement, type TermRequirement,
} from './gcp-cel';
import { gcpAudiences, gkeDecision, wifDecision, wifProblem, type WifTrustInput } from './gcp-evaluate';
import { constructPathOf, FederatedGrant, GcpResolver, gkeMemberOf, GkeMember, parsePoolMember, PoolMember, wifProviders, WifProvider } from './gcp-read';
import { ClaimRequirement, TrustAlternative, VerifyTrust } from './model';
import { byText } from './order';
import { SynthOutput } from '../synth/model';

export { IMPERSONATION_ROLES } from './gcp-read';

/** One member of a pool granted on one target, with the grant. */
interface PoolGrant extends FederatedGrant { readonly parsed: PoolMember }

const label = (r: { file: string; id: string }): string => `${r.file}:${r.id}`;

/**
 * The GCP trusts of synthesized output, sorted by id, and what could not be read (sorted). A provider whose pool no
 * grant names is a warning, not a trust (it gives nothing); a grant to a pool no provider of the output belongs to,
 * or to a provider that cannot be read, is a trust with `unevaluable` set.
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
  for (const [pool, targets] of byPool) {
    const numbers = new Set([...targets.values()].flat().map((g) => g.parsed.number).filter((n) => n !== undefined));
    const own = providers.filter((p) => p.poolId === pool && (p.number === undefined || numbers.size === 0 || numbers.has(p.number)));
    for (const grants of targets.values()) {
      if (own.length === 0) trusts.push(orphanTrust(pool, grants, providers));
      for (const provider of own) trusts.push(wifTrust(provider, grants));
    }
  }
  for (const provider of providers) {
    if (provider.poolId !== undefined && !byPool.has(provider.poolId)) {
      warnings.push(`${label(provider.resource)}: no IAM grant in the output names a principal of pool ${provider.poolId}; not verified`);
    }
  }
  return { trusts: trusts.sort((a, b) => byText(a.id, b.id)), warnings: [...new Set(warnings)].sort() };
}

/** The trust of a provider of the members' pool on one target. */
function wifTrust(provider: WifProvider, grants: readonly PoolGrant[]): VerifyTrust {
  const target = grants[0].target;
  const members = [...new Set(grants.map((g) => g.member))].sort();
  const number = grants.map((g) => g.parsed.number).find((n) => n !== undefined) ?? provider.number;
  const input: WifTrustInput = { provider, grants: [...grants].sort((a, b) => byText(a.member, b.member)), number };
  const unevaluable = wifProblem(input);
  const resources = [provider.resource, ...(provider.pool ? [provider.pool] : []), ...grants.map((g) => g.resource)];
  if (target.serviceAccount) resources.push(target.serviceAccount);
  return {
    id: `gcp:${provider.poolId}/${provider.providerId}->${target.key}`,
    cloud: 'gcp',
    kind: 'gcp-workload-identity',
    identity: target.identity,
    location: location(provider.resource),
    resources: [...new Set(resources.map(label))].sort(),
    alternatives: unevaluable === undefined ? wifAlternatives(input, members) : [],
    ...(unevaluable === undefined ? {} : { unevaluable }),
    evaluate: (token) => wifDecision(input, token),
  };
}

/** A grant to a pool no readable provider of the output belongs to. */
function orphanTrust(pool: string, grants: readonly PoolGrant[], providers: readonly WifProvider[]): VerifyTrust {
  const target = grants[0].target;
  const unresolved = providers.filter((p) => p.poolId === undefined).map((p) => ` (${label(p.resource)}: ${p.poolProblem})`).join('');
  const members = [...new Set(grants.map((g) => g.member))].sort();
  const unevaluable = `no workload identity pool provider of pool ${pool} is in the output${unresolved}: the members ${members.join(', ')} cannot be evaluated`;
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

type Way = Map<string, ClaimRequirement>;

/**
 * The ways into a provider × target: every way of the attribute condition (gcp-cel.ts) combined with every member
 * (one way per member: `subject/S` requires the claim `google.subject` copies to be S, `attribute.NAME/VALUE` the
 * claim `attribute.NAME` copies to be VALUE — a constant mapping either always or never yields it —, a group or the
 * whole pool requires nothing), plus the issuer and the accepted audiences. Requirements on `attribute.X` and
 * `google.subject` in the condition are read through the mapping the same way; those a mapping does not copy from one
 * claim state nothing. Contradictory combinations are dropped.
 */
function wifAlternatives(input: WifTrustInput, members: readonly string[]): TrustAlternative[] {
  const mapping: Record<string, unknown> = input.provider.attributes.attribute_mapping ?? {};
  // What a mapping expression yielding `requirement` says of the token: a copied claim's value, a constant (always or
  // never), or for `C ? A : B` the branch that can yield it (the `then` branch with C's own requirement, when C states one).
  const yields = (expression: string, requirement: ClaimRequirement): Way | undefined => {
    const claim = mappedClaim(expression);
    if (claim !== undefined) return new Map([[claim, requirement]]);
    const constant = mappedConstant(expression);
    if (constant !== undefined) return intersect({ values: [constant], glob: false }, requirement) === undefined ? undefined : new Map();
    const ternary = splitTernary(expression);
    if (ternary === undefined) return new Map();
    const stated = termRequirement(ternary.condition);
    const when = stated?.variable === 'assertion' ? new Map([[stated.name, stated.requirement]]) : new Map<string, ClaimRequirement>();
    const then = yields(ternary.then, requirement);
    return (then !== undefined ? merge(when, then) : undefined) ?? yields(ternary.otherwise, requirement);
  };
  const through = (attribute: string, requirement: ClaimRequirement): Way | undefined => {
    const expression = mapping[attribute];
    return typeof expression === 'string' ? yields(expression, requirement) : new Map();
  };
  const termWay = (terms: ReadonlyMap<string, TermRequirement>): Way | undefined => {
    let way: Way | undefined = new Map();
    for (const term of terms.values()) {
      const key = term.variable === 'assertion' ? undefined : term.variable === 'attribute' ? `attribute.${term.name}` : `google.${term.name}`;
      const part = key === undefined ? new Map([[term.name, term.requirement]]) : through(key, term.requirement);
      way = part === undefined ? undefined : merge(way, part);
      if (way === undefined) return undefined;
    }
    return way;
  };
  const memberWay = (member: string): Way | undefined => {
    const rest = parsePoolMember(member)?.rest ?? '';
    const subject = /^subject\/(.+)$/.exec(rest);
    if (subject) return through('google.subject', { values: [subject[1]], glob: false });
    const attribute = /^attribute\.([a-z0-9_]+)\/(.+)$/.exec(rest);
    if (attribute) return through(`attribute.${attribute[1]}`, { values: [attribute[2]], glob: false });
    return new Map();
  };
  const conditionWays = conditionAlternatives(input.provider.attributes.attribute_condition).map(termWay).filter((w): w is Way => w !== undefined);
  const memberWays = members.map(memberWay).filter((w): w is Way => w !== undefined);
  const audiences = gcpAudiences(input);
  const ways: Way[] = [];
  for (const condition of conditionWays) {
    for (const member of memberWays.length > 0 ? memberWays : [new Map()]) {
      const way = merge(merge(condition, member), new Map([['aud', { values: audiences, glob: false }]]));
      if (way !== undefined) ways.push(way);
    }
  }
  const issuer: string = input.provider.oidc.issuer_uri;
  const unique = new Map(ways.map((way) => {
    const claims = Object.fromEntries([...way.entries()].sort(([a], [b]) => byText(a, b)));
    return [JSON.stringify(claims), { issuer, claims }];
  }));
  return [...unique.values()].slice(0, MAX_ALTERNATIVES);
}

/** Both ways at once; undefined when contradictory. */
function merge(a: Way | undefined, b: Way | undefined): Way | undefined {
  if (a === undefined || b === undefined) return undefined;
  const merged = new Map(a);
  for (const [claim, requirement] of b) {
    const known = merged.get(claim);
    const next = known === undefined ? requirement : intersect(known, requirement);
    if (next === undefined) return undefined;
    merged.set(claim, next);
  }
  return merged;
}
