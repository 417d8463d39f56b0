import { gcpMembers, isWholePoolMember } from '../../synth/gcp';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/** `principalSet://…/POOL/*`: every identity of a pool. Key: `Member::principalSet://…/*`. */
export const gcpPrincipalsetWildcard: GuardrailRule = {
  id: 'KL-G-GCP-PRINCIPALSET-WILDCARD',
  info: 'A GCP role is granted to every identity of a workload identity pool.',
  explanation: '`principalSet://…/workloadIdentityPools/POOL/*` admits every token any provider of the pool accepts, now and later; a grant must name the subject or an attribute that identifies the workload.',
  fix: 'grant to `principal://…/subject/SUBJECT` or `principalSet://…/attribute.NAME/VALUE` (CiOidcTrust exposes the exact members)',
  check(resource) {
    const members = gcpMembers(resource);
    if (members.length === 0) return NOT_APPLICABLE;
    return verdict(members.filter(isWholePoolMember).map((m) => ({ key: `Member::${m}`, message: `member ${m}` })));
  },
};
