import { AzureFederatedCredentialSpec, azureCredentialName } from './azure';
import { checkIssuerUrl } from '../ci/policy';
import { fail, quote, ValidationContext } from '../errors';
import { AZURE_TOKEN_EXCHANGE_AUDIENCE } from '../facts/azure-entra';
import { KubernetesServiceAccountRef, serviceAccountSubject } from '../kubernetes';

/**
 * The federated identity credential of an AKS workload identity, decided before any construct renders it: the
 * cluster's issuer exactly as its tokens carry it, the service account's subject, and the Entra token exchange
 * audience.
 *
 * Sources: AKS, "Use Microsoft Entra Workload ID with AKS" and "Create an OIDC provider on AKS" (issuers end with `/`).
 */

/** Hosts of AKS-managed OIDC issuers: `REGION.oic.prod-aks.azure.com` (and the older `oidc.prod-aks.azure.com`). */
const AKS_ISSUER_HOST = /^https:\/\/([a-z0-9-]+\.)*prod-aks\.azure\.com(\/|$)/;

/** The one federated credential of an AKS workload identity. */
export interface AksFederatedCredentialSpec extends AzureFederatedCredentialSpec {
  /** The cluster's issuer, exactly as its tokens' `iss` (AKS issuers end with `/`). */
  readonly issuer: string;
  /** The audience: `api://AzureADTokenExchange`. */
  readonly audience: string;
}

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

/** Validates a cluster issuer URL: an https URL, with its trailing `/` (kept) on an AKS-managed issuer. */
export function checkClusterIssuerUrl(value: unknown, ctx: ValidationContext, prop = 'clusterIssuerUrl'): string {
  const issuer = checkIssuerUrl(value, ctx, prop,
    'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/',
    { allowTrailingSlash: true });
  return checkAksIssuerSlash(issuer, ctx, prop);
}

/**
 * Decides the federated credential for a validated issuer and service account: subject
 * `system:serviceaccount:NS:SA`, audience `api://AzureADTokenExchange`, a name derived from the subject.
 */
export function aksFederatedCredential(issuer: string, serviceAccount: KubernetesServiceAccountRef): AksFederatedCredentialSpec {
  const subject = serviceAccountSubject(serviceAccount);
  return { name: azureCredentialName(subject), issuer, subject, audience: AZURE_TOKEN_EXCHANGE_AUDIENCE };
}
