import { ADMISSION_POLICY, REPOSITORY_SIDE, sideEmitted, sideStates } from './both-sides';
import { DETECTIONS } from './detections';
import { Cloud, CredentialType, IdentityRecord, InventoryMetrics } from './model';

/** Exception use, from the guardrail run of the inventory. */
export interface ExceptionCounts {
  /** Live exceptions that cover at least one finding. */
  readonly liveExceptions: number;
  /** Findings they cover. */
  readonly exceptedFindings: number;
  /** Exceptions past their expiry (errors). */
  readonly expiredExceptions: number;
}

/** A ratio rounded to four decimals; 0 when there is nothing to divide. */
function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

/**
 * The programme metrics.
 *
 * - Ratios count identities *defined* in the output (an identity only referenced here is owned where it is defined).
 * - Static credential ratio: defined machine identities (all but human break-glass) with a static credential.
 * - Ownership coverage: defined identities with an owner (`complete`: also an environment and a review-by date).
 * - Wildcard count: wildcard trusted subjects plus wildcard permission entries, over every record.
 * - Blast radius: allowed (action or role) × scope entries per identity, wildcard entries counted apart.
 * - Exception debt: live guardrail exceptions in use, the findings they cover, and expired exceptions.
 * - Privileged identities: administrative or escalating permissions, or break-glass access.
 * - Repository side: defined identities with a `repositorySide` attribute (a CI trust, with the repository-side
 *   manifest among the inputs): `emitted` (the manifest lists files for it) or `missing`.
 * - Admission policy: defined Kubernetes ServiceAccounts with an `admissionPolicy` attribute (bound to a cloud
 *   identity): `emitted` (a ValidatingAdmissionPolicy protecting it and a binding that denies), `optedOut` (the chart
 *   opted out, with a reason), `missing` (anything else, including a policy that is unbound, audit-only or fails open).
 * - Both sides: of the defined cloud identities (not Kubernetes ServiceAccounts) whose other side was looked for (a
 *   `repositorySide` or `admissionPolicy` attribute), those whose every other side is emitted. For a CI trust: its
 *   repository side is emitted. For a workload identity: an admission policy is emitted on every ServiceAccount bound
 *   to it (an opted-out or unprotected one lets another pod of the namespace borrow it; a trusted ServiceAccount that
 *   is not in the output is missing). An identity with both kinds of trust needs both.
 * - Identities with detections: of the defined federated cloud identities (those with a `detections` attribute,
 *   revoked identities whose credentials are gone included),
 *   the ones `watched`; opted out and missing ones listed by id. A revoked identity counts like any other (it keeps
 *   its detections: an attempt to use it is what should alert).
 * - Revoked identities: records with `revoked` set.
 */
export function computeMetrics(identities: readonly IdentityRecord[], exceptions: ExceptionCounts): InventoryMetrics {
  const defined = identities.filter((i) => i.defined);
  const byCloud: Record<Cloud, number> = { aws: 0, gcp: 0, azure: 0, kubernetes: 0 };
  const byCredentialType: Record<CredentialType, number> = { 'federated': 0, 'static': 0, 'human-break-glass': 0, 'unknown': 0 };
  for (const identity of defined) {
    byCloud[identity.cloud]++;
    byCredentialType[identity.credentialType]++;
  }
  const machine = defined.filter((i) => i.credentialType !== 'human-break-glass');
  const staticCount = machine.filter((i) => i.credentialType === 'static').length;
  const owned = defined.filter((i) => i.ownership.owner !== undefined).length;
  const complete = defined.filter((i) => i.ownership.owner !== undefined && i.ownership.environment !== undefined
    && (i.ownership.reviewBy ?? i.ownership.expires) !== undefined).length;
  const trustWildcards = identities.reduce((n, i) => n + i.trustedSubjects.filter((s) => s.wildcard).length, 0);
  const permissionWildcards = identities.reduce((n, i) => n + i.blastRadius.wildcardEntries, 0);
  const perIdentity = identities.map((i) => ({ id: i.id, entries: i.blastRadius.entries, wildcardEntries: i.blastRadius.wildcardEntries }))
    .sort((a, b) => b.entries - a.entries || b.wildcardEntries - a.wildcardEntries || (a.id < b.id ? -1 : 1));
  const privileged = identities.filter((i) => i.privileged).map((i) => i.id);
  const overdue = identities.filter((i) => i.reviewOverdue).map((i) => i.id);
  const withRepositorySide = defined.filter((i) => i.attributes[REPOSITORY_SIDE] !== undefined);
  const repositoryMissing = withRepositorySide.filter((i) => !sideEmitted(i.attributes[REPOSITORY_SIDE])).map((i) => i.id);
  const bound = defined.filter((i) => i.cloud === 'kubernetes' && i.attributes[ADMISSION_POLICY] !== undefined);
  const admission = (state: string) => bound.filter((i) => sideStates(i.attributes[ADMISSION_POLICY])[0] === state).map((i) => i.id);
  const looked = defined.filter((i) => i.cloud !== 'kubernetes' && (i.attributes[REPOSITORY_SIDE] !== undefined || i.attributes[ADMISSION_POLICY] !== undefined));
  const incomplete = looked
    .filter((i) => [REPOSITORY_SIDE, ADMISSION_POLICY].some((a) => i.attributes[a] !== undefined && !sideEmitted(i.attributes[a])))
    .map((i) => i.id);
  const detected = defined.filter((i) => i.attributes[DETECTIONS] !== undefined);
  const detectionState = (prefix: string) => detected.filter((i) => i.attributes[DETECTIONS].startsWith(prefix)).map((i) => i.id);
  const watched = detectionState('watched').length;
  const revoked = identities.filter((i) => i.revoked !== null).map((i) => i.id);
  return {
    identities: { defined: defined.length, referenced: identities.length - defined.length },
    byCloud,
    byCredentialType,
    staticCredentialRatio: { static: staticCount, machine: machine.length, ratio: ratio(staticCount, machine.length) },
    ownershipCoverage: { owned, complete, total: defined.length, ratio: ratio(owned, defined.length) },
    wildcardCount: { trust: trustWildcards, permissions: permissionWildcards, total: trustWildcards + permissionWildcards },
    blastRadius: { total: perIdentity.reduce((n, i) => n + i.entries, 0), max: perIdentity[0]?.entries ?? 0, perIdentity },
    exceptionDebt: { exceptions: exceptions.liveExceptions, exceptedFindings: exceptions.exceptedFindings, expired: exceptions.expiredExceptions },
    privilegedIdentities: { count: privileged.length, ids: privileged },
    reviewOverdue: { count: overdue.length, ids: overdue },
    repositorySide: {
      emitted: withRepositorySide.length - repositoryMissing.length,
      missing: repositoryMissing.length,
      missingIds: repositoryMissing,
    },
    admissionPolicy: {
      emitted: admission('emitted').length,
      optedOut: admission('opted-out').length,
      missing: admission('missing').length,
      optedOutIds: admission('opted-out'),
      missingIds: admission('missing'),
    },
    identitiesWithDetections: {
      watched,
      total: detected.length,
      ratio: ratio(watched, detected.length),
      optedOutIds: detectionState('opted-out'),
      missingIds: detectionState('missing'),
    },
    revokedIdentities: { count: revoked.length, ids: revoked },
    bothSides: {
      complete: looked.length - incomplete.length,
      total: looked.length,
      ratio: ratio(looked.length - incomplete.length, looked.length),
      incompleteIds: incomplete,
    },
  };
}
