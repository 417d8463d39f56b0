import { GuardrailRule } from '../model';

/** Bindings to cluster-admin. */
export const k8sClusterAdmin: GuardrailRule = {
  id: 'KL-G-K8S-CLUSTER-ADMIN',
  info: 'A binding grants cluster-admin.',
  explanation: 'cluster-admin is every permission on every resource of the cluster; a workload or pipeline holding it owns the cluster and every secret in it.',
  fix: 'bind a Role or ClusterRole with the exact permissions needed',
  check(resource) {
    if (resource.format !== 'kubernetes' || (resource.type !== 'RoleBinding' && resource.type !== 'ClusterRoleBinding')) return [];
    return resource.properties.roleRef?.name === 'cluster-admin' ? [`${resource.type} to cluster-admin`] : [];
  },
};
