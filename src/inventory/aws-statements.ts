/** AWS IAM statements read for the inventory: trusted subjects of trust policies, permissions of policies, conditions. */
import { RecordDraft } from './draft';
import { condition, makePermission, makeSubject } from './entries';
import { Condition, TrustedSubject } from './model';
import { AWS_ADMIN_POLICY, AWS_ASSUME_ROLE_ACTIONS, AWS_ESCALATION_ACTIONS, AWS_WILDCARD_ONLY_ACTIONS } from '../core/facts/aws-policies';
import { allowIsDenied } from '../synth/aws-trust-denial';
import { globCovers, isGlob } from '../synth/glob';
import { claimKeyIssuer, isWildcardResourceArn, statementConditions } from '../synth/policy';
import { asList } from '../synth/values';

/** Resolves an intrinsic or reference to a string. */
export type Resolve = (value: unknown) => string;

/** Operator → how a generic condition reads. */
const OPERATOR_SYMBOL: Record<string, string> = {
  StringEquals: '=',
  StringNotEquals: '!=',
  StringEqualsIgnoreCase: '=',
  StringNotEqualsIgnoreCase: '!=',
  StringLike: ' like ',
  StringNotLike: ' not like ',
  NumericEquals: '=',
  NumericNotEquals: '!=',
  NumericLessThan: '<',
  NumericLessThanEquals: '<=',
  NumericGreaterThan: '>',
  NumericGreaterThanEquals: '>=',
  DateEquals: '=',
  DateNotEquals: '!=',
  DateLessThan: '<',
  DateLessThanEquals: '<=',
  DateGreaterThan: '>',
  DateGreaterThanEquals: '>=',
  Bool: '=',
  ArnEquals: '=',
  ArnLike: ' like ',
  ArnNotEquals: '!=',
  ArnNotLike: ' not like ',
  IpAddress: ' in ',
  NotIpAddress: ' not in ',
  BinaryEquals: '=',
};

/** One IAM condition, summarised: well-known keys read as what they mean (`mfa`, `until …`). */
function summarise(operator: string, key: string, values: string[]): string {
  const base = operator.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
  const plain = base === operator;
  const one = values.length === 1 ? values[0] : undefined;
  if (plain && base === 'Bool' && key === 'aws:MultiFactorAuthPresent' && one === 'true') return 'mfa';
  if (plain && base === 'NumericLessThan' && key === 'aws:MultiFactorAuthAge' && one) return `mfa within ${one}s`;
  if (plain && base === 'DateLessThan' && key === 'aws:CurrentTime' && one) return `until ${one}`;
  if (plain && base === 'StringEquals') {
    const named: Record<string, string> = {
      'sts:SourceIdentity': 'source-identity',
      'aws:SourceAccount': 'source-account',
      'aws:SourceArn': 'source-arn',
      'sts:ExternalId': 'external-id',
      'aws:PrincipalOrgID': 'org',
    };
    if (named[key]) return `${named[key]}=${values.join('|')}`;
    if (key.startsWith('aws:RequestTag/')) return `${key.slice('aws:RequestTag/'.length)}=${values.join('|')}`;
  }
  if (plain && base === 'ArnEquals' && key === 'aws:SourceArn') return `source-arn=${values.join('|')}`;
  if (base === 'Null') return `${key} ${one === 'true' ? 'absent' : 'present'}`;
  const quantifier = operator.startsWith('ForAnyValue:') ? 'any ' : operator.startsWith('ForAllValues:') ? 'all ' : '';
  const ifExists = operator.endsWith('IfExists') ? ' if present' : '';
  return `${quantifier}${key}${OPERATOR_SYMBOL[base] ?? ` ${base} `}${values.join('|')}${ifExists}`;
}

/** Whether a condition key is a claim of a federated token (`ISSUER:claim`, e.g. `token.actions.githubusercontent.com:sub`). */
function claimKey(key: string, issuer: string | undefined): string | undefined {
  const colon = key.lastIndexOf(':');
  if (colon < 0) return undefined;
  return key.slice(0, colon) === issuer || claimKeyIssuer(key) !== undefined ? key.slice(colon + 1) : undefined;
}

interface StatementConditions {
  readonly claims: Record<string, string[]>;
  readonly conditions: Condition[];
  /** Issuers named by the claim keys. */
  readonly issuers: string[];
}

/** Conditions of a statement, split into token claims (StringEquals / StringLike on `ISSUER:claim`) and the rest. */
function splitConditions(statement: any, resolve: Resolve, federated?: { issuer: string | undefined }): StatementConditions {
  // No prototype: a claim named `__proto__` or `constructor` is a claim like any other.
  const claims: Record<string, string[]> = Object.create(null);
  const conditions: Condition[] = [];
  const issuers: string[] = [];
  for (const { operator, key, values: written } of statementConditions(statement)) {
    const values = written.map(resolve);
    const claim = federated ? claimKey(key, federated.issuer) : undefined;
    if (claim && (operator === 'StringEquals' || operator === 'StringLike')) {
      // StringEquals values are exact: a `*` in them is literal (kept, and read as a pattern, which only over-reports).
      claims[claim] = [...(claims[claim] ?? []), ...values];
      issuers.push(key.slice(0, key.lastIndexOf(':')));
    } else {
      conditions.push(condition(operator, key, values, summarise(operator, key, values)));
    }
  }
  return { claims, conditions, issuers };
}

