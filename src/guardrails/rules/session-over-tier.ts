import { AWS_DEFAULT_ROLE_SESSION_SECONDS } from '../../core/facts/aws-policies';
import { parseRiskTier, TIER_POLICIES } from '../../core/tier';
import { ownershipFieldsOf } from '../../synth/ownership';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

/**
 * AWS role sessions longer than the tier allows (one hour when the tier is unknown). Key:
 * `MaxSessionDuration::SECONDS`. A role without MaxSessionDuration has the one-hour default: compliant.
 */
export const sessionOverTier: GuardrailRule = {
  id: 'KL-G-SESSION-OVER-TIER',
  info: 'A role\'s maximum session is longer than its risk tier allows.',
  explanation: 'Long sessions keep stolen credentials useful for hours. Tier 1 identities get at most one hour, tier 2 four, tier 3 twelve; a role with no tier is held to one hour.',
  fix: 'lower MaxSessionDuration to the tier maximum, or declare a lower-risk tier in the role\'s ownership',
  check(resource) {
    if (resource.type !== 'AWS::IAM::Role' && resource.type !== 'aws_iam_role') return NOT_APPLICABLE;
    const raw = resource.type === 'AWS::IAM::Role' ? resource.properties.MaxSessionDuration : resource.properties.max_session_duration;
    // Written as a number, or as a numeric string (YAML, Terraform); unset is the AWS default.
    const seconds = raw === undefined ? AWS_DEFAULT_ROLE_SESSION_SECONDS
      : typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
    // A session given as an unresolved reference cannot be read here.
    if (seconds === undefined) return NOT_APPLICABLE;
    // The tier as ownership decodes it (the same reading as exception lifetimes and the inventory).
    const tier = parseRiskTier(ownershipFieldsOf(resource)?.tier);
    const max = tier ? TIER_POLICIES[tier].maxSessionSeconds : TIER_POLICIES[1].maxSessionSeconds;
    return verdict(seconds > max
      ? [{ key: `MaxSessionDuration::${seconds}`, message: `MaxSessionDuration ${seconds} s exceeds ${max} s (${tier ? `tier ${tier}` : 'no tier: tier 1 assumed'})` }]
      : []);
  },
};
