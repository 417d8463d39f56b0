import { KeylessError } from '../../src/core/errors';
import { checkNamespace, checkServiceAccountRef, resolveTokenExpiration, serviceAccountSubject } from '../../src/core/kubernetes';

const ctx = { path: 'App/Workload', today: '2026-11-22' };

describe('Kubernetes service account references', () => {
  test('the subject is system:serviceaccount:NS:SA', () => {
    expect(serviceAccountSubject(checkServiceAccountRef({ namespace: 'payments', name: 'payments-api' }, ctx))).toBe('system:serviceaccount:payments:payments-api');
  });

  test('namespace length: 63 characters are accepted, 64 are not', () => {
    expect(checkServiceAccountRef({ namespace: 'n'.repeat(63), name: 'api' }, ctx).namespace).toHaveLength(63);
    expect(() => checkServiceAccountRef({ namespace: 'n'.repeat(64), name: 'api' }, ctx)).toThrow(
      `[KL-K8S-NAMESPACE] App/Workload: \`serviceAccount.namespace\` is "${'n'.repeat(64)}" (64 characters): a namespace is a DNS-1123 label, at most 63 lowercase letters, digits and \`-\`, starting and ending with a letter or digit. Fix: use the namespace name exactly as in the cluster, e.g. "payments". See https://kubernetes.io/docs/concepts/overview/working-with-objects/names/`);
  });

  test('service account names are DNS-1123 subdomains of at most 253 characters', () => {
    expect(checkServiceAccountRef({ namespace: 'payments', name: 'a.b-c' }, ctx).name).toBe('a.b-c');
    expect(checkServiceAccountRef({ namespace: 'payments', name: 'a'.repeat(253) }, ctx).name).toHaveLength(253);
    expect(() => checkServiceAccountRef({ namespace: 'payments', name: 'a'.repeat(254) }, ctx)).toThrow(/KL-K8S-SA-NAME/);
    expect(() => checkServiceAccountRef({ namespace: 'payments', name: 'Payments_API' }, ctx)).toThrow(/KL-K8S-SA-NAME/);
  });

  test('the default service account and control-plane namespaces are refused', () => {
    expect(() => checkServiceAccountRef({ namespace: 'payments', name: 'default' }, ctx)).toThrow(/^\[KL-K8S-DEFAULT-SA\]/);
    expect(() => checkServiceAccountRef({ namespace: 'kube-system', name: 'api' }, ctx)).toThrow(/^\[KL-K8S-SYSTEM-NAMESPACE\]/);
  });
});

describe('projected token lifetime', () => {
  test('defaults to one hour', () => {
    expect(resolveTokenExpiration(undefined, 1, ctx)).toBe(3600);
  });

  test('600 seconds is the minimum, 599 is refused', () => {
    expect(resolveTokenExpiration(600, 1, ctx)).toBe(600);
    expect(() => resolveTokenExpiration(599, 1, ctx)).toThrow(
      '[KL-K8S-TOKEN-EXPIRATION] App/Workload: `expirationSeconds` is 599: a projected token lives between 600 seconds (the kubelet minimum) and 3600 seconds (the tier 1 maximum). Fix: give a whole number of seconds from 600 to 3600; the kubelet rotates the token at 80% of its lifetime. See https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken');
  });

  test('the tier maximum bounds it: 3600 for tier 1, 14400 for tier 2', () => {
    expect(() => resolveTokenExpiration(3601, 1, ctx)).toThrow(KeylessError);
    expect(resolveTokenExpiration(14400, 2, ctx)).toBe(14400);
    expect(() => resolveTokenExpiration(14401, 2, ctx)).toThrow(KeylessError);
  });
});

describe('values of the wrong type', () => {
  test('a class instance is named by its class, a circular value never crashes the message', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => checkNamespace(circular, ctx, 'namespace')).toThrow(/^\[KL-K8S-NAMESPACE\] App\/Workload: `namespace` is a value that cannot be shown/);
    expect(() => checkServiceAccountRef({ namespace: 'payments', name: new Date(0) as never }, ctx)).toThrow(
      /^\[KL-K8S-SA-NAME\] App\/Workload: `serviceAccount.name` is a Date object: a service account name is a DNS-1123 subdomain/);
    expect(() => checkServiceAccountRef([] as never, ctx)).toThrow(/^\[KL-K8S-NAMESPACE\] App\/Workload: `serviceAccount.namespace` is undefined/);
  });

  test('projected token lifetimes that are not whole numbers are refused', () => {
    expect(() => resolveTokenExpiration(NaN, 1, ctx)).toThrow(/^\[KL-K8S-TOKEN-EXPIRATION\] App\/Workload: `expirationSeconds` is NaN:/);
    expect(() => resolveTokenExpiration('3600' as never, 1, ctx)).toThrow(/^\[KL-K8S-TOKEN-EXPIRATION\] App\/Workload: `expirationSeconds` is "3600":/);
  });
});
