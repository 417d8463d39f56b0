import { addDays, checkToday, daysBetween, isIsoDate } from './dates';
import { fail, quote, ValidationContext } from './errors';
import { setOwnProperty } from './own-property';
import { RiskTier, tierPolicy } from './tier';

// The date helpers moved to `./dates` (which `./clock` uses without an import cycle); kept exported from here.
export { addDays, daysBetween, isIsoDate } from './dates';

/**
 * Who owns an identity and why it exists. Required on every identity Keyless creates.
 */
export interface Ownership {
  /**
   * The owning team or person: a team slug or an email address.
   *
   * Letters, digits and `. _ @ + -`, at most 64 characters.
   */
  readonly owner: string;
  /**
   * Why the identity exists, in a few words, e.g. "publish payments-api images".
   *
   * Letters, digits, spaces and `_ . : / = + - @` (the AWS tag value character set), 3–100 characters.
   */
  readonly purpose: string;
  /**
   * The environment the identity serves, e.g. `production`.
   *
   * Lowercase letters, digits and `-`, starting with a letter, at most 24 characters.
   */
  readonly environment: string;
  /**
   * Risk tier: 1 (most sensitive) to 3. Bounds the credential lifetime and the review horizon.
   */
  readonly tier: RiskTier;
  /**
   * The date by which the identity must be reviewed, as `YYYY-MM-DD`.
   *
   * Must not be in the past, and at most the tier's review horizon ahead (tier 1: 180 days, tiers 2–3: 365 days).
   */
  readonly reviewBy: string;
}

/** Value of the managed-by marker every Keyless resource carries. */
export const MANAGED_BY = 'keyless';

const OWNER = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;
// AWS IAM tag values: [\p{L}\p{Z}\p{N}_.:/=+\-@]* (IAM TagRole API); the strictest target for free text.
const PURPOSE = /^[\p{L}\p{N} _.:/=+\-@]{3,100}$/u;
const ENVIRONMENT = /^[a-z][a-z0-9-]{0,23}$/;

/** A value and its kind for an error message, e.g. `["team"] (an array)`; never throws, whatever the value. */
function describe(value: unknown): string {
  let text: string;
  try {
    text = quote(value) ?? String(value);
  } catch {
    // JSON.stringify refuses BigInts and circular objects.
    text = typeof value === 'bigint' ? `${value}n` : Object.prototype.toString.call(value);
  }
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return `${text} (${kind})`;
}

/**
 * Validates an ownership declaration. Every field is required.
 *
 * @returns the ownership, unchanged, once valid
 */
