import { kubernetesServiceAccountSubject } from '../../core/facts/subjects';
import { namespaceOf, podSpec } from '../../synth/kubernetes';
import { asList } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/**
 * The `default` ServiceAccount: used by pods, automounting, or bound to roles (CKV_K8S_41/42). Keys:
 * `Subject::system:serviceaccount:NS:default` (a pod running as it, a binding to it), `Subject::GROUP` (a binding to
 * a service-account group), `Field::automountServiceAccountToken` (the `default` ServiceAccount automounts).
 */
export const k8sDefaultSa: GuardrailRule = {
  id: 'KL-G-K8S-DEFAULT-SA',
  info: 'The default ServiceAccount is used, automounts tokens, or is bound to a role.',
  explanation: 'Every pod that names no service account runs as `default`: whatever it may do, every such pod of the namespace may do. It must hold nothing and mount nothing.',
  fix: 'give the workload its own ServiceAccount (WorkloadServiceAccount), set `automountServiceAccountToken: false` on `default`, and bind roles to dedicated accounts only',
  check(resource) {
    if (resource.format !== 'kubernetes') return NOT_APPLICABLE;
    const object = resource.properties;
    const spec = podSpec(object);
    if (spec !== undefined) {
      const name = spec.serviceAccountName ?? spec.serviceAccount;
      if (name !== undefined && name !== 'default') return verdict([]);
      return verdict([{
        key: `Subject::${kubernetesServiceAccountSubject(namespaceOf(object), 'default')}`,
        message: `pod runs as the default ServiceAccount${name === undefined ? ' (serviceAccountName unset)' : ''}`,
      }]);
    }
    if (object.kind === 'ServiceAccount' && object.metadata?.name === 'default') {
      return verdict(object.automountServiceAccountToken === false ? [] : [{
        key: 'Field::automountServiceAccountToken',
        message: 'default ServiceAccount does not set automountServiceAccountToken: false',
      }]);
    }
    if (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') {
      return verdict(asList<any>(object.subjects)
        .filter((s) => (s?.kind === 'ServiceAccount' && s.name === 'default') || (s?.kind === 'Group' && /^system:serviceaccounts(:|$)/.test(s.name ?? '')))
        .map((s) => (s.kind === 'Group'
          ? { key: `Subject::${s.name}`, message: `binds group ${s.name} (every service account, including default)` }
          : {
            key: `Subject::${kubernetesServiceAccountSubject(s.namespace ?? object.metadata?.namespace ?? '', 'default')}`,
            message: `binds ServiceAccount ${s.namespace ?? object.metadata?.namespace ?? ''}/default`,
          })));
    }
    return NOT_APPLICABLE;
  },
};
