import { fail, quote, ReferenceFramework, ValidationContext } from './errors';
import { isAcceptedReference, requireLiterals } from './literal';

/**
 * A value of a publish target, exactly: a literal matching `pattern` (no wildcards), or, with `reference`, a reference
 * to the resource in the app (never a deploy-time input).
 */
export function checkPattern(
  value: unknown, pattern: RegExp, ctx: ValidationContext, prop: string, code: string, what: string, example: string,
  options: { reference?: ReferenceFramework } = {},
): string {
  // The resource being granted on may be named by a reference to it in the app (never a deploy-time input).
  if (options.reference && isAcceptedReference(value, ctx, options.reference)) return value;
  requireLiterals(value, ctx, prop, 'where the identity may publish');
  if (typeof value !== 'string' || /[*?]/.test(value) || !pattern.test(value)) {
    fail({
      code,
      path: ctx.path,
      prop,
      problem: `is ${quote(value)}: ${what}${typeof value === 'string' && /[*?]/.test(value) ? ', with no wildcards' : ''}`,
      fix: `give the exact value, e.g. "${example}"`,
    });
  }
  return value;
}
