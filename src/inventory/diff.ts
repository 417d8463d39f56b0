import { ADMISSION_POLICY, otherSideApplies, REPOSITORY_SIDE, sideEmitted } from './both-sides';
import { DETECTIONS } from './detections';
import { duration } from './markdown';
import { permissionCovers, subjectCovers } from './match';
import { Cloud, IdentityKind, IdentityRecord, Inventory, Permission, RecordOwnership, TrustedSubject } from './model';
import { REVOKED_OPERATOR } from './revocation';

/** Version of the diff JSON schema. */
export const DIFF_SCHEMA_VERSION = 1;

/** What kind of change. */
export type ChangeType =
  | 'identity-added' | 'identity-removed'
  | 'trust-broadened' | 'trust-narrowed'
  | 'permission-broadened' | 'permission-narrowed'
  | 'session-increased' | 'session-decreased'
  | 'credential-changed'
  | 'ownership-removed' | 'ownership-changed'
  | 'attribute-changed'
  | 'identity-revoked' | 'identity-unrevoked' | 'revocation-changed'
  | 'detections-removed' | 'detections-added';

/** Whether a change gives more access (or less oversight), less, or neither. */
export type Direction = 'broadening' | 'narrowing' | 'neutral';

/** One change of one identity. */
export interface Change {
  readonly type: ChangeType;
  readonly direction: Direction;
  /** One line, plain text: what changed. */
  readonly text: string;
  /** The subject or permission (normalised text) the change is about, if any. */
  readonly value?: string;
  /** Why a broadening is one: `wildcard`, `new issuer`, `admits pull_request runs`, `privileged`… */
  readonly reasons: readonly string[];
  /**
   * For a broadening: what it replaces (base entries it admits that head no longer lists). For a narrowing: what
   * replaces it (head entries it admits that base did not list). Empty when nothing does.
   */
  readonly counterparts: readonly string[];
  /** Where the subject, permission or identity is defined: `file:resource-id` (head, or base when it went away). */
  readonly source: string;
  /** The ownership field or attribute that changed. */
  readonly field?: string;
  /** The value before and after (session, credential type, ownership, attribute). */
  readonly before?: string;
  readonly after?: string;
}

/** The changes of one identity. */
export interface IdentityChange {
  readonly id: string;
  readonly cloud: Cloud;
  readonly kind: IdentityKind;
  readonly name: string;
  /** `added`, `removed`, `broadened` (any broadening), `narrowed` (only narrowing), `changed` (neither). */
  readonly status: 'added' | 'removed' | 'broadened' | 'narrowed' | 'changed';
  /** The record in head (base when removed). */
  readonly record: IdentityRecord;
  readonly changes: readonly Change[];
}

/** The difference between two inventories. */
export interface InventoryDiff {
  readonly schemaVersion: typeof DIFF_SCHEMA_VERSION;
  readonly base: { readonly identities: number; readonly files: number };
  readonly head: { readonly identities: number; readonly files: number };
  readonly summary: {
    readonly added: number;
    readonly removed: number;
    readonly broadened: number;
    readonly narrowed: number;
    readonly changed: number;
    readonly unchanged: number;
  };
  /** Changed identities: broadened, added, removed, narrowed, changed; by id within each. */
  readonly identities: readonly IdentityChange[];
  readonly warnings: readonly string[];
}

const OWNERSHIP_FIELDS: Array<[keyof RecordOwnership, string]> = [
  ['owner', 'owner'], ['environment', 'environment'], ['reviewBy', 'review-by'], ['tier', 'tier'], ['purpose', 'purpose'], ['expires', 'expires'],
];

/**
 * The other side of a trust (both-sides.ts) no longer emitted is less oversight: a broadening, also when the attribute
 * went away while the head record still has the trust it is about (the repository side or the Kubernetes output was
 * dropped). A side emitted that was not is a narrowing; anything else (a file renamed, `missing` ↔ `opted-out`) is neutral.
 */
function otherSide(attribute: string) {
  return (before: string | undefined, after: string | undefined, head: IdentityRecord): Direction => {
    const was = sideEmitted(before);
    const now = sideEmitted(after);
    if (was && !now) return after !== undefined || otherSideApplies(head, attribute) ? 'broadening' : 'neutral';
    return !was && now ? 'narrowing' : 'neutral';
  };
}

