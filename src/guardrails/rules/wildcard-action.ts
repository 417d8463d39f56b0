import { permissionStatements } from '../../synth/policy';
import { asList } from '../../synth/values';
import { GuardrailRule } from '../model';

/** Wildcard actions in Allow statements. */
export const wildcardAction: GuardrailRule = {
  id: 'KL-G-WILDCARD-ACTION',
  info: 'A policy allows a wildcard action.',
  explanation: 'A `*` in an action grants every present and future action it matches, including destructive and privilege-escalating ones, so the identity\'s real permissions cannot be reviewed.',
  fix: 'list the exact actions the identity needs',
  check(resource) {
    return permissionStatements(resource)
      .filter((s) => s?.Effect === 'Allow')
      .flatMap((s) => asList<unknown>(s.Action).concat(s.NotAction !== undefined ? ['NotAction'] : []))
      .filter((a): a is string => typeof a === 'string' && (a.includes('*') || a === 'NotAction'))
      .map((a) => (a === 'NotAction' ? 'Allow with NotAction (allows everything else)' : `Action ${a}`));
  },
};
