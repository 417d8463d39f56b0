/**
 * `keyless verify`, AWS: the alternatives of a trust (what a legitimate token must carry, per Allow statement), read
 * from the positive string and ARN conditions of its statements, for ./tokens.ts to derive legitimate tokens from.
 */
import {
  allowsAction, EKS_POD_IDENTITY_SERVICE, federatedOf, isObject, OidcProvider, oidcHost, Policy, servicesOf, WEB_IDENTITY,
} from './aws-policy';
import type { ClaimRequirement, TrustAlternative } from './model';
import { byText } from './order';
import { globMatches, isGlob } from '../synth/glob';
import { asList, safeJson } from '../synth/values';

/** Positive string operators: their values are what a legitimate token carries (`Like`: globs). */
function positiveOperator(operator: string): { glob: boolean; ignoreCase: boolean } | undefined {
  // ArnEquals and ArnLike both take wildcards ("Amazon Resource Name (ARN) condition operators",
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
  // ForAllValues: on a single-valued key STS always sets (`sub`, `aud`) holds exactly when the plain operator does.
  const match = /^(?:ForAnyValue:|ForAllValues:)?(String(?:Equals|EqualsIgnoreCase|Like)|Arn(?:Equals|Like))(?:IfExists)?$/i.exec(operator);
  if (!match) return undefined;
  return { glob: /like$/i.test(match[1]) || /^arn/i.test(match[1]), ignoreCase: /ignorecase$/i.test(match[1]) };
}

/**
 * A value as the legitimate token carries it. Under an `…IgnoreCase` operator a Kubernetes name (a service account
 * subject, a Pod Identity namespace or service account tag) is the lower-case one, the only spelling Kubernetes
 * allows (RFC 1123 names: see derive-names.ts); other values stay as written.
 */
function carried(name: string, value: string, ignoreCase: boolean): string {
  if (!ignoreCase) return value;
  const kubernetes = (name === 'sub' && /^system:serviceaccount:/i.test(value)) || name === 'kubernetes-namespace' || name === 'kubernetes-service-account';
  return kubernetes ? value.toLowerCase() : value;
}

/** The positive requirements of a statement on keys `prefix + NAME` (case-insensitive prefix), by NAME. */
function requirements(statement: any, keyName: (key: string) => string | undefined): Record<string, ClaimRequirement> {
  const found: Record<string, ClaimRequirement> = {};
  for (const [operator, block] of Object.entries(isObject(statement?.Condition) ? statement.Condition : {})) {
    const positive = positiveOperator(operator);
    if (!positive || !isObject(block)) continue;
    for (const [key, raw] of Object.entries(block)) {
      const name = keyName(key);
      if (name === undefined) continue;
      const values = asList<unknown>(raw).map((v) => carried(name, String(v), positive.ignoreCase)).sort();
      const glob = positive.glob && values.some(isGlob);
      // Two operators on one key: the exact one is the narrower reading of what the legitimate token carries.
      if (found[name] !== undefined && !found[name].glob) continue;
      found[name] = { values, glob };
    }
  }
  return found;
}

/** Requirements sorted by claim name. */
function sortedClaims(claims: Record<string, ClaimRequirement>): Record<string, ClaimRequirement> {
  return Object.fromEntries(Object.entries(claims).sort(([a], [b]) => byText(a, b)));
}

/** Alternatives without duplicates, in the order of their JSON text. */
function uniqueAlternatives(alternatives: TrustAlternative[]): TrustAlternative[] {
  const byKey = new Map<string, TrustAlternative>();
  for (const a of alternatives) byKey.set(safeJson(a), a);
  return [...byKey.entries()].sort(([a], [b]) => byText(a, b)).map(([, a]) => a);
}

