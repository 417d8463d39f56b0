import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { Construct } from 'constructs';
import { CiOidcTrust } from './ci-oidc-trust';
import { ICiSource } from '../../core/ci/policy';
import { IdentityDetectionsOptions, ResolvedDetections } from '../../core/detections';
import { fail, quote, ValidationContext } from '../../core/errors';
import { snapshotDeclaration } from '../../core/literal';
import { Ownership } from '../../core/ownership';
import { AzurePublishGrant, blobContainerGrant, checkPublisherTrust, containerRegistryPushGrant } from '../../core/publish';
import { Revocation } from '../../core/revocation';
import { resolveCiTrust } from '../private/ci-source';
import { validationContext } from '../private/context';
import { omitCreationStacks } from '../private/creation-stacks';
import { terraformConfig } from '../private/terraform';

/** A blob container, optionally narrowed to a path prefix. */
export interface BlobContainerTarget {
  /** Storage account resource id. */
  readonly storageAccountId: string;
  /** Container name. */
  readonly container: string;
  /** Blob path prefix the publisher may write under (ABAC condition on the assignment). @default - the whole container */
  readonly prefix?: string;
}

/** Where an Azure publisher publishes. */
export class AzurePublishTarget {
  /**
   * AcrPush on one container registry. (Repository-scoped permissions need an ABAC-enabled registry; not rendered
   * here.)
   */
  public static containerRegistry(declared: { readonly registryId: string }): AzurePublishTarget {
    // One copy, read once, as for every publish target: what is validated is what is granted.
    const target = snapshotDeclaration(declared);
    return new AzurePublishTarget((ctx) => containerRegistryPushGrant(target?.registryId, ctx));
  }

  /**
   * Create and write blobs in one container, and with a prefix only under it: a custom role with the data actions
   * `…/containers/blobs/add/action` and `…/containers/blobs/write` and no control-plane action, assignable at and
   * assigned on the container, with an ABAC path condition on the assignment when a prefix is given. Never Storage
   * Blob Data Contributor, whose container delete and write actions no condition narrows (see docs/roles.md).
   */
  public static blobContainer(declared: BlobContainerTarget): AzurePublishTarget {
    const target = snapshotDeclaration(declared);
    return new AzurePublishTarget((ctx, publisher) => blobContainerGrant(target?.storageAccountId, target?.container, target?.prefix, ctx, 'target', publisher));
  }

  private constructor(private readonly decide: (ctx: ValidationContext, publisher: string) => AzurePublishGrant) {}

  /** @internal */
  public _grant(ctx: ValidationContext, publisher: string): AzurePublishGrant {
    return this.decide(ctx, publisher);
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
  /**
   * Whether the publisher's identity is watched for refused federated sign-ins; passed to its {@link CiOidcTrust}.
   *
   * @default - on for tier 1 (a route must be declared), off for tiers 2 and 3
   */
  readonly detections?: IdentityDetectionsOptions;
  /**
   * Revokes the publisher: no federated credential and no publish role assignment are rendered (the custom role
   * definition of a blob container, which grants nothing by itself, is kept); see {@link CiOidcTrustProps.revoked}
   * for the time to effect and for role assignments made outside Keyless, which it does not withhold.
   *
   * @default - not revoked
   */
  readonly revoked?: Revocation;
}

/**
 * A CI managed identity that can publish to one registry or blob container and nothing else: AcrPush on a
 * registry; on a blob container, a custom role with the blob write and add data actions only (defined by this
 * construct, `azurerm_role_definition`), narrowed to the prefix by an ABAC condition on the assignment.
 */
export class ScopedPublisherRole extends Construct {
  /** The CI trust. */
  public readonly trust: CiOidcTrust;
  /** The role assignment, exactly as rendered: the built-in role or the custom role spec, scope and condition. */
  public readonly grant: AzurePublishGrant;
  /**
   * The role assignment resource.
   *
   * @default - none when the publisher is revoked
   */
  public readonly roleAssignment?: RoleAssignment;
  /**
   * The revocation, when the publisher is revoked (the trust's).
   *
   * @default - not revoked
   */
  public readonly revocation?: Revocation;
  /** The effective detections of the publisher (those of `trust`). */
  public readonly detections: ResolvedDetections;
  /**
   * The custom role definition resource (blob containers).
   *
   * @default - undefined for a container registry, which uses the built-in AcrPush
   */
  public readonly roleDefinition?: RoleDefinition;

  constructor(scope: Construct, id: string, props: ScopedPublisherRoleProps) {
    super(scope, id);
    const closeWindow = omitCreationStacks(this);
    try {
      const ctx = validationContext(this);
      if (typeof props !== 'object' || props === null) {
        fail({ code: 'KL-PROP-TYPE', path: ctx.path, prop: 'props', problem: `is ${describe(props)}: expected an object of props`, fix: 'give the props as an object, e.g. `{ name, ownership, source, target, resourceGroupName, location }`' });
      }
      checkPublisherTrust(resolveCiTrust(this, props.source, ctx), ctx);
      const target = checkTarget(props.target, ctx);
      this.grant = target._grant(ctx, `${props.resourceGroupName}/${props.identityName ?? props.name}`);
      this.trust = new CiOidcTrust(this, 'Trust', {
        name: props.name,
        ownership: props.ownership,
        source: props.source,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        identityName: props.identityName,
        detections: props.detections,
        revoked: props.revoked,
      });
      this.revocation = this.trust.revocation;
      this.detections = this.trust.detections;
      const role = this.grant.customRole;
      if (role === undefined) {
        this.roleAssignment = this.trust.assignRole('Publish', {
          scope: this.grant.scope, roleDefinitionName: this.grant.roleDefinitionName, condition: this.grant.condition,
        });
        return;
      }
      this.roleDefinition = new RoleDefinition(this, 'PublishRole', terraformConfig(this, {
        name: role.name,
        description: role.description,
        scope: role.assignableScope,
        assignableScopes: [role.assignableScope],
        // Data actions only: no `actions`, so no control-plane operation on the container or the account.
        permissions: [{ dataActions: [...role.dataActions] }],
      }));
      this.roleAssignment = this.trust.assignRole('Publish', {
        scope: this.grant.scope, roleDefinitionId: this.roleDefinition.roleDefinitionResourceId, condition: this.grant.condition,
      });
    } finally {
      closeWindow();
    }
  }
}

/** A missing or foreign `target` fails with a Keyless error, not a TypeError (JavaScript callers, casts). */
function checkTarget(target: unknown, ctx: ValidationContext): AzurePublishTarget {
  if (!(target instanceof AzurePublishTarget)) {
    const missing = target === undefined || target === null;
    fail({
      code: missing ? 'KL-PROP-MISSING' : 'KL-PROP-TYPE',
      path: ctx.path,
      prop: 'target',
      problem: `is ${describe(target)}: expected an Azure publish target (\`azure.AzurePublishTarget\`)`,
      fix: 'give `azure.AzurePublishTarget.containerRegistry({ registryId })` or `azure.AzurePublishTarget.blobContainer({ storageAccountId, container, prefix })`',
    });
  }
  return target;
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    if (typeof name === 'string' && name !== '' && name !== 'Object') return `a ${name} object`;
    return 'an object';
  }
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return `a ${typeof value}`;
  return quote(value);
}
