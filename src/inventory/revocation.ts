/**
 * Revoked identities (core/revocation.ts writes the declaration): when and why, read from what each target renders.
 *
 * - AWS: role tags `keyless:revoked` (the moment) and `keyless:revoked-reason`. A role with no such tags is revoked
 *   too when its output does both things a revocation does (someone wrote it by hand, e.g. with the console's
 *   "Revoke active sessions"): its trust denies, unconditionally, every assume action it allows to every principal it
 *   allows them to, and a policy of the role denies `*` on `*` to sessions with `aws:TokenIssueTime` before a moment.
 *   Its reason then reads `not declared (…)`. Either half alone is not a revocation (a trust Deny leaves issued
 *   sessions valid until they expire; the session policy alone lets new sessions in): a warning says so.
 *   A tagged role whose trust still admits an assumption is reported as revoked, with a warning.
 * - GCP: `revoked=` / `revoked-reason=` in the ownership description (`key=value; …`) of the service account, the
 *   workload identity provider or its pool.
 * - Azure: tags `keyless-revoked` / `keyless-revoked-reason` on the user-assigned identity; a role assignment that
 *   still grants a revoked identity something (made with its `principalId`, not `assignRole`) is a warning. A revoked
 *   break-glass assignment: the `revoked` / `revoked_reason` of its `terraform_data` marker (core/trust/azure-revocation.ts).
 *
 * The trusted subjects of a revoked identity stay listed, each with a `revoked` condition (text `revoked AT`): the
 * diff reads the condition as a narrowing, and a reviewer sees who could assume the identity before.
 */
import { RecordDraft, sourceOf } from './draft';
import { condition } from './entries';
import { Condition, Revoked } from './model';
import { decodeOwnershipDescription, decodeOwnershipTags, OWNERSHIP_PREFIX } from '../core/ownership';
import { REVOKED_KEY, REVOKED_REASON_KEY } from '../core/revocation';
import { trustDeniesEveryAssumption } from '../synth/aws-trust-denial';
import { NeutralResource } from '../synth/model';
import { trustStatements } from '../synth/policy';
import { attributesOf } from '../synth/terraform';
import { asList, safeJson } from '../synth/values';

/** The condition every subject of a revoked identity gains. */
export function revokedCondition(revoked: Revoked): Condition {
  return condition('revoked', 'keyless:revoked', [revoked.at], `revoked ${revoked.at}`);
}

/** The operator of {@link revokedCondition}. */
export const REVOKED_OPERATOR = 'revoked';

/** A revocation from decoded fields (`revoked`, `revoked-reason`), or undefined. */
function fromFields(fields: Record<string, string>): Revoked | undefined {
  const at = fields[REVOKED_KEY];
  if (at === undefined || at === '') return undefined;
  return { at, reason: fields[REVOKED_REASON_KEY] ?? 'not declared' };
}

/** Tags of a CloudFormation resource (a list of `{Key, Value}`) or Terraform (a map), as strings (intrinsics as JSON). */
function tagsOf(resource: NeutralResource): Record<string, string> {
  if (resource.format === 'cloudformation') {
    return Object.fromEntries(asList<any>(resource.properties?.Tags).filter((t) => typeof t?.Key === 'string')
      .map((t) => [t.Key, typeof t.Value === 'string' ? t.Value : safeJson(t.Value)]));
  }
  const tags = attributesOf(resource).tags;
  return tags && typeof tags === 'object' && !Array.isArray(tags) ? Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)])) : {};
}

export { trustDeniesEveryAssumption } from '../synth/aws-trust-denial';

/** The moment of a `Deny * on * when aws:TokenIssueTime < MOMENT` permission of the role, if it has one. */
function sessionsRevokedBefore(draft: RecordDraft): string | undefined {
  for (const p of draft.permissions) {
    if (p.effect !== 'deny' || p.action !== '*' || p.scope !== '*') continue;
    const issued = p.conditions.find((c) => /^DateLessThan(Equals)?$/.test(c.operator) && c.key.toLowerCase() === 'aws:tokenissuetime' && c.values.length === 1);
    if (issued) return issued.values[0];
  }
  return undefined;
}

/** The revocation of an AWS role (its defining resource and its draft, permissions already read), with warnings. */
export function awsRoleRevocation(role: NeutralResource, draft: RecordDraft, warnings: string[]): Revoked | undefined {
  const declared = fromFields(decodeOwnershipTags(tagsOf(role), OWNERSHIP_PREFIX.aws));
  const statements = trustStatements(role);
  const denied = trustDeniesEveryAssumption(statements);
  const before = sessionsRevokedBefore(draft);
  if (declared) {
    if (!denied) warnings.push(`${sourceOf(role)} is tagged ${OWNERSHIP_PREFIX.aws}${REVOKED_KEY}=${declared.at} but its trust still admits an assumption (no unconditional Deny of it)`);
    if (before === undefined) warnings.push(`${sourceOf(role)} is tagged ${OWNERSHIP_PREFIX.aws}${REVOKED_KEY}=${declared.at} but no policy denies sessions issued before it (aws:TokenIssueTime): issued sessions stay valid until they expire`);
    return declared;
  }
  if (denied && before !== undefined) return { at: before, reason: 'not declared (the trust denies every assumption, and sessions issued before it are denied)' };
  if (denied) warnings.push(`${sourceOf(role)}: the trust denies every assumption but no policy denies sessions already issued (aws:TokenIssueTime): not read as revoked`);
  return undefined;
}

/** The revocation written in GCP ownership descriptions (the identity's own, then its pool's). */
export function gcpRevocation(...descriptions: unknown[]): Revoked | undefined {
  for (const description of descriptions) {
    const revoked = fromFields(decodeOwnershipDescription(description));
    if (revoked) return revoked;
  }
  return undefined;
}

/**
 * The revocation of an Azure user-assigned identity (its tags; its draft's permissions already read), with a warning
 * per role assignment that still grants it something: a revocation withholds only the assignments Keyless makes
 * (`assignRole`, the templates' grants), and one made by hand with the identity's `principalId` keeps applying to the
 * Entra access tokens already issued, which cannot be revoked and live about 24 hours for a managed identity
 * (https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/managed-identities-faq#are-managed-identities-tokens-cached).
 */
export function azureRevocation(identity: NeutralResource, draft: RecordDraft, warnings: string[]): Revoked | undefined {
  const revoked = fromFields(decodeOwnershipTags(tagsOf(identity), OWNERSHIP_PREFIX.azure));
  if (revoked === undefined) return undefined;
  for (const permission of draft.permissions) {
    if (permission.kind !== 'role' || permission.effect !== 'allow') continue;
    warnings.push(`${sourceOf(identity)} is tagged ${OWNERSHIP_PREFIX.azure}${REVOKED_KEY}=${revoked.at} but role assignment ${permission.source} still grants `
      + `${permission.action} on ${permission.scope}: the Entra tokens already issued (about 24 hours for a managed identity) keep using it; `
      + 'remove the assignment, or make it with assignRole, which a revocation withholds');
  }
  return revoked;
}