/** Why losing an other side is a broadening, as the change's reason. */
const OTHER_SIDE_REASONS: Record<string, string> = {
  [REPOSITORY_SIDE]: 'repository side no longer emitted',
  [ADMISSION_POLICY]: 'admission policy no longer emitted',
};

/** Attributes whose removal (or change to `true`) widens access, or whose change loses oversight. */
const WIDENING_ATTRIBUTES: Record<string, (before: string | undefined, after: string | undefined, head: IdentityRecord) => Direction> = {
  permissionsBoundary: (before, after) => (before !== undefined && after === undefined ? 'broadening' : before === undefined && after !== undefined ? 'narrowing' : 'neutral'),
  automountServiceAccountToken: (before, after) => (after === 'true' && before !== 'true' ? 'broadening' : before === 'true' && after === 'false' ? 'narrowing' : 'neutral'),
  tokenAutomountedBy: (before, after) => {
    const b = new Set((before ?? '').split(', ').filter(Boolean));
    const a = (after ?? '').split(', ').filter(Boolean);
    return a.some((w) => !b.has(w)) ? 'broadening' : a.length < b.size ? 'narrowing' : 'neutral';
  },
  disabled: (before, after) => (before === 'true' && after !== 'true' ? 'broadening' : after === 'true' && before !== 'true' ? 'narrowing' : 'neutral'),
  [REPOSITORY_SIDE]: otherSide(REPOSITORY_SIDE),
  [ADMISSION_POLICY]: otherSide(ADMISSION_POLICY),
};

function subjectReasons(subject: TrustedSubject, base: readonly TrustedSubject[]): string[] {
  const reasons: string[] = [];
  const sameIssuer = base.filter((b) => b.kind === subject.kind && b.issuer === subject.issuer);
  if (subject.kind === 'static') reasons.push('static credential');
  else if (sameIssuer.length === 0) reasons.push(subject.kind === 'workload' ? 'new workload' : subject.kind === 'oidc' || subject.kind === 'saml' || subject.kind === 'pool' ? 'new issuer' : 'new principal');
  if (subject.wildcard) reasons.push('wildcard');
  else if (subject.pattern) reasons.push('pattern');
  if (subject.pullRequest) reasons.push('admits pull_request runs');
  const sameClaims = sameIssuer.find((b) => JSON.stringify(b.claims) === JSON.stringify(subject.claims));
  if (sameClaims) reasons.push('condition removed or loosened');
  return reasons;
}

function permissionReasons(permission: Permission, base: readonly Permission[]): string[] {
  const reasons: string[] = [];
  if (permission.wildcard) reasons.push('wildcard');
  if (permission.privileged) reasons.push('privileged');
  if (base.some((b) => b.effect === permission.effect && b.action === permission.action && b.scope === permission.scope)) reasons.push('condition removed or loosened');
  return reasons;
}

/** A subject as it reads without the `revoked` condition (revocation.ts), to tell a revocation from a trust change. */
function unrevokedKey(subject: TrustedSubject): string {
  const conditions = subject.conditions.filter((c) => c.operator !== REVOKED_OPERATOR).map((c) => c.text).sort();
  return JSON.stringify([subject.kind, subject.issuer, subject.claims, conditions]);
}

/**
 * The changes between two records of one identity: revocation, trust, permissions, then the record's other facts.
 * Revoking an identity is one narrowing (`identity-revoked`): the subjects it no longer admits because of it are not
 * listed again as trust narrowed. Restoring it is one broadening (`identity-unrevoked`): its subjects, the same but
 * for the `revoked` condition, are not listed again as trust broadened (any other subject still is).
 */
function compare(base: IdentityRecord, head: IdentityRecord): Change[] {
  const revocation = revocationChanges(base, head);
  let trust = trustChanges(base, head);
  if (revocation.some((c) => c.type === 'identity-revoked')) trust = trust.filter((c) => c.type !== 'trust-narrowed');
  if (revocation.some((c) => c.type === 'identity-unrevoked')) {
    const before = new Set(base.trustedSubjects.map(unrevokedKey));
    const restored = new Set(head.trustedSubjects.filter((s) => before.has(unrevokedKey(s))).map((s) => s.text));
    const restoredOnly = (c: Change) => c.counterparts.length > 0 && c.counterparts.every((t) => restored.has(t));
    trust = trust.filter((c) => !(c.type === 'trust-broadened' && restored.has(c.value!)) && !(c.type === 'trust-narrowed' && restoredOnly(c)));
  }
  return [...revocation, ...trust, ...permissionChanges(base, head), ...recordChanges(base, head)];
}

