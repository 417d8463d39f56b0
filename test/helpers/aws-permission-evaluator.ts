/**
 * Evaluates the synthesized *identity* policies of a role (the `AWS::IAM::Policy` resources attached to it, plus any
 * inline `Policies` of the role) for one request, with an independent IAM policy engine
 * (`@cloud-copilot/iam-simulate`), so the least-privilege suites check what AWS would decide for the role's
 * session rather than what Keyless meant to render.
 *
 * Like test/helpers/aws-trust-evaluator.ts, this calls the core engine's `authorize` directly (the public
 * `runSimulation` drops context keys it does not list for an action; shared/REFERENCE.md, "Toolchain facts"), in
 * strict mode: every condition is evaluated against the request context given here, none is ignored.
 *
 * Guards against a "denied" that only means "the request was malformed":
 * - the action must exist in the engine's IAM data;
 * - `Resource: "*"` may be requested only for an action that accepts nothing else (shared/REFERENCE.md, "AWS");
 *   any other resource must be an ARN of one of the action's resource types;
 * - the role must have at least one identity policy in the template;
 * - every intrinsic function is resolved (`Ref` of AWS::Partition / AWS::AccountId / AWS::URLSuffix, `Fn::Join`) or
 *   the evaluation throws.
 */
import { createRequire } from 'module';
import * as path from 'path';
import { loadPolicy, validateIdentityPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy';
import type { RequestAnalysis } from '@cloud-copilot/iam-simulate';
import { ACCOUNT } from './aws-trust-evaluator';

// The package's `exports` map exposes only its index; modules loaded by absolute file path are not subject to
// `exports` (the same loading as aws-trust-evaluator.ts).
const simulateDist = path.dirname(require.resolve('@cloud-copilot/iam-simulate'));
const load = createRequire(__filename);
const internal = <T>(file: string): T => load(path.join(simulateDist, file)) as T;

const { authorize } = internal<{ authorize(request: unknown): RequestAnalysis }>('core_engine/CoreSimulatorEngine.js');
type RequestResource = { resource: string; accountId: string };
const { AwsRequestImpl } = internal<{
  AwsRequestImpl: new (principal: string, resource: RequestResource, action: string, context: unknown, wildcardOnlyAction?: boolean) => unknown;
}>('request/request.js');
const { RequestContextImpl } = internal<{ RequestContextImpl: new (values: Record<string, string | string[]>) => unknown }>('requestContext.js');
const { DiscoveryContextKeyConstraints } = internal<{ DiscoveryContextKeyConstraints: new (constraints: unknown[]) => unknown }>(
  'context_keys/discoveryContextKeyConstraints.js');
const { isWildcardOnlyAction } = internal<{ isWildcardOnlyAction(service: string, action: string): Promise<boolean> }>('util.js');
const { getResourceTypesForAction } = internal<{
  getResourceTypesForAction(service: string, action: string, resource: string): Promise<{ key: string }[]>;
}>('simulation_engine/resourceTypes.js');

type CfnResource = { Type: string; Properties?: Record<string, any> };
type CfnTemplate = { Resources?: Record<string, CfnResource> };

/** One request made with the role's session credentials. */
export interface PermissionRequest {
  /** `service:Action`, e.g. `ecr:PutImage`. */
  readonly action: string;
  /** The resource ARN, or `*` for actions that accept only `*`. */
  readonly resource: string;
  /** Request context keys, e.g. `{ 'sts:AWSServiceName': 'codeartifact.amazonaws.com' }`. */
  readonly context?: Record<string, string | string[]>;
}

export interface PermissionOptions {
  /**
   * The account the template is deployed to: the role (and so the calling session) lives in it and
   * `AWS::AccountId` resolves to it. Give the stack's `env.account`.
   *
   * @default ACCOUNT (aws-trust-evaluator.ts)
   */
  readonly account?: string;
  /**
   * The account that owns the resource, when its ARN carries none (S3) or is `*`.
   *
   * @default - the account in the ARN, else `account`
   */
  readonly resourceAccount?: string;
  /**
   * The resource's own policy, for services that always have one and require it to delegate to IAM (a KMS key
   * policy). Without it, no resource policy is evaluated.
   *
   * @default - none
   */
  readonly resourcePolicy?: object;
}

/** The outcome of one evaluation: the engine's decision, and what the identity policies alone decided. */
export interface PermissionDecision {
  /** The final decision (identity policies, resource policy if given, same- or cross-account rules). */
  readonly allowed: boolean;
  /**
   * Whether the role's identity policies alone allow the request (as they would for a resource whose policy trusts
   * the role's account). Lets a cross-account denial be told apart from a denial by the identity policies.
   */
  readonly identityAllows: boolean;
}

/**
 * Whether the role `role` (logical id or `RoleName`) of `template`, `Template.fromStack(stack).toJSON()`, may make
 * `request`, as decided by its synthesized identity policies.
 */
export async function permissionAllowed(
  template: object, role: string, request: PermissionRequest, options: PermissionOptions = {},
): Promise<boolean> {
  return (await evaluatePermission(template, role, request, options)).allowed;
}

/** As {@link permissionAllowed}, with the identity policies' own decision as well. */
export async function evaluatePermission(
  template: object, role: string, request: PermissionRequest, options: PermissionOptions = {},
): Promise<PermissionDecision> {
  const account = options.account ?? ACCOUNT;
  const { roleName, policies } = loadIdentityPolicies(template, role, account);
  const wildcardOnly = await checkRequest(request);

  const arnAccount = request.resource === '*' ? '' : request.resource.split(':')[4] ?? '';
  const resourceAccount = arnAccount !== '' ? arnAccount : options.resourceAccount ?? account;

  let resourcePolicy: unknown = undefined;
  if (options.resourcePolicy !== undefined) {
    const errors = validateResourcePolicy(options.resourcePolicy);
    if (errors.length > 0) throw new Error(`invalid resource policy: ${JSON.stringify(errors)}`);
    resourcePolicy = loadPolicy(options.resourcePolicy, { name: 'ResourcePolicy' });
  }

  // The caller is the role's session, as STS names it after AssumeRoleWithWebIdentity.
  const principal = `arn:aws:sts::${account}:assumed-role/${roleName}/keyless-test-session`;
  const analysis = authorize({
    request: new AwsRequestImpl(principal, { resource: request.resource, accountId: resourceAccount }, request.action,
      new RequestContextImpl({ ...request.context }), wildcardOnly),
    sessionPolicy: undefined,
    identityPolicies: policies.map(({ name, document }) => loadPolicy(document, { name })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
  });
  return { allowed: analysis.result === 'Allowed', identityAllows: analysis.identityAnalysis?.result === 'Allowed' };
}

/** Refuses requests that could only be denied for being malformed; returns whether the action is wildcard-only. */
async function checkRequest(request: PermissionRequest): Promise<boolean> {
  const match = /^([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(request.action);
  if (!match) throw new Error(`not an action: ${JSON.stringify(request.action)}`);
  const [, service, action] = match;
  const wildcardOnly = await isWildcardOnlyAction(service, action); // throws when the action does not exist
  if (request.resource === '*') {
    if (!wildcardOnly) throw new Error(`${request.action} takes a resource ARN; "*" is only for actions that accept nothing else`);
    return true;
  }
  if (wildcardOnly) throw new Error(`${request.action} accepts only Resource "*", not ${request.resource}`);
  const types = await getResourceTypesForAction(service, action, request.resource);
  if (types.length === 0) throw new Error(`${request.resource} is not a resource ${request.action} acts on`);
  return false;
}

/** The role's identity policies, intrinsics resolved and validated. */
function loadIdentityPolicies(template: object, role: string, account: string): { roleName: string; policies: { name: string; document: object }[] } {
  const resources = (template as CfnTemplate).Resources ?? {};
  const [logicalId, roleResource] = Object.entries(resources)
    .find(([id, r]) => r.Type === 'AWS::IAM::Role' && (id === role || r.Properties?.RoleName === role)) ?? [];
  if (!logicalId || !roleResource) throw new Error(`no AWS::IAM::Role "${role}" in the template`);
  const roleName = resolveIntrinsics(roleResource.Properties?.RoleName ?? logicalId, account);
  if (typeof roleName !== 'string') throw new Error(`RoleName of ${logicalId} is not a string`);
  if (roleResource.Properties?.PermissionsBoundary !== undefined) {
    throw new Error(`${logicalId} has a permissions boundary, which this evaluator does not model`);
  }
  if ((roleResource.Properties?.ManagedPolicyArns ?? []).length > 0) {
    throw new Error(`${logicalId} has managed policies, which this evaluator does not model`);
  }

  const attached = (roles: unknown): boolean => Array.isArray(roles) && roles.some((r) =>
    r === roleName || (typeof r === 'object' && r !== null && (r as { Ref?: unknown }).Ref === logicalId));

  const documents: { name: string; document: any }[] = [];
  for (const [i, inline] of ((roleResource.Properties?.Policies ?? []) as any[]).entries()) {
    documents.push({ name: `${logicalId}.Policies.${inline.PolicyName ?? i}`, document: inline.PolicyDocument });
  }
  for (const [id, r] of Object.entries(resources)) {
    if ((r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') && attached(r.Properties?.Roles)) {
      documents.push({ name: id, document: r.Properties?.PolicyDocument });
    }
  }
  if (documents.length === 0) throw new Error(`no identity policy is attached to ${logicalId}`);

  const policies = documents.map(({ name, document }) => {
    const resolved = resolveIntrinsics(document, account);
    const errors = validateIdentityPolicy(resolved);
    if (errors.length > 0) throw new Error(`invalid identity policy ${name}: ${JSON.stringify(errors)}`);
    return { name, document: resolved as object };
  });
  return { roleName, policies };
}

/** Replaces `Ref` of pseudo parameters and `Fn::Join` with concrete values; any other intrinsic is an error. */
function resolveIntrinsics(value: any, account: string): any {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, account));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': account, 'AWS::URLSuffix': 'amazonaws.com' };
    const resolved = pseudo[value.Ref];
    if (resolved === undefined) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    return resolved;
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [separator, parts] = value['Fn::Join'];
    const resolved = (parts as unknown[]).map((p) => resolveIntrinsics(p, account));
    if (resolved.some((p) => typeof p !== 'string')) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    return resolved.join(separator);
  }
  if (keys.some((k) => k.startsWith('Fn::') || k === 'Ref')) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  return Object.fromEntries(keys.map((k) => [k, resolveIntrinsics(value[k], account)]));
}
