/** The tokens of Kubernetes service accounts (EKS, AKS, any cluster), EKS Pod Identity, GKE and other OIDC issuers (sources: see tokens.ts). */
import type { Token } from './model';
import { Claims, jwtToken, KeyedToken, MutableClaims, setAudience, stableUuid, UUID_CACHE_SIZE, uuidOf, WrittenClaim } from './tokens-common';
import { kubernetesServiceAccountSubject } from '../core/facts/subjects';

/** A pod's projected service account token. */
export interface KubernetesRun {
  readonly issuer: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** `null` drops the claim. @default the cluster's usual audience: sts.amazonaws.com (EKS), api://AzureADTokenExchange (AKS), else the issuer */
  readonly aud?: string | readonly string[] | null;
  /** Further claims, set as given. */
  readonly extra?: Claims;
}

/** The region and cluster id of an EKS issuer. */
export function parseEksIssuer(issuer: string): { readonly region: string; readonly id: string } | undefined {
  const match = /^https:\/\/oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/id\/([^/]+)$/.exec(issuer);
  return match ? { region: match[1], id: match[2] } : undefined;
}

/** The region, tenant and cluster of an AKS issuer. */
export function parseAksIssuer(issuer: string): { readonly region: string; readonly tenant: string; readonly cluster: string } | undefined {
  const match = /^https:\/\/([a-z0-9-]+)\.oic\.prod-aks\.azure\.com\/([^/]+)\/([^/]+)\/?$/.exec(issuer);
  return match ? { region: match[1], tenant: match[2], cluster: match[3] } : undefined;
}

/** The audience a cluster's workloads usually request. */
function kubernetesDefaultAudience(issuer: string): string {
  if (parseEksIssuer(issuer)) return 'sts.amazonaws.com';
  if (parseAksIssuer(issuer)) return 'api://AzureADTokenExchange';
  return issuer;
}

/** The uids of a pod's node, pod and service account. */
interface KubernetesUids {
  readonly node: string;
  readonly pod: string;
  readonly sa: string;
}

/** The uids remembered, by issuer, namespace and service account (at most UUID_CACHE_SIZE; then it starts again). */
const UIDS = new Map<string, Map<string, Map<string, KubernetesUids>>>();
let uidCount = 0;

/**
 * The uids of a token: stableUuid of `node:ISSUER:NODE`, `pod:ISSUER:NS/POD` and `sa:ISSUER:NS/SA`, remembered by the
 * names themselves, so that a token whose pod verify built before (a wrong-audience variant has the legitimate pod) costs
 * neither a hash nor the texts. A pure function of its arguments: nothing of one trust can reach another.
 */
function kubernetesUids(issuer: string, namespace: string, serviceAccount: string, node: string, pod: string): KubernetesUids {
  let byNamespace = UIDS.get(issuer);
  let byName = byNamespace?.get(namespace);
  const known = byName?.get(serviceAccount);
  if (known !== undefined) return known;
  if (uidCount >= UUID_CACHE_SIZE) {
    UIDS.clear();
    uidCount = 0;
    byNamespace = undefined;
    byName = undefined;
  }
  const uids: KubernetesUids = {
    node: uuidOf(`node:${issuer}:${node}`),
    pod: stableUuid(`pod:${issuer}:${namespace}/${pod}`),
    sa: stableUuid(`sa:${issuer}:${namespace}/${serviceAccount}`),
  };
  if (byNamespace === undefined) UIDS.set(issuer, byNamespace = new Map());
  if (byName === undefined) byNamespace.set(namespace, byName = new Map());
  byName.set(serviceAccount, uids);
  uidCount++;
  return uids;
}

/** The full projected service account token of a pod. */
export function kubernetesToken(run: KubernetesRun): Token {
  return keyedKubernetesToken(run).token;
}

