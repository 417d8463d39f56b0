/**
 * The evaluators of GCP trusts: the STS token exchange at a workload identity pool provider followed by the IAM check
 * of the target's members, and the GKE workload identity check.
 *
 * Exchange (https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers):
 * - a disabled provider cannot exchange tokens ("You cannot use a disabled provider to exchange tokens"), nor a
 *   disabled pool (https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools);
 * - the token's issuer must be `oidc.issuer_uri`;
 * - `aud` must be one of `oidc.allowed_audiences`; "If this list is empty, the OIDC token audience must be equal to
 *   the full canonical resource name of the WorkloadIdentityPoolProvider, with or without the HTTPS prefix"
 *   (`//iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/ID`, or `https:` and
 *   that). A list `aud` is accepted when one of its values is (RFC 7519 §4.1.3: the token is for each of them);
 * - `google.subject` is mapped and "Cannot exceed 127 bytes"; custom attributes whose mapping fails or yields no
 *   string are left unset (they can then only fail a condition or a member, never admit);
 * - `attribute_condition` must yield `true` (an error or anything else rejects).
 * IAM: the principals of the exchanged token (https://cloud.google.com/iam/docs/principal-identifiers):
 * `principal://…/POOL/subject/SUBJECT`, `principalSet://…/POOL/group/G` per `google.groups` value,
 * `principalSet://…/POOL/attribute.NAME/VALUE` per custom attribute, and `principalSet://…/POOL/*` for any of them.
 */
import type { CelInput } from '@bufbuild/cel';
import { assertionOf, celSyntaxError, evaluateCel, unboundFunctions } from './gcp-cel';
import { FederatedGrant, GkeMember, PoolMember, WifProvider } from './gcp-read';
import { Decision, Token } from './model';
import { byText } from './order';
import { attributesOf, nestedBlock } from '../synth/terraform';

/** `google.subject`: "Cannot exceed 127 bytes" (providers REST reference, attributeMapping). */
export const GCP_SUBJECT_MAX_BYTES = 127;

/** What one provider × target trust evaluates. */
export interface WifTrustInput {
  readonly provider: WifProvider;
  /** The grants of the target to principals of the provider's pool, sorted by member. */
  readonly grants: ReadonlyArray<FederatedGrant & { readonly parsed: PoolMember }>;
  /** The pool's project number (from a member or the provider's audiences), when known. */
  readonly number?: string;
}

/** Why a call outside @bufbuild/cel's standard library makes a provider not evaluable (see celUnsupported in gcp-cel.ts). */
const UNBOUND = 'which verify\'s CEL (the standard library of @bufbuild/cel) does not evaluate: GCP\'s own result is not known';

const unresolved = (value: unknown): boolean => typeof value === 'string' && value.includes('${');

/** Each input's problem, found once (every token's exchange asks again); `null` for none. */
const PROBLEMS = new WeakMap<WifTrustInput, string | null>();

/** Why a provider × target trust cannot be evaluated, or undefined. */
export function wifProblem(input: WifTrustInput): string | undefined {
  let problem = PROBLEMS.get(input);
  if (problem === undefined) {
    problem = findWifProblem(input) ?? null;
    PROBLEMS.set(input, problem);
  }
  return problem ?? undefined;
}

function findWifProblem(input: WifTrustInput): string | undefined {
  const { provider } = input;
  const a = provider.attributes;
  const where = `${provider.resource.file}:${provider.resource.id}`;
  // A plan lists every block, the unset ones empty (`aws: []`): only a block with content makes the provider that kind.
  const other = (['aws', 'saml', 'x509'] as const).find((kind) => nestedBlock(a[kind]) !== undefined);
  if (other !== undefined) return `${where}: only OIDC providers are evaluated (this one is ${{ aws: 'AWS', saml: 'SAML', x509: 'X.509' }[other]})`;
  if (provider.oidc === undefined) return `${where}: the provider has no oidc block`;
  if (typeof provider.oidc.issuer_uri !== 'string' || unresolved(provider.oidc.issuer_uri)) {
    return `${where}: oidc.issuer_uri is not resolved: ${JSON.stringify(provider.oidc.issuer_uri)}`;
  }
  const audiences: unknown = provider.oidc.allowed_audiences ?? [];
  if (!Array.isArray(audiences) || audiences.some((aud) => typeof aud !== 'string' || unresolved(aud))) {
    return `${where}: oidc.allowed_audiences is not resolved: ${JSON.stringify(audiences)}`;
  }
  if (audiences.length === 0 && input.number === undefined) {
    return `${where}: the project number of pool ${provider.poolId} is not known, so the default audience cannot be computed`;
  }
  if (typeof a.disabled !== 'boolean' && a.disabled !== undefined) return `${where}: disabled is not resolved: ${JSON.stringify(a.disabled)}`;
  const mapping = a.attribute_mapping;
  if (mapping === null || typeof mapping !== 'object' || typeof mapping['google.subject'] !== 'string') {
    return `${where}: attribute_mapping does not map google.subject`;
  }
  for (const [key, expression] of Object.entries<unknown>(mapping)) {
    if (typeof expression !== 'string' || unresolved(expression)) return `${where}: attribute_mapping ${key} is not resolved: ${JSON.stringify(expression)}`;
    const error = celSyntaxError(expression);
    if (error !== undefined) return `${where}: attribute_mapping ${key} is not valid CEL: ${error}`;
    const functions = unboundFunctions(expression);
    if (functions.length > 0) return `${where}: attribute_mapping ${key} calls ${functions.join(', ')}, ${UNBOUND}`;
  }
  const condition = a.attribute_condition;
  if (condition !== undefined && (typeof condition !== 'string' || unresolved(condition))) return `${where}: attribute_condition is not resolved: ${JSON.stringify(condition)}`;
  if (typeof condition === 'string' && celSyntaxError(condition) !== undefined) return `${where}: attribute_condition is not valid CEL: ${celSyntaxError(condition)}`;
  const functions = typeof condition === 'string' ? unboundFunctions(condition) : [];
  if (functions.length > 0) return `${where}: attribute_condition calls ${functions.join(', ')}, ${UNBOUND}`;
  const member = input.grants.find((g) => unresolved(g.member));
  if (member !== undefined) return `${member.resource.file}:${member.resource.id}: member ${member.member} is not resolved`;
  const pool = provider.pool === undefined ? undefined : attributesOf(provider.pool);
  if (pool !== undefined && pool.disabled !== undefined && typeof pool.disabled !== 'boolean') {
    return `${provider.pool!.file}:${provider.pool!.id}: disabled is not resolved: ${JSON.stringify(pool.disabled)}`;
  }
  return undefined;
}

