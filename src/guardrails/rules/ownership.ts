import { isIsoDate } from '../../core/dates';
import { fail, quote } from '../../core/errors';
import { kubernetesObject } from '../../synth/kubernetes';
import { ownershipFieldsOf } from '../../synth/ownership';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/**
 * Identities without owner, environment or review-by, or past their review-by date. Ownership is decoded as the
 * encoders write it (synth `ownershipFieldsOf`, the inventory's reading too). Keys: `Field::owner`,
 * `Field::environment`, `Field::review-by` (missing), `ReviewBy::DATE` (not a date, or passed).
 */
export const ownership: GuardrailRule = {
  id: 'KL-G-OWNERSHIP',
  info: 'An identity has no owner, environment or review-by date, or is past its review-by date.',
  explanation: 'Identities nobody owns are never reviewed, rotated or deleted. Every identity carries its owner, its environment and a review-by date, and is reviewed by then.',
  fix: 'declare ownership (owner, purpose, environment, tier, reviewBy): Keyless constructs render it as tags, labels or descriptions; for hand-written resources add the keyless:owner, keyless:environment and keyless:review-by tags',
  check(resource, context) {
    // The namespace's default ServiceAccount (a manifest, or Terraform's kubernetes_(default_)service_account) belongs
    // to the namespace: KL-G-K8S-DEFAULT-SA judges its use.
    const object = kubernetesObject(resource);
    if (object?.kind === 'ServiceAccount' && object.metadata?.name === 'default') return NOT_APPLICABLE;
    const fields = ownershipFieldsOf(resource);
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
