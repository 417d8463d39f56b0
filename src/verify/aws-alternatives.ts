/**
 * `keyless verify`, AWS: the alternatives of a trust (what a legitimate token must carry, per Allow statement), read
 * from the positive string and ARN conditions of its statements, for ./tokens.ts to derive legitimate tokens from.
 */
import {
  allowsAction, EKS_POD_IDENTITY_SERVICE, federatedOf, isObject, OidcProvider, oidcHost, Policy, servicesOf, WEB_IDENTITY,
} from './aws-policy';
import type { ClaimRequirement, TrustAlternative } from './model';
import { isGlob } from '../synth/glob';
import { asList, safeJson } from '../synth/values';

/** Positive string operators: their values are what a legitimate token carries (`Like`: globs). */
function positiveOperator(operator: string): { glob: boolean } | undefined {
  // ArnEquals and ArnLike both take wildcards ("Amazon Resource Name (ARN) condition operators",
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
  const match = /^(?:ForAnyValue:)?(String(?:Equals|EqualsIgnoreCase|Like)|Arn(?:Equals|Like))(?:IfExists)?$/i.exec(operator);
  if (!match) return undefined;
  return { glob: /like$/i.test(match[1]) || /^arn/i.test(match[1]) };
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
      const values = asList<unknown>(raw).map(String).sort();
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
  return Object.fromEntries(Object.entries(claims).sort(([a], [b]) => a.localeCompare(b)));
}

/** Alternatives without duplicates, in the order of their JSON text. */
function uniqueAlternatives(alternatives: TrustAlternative[]): TrustAlternative[] {
  const byKey = new Map<string, TrustAlternative>();
  for (const a of alternatives) byKey.set(safeJson(a), a);
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, a]) => a);
}

/** The alternatives of an `aws-oidc` trust: per Allow statement of sts:AssumeRoleWithWebIdentity and provider, its claims. */
export function oidcAlternatives(policy: Policy, providers: ReadonlyMap<string, OidcProvider>): TrustAlternative[] {
  const alternatives: TrustAlternative[] = [];
  for (const statement of policy.Statement) {
    if (statement?.Effect !== 'Allow' || !allowsAction(statement, WEB_IDENTITY)) continue;
    for (const principal of federatedOf(statement)) {
      const host = oidcHost(principal);
      if (host === undefined || !providers.has(host)) continue;
      const claims = requirements(statement, (key) => {
        const colon = key.lastIndexOf(':');
        return colon > 0 && key.slice(0, colon).toLowerCase() === host.toLowerCase() ? key.slice(colon + 1) : undefined;
      });
      alternatives.push({ issuer: `https://${host}`, claims: sortedClaims(claims) });
    }
  }
  return uniqueAlternatives(alternatives);
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
    const claims = requirements(statement, (key) => (/^aws:RequestTag\//i.test(key) ? key.slice('aws:RequestTag/'.length) : undefined));
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
