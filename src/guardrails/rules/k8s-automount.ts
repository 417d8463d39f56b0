import { kubernetesObject, podSpec } from '../../synth/kubernetes';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/**
 * Pods that automount service account tokens (CKV_K8S_38), in manifests and Terraform `kubernetes_*` workloads (synth
 * `kubernetesObject`). Key: `Field::automountServiceAccountToken`.
 */
export const k8sAutomount: GuardrailRule = {
  id: 'KL-G-K8S-AUTOMOUNT',
  info: 'A pod automounts its service account token.',
  explanation: 'An automounted token is a long-lived (or auto-rotated) Kubernetes API credential in every container of the pod, readable by any process; most workloads never call the API.',
  fix: 'set `automountServiceAccountToken: false` on the pod spec (and the ServiceAccount); project a token with an explicit audience and lifetime only where one is needed (WorkloadServiceAccount.bindWorkload)',
  check(resource) {
    const spec = podSpec(kubernetesObject(resource));
    if (spec === undefined) return NOT_APPLICABLE;
    if (spec.automountServiceAccountToken === false) return verdict([]);
    return verdict([{
      key: 'Field::automountServiceAccountToken',
      message: `pod spec automountServiceAccountToken is ${JSON.stringify(spec.automountServiceAccountToken ?? 'unset (true)')}`,
    }]);
  },
};
