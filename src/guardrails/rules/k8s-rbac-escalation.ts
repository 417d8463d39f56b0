import { KUBERNETES_ESCALATION_VERBS } from '../../core/facts/kubernetes-rbac';
import { kubernetesObject } from '../../synth/kubernetes';
import { asList } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/**
 * Roles and ClusterRoles that grant `bind`, `escalate` or `impersonate` by name (a `*` verb is KL-G-K8S-RBAC-WILDCARD's
 * finding). Keys: `Rules[I].Verb::VERB` (I the index of the rule in `rules`), one per verb named. Manifests and
 * Terraform `kubernetes_(cluster_)role(_v1)` alike (synth `kubernetesObject`).
 */
export const k8sRbacEscalation: GuardrailRule = {
  id: 'KL-G-K8S-RBAC-ESCALATION',
  info: 'An RBAC role grants bind, escalate or impersonate.',
  explanation: 'RBAC stops a subject from granting permissions it does not hold, unless it may `bind` roles or `escalate` them; `impersonate` acts as another user, group or service account. Each turns the role into any permission of the cluster (or namespace).',
  fix: 'remove bind, escalate and impersonate; where a controller must bind roles, restrict the rule with `resourceNames` to the exact roles (or users to impersonate)',
  check(resource) {
    const object = kubernetesObject(resource);
    if (object?.kind !== 'Role' && object?.kind !== 'ClusterRole') return NOT_APPLICABLE;
    return verdict(asList<any>(object.rules).flatMap((rule, i): RuleFinding[] => {
      const verbs = asList<unknown>(rule?.verbs).filter((v): v is string => typeof v === 'string');
      const named = KUBERNETES_ESCALATION_VERBS.filter((verb) => verbs.includes(verb));
      const names = asList<unknown>(rule?.resourceNames).filter((n): n is string => typeof n === 'string');
      const on = asList<unknown>(rule?.resources).filter((r): r is string => typeof r === 'string');
      const scope = `${on.length > 0 ? ` on ${on.join(',')}` : ''}${names.length > 0 ? ` (resourceNames ${names.join(',')})` : ''}`;
      return named.map((verb) => ({ key: `Rules[${i}].Verb::${verb}`, message: `rules[${i}] grants ${verb}${scope}` }));
    }));
  },
};
