/**
 * Second attack round on the admission policy, after the fixes of attack.test.ts, evaluated with the project's API-server
 * model (api-server.ts). These attacks HELD UP: the tests pass and guard the behaviour against regressions.
 */
import { admit, AdmissionAttempt } from './api-server';
import { CLOUDS, controllerChain, NAME, NAMESPACE, Obj, podOf, render, replicaSetOf, USERS } from './fixtures';
import { boundWorkloadOf } from '../../src/core/kubernetes-admission';

const IRSA = CLOUDS[0];
const clone = <T>(value: T): T => structuredClone(value);
const update = (oldObject: Obj, object: Obj, username: string): AdmissionAttempt => ({ operation: 'UPDATE', object, oldObject, username });

describe('held: image swaps in a running pod', () => {
  test('two containers exchanging their images (names kept, order kept) are refused', () => {
    const rendered = render(IRSA, 'Deployment');
    const pod = controllerChain(rendered.workload!).slice(-1)[0].object;
    pod.spec.containers = [{ name: 'api', image: 'registry.example.com/payments-api:1.4.2' }, { name: 'proxy', image: 'ghcr.io/attacker/shell:latest' }];
    const swapped = clone(pod);
    swapped.spec.containers = [{ name: 'api', image: 'ghcr.io/attacker/shell:latest' }, { name: 'proxy', image: 'registry.example.com/payments-api:1.4.2' }];
    expect(admit(rendered.policy, rendered.binding, update(pod, swapped, USERS.alice))).toMatchObject({ allowed: false });
  });

  test('an init container turned into a restartable sidecar (restartPolicy: Always) with a new image is refused', () => {
    const rendered = render(IRSA, 'Deployment');
    const pod = controllerChain(rendered.workload!).slice(-1)[0].object;
    pod.spec.initContainers = [{ name: 'migrate', image: 'registry.example.com/migrate:1.0' }];
    const tampered = clone(pod);
    tampered.spec.initContainers = [{ name: 'migrate', image: 'ghcr.io/attacker/shell:latest', restartPolicy: 'Always' }];
    expect(admit(rendered.policy, rendered.binding, update(pod, tampered, USERS.alice))).toMatchObject({ allowed: false });
  });
});

describe('held: TokenRequests', () => {
  // `kubectl create token` sends a TokenRequest without metadata.name: the policy reads request.name (the ServiceAccount
  // of the URL, .../serviceaccounts/NAME/token), not the object's name.
  const tokenRequest = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: { audiences: ['sts.amazonaws.com'] } };
  const mint = (username: string): AdmissionAttempt => ({ operation: 'CREATE', object: { ...tokenRequest, metadata: { namespace: NAMESPACE } }, username, subResource: 'token', name: NAME });

  test.each([
    ['the ServiceAccount itself (a namespace editor impersonates it: `edit` grants impersonate on serviceaccounts)', `system:serviceaccount:${NAMESPACE}:${NAME}`],
    ['a service account of a namespace named kube-system-tools', 'system:serviceaccount:kube-system-tools:agent'],
    ['a user whose name merely contains system:node:', 'alice-system:node:x'],
  ])('a token minted by %s is refused by the TokenRequest rule', (_who, username) => {
    const rendered = render(IRSA, 'Deployment');
    expect(admit(rendered.policy, rendered.binding, mint(username))).toEqual({
      allowed: false,
      message: expect.stringContaining(`denied request: TokenRequest by ${username} may not mint a token of ServiceAccount ${NAMESPACE}/${NAME}: `),
    });
  });
});

describe('held: a selector written with matchExpressions only', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: {
      selector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [NAME] }] },
      template: { metadata: { labels: { 'app.kubernetes.io/name': NAME } }, spec: { containers: [{ name: 'api', image: 'x' }] } },
    },
  };

  test('no selector label is required (matchExpressions are not read), yet a user\'s pod with every label is refused by requester and owner', () => {
    expect(boundWorkloadOf(deployment, { path: 'Test' } as any).requiredLabels).toEqual({});
    const rendered = render(IRSA, 'Deployment');
    const pod = podOf(replicaSetOf(rendered.workload!));
    expect(admit(rendered.policy, rendered.binding, { operation: 'CREATE', object: { ...pod, metadata: { ...pod.metadata, name: 'forged' } }, username: USERS.alice }))
      .toMatchObject({ allowed: false });
  });
});
