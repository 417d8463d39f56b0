import { kubernetesObject } from '../../synth/kubernetes';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/** Bindings to cluster-admin, in manifests and Terraform `kubernetes_*` bindings (synth `kubernetesObject`). Key: `RoleRef::cluster-admin`. */
export const k8sClusterAdmin: GuardrailRule = {
  id: 'KL-G-K8S-CLUSTER-ADMIN',
  info: 'A binding grants cluster-admin.',
  explanation: 'cluster-admin is every permission on every resource of the cluster; a workload or pipeline holding it owns the cluster and every secret in it.',
  fix: 'bind a Role or ClusterRole with the exact permissions needed',
  check(resource) {
    const object = kubernetesObject(resource);
    if (object?.kind !== 'RoleBinding' && object?.kind !== 'ClusterRoleBinding') return NOT_APPLICABLE;
    return verdict(object.roleRef?.name === 'cluster-admin' ? [{ key: 'RoleRef::cluster-admin', message: `${object.kind} to cluster-admin` }] : []);
  },
};
