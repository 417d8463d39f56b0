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
 * The resources of one check, by file and subject: the workloads running as each subject and the roles trusting it, in
 * the order of the resources. Built once per set of resources (linear), where each check used to scan every resource
 * of the file again (quadratic in the size of a file).
 */
interface SubjectIndex {
  readonly size: number;
  readonly workloads: Map<string, NeutralResource[]>;
  readonly trusts: Map<string, NeutralResource[]>;
  /** Per file, the first error `workloadSubject` / `trustedSubjects` threw on a resource of the file. */
  readonly workloadErrors: Map<string, unknown>;
  readonly trustErrors: Map<string, unknown>;
}

const indexes = new WeakMap<readonly NeutralResource[], SubjectIndex>();

function subjectIndex(resources: readonly NeutralResource[]): SubjectIndex {
  const cached = indexes.get(resources);
  if (cached !== undefined && cached.size === resources.length) return cached;
  const index: SubjectIndex = { size: resources.length, workloads: new Map(), trusts: new Map(), workloadErrors: new Map(), trustErrors: new Map() };
  const add = (map: Map<string, NeutralResource[]>, key: string, resource: NeutralResource) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [resource]);
    else list.push(resource);
  };
  for (const resource of resources) {
    try {
      const workload = workloadSubject(resource);
      if (workload !== undefined) add(index.workloads, `${resource.file}\0${workload}`, resource);
    } catch (error) {
      if (!index.workloadErrors.has(resource.file)) index.workloadErrors.set(resource.file, error);
    }
    try {
      // Each resource once per subject it trusts (a subject named twice by one role is one trust).
      for (const subject of new Set(trustedSubjects(resource))) add(index.trusts, `${resource.file}\0${subject}`, resource);
    } catch (error) {
      if (!index.trustErrors.has(resource.file)) index.trustErrors.set(resource.file, error);
    }
  }
  indexes.set(resources, index);
  return index;
}

/** The other resources of the file in `map` under `subject` (a failed read of the file is thrown, as a scan would). */
function othersOf(map: Map<string, NeutralResource[]>, errors: Map<string, unknown>, resource: NeutralResource, subject: string): NeutralResource[] {
  if (errors.has(resource.file)) throw errors.get(resource.file);
  return (map.get(`${resource.file}\0${subject}`) ?? []).filter((other) => other !== resource);
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
      const index = subjectIndex(context.resources);
      const others = othersOf(index.workloads, index.workloadErrors, resource, subject);
      const account = `${namespaceOf(object)}/${podServiceAccount(podSpec(object))}`;
      return verdict(others.length > 0 ? [{
        key: `Subject::${subject}`,
        message: `ServiceAccount ${account} is also used by ${others.map((o) => `${o.type} ${o.id}`).join(', ')}`,
      }] : []);
    }
    const mine = trustedSubjects(resource);
    if (mine.length === 0) return NOT_APPLICABLE;
    const index = subjectIndex(context.resources);
    return verdict(mine.flatMap((subject) => {
      const others = othersOf(index.trusts, index.trustErrors, resource, subject);
      return others.length > 0 ? [{ key: `Subject::${subject}`, message: `${subject} is also trusted by ${others.map((o) => o.id).join(', ')}` }] : [];
    }));
  },
};
