/**
 * `keyless verify`, AWS: a token evaluated against a trust as STS evaluates it (./aws-trust-evaluator.ts): as
 * `sts:AssumeRoleWithWebIdentity` with the claims STS exposes (`aws-oidc`), or as EKS Pod Identity's `sts:AssumeRole`
 * and `sts:TagSession` with its session tags and source keys (`aws-pod-identity`); a denial says which condition failed.
 */
import { conditionHolds, parseOperator } from './aws-condition-operators';
import {
  arnAccount, AWS_DEPLOYMENT_ACCOUNT, allowsAction, EKS_POD_IDENTITY_SERVICE, isObject, OidcProvider, Policy, POD_IDENTITY_ACTIONS,
  POD_IDENTITY_ASSOCIATION_PLACEHOLDER, providerArn, statementName, WEB_IDENTITY,
} from './aws-policy';
import { tryEvaluateTrust, type TrustRequest } from './aws-trust-evaluator';
import type { ClaimValue, Decision, Token } from './model';
import { byText } from './order';
import { awsStsExposesClaim } from '../core/facts/aws-sts-claims';
import { asList, issuerOf } from '../synth/values';

/** An STS request context: key → value (multivalued: a list). */
type Context = Record<string, string | readonly string[] | undefined>;

/** A request value as a denial shows it. */
function showValue(value: string | readonly string[] | undefined): string {
  return value === undefined ? 'an absent key' : JSON.stringify(value);
}

/**
 * Why no Allow statement applied: for each Allow statement naming the principal and the action, its first condition
 * that does not hold.
 */
function explainDenial(policy: Policy, request: TrustRequest, note: (key: string) => string): string {
  const context = new Map(Object.entries(request.context).filter(([, v]) => v !== undefined).map(([k, v]) => [k.toLowerCase(), v!]));
  const reasons: string[] = [];
  policy.Statement.forEach((statement, index) => {
    if (statement?.Effect !== 'Allow' || !allowsAction(statement, request.action)) return;
    const principals = statement.Principal === '*' ? ['*'] : asList<unknown>(statement.Principal?.[request.principal.type]).map(String);
    if (!principals.includes(request.principal.id) && !principals.includes('*') && !asList(statement.Principal?.AWS).includes('*')) return;
    for (const [operator, block] of Object.entries(isObject(statement.Condition) ? statement.Condition : {})) {
      for (const [key, raw] of Object.entries(isObject(block) ? block : {})) {
        const values = asList<unknown>(raw).map(String);
        const value = context.get(key.toLowerCase());
        let holds: boolean;
        try {
          holds = conditionHolds(parseOperator(operator), values, value);
        } catch {
          holds = false;
        }
        if (!holds) {
          reasons.push(`${statementName(policy, index)}: ${operator} ${key} ${JSON.stringify(values)} does not hold for ${showValue(value)}${value === undefined ? note(key) : ''}`);
          return;
        }
      }
    }
  });
  const who = `${request.principal.type === 'Federated' ? 'the OIDC provider' : 'the service'} ${request.principal.id}`;
  return reasons.length === 0
    ? `implicitly denied: no statement allows ${request.action} for ${who}`
    : `implicitly denied: ${reasons.join('; ')}`;
}

/** One request against a policy, as a decision (`matched`: the Allow statement that admitted it). */
function evaluateOne(policy: Policy, request: TrustRequest, note: (key: string) => string = () => ''): Decision & { matched?: number } {
  const result = tryEvaluateTrust(policy, request);
  switch (result.decision) {
    case 'unsupported': return { outcome: 'unsupported', detail: `not evaluated: ${result.reason}` };
    case 'deny': return { outcome: 'denied', detail: `explicitly denied by ${statementName(policy, result.matched!)}` };
    case 'implicit-deny': return { outcome: 'denied', detail: explainDenial(policy, request, note) };
    default: return { outcome: 'admitted', detail: `${statementName(policy, result.matched!)} allows ${request.action}`, matched: result.matched };
  }
}

/** A claim value as an IAM request value: strings as is, numbers and booleans as text, lists multivalued. */
function requestValue(value: ClaimValue | undefined): string | readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(String);
  return undefined;
}

/**
 * The `HOST:aud` request value. A Kubernetes projected token carries `aud` as a list (`["sts.amazonaws.com"]`) and
 * IRSA trusts condition it with a plain `StringEquals` (EKS User Guide, "Assign IAM roles to Kubernetes service
 * accounts", https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html), so a one-element
 * list is one value; of several audiences, the one client id of the provider they hold, when exactly one; otherwise
 * the list, multivalued (which a single-valued operator does not evaluate: the decision is then `unsupported`).
 */
function audienceValue(value: ClaimValue | undefined, provider: OidcProvider | undefined): string | readonly string[] | undefined {
  const v = requestValue(value);
  if (typeof v === 'string' || v === undefined) return v;
  if (v.length === 1) return v[0];
  const clients = provider?.clientIds === undefined ? [] : v.filter((a) => provider.clientIds!.includes(a));
  return clients.length === 1 ? clients[0] : v;
}

