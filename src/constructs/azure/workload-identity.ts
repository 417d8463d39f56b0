import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { checkServiceAccountRef, KubernetesServiceAccountRef } from '../../core/kubernetes';
import { checkIdentityName } from '../../core/names';
import { Ownership, resolveOwnership } from '../../core/ownership';
import { aksFederatedCredential, checkClusterIssuerUrl } from '../../core/trust/azure-workload';
import { claimWorkloadBinding } from '../private/bindings';
import { terraformValidationContext } from '../private/terraform-reference';
import { ownedUserAssignedIdentity } from './private/identity';
import { terraformConfig } from '../private/terraform';

/** Props of an Azure {@link WorkloadIdentity}. */
export interface WorkloadIdentityProps {
  /** Logical name of the identity (6–30 characters of `[a-z0-9-]`). */
  readonly name: string;
  /** Owner, purpose, environment, risk tier and review-by date, as `keyless-*` tags. */
  readonly ownership: Ownership;
  /** The one Kubernetes service account bound. */
  readonly serviceAccount: KubernetesServiceAccountRef;
  /**
   * The AKS cluster's OIDC issuer URL, exactly as `az aks show --query oidcIssuerProfile.issuerUrl` prints it
   * (AKS issuers end with `/`, and the credential must match the token's `iss` exactly).
   */
  readonly clusterIssuerUrl: string;
  /** Resource group of the identity. */
  readonly resourceGroupName: string;
  /** Azure region, e.g. `westeurope`. */
  readonly location: string;
  /** @default - `name` */
  readonly identityName?: string;
}

/**
 * AKS workload identity for exactly one Kubernetes service account: a user-assigned identity with one federated
 * credential (cluster issuer, `system:serviceaccount:NS:SA`, `api://AzureADTokenExchange`).
 *
 * The client id, which the service account annotation `azure.workload.identity/client-id` needs, is known only
 * after apply: it is a Terraform output (`clientIdOutput`); pass the applied value to `WorkloadServiceAccount`.
 *
 * @see https://learn.microsoft.com/azure/aks/workload-identity-overview
 */
export class WorkloadIdentity extends Construct {
  /** Escape hatch: the identity. */
  public readonly identity: UserAssignedIdentity;
  /** The federated credential. */
  public readonly federatedCredential: FederatedIdentityCredential;
  /** Principal id, for role assignments (known after apply). */
  public readonly principalId: string;
  /** Client id (known after apply). */
  public readonly clientId: string;
  /** Terraform output with the client id, for the service account annotation. */
  public readonly clientIdOutput: TerraformOutput;
  /** The Kubernetes service account bound. */
  public readonly serviceAccount: KubernetesServiceAccountRef;
  /** The validated ownership. */
  public readonly ownership: Ownership;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    const ctx = terraformValidationContext(this);
    this.ownership = resolveOwnership(props.ownership, ctx);
    const name = checkIdentityName(props.name, ctx);
    const { identity, resourceGroupName } = ownedUserAssignedIdentity(this, name, props, this.ownership, ctx);
    this.identity = identity;
    this.serviceAccount = checkServiceAccountRef(props.serviceAccount, ctx);
    const credential = aksFederatedCredential(checkClusterIssuerUrl(props.clusterIssuerUrl, ctx), this.serviceAccount);
    claimWorkloadBinding(this, 'Azure', `${credential.subject} of issuer ${credential.issuer}`, 'serviceAccount');

    this.federatedCredential = new FederatedIdentityCredential(this, 'Credential', terraformConfig(this, {
      name: credential.name,
      resourceGroupName,
      parentId: this.identity.id,
      issuer: credential.issuer,
      subject: credential.subject,
      audience: [credential.audience],
    }));
    this.principalId = this.identity.principalId;
    this.clientId = this.identity.clientId;
    this.clientIdOutput = new TerraformOutput(this, 'ClientId', {
      value: this.identity.clientId,
      description: `Client id for the azure.workload.identity/client-id annotation of ${this.serviceAccount.namespace}/${this.serviceAccount.name}`,
    });
  }
}
