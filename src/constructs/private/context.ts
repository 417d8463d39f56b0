import { IConstruct } from 'constructs';
import { today } from '../../core/clock';
import { ValidationContext } from '../../core/errors';

/**
 * The validation context of a construct: its path for error messages and today's date (see `core/clock`).
 *
 * The `keyless:today` context value is read where the construct sits, so a value set on a stage or stack applies
 * to the constructs under it; a pinned date that is not a real calendar date fails here with `KL-CLOCK`, naming
 * the construct, before any date bound is computed from it.
 */
export function validationContext(scope: IConstruct): ValidationContext {
  const path = scope.node.path;
  return { path, today: today(scope.node.tryGetContext('keyless:today'), path) };
}
