import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { ValidationContext } from '../../../core/errors';
import { checkAzureIdentityName, checkAzureLocation, checkAzureResourceGroupName } from '../../../core/names';
import { azureOwnershipTags, Ownership } from '../../../core/ownership';
import { terraformConfig } from '../../private/terraform';
import { terraformReferenceKey } from '../../private/terraform-reference';
import { claimAzureIdentityName } from '../../private/uniqueness';

/** The props every Keyless user-assigned identity takes. */
export interface OwnedIdentityProps {
  readonly identityName?: string;
  readonly resourceGroupName: string;
  readonly location: string;
}

/** A validated user-assigned identity. */
export interface OwnedIdentity {
  readonly identity: UserAssignedIdentity;
  readonly identityName: string;
  readonly resourceGroupName: string;
  readonly location: string;
}

/**
 * Validates the identity's name, resource group and location, and creates the user-assigned identity (`Identity`)
 * with the ownership tags and `markers` (detections and revocation tags, see ./detections).
 */
export function ownedUserAssignedIdentity(
  scope: Construct, name: string, props: OwnedIdentityProps, ownership: Ownership, ctx: ValidationContext, markers: Record<string, string> = {},
): OwnedIdentity {
  const identityName = checkAzureIdentityName(props.identityName ?? name, ctx);
  const resourceGroupName = checkAzureResourceGroupName(props.resourceGroupName, ctx);
  const location = checkAzureLocation(props.location, ctx);
  claimAzureIdentityName(scope, terraformReferenceKey(resourceGroupName), identityName);
  const identity = new UserAssignedIdentity(scope, 'Identity', terraformConfig(scope, {
    name: identityName, resourceGroupName, location, tags: { ...azureOwnershipTags(ownership), ...markers },
  }));
  return { identity, identityName, resourceGroupName, location };
}
