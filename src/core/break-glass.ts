import { addDays, checkToday, daysBetween, isIsoDate } from './dates';
import { fail, quote, ValidationContext } from './errors';
import { GCP_AUDITED_ROLE_FAMILIES, gcpAuditServicesOfRole } from './facts/gcp-audit-services';
import { GCP_BASIC_ROLES } from './facts/gcp-roles';
import { Ownership } from './ownership';

/** Break-glass access expires at most this many days ahead, unless a longer bound is declared explicitly. */
export const BREAK_GLASS_DEFAULT_MAX_DAYS = 90;
/** Break-glass sessions last at most one hour. */
export const BREAK_GLASS_SESSION_SECONDS = 3600;
/** Default bound on the age of the MFA authentication behind a break-glass assumption. */
export const BREAK_GLASS_DEFAULT_MFA_AGE_SECONDS = 900;

/** A resolved expiry: the instant after which access is denied by itself. */
export interface BreakGlassExpiry {
  /** The date given, `YYYY-MM-DD`. */
  readonly date: string;
  /** The instant, `YYYY-MM-DDT00:00:00Z` of that date: access ends when the date begins (UTC). */
  readonly instant: string;
  /** Days from today. */
  readonly daysAhead: number;
}

/**
 * Validates a break-glass expiry: mandatory, in the future, at most `maxDays` ahead (90 by default).
 * An expired break-glass fails synthesis.
 */
export function resolveBreakGlassExpiry(expires: unknown, ctx: ValidationContext, maxDays = BREAK_GLASS_DEFAULT_MAX_DAYS, prop = 'expires'): BreakGlassExpiry {
  // Every bound below is computed from today: an invalid today must not turn them into NaN.
  checkToday(ctx);
  if (!Number.isInteger(maxDays) || maxDays < 1 || maxDays > 366) {
    fail({
      code: 'KL-BG-MAX-DAYS',
      path: ctx.path,
      prop: 'maxExpiryDays',
      problem: `is ${quote(maxDays)}: the expiry bound is a whole number of days from 1 to 366`,
      fix: `keep the default of ${BREAK_GLASS_DEFAULT_MAX_DAYS} days unless a longer exception is approved`,
    });
  }
  if (expires === undefined || expires === null || expires === '') {
    fail({
      code: 'KL-BG-EXPIRY-MISSING',
      path: ctx.path,
      prop,
      problem: 'is missing: break-glass access must expire by itself',
      fix: `give the date access ends, e.g. "${addDays(ctx.today, 30)}" (at most ${maxDays} days ahead)`,
    });
  }
  if (!isIsoDate(expires)) {
    fail({
      code: 'KL-BG-EXPIRY-FORMAT',
      path: ctx.path,
      prop,
      problem: `is ${quote(expires)}: an expiry is a calendar date written as YYYY-MM-DD (access ends at 00:00 UTC that day)`,
      fix: `give a date such as "${addDays(ctx.today, 30)}"`,
    });
  }
  const daysAhead = daysBetween(ctx.today, expires);
  if (daysAhead <= 0) {
    fail({
      code: 'KL-BG-EXPIRED',
      path: ctx.path,
      prop,
      problem: `is ${quote(expires)}, which has passed (today is ${ctx.today}): this break-glass access has expired`,
      fix: 'remove the break-glass declaration, or, if the emergency is ongoing, get it re-approved and set a new expiry date',
    });
  }
  if (daysAhead > maxDays) {
    fail({
      code: 'KL-BG-EXPIRY-HORIZON',
      path: ctx.path,
      prop,
      problem: `is ${quote(expires)}, ${daysAhead} days ahead, beyond the ${maxDays}-day bound on break-glass access`,
      fix: `set an expiry on or before ${addDays(ctx.today, maxDays)}, or raise \`maxExpiryDays\` explicitly with an approved reason`,
    });
  }
  return { date: expires, instant: `${expires}T00:00:00Z`, daysAhead };
}