export function resolveOwnership(input: Partial<Ownership> | undefined, ctx: ValidationContext, prop = 'ownership'): Ownership {
  const fixMissing = 'declare `ownership: { owner, purpose, environment, tier, reviewBy }`: every identity has an owner, a purpose and a review date';
  if (input === undefined || input === null) {
    fail({ code: 'KL-OWN-MISSING', path: ctx.path, prop, problem: 'is missing', fix: fixMissing });
  }
  if (typeof input !== 'object' || Array.isArray(input)) {
    fail({ code: 'KL-OWN-MISSING', path: ctx.path, prop, problem: `is ${describe(input)}: ownership is an object with the fields owner, purpose, environment, tier and reviewBy`, fix: fixMissing });
  }
  for (const field of ['owner', 'purpose', 'environment', 'tier', 'reviewBy'] as const) {
    if (input[field] === undefined || input[field] === null || input[field] === '') {
      fail({ code: 'KL-OWN-MISSING', path: ctx.path, prop: `${prop}.${field}`, problem: 'is missing', fix: fixMissing });
    }
  }
  const { owner, purpose, environment, tier, reviewBy } = input as Record<keyof Ownership, unknown>;
  // Regexes coerce their argument to a string (['team'] tests as "team"): every field is type-checked first.
  const ownerFix = 'name the owning team, e.g. "team-payments" or "payments@example.com"';
  if (typeof owner !== 'string') {
    fail({ code: 'KL-OWN-OWNER', path: ctx.path, prop: `${prop}.owner`, problem: `is ${describe(owner)}: an owner is a string, a team slug or an email address`, fix: ownerFix });
  }
  if (!OWNER.test(owner)) {
    fail({
      code: 'KL-OWN-OWNER',
      path: ctx.path,
      prop: `${prop}.owner`,
      problem: `is ${quote(owner)}: an owner is a team slug or an email address of at most 64 characters (letters, digits and \`. _ @ + -\`), with no wildcards or spaces`,
      fix: ownerFix,
    });
  }
  const purposeFix = 'say in a few words why the identity exists, e.g. "publish payments-api images"';
  if (typeof purpose !== 'string') {
    fail({ code: 'KL-OWN-PURPOSE', path: ctx.path, prop: `${prop}.purpose`, problem: `is ${describe(purpose)}: a purpose is a string of 3–100 characters`, fix: purposeFix });
  }
  if (!PURPOSE.test(purpose)) {
    fail({
      code: 'KL-OWN-PURPOSE',
      path: ctx.path,
      prop: `${prop}.purpose`,
      problem: `is ${quote(purpose)}: a purpose is 3–100 characters of letters, digits, spaces and \`_ . : / = + - @\` (the AWS tag value character set)`,
      fix: purposeFix,
    });
  }
  const environmentFix = 'use a name such as "production" or "staging"';
  if (typeof environment !== 'string') {
    fail({ code: 'KL-OWN-ENVIRONMENT', path: ctx.path, prop: `${prop}.environment`, problem: `is ${describe(environment)}: an environment is a string such as "production"`, fix: environmentFix });
  }
  if (!ENVIRONMENT.test(environment)) {
    fail({
      code: 'KL-OWN-ENVIRONMENT',
      path: ctx.path,
      prop: `${prop}.environment`,
      problem: `is ${quote(environment)}: an environment is 1–24 lowercase letters, digits and \`-\`, starting with a letter`,
      fix: environmentFix,
    });
  }
  const tierFix = 'use 1 for production write, publishing or privileged access, 2 for other production access, 3 for non-production';
  if (typeof tier !== 'number') {
    fail({ code: 'KL-OWN-TIER', path: ctx.path, prop: `${prop}.tier`, problem: `is ${describe(tier)}: the risk tier is the number 1 (most sensitive), 2 or 3`, fix: tierFix });
  }
  if (tier !== 1 && tier !== 2 && tier !== 3) {
    fail({
      code: 'KL-OWN-TIER',
      path: ctx.path,
      prop: `${prop}.tier`,
      problem: `is ${quote(tier)}: the risk tier is 1 (most sensitive), 2 or 3`,
      fix: tierFix,
    });
  }
  checkReviewBy(reviewBy, tier, ctx, `${prop}.reviewBy`);
  return { owner, purpose, environment, tier, reviewBy };
}

function checkReviewBy(reviewBy: unknown, tier: RiskTier, ctx: ValidationContext, prop: string): asserts reviewBy is string {
  // An invalid today would make every bound below NaN (or compare as text against nonsense): refuse it first.
  checkToday(ctx);
  if (!isIsoDate(reviewBy)) {
    fail({
      code: 'KL-OWN-REVIEW-BY-FORMAT',
      path: ctx.path,
      prop,
      problem: typeof reviewBy === 'string'
        ? `is ${quote(reviewBy)}: a review-by date is a calendar date written as YYYY-MM-DD`
        : `is ${describe(reviewBy)}: a review-by date is a string, a calendar date written as YYYY-MM-DD`,
      fix: `give a date such as "${addDays(ctx.today, 90)}"`,
    });
  }
  if (reviewBy < ctx.today) {
    fail({
      code: 'KL-OWN-REVIEW-BY-PAST',
      path: ctx.path,
      prop,
      problem: `is ${quote(reviewBy)}, which is in the past (today is ${ctx.today}): the identity is overdue for review`,
      fix: 'review whether the identity is still needed and still owned by its owner, then set the next review-by date, or delete the identity',
    });
  }
  const horizon = tierPolicy(tier).maxReviewHorizonDays;
  if (daysBetween(ctx.today, reviewBy) > horizon) {
    fail({
      code: 'KL-OWN-REVIEW-BY-HORIZON',
      path: ctx.path,
      prop,
      problem: `is ${quote(reviewBy)}, more than ${horizon} days ahead (the tier ${tier} review horizon; today is ${ctx.today})`,
      fix: `set a review-by date on or before ${addDays(ctx.today, horizon)}`,
    });
  }
}

