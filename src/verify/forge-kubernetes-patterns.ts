/**
 * The namespace-pattern and service-account-pattern variants of a Kubernetes workload (a projected service account
 * token, an EKS Pod Identity session, a GKE workload): where a trust's namespace or service account is a pattern
 * (`system:serviceaccount:payments:deploy-?`, a StringLike `kubernetes-service-account` of `orders-*`, a GCP
 * condition's `startsWith`), the name another workload takes to match it: `?` filled by another letter than the
 * legitimate one's, `*` by `keyless-forged`. Whoever may create a service account in the namespace (or a namespace in
 * the cluster) picks such a name. IAM StringLike: `*` any run of characters, `?` one character
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
 * Also the attacker's account of an account pattern (`aws:SourceAccount` `11112222333?`) for Pod Identity's other-account.
 */
import { clusterArnAccountPattern, otherAccountOf } from './derive-names';
import { attackerName, type Candidate } from './forge-common';
import type { TrustAlternative } from './model';
import { FORGED_MARKER } from './tokens-common';
import type { TokenProfile } from './tokens-profile';
import { globMatches } from '../synth/glob';

/** The glob values of a claim of the alternative that a legitimate value matches. */
function globsOf(alternative: TrustAlternative, claim: string, legitimate: string): string[] {
  const requirement = alternative.claims[claim];
  return requirement?.glob ? requirement.values.filter((value) => globMatches(value, legitimate)) : [];
}

/** The claims that name a workload's namespace and service account, by platform (as the trusts' alternatives spell them). */
const NAME_CLAIMS: Readonly<Record<'kubernetes' | 'eks-pod-identity' | 'gke', { namespace: string[]; serviceAccount: string[] }>> = {
  'kubernetes': { namespace: ['kubernetes.io.namespace'], serviceAccount: ['kubernetes.io.serviceaccount.name'] },
  'eks-pod-identity': { namespace: ['kubernetes-namespace'], serviceAccount: ['kubernetes-service-account'] },
  'gke': { namespace: ['namespace'], serviceAccount: ['serviceaccount'] },
};

const SUBJECT_PREFIX = 'system:serviceaccount:';

/** The namespace and service-account patterns of an alternative that the legitimate workload meets. */
function namePatterns(
  platform: keyof typeof NAME_CLAIMS, alternative: TrustAlternative, namespace: string, serviceAccount: string,
): { namespaces: string[]; serviceAccounts: string[] } {
  const namespaces: string[] = [];
  const serviceAccounts: string[] = [];
  if (platform === 'kubernetes') {
    // `system:serviceaccount:NS:SA` (names have no `:`); a glob in NS without a `:` after it may swallow the SA too.
    for (const value of globsOf(alternative, 'sub', `${SUBJECT_PREFIX}${namespace}:${serviceAccount}`)) {
      if (!value.startsWith(SUBJECT_PREFIX)) continue;
      const rest = value.slice(SUBJECT_PREFIX.length);
      const colon = rest.indexOf(':');
      if (colon < 0) {
        namespaces.push(rest);
        continue;
      }
      namespaces.push(rest.slice(0, colon));
      serviceAccounts.push(rest.slice(colon + 1));
    }
  }
  const claims = NAME_CLAIMS[platform];
  for (const claim of claims.namespace) namespaces.push(...globsOf(alternative, claim, namespace));
  for (const claim of claims.serviceAccount) serviceAccounts.push(...globsOf(alternative, claim, serviceAccount));
  return { namespaces: [...new Set(namespaces)], serviceAccounts: [...new Set(serviceAccounts)] };
}

/** The namespace-pattern and service-account-pattern candidates of a workload (FORGED_FAMILIES' order), built by `make`. */
export function kubernetesPatternCandidates(
  platform: keyof typeof NAME_CLAIMS, alternative: TrustAlternative, namespace: string, serviceAccount: string,
  make: (namespace: string, serviceAccount: string) => TokenProfile,
): Candidate[] {
  const { namespaces, serviceAccounts } = namePatterns(platform, alternative, namespace, serviceAccount);
  const result: Candidate[] = [];
  for (const pattern of namespaces) {
    const name = attackerName(pattern, namespace, FORGED_MARKER);
    if (name === undefined) continue;
    result.push({
      family: 'namespace-pattern',
      description: `the service account ${serviceAccount} in a namespace the pattern ${pattern} admits (${name})`,
      profile: make(name, serviceAccount),
    });
  }
  for (const pattern of serviceAccounts) {
    const name = attackerName(pattern, serviceAccount, FORGED_MARKER);
    if (name === undefined) continue;
    result.push({
      family: 'service-account-pattern',
      description: `a service account of ${namespace} the pattern ${pattern} admits (${name})`,
      profile: make(namespace, name),
    });
  }
  return result;
}

/**
 * The attacker's account for Pod Identity's other-account variant: where the alternative's cluster ARN (from
 * `aws:SourceAccount` / `aws:SourceArn` / `eks-cluster-arn`) has an account pattern the legitimate cluster meets, another
 * twelve-digit account it admits (`11112222333?` → 111122223334: someone else's account); else undefined.
 */
export function patternAccount(alternative: TrustAlternative, clusterArn: string, account: string): string | undefined {
  const patterns = [
    ...globsOf(alternative, 'eks-cluster-arn', clusterArn).map(clusterArnAccountPattern),
    ...globsOf(alternative, 'aws:SourceAccount', account),
  ];
  for (const pattern of patterns) {
    if (pattern === undefined || /^\*+$/.test(pattern)) continue;
    const other = otherAccountOf(pattern, account);
    if (other !== undefined) return other;
  }
  return undefined;
}
