/**
 * An evaluator of AWS role trust policies (the subset of the IAM policy language trusts use), shippable under the
 * project's licence: no policy engine, no framework.
 *
 * Evaluation logic (AWS IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements"):
 * - a statement applies when its principal, action and every condition match;
 * - an applicable `Deny` statement wins over any `Allow` ("an explicit deny in any policy overrides any allows");
 * - otherwise an applicable `Allow` allows; otherwise the request is implicitly denied;
 * - `Action` / `NotAction`: action names are case-insensitive and take `*` / `?` wildcards
 *   ("IAM JSON policy elements: Action");
 * - `Principal` / `NotPrincipal`: `"*"` or an object of `AWS` / `Federated` / `Service` → string or list
 *   ("AWS JSON policy elements: Principal"; for `NotPrincipal`, "NotPrincipal");
 * - `Condition`: operators are ANDed, keys within an operator are ANDed, values of a key are ORed (negated
 *   operators: ANDed); condition key names are case-insensitive ("IAM JSON policy elements: Condition",
 *   "Condition keys are not case-sensitive"). Operator semantics: ./aws-condition-operators.ts.
 *
 * Anything outside the subset (an unknown operator, a policy variable `${…}`, a multivalued request key under a
 * single-valued operator, `Resource` elements, malformed values) is refused with UnsupportedTrustPolicyError — or,
 * from tryEvaluateTrust, an `unsupported` result — and never reads as an allow.
 */
import { conditionHolds, parseOperator, UnsupportedTrustPolicyError, type ParsedOperator } from './aws-condition-operators';
import { globMatches } from '../synth/glob';

export { UnsupportedTrustPolicyError } from './aws-condition-operators';

/** The principal types a trust names. */
export type TrustPrincipalType = 'Federated' | 'AWS' | 'Service';

/** One request to assume the role. */
export interface TrustRequest {
  /** E.g. `sts:AssumeRoleWithWebIdentity`. */
  readonly action: string;
  /** The caller: an OIDC provider ARN (Federated), an IAM ARN (AWS), a service principal (Service). */
  readonly principal: { readonly type: TrustPrincipalType; readonly id: string };
  /** Request context keys (names case-insensitive); `undefined` is an absent key, a list a multivalued key. */
  readonly context: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** The decision for one request. `matched` is the index of the deciding statement (the first Deny, else Allow). */
export interface TrustDecision {
  readonly decision: 'allow' | 'deny' | 'implicit-deny';
  readonly matched?: number;
}

/** tryEvaluateTrust's answer when the policy or request is outside the evaluated subset. */
export interface TrustUnsupported {
  readonly decision: 'unsupported';
  readonly reason: string;
}

interface Condition {
  readonly op: ParsedOperator;
  readonly key: string;
  readonly values: readonly string[];
}

interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notAction: boolean;
  /** `'*'`: every principal. */
  readonly principals: '*' | ReadonlyMap<TrustPrincipalType, readonly string[]>;
  readonly notPrincipal: boolean;
  readonly conditions: readonly Condition[];
}

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Principal', 'NotPrincipal', 'Condition']);

function refuse(message: string): never {
  throw new UnsupportedTrustPolicyError(message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or a non-empty list of strings (condition values may also be numbers or booleans). */
function stringList(value: unknown, where: string, scalars = false): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) refuse(`${where}: empty list`);
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (scalars && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
    return refuse(`${where}: ${JSON.stringify(v)} is not a string`);
  });
}

function parsePrincipal(value: unknown, where: string): Statement['principals'] {
  if (value === '*') return '*';
  if (!isObject(value)) return refuse(`${where}: must be "*" or an object of AWS / Federated / Service`);
  const map = new Map<TrustPrincipalType, readonly string[]>();
  for (const [type, ids] of Object.entries(value)) {
    if (type !== 'AWS' && type !== 'Federated' && type !== 'Service') refuse(`${where}: principal type "${type}" is not evaluated`);
    map.set(type, stringList(ids, `${where}.${type}`));
  }
  if (map.size === 0) refuse(`${where}: no principal`);
  return map;
}

