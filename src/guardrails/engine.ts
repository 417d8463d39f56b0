import { describeException, exceptionIsLive, exceptionMatches, exceptionProblems, GuardrailException } from './exceptions';
import { Finding, GuardrailRule, NeutralResource, RULE_ERROR_KEY, RuleContext, RuleFinding } from './model';
import { ALL_RULES } from './rules';
import { isIsoDate } from '../core/dates';

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  /** Rules to run. @default - every Keyless rule */
  readonly rules?: readonly GuardrailRule[];
  /** Time-boxed exceptions. @default - none */
  readonly exceptions?: readonly GuardrailException[];
  /** Today, `YYYY-MM-DD`. */
  readonly today: string;
  /**
   * Every resource of the synthesis the checked resources belong to (e.g. every stack of the app when one stack is
   * checked): an exception is held to the tier of the resource it names, wherever that resource is.
   * @default - the resources checked
   */
  readonly synthesis?: readonly NeutralResource[];
}

/** The outcome of a guardrail run. */
export interface GuardrailReport {
  /** Findings not covered by a live exception: each one fails synthesis in `error` mode. */
  readonly findings: Finding[];
  /** Findings covered by a live exception (exception debt). */
  readonly excepted: Array<Finding & { readonly exception: GuardrailException }>;
  /** Problems with the exceptions themselves (invalid, too long-lived or expired): errors. */
  readonly exceptionErrors: string[];
  /** Number of resources checked. */
  readonly resourcesChecked: number;
}

/**
 * The findings of one rule on one resource. A rule that throws, or returns anything but a compliant, not-applicable
 * or non-empty non-compliant result, is reported as one `RuleError` finding: never fatal, never silently compliant.
 */
function findingsOf(rule: GuardrailRule, resource: NeutralResource, context: RuleContext): readonly RuleFinding[] {
  let result: unknown;
  try {
    result = rule.check(resource, context);
  } catch (error) {
    return [{ key: RULE_ERROR_KEY, message: `the rule failed on this resource (${(error as Error)?.message ?? String(error)}); it is reported, not skipped` }];
  }
  const status = (result as { status?: unknown } | undefined)?.status;
  if (status === 'compliant' || status === 'not-applicable') return [];
  const findings = (result as { findings?: unknown } | undefined)?.findings;
  const wellFormed = Array.isArray(findings) && findings.length > 0
    && findings.every((f) => typeof f?.key === 'string' && f.key !== '' && typeof f?.message === 'string');
  if (status === 'non-compliant' && wellFormed) return findings as RuleFinding[];
  let shown: string;
  try {
    shown = JSON.stringify(result) ?? String(result);
  } catch {
    shown = String(result);
  }
  return [{
    key: RULE_ERROR_KEY,
    message: `the rule returned ${shown.length > 120 ? `${shown.slice(0, 117)}...` : shown}, which is not a result (compliant, not-applicable, or non-compliant with findings that each have a key and a message); it is reported, not skipped`,
  }];
}

/**
 * Runs rules over resources. A rule that throws is reported as a `RuleError` finding, never fatal, and never covered by
 * an exception.
 */
export function evaluate(resources: readonly NeutralResource[], options: EvaluateOptions): GuardrailReport {
  const rules = options.rules ?? ALL_RULES;
  const exceptions = options.exceptions ?? [];
  const ruleIds = rules.map((r) => r.id);
  const lifetime = { today: options.today, resources: options.synthesis ?? resources };
  // Each exception's problems once (its tier is looked up among every resource): they are both the errors and what
  // keeps the exception from covering anything.
  const problems = exceptions.map((exception, i) => exceptionProblems(exception, i, ruleIds, lifetime));
  const exceptionErrors = problems.flat();
  exceptions.forEach((exception, i) => {
    // exceptionIsLive refuses an invalid today; an invalid expiry ("2026-02-29") is reported with the other problems
    // only ("not a date"), never as expired too.
    if (isIsoDate(exception?.expires) && !exceptionIsLive(exception, options.today) && exception.expires < options.today) {
      exceptionErrors.push(`exceptions[${i}]: ${describeException(exception)} expired on ${exception.expires}: fix the finding, or renew the exception with a new reason and date`);
    }
  });
  // Only valid, unexpired exceptions cover findings: an exception without an owner, a reason or a lifetime the tier
  // allows covers nothing.
  const liveExceptions = exceptions.filter((e, i) => problems[i].length === 0 && exceptionIsLive(e, options.today));
  const context: RuleContext = { resources, today: options.today };
  const findings: Finding[] = [];
  const excepted: Array<Finding & { exception: GuardrailException }> = [];
  for (const resource of resources) {
    for (const rule of rules) {
      for (const { key, message } of findingsOf(rule, resource, context)) {
        const finding: Finding = { ruleId: rule.id, file: resource.file, type: resource.type, resource: resource.id, key, message, fix: rule.fix };
        // A RuleError is a rule that could not check the resource: no exception covers it (not one without a
        // finding key, not one naming `RuleError`), since what it would waive is unknown.
        const exception = key === RULE_ERROR_KEY ? undefined
          : liveExceptions.find((e) => exceptionMatches(e, rule.id, resource.file, resource.id, key));
        if (exception) excepted.push({ ...finding, exception });
        else findings.push(finding);
      }
    }
  }
  const text = (f: Finding) => `${f.file}\0${f.resource}\0${f.ruleId}\0${f.message}\0${f.key}`;
  // Code-unit order, not localeCompare: the same on every machine and locale (reports and PR diffs stay stable).
  const order = (a: Finding, b: Finding) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0);
  return { findings: findings.sort(order), excepted: excepted.sort(order), exceptionErrors, resourcesChecked: resources.length };
}

/** Whether a report fails in `error` mode. */
export function reportFails(report: GuardrailReport): boolean {
  return report.findings.length > 0 || report.exceptionErrors.length > 0;
}
