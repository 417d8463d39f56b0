import { AWS_WILDCARD_ONLY_ACTIONS } from '../../core/facts/aws-policies';
import { permissionStatements } from '../../synth/policy';
import { asList, show } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/**
 * `Resource: "*"` for actions that accept a resource. Keys: `Action::ACTION` (the action allowed on `*`),
 * `NotResource::RESOURCES`.
 */
export const wildcardResource: GuardrailRule = {
  id: 'KL-G-WILDCARD-RESOURCE',
  info: 'A policy allows actions on every resource ("*").',
  explanation: 'Actions that accept a resource ARN should name it: with "*" the identity can act on every bucket, repository or key of the account. Only a few actions accept nothing but "*" (e.g. ecr:GetAuthorizationToken).',
  fix: 'name the exact resource ARNs; keep "*" only for actions that accept nothing else, in their own statement',
  check(resource) {
    const statements = permissionStatements(resource);
    if (statements.length === 0) return NOT_APPLICABLE;
    const allows = statements.filter((s) => s?.Effect === 'Allow');
    return verdict([
      ...allows.filter((s) => asList<unknown>(s.Resource).includes('*'))
        .flatMap((s) => asList<unknown>(s.Action).filter((a): a is string => typeof a === 'string' && !AWS_WILDCARD_ONLY_ACTIONS.includes(a)))
        .map((a) => ({ key: `Action::${a}`, message: `Resource * for ${a}` })),
      ...allows.filter((s) => s.NotResource !== undefined)
        .map((s) => ({ key: `NotResource::${asList<unknown>(s.NotResource).map(show).join(',')}`, message: 'Allow with NotResource (allows every other resource)' })),
    ]);
  },
};