/** The alternatives of an `aws-oidc` trust: per Allow statement of sts:AssumeRoleWithWebIdentity and provider, its claims. */
export function oidcAlternatives(policy: Policy, providers: ReadonlyMap<string, OidcProvider>): TrustAlternative[] {
  const alternatives: TrustAlternative[] = [];
  for (const statement of policy.Statement) {
    if (statement?.Effect !== 'Allow' || !allowsAction(statement, WEB_IDENTITY)) continue;
    for (const principal of federatedOf(statement)) {
      const host = oidcHost(principal);
      if (host === undefined || !providers.has(host)) continue;
      const written = { ...foreignRequirements(statement, host), ...requirements(statement, claimOfHost(host)) };
      const claims = narrowedByDenials(written, policy, principal, host);
      alternatives.push({ issuer: `https://${host}`, claims: sortedClaims(claims) });
    }
  }
  return uniqueAlternatives(alternatives);
}

/**
 * The requirements a statement states on another provider's keys (`OTHER-HOST:CLAIM`, a host: it has a dot), for the
 * claims it states none of under its own principal's host: a copy of cluster A's conditions under cluster B's
 * principal was written for the service account they name, whose token (B's) STS then refuses, since STS sets only the
 * keys of the provider the token is for ("Available keys for AWS OIDC federation": `HOST:sub`, `HOST:aud` of the
 * provider, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif).
 * The legitimate identity is then refused, and the trust reported broken rather than unpinned.
 */
function foreignRequirements(statement: any, host: string): Record<string, ClaimRequirement> {
  return requirements(statement, (key) => {
    const colon = key.lastIndexOf(':');
    const prefix = key.slice(0, colon).toLowerCase();
    return colon > 0 && prefix.includes('.') && prefix !== host.toLowerCase() ? key.slice(colon + 1).toLowerCase() : undefined;
  });
}

/**
 * The claim a condition key of the provider names: `HOST:CLAIM` → CLAIM, lower-cased (condition key names are not
 * case-sensitive, "IAM JSON policy elements: Condition": `…:Sub` is `…:sub`, and token claims are lower-case).
 */
function claimOfHost(host: string): (key: string) => string | undefined {
  return (key) => {
    const colon = key.lastIndexOf(':');
    return colon > 0 && key.slice(0, colon).toLowerCase() === host.toLowerCase() ? key.slice(colon + 1).toLowerCase() : undefined;
  };
}

/**
 * An Allow statement's requirements, narrowed by the Deny statements of the same principal whose one condition is a
 * negated string operator on a claim (`Deny … StringNotEquals sub [v…]` denies every token whose `sub` is not one of
 * them: a legitimate token carries one of them). A requirement the Allow already states is intersected with the
 * Deny's values (the values of the Allow's requirement the Deny leaves admitted); a Deny that leaves none is ignored.
 */
function narrowedByDenials(
  claims: Record<string, ClaimRequirement>, policy: Policy, principal: string, host: string,
): Record<string, ClaimRequirement> {
  const out = { ...claims };
  for (const statement of policy.Statement) {
    if (statement?.Effect !== 'Deny' || !allowsAction(statement, WEB_IDENTITY)) continue;
    if (statement.Principal !== '*' && !federatedOf(statement).includes(principal)) continue;
    const blocks = Object.entries(isObject(statement.Condition) ? statement.Condition : {});
    if (blocks.length !== 1 || !isObject(blocks[0][1]) || Object.keys(blocks[0][1]).length !== 1) continue;
    const negated = /^String(NotEquals|NotLike)(?:IfExists)?$/i.exec(blocks[0][0]);
    const [key, raw] = Object.entries(blocks[0][1])[0];
    const claim = claimOfHost(host)(key);
    if (!negated || claim === undefined) continue;
    const values = asList<unknown>(raw).map(String).sort();
    const denied: ClaimRequirement = { values, glob: /like/i.test(negated[1]) && values.some(isGlob) };
    const allowed = out[claim];
    if (allowed === undefined) {
      out[claim] = denied;
      continue;
    }
    // The Allow's values the Deny leaves admitted (an exact Deny value inside an Allow glob, or an Allow value the Deny names).
    const kept = denied.glob
      ? allowed.values.filter((v) => !allowed.glob && denied.values.some((d) => globMatches(d, v)))
      : denied.values.filter((v) => (allowed.glob ? allowed.values.some((a) => globMatches(a, v)) : allowed.values.includes(v)));
    if (kept.length > 0) out[claim] = { values: kept, glob: false };
  }
  return out;
}

