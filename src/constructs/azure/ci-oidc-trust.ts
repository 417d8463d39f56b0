import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CiTrustPolicy, ICiSource } from '../../core/ci/policy';
import { fail, quote } from '../../core/errors';
import { checkIdentityName } from '../../core/names';
import { Ownership, resolveOwnership } from '../../core/ownership';
import { azureFederatedTrust } from '../../core/trust/azure';
import { validationContext } from '../private/context';
import { terraformValidationContext } from '../private/terraform-reference';
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
  /** Principal (object) id, for role assignments. Known after apply. */
  public readonly principalId: string;
  /** Client id, for `azure/login` (`client-id`). Known after apply. */
  public readonly clientId: string;
  /** Terraform output with the client id, for the CI job's sign-in (`azure/login` `client-id`, `az login --username`). */
  public readonly clientIdOutput: TerraformOutput;
  /** Tenant id. Known after apply. */
  public readonly tenantId: string;
  /** The federated credentials, in subject order. */
  public readonly federatedCredentials: FederatedIdentityCredential[];
  /** Entra ID tokens for a federated credential live about one hour; not configurable per identity. */
  public readonly maxSessionSeconds = 3600;
  /** The validated ownership. */
  public readonly ownership: Ownership;
  /** The decided trust. */
  public readonly trust: CiTrustPolicy;
  private readonly roleAssignmentScopes = new Set<string>();

  constructor(scope: Construct, id: string, props: CiOidcTrustProps) {
    super(scope, id);
    const ctx = terraformValidationContext(this);
    this.ownership = resolveOwnership(props.ownership, ctx);
    const name = checkIdentityName(props.name, ctx);
    const { identity, resourceGroupName } = ownedUserAssignedIdentity(this, name, props, this.ownership, ctx);
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

    this.federatedCredentials = [];
    for (const credential of decision.credentials) {
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
  }

  /**
   * Assigns a role to the identity at a scope. The only way this construct grants anything.
   */
  public assignRole(id: string, options: AzureRoleAssignmentOptions): RoleAssignment {
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