/** The audiences a provider accepts: `allowed_audiences`, else its canonical name with `https:` and without. */
export function gcpAudiences(input: WifTrustInput): string[] {
  const configured: string[] = input.provider.oidc?.allowed_audiences ?? [];
  if (configured.length > 0) return [...configured];
  const name = `iam.googleapis.com/projects/${input.number}/locations/global/workloadIdentityPools/${input.provider.poolId}/providers/${input.provider.providerId}`;
  return [`https://${name}`, `//${name}`];
}

const quoted = (value: unknown): string => JSON.stringify(value);
const denied = (detail: string): Decision => ({ outcome: 'denied', detail });

/** The decision of the exchange and the IAM check for one token (never called when {@link wifProblem} is set). */
export function wifDecision(input: WifTrustInput, token: Token): Decision {
  return wifOutcome(input, token).decision;
}

/** A decision and, when admitted, the grant whose member admitted the token. */
export interface WifOutcome {
  readonly decision: Decision;
  readonly grant?: WifTrustInput['grants'][number];
}

const undecided = (detail: string): WifOutcome => ({ decision: { outcome: 'unsupported', detail } });

/** {@link wifDecision}, with the admitting grant. */
export function wifOutcome(input: WifTrustInput, token: Token): WifOutcome {
  const outcome = exchange(input, token);
  return 'outcome' in outcome ? { decision: outcome } : outcome;
}

