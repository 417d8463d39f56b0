import { TerraformResource, TerraformStack, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { terraformReferenceKey } from '../../private/terraform-reference';

/**
 * The name of an identity's resource group for the repository side's inventory id: the literal, or the literal
 * name of the app's resource group it references (`group.name`), as the inventory resolves it; otherwise the
 * reference's Terraform address.
 */
export function resourceGroupNameOf(scope: IConstruct, value: string): string {
  if (!Token.isUnresolved(value)) return value;
  const key = terraformReferenceKey(value);
  const address = /^\$\{azurerm_resource_group\.([^.]+)\.name\}$/.exec(key);
  if (address !== null) {
    const group = TerraformStack.of(scope).node.findAll()
      .find((c) => c instanceof TerraformResource && c.terraformResourceType === 'azurerm_resource_group' && c.friendlyUniqueId === address[1]);
    const name = (group as { nameInput?: unknown } | undefined)?.nameInput;
    if (typeof name === 'string' && !Token.isUnresolved(name)) return name;
  }
  return key;
}
