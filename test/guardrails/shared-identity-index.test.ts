/**
 * KL-G-SHARED-IDENTITY reads an index of the checked resources by file and subject (built once per check, linear)
 * instead of scanning every resource of the file for each resource (issue 20). The verdicts are those of the pairwise
 * scan it replaced, kept here as the reference: same findings, same order of the others named, same rule errors.
 */
import { kubernetesServiceAccountSubject, parseKubernetesServiceAccountSubject } from '../../src/core/facts/subjects';
import { evaluate, NeutralResource, RuleContext, sharedIdentity } from '../../src/guardrails';
import { NOT_APPLICABLE, verdict } from '../../src/guardrails/model';
import { kubernetesObject, namespaceOf, podServiceAccount, podSpec } from '../../src/synth/kubernetes';
import { statementConditions, TERRAFORM_POLICY_DOCUMENT, trustStatements } from '../../src/synth/policy';
import { literal } from '../../src/synth/values';

// The pairwise implementation before the index (src/guardrails/rules/shared-identity.ts at 6249a63).
function workloadSubject(resource: NeutralResource): string | undefined {
  const object = kubernetesObject(resource);
  if (object === undefined) return undefined;
  const spec = podSpec(object);
  const name = spec === undefined ? undefined : podServiceAccount(spec);
  return name === undefined || name === 'default' ? undefined : kubernetesServiceAccountSubject(namespaceOf(object), name);
}
function trustedSubjects(resource: NeutralResource): string[] {
  if (resource.type === TERRAFORM_POLICY_DOCUMENT) return [];
  return trustStatements(resource)
    .flatMap((s) => statementConditions(s).filter((c) => c.operator === 'StringEquals').flatMap((c) => c.values))
    .map(literal).map(parseKubernetesServiceAccountSubject)
    .flatMap((subject) => (subject === undefined ? [] : [kubernetesServiceAccountSubject(subject.namespace, subject.name)]));
}
function pairwise(resource: NeutralResource, context: RuleContext) {
  const object = kubernetesObject(resource);
  if (object !== undefined) {
    const subject = workloadSubject(resource);
    if (subject === undefined) return NOT_APPLICABLE;
    const others = context.resources.filter((other) => other !== resource && other.file === resource.file && workloadSubject(other) === subject);
    const account = `${namespaceOf(object)}/${podServiceAccount(podSpec(object))}`;
    return verdict(others.length > 0 ? [{ key: `Subject::${subject}`, message: `ServiceAccount ${account} is also used by ${others.map((o) => `${o.type} ${o.id}`).join(', ')}` }] : []);
  }
  const mine = trustedSubjects(resource);
  if (mine.length === 0) return NOT_APPLICABLE;
  return verdict(mine.flatMap((subject) => {
    const others = context.resources.filter((o) => o !== resource && o.file === resource.file && trustedSubjects(o).includes(subject));
    return others.length > 0 ? [{ key: `Subject::${subject}`, message: `${subject} is also trusted by ${others.map((o) => o.id).join(', ')}` }] : [];
  }));
}

const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE';

/** A deterministic pseudo-random sequence (Park-Miller), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed + 1;
  return () => {
    a = (a * 16807) % 2147483647;
    return (a - 1) / 2147483646;
  };
}

function resources(seed: number): NeutralResource[] {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const files = ['a.template.json', 'b.template.json', 'c.k8s.yaml'];
  const subjects = ['payments:api', 'payments:worker', 'team-1:svc', 'default:default', 'payments:*'].map((s) => `system:serviceaccount:${s}`);
  const out: NeutralResource[] = [];
  for (let i = 0; i < 60; i++) {
    const file = pick(files);
    const kind = pick(['role', 'role', 'deployment', 'pod', 'config']);
    if (kind === 'role') {
      const subs = [pick(subjects), ...(next() < 0.3 ? [pick(subjects)] : [])];
      out.push({
        format: 'cloudformation',
        file,
        type: 'AWS::IAM::Role',
        id: `Role${i}`,
        properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{
              Effect: 'Allow',
              Action: 'sts:AssumeRoleWithWebIdentity',
              Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}` },
              Condition: { StringEquals: { [`${ISSUER}:sub`]: subs.length === 1 ? subs[0] : subs, [`${ISSUER}:aud`]: 'sts.amazonaws.com' } },
            }],
          },
        },
      });
    } else if (kind === 'deployment' || kind === 'pod') {
      const namespace = pick(['payments', 'team-1', '']);
      const spec = { serviceAccountName: pick(['api', 'worker', 'svc', 'default', '']), containers: [{ name: 'app', image: 'app:1' }] };
      const object = kind === 'pod'
        ? { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace }, spec }
        : { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `deploy-${i}`, namespace }, spec: { template: { spec } } };
      out.push({ format: 'kubernetes', file, type: object.kind, id: `${namespace ? `${namespace}/` : ''}${object.metadata.name}`, properties: object });
    } else {
      out.push({ format: 'kubernetes', file, type: 'ConfigMap', id: `cm-${i}`, properties: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` } } });
    }
  }
  return out;
}

describe('KL-G-SHARED-IDENTITY: the index gives the verdicts of the pairwise scan', () => {
  test.each(Array.from({ length: 40 }, (_, seed) => seed))('random resources, seed %i', (seed) => {
    const all = resources(seed);
    const context: RuleContext = { resources: all, today: '2026-11-22' };
    const expected = all.map((r) => pairwise(r, context));
    expect(all.map((r) => sharedIdentity.check(r, context))).toEqual(expected);
    // At least some seeds exercise findings (the comparison is not between two empty lists).
    if (seed === 0) expect(expected.filter((v) => v.status === 'non-compliant').length).toBeGreaterThan(0);
  });

  test('the others are named in the order of the resources, the resource itself never', () => {
    const all = resources(7);
    const report = evaluate(all, { rules: [sharedIdentity], today: '2026-11-22' });
    const context: RuleContext = { resources: all, today: '2026-11-22' };
    const reference = all.flatMap((r) => {
      const result = pairwise(r, context);
      return result.status === 'non-compliant' ? result.findings.map((f) => `${r.file} ${r.id} ${f.key} ${f.message}`) : [];
    }).sort();
    expect(report.findings.map((f) => `${f.file} ${f.resource} ${f.key} ${f.message}`).sort()).toEqual(reference);
    expect(reference.length).toBeGreaterThan(3);
  });

  test('a resource the rule cannot read fails the check of every resource of its file that would have read it, as before', () => {
    const all = resources(3);
    // A trust policy whose Statement getter throws: the pairwise scan threw on it for every role of its file.
    const broken: NeutralResource = { format: 'cloudformation', file: 'a.template.json', type: 'AWS::IAM::Role', id: 'Broken', properties: {} };
    Object.defineProperty(broken.properties, 'AssumeRolePolicyDocument', { enumerable: true, get: () => { throw new Error('unreadable document'); } });
    const withBroken = [...all.slice(0, 10), broken, ...all.slice(10)];
    const context: RuleContext = { resources: withBroken, today: '2026-11-22' };
    const outcome = (check: () => unknown) => {
      try {
        return check();
      } catch (error) {
        return `threw ${(error as Error).message}`;
      }
    };
    const expected = withBroken.map((r) => outcome(() => pairwise(r, context)));
    expect(withBroken.map((r) => outcome(() => sharedIdentity.check(r, context)))).toEqual(expected);
    expect(expected.filter((v) => v === 'threw unreadable document').length).toBeGreaterThan(1);
  });
});
