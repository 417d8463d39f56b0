import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CiTrustPolicy, ICiSource } from '../../core/ci/policy';
import { IdentityDetectionsOptions, ResolvedDetections } from '../../core/detections';
import { fail, quote } from '../../core/errors';
import { checkIdentityName } from '../../core/names';
import { Ownership, resolveOwnership } from '../../core/ownership';
import { resolveRevocation, Revocation } from '../../core/revocation';
import { azureFederatedTrust } from '../../core/trust/azure';
import { validationContext } from '../private/context';
import { omitCreationStacks } from '../private/creation-stacks';
import { identityDetections } from '../private/detections';
import { terraformValidationContext } from '../private/terraform-reference';
import { azureIdentityMarkers, renderAzureDetections } from './private/detections';
import { ownedUserAssignedIdentity } from './private/identity';
import { resourceGroupNameOf } from './private/repository-side';
import { resolveCiTrust } from '../private/ci-source';
import { registerRepositorySide } from '../private/repository-side';
import { terraformConfig } from '../private/terraform';

/** Props of an Azure {@link CiOidcTrust}. */
export interface CiOidcTrustProps {
  /** Logical name of the identity (6–30 characters of `[a-z0-9-]`). */
  readonly name: string;
  /** Owner, purpose, environment, risk tier and review-by date, rendered as `keyless-*` tags on the identity. */
  readonly ownership: Ownership;
  /** The CI source whose tokens are admitted. Subjects are matched exactly: no tag patterns. */
  readonly source: ICiSource;
  /**
   * Resource group of the user-assigned identity: its name, or a reference to a resource group of the app
   * (`group.name`, which keeps the dependency); never a variable or data source.
   */
  readonly resourceGroupName: string;
  /** Azure region of the identity, e.g. `westeurope`. */
  readonly location: string;
  /**
   * Name of the user-assigned identity.
   *
   * @default - `name`
   */
  readonly identityName?: string;
  /**
   * Whether the identity is watched: a scheduled query alert (`azurerm_monitor_scheduled_query_rules_alert_v2`) on
   * its federated sign-ins that Entra ID refuses (no federated credential matches the token's issuer, subject or
   * audience), run on the workspace and sent to the action group declared with `routeDetections` (context
   * `keyless:detections`). Without a workspace in that route no alert can be written: the identity is tagged
   * `keyless-detections` = `no-workspace`. Successful sign-ins from an undeclared subject are not detectable on
   * Azure: the sign-in log records neither the token's issuer nor its subject. An opted-out tier 1 identity is tagged
   * `keyless-detections-opt-out` = the reason.
   *
   * @default - on for tier 1 (a route must be declared), off for tiers 2 and 3
   * @see https://learn.microsoft.com/azure/azure-monitor/reference/tables/aadmanagedidentitysigninlogs
   */
  readonly detections?: IdentityDetectionsOptions;
  /**
   * Revokes the identity: no federated identity credential is rendered (no token is exchanged for it any more, from
   * the apply on), nor any role assignment made with `assignRole`; the identity is kept, tagged `keyless-revoked` =
   * the moment and `keyless-revoked-reason`, and stays watched. Time to effect: Entra access tokens already issued
   * cannot be revoked and stay valid until they expire (managed identity tokens live about 24 hours), but removing
   * the role assignments takes them off every resource the assignments granted within about 10 minutes (Azure RBAC
   * propagation). Remove the prop to restore the identity.
   *
   * Only what Keyless assigns is withheld: a role assignment made outside `assignRole` with `principalId` (or by
   * hand in Azure) is not removed, keeps granting its role to the tokens already issued, and is listed as a warning
   * by `keyless inventory`. Make every assignment with `assignRole`, or remove those assignments with the revocation.
   *
   * @default - not revoked
   * @see https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/managed-identities-faq#are-managed-identities-tokens-cached
   * @see https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected
   */
  readonly revoked?: Revocation;
}

/** A role to assign to the identity. */
export interface AzureRoleAssignmentOptions {
  /** Scope: a subscription, resource group or resource id. */
  readonly scope: string;
  /** Built-in or custom role name, e.g. `AcrPush`. Give this or `roleDefinitionId`. */
  readonly roleDefinitionName?: string;
  /** Role definition id. Give this or `roleDefinitionName`. */
  readonly roleDefinitionId?: string;
  /** ABAC condition (version 2.0) narrowing the assignment. @default - none */
  readonly condition?: string;
}

/**
 * A user-assigned managed identity that exactly the declared CI runs can sign in as, through one federated
 * identity credential per subject (issuer, subject and audience matched exactly).
 *
 * Credentials are created one after another (`depends_on` chain), since concurrent creates on one identity fail
 * with 409. Nothing is granted: call `assignRole` for each role at its scope.
 *
 * @see https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust-user-assigned-managed-identity
 */
