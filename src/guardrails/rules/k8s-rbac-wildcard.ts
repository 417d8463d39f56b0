import { asList } from '../../synth/values';
import { GuardrailRule } from '../model';

/** RBAC rules with wildcards. */
export const k8sRbacWildcard: GuardrailRule = {
  id: 'KL-G-K8S-RBAC-WILDCARD',
  info: 'An RBAC role grants wildcard verbs, resources or API groups.',
  explanation: 'A `*` in a Role or ClusterRole covers every present and future resource or verb (including secrets, escalate, bind and impersonate).',
  fix: 'list the exact apiGroups, resources and verbs',
  check(resource) {
    if (resource.format !== 'kubernetes' || (resource.type !== 'Role' && resource.type !== 'ClusterRole')) return [];
    return asList<any>(resource.properties.rules).flatMap((rule, i) => (['apiGroups', 'resources', 'verbs', 'nonResourceURLs'] as const)
      .filter((field) => asList<unknown>(rule?.[field]).some((v) => typeof v === 'string' && v.includes('*')))
      .map((field) => `rules[${i}].${field} contains *`));
  },
};
