import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/** Bindings to cluster-admin. Key: `RoleRef::cluster-admin`. */
export const k8sClusterAdmin: GuardrailRule = {
  id: 'KL-G-K8S-CLUSTER-ADMIN',
  info: 'A binding grants cluster-admin.',
  explanation: 'cluster-admin is every permission on every resource of the cluster; a workload or pipeline holding it owns the cluster and every secret in it.',
  fix: 'bind a Role or ClusterRole with the exact permissions needed',
  check(resource) {
    if (resource.format !== 'kubernetes' || (resource.type !== 'RoleBinding' && resource.type !== 'ClusterRoleBinding')) return NOT_APPLICABLE;
    return verdict(resource.properties.roleRef?.name === 'cluster-admin' ? [{ key: 'RoleRef::cluster-admin', message: `${resource.type} to cluster-admin` }] : []);
  },
};
