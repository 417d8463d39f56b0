/** The Kubernetes, EKS Pod Identity, GKE and other OIDC workloads a combination of a trust's values was written for. */
import { Derived, Field, fieldOf, isPattern, literal, literalPrefix, Wanted } from './derive-common';
import { accountOf, clusterArnOf, kubernetesNameProblem } from './derive-names';
import type { MutableClaims } from './tokens-common';
import {
  GkeWorkload, KubernetesRun, OidcSubject, parseAksIssuer, parseClusterArn, parseGkeIssuer, PodIdentitySession,
} from './tokens-kubernetes';

/** Reads `system:serviceaccount:NS:SA` (with globs): namespace and service account fields. */
function readKubernetesSubject(wanted: Wanted): { namespace: Field; serviceAccount: Field } | undefined {
  const prefix = 'system:serviceaccount:';
  const value = wanted.value;
  if (!value.startsWith(prefix)) {
    if (wanted.glob && /^[*?]/.test(value.slice(literalPrefix(value).length)) && prefix.startsWith(literalPrefix(value))) {
      return { namespace: { value: 'legit', pinned: false }, serviceAccount: { value: 'legit', pinned: false } };
    }
    return undefined;
  }
  const rest = value.slice(prefix.length);
  const colon = rest.indexOf(':');
  if (colon < 0) {
    if (!(wanted.glob && /[*?]/.test(rest))) return undefined;
    return { namespace: { value: literalPrefix(rest) || 'legit', pinned: false }, serviceAccount: { value: 'legit', pinned: false } };
  }
  return {
    namespace: fieldOf({ value: rest.slice(0, colon), glob: wanted.glob }, 'name'),
    serviceAccount: fieldOf({ value: rest.slice(colon + 1), glob: wanted.glob }, 'name'),
  };
}

const DEFAULT_KUBERNETES_ISSUER = 'https://kubernetes.default.svc';

/**
 * The issuer a cluster writes in its tokens' `iss` for an issuer a trust names: an AKS-managed issuer always ends with
 * `/` (`az aks show --query oidcIssuerProfile.issuerUrl` prints `https://REGION.oic.prod-aks.azure.com/TENANT/UUID/`,
 * https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster, "Retrieve the OIDC issuer URL"), so a trust
 * naming it without the slash gets AKS's token with it, and each cloud's evaluator applies its own comparison (Entra's
 * is exact: https://learn.microsoft.com/graph/api/resources/federatedidentitycredential; IAM's provider is a host/path).
 */
function clusterIssuer(issuer: string | undefined): string {
  if (issuer === undefined) return DEFAULT_KUBERNETES_ISSUER;
  return parseAksIssuer(issuer) !== undefined && !issuer.endsWith('/') ? `${issuer}/` : issuer;
}

