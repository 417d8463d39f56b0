import { AZURE_SUBJECT_MAX_CHARS, AZURE_TOKEN_EXCHANGE_AUDIENCE as AUDIENCE } from '../../core/facts/azure-entra';
import { parseKubernetesServiceAccountSubject, PINNED_CI_SUBJECT_PREFIXES } from '../../core/facts/subjects';
import { asList, show } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/** DNS-1123 label (a namespace) and subdomain (a service account name), as the Kubernetes API validates them. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Issuers whose subject grammar Keyless knows, and what their subjects must look like. */
const ISSUERS: ReadonlyArray<{ readonly issuer: RegExp; readonly name: string; readonly subject: (s: string) => boolean; readonly shape: string }> = [
  {
    issuer: /^https:\/\/token\.actions\.githubusercontent\.com(\/[^/]+)?\/?$/,
    name: 'GitHub Actions',
    subject: (s) => PINNED_CI_SUBJECT_PREFIXES.slice(0, 3).some((p) => p.test(s)) && !/:$/.test(s),
    shape: 'repo:OWNER/REPO:CONTEXT (environment:E, ref:refs/heads/B, pull_request…)',
  },
  {
    issuer: /^https:\/\/gitlab\.com\/?$/,
    name: 'GitLab',
    subject: (s) => PINNED_CI_SUBJECT_PREFIXES[3].test(s) && !/:$/.test(s),
    shape: 'project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF',
  },
  {
    // AKS, EKS and GKE cluster issuers: Kubernetes service account tokens.
    issuer: /^https:\/\/([a-z0-9-]+\.oic\.prod-aks\.azure\.com\/|oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/|container\.googleapis\.com\/v1\/projects\/)/,
    name: 'Kubernetes',
    subject: (s) => s.startsWith('system:serviceaccount:'),
    shape: 'system:serviceaccount:NAMESPACE:NAME',
  },
];

/** What is wrong with a subject's shape, or undefined: known issuers' grammars, and valid Kubernetes names in any `system:serviceaccount:` subject. */
function subjectProblem(subject: string, issuer: unknown): string | undefined {
  if (subject.length > AZURE_SUBJECT_MAX_CHARS) return `subject is ${subject.length} characters (Entra ID accepts at most ${AZURE_SUBJECT_MAX_CHARS})`;
  const known = typeof issuer === 'string' ? ISSUERS.find((i) => i.issuer.test(issuer)) : undefined;
  if (known && !known.subject(subject)) return `subject ${subject} is not a ${known.name} subject of one ${known.name === 'Kubernetes' ? 'service account' : 'repository'} (${known.shape})`;
  if (subject.startsWith('system:serviceaccount:')) {
    const parsed = parseKubernetesServiceAccountSubject(subject);
    const valid = parsed !== undefined && parsed.namespace.length <= 63 && DNS_LABEL.test(parsed.namespace)
      && parsed.name.length <= 253 && DNS_SUBDOMAIN.test(parsed.name);
    if (!valid) return `subject ${subject} is not system:serviceaccount:NAMESPACE:NAME with a valid namespace and service account name`;
  }
  return undefined;
}

/**
 * Azure federated identity credentials must use the token exchange audience and one exact, well-formed subject. Keys:
 * `Audience::A,B` (the audiences as written, `Audience::` when there are none), `Subject::SUBJECT` (`Subject::` when
 * empty). The subject is checked against the grammar of a known issuer (GitHub Actions `repo:OWNER/REPO:…` or the
 * immutable-id forms, GitLab `project_path:GROUP/PROJECT:…`, AKS/EKS/GKE clusters `system:serviceaccount:NS:NAME` with
 * valid Kubernetes names); another issuer's subject is its own grammar, matched exactly by Entra ID, and is only
 * required to be non-empty, without wildcard, at most 600 characters. A `${…}` reference is not read.
 */
export const azureFicAudience: GuardrailRule = {
  id: 'KL-G-AZURE-FIC-AUDIENCE',
  info: 'An Azure federated identity credential has an unexpected audience, or a subject that is empty, a wildcard or malformed.',
  explanation: 'Entra ID expects `api://AzureADTokenExchange`; another audience means tokens minted for other relying parties can be replayed here. Subjects are matched exactly: a `*` is either a mistake or an attempt at a pattern that silently never matches, and a subject that does not follow the issuer\'s grammar (a repository without owner, a Kubernetes name the API would refuse) names no workload, or not the one intended.',
  fix: `set audience to ["${AUDIENCE}"] and one exact subject in the issuer's grammar (repo:OWNER/REPO:environment:ENV, system:serviceaccount:NS:NAME)`,
  check(resource) {
    if (resource.type !== 'azurerm_federated_identity_credential' && resource.type !== 'azuread_application_federated_identity_credential') return NOT_APPLICABLE;
    const findings: RuleFinding[] = [];
    const audiences = asList<unknown>(resource.properties.audience ?? resource.properties.audiences);
    if (audiences.length === 0) {findings.push({ key: 'Audience::', message: 'no audience' });} else if (audiences.length !== 1 || audiences[0] !== AUDIENCE) {
      findings.push({ key: `Audience::${audiences.map(show).join(',')}`, message: `audience ${JSON.stringify(audiences)}` });
    }
    const subject = resource.properties.subject;
    if (subject === undefined || subject === null || (typeof subject === 'string' && subject.trim() === '')) {
      findings.push({ key: `Subject::${typeof subject === 'string' ? subject : ''}`, message: 'no subject' });
    } else if (typeof subject === 'string' && !subject.includes('${')) {
      const problem = /[*?]/.test(subject) ? `subject ${subject} contains a wildcard` : subjectProblem(subject, resource.properties.issuer);
      if (problem !== undefined) findings.push({ key: `Subject::${subject}`, message: problem });
    }
    return verdict(findings);
  },
};