/** A named human allowed to break the glass on AWS. */
export interface AwsBreakGlassHuman {
  /**
   * The IAM principal the human signs in as, exactly: `arn:aws:iam::ACCOUNT:user/NAME` or
   * `arn:aws:iam::ACCOUNT:role/NAME` (an IAM Identity Center permission set role, for example). Never an account or
   * `root`, never a wildcard.
   */
  readonly principalArn: string;
  /**
   * The source identity the human must set when assuming (their user name, 2–64 characters of `[\w+=,.@-]`): it
   * appears in every CloudTrail event of the session and survives role chaining.
   */
  readonly sourceIdentity: string;
}

const AWS_HUMAN_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(user|role)\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/;
// STS SourceIdentity: 2–64 characters of [\w+=,.@-] (AssumeRole API reference).
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;

/** Validates the humans of an AWS break-glass role. */
export function checkAwsBreakGlassHumans(humans: unknown, ctx: ValidationContext, prop = 'humans'): AwsBreakGlassHuman[] {
  if (!Array.isArray(humans) || humans.length === 0) {
    fail({
      code: 'KL-BG-NO-HUMANS',
      path: ctx.path,
      prop,
      problem: `is ${quote(humans)}: break-glass access is for named humans, and none is named`,
      fix: 'list each person: `{ principalArn: "arn:aws:iam::123456789012:user/alice", sourceIdentity: "alice" }`',
    });
  }
  const seen = new Set<string>();
  return humans.map((human: AwsBreakGlassHuman, i) => {
    const p = `${prop}[${i}]`;
    if (typeof human?.principalArn !== 'string' || /[*?]/.test(human.principalArn) || !AWS_HUMAN_ARN.test(human.principalArn)) {
      fail({
        code: 'KL-BG-PRINCIPAL',
        path: ctx.path,
        prop: `${p}.principalArn`,
        problem: `is ${quote(human?.principalArn)}: a break-glass principal is one IAM user or role ARN, exactly (never an account, \`root\`, a service or a wildcard)`,
        fix: 'name the person\'s IAM user or sign-in role, e.g. "arn:aws:iam::123456789012:user/alice"',
      });
    }
    if (typeof human.sourceIdentity !== 'string' || !SOURCE_IDENTITY.test(human.sourceIdentity)) {
      fail({
        code: 'KL-BG-SOURCE-IDENTITY',
        path: ctx.path,
        prop: `${p}.sourceIdentity`,
        problem: `is ${quote(human.sourceIdentity)}: a source identity is 2–64 characters of letters, digits and \`_ + = , . @ -\``,
        fix: 'use the person\'s user name, e.g. "alice"',
        docs: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html',
      });
    }
    if (seen.has(human.principalArn)) {
      fail({ code: 'KL-BG-DUPLICATE', path: ctx.path, prop: `${p}.principalArn`, problem: `names ${quote(human.principalArn)} twice`, fix: 'list each person once' });
    }
    seen.add(human.principalArn);
    return { principalArn: human.principalArn, sourceIdentity: human.sourceIdentity };
  });
}

/**
 * The trust conditions of one human's break-glass statement: MFA present (Bool, never BoolIfExists) and recent,
 * the declared source identity, and the expiry (IAM, "Configuring MFA-protected API access" and "Monitor and control actions taken with assumed roles").
 */
export function awsBreakGlassConditions(
  human: AwsBreakGlassHuman, expiry: BreakGlassExpiry, maxMfaAgeSeconds: number,
): Record<string, Record<string, string>> {
  return {
    Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    NumericLessThan: { 'aws:MultiFactorAuthAge': String(maxMfaAgeSeconds) },
    StringEquals: { 'sts:SourceIdentity': human.sourceIdentity },
    DateLessThan: { 'aws:CurrentTime': expiry.instant },
  };
}

/** Checks the MFA age bound: 60 seconds to one hour. */
export function checkMfaAge(seconds: number, ctx: ValidationContext, prop = 'maxMfaAge'): number {
  if (!Number.isInteger(seconds) || seconds < 60 || seconds > 3600) {
    fail({
      code: 'KL-BG-MFA-AGE',
      path: ctx.path,
      prop,
      problem: `is ${quote(seconds)} seconds: the MFA age bound is 60 to 3600 seconds`,
      fix: `keep the default of ${BREAK_GLASS_DEFAULT_MFA_AGE_SECONDS} seconds, so that the human authenticated with MFA within the last 15 minutes`,
    });
  }
  return seconds;
}


