/**
 * The IAM condition operators a role trust policy can use, evaluated on one request value at a time.
 *
 * Sources (AWS IAM User Guide):
 * - "IAM JSON policy elements: Condition operators",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html —
 *   the operator families and their matching rules; "If the key that you specify in a policy condition is not
 *   present in the request context, the values do not match and the condition is false. If the policy condition
 *   requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present,
 *   the condition is true. This logic applies to all condition operators except ...IfExists and Null check";
 *   with multiple values for a negated operator "the effective permission works like a logical AND".
 * - same page, "...IfExists condition operators": if the key is not present the condition evaluates to true.
 * - same page, "Condition operator to check existence of condition keys" (Null): `true` holds when the key is
 *   absent, `false` when it is present.
 * - "Single-valued vs. multivalued context keys",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html —
 *   "Multivalued context keys require a condition set operator"; `ForAllValues` "also returns true if there are no
 *   context keys in the request"; `ForAnyValue` needs at least one request value to match.
 */
import { globMatches } from '../synth/glob';

/** A policy this evaluator cannot decide with certainty. It never stands for an allow. */
export class UnsupportedTrustPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedTrustPolicyError';
  }
}

/** A base operator: whether one request value satisfies it against the policy's values. */
export interface BaseOperator {
  readonly name: string;
  /** Negated operators (`StringNotEquals`, `ArnNotLike`, …): true on a missing key, AND over the policy values. */
  readonly negated: boolean;
  /** Checks the policy values once, before any request is evaluated; throws UnsupportedTrustPolicyError. */
  validate(policyValues: readonly string[]): void;
  /** Whether the single request value satisfies the operator for the policy values. */
  test(requestValue: string, policyValues: readonly string[]): boolean;
}

/** A positive comparison: true when the request value satisfies it for any policy value (OR). */
function positive(name: string, validate: (v: string) => void, one: (request: string, policy: string) => boolean): BaseOperator {
  return {
    name,
    negated: false,
    validate: (values) => values.forEach(validate),
    test: (request, values) => values.some((v) => one(request, v)),
  };
}

/**
 * A negated comparison: true when the request value satisfies the positive comparison for no policy value
 * (logical AND of the negations). A request value that cannot be read as the operator's type (a malformed number,
 * date, boolean or ARN) satisfies neither the positive nor the negated operator: such a comparison is false either
 * way (the IAM simulator agrees; AWS documents no other behaviour).
 */
function negated(name: string, validate: (v: string) => void, readable: (request: string) => boolean,
  one: (request: string, policy: string) => boolean): BaseOperator {
  return {
    name,
    negated: true,
    validate: (values) => values.forEach(validate),
    test: (request, values) => readable(request) && !values.some((v) => one(request, v)),
  };
}

const anyString = (): void => undefined;
const always = (): boolean => true;

// ---- Numbers: decimal integers or fractions, as in the Condition operators page's Numeric examples.
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
function parseNumber(value: string): number | undefined {
  return NUMBER.test(value) ? Number(value) : undefined;
}
function policyNumber(value: string): void {
  if (parseNumber(value) === undefined) throw new UnsupportedTrustPolicyError(`numeric condition value "${value}" is not a number`);
}
function numeric(compare: (request: number, policy: number) => boolean) {
  return (request: string, policy: string): boolean => {
    const r = parseNumber(request);
    const p = parseNumber(policy);
    return r !== undefined && p !== undefined && compare(r, p);
  };
}

// ---- Dates: ISO 8601 (W3C profile) or epoch seconds ("Date condition operators": "You must specify … the ISO
// 8601 date format or in epoch (UNIX) time").
const ISO_DATE = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const EPOCH = /^-?\d+$/;
/** Milliseconds since the epoch, or undefined. A bare integer is epoch seconds; a bare `YYYY` is a year. */
export function parseIamDate(value: string): number | undefined {
  if (/^\d{4}$/.test(value)) return Date.parse(`${value}-01-01T00:00:00Z`);
  if (EPOCH.test(value)) return Number(value) * 1000;
  if (!ISO_DATE.test(value)) return undefined;
  // A date-time without a zone: read as UTC, as AWS request times are UTC.
  const zoned = /T/.test(value) && !/(Z|[+-]\d{2}:\d{2})$/.test(value) ? `${value}Z` : value;
  const ms = Date.parse(/^\d{4}-\d{2}$/.test(zoned) ? `${zoned}-01` : zoned);
  return Number.isNaN(ms) ? undefined : ms;
}
function policyDate(value: string): void {
  if (parseIamDate(value) === undefined) throw new UnsupportedTrustPolicyError(`date condition value "${value}" is not a date`);
}
function date(compare: (request: number, policy: number) => boolean) {
  return (request: string, policy: string): boolean => {
    const r = parseIamDate(request);
    const p = parseIamDate(policy);
    return r !== undefined && p !== undefined && compare(r, p);
  };
}

