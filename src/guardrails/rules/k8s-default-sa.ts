import { podSpec } from '../../synth/kubernetes';
import { asList } from '../../synth/values';
import { GuardrailRule } from '../model';

/** The `default` ServiceAccount: used by pods, automounting, or bound to roles (CKV_K8S_41/42). */
export const k8sDefaultSa: GuardrailRule = {
  id: 'KL-G-K8S-DEFAULT-SA',
  info: 'The default ServiceAccount is used, automounts tokens, or is bound to a role.',
  explanation: 'Every pod that names no service account runs as `default`: whatever it may do, every such pod of the namespace may do. It must hold nothing and mount nothing.',
  fix: 'give the workload its own ServiceAccount (WorkloadServiceAccount), set `automountServiceAccountToken: false` on `default`, and bind roles to dedicated accounts only',
  check(resource) {
    if (resource.format !== 'kubernetes') return [];
    const object = resource.properties;
    const spec = podSpec(object);
    if (spec !== undefined) {
      const name = spec.serviceAccountName ?? spec.serviceAccount;
      return name === undefined || name === 'default' ? [`pod runs as the default ServiceAccount${name === undefined ? ' (serviceAccountName unset)' : ''}`] : [];
    }
    if (object.kind === 'ServiceAccount' && object.metadata?.name === 'default' && object.automountServiceAccountToken !== false) {
      return ['default ServiceAccount does not set automountServiceAccountToken: false'];
    }
    if (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') {
      return asList<any>(object.subjects)
        .filter((s) => (s?.kind === 'ServiceAccount' && s.name === 'default') || (s?.kind === 'Group' && /^system:serviceaccounts(:|$)/.test(s.name ?? '')))
        .map((s) => (s.kind === 'Group' ? `binds group ${s.name} (every service account, including default)` : `binds ServiceAccount ${s.namespace ?? object.metadata?.namespace ?? ''}/default`));
    }
    return [];
  },
};