/**
 * The key prefix of ownership tags and labels per target: `keyless:owner` (AWS tags), `keyless-owner` (Azure tags,
 * GCP labels), `keyless.dev/owner` (Kubernetes labels and annotations). Decoders below read what these encode.
 */
export const OWNERSHIP_PREFIX = { aws: 'keyless:', azure: 'keyless-', gcp: 'keyless-', kubernetes: 'keyless.dev/' } as const;

/** The AWS tag that marks a break-glass role (`true`); its expiry is the `keyless:expires` ownership field. */
export const AWS_BREAK_GLASS_TAG = `${OWNERSHIP_PREFIX.aws}break-glass`;

/** `key=value; key=value`: how ownership is written where there are no labels (GCP service accounts, pools, PAM). */
function encodeOwnershipDescription(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([key, value]) => `${key}=${value}`).join('; ');
}

/**
 * Ownership fields of a `key=value; key=value` description, the inverse of the encoder: a value keeps every `=` after
 * the first (a purpose may contain `=`; no field may contain `;`). Parts that are not `key=value` with a lowercase
 * key are ignored.
 */
export function decodeOwnershipDescription(description: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (typeof description !== 'string') return fields;
  for (const untrimmed of description.split(';')) {
    const part = untrimmed.trim();
    if (!OWNERSHIP_DESCRIPTION_PART.test(part)) continue;
    const equals = part.indexOf('=');
    setOwnProperty(fields, part.slice(0, equals), part.slice(equals + 1).trim());
  }
  return fields;
}

/** A `key=value` part of an ownership description (see {@link decodeOwnershipDescription}). */
const OWNERSHIP_DESCRIPTION_PART = /^[a-z-]+=/;


/** Ownership fields of tags or labels with a prefix (see {@link OWNERSHIP_PREFIX}), the prefix removed. */
export function decodeOwnershipTags(tags: unknown, prefix: string): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) return fields;
  for (const key of Object.keys(tags)) {
    if (key.startsWith(prefix)) setOwnProperty(fields, key.slice(prefix.length), String((tags as Record<string, unknown>)[key]));
  }
  return fields;
}

/** Ownership as key/value pairs, before any provider's rules are applied. Sorted by key. */
function ownershipFields(ownership: Ownership): Array<[string, string]> {
  return [
    ['environment', ownership.environment],
    ['managed-by', MANAGED_BY],
    ['owner', ownership.owner],
    ['purpose', ownership.purpose],
    ['review-by', ownership.reviewBy],
    ['tier', String(ownership.tier)],
  ];
}

/** AWS tags (`keyless:owner`, …). Every value already fits the IAM tag rules (validated above). */
export function awsOwnershipTags(ownership: Ownership): Record<string, string> {
  return Object.fromEntries(ownershipFields(ownership).map(([key, value]) => [`${OWNERSHIP_PREFIX.aws}${key}`, value]));
}

/**
 * Azure tags (`keyless-owner`, …). Tag names avoid `< > % & \ ? /` and the reserved `microsoft`/`azure`/`windows`
 * prefixes; values are at most 256 characters (the providers' tag and label rules).
 */
