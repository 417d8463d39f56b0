/**
 * An independent model of the GCP STS token exchange and the IAM check that follows it, evaluated against the
 * *synthesized* Terraform JSON of a workload identity pool provider (shared/REFERENCE.md, section "GCP").
 *
 * Nothing here comes from src/: the attribute mapping and the attribute condition are evaluated by a separate CEL
 * implementation, `@bufbuild/cel`, exactly as they were rendered into the Terraform JSON, and the principals a
 * token holds are computed from the mapped attributes the way IAM names federated identities.
 */
import { celEnv, celError, isCelError, parse, plan, type CelInput, type CelResult } from '@bufbuild/cel';
import type { Claims } from './tokens';

/** The synthesized stack: `JSON.parse(Testing.synth(stack))`. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>> | undefined>;
}

/** One `google_iam_workload_identity_pool_provider` resource of the synthesized JSON. */
export interface WorkloadIdentityProviderResource {
  /** The Terraform resource name (the key under `google_iam_workload_identity_pool_provider`). */
  readonly name: string;
  /** The resource's synthesized arguments. */
  readonly config: Record<string, unknown>;
}

/** What the exchange and the IAM check decide for one token. */
export interface GcpExchangeResult {
  /** Whether STS issues a federated token (issuer, audience, mapping and condition all pass). */
  readonly exchanged: boolean;
  /** The federated principal identifiers the exchanged token holds (empty when not exchanged). */
  readonly principals: string[];
  /** Why the exchange was refused, for test diagnostics. */
  readonly reason?: string;
}

export interface GcpExchangeInput {
  /** The synthesized stack. */
  readonly stack: TerraformJson;
  /** The provider that receives the token. */
  readonly provider: WorkloadIdentityProviderResource;
  /** The number of the project that holds the pool. */
  readonly projectNumber: string;
  /**
   * The pool id the caller expects. The provider's `workload_identity_pool_id` (a literal or a reference to a
   * pool resource of the same stack) must resolve to it.
   */
  readonly poolId: string;
  /** The token's claims; `undefined` claims are absent from the token. */
  readonly claims: Claims;
}

const PROVIDER_TYPE = 'google_iam_workload_identity_pool_provider';
const POOL_TYPE = 'google_iam_workload_identity_pool';
/** `google.subject` may be at most 127 bytes (shared/REFERENCE.md, GCP). */
const SUBJECT_MAX_BYTES = 127;

function resourcesOf(stack: TerraformJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(stack.resource?.[type] ?? {});
}

function metadataPath(config: Record<string, unknown>): string | undefined {
  const meta = config['//'] as { metadata?: { path?: unknown } } | undefined;
  return typeof meta?.metadata?.path === 'string' ? meta.metadata.path : undefined;
}

/**
 * Finds a workload identity pool provider in the synthesized JSON by its construct path (`//.metadata.path`, when
 * the synthesizer kept metadata) or by its `workload_identity_pool_provider_id`. Without `match`, the stack must
 * hold exactly one provider.
 */
export function findWorkloadIdentityProvider(stack: TerraformJson, match?: string): WorkloadIdentityProviderResource {
  const all = resourcesOf(stack, PROVIDER_TYPE);
  const found = match === undefined
    ? all
    : all.filter(([, config]) => metadataPath(config) === match || config.workload_identity_pool_provider_id === match);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${PROVIDER_TYPE}${match === undefined ? '' : ` matching "${match}"`}, found ${found.length}`);
  }
  const [name, config] = found[0];
  return { name, config };
}

/** Resolves the provider's pool id: a literal, or `${google_iam_workload_identity_pool.X.workload_identity_pool_id}`. */
export function resolvePoolId(stack: TerraformJson, provider: WorkloadIdentityProviderResource): string {
  const value = provider.config.workload_identity_pool_id;
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${PROVIDER_TYPE}.${provider.name} has no workload_identity_pool_id`);
  }
  if (!value.includes('${')) return value;
  const ref = /^\$\{google_iam_workload_identity_pool\.([A-Za-z0-9_-]+)\.workload_identity_pool_id\}$/.exec(value);
  if (!ref) throw new Error(`${PROVIDER_TYPE}.${provider.name}: cannot resolve workload_identity_pool_id ${JSON.stringify(value)}`);
  const pool = stack.resource?.[POOL_TYPE]?.[ref[1]];
  if (!pool) throw new Error(`${PROVIDER_TYPE}.${provider.name} references ${POOL_TYPE}.${ref[1]}, which is not in the stack`);
  const id = pool.workload_identity_pool_id;
  if (typeof id !== 'string' || id.includes('${')) {
    throw new Error(`${POOL_TYPE}.${ref[1]}.workload_identity_pool_id is not a literal: ${JSON.stringify(id)}`);
  }
  if (pool.disabled === true) throw new Error(`${POOL_TYPE}.${ref[1]} is disabled`);
  return id;
}

