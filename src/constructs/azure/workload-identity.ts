import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { IdentityDetectionsOptions, ResolvedDetections } from '../../core/detections';
import { checkServiceAccountRef, KubernetesServiceAccountRef } from '../../core/kubernetes';
import { checkIdentityName } from '../../core/names';
import { Ownership, resolveOwnership } from '../../core/ownership';
import { resolveRevocation, Revocation } from '../../core/revocation';
import { aksFederatedCredential, checkClusterIssuerUrl } from '../../core/trust/azure-workload';
import { claimWorkloadBinding } from '../private/bindings';
import { identityDetections } from '../private/detections';
import { terraformValidationContext } from '../private/terraform-reference';
import { azureIdentityMarkers, renderAzureDetections } from './private/detections';
import { ownedUserAssignedIdentity } from './private/identity';
import { omitCreationStacks } from '../private/creation-stacks';
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
  /**
   * Whether the identity is watched: a scheduled query alert on its federated sign-ins that Entra ID refuses (a token
   * whose issuer, subject or audience the credential does not match), on the workspace and action group declared
   * with `routeDetections`. Without a workspace in that route no alert is written and the identity is tagged
   * `keyless-detections` = `no-workspace`; an opted-out tier 1 identity is tagged `keyless-detections-opt-out`.
   *
   * @default - on for tier 1 (a route must be declared), off for tiers 2 and 3
   * @see https://learn.microsoft.com/azure/azure-monitor/reference/tables/aadmanagedidentitysigninlogs
   */
  readonly detections?: IdentityDetectionsOptions;
  /**
   * Revokes the identity: the federated credential is not rendered (the service account's tokens are exchanged no
   * more from the apply on), nor the role assignments a workload template grants it; the identity is kept, tagged
   * `keyless-revoked` and `keyless-revoked-reason`, and stays watched. Entra access tokens already issued stay valid
   * until they expire (about 24 hours for managed identity tokens) on whatever a role assignment still grants; the
   * removed assignments stop applying within about 10 minutes. A role assignment made with `principalId` outside
   * Keyless is not withheld: it keeps granting its role to the tokens already issued, and `keyless inventory` lists
   * it as a warning.
   *
   * @default - not revoked
   * @see https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected
   */
  readonly revoked?: Revocation;
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
  /**
   * The federated credential.
   *
   * @default - none when the identity is revoked
   */
  public readonly federatedCredential?: FederatedIdentityCredential;
  /** Whether the identity is watched, and where its alerts go. */
  public readonly detections: ResolvedDetections;
  /**
   * The refused sign-in alert.
   *
   * @default - none when detections are off or the route has no workspace
   */
  public readonly detectionRule?: MonitorScheduledQueryRulesAlertV2;
  /**
   * The revocation, when the identity is revoked.
   *
   * @default - not revoked
   */
  public readonly revocation?: Revocation;
  /**
   * Principal id (known after apply). A role assignment made with it outside Keyless is not withheld when the
   * identity is revoked (see `revoked`).
   */
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
    const closeWindow = omitCreationStacks(this);
    try {
      const ctx = terraformValidationContext(this);
      this.ownership = resolveOwnership(props.ownership, ctx);
      const name = checkIdentityName(props.name, ctx);
      const detections = identityDetections(this, 'azure', props.detections, this.ownership.tier, ctx);
      this.detections = detections.enabled ? { enabled: true } : detections;
      this.revocation = resolveRevocation(props.revoked, ctx);
      const owned = ownedUserAssignedIdentity(this, name, props, this.ownership, ctx, azureIdentityMarkers(detections, this.revocation));
      const { identity, resourceGroupName } = owned;
      this.identity = identity;
      this.serviceAccount = checkServiceAccountRef(props.serviceAccount, ctx);
      const credential = aksFederatedCredential(checkClusterIssuerUrl(props.clusterIssuerUrl, ctx), this.serviceAccount);
      claimWorkloadBinding(this, 'Azure', `${credential.subject} of issuer ${credential.issuer}`, 'serviceAccount');

      if (this.revocation === undefined) {
        this.federatedCredential = new FederatedIdentityCredential(this, 'Credential', terraformConfig(this, {
          name: credential.name,
          resourceGroupName,
          parentId: this.identity.id,
          issuer: credential.issuer,
          subject: credential.subject,
          audience: [credential.audience],
        }));
      }
      this.detectionRule = renderAzureDetections(this, detections, owned);
      this.principalId = this.identity.principalId;
      this.clientId = this.identity.clientId;
      this.clientIdOutput = new TerraformOutput(this, 'ClientId', {
        value: this.identity.clientId,
        description: `Client id for the azure.workload.identity/client-id annotation of ${this.serviceAccount.namespace}/${this.serviceAccount.name}`,
      });
    } finally {
      closeWindow();
    }
  }
}
