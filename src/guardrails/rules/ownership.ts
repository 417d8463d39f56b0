import { isIsoDate } from '../../core/dates';
import { fail, quote } from '../../core/errors';
import { asList } from '../../synth/values';
import { GuardrailRule, NeutralResource, NOT_APPLICABLE, verdict } from '../model';

/** Ownership fields of an identity resource, or undefined when the resource is not an identity. */
function ownershipOf(resource: NeutralResource): Record<string, string> | undefined {
  const p = resource.properties;
  switch (resource.type) {
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
      return Object.fromEntries(asList<any>(p.Tags).filter((t) => typeof t?.Key === 'string' && t.Key.startsWith('keyless:')).map((t) => [t.Key.slice(8), String(t.Value)]));
    case 'aws_iam_role':
    case 'aws_iam_user':
      return Object.fromEntries(Object.entries(p.tags ?? {}).filter(([k]) => k.startsWith('keyless:')).map(([k, v]) => [k.slice(8), String(v)]));
    case 'azurerm_user_assigned_identity':
      return Object.fromEntries(Object.entries(p.tags ?? {}).filter(([k]) => k.startsWith('keyless-')).map(([k, v]) => [k.slice(8), String(v)]));
    case 'google_service_account':
      // Service accounts have no labels: Keyless writes `key=value; …` into the description.
      return Object.fromEntries(String(p.description ?? '').split(';').map((part) => part.trim().split('=')).filter((kv) => kv.length === 2).map(([k, v]) => [k, v]));
    case 'ServiceAccount':
      if (resource.format !== 'kubernetes') return undefined;
      return Object.fromEntries(Object.entries({ ...p.metadata?.labels, ...p.metadata?.annotations }).filter(([k]) => k.startsWith('keyless.dev/')).map(([k, v]) => [k.slice(12), String(v)]));
    default:
      return undefined;
  }
}

/**
 * Identities without owner, environment or review-by, or past their review-by date. Keys: `Field::owner`,
 * `Field::environment`, `Field::review-by` (missing), `ReviewBy::DATE` (not a date, or passed).
 */
export const ownership: GuardrailRule = {
  id: 'KL-G-OWNERSHIP',
  info: 'An identity has no owner, environment or review-by date, or is past its review-by date.',
  explanation: 'Identities nobody owns are never reviewed, rotated or deleted. Every identity carries its owner, its environment and a review-by date, and is reviewed by then.',
  fix: 'declare ownership (owner, purpose, environment, tier, reviewBy): Keyless constructs render it as tags, labels or descriptions; for hand-written resources add the keyless:owner, keyless:environment and keyless:review-by tags',
  check(resource, context) {
    if (resource.type === 'ServiceAccount' && resource.properties.metadata?.name === 'default') return NOT_APPLICABLE;
    const fields = ownershipOf(resource);
    if (fields === undefined) return NOT_APPLICABLE;
    const missing = ['owner', 'environment', 'review-by'].filter((f) => !fields[f]);
    if (missing.length > 0) return verdict(missing.map((field) => ({ key: `Field::${field}`, message: `missing ${field}` })));
    const reviewBy = fields['review-by'];
    if (!isIsoDate(reviewBy)) return verdict([{ key: `ReviewBy::${reviewBy}`, message: `review-by ${reviewBy} is not a YYYY-MM-DD date` }]);
    // Compared as text, an invalid today ("" or "2026-13-45") would pass every review-by: refuse it (the engine
    // reports a rule that throws as a finding).
    if (!isIsoDate(context.today)) {
      fail({ code: 'KL-CLOCK', path: 'guardrails', prop: 'today', problem: `is ${quote(context.today)}: review-by dates are checked against a real calendar date written as YYYY-MM-DD`, fix: 'pass `today` as a date such as "2026-11-22"' });
    }
    if (reviewBy < context.today) return verdict([{ key: `ReviewBy::${reviewBy}`, message: `review-by ${reviewBy} has passed (today is ${context.today})` }]);
    return verdict([]);
  },
};
