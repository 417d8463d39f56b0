/** GCP members, IAM conditions and attribute conditions of Terraform JSON, read for the inventory. */
import { RecordDraft } from './draft';
import { condition, makeSubject, untilCondition } from './entries';
import { Condition, TrustedSubject } from './model';
import { GCP_BASIC_ROLES, GCP_IMPERSONATION_ROLES } from '../core/facts/gcp-roles';
import { GKE_WORKLOAD_POOL_SUFFIX, kubernetesServiceAccountSubject } from '../core/facts/subjects';
import { splitTop, unwrap } from '../synth/cel';
import { parseGkeMember } from '../synth/gcp';
import { globMatches } from '../synth/glob';
import { NeutralResource } from '../synth/model';
import { attributesOf, TerraformIndex } from '../synth/terraform';

/** Attributes of an `*_iam_member` / `*_iam_binding` that are not part of the resource it grants on. */
const NOT_SCOPE = new Set(['member', 'members', 'role', 'condition', 'depends_on', 'provider', 'lifecycle', 'count', 'for_each', '//', 'etag', 'timeouts']);
const SCOPE_ORDER = ['project', 'folder', 'org_id', 'location', 'region', 'zone'];

/** One CEL comparison on a token claim: `assertion.X == 'v'`, `assertion.X.startsWith('v')`, `assertion.X in ['a', 'b']`. */
function claimClause(clause: string, claimName: (reference: string) => string): { claim: string; values: string[] } | undefined {
  const literal = '(?:\'([^\'\\\\]*)\'|"([^"\\\\]*)")';
  const equals = new RegExp(`^((?:assertion|attribute|google)\\.[A-Za-z0-9_.]+?)\\s*==\\s*${literal}$`).exec(clause);
  if (equals) return { claim: claimName(equals[1]), values: [equals[2] ?? equals[3]] };
  const prefix = new RegExp(`^((?:assertion|attribute|google)\\.[A-Za-z0-9_.]+?)\\.startsWith\\(\\s*${literal}\\s*\\)$`).exec(clause);
  if (prefix) return { claim: claimName(prefix[1]), values: [`${prefix[2] ?? prefix[3]}*`] };
  const within = /^((?:assertion|attribute|google)\.[A-Za-z0-9_.]+?)\s+in\s+\[(.*)\]$/.exec(clause);
  if (within) {
    const values = [...within[2].matchAll(/'([^'\\]*)'|"([^"\\]*)"/g)].map((m) => m[1] ?? m[2]);
    if (values.length > 0) return { claim: claimName(within[1]), values };
  }
  return undefined;
}

/**
 * A provider's attribute condition as claims (conjuncts that compare one claim, possibly as a disjunction) and
 * the rest as conditions, which are kept verbatim.
 */
export function celClaims(expression: string, mapping: Record<string, unknown>): { claims: Record<string, string[]>; conditions: Condition[] } {
  const claimName = (reference: string): string => {
    const mapped = reference.startsWith('assertion.') ? reference : mapping[reference];
    if (typeof mapped === 'string' && /^assertion\.[A-Za-z0-9_]+$/.test(mapped.trim())) return mapped.trim().slice('assertion.'.length);
    return reference;
  };
  // No prototype: a claim named `__proto__` or `constructor` is a claim like any other.
  const claims: Record<string, string[]> = Object.create(null);
  const conditions: Condition[] = [];
  for (const conjunct of splitTop(unwrap(expression), '&&')) {
    const alternatives = splitTop(unwrap(conjunct), '||').map((a) => claimClause(unwrap(a), claimName));
    const claim = alternatives[0]?.claim;
    if (claim !== undefined && alternatives.every((a) => a?.claim === claim)) {
      const values = alternatives.flatMap((a) => a!.values);
      // Two conjuncts on one claim: keep the values both admit (exact values) or both lists.
      claims[claim] = claims[claim] ? claims[claim].filter((v) => values.includes(v)) : values;
    } else {
      conditions.push(condition('cel', '', [unwrap(conjunct)], unwrap(conjunct)));
    }
  }
  return { claims, conditions };
}

/** An IAM condition expression as conditions: expiries and prefixes are understood, the rest kept verbatim. */
export function celConditions(expression: unknown): Condition[] {
  if (typeof expression !== 'string' || expression.trim() === '') return [];
  return splitTop(unwrap(expression), '&&').map((clause) => {
    const c = unwrap(clause);
    const until = /^request\.time\s*<\s*timestamp\(\s*["']([^"']+)["']\s*\)$/.exec(c);
    if (until) return untilCondition(until[1]);
    const prefix = /^([A-Za-z0-9_.]+)\.startsWith\(\s*["']([^"']*)["']\s*\)$/.exec(c);
    if (prefix) return condition('startsWith', prefix[1], [prefix[2]], c);
    return condition('cel', '', [c], c);
  });
}