export function azureOwnershipTags(ownership: Ownership): Record<string, string> {
  return Object.fromEntries(ownershipFields(ownership).map(([key, value]) => [`${OWNERSHIP_PREFIX.azure}${key}`, value]));
}

/** GCP labels and the description that carries what labels cannot. */
export interface GcpOwnership {
  /** Labels, sanitised to the GCP label rules. */
  readonly labels: Record<string, string>;
  /** A description (≤ 256 characters) carrying every field verbatim, for resources without labels. */
  readonly description: string;
}

/** GCP resource descriptions (service accounts, workload identity pools and providers) are at most 256 characters. */
export const GCP_DESCRIPTION_MAX = 256;

/**
 * Sanitises a value to the GCP label rules: lowercase letters, digits, `_` and `-`, at most 63 characters
 * (the providers' tag and label rules). Returns `undefined` if nothing is left.
 */
export function gcpLabelValue(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
}

/**
 * GCP labels (`keyless-owner`, …; keys start with a lowercase letter) and a description with the exact values.
 * Labels never carry anything the label rules refuse: emails, dots and capitals are replaced by `_`, and the
 * exact value is kept in the description.
 */
export function gcpOwnership(
  ownership: Ownership, ctx: ValidationContext, prop = 'ownership', markers: ReadonlyArray<readonly [string, string]> = [],
): GcpOwnership {
  const labels = Object.fromEntries(ownershipFields(ownership).map(([key, value]) => [`${OWNERSHIP_PREFIX.gcp}${key}`, gcpLabelValue(value)]));
  // Markers (revocation, detections opt-out) follow the ownership fields, in the order given.
  const description = encodeOwnershipDescription([...ownershipFields(ownership), ...markers]);
  if (description.length > GCP_DESCRIPTION_MAX) {
    const also = markers.length > 0 ? ` (or the ${markers.map(([key]) => `\`${key}\``).join(', ')} text)` : '';
    fail({
      code: 'KL-OWN-GCP-DESCRIPTION',
      path: ctx.path,
      prop: `${prop}.purpose`,
      problem: `makes the GCP ownership description ${description.length} characters long, over the ${GCP_DESCRIPTION_MAX}-character limit of a GCP description (service accounts and workload identity pools have no labels, so ownership is carried there)`,
      fix: `shorten \`${prop}.purpose\` or \`${prop}.owner\`${also} by ${description.length - GCP_DESCRIPTION_MAX} characters`,
    });
  }
  return { labels, description };
}

/** Kubernetes labels and annotations for ownership. */
export interface KubernetesOwnership {
  /** Labels (values sanitised to the label value rules). */
  readonly labels: Record<string, string>;
  /** Annotations carrying every field verbatim. */
  readonly annotations: Record<string, string>;
}

/**
 * Kubernetes label values: at most 63 characters of `[A-Za-z0-9._-]`, beginning and ending with an alphanumeric.
 */
export function kubernetesLabelValue(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** Kubernetes labels (`keyless.dev/owner`, …, `app.kubernetes.io/managed-by`) and annotations. */
export function kubernetesOwnership(ownership: Ownership): KubernetesOwnership {
  const fields = ownershipFields(ownership).filter(([key]) => key !== 'managed-by');
  const labels: Record<string, string> = { 'app.kubernetes.io/managed-by': MANAGED_BY };
  for (const [key, value] of fields) {
    if (key !== 'purpose') labels[`${OWNERSHIP_PREFIX.kubernetes}${key}`] = kubernetesLabelValue(value);
  }
  const annotations = Object.fromEntries(fields.map(([key, value]) => [`${OWNERSHIP_PREFIX.kubernetes}${key}`, value]));
  return { labels: sortKeys(labels), annotations };
}

/** Returns a copy of a record with its keys in sorted order, for deterministic output. */
export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
