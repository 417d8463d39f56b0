import { kubernetesServiceAccountSubject, parseKubernetesServiceAccountGroup, parseKubernetesServiceAccountSubject } from '../../core/facts/subjects';
import { kubernetesObject, namespaceOf, podServiceAccount, podSpec } from '../../synth/kubernetes';
import { asList } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/** A pod spec's service account field as written, for the message: unset, or a value Kubernetes reads as `default`. */
function describeUnnamed(spec: any): string {
  const raw = spec.serviceAccountName ?? spec.serviceAccount;
  if (raw === undefined) return ' (serviceAccountName unset)';
  return raw === 'default' ? '' : ` (serviceAccountName ${JSON.stringify(raw)})`;
}

/** The binding subjects that are the `default` ServiceAccount, or a group holding every service account of a namespace. */
function defaultSubjects(binding: any): RuleFinding[] {
  return asList<any>(binding.subjects).flatMap((s): RuleFinding[] => {
    const name = typeof s?.name === 'string' ? s.name : '';
    if (s?.kind === 'Group' && parseKubernetesServiceAccountGroup(name) !== undefined) {
      return [{ key: `Subject::${name}`, message: `binds group ${name} (every service account, including default)` }];
    }
    // A ServiceAccount subject, or a User named by its token subject (`system:serviceaccount:NS:default`): the same
    // principal to the API server.
    const namespace = s?.kind === 'ServiceAccount' ? s.namespace ?? binding.metadata?.namespace ?? '' : parseKubernetesServiceAccountSubject(name)?.namespace;
    const account = s?.kind === 'ServiceAccount' ? name : s?.kind === 'User' ? parseKubernetesServiceAccountSubject(name)?.name : undefined;
    if (account !== 'default' || namespace === undefined) return [];
    return [{ key: `Subject::${kubernetesServiceAccountSubject(namespace, 'default')}`, message: `binds ServiceAccount ${namespace}/default` }];
  });
}

/**
 * The `default` ServiceAccount: used by pods, automounting, or bound to roles (CKV_K8S_41/42). Subjects and groups
 * are read with the Kubernetes grammars of core/facts/subjects. Keys: `Subject::system:serviceaccount:NS:default` (a
 * pod running as it, a binding to it), `Subject::GROUP` (a binding to a service-account group),
 * `Field::automountServiceAccountToken` (the `default` ServiceAccount automounts). Manifests and Terraform `kubernetes_*`
 * resources alike (synth `kubernetesObject`; the provider's service accounts automount unless set to false).
 */
export const k8sDefaultSa: GuardrailRule = {
  id: 'KL-G-K8S-DEFAULT-SA',
  info: 'The default ServiceAccount is used, automounts tokens, or is bound to a role.',
  explanation: 'Every pod that names no service account runs as `default`: whatever it may do, every such pod of the namespace may do. It must hold nothing and mount nothing.',
  fix: 'give the workload its own ServiceAccount (WorkloadServiceAccount), set `automountServiceAccountToken: false` on `default`, and bind roles to dedicated accounts only',
  check(resource) {
    const object = kubernetesObject(resource);
    if (object === undefined || object === null || typeof object !== 'object') return NOT_APPLICABLE;
    const spec = podSpec(object);
    if (spec !== undefined) {
      const name = podServiceAccount(spec);
      if (name !== undefined && name !== 'default') return verdict([]);
      return verdict([{
        key: `Subject::${kubernetesServiceAccountSubject(namespaceOf(object), 'default')}`,
        message: `pod runs as the default ServiceAccount${describeUnnamed(spec)}`,
      }]);
    }
    if (object.kind === 'ServiceAccount' && object.metadata?.name === 'default') {
      return verdict(object.automountServiceAccountToken === false ? [] : [{
        key: 'Field::automountServiceAccountToken',
        message: 'default ServiceAccount does not set automountServiceAccountToken: false',
      }]);
    }
    if (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') return verdict(defaultSubjects(object));
    return NOT_APPLICABLE;
  },
};
