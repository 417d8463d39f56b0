import { Condition, Permission, PermissionKind, SubjectKind, TrustedSubject } from './model';
import { GITHUB_ISSUER } from '../core/ci/github';
import { subjectAdmitsPullRequest } from '../core/facts/ci-subject-breadth';
import { PINNED_CI_SUBJECT_PREFIXES } from '../core/facts/subjects';
import { isGlob } from '../synth/glob';
import { issuerOf } from '../synth/values';

/** Claims shown first, in this order; the others follow alphabetically. */
const CLAIM_ORDER = ['sub', 'aud'];

/** Claims that pin a repository or project when there is no `sub`. */
const PINNING_CLAIMS = ['repository', 'repository_id', 'project_path', 'project_id', 'job_workflow_ref'];

function literalPrefix(pattern: string): string {
  const index = pattern.search(/[*?]/);
  return index < 0 ? pattern : pattern.slice(0, index);
}

function isGitHub(issuer: string, subs: readonly string[]): boolean {
  return issuer.startsWith(issuerOf(GITHUB_ISSUER)) || subs.some((s) => s.startsWith('repo:'));
}

/** The sort order of claims in a subject's text. */
function claimOrder(a: string, b: string): number {
  const ia = CLAIM_ORDER.indexOf(a);
  const ib = CLAIM_ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? CLAIM_ORDER.length : ia) - (ib < 0 ? CLAIM_ORDER.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Unique, sorted strings. */
export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** What a subject is made of. */
export interface SubjectInput {
  readonly kind: SubjectKind;
  readonly issuer: string;
  readonly claims?: Record<string, readonly string[]>;
  readonly conditions?: readonly Condition[];
  readonly source: string;
  /** Overrides the wildcard decision (e.g. an AWS principal `*`). */
  readonly wildcard?: boolean;
}

/** Builds a trusted subject: normalised text, pattern / wildcard / pull_request flags. */
export function makeSubject(input: SubjectInput): TrustedSubject {
  // Own properties only (fromEntries, not assignment): a claim named `__proto__` is kept as a claim, never dropped.
  const claims: Record<string, string[]> = Object.fromEntries(Object.keys(input.claims ?? {}).sort(claimOrder)
    .map((key) => [key, uniqueSorted(input.claims![key])] as const)
    .filter(([, values]) => values.length > 0));
  const conditions = [...(input.conditions ?? [])].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const claimText = Object.entries(claims).map(([key, values]) => ` ${key}=${values.join('|')}`).join('');
  const conditionText = conditions.length > 0 ? ` (${uniqueSorted(conditions.map((c) => c.text)).join(', ')})` : '';
  const pattern = Object.values(claims).some((values) => values.some(isGlob));
  const subs = claims.sub ?? [];
  let wildcard = input.wildcard ?? false;
  if (input.wildcard === undefined && (input.kind === 'oidc' || input.kind === 'saml')) {
    wildcard = subs.length === 0
      ? !PINNING_CLAIMS.some((claim) => (claims[claim] ?? []).length > 0 && !claims[claim].some(isGlob))
      : subs.some((sub) => sub === '*' || (isGlob(sub) && !PINNED_CI_SUBJECT_PREFIXES.some((prefix) => prefix.test(literalPrefix(sub)))));
  }
  if (input.wildcard === undefined && input.kind === 'pool') wildcard = Object.keys(claims).length === 0 || subs.some((s) => isGlob(s));
  const pullRequest = input.kind === 'oidc' && isGitHub(input.issuer, subs) && (subs.length === 0 || subs.some(subjectAdmitsPullRequest));
  return {
    text: `${input.kind} ${input.issuer}${claimText}${conditionText}`,
    kind: input.kind,
    issuer: input.issuer,
    claims,
    conditions,
    pattern,
    wildcard,
    pullRequest,
    source: input.source,
  };
}

/** What a permission entry is made of. */
export interface PermissionInput {
  readonly kind: PermissionKind;
  readonly effect?: 'allow' | 'deny';
  readonly action: string;
  readonly scope: string;
  readonly conditions?: readonly Condition[];
  readonly wildcard: boolean;
  readonly privileged: boolean;
  readonly source: string;
}

/** Builds a permission entry with its normalised text. */
export function makePermission(input: PermissionInput): Permission {
  const effect = input.effect ?? 'allow';
  const conditions = [...(input.conditions ?? [])].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const what = input.kind === 'policy' ? `policy ${input.action}` : `${input.action} on ${input.scope}`;
  const when = conditions.length > 0 ? ` when ${uniqueSorted(conditions.map((c) => c.text)).join('; ')}` : '';
  return {
    text: `${effect === 'deny' ? 'deny ' : ''}${what}${when}`,
    kind: input.kind,
    effect,
    action: input.action,
    scope: input.scope,
    conditions,
    wildcard: input.wildcard,
    privileged: input.privileged,
    source: input.source,
  };
}

/** A condition. */
export function condition(operator: string, key: string, values: readonly string[], text: string): Condition {
  return { text, operator, key, values: [...values] };
}

/** `until T` (an expiry instant). */
export function untilCondition(instant: string): Condition {
  return condition('until', 'time', [instant], `until ${instant}`);
}
