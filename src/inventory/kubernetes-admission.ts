import {
  ADMISSION_POLICY_ANNOTATION, ADMISSION_POLICY_OPT_OUT_ANNOTATION, ADMISSION_POLICY_OPTED_OUT as OPTED_OUT, PROTECTS_SERVICE_ACCOUNT_ANNOTATION,
} from '../core/kubernetes-admission';
import { NeutralResource } from '../synth/model';
import { asList } from '../synth/values';

/**
 * The cluster side of an identity-bound ServiceAccount, read back from its chart: the ValidatingAdmissionPolicy
 * Keyless writes next to it (only the bound workload may run as it, its identity annotations are fixed), or the
 * chart's opt-out.
 *
 * Keyless' annotations (src/core/kubernetes-admission.ts): the ServiceAccount names its policy in `keyless.dev/admission-policy`
 * (or says `opted-out`, with the reason in `keyless.dev/admission-policy-opt-out`); the policy names the
 * ServiceAccount it protects in `keyless.dev/protects-service-account` (`NAMESPACE/NAME`).
 * Kubernetes facts: ValidatingAdmissionPolicy is GA in admissionregistration.k8s.io/v1 since 1.30; a policy does
 * nothing without a ValidatingAdmissionPolicyBinding naming it (`spec.policyName`), refuses requests only when the
 * binding's `validationActions` include `Deny` (`Warn` / `Audit` only report), and with `failurePolicy: Ignore` admits
 * a request whose expressions fail to evaluate.
 */

/**
 * The namespace a policy's `matchConstraints` or a binding's `matchResources` selects by name, when it is not
 * `namespace` (the `kubernetes.io/metadata.name` label, which Kubernetes sets on every namespace since 1.21); undefined
 * when it selects `namespace` or does not select by that label (other selectors are not evaluated here).
 */
function selectedNamespace(match: any, namespace: string): string | undefined {
  const selected = match?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
  return typeof selected === 'string' && selected !== namespace ? selected : undefined;
}

/** One line, without the `; ` that separates the entries of a cloud identity's `admissionPolicy`. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').replace(/;/g, ',').trim();
}

/**
 * The policies and bindings of a manifest context, indexed once for all its ServiceAccounts (a chart of thousands of
 * them would otherwise be scanned once per ServiceAccount): the first policy of each name and of each protected
 * ServiceAccount, in the objects' order, and each policy's bindings in order.
 */
export interface AdmissionIndex {
  readonly policyNamed: ReadonlyMap<string, NeutralResource>;
  readonly policyProtecting: ReadonlyMap<string, NeutralResource>;
  readonly bindingsOf: ReadonlyMap<string, readonly NeutralResource[]>;
}

/** Indexes the ValidatingAdmissionPolicies and their bindings among the objects of one manifest context. */
export function admissionIndex(objects: readonly NeutralResource[]): AdmissionIndex {
  const policyNamed = new Map<string, NeutralResource>();
  const policyProtecting = new Map<string, NeutralResource>();
  const bindingsOf = new Map<string, NeutralResource[]>();
  for (const o of objects) {
    if (o.type === 'ValidatingAdmissionPolicy') {
      const name = o.properties.metadata?.name;
      if (typeof name === 'string' && !policyNamed.has(name)) policyNamed.set(name, o);
      const key = protects(o);
      if (typeof key === 'string' && !policyProtecting.has(key)) policyProtecting.set(key, o);
    } else if (o.type === 'ValidatingAdmissionPolicyBinding') {
      const name = o.properties.spec?.policyName;
      if (typeof name !== 'string') continue;
      const list = bindingsOf.get(name);
      if (list) list.push(o);
      else bindingsOf.set(name, [o]);
    }
  }
  return { policyNamed, policyProtecting, bindingsOf };
}

/** The ServiceAccount (`NAMESPACE/NAME`) a policy says it protects. */
const protects = (o: NeutralResource): unknown => o.properties.metadata?.annotations?.[PROTECTS_SERVICE_ACCOUNT_ANNOTATION];

/**
 * The `admissionPolicy` of a ServiceAccount among the objects of its manifest context: `emitted: NAME` when the policy
 * its annotation names (or, without the annotation, a policy that names it) protects it and a binding enforces it
 * (`Deny`, not failing open); `opted-out: REASON`; `missing` when nothing protects it, and `missing: WHY` when the
 * annotation or the policy promises a protection the objects do not give (the policy is absent, protects another
 * ServiceAccount, fails open or matches another namespace; no binding, or none in its namespace that denies).
 */
export function admissionPolicyOf(serviceAccount: NeutralResource, namespace: string, index: AdmissionIndex): string {
  const annotations = serviceAccount.properties.metadata?.annotations ?? {};
  const named = annotations[ADMISSION_POLICY_ANNOTATION];
  const reason = annotations[ADMISSION_POLICY_OPT_OUT_ANNOTATION];
  const key = `${namespace}/${serviceAccount.properties.metadata?.name}`;
  if (named === OPTED_OUT || (named === undefined && reason !== undefined)) {
    return `opted-out: ${typeof reason === 'string' && reason.trim() !== '' ? oneLine(reason) : `(no reason given in ${ADMISSION_POLICY_OPT_OUT_ANNOTATION})`}`;
  }
  const policy = typeof named === 'string' ? index.policyNamed.get(named) : index.policyProtecting.get(key);
  if (policy === undefined) return typeof named === 'string' ? `missing: policy ${oneLine(named)} is not among the manifests of its chart` : 'missing';
  const name = String(policy.properties.metadata?.name);
  const protectedAccount = protects(policy);
  if (protectedAccount !== key) {
    return `missing: policy ${name} protects ${typeof protectedAccount === 'string' ? oneLine(protectedAccount) : 'no ServiceAccount'} (${PROTECTS_SERVICE_ACCOUNT_ANNOTATION}), not ${key}`;
  }
  if (policy.properties.spec?.failurePolicy === 'Ignore') return `missing: policy ${name} fails open (failurePolicy Ignore)`;
  const elsewhere = selectedNamespace(policy.properties.spec?.matchConstraints, namespace);
  if (elsewhere !== undefined) return `missing: policy ${name} matches namespace ${elsewhere} only, not ${namespace}`;
  const policyBindings = index.bindingsOf.get(name) ?? [];
  if (policyBindings.length === 0) return `missing: policy ${name} has no ValidatingAdmissionPolicyBinding`;
  const bindings = policyBindings.filter((b) => selectedNamespace(b.properties.spec?.matchResources, namespace) === undefined);
  if (bindings.length === 0) {
    return `missing: policy ${name} is bound in namespace ${selectedNamespace(policyBindings[0].properties.spec?.matchResources, namespace)} only, not ${namespace}`;
  }
  if (!bindings.some((b) => asList<string>(b.properties.spec?.validationActions).includes('Deny'))) {
    const actions = [...new Set(bindings.flatMap((b) => asList<string>(b.properties.spec?.validationActions).map(String)))].sort();
    return `missing: policy ${name} is bound with validationActions ${actions.length > 0 ? actions.join(', ') : '(none)'}, without Deny`;
  }
  return `emitted: ${name}`;
}
