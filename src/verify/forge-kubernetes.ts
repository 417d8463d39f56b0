/** The forged variants of Kubernetes service accounts, EKS Pod Identity sessions, GKE workloads and other OIDC subjects. */
import { audienceCandidates, Candidate, otherThan } from './forge-common';
import { kubernetesPatternCandidates, patternAccount } from './forge-kubernetes-patterns';
import type { TrustAlternative } from './model';
import { FORGED_AUDIENCE, FORGED_MARKER } from './tokens-common';
import {
  GkeWorkload, gkeIssuer, KubernetesRun, OidcSubject, parseAksIssuer, parseClusterArn, parseEksIssuer, PodIdentitySession,
} from './tokens-kubernetes';
import type { TokenProfile } from './tokens-profile';

/** The issuer of another cluster in the same region, and of the same cluster id in another region (EKS, AKS). */
function otherClusterIssuers(issuer: string): { cluster: string; region?: string } {
  const eks = parseEksIssuer(issuer);
  if (eks) {
    const id = otherThan(eks.id, 'F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0');
    const region = otherThan(eks.region, 'eu-west-1') === 'eu-west-1-2' ? 'us-east-1' : 'eu-west-1';
    return {
      cluster: issuer.replace(`/id/${eks.id}`, `/id/${id}`),
      region: issuer.replace(`oidc.eks.${eks.region}.`, `oidc.eks.${region}.`),
    };
  }
  const aks = parseAksIssuer(issuer);
  if (aks) {
    const cluster = otherThan(aks.cluster, '00000000-0000-0000-0000-00000000f0f0');
    const region = aks.region === 'westeurope' ? 'eastus' : 'westeurope';
    return {
      cluster: issuer.replace(`/${aks.cluster}`, `/${cluster}`),
      region: issuer.replace(`https://${aks.region}.`, `https://${region}.`),
    };
  }
  return { cluster: issuer.endsWith('/') ? `${issuer}${FORGED_MARKER}/` : `${issuer}/${FORGED_MARKER}` };
}
/** The candidates of a pod's service account token. */
export function kubernetesCandidates(run: KubernetesRun, alternative: TrustAlternative = { claims: {} }): Candidate[] {
  const kube = (changes: Partial<KubernetesRun>): TokenProfile => ({ platform: 'kubernetes', run: { ...run, ...changes } });
  const issuers = otherClusterIssuers(run.issuer);
  const names = (namespace: string, serviceAccount: string) => kube({ namespace, serviceAccount });
  const result: Candidate[] = [
    ...serviceAccountCandidates(run.namespace, run.serviceAccount, names),
    ...kubernetesPatternCandidates('kubernetes', alternative, run.namespace, run.serviceAccount, names),
    ...audienceCandidates(kube({ aud: [FORGED_AUDIENCE] }), kube({ aud: null })),
    {
      family: 'other-cluster',
      description: `${run.namespace}/${run.serviceAccount} in another cluster (${issuers.cluster})`,
      profile: kube({ issuer: issuers.cluster }),
    },
  ];
  if (issuers.region) {
    result.push({
      family: 'other-region',
      description: `${run.namespace}/${run.serviceAccount} in a cluster of the same id in another region (${issuers.region})`,
      profile: kube({ issuer: issuers.region }),
    });
  }
  return result;
}
/** The namespace and service account candidates, built by `make`. */
function serviceAccountCandidates(
  namespace: string, serviceAccount: string, make: (namespace: string, serviceAccount: string) => TokenProfile,
): Candidate[] {
  const otherNamespace = otherThan(namespace, FORGED_MARKER);
  const otherAccount = otherThan(serviceAccount, FORGED_MARKER);
  return [
    { family: 'other-namespace', description: `the service account ${serviceAccount} in another namespace (${otherNamespace})`, profile: make(otherNamespace, serviceAccount) },
    { family: 'other-service-account', description: `another service account of ${namespace} (${otherAccount})`, profile: make(namespace, otherAccount) },
    {
      family: 'namespace-prefix',
      description: `the service account ${serviceAccount} in a namespace whose name extends ${namespace} (${namespace}-forged)`,
      profile: make(`${namespace}-forged`, serviceAccount),
    },
    {
      family: 'service-account-prefix',
      description: `a service account of ${namespace} whose name extends ${serviceAccount} (${serviceAccount}-forged)`,
      profile: make(namespace, `${serviceAccount}-forged`),
    },
  ];
}
/** The candidates of an EKS Pod Identity session. */
export function podIdentityCandidates(run: PodIdentitySession, alternative: TrustAlternative = { claims: {} }): Candidate[] {
  const pod = (changes: Partial<PodIdentitySession>): TokenProfile => ({ platform: 'eks-pod-identity', run: { ...run, ...changes } });
  const names = (namespace: string, serviceAccount: string) => pod({ namespace, serviceAccount });
  const result = [
    ...serviceAccountCandidates(run.namespace, run.serviceAccount, names),
    ...kubernetesPatternCandidates('eks-pod-identity', alternative, run.namespace, run.serviceAccount, names),
  ];
  const arn = parseClusterArn(run.clusterArn);
  if (arn) {
    const at = (region: string, account: string, name: string): string => `arn:${arn.partition}:eks:${region}:${account}:cluster/${name}`;
    const cluster = at(arn.region, arn.account, otherThan(arn.name, FORGED_MARKER));
    const region = at(arn.region === 'eu-west-1' ? 'us-east-1' : 'eu-west-1', arn.account, arn.name);
    // Another owner's account: one the trust's account pattern admits when it has one, else 999999999999.
    const attacker = patternAccount(alternative, run.clusterArn, arn.account);
    const account = at(arn.region, attacker ?? (arn.account === '999999999999' ? '888888888888' : '999999999999'), arn.name);
    result.push(
      { family: 'other-cluster', description: `${run.namespace}/${run.serviceAccount} in another cluster of the account (${cluster})`, profile: pod({ clusterArn: cluster }) },
      { family: 'other-region', description: `${run.namespace}/${run.serviceAccount} in a cluster of the same name in another region (${region})`, profile: pod({ clusterArn: region }) },
      {
        family: 'other-account',
        description: `${run.namespace}/${run.serviceAccount} in a cluster of the same name in another account${attacker !== undefined ? ' the account pattern admits' : ''} (${account})`,
        profile: pod({ clusterArn: account }),
      },
    );
  }
  return result;
}
/** The candidates of a GKE workload (the same-project cluster is shared by design). */
export function gkeCandidates(run: GkeWorkload, alternative: TrustAlternative = { claims: {} }): Candidate[] {
  const gke = (changes: Partial<GkeWorkload>): TokenProfile => ({ platform: 'gke', run: { ...run, ...changes } });
  const project = otherThan(run.project, `${FORGED_MARKER}-project`);
  const cluster = otherThan(run.cluster, FORGED_MARKER);
  const names = (namespace: string, serviceAccount: string) => gke({ namespace, serviceAccount });
  const sa = serviceAccountCandidates(run.namespace, run.serviceAccount, names);
  return [
    ...sa.filter((candidate) => candidate.family === 'other-namespace' || candidate.family === 'other-service-account'),
    ...kubernetesPatternCandidates('gke', alternative, run.namespace, run.serviceAccount, names),
    {
      family: 'other-project',
      description: `${run.namespace}/${run.serviceAccount} in a cluster of another project (workload pool ${project}.svc.id.goog)`,
      profile: gke({ project }),
    },
    {
      family: 'same-project-other-cluster',
      description: `${run.namespace}/${run.serviceAccount} in another cluster of ${run.project} (${cluster})`,
      profile: gke({ cluster }),
      sharedByDesign: `every cluster of project ${run.project} shares the workload pool ${run.project}.svc.id.goog: GKE gives ${run.namespace}/${run.serviceAccount} `
        + 'of any of them the same identity (identity sameness, https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity); '
        + `issuer ${gkeIssuer(run.project, run.location, cluster)}`,
    },
  ];
}
/** The candidates of an OIDC subject of any other issuer. */
export function oidcCandidates(run: OidcSubject): Candidate[] {
  const oidc = (changes: Partial<OidcSubject>): TokenProfile => ({ platform: 'oidc', run: { ...run, ...changes } });
  const sub = otherThan(run.sub, FORGED_MARKER);
  let other: string;
  try {
    const url = new URL(run.issuer);
    other = `${url.protocol}//${FORGED_MARKER}.example${url.pathname === '/' && !run.issuer.endsWith('/') ? '' : url.pathname}`;
  } catch {
    other = `https://${FORGED_MARKER}.example`;
  }
  return [
    { family: 'other-subject', description: `another subject of ${run.issuer} (${sub})`, profile: oidc({ sub }) },
    ...audienceCandidates(oidc({ aud: FORGED_AUDIENCE }), oidc({ aud: null })),
    { family: 'other-issuer', description: `the same claims from another issuer (${other})`, profile: oidc({ issuer: other }) },
  ];
}