/** Trusted subjects from a role's trust policy. */
export function trustSubjects(
  draft: RecordDraft, statements: any[], resolve: Resolve, federatedIssuer: (principal: unknown) => string | undefined, source: string,
): void {
  // Where each Allow's subjects start, and whether a Deny covers the statement: a revoked role's subject reads
  // `revoked` only then (a statement added after the revocation may not be covered).
  const marks: Array<{ from: number; denied: boolean }> = [];
  for (const statement of statements) {
    const actions = asList<unknown>(statement?.Action).map(String);
    const assumes = actions.some((action) => AWS_ASSUME_ROLE_ACTIONS.some((assume) => globCovers(action, assume, true)));
    if (!assumes && statement?.NotAction === undefined) continue;
    if (statement?.Effect !== 'Allow') {
      draft.attributes.trustDenies = 'yes';
      continue;
    }
    marks.push({ from: draft.subjects.length, denied: allowIsDenied(statement, statements) });
    if (statement.NotPrincipal !== undefined) {
      draft.subjects.push(makeSubject({ kind: 'aws', issuer: '*', source, wildcard: true, conditions: splitConditions(statement, resolve).conditions }));
      continue;
    }
    const principal = statement.Principal;
    if (principal === '*' || principal?.AWS === '*') {
      draft.subjects.push(makeSubject({ kind: 'aws', issuer: '*', source, wildcard: true, conditions: splitConditions(statement, resolve).conditions }));
      continue;
    }
    for (const value of asList<unknown>(principal?.AWS)) {
      const resolved = resolve(value);
      const arn = /^\d{12}$/.test(resolved) ? `arn:aws:iam::${resolved}:root` : resolved;
      draft.subjects.push(makeSubject({ kind: 'aws', issuer: arn, source, conditions: splitConditions(statement, resolve).conditions }));
    }
    for (const value of asList<unknown>(principal?.Service)) {
      draft.subjects.push(makeSubject({ kind: 'service', issuer: resolve(value), source, conditions: splitConditions(statement, resolve).conditions }));
    }
    for (const value of asList<unknown>(principal?.CanonicalUser)) {
      draft.subjects.push(makeSubject({ kind: 'aws', issuer: `canonical-user:${resolve(value)}`, source, conditions: splitConditions(statement, resolve).conditions }));
    }
    for (const value of asList<unknown>(principal?.Federated)) {
      const saml = actions.some((action) => globCovers(action, 'sts:AssumeRoleWithSAML', true)) && !actions.some((action) => globCovers(action, 'sts:AssumeRoleWithWebIdentity', true));
      let issuer = federatedIssuer(value);
      const parsed = splitConditions(statement, resolve, { issuer });
      // The claim keys name the issuer too (`ISSUER:sub`): used when the principal is not resolvable here.
      if (issuer === undefined) issuer = parsed.issuers[0] ?? resolve(value);
      const { sub, ...otherClaims } = parsed.claims;
      const subs = sub ?? [];
      for (const one of subs.length > 0 ? subs.map((s) => [s]) : [undefined]) {
        draft.subjects.push(makeSubject({
          kind: saml ? 'saml' : 'oidc',
          issuer,
          source,
          conditions: parsed.conditions,
          claims: one ? { sub: one, ...otherClaims } : otherClaims,
        }));
      }
    }
  }
  marks.forEach(({ from, denied }, k) => {
    if (denied) return;
    const to = k + 1 < marks.length ? marks[k + 1].from : draft.subjects.length;
    const undenied: Set<TrustedSubject> = draft.undeniedSubjects ??= new Set();
    for (const subject of draft.subjects.slice(from, to)) undenied.add(subject);
  });
}

/** Permission entries of IAM policy statements. */
export function statementPermissions(draft: RecordDraft, statements: any[], resolve: Resolve, source: string): void {
  for (const statement of statements) {
    const effect = statement?.Effect === 'Deny' ? 'deny' as const : 'allow' as const;
    const notAction = statement?.NotAction !== undefined;
    const actions = notAction ? [`NotAction(${asList<unknown>(statement.NotAction).map(resolve).join(', ')})`] : asList<unknown>(statement?.Action).map(resolve);
    const notResource = statement?.NotResource !== undefined;
    const resources = notResource ? [`NotResource(${asList<unknown>(statement.NotResource).map(resolve).join(', ')})`]
      : statement?.Resource === undefined ? ['*'] : asList<unknown>(statement.Resource).map(resolve);
    const conditions = splitConditions(statement, resolve).conditions;
    for (const action of actions) {
      for (const resource of resources) {
        // A wildcard in a Deny denies more: only allowed wildcards widen access.
        const wildcardAction = effect === 'allow' && (notAction || isGlob(action));
        const onlyStar = AWS_WILDCARD_ONLY_ACTIONS.some((a) => a.toLowerCase() === action.toLowerCase());
        const wildcardScope = effect === 'allow' && (notResource || isWildcardResourceArn(resource)) && !onlyStar;
        const reasons: string[] = [];
        if (effect === 'allow') {
          if (notAction || globCovers(action, '*:*', true) || ['*', 'iam:*', 'sts:*'].includes(action.toLowerCase())) reasons.push(`${action} on ${resource}`);
          else if ((resource === '*' || notResource) && AWS_ESCALATION_ACTIONS.some((a) => globCovers(action, a, true))) reasons.push(`${action} on ${resource} (privilege escalation)`);
        }
        draft.privilegedReasons.push(...reasons);
        draft.permissions.push(makePermission({
          kind: 'action', effect, action, scope: resource, conditions, wildcard: wildcardAction || wildcardScope, privileged: reasons.length > 0, source,
        }));
      }
    }
  }
}

/** A managed policy attached by ARN (not in the output): one entry, privileged when it is an admin policy. */
export function managedPolicy(draft: RecordDraft, arn: string, source: string): void {
  const admin = AWS_ADMIN_POLICY.test(arn);
  if (admin) draft.privilegedReasons.push(`managed policy ${arn}`);
  draft.permissions.push(makePermission({ kind: 'policy', action: arn, scope: '*', wildcard: admin, privileged: admin, source }));
}