/** kubernetesToken with its canonical text (tokenKey). */
export function keyedKubernetesToken(run: KubernetesRun): KeyedToken {
  const pod = `${run.serviceAccount}-7d4b9c8f6-x2x9q`;
  const node = 'ip-10-0-1-23.internal';
  const uids = kubernetesUids(run.issuer, run.namespace, run.serviceAccount, node, pod);
  const kubernetes = {
    namespace: run.namespace,
    node: { name: node, uid: uids.node },
    pod: { name: pod, uid: uids.pod },
    serviceaccount: { name: run.serviceAccount, uid: uids.sa },
  };
  // Its canonical text (keys sorted: namespace, node, pod, serviceaccount; name, uid), written here rather than by
  // canonicalJson: one text per token verify builds, the nested claim its largest part (tokens.test.ts compares them).
  const written: WrittenClaim = {
    value: kubernetes,
    text: `{"namespace":${JSON.stringify(run.namespace)},"node":{"name":${JSON.stringify(node)},"uid":${JSON.stringify(uids.node)}},`
      + `"pod":{"name":${JSON.stringify(pod)},"uid":${JSON.stringify(uids.pod)}},`
      + `"serviceaccount":{"name":${JSON.stringify(run.serviceAccount)},"uid":${JSON.stringify(uids.sa)}}}`,
  };
  const claims: MutableClaims = {
    'iss': run.issuer,
    'kubernetes.io': kubernetes,
    'sub': kubernetesServiceAccountSubject(run.namespace, run.serviceAccount),
  };
  const aud = run.aud === undefined ? [kubernetesDefaultAudience(run.issuer)] : typeof run.aud === 'string' ? [run.aud] : run.aud;
  setAudience(claims, aud, []);
  Object.assign(claims, run.extra ?? {});
  // (A name that is no string, which no reader gives, is left to canonicalJson.)
  const names = typeof run.namespace === 'string' && typeof run.serviceAccount === 'string';
  return jwtToken('kubernetes', run.issuer, claims, names ? written : undefined);
}

/** An EKS Pod Identity association's session. */
export interface PodIdentitySession {
  /** `arn:aws:eks:REGION:ACCOUNT:cluster/NAME`. */
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly extra?: Claims;
}

/** The parts of an EKS cluster ARN. */
export function parseClusterArn(
  arn: string,
): { readonly partition: string; readonly region: string; readonly account: string; readonly name: string } | undefined {
  const match = /^arn:(aws[a-z-]*):eks:([a-z0-9-]+):(\d{12}):cluster\/(.+)$/.exec(arn);
  return match ? { partition: match[1], region: match[2], account: match[3], name: match[4] } : undefined;
}

/** The session tags the EKS Auth API sets for a pod of an association (the `issuer` is the cluster ARN). */
export function podIdentityToken(session: PodIdentitySession): Token {
  const name = parseClusterArn(session.clusterArn)?.name ?? session.clusterArn.split('/').pop() ?? session.clusterArn;
  const pod = `${session.serviceAccount}-7d4b9c8f6-x2x9q`;
  const claims: MutableClaims = {
    'eks-cluster-arn': session.clusterArn,
    'eks-cluster-name': name,
    'kubernetes-namespace': session.namespace,
    'kubernetes-pod-name': pod,
    'kubernetes-pod-uid': uuidOf(`pod:${session.clusterArn}:${session.namespace}/${pod}`),
    'kubernetes-service-account': session.serviceAccount,
    ...session.extra,
  };
  return { platform: 'eks-pod-identity', issuer: session.clusterArn, claims };
}

/** A GKE workload (Workload Identity Federation for GKE). */
export interface GkeWorkload {
  readonly project: string;
  readonly location: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly extra?: Claims;
}

/** The issuer URL of a GKE cluster. */
export function gkeIssuer(project: string, location: string, cluster: string): string {
  return `https://container.googleapis.com/v1/projects/${project}/locations/${location}/clusters/${cluster}`;
}

/** The project, location and cluster of a GKE issuer URL. */
export function parseGkeIssuer(issuer: string): { readonly project: string; readonly location: string; readonly cluster: string } | undefined {
  const match = /^https:\/\/container\.googleapis\.com\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/clusters\/([^/]+)$/.exec(issuer);
  return match ? { project: match[1], location: match[2], cluster: match[3] } : undefined;
}

/** The identity GKE gives a workload: its project, cluster and Kubernetes service account (`issuer` is the cluster's). */
export function gkeToken(workload: GkeWorkload): Token {
  return {
    platform: 'gke',
    issuer: gkeIssuer(workload.project, workload.location, workload.cluster),
    claims: {
      cluster: workload.cluster,
      location: workload.location,
      namespace: workload.namespace,
      project: workload.project,
      serviceaccount: workload.serviceAccount,
      ...workload.extra,
    },
  };
}

/** A token of any other OIDC issuer: the claims a trust names. */
export interface OidcSubject {
  readonly issuer: string;
  readonly sub: string;
  /** `null` drops the claim. */
  readonly aud: string | readonly string[] | null;
  readonly extra?: Claims;
}

/** A token of an OIDC issuer verify knows no grammar of. */
export function oidcToken(subject: OidcSubject): Token {
  return keyedOidcToken(subject).token;
}

/** oidcToken with its canonical text (tokenKey). */
export function keyedOidcToken(subject: OidcSubject): KeyedToken {
  const claims: MutableClaims = { iss: subject.issuer, sub: subject.sub, ...subject.extra };
  setAudience(claims, subject.aud, []);
  return jwtToken('oidc', subject.issuer, claims);
}
