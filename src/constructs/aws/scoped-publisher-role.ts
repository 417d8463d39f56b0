import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CiOidcTrust } from './ci-oidc-trust';
import { awsValidationContext } from './private/reference';
import { ICiSource } from '../../core/ci/policy';
import { IdentityDetectionsOptions, ResolvedDetections } from '../../core/detections';
import { ValidationContext } from '../../core/errors';
import { keylessBrand, requireKeylessDeclaration, snapshotDeclaration } from '../../core/literal';
import { Ownership } from '../../core/ownership';
import { checkObjectProp, checkPropsObject } from '../../core/props';
import {
  AwsPublishStatement, checkPublisherTrust, CodeArtifactPackageTarget, codeArtifactPublishStatements, EcrRepositoryTarget,
  ecrPushStatements, S3PrefixTarget, s3PublishStatements,
} from '../../core/publish';
import { Revocation } from '../../core/revocation';
import { resolveCiTrust } from '../private/ci-source';

const AWS_PUBLISH_TARGET: unique symbol = keylessBrand('AwsPublishTarget') as any;

/** Where an AWS publisher publishes: one artifact location. */
export class AwsPublishTarget {
  /** Push images to one ECR repository. */
  public static ecrRepository(target: EcrRepositoryTarget): AwsPublishTarget {
    const declared = snapshotDeclaration(target);
    return new AwsPublishTarget('ECR repository', (ctx) => ecrPushStatements(targetObject(declared, ctx, '{ repositoryArn }'), ctx));
  }

  /** Put objects under one S3 prefix (with the KMS key actions for SSE-KMS buckets). */
  public static s3Prefix(target: S3PrefixTarget): AwsPublishTarget {
    const declared = snapshotDeclaration(target);
    return new AwsPublishTarget('S3 prefix', (ctx) => s3PublishStatements(targetObject(declared, ctx, '{ bucketName, prefix }'), ctx));
  }

  /** Publish versions of one CodeArtifact package. */
  public static codeArtifactPackage(target: CodeArtifactPackageTarget): AwsPublishTarget {
    const declared = snapshotDeclaration(target);
    return new AwsPublishTarget('CodeArtifact package', (ctx) => codeArtifactPublishStatements(
      targetObject(declared, ctx, '{ region, domain, domainOwner, repository, format, packageName }'), ctx));
  }

  /** @internal */
  public readonly [AWS_PUBLISH_TARGET] = true;

  private constructor(
    /** What kind of location, for descriptions. */
    public readonly kind: string,
    private readonly decide: (ctx: ValidationContext) => AwsPublishStatement[],
  ) {}

  /** @internal */
  public _statements(ctx: ValidationContext): AwsPublishStatement[] {
    return this.decide(ctx);
  }
}

function targetObject<T>(target: T, ctx: ValidationContext, example: string): T {
  return checkObjectProp<T>(target, ctx, 'target', {
    expected: `the location to publish to, \`${example}\``,
    fix: 'describe the location, e.g. `AwsPublishTarget.ecrRepository({ repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/api" })`',
  });
}

/** Props of an AWS {@link ScopedPublisherRole}. */
export interface ScopedPublisherRoleProps {
  /** Logical name (6–30 characters of `[a-z0-9-]`). */
  readonly name: string;
  /** Ownership. */
  readonly ownership: Ownership;
  /**
   * The CI source: protected branches, release tag patterns or environments only. Pull requests are refused.
   * Pin the reusable release workflow with `jobWorkflowRef` for provenance.
   */
  readonly source: ICiSource;
  /** The one place the role may publish to. */
  readonly target: AwsPublishTarget;
  /** @default - `name` */
  readonly roleName?: string;
  /** Existing OIDC provider of the issuer. @default - one per issuer per account, shared by every stack of the app */
  readonly oidcProvider?: iam.IOidcProvider;
  /** @default 'sts.amazonaws.com' */
  readonly audience?: string;
  /** @default - none */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /**
   * Whether the role is watched for refused and foreign assumptions (see `CiOidcTrustProps.detections`: one
   * EventBridge rule under `Trust/Detections`).
   *
   * @default - on for tier 1 (a detection route is then required), off for tiers 2 and 3
   */
  readonly detections?: IdentityDetectionsOptions;
  /**
   * Revokes the role (see `CiOidcTrustProps.revoked`): no new session, every action denied to sessions issued
   * before the moment. The publish policy stays rendered, overridden by the explicit denies.
   *
   * @default - not revoked
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
   */
  readonly revoked?: Revocation;
}

/**
 * A CI role that can publish one artifact to one place and nothing else: the exact minimal action set on that
 * resource, assumable only from the declared protected refs, for at most one hour.
 */
export class ScopedPublisherRole extends Construct {
  /** The CI trust (role, OIDC provider, decided subjects). */
  public readonly trust: CiOidcTrust;
  /** The role. */
  public readonly role: iam.IRole;
  /** The statements granted, exactly as rendered. */
  public readonly statements: readonly AwsPublishStatement[];
  /** The policy holding them. */
  public readonly policy: iam.Policy;
  /** The effective detections of the role (those of `trust`). */
  public readonly detections: ResolvedDetections;
  /** The revocation, when the role is revoked (that of `trust`). */
  public readonly revocation?: Revocation;

  constructor(scope: Construct, id: string, props: ScopedPublisherRoleProps) {
    super(scope, id);
    const ctx = awsValidationContext(this);
    checkPropsObject(props, ctx, '{ name, ownership, source, target }');
    checkPublisherTrust(resolveCiTrust(this, props.source, ctx), ctx);
    const target = checkObjectProp<AwsPublishTarget>(props.target, ctx, 'target', {
      expected: 'an AWS publish target (`AwsPublishTarget.ecrRepository(…)`, `.s3Prefix(…)` or `.codeArtifactPackage(…)`)',
      fix: 'name the one place the role publishes to, e.g. `target: AwsPublishTarget.ecrRepository({ repositoryArn })`',
      methods: ['_statements'],
    });
    requireKeylessDeclaration(target, 'AwsPublishTarget', ctx, 'target', '`AwsPublishTarget.ecrRepository(…)`, `.s3Prefix(…)` or `.codeArtifactPackage(…)`');
    this.statements = target._statements(ctx);
    this.trust = new CiOidcTrust(this, 'Trust', {
      name: props.name,
      ownership: props.ownership,
      source: props.source,
      roleName: props.roleName,
      oidcProvider: props.oidcProvider,
      audience: props.audience,
      permissionsBoundary: props.permissionsBoundary,
      detections: props.detections,
      revoked: props.revoked,
    });
    this.detections = this.trust.detections;
    this.revocation = this.trust.revocation;
    this.role = this.trust.role;
    this.policy = new iam.Policy(this, 'Publish', {
      policyName: `${this.trust.roleName}-publish`,
      roles: [this.trust.roleResource],
      statements: this.statements.map((statement) => new iam.PolicyStatement({
        sid: statement.sid,
        actions: [...statement.actions],
        resources: [...statement.resources],
        conditions: statement.conditions,
      })),
    });
  }
}