/**
 * Revoked (narrowing), no longer revoked (broadening), the moment moved: later denies more of the sessions issued
 * before it (narrowing), earlier fewer (broadening); only the reason changed: neutral.
 */
function revocationChanges(base: IdentityRecord, head: IdentityRecord): Change[] {
  const here = `${head.file}:${head.resource}`;
  const none = { reasons: [] as string[], counterparts: [] as string[], field: 'revoked', source: here };
  const was = base.revoked ?? null;
  const now = head.revoked ?? null;
  const show = (r: NonNullable<IdentityRecord['revoked']>) => `${r.at} (${r.reason})`;
  if (was === null && now === null) return [];
  if (was === null) return [{ type: 'identity-revoked', direction: 'narrowing', text: `revoked at ${show(now!)}`, ...none, after: show(now!) }];
  if (now === null) {
    return [{ type: 'identity-unrevoked', direction: 'broadening', text: `no longer revoked (was revoked at ${show(was)})`, ...none, reasons: ['revocation removed'], before: show(was) }];
  }
  if (was.at !== now.at) {
    const later = now.at > was.at;
    return [{
      type: 'revocation-changed',
      direction: later ? 'narrowing' : 'broadening',
      text: `revocation moment moved from ${was.at} to ${now.at}${later ? '' : ' (sessions issued in between are no longer denied)'}`,
      ...none,
      reasons: later ? [] : ['revocation moment moved earlier'],
      before: show(was),
      after: show(now),
    }];
  }
  if (was.reason !== now.reason) {
    return [{ type: 'revocation-changed', direction: 'neutral', text: `revocation reason changed from ${was.reason} to ${now.reason}`, ...none, before: show(was), after: show(now) }];
  }
  return [];
}

/**
 * Detections lost (`watched` before, anything else now, the identity still federated) are less oversight: a change to
 * review, `detections-removed`, not a trust broadening, though it counts as one for the gate (as losing the other side
 * of a trust does). Detections gained: `detections-added`, a narrowing. Other changes (the resources watching it):
 * an attribute change.
 */
function detectionChange(was: string | undefined, now: string | undefined, here: string): Change | undefined {
  const watchedBefore = was?.startsWith('watched') ?? false;
  const watchedNow = now?.startsWith('watched') ?? false;
  const none = {
    counterparts: [] as string[],
    field: DETECTIONS,
    source: here,
    ...(was !== undefined ? { before: was } : {}),
    ...(now !== undefined ? { after: now } : {}),
  };
  if (watchedBefore && !watchedNow && now !== undefined) {
    return {
      type: 'detections-removed',
      direction: 'broadening',
      text: `no longer watched for refused and foreign assumptions: ${now} (was ${was})`,
      reasons: [now.startsWith('opted-out') ? 'detections opted out' : 'detections removed'],
      ...none,
    };
  }
  if (!watchedBefore && watchedNow) return { type: 'detections-added', direction: 'narrowing', text: `now ${now}${was !== undefined ? ` (was ${was})` : ''}`, reasons: [], ...none };
  return undefined;
}

const texts = (entries: ReadonlyArray<{ readonly text: string }>) => new Set(entries.map((e) => e.text));

/** Subjects the head trusts that the base did not cover (broadening), and base subjects the head no longer covers. */
function trustChanges(base: IdentityRecord, head: IdentityRecord): Change[] {
  const changes: Change[] = [];
  const baseSubjects = texts(base.trustedSubjects);
  const headSubjects = texts(head.trustedSubjects);
  for (const subject of head.trustedSubjects) {
    if (base.trustedSubjects.some((b) => subjectCovers(b, subject))) continue;
    changes.push({
      type: 'trust-broadened',
      direction: 'broadening',
      text: `now assumable by ${subject.text}`,
      value: subject.text,
      source: subject.source,
      reasons: subjectReasons(subject, base.trustedSubjects),
      counterparts: base.trustedSubjects.filter((b) => !headSubjects.has(b.text) && subjectCovers(subject, b)).map((b) => b.text),
    });
  }
  for (const subject of base.trustedSubjects) {
    if (head.trustedSubjects.some((h) => subjectCovers(h, subject))) continue;
    const replacements = head.trustedSubjects.filter((h) => !baseSubjects.has(h.text) && subjectCovers(subject, h)).map((h) => h.text);
    changes.push({
      type: 'trust-narrowed',
      direction: 'narrowing',
      value: subject.text,
      source: subject.source,
      reasons: [],
      counterparts: replacements,
      text: replacements.length > 0 ? `${subject.text} now only ${replacements.join(', ')}` : `no longer assumable by ${subject.text}`,
    });
  }
  return changes;
}

