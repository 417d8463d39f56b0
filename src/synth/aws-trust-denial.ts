/**
 * Whether an AWS role trust denies the assumptions it allows (revocation, core/trust/aws-revocation.ts): read by the
 * inventory (what is revoked, which subject) and by verify (a revoked role that still admits someone is broken).
 * An explicit Deny wins over any Allow (IAM User Guide, "Policy evaluation logic"); `"Principal": "*"` and
 * `{"AWS": "*"}` cover every principal (IAM User Guide, "AWS JSON policy elements: Principal", "All principals").
 */
import { globCovers } from './glob';
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

/** The unconditional Deny statements of a trust (a condition, `NotPrincipal` or `NotAction` may leave a gap). */
function unconditionalDenies(statements: readonly any[]): Array<{ principals: string[]; actions: string[] }> {
  return statements.filter((s) => s?.Effect === 'Deny' && s.Condition === undefined && s.NotPrincipal === undefined && s.NotAction === undefined)
    .map((s) => ({ principals: principalsOf(s), actions: asList<unknown>(s.Action).map(String) }));
}

/** The Allow statements of a trust that admit an assumption. */
export function assumingAllows(statements: readonly any[]): any[] {
  return statements.filter((s) => s?.Effect === 'Allow' && (assumeActions(s).length > 0 || s.NotAction !== undefined));
}

/**
 * Whether one Allow statement of a trust is denied whole: each (principal, assume action) of it is covered by an
 * unconditional Deny of the trust (the same principal value or every principal, an action pattern covering it).
 */
export function allowIsDenied(allow: any, statements: readonly any[]): boolean {
  if (allow?.NotAction !== undefined || allow?.NotPrincipal !== undefined) return false;
  const denies = unconditionalDenies(statements);
  return principalsOf(allow).every((principal) => assumeActions(allow).every((action) =>
    denies.some((deny) => (deny.principals.includes('*') || deny.principals.includes(principal)) && deny.actions.some((a) => globCovers(a, action, true)))));
}

/** Whether a trust denies every assumption it allows (and allows at least one, and has a Deny). */
export function trustDeniesEveryAssumption(statements: readonly any[]): boolean {
  const allows = assumingAllows(statements);
  if (allows.length === 0 || unconditionalDenies(statements).length === 0) return false;
  return allows.every((allow) => allowIsDenied(allow, statements));
}
