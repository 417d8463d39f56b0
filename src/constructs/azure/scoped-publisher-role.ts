import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { CiOidcTrust } from './ci-oidc-trust';
import { ICiSource, resolveCiSource } from '../../core/ci/policy';
import { ValidationContext } from '../../core/errors';
import { Ownership } from '../../core/ownership';
import { AzurePublishGrant, blobContainerGrant, checkPublisherTrust, containerRegistryPushGrant } from '../../core/publish';
import { validationContext } from '../private/context';

/** A blob container, optionally narrowed to a path prefix. */
export interface BlobContainerTarget {
  /** Storage account resource id. */
  readonly storageAccountId: string;
  /** Container name. */
  readonly container: string;
  /** Blob path prefix the publisher may use (ABAC condition). @default - the whole container */
  readonly prefix?: string;
}

/** Where an Azure publisher publishes. */
export class AzurePublishTarget {
  /**
   * AcrPush on one container registry. (Repository-scoped permissions need an ABAC-enabled registry; not rendered
   * here.)
   */
  public static containerRegistry(target: { readonly registryId: string }): AzurePublishTarget {
    return new AzurePublishTarget((ctx) => containerRegistryPushGrant(target.registryId, ctx));
  }

  /** Storage Blob Data Contributor on one container, with a path condition when a prefix is given. */
  public static blobContainer(target: BlobContainerTarget): AzurePublishTarget {
    return new AzurePublishTarget((ctx) => blobContainerGrant(target.storageAccountId, target.container, target.prefix, ctx));
  }

  private constructor(private readonly decide: (ctx: ValidationContext) => AzurePublishGrant) {}

  /** @internal */
  public _grant(ctx: ValidationContext): AzurePublishGrant {
    return this.decide(ctx);
  }
}

/** Props of an Azure {@link ScopedPublisherRole}. */
export interface ScopedPublisherRoleProps {
  /** Logical name (6–30 characters of `[a-z0-9-]`). */
  readonly name: string;
  /** Ownership. */
  readonly ownership: Ownership;
  /** The CI source: protected refs only, listed exactly (Azure matches subjects exactly). */
  readonly source: ICiSource;
  /** The one place the pipeline may publish to. */
  readonly target: AzurePublishTarget;
  /** Resource group of the identity. */
  readonly resourceGroupName: string;
  /** Region of the identity. */
  readonly location: string;
  /** @default - `name` */
  readonly identityName?: string;
}

/** A CI managed identity that can publish to one registry or blob container and nothing else. */
export class ScopedPublisherRole extends Construct {
  /** The CI trust. */
  public readonly trust: CiOidcTrust;
  /** The role assignment, exactly as rendered. */
  public readonly grant: AzurePublishGrant;
  /** The role assignment resource. */
  public readonly roleAssignment: RoleAssignment;

  constructor(scope: Construct, id: string, props: ScopedPublisherRoleProps) {
    super(scope, id);
    const ctx = validationContext(this);
    checkPublisherTrust(resolveCiSource(props.source, ctx), ctx);
    this.grant = props.target._grant(ctx);
    this.trust = new CiOidcTrust(this, 'Trust', {
      name: props.name,
      ownership: props.ownership,
      source: props.source,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      identityName: props.identityName,
    });
    this.roleAssignment = this.trust.assignRole('Publish', {
      scope: this.grant.scope, roleDefinitionName: this.grant.roleDefinitionName, condition: this.grant.condition,
    });
  }
}
