/**
 * The ways into a GCP workload identity federation trust (one provider × one target), read from the provider's
 * attribute condition and mapping and from the target's members: see {@link wifAlternatives}.
 */
import { conditionAlternatives, intersect, MAX_ALTERNATIVES, termRequirement, type TermRequirement } from './gcp-cel';
import { gcpAudiences, type WifTrustInput } from './gcp-evaluate';
import { mappedClaim, mappedConcat, mappedConstant, mappedListClaim, splitTernary } from './gcp-mapping';
import { parsePoolMember } from './gcp-read';
import { ClaimRequirement, TrustAlternative } from './model';
import { byText } from './order';
import { isGlob } from '../synth/glob';

type Way = Map<string, ClaimRequirement>;

/**
 * The ways into a provider × target: every way of the attribute condition (gcp-cel.ts) combined with every member
 * (one way per member: `subject/S` requires the claim `google.subject` copies to be S, `attribute.NAME/VALUE` the
 * claim `attribute.NAME` copies to be VALUE — a constant mapping either always or never yields it —, a group or the
 * whole pool requires nothing), plus the issuer and the accepted audiences. Requirements on `attribute.X` and
 * `google.subject` in the condition are read through the mapping the same way; those a mapping does not copy from one
 * claim state nothing. Contradictory combinations are dropped.
 */
export function wifAlternatives(input: WifTrustInput, members: readonly string[]): TrustAlternative[] {
  const mapping: Record<string, unknown> = input.provider.attributes.attribute_mapping ?? {};
  // What a mapping expression yielding `requirement` says of the token: a copied claim's value, a constant (always or
  // never), or for `C ? A : B` the branch that can yield it (the `then` branch with C's own requirement, when C states one).
  const yields = (expression: string, requirement: ClaimRequirement): Way | undefined => {
    const claim = mappedClaim(expression);
    if (claim !== undefined) return new Map([[claim, requirement]]);
    const concat = mappedConcat(expression);
    if (concat !== undefined) return unwrapped(concat, requirement);
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
    // `google.groups = [assertion.X]`: the group is the claim's value (principalSet://…/group/GROUP, principal identifiers).
    const group = /^group\/(.+)$/.exec(rest);
    const listed = typeof mapping['google.groups'] === 'string' ? mappedListClaim(mapping['google.groups']) : undefined;
    if (group && listed !== undefined) return new Map([[listed, { values: [group[1]], glob: false }]]);
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

/**
 * What `'P' + assertion.X + 'S'` yielding `requirement` says of X: each exact value with the literals stripped (none
 * carries them: no way in), each glob that starts with P and ends with S likewise; a glob that does not (it may still
 * match) states nothing.
 */
function unwrapped(concat: { prefix: string; claim: string; suffix: string }, requirement: ClaimRequirement): Way | undefined {
  const { prefix, suffix } = concat;
  const wraps = (v: string): boolean => v.length >= prefix.length + suffix.length && v.startsWith(prefix) && v.endsWith(suffix);
  const strip = (v: string): string => v.slice(prefix.length, v.length - suffix.length);
  if (!requirement.glob) {
    const values = requirement.values.filter(wraps).map(strip);
    return values.length > 0 ? new Map([[concat.claim, { values, glob: false }]]) : undefined;
  }
  const ends = (v: string): string => v.slice(0, prefix.length) + v.slice(v.length - suffix.length);
  const literal = (v: string): boolean => !isGlob(prefix) && !isGlob(suffix) && wraps(v) && !isGlob(ends(v));
  if (!requirement.values.every(literal)) return new Map();
  return new Map([[concat.claim, { values: requirement.values.map(strip), glob: true }]]);
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
