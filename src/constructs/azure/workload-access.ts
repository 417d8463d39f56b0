import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { WorkloadIdentity } from './workload-identity';
import { AzureAccessAssignment } from '../../core/grants';
import { terraformConfig } from '../private/terraform';

/**
 * Renders the access a workload template decided (core/grants) for an AKS identity, and the checks the templates
 * need, so that the templates import no framework themselves.
 */

/** Whether a value is a cdktf stack (Azure identities are created in one). */
export function isAzureStack(value: unknown): boolean {
  return TerraformStack.isStack(value);
}

/**
 * One role assignment per decided assignment, under its content-derived id, for `principalId`; none for a revoked
 * identity (`scope` a {@link WorkloadIdentity} with `revoked`), whose grants are what revocation removes.
 */
export function renderAzureAccessAssignments(scope: Construct, principalId: string, assignments: readonly AzureAccessAssignment[]): void {
  if (scope instanceof WorkloadIdentity && scope.revocation !== undefined) return;
  for (const { id, grant } of assignments) {
    new RoleAssignment(scope, id, terraformConfig(scope, {
      scope: grant.scope,
      roleDefinitionName: grant.roleDefinitionName,
      principalId,
      principalType: 'ServicePrincipal',
      condition: grant.condition,
      conditionVersion: grant.condition ? '2.0' : undefined,
    }));
  }
}
