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
  /**
   * Checks one resource. Returns one line per problem (e.g. `Action s3:*`); an empty list means compliant or not
   * applicable.
   */
  check(resource: NeutralResource, context: RuleContext): string[];
}

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
  /** What is wrong, specifically. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Formats a finding as one line: rule, file, resource, message, fix. */
export function formatFinding(finding: Finding): string {
  return `${finding.ruleId} ${finding.file} ${finding.type} ${finding.resource}: ${finding.message}. Fix: ${finding.fix}`;
}
