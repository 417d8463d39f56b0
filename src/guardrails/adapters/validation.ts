import { evaluate } from '../engine';
import { GuardrailException } from '../exceptions';
import { formatFinding, NeutralResource } from '../model';

/** Options of the guardrail adapters. */
export interface GuardrailOptions {
  /** `error` fails synthesis on any finding not covered by a live exception; `report` only reports. @default 'error' */
  readonly mode?: 'error' | 'report';
  /** Time-boxed exceptions. @default - none */
  readonly exceptions?: GuardrailException[];
  /** Today (`YYYY-MM-DD`). @default - `KEYLESS_TODAY` or the date (UTC) */
  readonly today?: string;
}

/**
 * The errors a framework validation returns for the resources it checks: every finding not covered by a live
 * exception, then every exception problem, all at once (one synthesis, one error). `synthesis` reads every resource
 * of the app, for the tiers of exceptions naming resources outside the checked scope; it is read only when there are
 * exceptions.
 */
export function guardrailErrors(
  resources: readonly NeutralResource[], options: GuardrailOptions, today: string, synthesis: () => readonly NeutralResource[],
): string[] {
  const exceptions = options.exceptions ?? [];
  const report = evaluate(resources, { exceptions, today, synthesis: exceptions.length > 0 ? synthesis() : undefined });
  if (options.mode === 'report') return [];
  return [...report.findings.map(formatFinding), ...report.exceptionErrors];
}