/** Validates a GCP break-glass role and its human members (`user:` or `group:` only). */
export function checkGcpBreakGlass(role: unknown, members: unknown, ctx: ValidationContext): { role: string; members: string[] } {
  if (typeof role !== 'string' || !/^(roles\/[a-zA-Z0-9_.]+|projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/roles\/[a-zA-Z0-9_.]+|organizations\/\d+\/roles\/[a-zA-Z0-9_.]+)$/.test(role)) {
    fail({ code: 'KL-BG-GCP-ROLE', path: ctx.path, prop: 'role', problem: `is ${quote(role)}: expected a predefined role (roles/…) or a custom role (projects/…/roles/… or organizations/…/roles/…)`, fix: 'name the narrowest role that resolves the emergency, e.g. "roles/container.admin"' });
  }
  if (GCP_BASIC_ROLES.includes(role)) {
    fail({
      code: 'KL-BG-GCP-BASIC-ROLE',
      path: ctx.path,
      prop: 'role',
      problem: `is ${quote(role)}, a basic role: basic roles grant thousands of permissions across every service and cannot carry the IAM condition that makes the grant expire`,
      fix: 'use a predefined or custom role scoped to the service under repair, e.g. "roles/container.admin"',
      docs: 'https://cloud.google.com/iam/docs/conditions-overview#limitations',
    });
  }
  return { role, members: checkGcpHumans(members, ctx, 'members') };
}

/** Validates GCP human members: `user:EMAIL` or `group:EMAIL`, at least one. Returns them sorted and unique. */
export function checkGcpHumans(members: unknown, ctx: ValidationContext, prop: string): string[] {
  if (!Array.isArray(members) || members.length === 0) {
    fail({
      code: 'KL-BG-NO-HUMANS',
      path: ctx.path,
      prop,
      problem: `is ${quote(members)}: break-glass access is for named humans, and none is named`,
      fix: 'list `user:EMAIL` or `group:EMAIL` members',
    });
  }
  members.forEach((member, i) => {
    if (typeof member !== 'string' || !/^(user|group):[^\s@*?]+@[^\s@*?]+\.[^\s@*?]+$/.test(member)) {
      fail({
        code: 'KL-BG-GCP-MEMBER',
        path: ctx.path,
        prop: `${prop}[${i}]`,
        problem: `is ${quote(member)}: break-glass members are humans, \`user:EMAIL\` or \`group:EMAIL\` (never service accounts, workload principals, domains or allUsers)`,
        fix: 'name the on-call group or the person, e.g. "group:sre-oncall@example.com"',
      });
    }
  });
  return [...new Set(members as string[])].sort();
}

// One service name, e.g. `cloudsql.googleapis.com`; never `allServices`.
const GCP_AUDIT_SERVICE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*\.googleapis\.com$/;

/**
 * The services whose Data Access audit logs record the use of a GCP break-glass role.
 *
 * A predefined role's services come from Keyless's table (`core/facts/gcp-audit-services`); `auditService`, when
 * given, must be one of them. A custom role's permissions may belong to any service, and a predefined role outside
 * the table has no known service: both need `auditService`, never `allServices` (an audit config is authoritative
 * per service, and `allServices` would replace the project's own default for every service).
 *
 * @returns the services, sorted and unique (one audit config each)
 */