/** Allows gained and denies lost (broadening), allows lost and denies gained (narrowing). */
function permissionChanges(base: IdentityRecord, head: IdentityRecord): Change[] {
  const changes: Change[] = [];
  const allows = (r: IdentityRecord) => r.permissions.filter((p) => p.effect === 'allow');
  const denies = (r: IdentityRecord) => r.permissions.filter((p) => p.effect === 'deny');
  const basePermissions = texts(base.permissions);
  const headPermissions = texts(head.permissions);
  for (const permission of allows(head)) {
    if (allows(base).some((b) => permissionCovers(head.cloud, b, permission))) continue;
    changes.push({
      type: 'permission-broadened',
      direction: 'broadening',
      text: `can now do ${permission.text}`,
      value: permission.text,
      source: permission.source,
      reasons: permissionReasons(permission, allows(base)),
      counterparts: allows(base).filter((b) => !headPermissions.has(b.text) && permissionCovers(head.cloud, permission, b)).map((b) => b.text),
    });
  }
  for (const permission of denies(base)) {
    if (denies(head).some((h) => permissionCovers(head.cloud, h, permission))) continue;
    changes.push({ type: 'permission-broadened', direction: 'broadening', text: `no longer denied: ${permission.text}`, value: permission.text, source: permission.source, reasons: ['deny removed'], counterparts: [] });
  }
  for (const permission of allows(base)) {
    if (allows(head).some((h) => permissionCovers(head.cloud, h, permission))) continue;
    const replacements = allows(head).filter((h) => !basePermissions.has(h.text) && permissionCovers(head.cloud, permission, h)).map((h) => h.text);
    changes.push({
      type: 'permission-narrowed',
      direction: 'narrowing',
      value: permission.text,
      source: permission.source,
      reasons: [],
      counterparts: replacements,
      text: replacements.length > 0 ? `${permission.text} now only ${replacements.join(', ')}` : `can no longer do ${permission.text}`,
    });
  }
  for (const permission of denies(head)) {
    if (denies(base).some((b) => permissionCovers(head.cloud, b, permission))) continue;
    changes.push({ type: 'permission-narrowed', direction: 'narrowing', text: `now denied: ${permission.text}`, value: permission.text, source: permission.source, reasons: ['deny added'], counterparts: [] });
  }
  return changes;
}

/** Session lifetime, credential type, ownership and attributes. */
function recordChanges(base: IdentityRecord, head: IdentityRecord): Change[] {
  const changes: Change[] = [];
  const here = `${head.file}:${head.resource}`;
  const none = { reasons: [] as string[], counterparts: [] as string[] };
  const before = base.maxSessionSeconds;
  const after = head.maxSessionSeconds;
  if (before !== after) {
    const longer = after === null || (before !== null && after > before);
    changes.push({
      type: longer ? 'session-increased' : 'session-decreased',
      direction: longer ? 'broadening' : 'narrowing',
      text: `session lifetime ${longer ? 'increased' : 'decreased'} from ${duration(before)} to ${duration(after)}`,
      ...none,
      before: duration(before),
      after: duration(after),
      source: here,
    });
  }
  if (base.credentialType !== head.credentialType) {
    const direction: Direction = head.credentialType === 'static' ? 'broadening' : base.credentialType === 'static' ? 'narrowing' : 'neutral';
    changes.push({ type: 'credential-changed', direction, text: `credential type changed from ${base.credentialType} to ${head.credentialType}`, ...none, before: base.credentialType, after: head.credentialType, source: here });
  }
  for (const [field, label] of OWNERSHIP_FIELDS) {
    const was = base.ownership[field]?.toString();
    const now = head.ownership[field]?.toString();
    if (was === now) continue;
    if (was !== undefined && now === undefined) {
      changes.push({ type: 'ownership-removed', direction: 'broadening', text: `${label} removed (was ${was})`, ...none, field: label, before: was, source: here });
    } else {
      changes.push({ type: 'ownership-changed', direction: 'neutral', text: was === undefined ? `${label} set to ${now}` : `${label} changed from ${was} to ${now}`, ...none, field: label, before: was, after: now, source: here });
    }
  }
  for (const key of [...new Set([...Object.keys(base.attributes), ...Object.keys(head.attributes)])].sort()) {
    const was = base.attributes[key];
    const now = head.attributes[key];
    if (was === now) continue;
    const detection = key === DETECTIONS ? detectionChange(was, now, here) : undefined;
    if (detection) {
      changes.push(detection);
      continue;
    }
    const direction = WIDENING_ATTRIBUTES[key]?.(was, now, head) ?? 'neutral';
    const what = was === undefined ? `${key} set to ${now}` : now === undefined ? `${key} removed (was ${was})` : `${key} changed from ${was} to ${now}`;
    const reasons = direction === 'broadening' && OTHER_SIDE_REASONS[key] !== undefined ? [OTHER_SIDE_REASONS[key]] : [];
    changes.push({ type: 'attribute-changed', direction, text: what, ...none, reasons, field: key, before: was, after: now, source: here });
  }
  return changes;
}