/**
 * A token against an `aws-oidc` trust: the provider's client ids first (when known), then sts:AssumeRoleWithWebIdentity
 * with the claims STS exposes as `HOST:CLAIM`.
 */
export function evaluateWebIdentity(policy: Policy, providers: ReadonlyMap<string, OidcProvider>, token: Token): Decision {
  if (token.platform === 'eks-pod-identity') return { outcome: 'denied', detail: 'an EKS Pod Identity session does not call sts:AssumeRoleWithWebIdentity' };
  const host = issuerOf(token.issuer);
  const issuerUrl = `https://${host}`;
  const provider = [...providers.values()].find((p) => p.host.toLowerCase() === host.toLowerCase());
  const account = [...providers.values()].map((p) => arnAccount(p.arn)).find((a) => a !== undefined) ?? AWS_DEPLOYMENT_ACCOUNT;
  const aud = token.claims.aud;
  if (provider?.clientIds !== undefined) {
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(String) : [];
    if (!audiences.some((a) => provider.clientIds!.includes(a))) {
      const ids = provider.clientIds.join(', ') || 'no client id';
      return {
        outcome: 'denied',
        detail: audiences.length === 0
          ? `the token has no audience: the OIDC provider ${host} accepts ${ids}`
          : `the token's audience ${JSON.stringify(aud)} is not a client id of the OIDC provider ${host} (${ids})`,
      };
    }
  }
  const context: Context = {};
  const prefix = provider?.host ?? host;
  for (const [claim, value] of Object.entries(token.claims).sort(([a], [b]) => byText(a, b))) {
    if (!awsStsExposesClaim(issuerUrl, claim)) continue;
    const v = claim === 'aud' ? audienceValue(value, provider) : requestValue(value);
    if (v !== undefined) context[`${prefix}:${claim}`] = v;
  }
  const request: TrustRequest = { action: WEB_IDENTITY, principal: { type: 'Federated', id: provider?.arn ?? providerArn(account, host) }, context };
  const { outcome, detail } = evaluateOne(policy, request, (key) => {
    const colon = key.lastIndexOf(':');
    const claim = key.slice(colon + 1);
    const ours = colon > 0 && key.slice(0, colon).toLowerCase() === prefix.toLowerCase();
    if (ours && token.claims[claim] !== undefined && !awsStsExposesClaim(issuerUrl, claim)) {
      return ` (STS does not expose the claim ${claim} of ${issuerUrl})`;
    }
    return '';
  });
  return { outcome, detail };
}

/** A token against an `aws-pod-identity` trust: sts:AssumeRole and sts:TagSession for EKS Pod Identity, both allowed. */
export function evaluatePodIdentity(policy: Policy, token: Token): Decision {
  if (token.platform !== 'eks-pod-identity') return { outcome: 'denied', detail: `a ${token.platform} token is not an EKS Pod Identity session: only the EKS Auth API assumes this role` };
  const cluster = /^arn:([^:]+):eks:([^:]+):(\d{12}):cluster\/(.+)$/.exec(token.issuer);
  const tags = Object.entries(token.claims).filter(([, v]) => typeof v === 'string').sort(([a], [b]) => byText(a, b)) as Array<[string, string]>;
  const context: Context = {};
  for (const [key, value] of tags) context[`aws:RequestTag/${key}`] = value;
  context['aws:TagKeys'] = tags.map(([key]) => key);
  if (cluster) {
    context['aws:SourceAccount'] = cluster[3];
    context['aws:SourceArn'] = `arn:${cluster[1]}:eks:${cluster[2]}:${cluster[3]}:podidentityassociation/${cluster[4]}/${POD_IDENTITY_ASSOCIATION_PLACEHOLDER}`;
  }
  const decisions = POD_IDENTITY_ACTIONS.map((action) => ({
    action, decision: evaluateOne(policy, { action, principal: { type: 'Service', id: EKS_POD_IDENTITY_SERVICE }, context }),
  }));
  const unsupported = decisions.find((d) => d.decision.outcome === 'unsupported');
  if (unsupported) return { outcome: 'unsupported', detail: `${unsupported.action}: ${unsupported.decision.detail}` };
  const denied = decisions.find((d) => d.decision.outcome === 'denied');
  if (denied) return { outcome: 'denied', detail: `${denied.action}: ${denied.decision.detail}` };
  const [assume, tag] = decisions.map((d) => d.decision.matched!);
  return {
    outcome: 'admitted',
    detail: assume === tag
      ? `${statementName(policy, assume)} allows sts:AssumeRole and sts:TagSession for ${EKS_POD_IDENTITY_SERVICE}`
      : `${statementName(policy, assume)} allows sts:AssumeRole and ${statementName(policy, tag)} allows sts:TagSession for ${EKS_POD_IDENTITY_SERVICE}`,
  };
}