export function resolveGcpAuditServices(role: string, auditService: unknown, ctx: ValidationContext): string[] {
  if (auditService !== undefined && (typeof auditService !== 'string' || !GCP_AUDIT_SERVICE.test(auditService))) {
    fail({
      code: 'KL-BG-GCP-AUDIT-SERVICE',
      path: ctx.path,
      prop: 'auditService',
      problem: `is ${quote(auditService)}: an audit service is one service name ending in .googleapis.com (never allServices, which would replace the project's audit configuration for every service)`,
      fix: 'give the service whose data the role reaches, as named on its "Audit logging" page, e.g. "cloudsql.googleapis.com"',
      docs: 'https://cloud.google.com/logging/docs/audit/configure-data-access',
    });
  }
  const known = gcpAuditServicesOfRole(role);
  if (known !== undefined) {
    if (auditService !== undefined && !known.includes(auditService)) {
      fail({
        code: 'KL-BG-GCP-AUDIT-SERVICE',
        path: ctx.path,
        prop: 'auditService',
        problem: `is ${quote(auditService)}, but ${quote(role)} is audited as ${known.join(' and ')}: an audit configuration for another service would leave the emergency access unaudited`,
        fix: `remove \`auditService\` (Keyless enables ${known.join(' and ')}), or grant a role of the service you mean`,
      });
    }
    return [...known].sort();
  }
  if (auditService === undefined) {
    const custom = !role.startsWith('roles/');
    fail({
      code: 'KL-BG-GCP-AUDIT-SERVICE',
      path: ctx.path,
      prop: 'role',
      problem: custom
        ? `is ${quote(role)}, a custom role: its permissions may belong to any service, so Keyless cannot tell which service's Data Access audit logs record the emergency access (and will not enable them for allServices)`
        : `is ${quote(role)}: Keyless does not know which service records this role's use in Cloud Audit Logs (known role families: ${GCP_AUDITED_ROLE_FAMILIES.join(', ')}), so the emergency access would not be audited`,
      fix: 'give `auditService`, the service the role\'s permissions belong to as named on its "Audit logging" page, e.g. "cloudsql.googleapis.com"',
    });
  }
  return [auditService];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Validates an Azure break-glass assignment's principal, role definition and justification. */
export function checkAzureBreakGlass(principalId: unknown, roleDefinitionId: unknown, justification: unknown, ctx: ValidationContext): void {
  if (typeof principalId !== 'string' || !GUID.test(principalId)) {
    fail({ code: 'KL-BG-AZ-PRINCIPAL', path: ctx.path, prop: 'principalId', problem: `is ${quote(principalId)}: the principal is the object id (lowercase GUID) of a user or group`, fix: 'give the object id of the on-call group or the person (`az ad group show -g NAME --query id`)' });
  }
  if (typeof roleDefinitionId !== 'string' || !/^(\/subscriptions\/[0-9a-f-]{36})?\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i.test(roleDefinitionId)) {
    fail({ code: 'KL-BG-AZ-ROLE', path: ctx.path, prop: 'roleDefinitionId', problem: `is ${quote(roleDefinitionId)}: expected a role definition id, /subscriptions/SUB/providers/Microsoft.Authorization/roleDefinitions/GUID`, fix: 'give the full role definition id of the narrowest role that resolves the emergency' });
  }
  if (typeof justification !== 'string' || justification.trim().length < 10) {
    fail({ code: 'KL-BG-JUSTIFICATION', path: ctx.path, prop: 'justification', problem: `is ${quote(justification)}: a justification of at least 10 characters is required`, fix: 'say why emergency access is needed, e.g. the incident id and what is being repaired' });
  }
}

/** Break-glass access is privileged: always tier 1. */
export function requireBreakGlassTier(ownership: Ownership, ctx: ValidationContext): void {
  if (ownership.tier !== 1) {
    fail({ code: 'KL-BG-TIER', path: ctx.path, prop: 'ownership.tier', problem: `is ${ownership.tier}: break-glass access is privileged and always tier 1`, fix: 'set `tier: 1`' });
  }
}

/**
 * The justification of an Azure PIM break-glass assignment: the declared justification, then `(owner TEAM, until
 * DATE)`, so that a reviewer of the assignment (and the inventory) sees who owns it and when it ends.
 */
export function azurePimJustification(justification: string, owner: string, until: string): string {
  return `${justification} (owner ${owner}, until ${until})`;
}

/** The owner and end date a PIM justification carries at its end (the inverse of {@link azurePimJustification}). */
export function parseAzurePimJustification(justification: unknown): { readonly owner: string; readonly until?: string } | undefined {
  const match = /\(owner ([^,)]+)(?:, until (\d{4}-\d{2}-\d{2}))?\)\s*$/.exec(typeof justification === 'string' ? justification : '');
  return match ? { owner: match[1], ...(match[2] ? { until: match[2] } : {}) } : undefined;
}
