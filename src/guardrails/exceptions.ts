import { RULE_ERROR_KEY } from './model';
import { addDays, daysBetween, isIsoDate } from '../core/dates';
import { fail, quote } from '../core/errors';
import { parseRiskTier, RiskTier, TIER_POLICIES } from '../core/tier';
import { NeutralResource } from '../synth/model';
import { ownershipFieldsOf } from '../synth/ownership';

/**
 * A time-boxed exception to one rule for one resource, and optionally for one finding of it. Exceptions are data: a
 * reason, an owner and an expiry no further ahead than the identity's tier allows. There are no blanket
 * suppressions: the resource is named exactly.
 */
export interface GuardrailException {
  /** The rule excepted. */
  readonly ruleId: string;
  /** The resource, exactly as findings name it (`file:id` or `id`). */
  readonly resource: string;
  /**
   * The finding excepted, by its key exactly as findings show it (`Action::s3:*`; a `*` in a key is a literal
   * character, not a pattern). @default - every finding of the rule on the resource
   */
  readonly findingKey?: string;
  /** Why, at least 10 characters. */
  readonly reason: string;
  /** Who owns the exception. */
  readonly owner: string;
  /**
   * `YYYY-MM-DD`: after this date the exception is an error. At most the tier's `maxExceptionDays` after today (tier
   * 1: 90 days, tier 2: 180, tier 3: 365; a resource without a tier is held to tier 1).
   */
  readonly expires: string;
}

/** What the maximum lifetime of exceptions is checked against: today and the resources being checked (their tiers). */
export interface ExceptionLifetimeContext {
  /** Today, `YYYY-MM-DD`. */
  readonly today: string;
  /** The resources checked: an exception's tier is the `tier` ownership of the resource it names. */
  readonly resources: readonly NeutralResource[];
}

/** Problems with exceptions themselves, as messages. */
export function validateExceptions(
  exceptions: readonly GuardrailException[], ruleIds: readonly string[], lifetime?: ExceptionLifetimeContext,
): string[] {
  return exceptions.flatMap((exception, i) => exceptionProblems(exception, i, ruleIds, lifetime));
}

/** How messages name an exception: its rule, finding key if any, resource and owner. */
export function describeException(exception: GuardrailException): string {
  const key = exception.findingKey === undefined ? '' : ` finding ${exception.findingKey}`;
  return `the exception to ${exception.ruleId}${key} for ${exception.resource} (owner ${exception.owner})`;
}

/**
 * Problems with one exception; an exception with any problem covers nothing. With a lifetime context, an expiry
 * further ahead than the tier of the excepted resource allows is a problem too.
 */
export function exceptionProblems(
  exception: GuardrailException, i: number, ruleIds: readonly string[], lifetime?: ExceptionLifetimeContext,
): string[] {
  const problems: string[] = [];
  const where = `exceptions[${i}]`;
  // Exceptions are read from files: a null or an array must be reported, not crash the run.
  if (typeof exception !== 'object' || exception === null || Array.isArray(exception)) {
    return [`${where} is ${JSON.stringify(exception) ?? String(exception)}: an exception is an object { ruleId, resource, reason, owner, expires }`];
  }
  if (!ruleIds.includes(exception.ruleId)) problems.push(`${where}: \`ruleId\` is ${JSON.stringify(exception.ruleId)}, which is not a rule id (${ruleIds.join(', ')})`);
  if (typeof exception.resource !== 'string' || exception.resource === '' || /[*?]/.test(exception.resource)) {
    problems.push(`${where}: \`resource\` is ${JSON.stringify(exception.resource)}: name one resource exactly (no wildcards, no blanket suppressions)`);
  }
  if (exception.findingKey !== undefined && (typeof exception.findingKey !== 'string' || exception.findingKey.trim() === '' || exception.findingKey.trim() !== exception.findingKey)) {
    problems.push(`${where}: \`findingKey\` is ${JSON.stringify(exception.findingKey)}: give one finding key exactly as findings show it (e.g. "Action::s3:*"), or leave it out to cover every finding of the rule on the resource`);
  }
  if (exception.findingKey === RULE_ERROR_KEY) {
    problems.push(`${where}: \`findingKey\` is "${RULE_ERROR_KEY}": a rule that failed on a resource is never excepted (its input could not be checked); fix the input or the rule`);
  }
  if (typeof exception.reason !== 'string' || exception.reason.trim().length < 10) problems.push(`${where}: \`reason\` is ${JSON.stringify(exception.reason)}: give a reason of at least 10 characters`);
  if (typeof exception.owner !== 'string' || exception.owner.trim() === '') problems.push(`${where}: \`owner\` is missing: every exception has an owner`);
  // A real calendar date only: "2099-13-45" must cover nothing, not compare as text against today.
  if (!isIsoDate(exception.expires)) {
    problems.push(`${where}: \`expires\` is ${JSON.stringify(exception.expires)}: give the date the exception ends, as YYYY-MM-DD`);
  } else if (lifetime !== undefined && isIsoDate(lifetime.today)) {
    const problem = lifetimeProblem(exception, lifetime);
    if (problem !== undefined) problems.push(`${where}: ${problem}`);
  }
  return problems;
}