const STATUS_ORDER: Record<IdentityChange['status'], number> = { broadened: 0, added: 1, removed: 2, narrowed: 3, changed: 4 };
const DIRECTION_ORDER: Record<Direction, number> = { broadening: 0, narrowing: 1, neutral: 2 };

/**
 * Compares two inventories, identity by identity (matched by id: cloud, kind and name, independent of the file).
 * A subject or permission of head that some subject or permission of base already admits is no broadening
 * (replacing `repo:acme/*` with `repo:acme/app:ref:refs/heads/main` narrows, and adding a condition narrows).
 */
export function diffInventories(base: Inventory, head: Inventory): InventoryDiff {
  const baseById = new Map(base.identities.map((r) => [r.id, r]));
  const headById = new Map(head.identities.map((r) => [r.id, r]));
  const identities: IdentityChange[] = [];
  let unchanged = 0;
  for (const id of [...new Set([...baseById.keys(), ...headById.keys()])].sort()) {
    const before = baseById.get(id);
    const after = headById.get(id);
    const record = (after ?? before)!;
    const entry = { id, cloud: record.cloud, kind: record.kind, name: record.name, record };
    if (!before) {
      identities.push({ ...entry, status: 'added', changes: [{ type: 'identity-added', direction: 'broadening', text: 'identity added', reasons: [], counterparts: [], source: `${record.file}:${record.resource}` }] });
    } else if (!after) {
      identities.push({ ...entry, status: 'removed', changes: [{ type: 'identity-removed', direction: 'narrowing', text: 'identity removed', reasons: [], counterparts: [], source: `${record.file}:${record.resource}` }] });
    } else {
      const changes = compare(before, after).sort((a, b) => DIRECTION_ORDER[a.direction] - DIRECTION_ORDER[b.direction]);
      if (changes.length === 0) {
        unchanged++;
        continue;
      }
      const status = changes.some((c) => c.direction === 'broadening') ? 'broadened' : changes.some((c) => c.direction === 'narrowing') ? 'narrowed' : 'changed';
      identities.push({ ...entry, status, changes });
    }
  }
  identities.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const count = (status: IdentityChange['status']) => identities.filter((i) => i.status === status).length;
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    base: { identities: base.identities.length, files: base.sources.length },
    head: { identities: head.identities.length, files: head.sources.length },
    summary: { added: count('added'), removed: count('removed'), broadened: count('broadened'), narrowed: count('narrowed'), changed: count('changed'), unchanged },
    identities,
    warnings: [...base.warnings.map((w) => `base: ${w}`), ...head.warnings.map((w) => `head: ${w}`)],
  };
}

/** When `keyless diff` exits 1: `broadening` on any broadened or added identity, `any` on any change. */
export type FailOn = 'broadening' | 'any' | 'never';

/** Whether the diff fails the gate. */
export function diffFails(diff: InventoryDiff, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  if (failOn === 'any') return diff.identities.length > 0;
  return diff.summary.broadened + diff.summary.added > 0;
}
