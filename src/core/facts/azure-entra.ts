/**
 * Microsoft Entra workload identity federation facts, once.
 *
 * Source: Microsoft Entra, "Workload identity federation" and "Considerations"
 * (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations). Checked 2026.
 */

/** The audience Entra ID requires of federated identity credentials. */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
/** A federated identity credential subject is at most 600 characters. */
export const AZURE_SUBJECT_MAX_CHARS = 600;
/** At most 20 federated identity credentials per user-assigned identity. */
export const AZURE_MAX_FEDERATED_CREDENTIALS = 20;
/** Where the limits above are documented. */
export const AZURE_FIC_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations';