/**
 * The tier an exception is held to: the `tier` ownership of the resource it names (the strictest, if the name fits
 * resources of several files), or tier 1 when no such resource declares one.
 */
export function exceptionTier(exception: Pick<GuardrailException, 'resource'>, resources: readonly NeutralResource[]): { readonly tier: RiskTier; readonly declared: boolean; readonly found: boolean } {
  const named = resources.filter((r) => exception.resource === r.id || exception.resource === `${r.file}:${r.id}`);
  const tiers = named.map((r) => parseRiskTier(ownershipFieldsOf(r)?.tier));
  const declared = tiers.length > 0 && tiers.every((t) => t !== undefined);
  return { tier: declared ? Math.min(...(tiers as RiskTier[])) as RiskTier : 1, declared, found: named.length > 0 };
}

/** Why an exception lives longer than its tier allows, or undefined. Expired exceptions are reported elsewhere. */
function lifetimeProblem(exception: GuardrailException, lifetime: ExceptionLifetimeContext): string | undefined {
  const { tier, declared, found } = exceptionTier(exception, lifetime.resources);
  const max = TIER_POLICIES[tier].maxExceptionDays;
  const days = daysBetween(lifetime.today, exception.expires);
  if (days <= max) return undefined;
  const why = declared ? `${exception.resource} is tier ${tier}`
    : found ? `${exception.resource} declares no tier, so tier 1 applies` : `no resource ${exception.resource} was checked, so tier 1 applies`;
  return `${describeException(exception)} expires on ${exception.expires}, ${days} days after today (${lifetime.today}): ${why}, and a tier ${tier} exception lives at most ${max} days: set \`expires\` on or before ${addDays(lifetime.today, max)}, or fix the finding`;
}

/**
 * Whether an exception covers a finding: its rule, its resource (`file:id` or `id`) and, when the exception names one,
 * its finding key (exactly).
 */
export function exceptionMatches(exception: GuardrailException, ruleId: string, file: string, resource: string, key?: string): boolean {
  return exception.ruleId === ruleId && (exception.resource === resource || exception.resource === `${file}:${resource}`)
    && (exception.findingKey === undefined || exception.findingKey === key);
}

/**
 * Whether an exception is live on `today`: valid expiry date, not yet passed (the exception still holds on its
 * expiry date). An invalid expiry is never live; an invalid `today` is refused with `KL-CLOCK` rather than
 * compared as text.
 */
export function exceptionIsLive(exception: GuardrailException, today: string): boolean {
  if (!isIsoDate(today)) {
    fail({
      code: 'KL-CLOCK',
      path: 'guardrails',
      prop: 'today',
      problem: `is ${quote(today)}: exception expiries are checked against a real calendar date written as YYYY-MM-DD`,
      fix: 'pass `today` as a date such as "2026-11-22", or leave it unset to use `keyless:today`, KEYLESS_TODAY or the current date (UTC)',
    });
  }
  return isIsoDate(exception.expires) && exception.expires >= today;
}
