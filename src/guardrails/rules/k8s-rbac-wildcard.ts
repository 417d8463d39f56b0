import { kubernetesObject } from '../../synth/kubernetes';
import { asList } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/** What a key calls each RBAC rule field. */
const KIND = { apiGroups: 'ApiGroup', resources: 'Resource', verbs: 'Verb', nonResourceURLs: 'NonResourceURL' } as const;

/**
 * RBAC rules with wildcards. Keys: `Rules[I].ApiGroup::*`, `Rules[I].Resource::*`, `Rules[I].Verb::*`,
 * `Rules[I].NonResourceURL::/*` (I the index of the rule in `rules`, then the wildcard values of the field,
 * comma-separated): one key per finding, since `resources: ['*']` means other resources under other apiGroups.
 * Manifests and Terraform `kubernetes_(cluster_)role(_v1)` alike (synth `kubernetesObject`: `rule` blocks are `rules`).
 */
export const k8sRbacWildcard: GuardrailRule = {
  id: 'KL-G-K8S-RBAC-WILDCARD',
  info: 'An RBAC role grants wildcard verbs, resources or API groups.',
  explanation: 'A `*` in a Role or ClusterRole covers every present and future resource or verb (including secrets, escalate, bind and impersonate).',
  fix: 'list the exact apiGroups, resources and verbs',
  check(resource) {
    const object = kubernetesObject(resource);
    if (object?.kind !== 'Role' && object?.kind !== 'ClusterRole') return NOT_APPLICABLE;
    return verdict(asList<any>(object.rules).flatMap((rule, i) => (Object.keys(KIND) as Array<keyof typeof KIND>).flatMap((field) => {
      const wildcards = asList<unknown>(rule?.[field]).filter((v): v is string => typeof v === 'string' && v.includes('*'));
      return wildcards.length === 0 ? [] : [{ key: `Rules[${i}].${KIND[field]}::${wildcards.join(',')}`, message: `rules[${i}].${field} contains *` }];
    })));
  },
};
