import { fail, quote, ValidationContext } from '../../../core/errors';

/**
 * Refuses an EKS issuer written with a trailing `/`. EKS prints its issuer without one
 * (`aws eks describe-cluster --query cluster.identity.oidc.issuer`: `https://oidc.eks.REGION.amazonaws.com/id/ID`)
 * and its tokens' `iss` has none; the IRSA condition keys are `HOST/id/ID:sub` and `HOST/id/ID:aud`. Refused, with
 * the exact value, rather than trimmed: the declared value is what is deployed.
 */
export function checkEksIssuerSlash(value: unknown, ctx: ValidationContext, prop: string): void {
  if (typeof value === 'string' && /^https:\/\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+\/+$/.test(value)) {
    fail({
      code: 'KL-AWS-IRSA-ISSUER',
      path: ctx.path,
      prop,
      problem: `is ${quote(value)}: an EKS issuer has no trailing \`/\`, and IAM matches the token's \`iss\` (and the condition keys built from it) exactly, so this role would trust no token of the cluster`,
      fix: `write the issuer as \`aws eks describe-cluster --query cluster.identity.oidc.issuer\` prints it, without the trailing slash: ${quote(value.replace(/\/+$/, ''))}`,
      docs: 'https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html',
    });
  }
}
