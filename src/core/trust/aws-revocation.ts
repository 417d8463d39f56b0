import { OWNERSHIP_PREFIX } from '../ownership';
import { Revocation, REVOKED_KEY, REVOKED_REASON_KEY } from '../revocation';

/**
 * The AWS rendering of a revoked role (see `Revocation`), decided before any construct renders it:
 *
 * - the trust gains `KeylessRevoked`, an explicit `Deny` of the same actions for the same principals as its
 *   `Allow` statements, unconditioned: an explicit deny overrides every allow, so no new session is issued
 *   (IAM User Guide, "Policy evaluation logic");
 * - the role gets the inline policy `keyless-revoked` whose statement `KeylessRevokeOlderSessions` denies every
 *   action to sessions issued before the moment, `DateLessThan` on `aws:TokenIssueTime`: the policy the IAM console's
 *   "Revoke active sessions" attaches (IAM User Guide, "Revoking IAM role temporary security credentials"). Sessions
 *   already issued are evaluated at each request, so they lose every permission once the policy is in effect
 *   (IAM User Guide, "Disabling permissions for temporary security credentials": "a few minutes" to propagate).
 */

/** Sid of the trust's deny statement. */
export const AWS_REVOKED_TRUST_SID = 'KeylessRevoked';
/** Name of the role's inline deny policy. */
export const AWS_REVOKED_POLICY_NAME = 'keyless-revoked';
/** Sid of the inline policy's statement. */
export const AWS_REVOKED_POLICY_SID = 'KeylessRevokeOlderSessions';

/** The principals of a trust statement, as IAM writes them (`Federated`, `Service` or `AWS`). */
export type AwsTrustPrincipals = Record<string, string | string[]>;

/** A trust statement's principal and actions (its `Allow`), from which the deny is built. */
export interface AwsTrustGrant {
  readonly principal: AwsTrustPrincipals;
  readonly actions: readonly string[];
}

/** The trust deny statement: the union of the grants' principals and actions, sorted, without conditions. */
export function awsRevokedTrustStatement(grants: readonly AwsTrustGrant[]): {
  Sid: string; Effect: 'Deny'; Principal: AwsTrustPrincipals; Action: string[];
} {
  const principals = new Map<string, Set<string>>();
  const actions = new Set<string>();
  for (const grant of grants) {
    for (const [kind, values] of Object.entries(grant.principal)) {
      const set = principals.get(kind) ?? new Set<string>();
      for (const value of ([] as string[]).concat(values)) set.add(value);
      principals.set(kind, set);
    }
    for (const action of grant.actions) actions.add(action);
  }
  const principal = Object.fromEntries([...principals.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([kind, values]) => {
    const sorted = [...values].sort();
    return [kind, sorted.length === 1 ? sorted[0] : sorted];
  }));
  return { Sid: AWS_REVOKED_TRUST_SID, Effect: 'Deny', Principal: principal, Action: [...actions].sort() };
}

/** The inline policy's statement: deny `*` on `*` to sessions issued before the moment. */
export function awsRevokedSessionsStatement(revocation: Revocation): {
  Sid: string; Effect: 'Deny'; Action: '*'; Resource: '*'; Condition: { DateLessThan: { 'aws:TokenIssueTime': string } };
} {
  return {
    Sid: AWS_REVOKED_POLICY_SID,
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { DateLessThan: { 'aws:TokenIssueTime': revocation.sessionsIssuedBefore } },
  };
}

/** The role tags of a revocation: `keyless:revoked` = the moment, `keyless:revoked-reason` = the reason. */
export function awsRevokedTags(revocation: Revocation): Record<string, string> {
  return {
    [`${OWNERSHIP_PREFIX.aws}${REVOKED_KEY}`]: revocation.sessionsIssuedBefore,
    [`${OWNERSHIP_PREFIX.aws}${REVOKED_REASON_KEY}`]: revocation.reason,
  };
}
