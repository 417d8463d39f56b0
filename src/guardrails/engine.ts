import { exceptionIsLive, exceptionMatches, exceptionProblems, GuardrailException, validateExceptions } from './exceptions';
import { Finding, GuardrailRule, NeutralResource, RuleContext } from './model';
import { ALL_RULES } from './rules';

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  /** Rules to run. @default - every Keyless rule */
  readonly rules?: readonly GuardrailRule[];
  /** Time-boxed exceptions. @default - none */
  readonly exceptions?: readonly GuardrailException[];
  /** Today, `YYYY-MM-DD`. */
  readonly today: string;
}

/** The outcome of a guardrail run. */
export interface GuardrailReport {
  /** Findings not covered by a live exception: each one fails synthesis in `error` mode. */
  readonly findings: Finding[];
  /** Findings covered by a live exception (exception debt). */
  readonly excepted: Array<Finding & { readonly exception: GuardrailException }>;
  /** Problems with the exceptions themselves (invalid or expired): errors. */
  readonly exceptionErrors: string[];
  /** Number of resources checked. */
  readonly resourcesChecked: number;
}

/** Runs rules over resources. A rule that throws is reported as a finding, never fatal. */
export function evaluate(resources: readonly NeutralResource[], options: EvaluateOptions): GuardrailReport {
  const rules = options.rules ?? ALL_RULES;
  const exceptions = options.exceptions ?? [];
  const exceptionErrors = validateExceptions(exceptions, rules.map((r) => r.id));
  exceptions.forEach((exception, i) => {
    // exceptionIsLive refuses an invalid today; an invalid expiry is reported by validateExceptions.
    if (typeof exception.expires === 'string' && !exceptionIsLive(exception, options.today) && exception.expires < options.today) {
      exceptionErrors.push(`exceptions[${i}]: the exception to ${exception.ruleId} for ${exception.resource} (owner ${exception.owner}) expired on ${exception.expires}: fix the finding, or renew the exception with a new reason and date`);
    }
  });
  // Only valid, unexpired exceptions cover findings: an exception without an owner or a reason covers nothing.
  const ruleIds = rules.map((r) => r.id);
  const liveExceptions = exceptions.filter((e, i) => exceptionProblems(e, i, ruleIds).length === 0 && exceptionIsLive(e, options.today));
  const context: RuleContext = { resources, today: options.today };
  const findings: Finding[] = [];
  const excepted: Array<Finding & { exception: GuardrailException }> = [];
  for (const resource of resources) {
    for (const rule of rules) {
      let messages: string[];
      try {
        messages = rule.check(resource, context);
      } catch (error) {
        messages = [`the rule failed on this resource (${(error as Error).message}); it is reported, not skipped`];
      }
      for (const message of messages) {
        const finding: Finding = { ruleId: rule.id, file: resource.file, type: resource.type, resource: resource.id, message, fix: rule.fix };
        const exception = liveExceptions.find((e) => exceptionMatches(e, rule.id, resource.file, resource.id));
        if (exception) excepted.push({ ...finding, exception });
        else findings.push(finding);
      }
    }
  }
  const order = (a: Finding, b: Finding) => `${a.file}\0${a.resource}\0${a.ruleId}\0${a.message}`.localeCompare(`${b.file}\0${b.resource}\0${b.ruleId}\0${b.message}`);
  return { findings: findings.sort(order), excepted: excepted.sort(order), exceptionErrors, resourcesChecked: resources.length };
}

/** Whether a report fails in `error` mode. */
export function reportFails(report: GuardrailReport): boolean {
  return report.findings.length > 0 || report.exceptionErrors.length > 0;
}
