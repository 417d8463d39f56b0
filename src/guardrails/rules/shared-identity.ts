import { kubernetesServiceAccountSubject } from '../../core/facts/subjects';
import { podSpec } from '../../synth/kubernetes';
import { trustStatements } from '../../synth/policy';
import { asList, literal } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/** One identity used by several deployable units. Key: `Subject::system:serviceaccount:NS:NAME`. */
export const sharedIdentity: GuardrailRule = {
  id: 'KL-G-SHARED-IDENTITY',
  info: 'One identity is shared by several workloads.',
  explanation: 'A service account used by two workloads, or a Kubernetes subject trusted by two roles, gives each workload the permissions of the other: one compromise becomes two.',
  fix: 'give each workload its own ServiceAccount and cloud identity',
  check(resource, context) {
    if (resource.format === 'kubernetes') {
      const spec = podSpec(resource.properties);
      const name = spec?.serviceAccountName ?? spec?.serviceAccount;
      if (spec === undefined || name === undefined || name === 'default') return NOT_APPLICABLE;
      const namespace = resource.properties.metadata?.namespace ?? 'default';
      const others = context.resources.filter((other) => {
        if (other === resource || other.format !== 'kubernetes') return false;
        const otherSpec = podSpec(other.properties);
        return otherSpec !== undefined && (otherSpec.serviceAccountName ?? otherSpec.serviceAccount) === name
          && (other.properties.metadata?.namespace ?? 'default') === namespace && other.file === resource.file;
      });
      return verdict(others.length > 0 ? [{
        key: `Subject::${kubernetesServiceAccountSubject(namespace, name)}`,
        message: `ServiceAccount ${namespace}/${name} is also used by ${others.map((o) => `${o.type} ${o.id}`).join(', ')}`,
      }] : []);
    }
    const subjects = (r: typeof resource) => trustStatements(r)
      .flatMap((s) => Object.values(s?.Condition?.StringEquals ?? {}).flatMap((v) => asList<unknown>(v)))
      .map(literal).filter((v) => v.startsWith('system:serviceaccount:'));
    const mine = subjects(resource);
    if (mine.length === 0) return NOT_APPLICABLE;
    return verdict(mine.flatMap((subject) => {
      const others = context.resources.filter((other) => other !== resource && other.file === resource.file && subjects(other).includes(subject));
      return others.length > 0 ? [{ key: `Subject::${subject}`, message: `${subject} is also trusted by ${others.map((o) => o.id).join(', ')}` }] : [];
    }));
  },
};
