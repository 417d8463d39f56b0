/** Guardrail rules over the neutral model of synthesized output (src/synth/). */

import { NeutralResource } from '../synth/model';

export type { NeutralResource, ResourceFormat } from '../synth/model';

/** What a rule sees besides the resource: the others (for cross-resource rules) and today's date. */
export interface RuleContext {
  /** Every resource being checked. */
  readonly resources: readonly NeutralResource[];
  /** Today, `YYYY-MM-DD` (UTC). */
  readonly today: string;
}

/**
 * One problem a rule found on a resource. The key names the offending element, `Kind::value`
 * (`Action::s3:*`, `Member::principalSet://…/*`, `Field::owner`), with its position where the same value can mean
 * different grants (`Rules[1].Resource::*`): stable across runs, independent of the message wording and unique among
 * the rule's findings on the resource, so that an exception can cover exactly this finding (`findingKey`).
 */
export interface RuleFinding {
  /** Stable key of the finding within its rule and resource, `Kind::value`. */
  readonly key: string;
  /** What is wrong, specifically. */
  readonly message: string;
}

/** The rule inspected the resource and found nothing wrong. */
export interface CompliantResult {
  /** `compliant`. */
  readonly status: 'compliant';
}

/** The rule has nothing to inspect on this resource (another type, or nothing of the kind the rule checks). */
export interface NotApplicableResult {
  /** `not-applicable`. */
  readonly status: 'not-applicable';
}

/** The rule inspected the resource and found at least one problem. */
export interface NonCompliantResult {
  /** `non-compliant`. */
  readonly status: 'non-compliant';
  /** The problems found, at least one. */
  readonly findings: readonly RuleFinding[];
}

/** What a rule says about one resource: compliant, not applicable, or a non-empty list of findings. */
export type RuleResult = CompliantResult | NotApplicableResult | NonCompliantResult;

/** The result of a rule that inspected a resource and found nothing wrong. */
export const COMPLIANT: CompliantResult = Object.freeze({ status: 'compliant' });

/** The result of a rule with nothing to inspect on a resource. */
export const NOT_APPLICABLE: NotApplicableResult = Object.freeze({ status: 'not-applicable' });

/**
 * The verdict of an applicable rule: non-compliant with these findings, or compliant when there are none. A finding
 * repeated exactly (same key and message, e.g. one action allowed by two statements) is reported once.
 */
export function verdict(findings: readonly RuleFinding[]): CompliantResult | NonCompliantResult {
  const unique = findings.filter((f, i) => findings.findIndex((o) => o.key === f.key && o.message === f.message) === i);
  return unique.length === 0 ? COMPLIANT : { status: 'non-compliant', findings: unique };
}

/** A guardrail rule: one per file, a stable id, a one-line finding and an explanation. */
export interface GuardrailRule {
  /** Stable id, e.g. `KL-G-STATIC-CREDENTIAL`. */
  readonly id: string;
  /** One line: what a finding means. */
  readonly info: string;
  /** Why it matters. */
  readonly explanation: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** Checks one resource: compliant, not applicable, or its findings, each with a stable key. */
  check(resource: NeutralResource, context: RuleContext): RuleResult;
}

/** The key of the finding reported when a rule throws or returns something that is not a {@link RuleResult}. */
export const RULE_ERROR_KEY = 'RuleError';

/** One finding. */
export interface Finding {
  /** Rule id. */
  readonly ruleId: string;
  /** File the resource came from. */
  readonly file: string;
  /** Resource type. */
  readonly type: string;
  /** Resource id. */
  readonly resource: string;
  /** Stable key of the finding within its rule and resource (see {@link RuleFinding.key}). */
  readonly key: string;
  /** What is wrong, specifically. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Formats a finding as one line: rule, file, type, resource, `[key]`, message, fix. */
export function formatFinding(finding: Finding): string {
  return `${finding.ruleId} ${finding.file} ${finding.type} ${finding.resource} [${finding.key}]: ${finding.message}. Fix: ${finding.fix}`;
}