// ---- Booleans: `true` / `false`, case-insensitive.
function parseBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : undefined;
}
function policyBool(value: string): void {
  if (parseBool(value) === undefined) throw new UnsupportedTrustPolicyError(`Bool condition value "${value}" is not true or false`);
}

// ---- ARNs: "Each of the six colon-delimited components of the ARN is checked separately and each can include
// multi-character match wildcards (*) or single-character match wildcards (?)" (Condition operators page, ARN);
// ArnEquals and ArnLike behave the same; matching is case-sensitive.
function splitArn(value: string): string[] | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
function policyArn(value: string): void {
  if (splitArn(value) === undefined) throw new UnsupportedTrustPolicyError(`ARN condition value "${value}" is not an ARN (arn:partition:service:region:account:resource)`);
}
function arnMatches(request: string, policy: string): boolean {
  const r = splitArn(request);
  const p = splitArn(policy);
  return r !== undefined && p !== undefined && p.every((segment, i) => globMatches(segment, r[i]));
}

// ---- Binary: base64, compared byte for byte (Condition operators page, "Binary condition operators").
function policyBase64(value: string): void {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new UnsupportedTrustPolicyError(`BinaryEquals value "${value}" is not base64`);
}

// ---- IP addresses: IPv4 CIDR only (the IpAddress operators; IPv6 is refused rather than approximated).
function parseIpv4(value: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((n, o) => n * 256 + o, 0);
}
function parseCidr(value: string): { base: number; bits: number } | undefined {
  const [address, prefix, ...rest] = value.split('/');
  const base = parseIpv4(address);
  const bits = prefix === undefined ? 32 : /^\d{1,2}$/.test(prefix) ? Number(prefix) : NaN;
  if (rest.length > 0 || base === undefined || !(bits >= 0 && bits <= 32)) return undefined;
  return { base, bits };
}
function policyCidr(value: string): void {
  if (parseCidr(value) === undefined) throw new UnsupportedTrustPolicyError(`IP condition value "${value}" is not an IPv4 address or CIDR (IPv6 is not evaluated)`);
}
function inCidr(request: string, policy: string): boolean {
  const ip = parseIpv4(request);
  const cidr = parseCidr(policy);
  if (ip === undefined || cidr === undefined) return false;
  // Same network prefix: equal after dropping the 32 - bits host bits (arithmetic, so that /0 holds every address).
  const hostSpan = 2 ** (32 - cidr.bits);
  return Math.floor(ip / hostSpan) === Math.floor(cidr.base / hostSpan);
}

const eq = (a: string, b: string): boolean => a === b;
const eqIgnoreCase = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const like = (request: string, policy: string): boolean => globMatches(policy, request);
const isNumber = (v: string): boolean => parseNumber(v) !== undefined;
const isDate = (v: string): boolean => parseIamDate(v) !== undefined;
const isArn = (v: string): boolean => splitArn(v) !== undefined;
const isIp = (v: string): boolean => parseIpv4(v) !== undefined;

