import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
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

/** One role assignment per decided assignment, under its content-derived id, for `principalId`. */
export function renderAzureAccessAssignments(scope: Construct, principalId: string, assignments: readonly AzureAccessAssignment[]): void {
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
