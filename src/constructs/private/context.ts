import { IConstruct } from 'constructs';
import { today } from '../../core/clock';
import { ValidationContext } from '../../core/errors';

/** The validation context of a construct: its path for error messages and today's date (see `core/clock`). */
export function validationContext(scope: IConstruct): ValidationContext {
  return { path: scope.node.path, today: today(scope.node.tryGetContext('keyless:today')) };
}
