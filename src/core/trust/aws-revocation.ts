import { OWNERSHIP_PREFIX } from '../ownership';
import { Revocation, REVOKED_KEY, REVOKED_REASON_KEY } from '../revocation';

/**
 * The AWS rendering of a revoked role (see `Revocation`), decided before any construct renders it:
 *
 * - the trust gains `KeylessRevoked`, an explicit `Deny` of every action a trust policy can allow
 *   (AWS_TRUST_ACTIONS) for every principal (`"Principal": "*"`), unconditioned: an explicit deny overrides every
 *   allow (IAM User Guide, "Policy evaluation logic"), and `*` covers every principal (IAM User Guide, "AWS JSON
 *   policy elements: Principal", "All principals"), so no new session is issued, including through a trust statement
 *   added after construction (an escape hatch, an aspect, a hand edit);
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

/**
 * Every action a role trust policy can allow, sorted: the three that issue a session and the three that shape one
 * (Service Authorization Reference, "Actions, resources, and condition keys for AWS Security Token Service": the
 * actions whose resource type is `role`).
 */
export const AWS_TRUST_ACTIONS: readonly string[] = [
  'sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:SetContext', 'sts:SetSourceIdentity', 'sts:TagSession',
];

/** The trust deny statement: every trust action, for every principal, without conditions. */
export function awsRevokedTrustStatement(): { Sid: string; Effect: 'Deny'; Principal: '*'; Action: string[] } {
  return { Sid: AWS_REVOKED_TRUST_SID, Effect: 'Deny', Principal: '*', Action: [...AWS_TRUST_ACTIONS] };
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
