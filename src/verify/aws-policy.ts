/**
 * `keyless verify`, AWS: what the reader (./aws-read.ts), the alternatives (./aws-alternatives.ts) and the evaluator
 * (./aws-evaluate.ts) share: the constants of the deployment and of EKS Pod Identity, the shapes of a role as read, and
 * the helpers that read a trust policy's statements.
 */
import { globMatches } from '../synth/glob';
import type { NeutralResource } from '../synth/model';
import { claimKeyIssuer } from '../synth/policy';
import { asList, issuerOf, safeJson } from '../synth/values';

/** The account a template's own account id (`${AWS::AccountId}`, `data.aws_caller_identity`) is read as. */
export const AWS_DEPLOYMENT_ACCOUNT = '111111111111';
/** The region a template's own region (`${AWS::Region}`, `data.aws_region`) is read as, when no provider block sets one. */
export const AWS_DEPLOYMENT_REGION = 'us-east-1';
/** The EKS Pod Identity service principal (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html). */
export const EKS_POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';
/**
 * The association id the evaluator puts into `aws:SourceArn` (`…:podidentityassociation/CLUSTER/ID`): tokens carry
 * no association id, so a placeholder that only a wildcard admits.
 */
export const POD_IDENTITY_ASSOCIATION_PLACEHOLDER = 'a-keylessverify0000';

/** The action of an OIDC federation. */
export const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
/** The actions EKS Pod Identity calls, both of which the trust must allow. */
export const POD_IDENTITY_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'] as const;

/** A trust policy with every value resolved to a string. */
export type Policy = { Version?: unknown; Statement: any[] };

/** A resolved policy's OIDC provider: its host (`HOST[/PATH]`) and, when the output declares it, its client ids. */
export interface OidcProvider {
  readonly host: string;
  readonly arn: string;
  readonly clientIds?: readonly string[];
  readonly resource?: string;
}

/** One role as read: its identity, location and the trust policy with every value resolved to a string. */
export interface RoleTrust {
  readonly name: string;
  readonly resource: NeutralResource;
  readonly policy?: Policy;
  /** Why the policy could not be read (then `policy` is undefined). */
  readonly unreadable?: string;
  readonly resources: Set<string>;
  /** Providers by host, of the statements' Federated principals (after canonicalization). */
  readonly providers: Map<string, OidcProvider>;
  /** Unresolved principals and values, per statement index (a trust that needs them is not evaluable). */
  readonly unresolved: Map<number, string>;
  readonly warnings: string[];
}

/** A resource as trusts and warnings name it: `FILE:ID`. */
export const label = (r: NeutralResource): string => `${r.file}:${r.id}`;
/** Whether a value is a plain object (not null, not a list). */
export const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST` → account; undefined otherwise. */
export function arnAccount(arn: string): string | undefined {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
}

/** The ARN of the IAM OIDC provider of `host` in `account`. */
export function providerArn(account: string, host: string): string {
  return `arn:aws:iam::${account}:oidc-provider/${host}`;
}

/** A Federated principal's OIDC provider host, or undefined (unresolved, SAML, something else). */
export function oidcHost(principal: string): string | undefined {
  const match = /:oidc-provider\/(.+)$/.exec(principal);
  return match && !match[1].includes('${') ? issuerOf(match[1]) : undefined;
}

/** Whether a Federated principal is a SAML provider. */
export function isSamlPrincipal(principal: string): boolean {
  return /:saml-provider\//.test(principal);
}

/** The hosts a statement's condition keys name (`HOST:claim`), lower-cased and deduplicated. */
export function conditionHosts(statement: any): string[] {
  const hosts = new Set<string>();
  for (const block of Object.values(isObject(statement?.Condition) ? statement.Condition : {})) {
    for (const key of Object.keys(isObject(block) ? block : {})) {
      const host = claimKeyIssuer(key);
      if (host !== undefined && !host.includes('${')) hosts.add(host);
    }
  }
  return [...hosts].sort();
}

/** A statement's actions (the strings of `Action`). */
export function actions(statement: any): string[] {
  return asList<unknown>(statement?.Action).filter((a): a is string => typeof a === 'string');
}

/** Whether one of a statement's actions (globs, case-insensitive) is `action`. */
export function allowsAction(statement: any, action: string): boolean {
  return actions(statement).some((pattern) => globMatches(pattern, action, true));
}

/** Whether a statement's only actions are `action` (a SAML statement naming a Federated principal). */
export function allowsActionOnly(statement: any, action: string): boolean {
  const list = actions(statement);
  return list.length > 0 && list.every((a) => a.toLowerCase() === action.toLowerCase());
}

/** A statement's Federated principals (the strings). */
export function federatedOf(statement: any): string[] {
  return asList<unknown>(statement?.Principal?.Federated).filter((p): p is string => typeof p === 'string');
}

/** A statement's Service principals (the strings). */
export function servicesOf(statement: any): string[] {
  return asList<unknown>(statement?.Principal?.Service).filter((p): p is string => typeof p === 'string');
}

/** The first `${…}` left in a statement's principal or conditions, for the reason a trust is not evaluable. */
export function firstUnresolved(statement: any): string | undefined {
  const text = safeJson({ Principal: statement?.Principal, Condition: statement?.Condition });
  return /\$\{[^}]*\}/.exec(text)?.[0];
}

/** The statements of a policy that may admit EKS Pod Identity (its service principal, or `*`). */
export function podIdentityStatements(policy: Policy): any[] {
  return policy.Statement.filter((s) => servicesOf(s).includes(EKS_POD_IDENTITY_SERVICE) || s?.Principal === '*' || asList(s?.Principal?.AWS).includes('*'));
}

/** A statement as reasons name it: `Statement[I]`, with its Sid when it has one. */
export function statementName(policy: Policy, index: number): string {
  const sid = policy.Statement[index]?.Sid;
  return typeof sid === 'string' && sid !== '' ? `Statement[${index}] (Sid ${sid})` : `Statement[${index}]`;
}