export class CiOidcTrust extends Construct {
  /** Escape hatch: the identity resource. */
  public readonly identity: UserAssignedIdentity;
  /**
   * Principal (object) id. Known after apply. Prefer `assignRole`: a role assignment made with this id yourself is
   * not withheld when the identity is revoked (see `revoked`).
   */
  public readonly principalId: string;
  /** Client id, for `azure/login` (`client-id`). Known after apply. */
  public readonly clientId: string;
  /** Terraform output with the client id, for the CI job's sign-in (`azure/login` `client-id`, `az login --username`). */
  public readonly clientIdOutput: TerraformOutput;
  /** Tenant id. Known after apply. */
  public readonly tenantId: string;
  /** The federated credentials, in subject order. */
  public readonly federatedCredentials: FederatedIdentityCredential[];
  /**
   * How long the Entra access tokens this identity's federated sign-ins obtain live: about 24 hours. Entra issues
   * managed identity tokens for about a day, and token lifetime policies cannot shorten them ("We currently don't
   * support configuring the token lifetimes for managed identity service principals"), so this is longer than the
   * tier 1 session maximum (3600 seconds) and no prop can lower it; a revocation cannot end issued tokens either
   * (see `revoked`).
   *
   * @see https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/managed-identities-faq#are-managed-identities-tokens-cached
   * @see https://learn.microsoft.com/entra/identity-platform/configurable-token-lifetimes
   */
  public readonly maxSessionSeconds = 86400;
  /** The validated ownership. */
  public readonly ownership: Ownership;
  /** The decided trust. */
  public readonly trust: CiTrustPolicy;
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
  private readonly roleAssignmentScopes = new Set<string>();

  constructor(scope: Construct, id: string, props: CiOidcTrustProps) {
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
      this.trust = resolveCiTrust(this, props.source, ctx, this.ownership.tier);
      const decision = azureFederatedTrust(this.trust, ctx);
      this.principalId = this.identity.principalId;
      this.clientId = this.identity.clientId;
      this.tenantId = this.identity.tenantId;
      this.clientIdOutput = new TerraformOutput(this, 'ClientId', {
        value: this.identity.clientId,
        description: `Client id of ${this.identity.nameInput}, for the CI job's sign-in (azure/login client-id, az login --username)`,
      });
      // A revoked identity has no repository side: its pipeline must not log in (and would be refused).
      if (this.revocation === undefined) {
        registerRepositorySide(this, () => ({
          construct: this.node.path,
          trust: this.trust,
          login: {
            cloud: 'azure',
            identityName: this.identity.nameInput!,
            resourceGroupName: resourceGroupNameOf(this, resourceGroupName),
            clientIdOutput: TerraformStack.of(this).getLogicalId(this.clientIdOutput),
            terraformStack: TerraformStack.of(this).node.id,
            audience: decision.audience,
          },
        }));
      }

      this.detectionRule = renderAzureDetections(this, detections, owned);

      this.federatedCredentials = [];
      // Revoked: no credential, so Entra ID matches no token to this identity (the evaluator's "no credential matches").
      for (const credential of this.revocation === undefined ? decision.credentials : []) {
        const previous = this.federatedCredentials[this.federatedCredentials.length - 1];
        this.federatedCredentials.push(new FederatedIdentityCredential(this, `Credential-${credential.name}`, terraformConfig(this, {
          name: credential.name,
          resourceGroupName,
          parentId: this.identity.id,
          issuer: decision.issuer,
          subject: credential.subject,
          audience: [decision.audience],
          dependsOn: previous ? [previous] : undefined,
        })));
      }
    } finally {
      closeWindow();
    }
  }

  /**
   * Assigns a role to the identity at a scope. The only way this construct grants anything.
   *
   * @returns the role assignment; undefined when the identity is revoked (the options are still checked, and nothing
   * is rendered)
   */
  public assignRole(id: string, options: AzureRoleAssignmentOptions): RoleAssignment | undefined {
    const ctx = validationContext(this);
    if ((options.roleDefinitionName === undefined) === (options.roleDefinitionId === undefined)) {
      fail({ code: 'KL-AZ-ROLE', path: `${ctx.path}/${id}`, prop: 'roleDefinitionName', problem: 'and `roleDefinitionId` are both given or both missing', fix: 'give exactly one of them' });
    }
    if (typeof options.scope !== 'string' || !options.scope.startsWith('/') || /[*?]/.test(options.scope)) {
      fail({ code: 'KL-AZ-SCOPE', path: `${ctx.path}/${id}`, prop: 'scope', problem: `is ${quote(options.scope)}: a scope is a resource id starting with \`/\` (no wildcards)`, fix: 'give the narrowest resource id that works, e.g. the registry or storage account id' });
    }
    const key = `${options.scope}|${options.roleDefinitionName ?? options.roleDefinitionId}`;
    if (this.roleAssignmentScopes.has(key)) {
      fail({ code: 'KL-AZ-ROLE-DUPLICATE', path: `${ctx.path}/${id}`, prop: 'scope', problem: `assigns ${quote(options.roleDefinitionName ?? options.roleDefinitionId)} at ${quote(options.scope)} a second time`, fix: 'assign each role once per scope' });
    }
    this.roleAssignmentScopes.add(key);
    if (this.revocation !== undefined) return undefined;
    return new RoleAssignment(this, id, terraformConfig(this, {
      scope: options.scope,
      roleDefinitionName: options.roleDefinitionName,
      roleDefinitionId: options.roleDefinitionId,
      principalId: this.principalId,
      principalType: 'ServicePrincipal',
      condition: options.condition,
      conditionVersion: options.condition === undefined ? undefined : '2.0',
    }));
  }
}
