import { LoggingClause, LoggingFilter } from '../../src/core/detections/gcp';

// An evaluator of the structured clauses over a LogEntry (JSON), as the Logging query language defines them
// (https://cloud.google.com/logging/docs/view/logging-query-language): `=` equality, `=~` RE2 regular expression
// (JavaScript's RegExp agrees with RE2 on the anchors, groups and classes used here), `>` numeric; a comparison with
// a missing field is false, so `NOT` of it is true.

function field(entry: unknown, fieldPath: string): unknown {
  return fieldPath.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), entry);
}

function holds(clause: LoggingClause, entry: unknown): boolean {
  const value = field(entry, clause.field);
  if (value === undefined) return false;
  if (clause.operator === '>') return typeof value === 'number' && value > (clause.value as number);
  if (typeof value !== 'string') return false;
  return clause.operator === '=' ? value === clause.value : new RegExp(clause.value as string).test(value);
}

/** Whether a Logging filter selects a LogEntry. */
export function matches(filter: LoggingFilter, entry: unknown): boolean {
  return filter.terms.every((term) => {
    if (term.kind === 'clause') return holds(term.clause, entry);
    const any = term.clauses.some((c) => holds(c, entry));
    return term.kind === 'any' ? any : !any;
  });
}
