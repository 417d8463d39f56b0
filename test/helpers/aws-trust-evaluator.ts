/**
 * Evaluates a synthesized role trust policy the way STS evaluates `sts:AssumeRoleWithWebIdentity`, with an
 * independent IAM policy engine (`@cloud-copilot/iam-simulate`), so the adversarial suites check what AWS would
 * decide rather than what Keyless meant to render.
 *
 * Its public `runSimulation` drops context keys it does not know for the action, which includes every custom OIDC
 * key such as `token.actions.githubusercontent.com:sub` (shared/REFERENCE.md, "Toolchain facts"), so this calls the
 * core engine's `authorize` directly, with the trust policy loaded by `@cloud-copilot/iam-policy`.
 */
import { createRequire } from 'module';
import * as path from 'path';
import { loadPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import type { RequestAnalysis } from '@cloud-copilot/iam-simulate';
import type { Claims } from './tokens';

/** The account the template is evaluated in, unless told otherwise (the stack is environment-agnostic). */
export const ACCOUNT = '111111111111';
const ACTION = 'sts:AssumeRoleWithWebIdentity';

// The package's `exports` map exposes only its index, which has no entry point for the core engine; modules loaded
// by absolute file path are not subject to `exports`.
const simulateDist = path.dirname(require.resolve('@cloud-copilot/iam-simulate'));
const load = createRequire(__filename);
const internal = <T>(file: string): T => load(path.join(simulateDist, file)) as T;

/** The simulator's core engine and request types (also the reference of test/verify/aws-trust-differential.test.ts). */
export const { authorize } = internal<{ authorize(request: unknown): RequestAnalysis }>('core_engine/CoreSimulatorEngine.js');
export const { AwsRequestImpl } = internal<{
  AwsRequestImpl: new (principal: string, resource: { resource: string; accountId: string }, action: string, context: unknown) => unknown;
}>('request/request.js');
export const { RequestContextImpl } = internal<{ RequestContextImpl: new (values: Record<string, string | string[]>) => unknown }>('requestContext.js');
export const { DiscoveryContextKeyConstraints } = internal<{ DiscoveryContextKeyConstraints: new (constraints: unknown[]) => unknown }>(
  'context_keys/discoveryContextKeyConstraints.js');

type CfnTemplate = { Resources?: Record<string, { Type: string; Properties?: Record<string, any> }> };

interface OidcProvider {
  readonly arn: string;
  /** Issuer URL, `https://HOST[/PATH]`. */
  readonly url: string;
  readonly clientIds: readonly string[];
}

export interface EvaluateOptions {
  /**
   * Client ids of providers the trust imports by ARN (their `ClientIdList` is not in the template). CiOidcTrust
   * requires an imported provider to list the audience.
   *
   * @default ['sts.amazonaws.com']
   */
  readonly importedClientIds?: readonly string[];
  /**
   * The account the template is deployed to: the role, the OIDC providers of the template and the
   * `AWS::AccountId` pseudo parameter live in it. Give the stack's `env.account` when the template was synthesized
   * with one, so that literal account ids in the trust mean what they mean in AWS.
   *
   * @default ACCOUNT
   */
  readonly account?: string;
}

/** The issuer for which STS evaluates GITHUB_STS_CLAIM_KEYS: exactly GitHub.com's, not an enterprise's `…/SLUG`. */
export const GITHUB_STS_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * GitHub claims that AWS STS (since 2026-01; AWS What's New, "AWS STS supports validation of identity provider
 * claims"; shared/REFERENCE.md, "CI token subjects (GitHub Actions)") evaluates as trust-policy condition keys
 * `token.actions.githubusercontent.com:KEY` for the issuer GITHUB_STS_ISSUER, besides `sub` and `aud`. Not
 * `repository_owner_id`, nor any other claim. No such keys are documented for GitHub Enterprise issuers
 * (`…/SLUG`) or for GitLab, which get `sub` and `aud` only.
 */
export const GITHUB_STS_CLAIM_KEYS = [
  'actor', 'actor_id', 'job_workflow_ref', 'repository', 'repository_id', 'workflow', 'ref', 'environment', 'enterprise_id',
] as const;

/**
 * Whether STS lets a web identity token with `claims` (iss, aud, sub; for the GitHub issuer also the claims of
 * GITHUB_STS_CLAIM_KEYS) assume the role `role` (logical id or `RoleName`) of `template`,
 * `Template.fromStack(stack).toJSON()`.
 */
export function assumeRoleWithWebIdentityAllowed(template: object, role: string, claims: Claims, options: EvaluateOptions = {}): boolean {
  const account = options.account ?? ACCOUNT;
  const { logicalId, roleArn, trust, providers } = loadTrust(template, role, account);

  // Providers imported by ARN exist in the account although they are not in the template.
  const known = [...providers.values()];
  for (const arn of federatedArns(trust)) {
    if (!known.some((p) => p.arn === arn)) {
      known.push({ arn, url: `https://${arn.replace(/^arn:aws:iam::\d{12}:oidc-provider\//, '')}`, clientIds: options.importedClientIds ?? ['sts.amazonaws.com'] });
    }
  }

  // STS: the token's `iss` must name an IAM OIDC provider of the account, and its `aud` must be one of that
  // provider's client ids; only then is the trust policy evaluated, with the provider as principal.
  const provider = known.find((p) => p.url === claims.iss);
  if (!provider) return false;
  if (claims.aud === undefined || !provider.clientIds.includes(claims.aud)) return false;

  // Condition keys are named after the provider (`HOST[/PATH]:sub`); an absent claim is an absent key. Every issuer
  // gets `sub` and `aud`; the GitHub issuer also gets the claims STS validates for it (GITHUB_STS_CLAIM_KEYS).
  const hostPath = provider.url.replace(/^https:\/\//, '');
  const context: Record<string, string> = {};
  const keys = provider.url === GITHUB_STS_ISSUER ? ['sub', 'aud', ...GITHUB_STS_CLAIM_KEYS] : ['sub', 'aud'];
  for (const claim of keys) {
    const value = claims[claim];
    if (value !== undefined) context[`${hostPath}:${claim}`] = value;
  }

  return trustAllows(trust, logicalId, provider.arn, roleArn, account, ACTION, context);
}

/** The EKS Pod Identity Agent's service principal (shared/REFERENCE.md, "AWS"). */
export const EKS_POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';

/** An `sts:AssumeRole` + `sts:TagSession` request as the EKS Pod Identity Agent makes it for a pod. */
export interface PodIdentityRequest {
  /**
   * Session tags of the request (`aws:RequestTag/KEY`), e.g. `eks-cluster-name`, `kubernetes-namespace`,
   * `kubernetes-service-account`; `undefined` values are absent from the request.
   */
  readonly tags: Record<string, string | undefined>;
  /** `aws:SourceAccount`: the account of the cluster. Absent when undefined. */
  readonly sourceAccount?: string;
  /** `aws:SourceArn`: the ARN of the cluster. Absent when undefined. */
  readonly sourceArn?: string;
  /** The calling principal. @default EKS_POD_IDENTITY_PRINCIPAL */
  readonly principal?: string;
}

/**
 * Whether the role `role` (logical id or `RoleName`) of `template` lets the EKS Pod Identity Agent assume it for
 * the pod described by `request`: AWS evaluates the trust for `sts:AssumeRole` and, because the agent sets session
 * tags, for `sts:TagSession` too, each with the request's session tags and source account; both must be allowed.
 */
export function podIdentityAssumeRoleAllowed(
  template: object, role: string, request: PodIdentityRequest, options: { readonly account?: string } = {},
): boolean {
  const account = options.account ?? ACCOUNT;
  const { logicalId, roleArn, trust } = loadTrust(template, role, account);
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.tags)) {
    if (value !== undefined) context[`aws:RequestTag/${key}`] = value;
  }
  if (request.sourceAccount !== undefined) context['aws:SourceAccount'] = request.sourceAccount;
  if (request.sourceArn !== undefined) context['aws:SourceArn'] = request.sourceArn;
  const principal = request.principal ?? EKS_POD_IDENTITY_PRINCIPAL;
  return ['sts:AssumeRole', 'sts:TagSession'].every((action) => trustAllows(trust, logicalId, principal, roleArn, account, action, context));
}

interface LoadedTrust {
  readonly logicalId: string;
  readonly roleArn: string;
  readonly trust: any;
  readonly providers: Map<string, OidcProvider>;
}

/** Finds the role, resolves its trust policy (validated as a trust policy) and the template's OIDC providers. */
function loadTrust(template: object, role: string, account: string): LoadedTrust {
  const resources = (template as CfnTemplate).Resources ?? {};
  const [logicalId, roleResource] = Object.entries(resources)
    .find(([id, r]) => r.Type === 'AWS::IAM::Role' && (id === role || r.Properties?.RoleName === role)) ?? [];
  if (!logicalId || !roleResource) throw new Error(`no AWS::IAM::Role "${role}" in the template`);
  const roleArn = `arn:aws:iam::${account}:role/${roleResource.Properties?.RoleName ?? logicalId}`;

  const providers = new Map<string, OidcProvider>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::OIDCProvider') continue;
    const url = String(r.Properties?.Url);
    providers.set(id, { arn: providerArn(url, account), url, clientIds: r.Properties?.ClientIdList ?? [] });
  }
  const trust = resolveIntrinsics(roleResource.Properties?.AssumeRolePolicyDocument, providers, account);
  const errors = validateTrustPolicy(trust);
  if (errors.length > 0) throw new Error(`invalid trust policy: ${JSON.stringify(errors)}`);
  return { logicalId, roleArn, trust, providers };
}

