import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import { CiOidcTrust } from './ci-oidc-trust';
import { ICiSource } from '../../core/ci/policy';
import { IdentityDetectionsOptions, ResolvedDetections } from '../../core/detections';
import { fail, quote, ValidationContext } from '../../core/errors';
import { keylessBrand, requireKeylessDeclaration, snapshotDeclaration } from '../../core/literal';
import { checkGcpProjectId } from '../../core/names';
import { Ownership } from '../../core/ownership';
import { checkObjectProp } from '../../core/props';
import { artifactRegistryWriterGrant, checkPublisherTrust, GcpPublishGrant, storagePrefixGrant } from '../../core/publish';
import { Revocation } from '../../core/revocation';
import { resolveCiTrust } from '../private/ci-source';
import { omitCreationStacks } from '../private/creation-stacks';
import { shortHash } from '../private/hash';
import { terraformConfig } from '../private/terraform';
import { terraformValidationContext } from '../private/terraform-reference';

/** An Artifact Registry repository. */
export interface ArtifactRegistryTarget {
  /** Project id of the repository. */
  readonly project: string;
  /** Location, e.g. `europe-west1`. */
  readonly location: string;
  /** Repository id. */
  readonly repository: string;
}

/** A Cloud Storage prefix (the bucket must use uniform bucket-level access for IAM conditions). */
export interface StoragePrefixTarget {
  /** Bucket name: a literal, or a reference to a bucket of the app (`bucket.name`); never a variable. */
  readonly bucket: string;
  /** Object-name prefix, e.g. `payments-api/releases`. Always a literal. */
  readonly prefix: string;
}

const GCP_PUBLISH_TARGET: unique symbol = keylessBrand('GcpPublishTarget') as any;

/** Where a GCP publisher publishes. */
export class GcpPublishTarget {
  /** `roles/artifactregistry.writer` on one repository. */
  public static artifactRegistryRepository(declared: ArtifactRegistryTarget): GcpPublishTarget {
    // One copy, read once: what is validated is what the binding is rendered on.
    const target = snapshotDeclaration(declared);
    return new GcpPublishTarget('artifact-registry', target, (ctx) => {
      targetObject(target, ctx, '{ project, location, repository }');
      checkGcpProjectId(target.project, ctx, 'target.project');
      if (typeof target.location !== 'string' || !/^[a-z]+(-[a-z]+\d+)?$/.test(target.location)) {
        fail({ code: 'KL-PUB-AR-LOCATION', path: ctx.path, prop: 'target.location', problem: `is ${quote(target.location)}: a location is a region or multi-region such as "europe-west1" or "europe"`, fix: 'give the repository location exactly' });
      }
      if (typeof target.repository !== 'string' || !/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(target.repository)) {
        fail({ code: 'KL-PUB-AR-REPOSITORY', path: ctx.path, prop: 'target.repository', problem: `is ${quote(target.repository)}: a repository id is lowercase letters, digits and \`-\`, starting with a letter (no wildcards)`, fix: 'give the repository id exactly' });
      }
      return artifactRegistryWriterGrant();
    });
  }

  /** `roles/storage.objectCreator` on one bucket, conditioned on the object-name prefix. */
  public static storagePrefix(declared: StoragePrefixTarget): GcpPublishTarget {
    const target = snapshotDeclaration(declared);
    return new GcpPublishTarget('storage', target, (ctx) => storagePrefixGrant(targetObject(target, ctx, '{ bucket, prefix }').bucket, target.prefix, ctx));
  }

  /** @internal */
  public readonly [GCP_PUBLISH_TARGET] = true;

  private constructor(
    /** Kind of target. */
    public readonly kind: 'artifact-registry' | 'storage',
    /** The target. */
    public readonly target: ArtifactRegistryTarget | StoragePrefixTarget,
    private readonly decide: (ctx: ValidationContext) => GcpPublishGrant,
  ) {}

  /** @internal */
  public _grant(ctx: ValidationContext): GcpPublishGrant {
    return this.decide(ctx);
  }
}

function targetObject<T>(target: T, ctx: ValidationContext, example: string): T {
  return checkObjectProp<T>(target, ctx, 'target', {
    expected: `the location to publish to, \`${example}\``,
    fix: 'describe the location, e.g. `GcpPublishTarget.storagePrefix({ bucket: "acme-artifacts", prefix: "payments-api/releases" })`',
  });
}

