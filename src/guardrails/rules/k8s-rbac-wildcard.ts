import { asList } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/** What a key calls each RBAC rule field. */
const KIND = { apiGroups: 'ApiGroup', resources: 'Resource', verbs: 'Verb', nonResourceURLs: 'NonResourceURL' } as const;

/**
 * RBAC rules with wildcards. Keys: `ApiGroup::*`, `Resource::*`, `Verb::*`, `NonResourceURL::/*` (the wildcard
 * values of the field, comma-separated).
 */
export const k8sRbacWildcard: GuardrailRule = {
  id: 'KL-G-K8S-RBAC-WILDCARD',
  info: 'An RBAC role grants wildcard verbs, resources or API groups.',
  explanation: 'A `*` in a Role or ClusterRole covers every present and future resource or verb (including secrets, escalate, bind and impersonate).',
  fix: 'list the exact apiGroups, resources and verbs',
  check(resource) {
    if (resource.format !== 'kubernetes' || (resource.type !== 'Role' && resource.type !== 'ClusterRole')) return NOT_APPLICABLE;
    return verdict(asList<any>(resource.properties.rules).flatMap((rule, i) => (Object.keys(KIND) as Array<keyof typeof KIND>).flatMap((field) => {
      const wildcards = asList<unknown>(rule?.[field]).filter((v): v is string => typeof v === 'string' && v.includes('*'));
      return wildcards.length === 0 ? [] : [{ key: `${KIND[field]}::${wildcards.join(',')}`, message: `rules[${i}].${field} contains *` }];
    })));
  },
};