/** `arn:P:eks:R:A:podidentityassociation/C/ID` (globs allowed) → the cluster ARN pattern `arn:P:eks:R:A:cluster/C`. */
function clusterOfAssociationArn(arn: string): string | undefined {
  const match = /^(arn:[^:]+:eks:[^:]*:[^:]*):podidentityassociation\/([^/]+)(?:\/.*)?$/.exec(arn);
  return match ? `${match[1]}:cluster/${match[2]}` : undefined;
}

/**
 * The alternatives of an `aws-pod-identity` trust: per Allow statement of sts:AssumeRole for EKS Pod Identity, its
 * session tags (the cluster of `aws:SourceArn` / `aws:SourceAccount` as `eks-cluster-arn`), per association naming the role.
 */
export function podIdentityAlternatives(policy: Policy, associations: ReadonlyArray<{ claims: Record<string, string> }>): TrustAlternative[] {
  const fromStatements: Array<Record<string, ClaimRequirement>> = [];
  for (const statement of policy.Statement) {
    if (statement?.Effect !== 'Allow' || !servicesOf(statement).includes(EKS_POD_IDENTITY_SERVICE) || !allowsAction(statement, 'sts:AssumeRole')) continue;
    // Session tags are `aws:RequestTag/KEY`; a condition on `aws:PrincipalTag/KEY` (the tags of the calling principal,
    // which the service principal pods.eks.amazonaws.com does not carry: "aws:PrincipalTag/tag-key",
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag)
    // was meant for the session tag of that name: read as it, so that the session it was written for is refused.
    const tagOf = (prefix: RegExp) => (key: string) => (prefix.test(key) ? key.slice(key.indexOf('/') + 1).toLowerCase() : undefined);
    const claims = { ...requirements(statement, tagOf(/^aws:PrincipalTag\//i)), ...requirements(statement, tagOf(/^aws:RequestTag\//i)) };
    // The cluster facts of the source keys, as a requirement on the `eks-cluster-arn` session tag.
    if (claims['eks-cluster-arn'] === undefined) {
      const source = requirements(statement, (key) => (/^aws:Source(Arn|Account)$/i.test(key) ? key.slice(4).toLowerCase() : undefined));
      const name = claims['eks-cluster-name']?.values.length === 1 && !claims['eks-cluster-name'].glob ? claims['eks-cluster-name'].values[0] : '*';
      const clusters = source.sourcearn?.values.map(clusterOfAssociationArn).filter((c): c is string => c !== undefined)
        ?? source.sourceaccount?.values.map((account) => `arn:aws:eks:*:${account}:cluster/${name}`);
      if (clusters !== undefined && clusters.length > 0) {
        const values = clusters.map((c) => c.replace(/:cluster\/\*$/, `:cluster/${name}`)).sort();
        claims['eks-cluster-arn'] = { values, glob: values.some(isGlob) };
      }
    }
    fromStatements.push(claims);
  }
  const merged = associations.length === 0 ? fromStatements : associations.flatMap(({ claims: association }) => fromStatements.map((claims) => {
    const out: Record<string, ClaimRequirement> = { ...claims };
    for (const [tag, value] of Object.entries(association)) out[tag] = { values: [value], glob: false };
    const cluster = out['eks-cluster-arn'];
    if (cluster && association['eks-cluster-name'] !== undefined) {
      const values = cluster.values.map((c) => c.replace(/:cluster\/\*$/, `:cluster/${association['eks-cluster-name']}`)).sort();
      out['eks-cluster-arn'] = { values, glob: values.some(isGlob) };
    }
    return out;
  }));
  return uniqueAlternatives(merged.filter((claims) => Object.keys(claims).length > 0).map((claims) => {
    const cluster = claims['eks-cluster-arn'];
    const issuer = cluster && !cluster.glob && cluster.values.length === 1 ? cluster.values[0] : undefined;
    return { ...(issuer !== undefined ? { issuer } : {}), claims: sortedClaims(claims) };
  }));
}
