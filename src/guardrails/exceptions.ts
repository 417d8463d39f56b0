import { isIsoDate } from '../core/dates';
import { fail, quote } from '../core/errors';

/**
 * A time-boxed exception to one rule for one resource. Exceptions are data: a reason, an owner and an expiry.
 * There are no blanket suppressions: the resource is named exactly.
 */
export interface GuardrailException {
  /** The rule excepted. */
  readonly ruleId: string;
  /** The resource, exactly as findings name it (`file:id` or `id`). */
  readonly resource: string;
  /** Why, at least 10 characters. */
  readonly reason: string;
  /** Who owns the exception. */
  readonly owner: string;
  /** `YYYY-MM-DD`: after this date the exception is an error. */
  readonly expires: string;
}

/** Problems with exceptions themselves, as messages. */
export function validateExceptions(exceptions: readonly GuardrailException[], ruleIds: readonly string[]): string[] {
  return exceptions.flatMap((exception, i) => exceptionProblems(exception, i, ruleIds));
}

/** Problems with one exception; an exception with any problem covers nothing. */
export function exceptionProblems(exception: GuardrailException, i: number, ruleIds: readonly string[]): string[] {
  const problems: string[] = [];
  {
    const where = `exceptions[${i}]`;
    // Exceptions are read from files: a null or an array must be reported, not crash the run.
    if (typeof exception !== 'object' || exception === null || Array.isArray(exception)) {
      return [`${where} is ${JSON.stringify(exception) ?? String(exception)}: an exception is an object { ruleId, resource, reason, owner, expires }`];
    }
    if (!ruleIds.includes(exception.ruleId)) problems.push(`${where}: \`ruleId\` is ${JSON.stringify(exception.ruleId)}, which is not a rule id (${ruleIds.join(', ')})`);
    if (typeof exception.resource !== 'string' || exception.resource === '' || /[*?]/.test(exception.resource)) {
      problems.push(`${where}: \`resource\` is ${JSON.stringify(exception.resource)}: name one resource exactly (no wildcards, no blanket suppressions)`);
    }
    if (typeof exception.reason !== 'string' || exception.reason.trim().length < 10) problems.push(`${where}: \`reason\` is ${JSON.stringify(exception.reason)}: give a reason of at least 10 characters`);
    if (typeof exception.owner !== 'string' || exception.owner.trim() === '') problems.push(`${where}: \`owner\` is missing: every exception has an owner`);
    // A real calendar date only: "2099-13-45" must cover nothing, not compare as text against today.
    if (!isIsoDate(exception.expires)) problems.push(`${where}: \`expires\` is ${JSON.stringify(exception.expires)}: give the date the exception ends, as YYYY-MM-DD`);
  }
  return problems;
}

/** Whether an exception covers a finding's resource (`file:id` or `id`). */
export function exceptionMatches(exception: GuardrailException, ruleId: string, file: string, resource: string): boolean {
  return exception.ruleId === ruleId && (exception.resource === resource || exception.resource === `${file}:${resource}`);
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
