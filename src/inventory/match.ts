import { Cloud, Condition, Permission, TrustedSubject } from './model';
import { isIsoDate } from '../core/dates';
import { globCovers } from '../synth/glob';

export { globCovers, isGlob } from '../synth/glob';

// Plain decimals only: Number() would also read "", " 1", "0x10" and "1e3".
const DECIMAL = /^-?\d+(\.\d+)?$/;
// RFC 3339 timestamps (and bare dates, read as 00:00Z), as IAM date conditions and `timestamp("…")` take them.
const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * An instant as whole seconds since the epoch plus nanoseconds, or `undefined` when the text is not a real date
 * and time. Date.parse is not used: it reads "2026-02-30" as 2 March and accepts "Jan 1 2099".
 */
function instant(value: string): { seconds: number; nanos: number } | undefined {
  const match = INSTANT.exec(value);
  if (!match || !isIsoDate(match[1])) return undefined;
  const [year, month, day] = match[1].split('-').map(Number);
  const [hours, minutes, seconds] = [match[2], match[3], match[4]].map((part) => Number(part ?? 0));
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  let offsetMinutes = 0;
  if (match[6] !== undefined && match[6] !== 'Z') {
    const [oh, om] = match[6].slice(1).split(':').map(Number);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (match[6][0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hours, minutes, seconds, 0);
  return { seconds: date.getTime() / 1000 - offsetMinutes * 60, nanos: Number((match[5] ?? '').padEnd(9, '0')) };
}

/**
 * Numbers and instants compare as such (`until` conditions compare as instants); anything else, including a
 * malformed or impossible date, only equals itself, so it never counts as within a bound.
 */
function lessOrEqual(a: string, b: string): boolean {
  if (DECIMAL.test(a) && DECIMAL.test(b)) return Number(a) <= Number(b);
  const ta = instant(a);
  const tb = instant(b);
  if (ta && tb) return ta.seconds < tb.seconds || (ta.seconds === tb.seconds && ta.nanos <= tb.nanos);
  return a === b;
}

/**
 * Whether condition `strict` implies condition `loose` (every request `strict` admits, `loose` admits too), for
 * the operators whose meaning is known; otherwise only an identical condition implies.
 */
export function conditionImplies(strict: Condition, loose: Condition): boolean {
  if (strict.key !== loose.key) return false;
  const same = strict.operator === loose.operator;
  const op = loose.operator.replace(/IfExists$/, '');
  if (same && (op === 'until' || /LessThan/.test(op))) return strict.values.every((s) => loose.values.some((l) => lessOrEqual(s, l)));
  if (same && /GreaterThan/.test(op)) return strict.values.every((s) => loose.values.some((l) => lessOrEqual(l, s)));
  if (same && op === 'startsWith') return strict.values.every((s) => loose.values.some((l) => s.startsWith(l)));
  if (same && op === 'approval') return loose.values.every((l) => strict.values.includes(l));
  const equals = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|ArnEquals|Bool|NumericEquals)$/;
  const like = /^(ForAnyValue:)?(StringLike|ArnLike)$/;
  if ((same && equals.test(op)) || (equals.test(strict.operator) && like.test(op)) || (same && like.test(op))) {
    // A set of allowed values: a subset (or values matched by the looser patterns) admits less.
    return strict.values.every((s) => loose.values.some((l) => (like.test(op) ? globCovers(l, s) : l === s)));
  }
  return same && strict.values.length === loose.values.length && strict.values.every((v, i) => v === loose.values[i]);
}

/** Whether every condition of `loose` is implied by some condition of `strict` (so `strict` admits no more). */
export function conditionsImply(strict: readonly Condition[], loose: readonly Condition[]): boolean {
  return loose.every((l) => strict.some((s) => conditionImplies(s, l)));
}

/** Whether an AWS principal ARN admits another: `*`, an account root admits the account's principals. */
function awsPrincipalCovers(outer: string, inner: string): boolean {
  if (outer === '*' || outer === inner) return true;
  const account = /^arn:[^:]+:iam::(\d{12}):root$/.exec(outer)?.[1] ?? (/^\d{12}$/.test(outer) ? outer : undefined);
  return account !== undefined && new RegExp(`^arn:[^:]+:(iam|sts)::${account}:`).test(inner);
}

/** Whether trusted subject `outer` admits everything `inner` admits. */
export function subjectCovers(outer: TrustedSubject, inner: TrustedSubject): boolean {
  if (outer.kind !== inner.kind) return false;
  if (!(outer.kind === 'aws' ? awsPrincipalCovers(outer.issuer, inner.issuer) : outer.issuer === inner.issuer)) return false;
  for (const [claim, allowed] of Object.entries(outer.claims)) {
    const required = inner.claims[claim];
    if (required === undefined || !required.every((value) => allowed.some((pattern) => globCovers(pattern, value)))) return false;
  }
  return conditionsImply(inner.conditions, outer.conditions);
}

const OWNER_ROLES = new Set(['owner', 'roles/owner']);

/** Whether scope `outer` contains scope `inner`, per cloud. */
export function scopeCovers(cloud: Cloud, outer: string, inner: string): boolean {
  if (outer === inner) return true;
  switch (cloud) {
    case 'azure': {
      // Azure scopes are paths: a subscription contains its resource groups and their resources (case-insensitive).
      const o = outer.toLowerCase().replace(/\/+$/, '');
      const i = inner.toLowerCase();
      return i === o || i.startsWith(`${o}/`) || o === '/';
    }
    case 'gcp': {
      // A project-level grant holds on every resource of the project.
      const project = /^project (\S+)$/.exec(outer)?.[1];
      return project !== undefined && new RegExp(`^\\S+ ${project.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/|$)`).test(inner);
    }
    case 'kubernetes': {
      const all = / in all namespaces$/;
      if (all.test(outer)) {
        const what = outer.replace(all, '');
        const innerWhat = inner.replace(/ in (all namespaces|namespace \S+)$/, '');
        return globCovers(what, innerWhat) || (outer === 'all namespaces' && /^namespace /.test(inner));
      }
      return globCovers(outer, inner);
    }
    default:
      return globCovers(outer, inner);
  }
}

/** Whether permission `outer` allows (or denies) everything `inner` does. */
export function permissionCovers(cloud: Cloud, outer: Permission, inner: Permission): boolean {
  if (outer.effect !== inner.effect) return false;
  if (outer.kind === 'policy' || inner.kind === 'policy') return outer.kind === inner.kind && outer.action === inner.action && conditionsImply(inner.conditions, outer.conditions);
  const actionCovered = outer.kind === 'role' && OWNER_ROLES.has(outer.action.toLowerCase())
    ? inner.kind === 'role'
    : outer.kind === inner.kind && globCovers(outer.action, inner.action, outer.kind === 'action');
  return actionCovered && scopeCovers(cloud, outer.scope, inner.scope) && conditionsImply(inner.conditions, outer.conditions);
}