/** Binds each variable to a CEL map of strings (and nested maps); undefined entries are left out. */
function celMap(values: Record<string, string | undefined>): Map<string, string> {
  return new Map(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * Evaluates a CEL expression with `@bufbuild/cel`. A syntax error throws (the configuration itself is broken, and
 * GCP would refuse to create the provider); an evaluation error, such as a missing claim, is returned as
 * `{ error }`.
 */
export function evaluateCel(expression: string, bindings: Record<string, Map<string, string>>): { value: unknown } | { error: string } {
  const result = programOf(expression)(bindings as Record<string, CelInput>);
  if (isCelError(result)) return { error: result.message };
  return { value: result };
}

type Program = (bindings: Record<string, CelInput>) => CelResult;
/** Each expression parsed and planned once: the property suites evaluate one expression for many tokens. */
const programs = new Map<string, Program>();

/** What `run` does (parse, plan, execute; an error of planning or execution is a CelError), parsed once. */
function programOf(expression: string): Program {
  let program = programs.get(expression);
  if (program === undefined) {
    const parsed = parse(expression); // throws on a syntax error
    let planned: Program;
    try {
      planned = plan(celEnv(), parsed) as Program;
    } catch (e) {
      const error = celError(e);
      planned = () => error;
    }
    program = (bindings) => {
      try {
        return planned(bindings);
      } catch (e) {
        return celError(e);
      }
    };
    programs.set(expression, program);
  }
  return program;
}

function denied(reason: string): GcpExchangeResult {
  return { exchanged: false, principals: [], reason };
}

/**
 * Models the STS exchange of a CI token at a workload identity pool provider, then computes the federated
 * principals the resulting token holds.
 *
 * 1. `iss` must equal `oidc.issuer_uri`; `aud` must be one of `oidc.allowed_audiences` (when the list is empty,
 *    GCP accepts the provider's canonical resource name, with or without `https:`). A missing `aud` is rejected.
 * 2. Every `attribute_mapping` expression is evaluated with `assertion` bound to the claims. `google.subject` must
 *    yield a string of at most 127 bytes. A custom attribute whose expression fails or yields no string is left
 *    unset (the choice that favours an attacker: it can only make the condition or a grant fail later).
 * 3. `attribute_condition` is evaluated with `assertion`, `attribute` (mapped attributes, keyed by the name after
 *    `attribute.`) and `google` (`subject`); anything but `true`, including an evaluation error, rejects.
 * 4. Principals: `principal://…/POOL/subject/SUBJECT` and one `principalSet://…/POOL/attribute.NAME/VALUE` per
 *    mapped attribute.
 */
export function gcpTokenExchange(input: GcpExchangeInput): GcpExchangeResult {
  const { stack, provider, projectNumber, poolId, claims } = input;
  const config = provider.config;
  const resolvedPool = resolvePoolId(stack, provider);
  if (resolvedPool !== poolId) {
    throw new Error(`${PROVIDER_TYPE}.${provider.name} lives in pool "${resolvedPool}", not "${poolId}"`);
  }
  const providerId = config.workload_identity_pool_provider_id;
  if (typeof providerId !== 'string') throw new Error(`${PROVIDER_TYPE}.${provider.name} has no provider id`);
  if (config.disabled === true) return denied('provider disabled');

  const oidc = config.oidc as { issuer_uri?: unknown; allowed_audiences?: unknown } | undefined;
  if (!oidc || typeof oidc.issuer_uri !== 'string') throw new Error(`${PROVIDER_TYPE}.${provider.name} has no oidc.issuer_uri`);
  if (claims.iss !== oidc.issuer_uri) return denied(`issuer ${JSON.stringify(claims.iss)} is not ${oidc.issuer_uri}`);

  const pool = `projects/${projectNumber}/locations/global/workloadIdentityPools/${poolId}`;
  const configured = Array.isArray(oidc.allowed_audiences) ? (oidc.allowed_audiences as unknown[]) : [];
  const audiences = configured.length > 0
    ? configured
    : [`//iam.googleapis.com/${pool}/providers/${providerId}`, `https://iam.googleapis.com/${pool}/providers/${providerId}`];
  if (claims.aud === undefined) return denied('token has no aud');
  if (!audiences.includes(claims.aud)) return denied(`audience ${JSON.stringify(claims.aud)} is not allowed`);

  const assertion = celMap(claims);
  const mapping = (config.attribute_mapping ?? {}) as Record<string, unknown>;
  const subjectExpression = mapping['google.subject'];
  if (typeof subjectExpression !== 'string') throw new Error(`${PROVIDER_TYPE}.${provider.name} does not map google.subject`);
  const subjectResult = evaluateCel(subjectExpression, { assertion });
  if ('error' in subjectResult) return denied(`google.subject: ${subjectResult.error}`);
  const subject = subjectResult.value;
  if (typeof subject !== 'string' || subject === '') return denied('google.subject is not a non-empty string');
  if (Buffer.byteLength(subject, 'utf8') > SUBJECT_MAX_BYTES) return denied(`google.subject exceeds ${SUBJECT_MAX_BYTES} bytes`);

  const attributes: Record<string, string> = {};
  for (const [key, expression] of Object.entries(mapping)) {
    if (!key.startsWith('attribute.')) continue;
    if (typeof expression !== 'string') throw new Error(`${PROVIDER_TYPE}.${provider.name}: mapping of ${key} is not a string`);
    const result = evaluateCel(expression, { assertion });
    if ('value' in result && typeof result.value === 'string') attributes[key.slice('attribute.'.length)] = result.value;
  }

  const condition = config.attribute_condition;
  if (condition !== undefined) {
    if (typeof condition !== 'string') throw new Error(`${PROVIDER_TYPE}.${provider.name}: attribute_condition is not a string`);
    const result = evaluateCel(condition, { assertion, attribute: celMap(attributes), google: celMap({ subject }) });
    if ('error' in result) return denied(`attribute_condition: ${result.error}`);
    if (result.value !== true) return denied('attribute_condition is not true');
  }

  const principals = [
    `principal://iam.googleapis.com/${pool}/subject/${subject}`,
    ...Object.entries(attributes).map(([name, value]) => `principalSet://iam.googleapis.com/${pool}/attribute.${name}/${value}`),
  ];
  return { exchanged: true, principals };
}

/**
 * Whether an IAM binding with these members admits a token holding these principals: a member names one of the
 * principals exactly, or is the pool-wide `principalSet://…/POOL/*` (which Keyless must never emit).
 */
export function authorizedBy(members: readonly string[], principals: readonly string[]): boolean {
  return members.some((member) => {
    if (principals.includes(member)) return true;
    const wildcard = /^principalSet:\/\/iam\.googleapis\.com\/(projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[^/]+)\/\*$/.exec(member);
    return wildcard !== null && principals.some((p) => p.startsWith(`principal://iam.googleapis.com/${wildcard[1]}/`) || p.startsWith(`principalSet://iam.googleapis.com/${wildcard[1]}/`));
  });
}

/** The `member` values of the synthesized IAM member resources of a type (e.g. `google_service_account_iam_member`) with a role. */
export function synthesizedMembers(stack: TerraformJson, type: string, role: string): string[] {
  return resourcesOf(stack, type)
    .filter(([, config]) => config.role === role)
    .map(([, config]) => config.member)
    .filter((member): member is string => typeof member === 'string');
}

/** A token exchanged and then authorized by the members of a binding. */
export function admitted(result: GcpExchangeResult, members: readonly string[]): boolean {
  return result.exchanged && authorizedBy(members, result.principals);
}
