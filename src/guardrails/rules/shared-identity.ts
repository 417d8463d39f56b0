import { kubernetesServiceAccountSubject, parseKubernetesServiceAccountSubject } from '../../core/facts/subjects';
import { kubernetesObject, namespaceOf, podServiceAccount, podSpec } from '../../synth/kubernetes';
import { statementConditions, TERRAFORM_POLICY_DOCUMENT, trustStatements } from '../../synth/policy';
import { literal } from '../../synth/values';
import { GuardrailRule, NeutralResource, NOT_APPLICABLE, verdict } from '../model';

/**
 * The service account subject a Kubernetes workload (a manifest, or Terraform's `kubernetes_*`) runs as, or
 * undefined (not a workload, or `default`).
 */
function workloadSubject(resource: NeutralResource): string | undefined {
  const object = kubernetesObject(resource);
  if (object === undefined) return undefined;
  const spec = podSpec(object);
  const name = spec === undefined ? undefined : podServiceAccount(spec);
  return name === undefined || name === 'default' ? undefined : kubernetesServiceAccountSubject(namespaceOf(object), name);
}

/** The Kubernetes service account subjects a role trusts exactly (`StringEquals`), as the grammar reads them. */
function trustedSubjects(resource: NeutralResource): string[] {
  // A data document is no role: the role that uses it holds the trust.
  if (resource.type === TERRAFORM_POLICY_DOCUMENT) return [];
  return trustStatements(resource)
    .flatMap((s) => statementConditions(s).filter((c) => c.operator === 'StringEquals').flatMap((c) => c.values))
    .map(literal).map(parseKubernetesServiceAccountSubject)
    .flatMap((subject) => (subject === undefined ? [] : [kubernetesServiceAccountSubject(subject.namespace, subject.name)]));
}

/**
 * One identity used by several deployable units, within one file. Workloads and trusts are read with the Kubernetes
 * subject grammar (core/facts/subjects). Key: `Subject::system:serviceaccount:NS:NAME`.
 */
export const sharedIdentity: GuardrailRule = {
  id: 'KL-G-SHARED-IDENTITY',
  info: 'One identity is shared by several workloads.',
  explanation: 'A service account used by two workloads, or a Kubernetes subject trusted by two roles, gives each workload the permissions of the other: one compromise becomes two.',
  fix: 'give each workload its own ServiceAccount and cloud identity',
  check(resource, context) {
    const object = kubernetesObject(resource);
    if (object !== undefined) {
      const subject = workloadSubject(resource);
      if (subject === undefined) return NOT_APPLICABLE;
      const others = context.resources.filter((other) => other !== resource && other.file === resource.file && workloadSubject(other) === subject);
      const account = `${namespaceOf(object)}/${podServiceAccount(podSpec(object))}`;
      return verdict(others.length > 0 ? [{
        key: `Subject::${subject}`,
        message: `ServiceAccount ${account} is also used by ${others.map((o) => `${o.type} ${o.id}`).join(', ')}`,
      }] : []);
    }
    const mine = trustedSubjects(resource);
    if (mine.length === 0) return NOT_APPLICABLE;
    return verdict(mine.flatMap((subject) => {
      const others = context.resources.filter((o) => o !== resource && o.file === resource.file && trustedSubjects(o).includes(subject));
      return others.length > 0 ? [{ key: `Subject::${subject}`, message: `${subject} is also trusted by ${others.map((o) => o.id).join(', ')}` }] : [];
    }));
  },
};
