/**
 * Azure role facts Keyless decides with: the permissions of every built-in role Keyless assigns (and of Storage
 * Blob Data Contributor, which it no longer assigns), and the two blob data actions of its custom publisher role.
 *
 * Source: Microsoft Learn, "Azure built-in roles" (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles,
 * pages Containers, Storage, Integration and Security: each role's JSON `permissions`), checked 2026. Built-in roles
 * change over time: re-check there before relying on a role not listed here.
 */

/** The permissions of one Azure role definition. */
export interface AzureRolePermissions {
  /** Role definition id (the GUID of `/providers/Microsoft.Authorization/roleDefinitions/GUID`). */
  readonly id: string;
  /** Control-plane (Azure Resource Manager) actions. ABAC conditions on a role assignment never narrow these. */
  readonly actions: readonly string[];
  /** Data-plane actions. */
  readonly dataActions: readonly string[];
}

/** Write to a blob (Put Blob, Put Block, Put Block List, Copy Blob, set blob properties, metadata or tier). */
export const BLOB_WRITE_DATA_ACTION = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write';
/** Create a blob or snapshot, or append data (the create half of an upload). */
export const BLOB_ADD_DATA_ACTION = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action';

/** Built-in Azure roles by name. */
export const AZURE_BUILT_IN_ROLES: Readonly<Record<string, AzureRolePermissions>> = {
  'AcrPush': {
    id: '8311e382-0749-4cb8-b61a-304f252e45ec',
    actions: ['Microsoft.ContainerRegistry/registries/pull/read', 'Microsoft.ContainerRegistry/registries/push/write'],
    dataActions: [],
  },
  'Azure Service Bus Data Sender': {
    id: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
    actions: ['Microsoft.ServiceBus/*/queues/read', 'Microsoft.ServiceBus/*/topics/read', 'Microsoft.ServiceBus/*/topics/subscriptions/read'],
    dataActions: ['Microsoft.ServiceBus/*/send/action'],
  },
  'Key Vault Secrets User': {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    actions: [],
    dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  },
  // Not assigned by Keyless: its control-plane actions let a holder delete or reconfigure the container (see docs/roles.md).
  'Storage Blob Data Contributor': {
    id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    actions: [
      'Microsoft.Storage/storageAccounts/blobServices/containers/delete',
      'Microsoft.Storage/storageAccounts/blobServices/containers/read',
      'Microsoft.Storage/storageAccounts/blobServices/containers/write',
      'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
    ],
    dataActions: [
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
      BLOB_WRITE_DATA_ACTION,
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action',
      BLOB_ADD_DATA_ACTION,
    ],
  },
  'Storage Blob Data Reader': {
    id: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
    actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/read', 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'],
    dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
  },
};

/** Privileged built-in role definition ids (Azure built-in roles reference: Owner, Contributor, User Access Administrator). */
export const AZURE_PRIVILEGED_ROLE_IDS: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
};

/** Privileged role names: the three above, Role Based Access Control Administrator, and every `…Administrator`. */
export const AZURE_PRIVILEGED_ROLE_NAME = /^(Owner|Contributor|User Access Administrator|Role Based Access Control Administrator)$|Administrator$/;
