import { isGlob } from '../../synth/glob';
import { permissionStatements } from '../../synth/policy';
import { asList, show } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/**
 * Wildcard actions (`*` or `?`, as IAM reads them: `iam:P?ssRole`) in Allow statements. Keys: `Action::ACTION`
 * (`Action::s3:*`), `NotAction::ACTIONS`.
 */
export const wildcardAction: GuardrailRule = {
  id: 'KL-G-WILDCARD-ACTION',
  info: 'A policy allows a wildcard action.',
  explanation: 'A `*` (or `?`) in an action grants every present and future action it matches, including destructive and privilege-escalating ones, so the identity\'s real permissions cannot be reviewed.',
  fix: 'list the exact actions the identity needs',
  check(resource, context) {
    const statements = permissionStatements(resource, context.resources);
    if (statements.length === 0) return NOT_APPLICABLE;
    return verdict(statements.filter((s) => s?.Effect === 'Allow').flatMap((s): RuleFinding[] => [
      ...asList<unknown>(s.Action).filter((a): a is string => typeof a === 'string' && isGlob(a)).map((a) => ({ key: `Action::${a}`, message: `Action ${a}` })),
      ...(s.NotAction !== undefined
        ? [{ key: `NotAction::${asList<unknown>(s.NotAction).map(show).join(',')}`, message: 'Allow with NotAction (allows everything else)' }]
        : []),
    ]));
  },
};
