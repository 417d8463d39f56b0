/**
 * The revocation marker of a GCP identity that has no resource of its own to carry it: a GKE workload with direct
 * access (its principal is granted roles directly; no service account or provider exists), or a break-glass access
 * (its bindings or PAM entitlement are what revocation removes). The identity renders a
 * `terraform_data` resource (Terraform's built-in, "stores values that follow a managed resource lifecycle", no
 * provider: https://developer.hashicorp.com/terraform/language/resources/terraform-data) whose `input` names the
 * identity and carries the ownership description with the `revoked=` / `revoked-reason=` fields.
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

/**
 * A revoked GCP break-glass access (no binding or PAM entitlement is left to carry it): the `input` key naming what
 * the access was, `privileged-access-manager` (the entitlement `PROJECT/ID`) or `conditional-binding` (the members'
 * bindings), next to `members` and the ownership `description`.
 */
export const GCP_REVOKED_BREAK_GLASS_INPUT = 'keyless_revoked_break_glass';

/** The break-glass access a marker's `input` records, or undefined when the value is not one. */
export function gcpRevokedBreakGlassMarker(input: unknown): {
  mode: 'conditional-binding' | 'privileged-access-manager'; entitlement: string; members: string[]; description: string;
} | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const fields = input as Record<string, unknown>;
  const mode = fields[GCP_REVOKED_BREAK_GLASS_INPUT];
  const { entitlement, members, description } = fields;
  if ((mode !== 'conditional-binding' && mode !== 'privileged-access-manager') || typeof entitlement !== 'string' || typeof description !== 'string') return undefined;
  if (!Array.isArray(members) || !members.every((m) => typeof m === 'string')) return undefined;
  return { mode, entitlement, members: [...members], description };
}

/** The ownership description of any Keyless revocation marker's `input` (principal or break-glass), or undefined. */
export function gcpRevocationMarkerDescription(input: unknown): string | undefined {
  return (gcpRevokedPrincipalMarker(input) ?? gcpRevokedBreakGlassMarker(input))?.description;
}
