/**
 * The revocation marker of a GCP identity that has no resource of its own to carry it: a GKE workload with direct
 * access (its principal is granted roles directly; no service account or provider exists). The identity renders a
 * `terraform_data` resource (Terraform's built-in, "stores values that follow a managed resource lifecycle", no
 * provider: https://developer.hashicorp.com/terraform/language/resources/terraform-data) whose `input` names the
 * principal and carries the ownership description with the `revoked=` / `revoked-reason=` fields.
 */

/** The `terraform_data` resource type. */
export const TERRAFORM_DATA = 'terraform_data';

/** The `input` key naming the revoked principal (`principal://…/subject/ns/NS/sa/KSA`). */
export const GCP_REVOKED_PRINCIPAL_INPUT = 'keyless_revoked_principal';

/** The `input` key holding the ownership description (`owner=…; …; revoked=…; revoked-reason=…`). */
export const GCP_REVOKED_DESCRIPTION_INPUT = 'description';

/** The principal and description of a revocation marker's `input`, or undefined when the value is not one. */
export function gcpRevokedPrincipalMarker(input: unknown): { principal: string; description: string } | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const fields = input as Record<string, unknown>;
  const principal = fields[GCP_REVOKED_PRINCIPAL_INPUT];
  const description = fields[GCP_REVOKED_DESCRIPTION_INPUT];
  return typeof principal === 'string' && typeof description === 'string' ? { principal, description } : undefined;
}
