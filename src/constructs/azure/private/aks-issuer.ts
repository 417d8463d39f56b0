import { fail, quote, ValidationContext } from '../../../core/errors';

/** Hosts of AKS-managed OIDC issuers: `REGION.oic.prod-aks.azure.com` (and the older `oidc.prod-aks.azure.com`). */
const AKS_ISSUER_HOST = /^https:\/\/([a-z0-9-]+\.)*prod-aks\.azure\.com(\/|$)/;

/**
 * Refuses an AKS issuer written without its trailing `/`. AKS prints its issuer with a trailing `/`
 * (`az aks show --query oidcIssuerProfile.issuerUrl`), its tokens carry it in `iss`, and Entra ID compares a
 * federated credential's issuer with `iss` exactly: without the `/` the credential matches no token of the
 * cluster, and nothing says so until a pod fails to sign in. Refused rather than completed, so that the declared
 * value is what is deployed; issuers of other (self-managed) clusters are kept as written.
 */
export function checkAksIssuerSlash(issuer: string, ctx: ValidationContext, prop: string): string {
  if (AKS_ISSUER_HOST.test(issuer) && !issuer.endsWith('/')) {
    fail({
      code: 'KL-AZ-AKS-ISSUER',
      path: ctx.path,
      prop,
      problem: `is ${quote(issuer)}: an AKS issuer ends with \`/\`, and Entra ID matches it against the token's \`iss\` exactly, so this credential would accept no token of the cluster`,
      fix: `write the issuer as \`az aks show --query oidcIssuerProfile.issuerUrl\` prints it, with the trailing slash: ${quote(`${issuer}/`)}`,
      docs: 'https://learn.microsoft.com/azure/aks/use-oidc-issuer',
    });
  }
  return issuer;
}