/** A member string as a trusted subject. */
export function memberSubject(member: string, conditions: Condition[], source: string): TrustedSubject {
  const gke = parseGkeMember(member);
  if (gke) return makeSubject({ kind: 'pool', issuer: gke.pool, claims: { sub: [kubernetesServiceAccountSubject(gke.namespace, gke.name)] }, conditions, source });
  const pool = /^principal(Set)?:\/\/iam\.googleapis\.com\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+)\/(.*)$/.exec(member);
  if (pool) {
    const issuer = pool[3].endsWith(GKE_WORKLOAD_POOL_SUFFIX) ? pool[3] : `${pool[2]}/${pool[3]}`;
    const rest = pool[4];
    const subject = /^subject\/(.*)$/.exec(rest);
    if (subject) {
      const gkeSubject = /^ns\/([^/]+)\/sa\/([^/]+)$/.exec(subject[1]);
      return makeSubject({ kind: 'pool', issuer, claims: { sub: [gkeSubject ? kubernetesServiceAccountSubject(gkeSubject[1], gkeSubject[2]) : subject[1]] }, conditions, source });
    }
    const attribute = /^(attribute\.[^/]+|group)\/(.*)$/.exec(rest);
    if (attribute) return makeSubject({ kind: 'pool', issuer, claims: { [attribute[1]]: [attribute[2]] }, conditions, source });
    return makeSubject({ kind: 'pool', issuer, conditions, source });
  }
  return makeSubject({ kind: 'gcp', issuer: member, conditions, source, wildcard: member === 'allUsers' || member === 'allAuthenticatedUsers' || member.startsWith('domain:') });
}

/** Whether a role is privileged, and why. */
export function privilegedRole(role: string, scope: string): string | undefined {
  if (GCP_BASIC_ROLES.includes(role) && role !== 'roles/viewer') return `basic role ${role} on ${scope}`;
  if (/admin$/i.test(role)) return `${role} on ${scope}`;
  if (GCP_IMPERSONATION_ROLES.includes(role) && !scope.startsWith('service_account ')) return `${role} on ${scope} (impersonates every service account there)`;
  return undefined;
}

/** A provider's parts, to attribute grants to pool principals. */
export interface ProviderInfo {
  readonly draft: RecordDraft;
  readonly pool: string;
  readonly mapping: Record<string, unknown>;
}

/** Whether a provider's tokens can be the pool member `rest` (`subject/S`, `attribute.A/V`, `group/G`, `*`). */
export function admits(provider: ProviderInfo, rest: string): boolean {
  const attribute = /^attribute\.([^/]+)\/(.*)$/.exec(rest);
  if (attribute) {
    const mapped = provider.mapping[`attribute.${attribute[1]}`];
    if (mapped === undefined) return false;
    // A constant mapping (`'name'`) gives every token of the provider that value, and no other.
    const constant = typeof mapped === 'string' ? /^\s*'([^']*)'\s*$/.exec(mapped)?.[1] : undefined;
    return constant === undefined || constant === attribute[2];
  }
  const subject = /^subject\/(.*)$/.exec(rest);
  if (subject) {
    const subs = provider.draft.subjects.flatMap((s) => s.claims.sub ?? ['*']);
    return subs.length === 0 || subs.some((pattern) => globMatches(pattern, subject[1]));
  }
  return true;
}

/**
 * Which of a provider's tokens a grant to the pool member `rest` holds for, when not all of them: a subject, a group,
 * or an attribute the provider maps from a claim (a constant mapping gives every token the value).
 */
export function qualifier(provider: ProviderInfo, rest: string): Condition | undefined {
  const subject = /^subject\/(.*)$/.exec(rest)?.[1];
  if (subject !== undefined) {
    const subs = provider.draft.subjects.flatMap((s) => s.claims.sub ?? []);
    return subs.length === 1 && subs[0] === subject ? undefined : condition('principal', 'sub', [subject], `principal sub=${subject}`);
  }
  const attribute = /^(attribute\.[^/]+|group)\/(.*)$/.exec(rest);
  if (!attribute) return undefined;
  const mapped = provider.mapping[attribute[1]];
  if (typeof mapped === 'string' && /^\s*'[^']*'\s*$/.test(mapped)) return undefined;
  return condition('principal', attribute[1], [attribute[2]], `principal ${attribute[1]}=${attribute[2]}`);
}

/** `//cloudresourcemanager.googleapis.com/projects/P` → `project P`; other full resource names as they are. */
export function resourceScope(resource: string): string {
  const match = /^\/\/cloudresourcemanager\.googleapis\.com\/(projects|folders|organizations)\/(.+)$/.exec(resource);
  if (!match) return resource;
  return `${({ projects: 'project', folders: 'folder', organizations: 'organization' } as Record<string, string>)[match[1]]} ${match[2]}`;
}

/** The resource an `*_iam_member` grants on: `storage_bucket acme-settlements`, `project acme-prod`. */
export function grantScope(
  r: NeutralResource, stem: string, index: TerraformIndex, defaultProject: (resource: NeutralResource) => string | undefined,
): string {
  const p = attributesOf(r);
  const keys = Object.keys(p).filter((k) => !NOT_SCOPE.has(k));
  keys.sort((a, b) => {
    const ia = SCOPE_ORDER.indexOf(a);
    const ib = SCOPE_ORDER.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? SCOPE_ORDER.length : ia) - (ib < 0 ? SCOPE_ORDER.length : ib);
    return a < b ? -1 : 1;
  });
  const values = keys.map((k) => index.resolve(r.file, p[k]));
  if (stem === 'project' && values.length === 0) values.push(defaultProject(r) ?? '?');
  return `${stem === 'organization' ? 'organization' : stem} ${values.join('/')}`;
}
