/**
 * The token claims AWS STS exposes as trust-policy condition keys (`HOST[/PATH]:CLAIM`) for
 * `sts:AssumeRoleWithWebIdentity`, by issuer, besides `sub` and `aud` (which every OIDC issuer gets).
 *
 * Source: AWS What's New, "AWS STS supports validation of identity provider specific claims" (2026-01,
 * https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/), and IAM,
 * "Available keys for AWS OIDC federation". The keys are evaluated at the role assumption only; none is available in
 * the session afterwards. `repository_owner_id` is not among them. The announcement names the GitHub issuer
 * `token.actions.githubusercontent.com`: Keyless assumes no keys for GitHub Enterprise unique issuers
 * (`…/SLUG`) or GitLab, whose trusts AWS checks by `sub` and `aud` only.
 */
export const AWS_STS_CLAIM_KEYS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'https://token.actions.githubusercontent.com': Object.freeze([
    'actor', 'actor_id', 'enterprise_id', 'environment', 'job_workflow_ref', 'ref', 'repository', 'repository_id', 'workflow',
  ]),
});

/** Whether STS exposes `claim` of tokens from `issuerUrl` as a condition key. */
export function awsStsExposesClaim(issuerUrl: string, claim: string): boolean {
  return claim === 'sub' || claim === 'aud' || (AWS_STS_CLAIM_KEYS[issuerUrl] ?? []).includes(claim);
}