/** The base operators, by lower-case name (operator names are matched case-insensitively, as IAM does). */
export const BASE_OPERATORS: ReadonlyMap<string, BaseOperator> = new Map([
  positive('StringEquals', anyString, eq),
  negated('StringNotEquals', anyString, always, eq),
  positive('StringEqualsIgnoreCase', anyString, eqIgnoreCase),
  negated('StringNotEqualsIgnoreCase', anyString, always, eqIgnoreCase),
  positive('StringLike', anyString, like),
  negated('StringNotLike', anyString, always, like),
  positive('NumericEquals', policyNumber, numeric((r, p) => r === p)),
  negated('NumericNotEquals', policyNumber, isNumber, numeric((r, p) => r === p)),
  positive('NumericLessThan', policyNumber, numeric((r, p) => r < p)),
  positive('NumericLessThanEquals', policyNumber, numeric((r, p) => r <= p)),
  positive('NumericGreaterThan', policyNumber, numeric((r, p) => r > p)),
  positive('NumericGreaterThanEquals', policyNumber, numeric((r, p) => r >= p)),
  positive('DateEquals', policyDate, date((r, p) => r === p)),
  negated('DateNotEquals', policyDate, isDate, date((r, p) => r === p)),
  positive('DateLessThan', policyDate, date((r, p) => r < p)),
  positive('DateLessThanEquals', policyDate, date((r, p) => r <= p)),
  positive('DateGreaterThan', policyDate, date((r, p) => r > p)),
  positive('DateGreaterThanEquals', policyDate, date((r, p) => r >= p)),
  positive('Bool', policyBool, (r, p) => parseBool(r) !== undefined && parseBool(r) === parseBool(p)),
  positive('BinaryEquals', policyBase64, eq),
  positive('IpAddress', policyCidr, inCidr),
  negated('NotIpAddress', policyCidr, isIp, inCidr),
  positive('ArnEquals', policyArn, arnMatches),
  positive('ArnLike', policyArn, arnMatches),
  negated('ArnNotEquals', policyArn, isArn, arnMatches),
  negated('ArnNotLike', policyArn, isArn, arnMatches),
].map((op) => [op.name.toLowerCase(), op]));

/** A parsed condition operator: `[ForAnyValue:|ForAllValues:]Base[IfExists]`, or `Null`. */
export interface ParsedOperator {
  readonly text: string;
  readonly set?: 'ForAnyValue' | 'ForAllValues';
  readonly ifExists: boolean;
  /** Undefined for `Null`. */
  readonly base?: BaseOperator;
}

/** Parses an operator name; an operator IAM does not define is refused, never ignored. */
export function parseOperator(text: string): ParsedOperator {
  let rest = text;
  let set: ParsedOperator['set'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon).toLowerCase();
    if (qualifier === 'foranyvalue') set = 'ForAnyValue';
    else if (qualifier === 'forallvalues') set = 'ForAllValues';
    else throw new UnsupportedTrustPolicyError(`unknown condition set operator "${rest.slice(0, colon)}" in "${text}"`);
    rest = rest.slice(colon + 1);
  }
  if (rest.toLowerCase() === 'null') {
    if (set) throw new UnsupportedTrustPolicyError(`"${text}": the Null operator takes no set operator`);
    return { text, ifExists: false };
  }
  const ifExists = /ifexists$/i.test(rest);
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  const base = BASE_OPERATORS.get(rest.toLowerCase());
  if (!base) throw new UnsupportedTrustPolicyError(`unknown condition operator "${text}"`);
  return { text, set, ifExists, base };
}

/**
 * Whether one condition (an operator, one key, its policy values) holds for the request value of that key
 * (`undefined` when the key is absent from the request).
 */
export function conditionHolds(op: ParsedOperator, policyValues: readonly string[], requestValue: string | readonly string[] | undefined): boolean {
  if (!op.base) {
    // Null: "true" — the key is absent; "false" — it is present (with any value, an empty list included).
    return policyValues.some((v) => (v.toLowerCase() === 'true') === (requestValue === undefined));
  }
  const base = op.base;
  if (op.set) {
    if (requestValue === undefined) {
      // ForAllValues: true on a missing key. ForAnyValue: false, unless `IfExists`, which makes any missing key
      // true ("...IfExists condition operators").
      return op.set === 'ForAllValues' || op.ifExists;
    }
    const values = typeof requestValue === 'string' ? [requestValue] : requestValue;
    return op.set === 'ForAllValues'
      ? values.every((v) => base.test(v, policyValues))
      : values.some((v) => base.test(v, policyValues));
  }
  if (requestValue === undefined) return op.ifExists || base.negated;
  if (typeof requestValue !== 'string') {
    // "Multivalued context keys require a condition set operator": AWS leaves this case undocumented, so it is
    // refused rather than guessed.
    throw new UnsupportedTrustPolicyError(`"${op.text}" without ForAnyValue/ForAllValues on a multivalued request key`);
  }
  return base.test(requestValue, policyValues);
}