function parseStatement(raw: unknown, index: number): Statement {
  const where = `Statement[${index}]`;
  if (!isObject(raw)) refuse(`${where}: not an object`);
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_KEYS.has(key)) refuse(`${where}: element "${key}" is not evaluated in a trust policy`);
  }
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') refuse(`${where}: Effect must be "Allow" or "Deny"`);
  if ((raw.Action === undefined) === (raw.NotAction === undefined)) refuse(`${where}: exactly one of Action and NotAction`);
  if ((raw.Principal === undefined) === (raw.NotPrincipal === undefined)) refuse(`${where}: exactly one of Principal and NotPrincipal`);
  const notAction = raw.NotAction !== undefined;
  const notPrincipal = raw.NotPrincipal !== undefined;
  const conditions: Condition[] = [];
  if (raw.Condition !== undefined) {
    if (!isObject(raw.Condition)) refuse(`${where}.Condition: not an object`);
    for (const [opText, block] of Object.entries(raw.Condition)) {
      const op = parseOperator(opText);
      if (!isObject(block)) refuse(`${where}.Condition.${opText}: not an object of keys`);
      const seen = new Set<string>();
      for (const [key, rawValues] of Object.entries(block)) {
        // Keys are case-insensitive: two spellings of one key in one block would be ambiguous.
        if (seen.has(key.toLowerCase())) refuse(`${where}.Condition.${opText}: key "${key}" appears twice (keys are case-insensitive)`);
        seen.add(key.toLowerCase());
        const values = stringList(rawValues, `${where}.Condition.${opText}.${key}`, true);
        if (values.some((v) => v.includes('${'))) refuse(`${where}.Condition.${opText}.${key}: policy variables are not evaluated`);
        if (op.base) op.base.validate(values);
        else if (values.some((v) => !/^(true|false)$/i.test(v))) refuse(`${where}.Condition.${opText}.${key}: Null takes true or false`);
        conditions.push({ op, key: key.toLowerCase(), values });
      }
    }
  }
  return {
    effect: raw.Effect,
    actions: stringList(notAction ? raw.NotAction : raw.Action, `${where}.${notAction ? 'NotAction' : 'Action'}`),
    notAction,
    principals: parsePrincipal(notPrincipal ? raw.NotPrincipal : raw.Principal, `${where}.${notPrincipal ? 'NotPrincipal' : 'Principal'}`),
    notPrincipal,
    conditions,
  };
}

/** Parses a trust policy document; throws UnsupportedTrustPolicyError outside the evaluated subset. */
function parsePolicy(policy: unknown): Statement[] {
  if (!isObject(policy)) refuse('the trust policy is not an object');
  for (const key of Object.keys(policy)) {
    if (key !== 'Version' && key !== 'Id' && key !== 'Statement') refuse(`policy element "${key}" is not evaluated`);
  }
  if (policy.Version !== undefined && policy.Version !== '2012-10-17' && policy.Version !== '2008-10-17') {
    refuse(`policy Version "${String(policy.Version)}" is not evaluated`);
  }
  const raw = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement === undefined ? [] : [policy.Statement];
  return raw.map(parseStatement);
}

/** An AWS account principal (`123456789012`, `arn:PARTITION:iam::123456789012:root`): its account id. */
function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:[^:]+:iam::(\d{12}):root$/.exec(principal)?.[1];
}

function principalIdMatches(type: TrustPrincipalType, pattern: string, id: string): boolean {
  if (pattern === '*') return true;
  if (type === 'AWS') {
    // An account principal stands for every principal of the account ("AWS account principals"): the trust lets
    // the account's identity policies decide, so it matches any IAM / STS ARN of that account.
    const account = accountOf(pattern);
    if (account !== undefined) return new RegExp(`^arn:[^:]+:(iam|sts)::${account}:`).test(id) || id === account;
  }
  return pattern === id;
}

function principalMatches(statement: Statement, request: TrustRequest): boolean {
  const { principals } = statement;
  // `"Principal": "*"` and `"Principal": {"AWS": "*"}` both stand for everyone ("AWS JSON policy elements:
  // Principal", "All principals"), whatever the caller's type.
  const hit = principals === '*' || principals.get('AWS')?.includes('*') === true
    || (principals.get(request.principal.type) ?? []).some((p) => principalIdMatches(request.principal.type, p, request.principal.id));
  return statement.notPrincipal ? !hit : hit;
}

function actionMatches(statement: Statement, action: string): boolean {
  const hit = statement.actions.some((pattern) => globMatches(pattern, action, true));
  return statement.notAction ? !hit : hit;
}

/**
 * Evaluates a role trust policy for one request: an applicable Deny statement wins, then any applicable Allow;
 * otherwise the request is implicitly denied. Throws UnsupportedTrustPolicyError when the policy or the request
 * is outside the evaluated subset (never a silent allow).
 */
export function evaluateTrust(policy: unknown, request: TrustRequest): TrustDecision {
  const statements = parsePolicy(policy);
  const context = new Map<string, string | readonly string[]>();
  for (const [key, value] of Object.entries(request.context)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (context.has(lower)) refuse(`request context key "${key}" is given twice (keys are case-insensitive)`);
    context.set(lower, value);
  }
  let allowed: number | undefined;
  for (const [index, statement] of statements.entries()) {
    if (!principalMatches(statement, request) || !actionMatches(statement, request.action)) continue;
    if (!statement.conditions.every((c) => conditionHolds(c.op, c.values, context.get(c.key)))) continue;
    if (statement.effect === 'Deny') return { decision: 'deny', matched: index };
    allowed ??= index;
  }
  return allowed === undefined ? { decision: 'implicit-deny' } : { decision: 'allow', matched: allowed };
}

/** evaluateTrust, with a refusal as an `unsupported` result instead of an exception. */
export function tryEvaluateTrust(policy: unknown, request: TrustRequest): TrustDecision | TrustUnsupported {
  try {
    return evaluateTrust(policy, request);
  } catch (error) {
    if (error instanceof UnsupportedTrustPolicyError) return { decision: 'unsupported', reason: error.message };
    throw error;
  }
}
