/**
 * The name grammars of the workloads verify derives: Kubernetes namespaces and service accounts (a trust requiring a
 * name outside them is written for no workload), AWS account ids (twelve digits) and EKS cluster ARNs, and their
 * instances from a pattern (for the legitimate session and for the attacker's).
 */
import type { Field } from './derive-common';
import { instantiateGlob } from './derive-common';
import { globMatches } from '../synth/glob';

/**
 * A Kubernetes namespace name is an RFC 1123 label: at most 63 lower-case alphanumeric characters or `-`, starting and
 * ending with an alphanumeric ("All namespace names must be valid RFC 1123 DNS labels",
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#namespaces-and-dns; the grammar:
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names).
 */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether a name is an RFC 1123 label (a Kubernetes namespace). */
export const isDnsLabel = (name: string): boolean => name.length <= 63 && DNS_LABEL.test(name);

/**
 * A ServiceAccount name is a DNS subdomain: at most 253 characters, RFC 1123 labels joined by `.` ("The name of a
 * ServiceAccount object must be a valid DNS subdomain name",
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/; the grammar:
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names).
 */
export const isDnsSubdomain = (name: string): boolean => name.length <= 253 && name.split('.').every((label) => DNS_LABEL.test(label));

/**
 * Why no workload has the namespace and service account a trust pins (undefined when both names are valid, or not
 * pinned: a pattern's instance is verify's choice, not the trust's). The API server refuses such objects, so no
 * token, session or GKE identity ever carries them.
 */
export function kubernetesNameProblem(namespace: Field, serviceAccount: Field): string | undefined {
  if (namespace.pinned && !isDnsLabel(namespace.value)) {
    return `a Kubernetes namespace is a lower-case RFC 1123 label (a-z, 0-9, "-"): no namespace is named ${JSON.stringify(namespace.value)}`;
  }
  if (serviceAccount.pinned && !isDnsSubdomain(serviceAccount.value)) {
    return `a Kubernetes service account name is a lower-case DNS subdomain (a-z, 0-9, "-", "."): no service account is named ${JSON.stringify(serviceAccount.value)}`;
  }
  return undefined;
}

/** An AWS account id: twelve digits (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html). */
const ACCOUNT = /^\d{12}$/;

/**
 * A twelve-digit account the pattern admits (IAM StringLike: `*` any run, `?` one character), its `?` filled with
 * `digit` and its first `*` with as many as make twelve digits (the other `*` empty); undefined when no account
 * matches this way (a pattern with a letter, or longer than twelve).
 */
export function accountOf(pattern: string, digit: string): string | undefined {
  if (!/[*?]/.test(pattern)) return ACCOUNT.test(pattern) ? pattern : undefined;
  const fixed = pattern.replace(/\*/g, '').length;
  if (fixed > 12) return undefined;
  let first = true;
  const account = pattern.replace(/[*?]/g, (glob) => {
    if (glob === '?') return digit;
    const fill = first ? digit.repeat(12 - fixed) : '';
    first = false;
    return fill;
  });
  return ACCOUNT.test(account) && globMatches(pattern, account) ? account : undefined;
}

/** Another account than `legitimate` that the pattern admits (the attacker's: `?` and `*` filled with 4, else 5…); undefined when none. */
export function otherAccountOf(pattern: string, legitimate: string): string | undefined {
  for (const digit of ['4', '5', '6', '7']) {
    const account = accountOf(pattern, digit);
    if (account !== undefined && account !== legitimate) return account;
  }
  return undefined;
}

/** The account field of an EKS cluster ARN pattern `arn:P:eks:R:A:cluster/N` (undefined when it is not one). */
export function clusterArnAccountPattern(pattern: string): string | undefined {
  const parts = pattern.split(':');
  return parts.length === 6 && parts[0] === 'arn' && parts[5].startsWith('cluster/') ? parts[4] : undefined;
}

/**
 * A cluster ARN the pattern `arn:P:eks:R:A:cluster/N` admits, field by field (partition `aws`, region `us-east-1` for a
 * `*` region, the account twelve digits); undefined when the pattern is not of this shape or its account matches none.
 */
export function clusterArnOf(pattern: string): string | undefined {
  const parts = pattern.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || !parts[5].startsWith('cluster/')) return undefined;
  const [, partition, service, region, account, resource] = parts;
  const instance = (value: string, star: string): string => (value === '*' ? star : instantiateGlob(value));
  const id = accountOf(account, '1');
  if (id === undefined || !/^(eks|\*)$/.test(service)) return undefined;
  const arn = `arn:${instance(partition, 'aws')}:eks:${instance(region, 'us-east-1')}:${id}:cluster/${instantiateGlob(resource.slice('cluster/'.length))}`;
  return globMatches(pattern, arn) ? arn : undefined;
}
