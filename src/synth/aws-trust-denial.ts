/**
 * Whether an AWS role trust denies the assumptions it allows (revocation, core/trust/aws-revocation.ts): read by the
 * inventory (what is revoked, which subject) and by verify (a revoked role that still admits someone is broken).
 * An explicit Deny wins over any Allow (IAM User Guide, "Policy evaluation logic"); `"Principal": "*"` and
 * `{"AWS": "*"}` cover every principal (IAM User Guide, "AWS JSON policy elements: Principal", "All principals").
 */
import { globCovers, globMatches, isGlob } from './glob';
import { asList, safeJson } from './values';
import { AWS_ASSUME_ROLE_ACTIONS } from '../core/facts/aws-policies';

/** Principal values of a statement as `TYPE:JSON`, or `*` for every principal. */
function principalsOf(statement: any): string[] {
  const principal = statement?.Principal;
  if (principal === '*') return ['*'];
  if (!principal || typeof principal !== 'object') return [];
  return Object.entries(principal).flatMap(([type, values]) => asList<unknown>(values as any).map((v) => {
    // `{"AWS": "*"}` is every principal; `{"Federated": "*"}` / `{"Service": "*"}` are not documented as such.
    if (v === '*') return type === 'AWS' ? '*' : `${type}:*`;
    return `${type}:${safeJson(v)}`;
  }));
}

const assumeActions = (statement: any): string[] => asList<unknown>(statement?.Action).map(String)
  .filter((action) => AWS_ASSUME_ROLE_ACTIONS.some((assume) => globCovers(action, assume, true)));

/** An unconditional Deny: its principals, and its `Action` patterns, or its `NotAction` patterns (`notAction`). */
interface UnconditionalDeny {
  readonly principals: string[];
  readonly actions: string[];
  readonly notAction: boolean;
}

/** The unconditional Deny statements of a trust (a condition or `NotPrincipal` may leave a gap). */
function unconditionalDenies(statements: readonly any[]): UnconditionalDeny[] {
  return statements.filter((s) => s?.Effect === 'Deny' && s.Condition === undefined && s.NotPrincipal === undefined
    && (s.Action === undefined) !== (s.NotAction === undefined))
    .map((s) => s.NotAction !== undefined
      ? { principals: principalsOf(s), actions: asList<unknown>(s.NotAction).map(String), notAction: true }
      : { principals: principalsOf(s), actions: asList<unknown>(s.Action).map(String), notAction: false });
}

/** The literal characters of a glob before its first and after its last wildcard. */
function literalEnds(pattern: string): [string, string] {
  const first = pattern.search(/[*?]/);
  if (first < 0) return [pattern, pattern];
  const last = Math.max(pattern.lastIndexOf('*'), pattern.lastIndexOf('?'));
  return [pattern.slice(0, first), pattern.slice(last + 1)];
}

/**
 * Whether no action matches both globs (IAM action names ignore case). Sound: two globs are read as disjoint only
 * when their literal prefixes (or suffixes) differ; any other pair may overlap.
 */
function actionsDisjoint(a: string, b: string): boolean {
  if (!isGlob(b)) return !globMatches(a, b, true);
  if (!isGlob(a)) return !globMatches(b, a, true);
  const [[aStart, aEnd], [bStart, bEnd]] = [literalEnds(a.toLowerCase()), literalEnds(b.toLowerCase())];
  return !(aStart.startsWith(bStart) || bStart.startsWith(aStart)) || !(aEnd.endsWith(bEnd) || bEnd.endsWith(aEnd));
}

/**
 * Whether a Deny covers every action an action pattern of an Allow admits: one of its `Action` patterns covers it, or
 * none of its `NotAction` patterns shares an action with it ("NotAction with Deny": every action but the ones listed is
 * denied, IAM User Guide, "IAM JSON policy elements: NotAction",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html).
 */
function denyCovers(deny: UnconditionalDeny, action: string): boolean {
  return deny.notAction ? deny.actions.every((listed) => actionsDisjoint(listed, action)) : deny.actions.some((a) => globCovers(a, action, true));
}

/** The Allow statements of a trust that admit an assumption. */
export function assumingAllows(statements: readonly any[]): any[] {
  return statements.filter((s) => s?.Effect === 'Allow' && (assumeActions(s).length > 0 || s.NotAction !== undefined));
}

/**
 * Whether one Allow statement of a trust is denied whole: each (principal, assume action) of it is covered by an
 * unconditional Deny of the trust (the same principal value or every principal, an `Action` pattern covering it or a
 * `NotAction` list leaving it out).
 */
export function allowIsDenied(allow: any, statements: readonly any[]): boolean {
  if (allow?.NotAction !== undefined || allow?.NotPrincipal !== undefined) return false;
  const denies = unconditionalDenies(statements);
  return principalsOf(allow).every((principal) => assumeActions(allow).every((action) =>
    denies.some((deny) => (deny.principals.includes('*') || deny.principals.includes(principal)) && denyCovers(deny, action))));
}

/** Whether a trust denies every assumption it allows (and allows at least one, and has a Deny). */
export function trustDeniesEveryAssumption(statements: readonly any[]): boolean {
  const allows = assumingAllows(statements);
  if (allows.length === 0 || unconditionalDenies(statements).length === 0) return false;
  return allows.every((allow) => allowIsDenied(allow, statements));
}
