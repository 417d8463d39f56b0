import { fail, ValidationContext } from './errors';
import { describeValue, isObject } from './props';

/**
 * A revoked identity: the declaration stays in code (so the diff, the inventory and the review show who was revoked,
 * when and why) and every target renders it as "nothing may use this identity any more":
 *
 * - AWS: the trust gains an explicit `Deny` of the assume-role actions for its principal (no new session), and the
 *   role an inline policy denying every action to sessions whose `aws:TokenIssueTime` is before
 *   `sessionsIssuedBefore` (the policy the IAM console's "Revoke active sessions" attaches).
 * - GCP: the bindings that let the identity's principals act (impersonation, direct grants) are not rendered, the
 *   identity's own service account and provider are disabled.
 * - Azure: the federated identity credentials are not rendered, nor the role assignments Keyless grants.
 *
 * Remove the prop to restore the identity once the incident is over.
 */
export interface Revocation {
  /**
   * Sessions (AWS) issued before this moment are denied every action. A UTC instant, `YYYY-MM-DDTHH:MM:SSZ`.
   *
   * Give the moment you deploy the change, or later: a session issued between this moment and the deployment would
   * not be denied on AWS (new assumptions are refused from the deployment on, whatever the moment).
   */
  readonly sessionsIssuedBefore: string;
  /**
   * Why the identity is revoked, e.g. `INC-4711 runner token leaked`: 3–100 characters of letters, digits, spaces
   * and `_ . : / = + - @` (the AWS tag value character set), written as a tag or label next to the moment.
   */
  readonly reason: string;
}

/** Key suffixes (after the ownership prefix of each target) of the revocation marker: moment and reason. */
export const REVOKED_KEY = 'revoked';
export const REVOKED_REASON_KEY = 'revoked-reason';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
// AWS IAM tag values: [\p{L}\p{Z}\p{N}_.:/=+\-@]* (IAM TagRole API), as for an ownership purpose.
const REASON = /^[\p{L}\p{N} _.:/=+\-@]{3,100}$/u;

/** Whether a value is a real UTC instant written `YYYY-MM-DDTHH:MM:SSZ`. */
export function isIsoInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = INSTANT.exec(value);
  if (!match) return false;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
    && date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s;
}

/**
 * Validates a `revoked` prop.
 *
 * @returns the revocation, or undefined when the identity is not revoked
 */
export function resolveRevocation(value: unknown, ctx: ValidationContext, prop = 'revoked'): Revocation | undefined {
  if (value === undefined) return undefined;
  const example = '`revoked: { sessionsIssuedBefore: "2026-12-03T10:15:00Z", reason: "INC-4711 runner token leaked" }`';
  if (!isObject(value)) {
    fail({
      code: 'KL-REVOKE-INVALID',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}: expected an object with \`sessionsIssuedBefore\` and \`reason\``,
      fix: `give ${example}, or remove the prop to keep the identity active`,
    });
  }
  const unknown = Object.keys(value).filter((key) => key !== 'sessionsIssuedBefore' && key !== 'reason');
  if (unknown.length > 0) {
    fail({
      code: 'KL-REVOKE-INVALID',
      path: ctx.path,
      prop: `${prop}.${unknown[0]}`,
      problem: 'is not a revocation field: a revocation has exactly `sessionsIssuedBefore` and `reason`',
      fix: `give ${example}`,
    });
  }
  if (!isIsoInstant(value.sessionsIssuedBefore)) {
    fail({
      code: 'KL-REVOKE-MOMENT',
      path: ctx.path,
      prop: `${prop}.sessionsIssuedBefore`,
      problem: `is ${describeValue(value.sessionsIssuedBefore)}: expected a real UTC instant written YYYY-MM-DDTHH:MM:SSZ (seconds, \`Z\`, no offset or fraction), as IAM's \`aws:TokenIssueTime\` compares it`,
      fix: 'give the moment you deploy the revocation, or later, e.g. "2026-12-03T10:15:00Z"',
    });
  }
  if (typeof value.reason !== 'string' || !REASON.test(value.reason)) {
    fail({
      code: 'KL-REVOKE-REASON',
      path: ctx.path,
      prop: `${prop}.reason`,
      problem: `is ${describeValue(value.reason)}: expected 3–100 characters of letters, digits, spaces and \`_ . : / = + - @\` (it is written as a tag next to the moment)`,
      fix: 'name the incident, e.g. "INC-4711 runner token leaked"',
    });
  }
  return { sessionsIssuedBefore: value.sessionsIssuedBefore, reason: value.reason };
}
