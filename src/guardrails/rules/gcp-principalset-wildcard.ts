import { gcpMembers, isWholePoolMember, resolveGcpMember } from '../../synth/gcp';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/**
 * `principalSet://…/POOL/*`: every identity of a pool, also as a Terraform reference to a literal one (synth
 * `resolveGcpMember`). Key: `Member::MEMBER` (the member as written: `Member::principalSet://…/*`).
 */
export const gcpPrincipalsetWildcard: GuardrailRule = {
  id: 'KL-G-GCP-PRINCIPALSET-WILDCARD',
  info: 'A GCP role is granted to every identity of a workload identity pool.',
  explanation: '`principalSet://…/workloadIdentityPools/POOL/*` admits every token any provider of the pool accepts, now and later; a grant must name the subject or an attribute that identifies the workload.',
  fix: 'grant to `principal://…/subject/SUBJECT` or `principalSet://…/attribute.NAME/VALUE` (CiOidcTrust exposes the exact members)',
  check(resource, context) {
    const members = gcpMembers(resource);
    if (members.length === 0) return NOT_APPLICABLE;
    return verdict(members.flatMap((m) => {
      const resolved = resolveGcpMember(resource, m, context.resources);
      if (!isWholePoolMember(m) && !isWholePoolMember(resolved)) return [];
      return [{ key: `Member::${m}`, message: `member ${m}${resolved === m ? '' : ` (${resolved})`}` }];
    }));
  },
};
