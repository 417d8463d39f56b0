import { fail, ValidationContext } from './errors';
import { describeValue } from './props';

/**
 * Risk tier of an identity: 1 is the most sensitive (production write, publishing, privileged), 3 the least.
 */
export type RiskTier = 1 | 2 | 3;

/** What a risk tier allows. */
export interface TierPolicy {
  /** The tier. */
  readonly tier: RiskTier;
  /** Longest credential (session) lifetime, in seconds. */
  readonly maxSessionSeconds: number;
  /** How far ahead the review-by date may be, in days. */
  readonly maxReviewHorizonDays: number;
  /** How far ahead a guardrail exception on an identity of the tier may expire, in days. */
  readonly maxExceptionDays: number;
}

/** Session lifetime Keyless uses when none is asked for: the shortest AWS allows (MaxSessionDuration ≥ 3600 s). */
export const DEFAULT_SESSION_SECONDS = 3600;

/** AWS IAM MaxSessionDuration bounds: 3600–43200 seconds (IAM CreateRole). */
export const AWS_MIN_SESSION_SECONDS = 3600;
export const AWS_MAX_SESSION_SECONDS = 43200;

/**
 * The tier policy. Tier 1 credentials live at most one hour.
 *
 * Exception lifetimes (`maxExceptionDays`) come from the issue that introduced them and the review horizons above:
 * tier 1 allows 90 days, the issue's own example ("e.g. 90 days for tier 1", issue 15), half the tier 1 review
 * horizon; tier 3 allows 365 days, its review horizon, so that no exception outlives a review cycle of the tier;
 * tier 2 allows 180 days, in between (the tier 1 review horizon). Longer is an error: an exception is a dated debt,
 * not a permanent suppression.
 */
export const TIER_POLICIES: Readonly<Record<RiskTier, TierPolicy>> = Object.freeze({
  1: { tier: 1, maxSessionSeconds: 3600, maxReviewHorizonDays: 180, maxExceptionDays: 90 },
  2: { tier: 2, maxSessionSeconds: 4 * 3600, maxReviewHorizonDays: 365, maxExceptionDays: 180 },
  3: { tier: 3, maxSessionSeconds: 12 * 3600, maxReviewHorizonDays: 365, maxExceptionDays: 365 },
});

/**
 * A risk tier as written in synthesized output (`keyless:tier` tags, labels and descriptions are text: `"1"`; a
 * YAML template may write the number `1`); undefined for anything else.
 */
export function parseRiskTier(value: unknown): RiskTier | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
  return text === '1' || text === '2' || text === '3' ? Number(text) as RiskTier : undefined;
}

/** Returns the policy of a tier. */
export function tierPolicy(tier: RiskTier): TierPolicy {
  return TIER_POLICIES[tier];
}

/**
 * Resolves the session lifetime of an identity: the requested value, bounded by the tier, or the default.
 *
 * @param requestedSeconds the lifetime the caller asked for, if any
 * @param tier the identity's risk tier
 * @param prop the prop name used in errors
 */
export function resolveSessionSeconds(
  requestedSeconds: number | undefined,
  tier: RiskTier,
  ctx: ValidationContext,
  prop = 'maxSessionDuration',
): number {
  const policy = tierPolicy(tier);
  if (requestedSeconds === undefined) {
    return Math.min(DEFAULT_SESSION_SECONDS, policy.maxSessionSeconds);
  }
  if (!Number.isInteger(requestedSeconds) || requestedSeconds <= 0) {
    fail({
      code: 'KL-SESSION-INVALID',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(requestedSeconds)} seconds: a session lifetime must be a whole, positive number of seconds`,
      fix: 'give a whole number of seconds, e.g. Duration.hours(1)',
    });
  }
  if (requestedSeconds > policy.maxSessionSeconds) {
    fail({
      code: 'KL-SESSION-OVER-TIER',
      path: ctx.path,
      prop,
      problem: `is ${requestedSeconds} seconds, over the tier ${tier} maximum of ${policy.maxSessionSeconds} seconds`,
      fix: `ask for at most ${policy.maxSessionSeconds} seconds, or declare the identity in a lower-risk tier if that is really what it is`,
    });
  }
  return requestedSeconds;
}

/** Checks that a session lifetime is within the AWS MaxSessionDuration bounds. */
export function checkAwsSessionBounds(seconds: number, ctx: ValidationContext, prop = 'maxSessionDuration'): number {
  if (!Number.isInteger(seconds) || seconds < AWS_MIN_SESSION_SECONDS || seconds > AWS_MAX_SESSION_SECONDS) {
    fail({
      code: 'KL-AWS-SESSION-BOUNDS',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(seconds)} seconds, outside the AWS IAM MaxSessionDuration range of ${AWS_MIN_SESSION_SECONDS}–${AWS_MAX_SESSION_SECONDS} seconds`,
      fix: `give a value between ${AWS_MIN_SESSION_SECONDS} and ${AWS_MAX_SESSION_SECONDS} seconds (a role session can be shortened further by the caller's DurationSeconds)`,
      docs: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html',
    });
  }
  return seconds;
}
