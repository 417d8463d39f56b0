/**
 * The revocation marker of an Azure break-glass assignment. A revoked `BreakGlassAssignment` renders no PIM role
 * assignment, and PIM assignments carry no tags anyway, so nothing Azure keeps could say what was revoked. The
 * construct renders a `terraform_data` resource instead (Terraform's built-in, "stores values that follow a managed
 * resource lifecycle", no provider and no Azure permission:
 * https://developer.hashicorp.com/terraform/language/resources/terraform-data) whose `input` records the assignment
 * (mode, principal, role, scope, justification, expiry) and the moment and reason, which the inventory reads.
 */
import { TERRAFORM_DATA } from './gcp-revocation';

/** The marker's resource type: `terraform_data`. */
export const AZURE_REVOKED_PIM_MARKER_TYPE = TERRAFORM_DATA;

/** The `input` key that makes a `terraform_data` an Azure break-glass revocation marker; its value is the mode. */
export const AZURE_REVOKED_PIM_INPUT = 'keyless_revoked_pim_assignment';

/** What a revoked Azure break-glass assignment was, and when and why it was revoked. */
export interface AzureRevokedPimAssignment {
  /** `eligible` or `active`, as the assignment was. */
  readonly mode: 'eligible' | 'active';
  /** Object id of the user or group. */
  readonly principalId: string;
  /** Full role definition id. */
  readonly roleDefinitionId: string;
  /** The assignment's scope. */
  readonly scope: string;
  /** The justification as rendered (with `(owner TEAM, until DATE)`). */
  readonly justification: string;
  /** The expiry instant (`schedule.expiration.end_date_time`). */
  readonly expires: string;
  /** The revocation moment. */
  readonly revoked: string;
  /** The revocation reason. */
  readonly revokedReason: string;
}

/** The marker's `input` (snake_case keys, as Terraform attributes are written). */
export function azureRevokedPimMarkerInput(assignment: AzureRevokedPimAssignment): Record<string, string> {
  return {
    [AZURE_REVOKED_PIM_INPUT]: assignment.mode,
    principal_id: assignment.principalId,
    role_definition_id: assignment.roleDefinitionId,
    scope: assignment.scope,
    justification: assignment.justification,
    expires: assignment.expires,
    revoked: assignment.revoked,
    revoked_reason: assignment.revokedReason,
  };
}

/** The revoked assignment a marker's `input` records, or undefined when the value is not an Azure marker. */
export function azureRevokedPimMarker(input: unknown): AzureRevokedPimAssignment | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const fields = input as Record<string, unknown>;
  const mode = fields[AZURE_REVOKED_PIM_INPUT];
  if (mode !== 'eligible' && mode !== 'active') return undefined;
  const keys = ['principal_id', 'role_definition_id', 'scope', 'justification', 'expires', 'revoked', 'revoked_reason'] as const;
  if (!keys.every((key) => typeof fields[key] === 'string')) return undefined;
  const text = (key: typeof keys[number]) => fields[key] as string;
  return {
    mode,
    principalId: text('principal_id'),
    roleDefinitionId: text('role_definition_id'),
    scope: text('scope'),
    justification: text('justification'),
    expires: text('expires'),
    revoked: text('revoked'),
    revokedReason: text('revoked_reason'),
  };
}
