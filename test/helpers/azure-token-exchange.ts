/**
 * Models Entra ID's check of a federated identity credential against an incoming token: issuer, subject and
 * audience must each match a credential of the identity exactly (no wildcards, case-sensitive subject).
 * Reads the synthesized Terraform JSON, not Keyless objects.
 */
import { tfResources } from './synth';
import { Claims } from './tokens';

/** Whether a token may sign in as the user-assigned identity with the given logical id. */
export function azureTokenAccepted(json: any, identityLogicalId: string, claims: Claims): boolean {
  const parent = `\${azurerm_user_assigned_identity.${identityLogicalId}.id}`;
  return Object.values(tfResources(json, 'azurerm_federated_identity_credential')).some((credential: any) =>
    credential.parent_id === parent
    && claims.iss === credential.issuer
    && claims.sub === credential.subject
    && claims.aud !== undefined
    && (credential.audience as string[]).includes(claims.aud));
}
