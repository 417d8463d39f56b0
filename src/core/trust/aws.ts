import { CiTrustPolicy, WILDCARD_CHARS } from '../ci/policy';
import { fail, quote, ValidationContext } from '../errors';
import { iamLiteral } from '../literal';

/** The audience the official `aws-actions/configure-aws-credentials` action requests (aws-actions/configure-aws-credentials and IAM OIDC condition keys). */
export const AWS_STS_AUDIENCE = 'sts.amazonaws.com';

/**
 * IAM's default quota on a role trust policy: 2,048 characters, without white space (raisable to 4,096).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const AWS_TRUST_POLICY_MAX_CHARS = 2048;

/** IAM condition operators and their keys, as in a policy statement's `Condition`. */
export type AwsCondition = Record<string, Record<string, string | string[]>>;

/** The AWS rendering of a CI trust: the OIDC provider to use and one condition block per trust statement. */
export interface AwsWebIdentityTrust {
  /** Issuer URL for the IAM OIDC provider. */
  readonly providerUrl: string;
  /** Client ids (audiences) the OIDC provider must list. */
  readonly clientIds: readonly string[];
  /**
   * One condition per `sts:AssumeRoleWithWebIdentity` statement. The first pins exact subjects with
   * `StringEquals`; a second, only when patterns are declared, uses `StringLike` for them. Both pin `aud`.
   * (Two statements, because keys within one statement are AND-ed.)
   */
  readonly conditions: readonly AwsCondition[];
}

/**
 * Decides the AWS trust for a CI source: `StringEquals` on `aud` and `sub`, `StringLike` only for declared
 * patterns. AWS evaluates only `sub` and `aud` for CI issuers, so claim pins cannot be checked here: the subject
 * itself pins owner and repository (aws-actions/configure-aws-credentials and IAM OIDC condition keys).
 */
export function awsWebIdentityTrust(policy: CiTrustPolicy, audience: string, ctx: ValidationContext, prop = 'audience'): AwsWebIdentityTrust {
  checkAudience(audience, ctx, prop);
  const key = (claim: string) => `${policy.issuerHostPath}:${claim}`;
  // Subjects are literals: a `${` in a branch name would be read by IAM as a policy variable.
  const literal = (value: string) => iamLiteral(value, ctx, 'source');
  const one = (values: readonly string[]) => (values.length === 1 ? literal(values[0]) : values.map(literal));
  const conditions: AwsCondition[] = [];
  if (policy.exactSubjects.length > 0) {
    conditions.push({ StringEquals: { [key('aud')]: iamLiteral(audience, ctx, prop), [key('sub')]: one(policy.exactSubjects) } });
  }
  if (policy.subjectPatterns.length > 0) {
    conditions.push({ StringEquals: { [key('aud')]: iamLiteral(audience, ctx, prop) }, StringLike: { [key('sub')]: one(policy.subjectPatterns) } });
  }
  const trust = { providerUrl: policy.issuerUrl, clientIds: [audience], conditions };
  const size = estimateTrustPolicyChars(policy, trust);
  if (size > AWS_TRUST_POLICY_MAX_CHARS) {
    fail({
      code: 'KL-AWS-TRUST-SIZE',
      path: ctx.path,
      prop: 'source',
      problem: `renders a trust policy of about ${size} characters, over IAM's ${AWS_TRUST_POLICY_MAX_CHARS}-character limit for role trust policies (${policy.exactSubjects.length + policy.subjectPatterns.length} subjects)`,
      fix: 'split the refs over several CiOidcTrust declarations (one per release stream or environment), which also keeps each role narrower',
      docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
    });
  }
  return trust;
}

/** Length of the trust policy as IAM counts it (no white space), with a 12-digit account in the provider ARN. */
function estimateTrustPolicyChars(policy: CiTrustPolicy, trust: AwsWebIdentityTrust): number {
  const document = {
    Version: '2012-10-17',
    Statement: trust.conditions.map((condition) => ({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: condition,
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${policy.issuerHostPath}` },
    })),
  };
  return JSON.stringify(document).length;
}

function checkAudience(audience: unknown, ctx: ValidationContext, prop: string): void {
  if (typeof audience !== 'string' || audience === '' || audience.length > 255 || WILDCARD_CHARS.test(audience) || /\s/.test(audience)) {
    fail({
      code: 'KL-AWS-AUDIENCE',
      path: ctx.path,
      prop,
      problem: `is ${quote(audience)}: an audience is an exact, non-empty value of at most 255 characters with no wildcards or spaces`,
      fix: `use "${AWS_STS_AUDIENCE}" (what aws-actions/configure-aws-credentials requests) or the exact \`aud\` your CI job sets`,
    });
  }
}
