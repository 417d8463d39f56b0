import { AWS_WILDCARD_ONLY_ACTIONS } from '../../core/facts/aws-policies';
import { isWildcardResourceArn, permissionStatements } from '../../synth/policy';
import { asList, literal, show } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/**
 * Wildcard resources (`*`, `arn:aws:s3:::*`, a whole resource type such as `arn:aws:iam::123456789012:role/*`: the
 * inventory's reading, synth `isWildcardResourceArn`) for actions that accept a resource. Keys: `Action::ACTION` (the
 * action allowed on `*`), `Action::ACTION on RESOURCE` (allowed on a wildcard ARN), `NotResource::RESOURCES`.
 */
export const wildcardResource: GuardrailRule = {
  id: 'KL-G-WILDCARD-RESOURCE',
  info: 'A policy allows actions on every resource ("*"), or on every resource of a type.',
  explanation: 'Actions that accept a resource ARN should name it: with "*" (or `arn:aws:s3:::*`, `…:role/*`) the identity can act on every bucket, repository, role or key of the account. Only a few actions accept nothing but "*" (e.g. ecr:GetAuthorizationToken).',
  fix: 'name the exact resource ARNs; keep "*" only for actions that accept nothing else, in their own statement',
  check(resource, context) {
    const statements = permissionStatements(resource, context.resources);
    if (statements.length === 0) return NOT_APPLICABLE;
    const allows = statements.filter((s) => s?.Effect === 'Allow');
    return verdict([
      ...allows.flatMap((s): RuleFinding[] => {
        const wildcards = asList<unknown>(s.Resource).map(literal).filter(isWildcardResourceArn);
        const actions = asList<unknown>(s.Action).filter((a): a is string => typeof a === 'string' && !AWS_WILDCARD_ONLY_ACTIONS.includes(a));
        return actions.flatMap((a) => wildcards.map((r) => (r === '*'
          ? { key: `Action::${a}`, message: `Resource * for ${a}` }
          : { key: `Action::${a} on ${r}`, message: `Resource ${r} for ${a}` })));
      }),
      ...allows.filter((s) => s.NotResource !== undefined)
        .map((s) => ({ key: `NotResource::${asList<unknown>(s.NotResource).map(show).join(',')}`, message: 'Allow with NotResource (allows every other resource)' })),
    ]);
  },
};