/** One request against the trust policy alone, with the core engine in strict mode. */
function trustAllows(
  trust: any, logicalId: string, principal: string, roleArn: string, account: string, action: string, context: Record<string, string>,
): boolean {
  const analysis = authorize({
    request: new AwsRequestImpl(principal, { resource: roleArn, accountId: account }, action, new RequestContextImpl(context)),
    sessionPolicy: undefined,
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: loadPolicy(trust, { name: `${logicalId}.AssumeRolePolicyDocument` }),
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    // Strict: every condition is evaluated against the request context, none is ignored.
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
  });
  return analysis.result === 'Allowed';
}

function providerArn(url: string, account: string): string {
  return `arn:aws:iam::${account}:oidc-provider/${url.replace(/^https:\/\//, '')}`;
}

/**
 * Replaces the intrinsics a trust policy can carry (a provider `Ref`/`GetAtt Arn`, `Fn::Join` over pseudo
 * parameters) with concrete values; anything else is an error, so that nothing unresolved reaches the engine.
 */
function resolveIntrinsics(value: any, providers: Map<string, OidcProvider>, account: string): any {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, providers, account));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': account, 'AWS::URLSuffix': 'amazonaws.com' };
    const resolved = pseudo[value.Ref] ?? providers.get(value.Ref)?.arn;
    if (resolved === undefined) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    return resolved;
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const [id, attribute] = value['Fn::GetAtt'];
    const provider = providers.get(id);
    if (!provider || attribute !== 'Arn') throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    return provider.arn;
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [separator, parts] = value['Fn::Join'];
    return (parts as unknown[]).map((p) => resolveIntrinsics(p, providers, account)).join(separator);
  }
  if (keys.some((k) => k.startsWith('Fn::'))) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  return Object.fromEntries(keys.map((k) => [k, resolveIntrinsics(value[k], providers, account)]));
}