function exchange(input: WifTrustInput, token: Token): Decision | WifOutcome {
  const problem = wifProblem(input);
  if (problem !== undefined) return { outcome: 'unsupported', detail: problem };
  const { provider } = input;
  const a = provider.attributes;
  const name = `${provider.poolId}/${provider.providerId}`;
  const pool = provider.pool === undefined ? undefined : attributesOf(provider.pool);
  if (pool?.disabled === true) return denied(`pool ${provider.poolId} is disabled`);
  if (a.disabled === true) return denied(`provider ${name} is disabled`);
  if (token.issuer !== provider.oidc.issuer_uri) return denied(`issuer ${quoted(token.issuer)} is not the provider's issuer_uri ${quoted(provider.oidc.issuer_uri)}`);
  const audiences = gcpAudiences(input);
  const aud = token.claims.aud;
  if (aud === undefined) return denied('the token has no aud claim');
  const given = Array.isArray(aud) ? aud : [aud];
  if (!given.some((value) => typeof value === 'string' && audiences.includes(value))) {
    return denied(`audience ${quoted(aud)} is not accepted (accepted: ${audiences.map(quoted).join(', ')})`);
  }

  const assertion = assertionOf(token.claims);
  const mapping: Record<string, string> = a.attribute_mapping;
  const subjectResult = evaluateCel(mapping['google.subject'], { assertion });
  if ('error' in subjectResult) {
    const detail = `google.subject mapping ${quoted(mapping['google.subject'])} failed: ${subjectResult.error}`;
    return subjectResult.unsupported ? undecided(detail) : denied(detail);
  }
  const subject = subjectResult.value;
  if (typeof subject !== 'string' || subject === '') return denied(`google.subject is not a non-empty string: ${quoted(subject)}`);
  const bytes = Buffer.byteLength(subject, 'utf8');
  if (bytes > GCP_SUBJECT_MAX_BYTES) return denied(`google.subject is ${bytes} bytes, more than ${GCP_SUBJECT_MAX_BYTES}`);
  const groups: string[] = [];
  if (typeof mapping['google.groups'] === 'string') {
    const result = evaluateCel(mapping['google.groups'], { assertion });
    if ('error' in result && result.unsupported) return undecided(`google.groups mapping ${quoted(mapping['google.groups'])} failed: ${result.error}`);
    if ('value' in result && Array.isArray(result.value)) groups.push(...result.value.filter((g): g is string => typeof g === 'string'));
  }
  const attributes: Record<string, string> = {};
  for (const [key, expression] of Object.entries(mapping).sort(([x], [y]) => byText(x, y))) {
    if (!key.startsWith('attribute.')) continue;
    const result = evaluateCel(expression, { assertion });
    if ('error' in result && result.unsupported) return undecided(`${key} mapping ${quoted(expression)} failed: ${result.error}`);
    if ('value' in result && typeof result.value === 'string') attributes[key.slice('attribute.'.length)] = result.value;
  }
  const condition: unknown = a.attribute_condition;
  if (typeof condition === 'string') {
    const google = { subject, groups } as unknown as CelInput;
    const result = evaluateCel(condition, { assertion, attribute: attributes as unknown as CelInput, google });
    if ('error' in result) return result.unsupported ? undecided(`attribute_condition failed: ${result.error}`) : denied(`attribute_condition failed: ${result.error}`);
    if (result.value !== true) return denied(`attribute_condition is ${quoted(result.value)}`);
  }

  const rests = [`subject/${subject}`, ...groups.map((g) => `group/${g}`), ...Object.entries(attributes).map(([key, value]) => `attribute.${key}/${value}`)];
  for (const grant of input.grants) {
    const { kind, rest, number } = grant.parsed;
    // A member names its pool by project number and id: one of another project's pool of the same id is not this one.
    if (number !== undefined && input.number !== undefined && number !== input.number) continue;
    const matches = rest === '*' ? kind === 'principalSet' : kind === 'principal' ? rest === rests[0] : rest !== rests[0] && rests.includes(rest);
    if (matches) return { decision: { outcome: 'admitted', detail: `admitted by ${grant.member} (${grant.role}, ${grant.resource.file}:${grant.resource.id})` }, grant };
  }
  const pool0 = `iam.googleapis.com/projects/${input.number ?? 'NUMBER'}/locations/global/workloadIdentityPools/${provider.poolId}`;
  const principals = [`principal://${pool0}/${rests[0]}`, ...rests.slice(1).map((rest) => `principalSet://${pool0}/${rest}`)];
  return denied(`no granted member matches the token's principals ${principals.join(', ')}`);
}

/**
 * The GKE check: a workload holds `PROJECT_ID.svc.id.goog[NAMESPACE/KSA]` in every cluster of the project
 * ("identity sameness", https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity#identity_sameness),
 * so only the project, namespace and Kubernetes service account decide; the cluster does not.
 */
export function gkeDecision(member: GkeMember, grants: readonly FederatedGrant[], token: Token): Decision {
  const impossible = gkeMemberProblem(member);
  if (impossible !== undefined) return denied(impossible);
  if (token.platform !== 'gke') return denied(`a ${token.platform} token does not hold a GKE workload identity of ${member.pool}`);
  const { project, namespace, serviceaccount } = token.claims;
  if (`${String(project)}.svc.id.goog` !== member.pool) return denied(`the workload's pool is ${String(project)}.svc.id.goog, not ${member.pool}`);
  if (namespace !== member.namespace) return denied(`the workload's namespace is ${quoted(namespace)}, not ${quoted(member.namespace)}`);
  if (member.serviceAccount !== undefined && serviceaccount !== member.serviceAccount) {
    return denied(`the workload's Kubernetes service account is ${quoted(serviceaccount)}, not ${quoted(member.serviceAccount)}`);
  }
  const grant = grants[0];
  return { outcome: 'admitted', detail: `admitted by ${member.member} (${grant.role}, ${grant.resource.file}:${grant.resource.id})` };
}

/** A namespace is an RFC 1123 DNS label (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A ServiceAccount name is a DNS subdomain (same page, #dns-subdomain-names; https://kubernetes.io/docs/concepts/security/service-accounts/). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Why no workload can hold a GKE member, or undefined. GKE matches `PROJECT_ID.svc.id.goog[NAMESPACE/KSA]` literally:
 * the member has no wildcard (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity), so a
 * namespace or Kubernetes service account that is not a valid Kubernetes name (`*`, upper case) names no workload.
 */
export function gkeMemberProblem(member: GkeMember): string | undefined {
  if (member.namespace.length > 63 || !DNS_LABEL.test(member.namespace)) {
    return `no workload holds ${member.member}: the namespace ${quoted(member.namespace)} is not a Kubernetes namespace name (an RFC 1123 DNS label), and GKE has no wildcard in a member`;
  }
  const ksa = member.serviceAccount;
  if (ksa !== undefined && (ksa.length > 253 || !DNS_SUBDOMAIN.test(ksa))) {
    return `no workload holds ${member.member}: the Kubernetes service account ${quoted(ksa)} is not a ServiceAccount name (a DNS subdomain), and GKE has no wildcard in a member`;
  }
  return undefined;
}