/** Props of a GCP {@link ScopedPublisherRole}. */
export interface ScopedPublisherRoleProps {
  /** Logical name (6–30 characters of `[a-z0-9-]`). */
  readonly name: string;
  /** Ownership. */
  readonly ownership: Ownership;
  /** The CI source: protected refs only; pull requests are refused. */
  readonly source: ICiSource;
  /** The one place the pipeline may publish to. */
  readonly target: GcpPublishTarget;
  /** Project id of the workload identity pool. */
  readonly project: string;
  /** Project number of the pool's project. */
  readonly projectNumber: string;
  /** @default - `name` */
  readonly poolId?: string;
  /** @default false */
  readonly useExistingPool?: boolean;
  /** @default - `name` */
  readonly providerId?: string;
  /**
   * Whether the publisher is watched: refused token exchanges at its provider alert the notification channels
   * declared with `routeDetections` (see `CiOidcTrustProps.detections`, which this is passed to).
   *
   * @default - on for tier 1 (a route is then required), off for tiers 2 and 3
   */
  readonly detections?: IdentityDetectionsOptions;
  /**
   * Revokes the publisher (remove the prop to restore it): the writer binding on the target is not rendered and the
   * provider is disabled (see `CiOidcTrustProps.revoked`, which this is passed to). Time to effect: the binding's
   * removal typically 2 minutes, up to 7 or more (IAM access change propagation).
   *
   * @default - not revoked
   * @see https://cloud.google.com/iam/docs/access-change-propagation
   */
  readonly revoked?: Revocation;
}

/**
 * A CI identity (direct workload identity federation, no service account) that can publish to one Artifact Registry
 * repository or one Cloud Storage prefix and nothing else.
 */
export class ScopedPublisherRole extends Construct {
  /** The CI trust. */
  public readonly trust: CiOidcTrust;
  /** The role granted and its condition, exactly as rendered (not rendered when revoked). */
  public readonly grant: GcpPublishGrant;
  /** Whether the publisher is watched (the inner trust's decision). */
  public readonly detections: ResolvedDetections;
  /** The revocation, when the publisher is revoked. */
  public readonly revocation?: Revocation;

  constructor(scope: Construct, id: string, props: ScopedPublisherRoleProps) {
    super(scope, id);
    const closeWindow = omitCreationStacks(this);
    try {
      const ctx = terraformValidationContext(this);
      checkPublisherTrust(resolveCiTrust(this, props.source, ctx), ctx);
      checkObjectProp<GcpPublishTarget>(props.target, ctx, 'target', {
        expected: 'a GCP publish target (`GcpPublishTarget.artifactRegistryRepository(…)` or `.storagePrefix(…)`)',
        fix: 'name the one place the pipeline publishes to, e.g. `target: GcpPublishTarget.storagePrefix({ bucket, prefix })`',
        methods: ['_grant'],
      });
      requireKeylessDeclaration(props.target, 'GcpPublishTarget', ctx, 'target', '`GcpPublishTarget.artifactRegistryRepository(…)` or `.storagePrefix(…)`');
      this.grant = props.target._grant(ctx);
      this.trust = new CiOidcTrust(this, 'Trust', {
        name: props.name,
        ownership: props.ownership,
        source: props.source,
        project: props.project,
        projectNumber: props.projectNumber,
        poolId: props.poolId,
        useExistingPool: props.useExistingPool,
        providerId: props.providerId,
        access: 'direct',
        detections: props.detections,
        revoked: props.revoked,
      });
      this.detections = this.trust.detections;
      this.revocation = this.trust.revocation;
      const { target, kind } = props.target;
      // Revoked: the federated principals may no longer publish.
      (this.revocation ? [] : this.trust.members).forEach((member) => {
        if (kind === 'artifact-registry') {
          const registry = target as ArtifactRegistryTarget;
          new ArtifactRegistryRepositoryIamMember(this, `Writer-${shortHash(member)}`, terraformConfig(this, {
            project: registry.project, location: registry.location, repository: registry.repository, role: this.grant.role, member,
          }));
        } else {
          new StorageBucketIamMember(this, `Creator-${shortHash(member)}`, terraformConfig(this, {
            bucket: (target as StoragePrefixTarget).bucket, role: this.grant.role, member, condition: this.grant.condition,
          }));
        }
      });
    } finally {
      closeWindow();
    }
  }
}
