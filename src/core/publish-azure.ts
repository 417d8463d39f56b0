import { createHash } from 'crypto';
import { ValidationContext } from './errors';
import { BLOB_ADD_DATA_ACTION, BLOB_WRITE_DATA_ACTION } from './facts/azure-roles';
import { checkObjectPrefix } from './object-prefix';
import { checkPattern } from './publish-pattern';

/**
 * Least-privilege publish grants for Azure targets (Container Registry, blob containers): a built-in role, or a
 * custom data-plane role Keyless defines, at one scope.
 */

/**
 * A custom Azure role definition Keyless creates for one grant, exactly as rendered (`azurerm_role_definition`):
 * data actions only, no control-plane `actions`, assignable at one scope.
 */
export interface AzureCustomRoleSpec {
  /**
   * Role name. Role definition names are unique per Microsoft Entra tenant, so the name is derived from the scope,
   * the prefix and the publisher it is for: `keyless-blob-publisher-ACCOUNT-CONTAINER-HASH`.
   */
  readonly name: string;
  /** Role description: what the role grants and where. */
  readonly description: string;
  /** The one scope the role is created at and assignable at (the container). */
  readonly assignableScope: string;
  /** Data-plane actions, exactly (sorted). The role has no control-plane `actions`. */
  readonly dataActions: readonly string[];
}

/**
 * An Azure role assignment a publisher gets: a built-in role (`roleDefinitionName`) or a custom role Keyless
 * defines (`customRole`), exactly one of them, at `scope`.
 */
export interface AzurePublishGrant {
  /** Built-in role name (a container registry: `AcrPush`). @default - none: the grant uses `customRole` */
  readonly roleDefinitionName?: string;
  /** Custom role Keyless defines and assigns (a blob container). @default - none: the grant uses `roleDefinitionName` */
  readonly customRole?: AzureCustomRoleSpec;
  /** Scope of the role assignment. */
  readonly scope: string;
  /** ABAC condition (version 2.0) on the role assignment. @default - none */
  readonly condition?: string;
}

const AZURE_RESOURCE_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/*?]+\/providers\//i;

/**
 * Azure Container Registry: AcrPush on the registry. Registry names are 5–50 alphanumerics
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerregistry).
 */
export function containerRegistryPushGrant(registryId: string, ctx: ValidationContext, prop = 'target.registryId'): AzurePublishGrant {
  checkPattern(registryId, new RegExp(`${AZURE_RESOURCE_ID.source}Microsoft\\.ContainerRegistry/registries/[A-Za-z0-9]{5,50}$`, 'i'), ctx, prop, 'KL-PUB-ACR-ID',
    'a registry id is /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ContainerRegistry/registries/NAME, NAME 5–50 letters and digits',
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acmeregistry');
  return { roleDefinitionName: 'AcrPush', scope: registryId };
}

/** The data actions of the blob publisher role: create and write blobs, nothing else (sorted). */
export const BLOB_PUBLISHER_DATA_ACTIONS: readonly string[] = [BLOB_ADD_DATA_ACTION, BLOB_WRITE_DATA_ACTION];

/**
 * The ABAC condition that limits the blob publisher role's data actions to blob paths under `folder` (`PREFIX/`).
 * Every write and add operation, whatever its sub-operation (`Blob.Write.Tier`, `Blob.Write.WithTagHeaders`), has
 * the blob path attribute, so the actions are matched without sub-operations; `StringStartsWith` is case-sensitive,
 * like blob names.
 */
export function blobPublisherCondition(folder: string): string {
  const actions = BLOB_PUBLISHER_DATA_ACTIONS.map((action) => `!(ActionMatches{'${action}'})`);
  return `((${actions.join(' AND ')}) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith '${folder}'))`;
}

/**
 * Blob container: a custom role with the blob write and add data actions only (no control-plane actions, so no
 * container delete, write or read), assignable at and assigned on the container; with a prefix, an ABAC condition
 * on the assignment limits both data actions to blob paths under it.
 *
 * Never Storage Blob Data Contributor: its control-plane actions (`…/containers/delete`, `…/containers/write`)
 * are not narrowed by any ABAC condition, so a prefix-scoped publisher could delete or reconfigure the container.
 *
 * @param publisher who the role is for (e.g. the identity's `RESOURCE_GROUP/NAME`), part of the role name's hash so
 * that two publishers of the same container and prefix get two roles, not one name twice in the tenant
 */
export function blobContainerGrant(storageAccountId: string, container: string, prefix: string | undefined, ctx: ValidationContext, prop = 'target', publisher = ''): AzurePublishGrant {
  checkPattern(storageAccountId, new RegExp(`${AZURE_RESOURCE_ID.source}Microsoft\\.Storage/storageAccounts/[a-z0-9]{3,24}$`, 'i'), ctx, `${prop}.storageAccountId`, 'KL-PUB-STORAGE-ID',
    'a storage account id is /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/NAME', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acmeartifacts');
  checkPattern(container, /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, ctx, `${prop}.container`, 'KL-PUB-BLOB-CONTAINER', 'a container name is 3–63 lowercase letters, digits and single `-`', 'releases');
  const scope = `${storageAccountId}/blobServices/default/containers/${container}`;
  const account = storageAccountId.slice(storageAccountId.lastIndexOf('/') + 1).toLowerCase();
  const customRole = (folder: string | undefined): AzureCustomRoleSpec => {
    // Resource ids and identity names are case-insensitive in Azure; blob paths are not.
    const hash = createHash('sha256').update(`${scope.toLowerCase()}\n${folder ?? ''}\n${publisher.toLowerCase()}`).digest('hex').slice(0, 16);
    const where = folder === undefined ? 'anywhere in' : folder.length <= 200 ? `under ${folder} in` : 'under the assignment\'s path prefix in';
    return {
      name: `keyless-blob-publisher-${account}-${container}-${hash}`,
      description: `Keyless blob publisher: create and write blobs ${where} container ${container} of storage account ${account}`
        + `${folder === undefined ? '' : ' (ABAC condition on the assignment)'}; no other data action, no control-plane action.`,
      assignableScope: scope,
      dataActions: BLOB_PUBLISHER_DATA_ACTIONS,
    };
  };
  if (prefix === undefined) return { customRole: customRole(undefined), scope };
  const folder = checkObjectPrefix(prefix, ctx, `${prop}.prefix`, {
    code: 'KL-PUB-BLOB-PREFIX',
    what: 'a blob path prefix',
    fix: 'give the folder the artifact is published to, e.g. "payments-api/releases", or omit it to grant the whole container',
  });
  // Azure ABAC: the role's two data actions outside the prefix are denied by the condition.
  return { customRole: customRole(folder), scope, condition: blobPublisherCondition(folder) };
}