/** The pod of one combination of wanted values, or undefined when the subject is not a service account's. */
export function deriveKubernetes(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived | undefined {
  let namespace: Field = { value: 'legit', pinned: false };
  let serviceAccount: Field = { value: 'legit', pinned: false };
  let aud: Field | undefined;
  const extra: MutableClaims = {};
  for (const [claim, value] of wanted) {
    if (claim === 'sub') {
      const read = readKubernetesSubject(value);
      if (!read) return undefined;
      ({ namespace, serviceAccount } = read);
    } else if (claim === 'aud') {
      aud = fieldOf(value, 'name');
    } else if (claim === 'kubernetes.io.namespace') {
      namespace = fieldOf(value, 'name');
    } else if (claim === 'kubernetes.io.serviceaccount.name') {
      serviceAccount = fieldOf(value, 'name');
    } else if (claim !== 'iss') {
      extra[claim] = fieldOf(value, 'name').value;
    }
  }
  const run: KubernetesRun = {
    issuer: clusterIssuer(issuer),
    namespace: namespace.value,
    serviceAccount: serviceAccount.value,
    ...(aud ? { aud: [aud.value] } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [
    ...(issuer === undefined ? ['iss'] : []),
    ...(aud?.pinned ? [] : ['aud']),
    ...(namespace.pinned ? [] : ['namespace']),
    ...(serviceAccount.pinned ? [] : ['serviceaccount']),
    ...(namespace.pinned && serviceAccount.pinned ? [] : ['sub']),
  ];
  const impossible = kubernetesNameProblem(namespace, serviceAccount);
  return { profile: { platform: 'kubernetes', run }, invented, ...(impossible !== undefined ? { impossible } : {}) };
}

const DEFAULT_CLUSTER_ARN = 'arn:aws:eks:us-east-1:111122223333:cluster/legit-cluster';

/** The EKS Pod Identity session of one combination of wanted values. */
export function derivePodIdentity(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived {
  const base = parseClusterArn(issuer ?? '') ?? parseClusterArn(DEFAULT_CLUSTER_ARN)!;
  let arnPinned = issuer !== undefined && parseClusterArn(issuer) !== undefined;
  let { partition, region, account, name } = base;
  let namespace: Field = { value: 'legit', pinned: false };
  let serviceAccount: Field = { value: 'legit', pinned: false };
  const extra: MutableClaims = {};
  for (const [key, value] of wanted) {
    const claim = key.startsWith('aws:RequestTag/') ? key.slice('aws:RequestTag/'.length) : key;
    if (claim === 'kubernetes-namespace') {
      namespace = fieldOf(value, 'name');
    } else if (claim === 'kubernetes-service-account') {
      serviceAccount = fieldOf(value, 'name');
    } else if (claim === 'eks-cluster-arn' || claim === 'aws:SourceArn') {
      // A pattern instantiated field by field, its account as twelve digits (`arn:aws:eks:*:11112222333?:cluster/c`).
      const arn = parseClusterArn(isPattern(value) ? clusterArnOf(value.value) ?? '' : value.value);
      if (arn) ({ partition, region, account, name } = arn);
      arnPinned = arnPinned || !isPattern(value);
    } else if (claim === 'eks-cluster-name') {
      name = fieldOf(value, 'name').value;
    } else if (claim === 'aws:SourceAccount') {
      account = (isPattern(value) ? accountOf(value.value, '1') : value.value) ?? account;
    } else {
      extra[claim] = fieldOf(value, 'name').value;
    }
  }
  const run: PodIdentitySession = {
    clusterArn: `arn:${partition}:eks:${region}:${account}:cluster/${name}`,
    namespace: namespace.value,
    serviceAccount: serviceAccount.value,
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [
    ...(arnPinned ? [] : ['eks-cluster-arn']),
    ...(namespace.pinned ? [] : ['kubernetes-namespace']),
    ...(serviceAccount.pinned ? [] : ['kubernetes-service-account']),
  ];
  const impossible = kubernetesNameProblem(namespace, serviceAccount);
  return { profile: { platform: 'eks-pod-identity', run }, invented, ...(impossible !== undefined ? { impossible } : {}) };
}

/** The GKE workload of one combination of wanted values. */
export function deriveGke(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived {
  const fromIssuer = parseGkeIssuer(issuer ?? '');
  let project: Field = fromIssuer ? literal(fromIssuer.project) : { value: 'legit-project', pinned: false };
  let location = fromIssuer?.location ?? 'us-central1';
  let cluster = fromIssuer?.cluster ?? 'legit-cluster';
  let namespace: Field = { value: 'legit', pinned: false };
  let serviceAccount: Field = { value: 'legit', pinned: false };
  const extra: MutableClaims = {};
  for (const [claim, value] of wanted) {
    if (claim === 'project') project = fieldOf(value, 'name');
    else if (claim === 'workload_pool' || claim === 'pool') project = fieldOf({ ...value, value: value.value.replace(/\.svc\.id\.goog$/, '') }, 'name');
    else if (claim === 'namespace') namespace = fieldOf(value, 'name');
    else if (claim === 'serviceaccount') serviceAccount = fieldOf(value, 'name');
    else if (claim === 'cluster') cluster = fieldOf(value, 'name').value;
    else if (claim === 'location') location = fieldOf(value, 'name').value;
    else extra[claim] = fieldOf(value, 'name').value;
  }
  const run: GkeWorkload = {
    project: project.value,
    location,
    cluster,
    namespace: namespace.value,
    serviceAccount: serviceAccount.value,
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [
    ...(namespace.pinned ? [] : ['namespace']),
    ...(project.pinned ? [] : ['project']),
    ...(serviceAccount.pinned ? [] : ['serviceaccount']),
  ];
  const impossible = kubernetesNameProblem(namespace, serviceAccount);
  return { profile: { platform: 'gke', run }, invented, ...(impossible !== undefined ? { impossible } : {}) };
}

const DEFAULT_OIDC_ISSUER = 'https://legit-issuer.example';

/** The OIDC subject of one combination of wanted values (any issuer, any subject). */
export function deriveOidc(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived {
  let sub: Field = { value: 'legit', pinned: false };
  let aud: Field | undefined;
  const extra: MutableClaims = {};
  for (const [claim, value] of wanted) {
    if (claim === 'sub') sub = fieldOf(value, 'name');
    else if (claim === 'aud') aud = fieldOf(value, 'name');
    else if (claim !== 'iss') extra[claim] = fieldOf(value, 'name').value;
  }
  const run: OidcSubject = {
    issuer: issuer ?? DEFAULT_OIDC_ISSUER,
    sub: sub.value,
    aud: aud?.value ?? 'legit',
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [...(issuer === undefined ? ['iss'] : []), ...(aud?.pinned ? [] : ['aud']), ...(sub.pinned ? [] : ['sub'])];
  return { profile: { platform: 'oidc', run }, invented };
}
