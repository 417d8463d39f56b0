import { awsRecords } from './aws';
import { azureRecords } from './azure';
import { recordBothSides } from './both-sides';
import { DETECTIONS, detectionsState, readDetectionsAndRevocations } from './detections';
import { Drafts, RecordDraft } from './draft';
import { makeSubject, uniqueSorted } from './entries';
import { gcpRecords } from './gcp';
import { kubernetesRecords } from './kubernetes';
import { computeMetrics } from './metrics';
import { CredentialType, IdentityRecord, Inventory, INVENTORY_SCHEMA_VERSION, Permission, TrustedSubject } from './model';
import { InventoryInput } from './read';
import { REVOKED_OPERATOR, revokedCondition } from './revocation';
import { evaluate } from '../guardrails/engine';
import { GuardrailException } from '../guardrails/exceptions';
import { kubernetesObject } from '../synth/kubernetes';
import { TerraformIndex } from '../synth/terraform';

/** Options for {@link buildInventory}. */
export interface BuildInventoryOptions {
  /** Today, `YYYY-MM-DD`: review-by dates and exception expiries are checked against it. */
  readonly today: string;
  /** Guardrail exceptions in force (their use is the exception debt). @default - none */
  readonly exceptions?: readonly GuardrailException[];
}

function byText<T extends { readonly text: string }>(entries: readonly T[]): T[] {
  const unique = new Map<string, T>();
  for (const entry of entries) if (!unique.has(entry.text)) unique.set(entry.text, entry);
  return [...unique.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

function credentialTypeOf(draft: RecordDraft, subjects: readonly TrustedSubject[]): CredentialType {
  if (subjects.some((s) => s.kind === 'static')) return 'static';
  if (draft.credentialType) return draft.credentialType;
  if (draft.breakGlass) return 'human-break-glass';
  return subjects.length > 0 ? 'federated' : 'unknown';
}

/** A subject of a revoked identity: the same, with the `revoked AT` condition (once). */
function revokedSubject(subject: TrustedSubject, revoked: NonNullable<RecordDraft['revoked']>): TrustedSubject {
  if (subject.conditions.some((c) => c.operator === REVOKED_OPERATOR)) return subject;
  return makeSubject({
    kind: subject.kind,
    issuer: subject.issuer,
    claims: subject.claims,
    conditions: [...subject.conditions, revokedCondition(revoked)],
    source: subject.source,
    wildcard: subject.wildcard,
  });
}

/**
 * Builds the inventory of everything read: one record per identity, with its trust, permissions, ownership,
 * credential type and session, its guardrail findings and exceptions, and the programme metrics.
 */
export function buildInventory(input: Pick<InventoryInput, 'resources' | 'files' | 'warnings'> & Partial<InventoryInput>, options: BuildInventoryOptions): Inventory {
  const drafts = new Drafts();
  const index = new TerraformIndex(input.resources);
  awsRecords(input.resources, drafts, index);
  gcpRecords(input.resources, drafts, index, input.googleProject ?? ((r) => input.defaultGoogleProject?.(r.file)));
  azureRecords(input.resources, drafts, index);
  const relativeFile = input.relativeFile ?? ((file: string) => file);
  readDetectionsAndRevocations(input.resources, drafts, index, relativeFile);
  const serviceAccounts = kubernetesRecords(input.resources, drafts, relativeFile);
  const repositorySides = input.repositorySides ?? [];
  const sideWarnings = recordBothSides(drafts, {
    serviceAccounts,
    repositorySides,
    kubernetesRead: input.resources.some((r) => kubernetesObject(r) !== undefined),
  });

  const guardrails = evaluate(input.resources, { today: options.today, exceptions: options.exceptions ?? [] });
  const findingsAt = new Map<string, typeof guardrails.findings>();
  for (const f of guardrails.findings) findingsAt.set(`${f.file}:${f.resource}`, [...(findingsAt.get(`${f.file}:${f.resource}`) ?? []), f]);
  const exceptedAt = new Map<string, typeof guardrails.excepted>();
  for (const f of guardrails.excepted) exceptedAt.set(`${f.file}:${f.resource}`, [...(exceptedAt.get(`${f.file}:${f.resource}`) ?? []), f]);
  const identities: IdentityRecord[] = drafts.entries().map(([id, draft]) => {
    // An AWS subject whose trust statement no Deny covers is not revoked (aws-statements.ts).
    const revoked = (s: TrustedSubject) => (draft.undeniedSubjects?.has(s) ? s : revokedSubject(s, draft.revoked!));
    const subjects = byText(draft.revoked ? draft.subjects.map(revoked) : draft.subjects);
    const permissions: Permission[] = byText(draft.permissions);
    const allowed = permissions.filter((p) => p.effect === 'allow');
    const resources = uniqueSorted(draft.resources);
    const credentialType = credentialTypeOf(draft, subjects);
    // Detections are about federated cloud identities (a Kubernetes ServiceAccount is watched through the identity it binds
    // to), revoked ones included: a revoked GCP or Azure identity keeps no credential, but an attempt to use it should alert.
    const watchable = credentialType === 'federated' || (draft.revoked !== undefined && credentialType === 'unknown');
    if (draft.defined && watchable && draft.cloud !== 'kubernetes') draft.attributes[DETECTIONS] = detectionsState(draft);
    const privilegedReasons = uniqueSorted([...draft.privilegedReasons, ...(credentialType === 'human-break-glass' && draft.privilegedReasons.length === 0 ? ['break-glass access'] : [])]);
    const reviewBy = draft.ownership.reviewBy ?? (draft.breakGlass ? draft.ownership.expires : undefined);
    return {
      id,
      cloud: draft.cloud,
      kind: draft.kind,
      name: draft.name,
      defined: draft.defined,
      file: draft.file,
      resource: draft.resource,
      resources,
      ownership: draft.ownership,
      credentialType,
      maxSessionSeconds: draft.maxSessionSeconds,
      trustedSubjects: subjects,
      permissions,
      blastRadius: { entries: allowed.length, wildcardEntries: allowed.filter((p) => p.wildcard).length },
      privileged: privilegedReasons.length > 0,
      privilegedReasons,
      reviewOverdue: reviewBy !== undefined && reviewBy < options.today,
      findings: resources.flatMap((r) => findingsAt.get(r) ?? []).map((f) => ({ ruleId: f.ruleId, key: f.key, message: `${f.resource}: ${f.message}` })),
      exceptions: resources.flatMap((r) => exceptedAt.get(r) ?? [])
        .map((f) => ({
          ruleId: f.ruleId,
          ...(f.exception.findingKey !== undefined ? { findingKey: f.exception.findingKey } : {}),
          reason: f.exception.reason,
          owner: f.exception.owner,
          expires: f.exception.expires,
        }))
        .filter((e, i, all) => all.findIndex((o) => o.ruleId === e.ruleId && o.findingKey === e.findingKey && o.reason === e.reason) === i),
      revoked: draft.revoked ?? null,
      attributes: Object.fromEntries(Object.entries(draft.attributes).sort(([a], [b]) => (a < b ? -1 : 1))),
    };
  }).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const warnings = uniqueSorted([...input.warnings, ...drafts.warnings, ...sideWarnings, ...guardrails.exceptionErrors]);
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    asOf: options.today,
    sources: [...input.files, ...repositorySides.map((side) => ({ file: side.file, format: 'repository-side' }))].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
    identities,
    metrics: computeMetrics(identities, {
      liveExceptions: new Set(guardrails.excepted.map((f) => f.exception)).size,
      exceptedFindings: guardrails.excepted.length,
      expiredExceptions: (options.exceptions ?? []).filter((e) => typeof e.expires === 'string' && e.expires < options.today).length,
    }),
    warnings,
  };
}