/** The `Principal.Federated` ARNs of a resolved trust policy. */
function federatedArns(trust: { Statement?: unknown }): string[] {
  const statements = ([] as any[]).concat(trust.Statement ?? []);
  return statements.flatMap((s) => ([] as unknown[]).concat(s.Principal?.Federated ?? []).map(String));
}

/**
 * An `sts:AssumeRole` call by a human to a break-glass role (shared/REFERENCE.md, "AWS", Break-glass). Every
 * `undefined` key is absent from the request context.
 */
export interface HumanAssumeRoleRequest {
  /** The calling principal: an IAM user or role ARN, or an account root. */
  readonly principal: string;
  /** `aws:MultiFactorAuthPresent`: `'true'`, `'false'`, or absent (long-term access keys carry no MFA key). */
  readonly mfaPresent?: 'true' | 'false';
  /** `aws:MultiFactorAuthAge`, in seconds since the MFA authentication. */
  readonly mfaAgeSeconds?: number;
  /** `sts:SourceIdentity`: the `SourceIdentity` parameter of the call. */
  readonly sourceIdentity?: string;
  /** `aws:CurrentTime`: the instant of the call, ISO 8601 (`2027-01-30T12:00:00Z`). Always present in AWS. */
  readonly currentTime: string;
}

/**
 * Whether the role `role` (logical id or `RoleName`) of `template` lets a human assume it with `request`. AWS
 * evaluates the trust for `sts:AssumeRole`, and, when the call sets a source identity, for `sts:SetSourceIdentity`
 * too, each with the same request context; every action evaluated must be allowed. The trust policy alone decides:
 * it names the human's principal ARN, which is sufficient within the account (no identity policy is modelled).
 */
export function humanAssumeRoleAllowed(
  template: object, role: string, request: HumanAssumeRoleRequest, options: { readonly account?: string } = {},
): boolean {
  const account = options.account ?? ACCOUNT;
  const { logicalId, roleArn, trust } = loadTrust(template, role, account);
  const context: Record<string, string> = { 'aws:CurrentTime': request.currentTime };
  if (request.mfaPresent !== undefined) context['aws:MultiFactorAuthPresent'] = request.mfaPresent;
  if (request.mfaAgeSeconds !== undefined) context['aws:MultiFactorAuthAge'] = String(request.mfaAgeSeconds);
  if (request.sourceIdentity !== undefined) context['sts:SourceIdentity'] = request.sourceIdentity;
  const actions = request.sourceIdentity === undefined ? ['sts:AssumeRole'] : ['sts:AssumeRole', 'sts:SetSourceIdentity'];
  return actions.every((action) => trustAllows(trust, logicalId, request.principal, roleArn, account, action, context));
}
