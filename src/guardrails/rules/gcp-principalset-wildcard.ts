import { GuardrailRule, NeutralResource } from '../model';
import { asList } from './util';

/** IAM members of a GCP IAM resource (`*_iam_member`, `*_iam_binding`, `*_iam_policy` data). */
export function gcpMembers(resource: NeutralResource): string[] {
  if (resource.format !== 'terraform' || !/^google_.*_iam_(member|binding)$/.test(resource.type)) return [];
  return [...asList<unknown>(resource.properties.member), ...asList<unknown>(resource.properties.members)].filter((m): m is string => typeof m === 'string');
}

/** `principalSet://…/POOL/*`: every identity of a pool. */
export const gcpPrincipalSetWildcard: GuardrailRule = {
  id: 'KL-G-GCP-PRINCIPALSET-WILDCARD',
  info: 'A GCP role is granted to every identity of a workload identity pool.',
  explanation: '`principalSet://…/workloadIdentityPools/POOL/*` admits every token any provider of the pool accepts, now and later; a grant must name the subject or an attribute that identifies the workload.',
  fix: 'grant to `principal://…/subject/SUBJECT` or `principalSet://…/attribute.NAME/VALUE` (CiOidcTrust exposes the exact members)',
  check(resource) {
    return gcpMembers(resource).filter((m) => /^principalSet:\/\/.*\/\*$/.test(m)).map((m) => `member ${m}`);
  },
};
