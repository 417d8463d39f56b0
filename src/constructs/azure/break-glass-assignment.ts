import { PimActiveRoleAssignment } from '@cdktf/provider-azurerm/lib/pim-active-role-assignment';
import { PimEligibleRoleAssignment } from '@cdktf/provider-azurerm/lib/pim-eligible-role-assignment';
import { DataResource } from 'cdktf';
import { Construct } from 'constructs';
import {
  azurePimJustification, BreakGlassExpiry, checkAzureBreakGlass, resolveBreakGlassExpiry, requireBreakGlassTier,
} from '../../core/break-glass';
import { fail, quote } from '../../core/errors';
import { Ownership, resolveOwnership } from '../../core/ownership';
import { resolveRevocation, Revocation } from '../../core/revocation';
import { azureRevokedPimMarkerInput } from '../../core/trust/azure-revocation';
import { validationContext } from '../private/context';
import { omitCreationStacks } from '../private/creation-stacks';
import { terraformConfig } from '../private/terraform';

/** `eligible`: the principal activates the role through PIM when needed; `active`: assigned until the expiry. */
export type AzureBreakGlassMode = 'eligible' | 'active';

/** Props of an Azure {@link BreakGlassAssignment}. */
export interface BreakGlassAssignmentProps {
  /** Ownership (always tier 1). */
  readonly ownership: Ownership;
  /** Scope: subscription, resource group or resource id. */
  readonly scope: string;
  /** Full role definition id. */
  readonly roleDefinitionId: string;
  /** Object id of the user or group. */
  readonly principalId: string;
  /** Why this access exists (incident, runbook), at least 10 characters. */
  readonly justification: string;
  /** The date (`YYYY-MM-DD`, UTC) the assignment expires. */
  readonly expires: string;
  /** Bound on `expires`, in days. @default 90 */
  readonly maxExpiryDays?: number;
  /** @default 'eligible' */
  readonly mode?: AzureBreakGlassMode;
  /**
   * Revokes the access: no PIM assignment is rendered, so applying removes the eligible (or active) assignment and
   * the principal can no longer activate (or hold) the role. The declaration stays, with its justification and
   * expiry, so that the review sees who was revoked and why. PIM assignments carry no tags, so a `terraform_data`
   * resource (`revocationMarker`, Terraform's built-in: no provider, no Azure permission) records the mode, principal,
   * role, scope, justification and expiry with the moment and reason, and `keyless inventory` lists the assignment as
   * revoked. Entra access tokens already issued stay valid until they expire, but the removed assignment stops
   * applying to them within about 10 minutes (Azure RBAC propagation).
   *
   * @default - not revoked
   * @see https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected
   */
  readonly revoked?: Revocation;
}

/**
 * Time-bound privileged access on Azure through Privileged Identity Management: an eligible (default) or active role
 * assignment with an expiration and a justification. PIM records every activation in the audit log, and its
 * activation settings (MFA, approval, maximum activation duration) apply.
 *
 * @see https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-resource-roles-assign-roles
 */
export class BreakGlassAssignment extends Construct {
  /** The resolved expiry. */
  public readonly expiry: BreakGlassExpiry;
  /**
   * The assignment.
   *
   * @default - none when the access is revoked
   */
  public readonly assignment?: PimEligibleRoleAssignment | PimActiveRoleAssignment;
  /**
   * The revocation, when the access is revoked.
   *
   * @default - not revoked
   */
  public readonly revocation?: Revocation;
  /**
   * When revoked: the `terraform_data` resource recording what the assignment was and its revocation.
   *
   * @default - none when the access is not revoked
   */
  public readonly revocationMarker?: DataResource;

  constructor(scope: Construct, id: string, props: BreakGlassAssignmentProps) {
    super(scope, id);
    const closeWindow = omitCreationStacks(this);
    try {
      const ctx = validationContext(this);
      const ownership = resolveOwnership(props.ownership, ctx);
      requireBreakGlassTier(ownership, ctx);
      if (typeof props.scope !== 'string' || !props.scope.startsWith('/') || /[*?]/.test(props.scope)) {
        fail({ code: 'KL-AZ-SCOPE', path: ctx.path, prop: 'scope', problem: `is ${quote(props.scope)}: a scope is a resource id starting with \`/\` (no wildcards)`, fix: 'give the narrowest scope that resolves the emergency' });
      }
      checkAzureBreakGlass(props.principalId, props.roleDefinitionId, props.justification, ctx);
      this.expiry = resolveBreakGlassExpiry(props.expires, ctx, props.maxExpiryDays);
      const common = {
        scope: props.scope,
        roleDefinitionId: props.roleDefinitionId,
        principalId: props.principalId,
        justification: azurePimJustification(props.justification, ownership.owner, this.expiry.date),
        schedule: { expiration: { endDateTime: this.expiry.instant } },
      };
      this.revocation = resolveRevocation(props.revoked, ctx);
      const mode = props.mode ?? 'eligible';
      if (mode !== 'eligible' && mode !== 'active') {
        fail({ code: 'KL-BG-AZ-MODE', path: ctx.path, prop: 'mode', problem: `is ${quote(mode)}: expected "eligible" or "active"`, fix: 'use "eligible" so that the role is activated only when needed' });
      }
      if (this.revocation !== undefined) {
        this.revocationMarker = new DataResource(this, 'Revoked', terraformConfig(this, {
          input: azureRevokedPimMarkerInput({
            mode,
            principalId: props.principalId,
            roleDefinitionId: props.roleDefinitionId,
            scope: props.scope,
            justification: common.justification,
            expires: this.expiry.instant,
            revoked: this.revocation.sessionsIssuedBefore,
            revokedReason: this.revocation.reason,
          }),
        }));
        return;
      }
      if (mode === 'eligible') {
        this.assignment = new PimEligibleRoleAssignment(this, 'Eligible', terraformConfig(this, common));
      } else {
        this.assignment = new PimActiveRoleAssignment(this, 'Active', terraformConfig(this, common));
      }
    } finally {
      closeWindow();
    }
  }
}
