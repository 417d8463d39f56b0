import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Duration, Stack, Tags, Token } from 'aws-cdk-lib/core';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { sharedOidcProvider } from './private/oidc-provider';
import { checkManagedPolicyProp, checkOidcProviderProp } from './private/props';
import { CiTrustPolicy, ICiSource } from '../../core/ci/policy';
import { IdentityDetectionsOptions, ResolvedDetections } from '../../core/detections';
import { awsDetectionDescription, awsWebIdentityDetectionPattern } from '../../core/detections/aws';
import { awsRoleDescription, checkAwsRoleName, checkIdentityName } from '../../core/names';
import { awsOwnershipTags, Ownership, resolveOwnership } from '../../core/ownership';
import { checkDurationSeconds, checkPropsObject } from '../../core/props';
import { resolveRevocation, Revocation } from '../../core/revocation';
import { checkAwsSessionBounds, resolveSessionSeconds } from '../../core/tier';
import { AWS_STS_AUDIENCE, awsWebIdentityTrust } from '../../core/trust/aws';
import { validationContext } from '../private/context';
import { renderAwsDetections, renderAwsRevocation, resolvedDetections } from './private/detect-revoke';
import { claimAwsRoleName } from './private/role-name';
import { resolveCiTrust } from '../private/ci-source';
import { identityDetections } from '../private/detections';
import { registerRepositorySide } from '../private/repository-side';

/** Props of an AWS {@link CiOidcTrust}. */
export interface CiOidcTrustProps {
  /**
   * Logical name of the identity (6–30 characters of `[a-z0-9-]`). The role is named after it.
   */
  readonly name: string;
  /** Owner, purpose, environment, risk tier and review-by date. Rendered as `keyless:*` tags on the role. */
  readonly ownership: Ownership;
  /** The CI source whose tokens may assume the role, e.g. `GitHubActions.repository({...})`. */
  readonly source: ICiSource;
  /**
   * Role name. Deterministic, so that the role ARN is known at synthesis when the account is.
   *
   * @default - `name`
   */
  readonly roleName?: string;
  /**
   * An existing IAM OIDC provider for the source's issuer (there can be only one per issuer per account), e.g.
   * `iam.OidcProviderNative.fromOidcProviderArn(…)`. It must list the audience as a client id.
   *
   * @default - one native `AWS::IAM::OIDCProvider` per issuer per account, shared by every stack of the app: created
   *   (and retained on deletion) in the first stack of the account that needs it, imported by ARN in the others,
   *   which deploy after it
   */
  readonly oidcProvider?: iam.IOidcProvider;
  /**
   * The `aud` the CI job requests.
   *
   * @default 'sts.amazonaws.com' (what aws-actions/configure-aws-credentials requests)
   */
  readonly audience?: string;
  /**
   * Maximum session duration of the role, bounded by the risk tier (tier 1: 1 hour) and by IAM (1–12 hours).
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
  /**
   * Permissions boundary for the role.
   *
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /**
   * Whether the role is watched: one EventBridge rule on the default bus matches CloudTrail's
   * `AssumeRoleWithWebIdentity` for this role when the call is refused (an `errorCode`: a token the trust rejects)
   * or when it succeeds for a subject (`userIdentity.userName`) the trust was not declared for, and notifies the SNS
   * topic declared with `routeDetections(app, { aws: { topicArn } })`. An opted-out tier 1 role carries the tag
   * `keyless:detections-opt-out` with the reason.
   *
   * Quotas: EventBridge allows 300 rules per event bus per account and Region by default (100 in af-south-1 and
   * eu-south-1; adjustable), and at most 30 rules containing wildcards per bus (not adjustable); a role whose trust
   * declares subject patterns uses a wildcard. More watched roles in one account and Region than that need a raised
   * quota (or fewer, broader detections outside Keyless). CloudTrail must record the STS endpoint's Region: the
   * rule sees the events of the Region it is deployed in.
   *
   * @default - on for tier 1 (a detection route is then required), off for tiers 2 and 3
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
   */
  readonly detections?: IdentityDetectionsOptions;
  /**
   * Revokes the role: its trust gains an explicit `Deny` (Sid `KeylessRevoked`) of every
   * trust action (`sts:AssumeRole*`, `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`) for every principal
   * (`"Principal": "*"`), so no statement, not even one added later, issues a new session, and the inline policy `keyless-revoked` denies every action
   * to sessions issued before `sessionsIssuedBefore` (`aws:TokenIssueTime`), as the IAM console's "Revoke active
   * sessions" does. Tagged `keyless:revoked` and `keyless:revoked-reason`. The detections stay on.
   *
   * @default - not revoked
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
   */
  readonly revoked?: Revocation;
}

/**
 * An IAM role that exactly the declared CI workflow runs can assume with their OIDC token, and nothing else.
 *
 * The trust pins the token's issuer (federated principal), `aud` and `sub` with `StringEquals`; `StringLike` is used
 * only for explicitly declared tag patterns. The role has no permissions: grant them through `role` or
 * `grantPrincipal`, with exact actions (e.g. `trust.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: [bucket.arnForObjects("app/*")] }))`).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
 */
export class CiOidcTrust extends Construct implements iam.IGrantable {
  /** The role, to grant permissions to or to reference. */
  public readonly role: iam.IRole;
  /** Principal to grant permissions to. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The role name (deterministic). */
  public readonly roleName: string;
  /** The role ARN. */
  public readonly roleArn: string;
  /** The OIDC provider the trust names. */
  public readonly oidcProvider: iam.IOidcProvider;
  /** The audience the trust requires. */
  public readonly audience: string;
  /** The effective maximum session duration. */
  public readonly maxSessionDuration: Duration;
  /** The validated ownership. */
  public readonly ownership: Ownership;
  /** The decided trust (issuer, exact subjects, patterns), for review and inventory. */
  public readonly trust: CiTrustPolicy;
  /** Escape hatch: the underlying role. Changing its trust bypasses every check Keyless made. */
  public readonly roleResource: iam.Role;
  /** The effective detections (on, or off with the opt-out reason of a tier 1 role). */
  public readonly detections: ResolvedDetections;
  /** The detection rule, when the role is watched. */
  public readonly detectionRule?: events.CfnRule;
  /** The revocation, when the role is revoked. */
  public readonly revocation?: Revocation;

  constructor(scope: Construct, id: string, props: CiOidcTrustProps) {
    super(scope, id);
    const ctx = validationContext(this);
    checkPropsObject(props, ctx, '{ name, ownership, source }');
    this.ownership = resolveOwnership(props.ownership, ctx);
    const name = checkIdentityName(props.name, ctx);
    this.roleName = checkAwsRoleName(props.roleName ?? name, ctx);
    claimAwsRoleName(this, this.roleName);
    this.trust = resolveCiTrust(this, props.source, ctx, this.ownership.tier);
    this.audience = props.audience ?? AWS_STS_AUDIENCE;
    const decision = awsWebIdentityTrust(this.trust, this.audience, ctx);

    const requested = checkDurationSeconds(props.maxSessionDuration, ctx, 'maxSessionDuration');
    const seconds = checkAwsSessionBounds(resolveSessionSeconds(requested, this.ownership.tier, ctx), ctx);
    this.maxSessionDuration = Duration.seconds(seconds);
    const permissionsBoundary = checkManagedPolicyProp(props.permissionsBoundary, ctx, 'permissionsBoundary');
    this.revocation = resolveRevocation(props.revoked, ctx);
    const detections = identityDetections(this, 'aws', props.detections, this.ownership.tier, ctx);
    this.detections = resolvedDetections(detections);

    this.oidcProvider = checkOidcProviderProp(props.oidcProvider, ctx, 'oidcProvider')
      ?? sharedOidcProvider(this, decision.providerUrl, this.audience);
    const [first, ...rest] = decision.conditions;
    const role = new iam.Role(this, 'Role', {
      roleName: this.roleName,
      description: awsRoleDescription(`${this.trust.summary}. Owner ${this.ownership.owner}: ${this.ownership.purpose}`),
      assumedBy: new iam.WebIdentityPrincipal(this.oidcProvider.oidcProviderArn, first),
      maxSessionDuration: this.maxSessionDuration,
      permissionsBoundary,
    });
    for (const conditions of rest) {
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [new iam.WebIdentityPrincipal(this.oidcProvider.oidcProviderArn, conditions)],
      }));
    }
    for (const [key, value] of Object.entries(awsOwnershipTags(this.ownership))) Tags.of(role).add(key, value);
    renderAwsRevocation(this, role, this.revocation);

    this.roleResource = role;
    this.role = role;
    this.grantPrincipal = role;
    this.roleArn = role.roleArn;

    // The ARN is written into the repository's workflow only when the account and the region's partition are literal.
    const { account, region } = Stack.of(this);
    const literalRegion = Token.isUnresolved(region) ? undefined : region;
    const partition = literalRegion === undefined ? undefined : RegionInfo.get(literalRegion).partition;
    const roleArn = Token.isUnresolved(account) || partition === undefined ? undefined : `arn:${partition}:iam::${account}:role/${this.roleName}`;
    this.detectionRule = renderAwsDetections(this, role, detections, () => awsWebIdentityDetectionPattern(roleArn ?? role.roleArn, this.trust, ctx),
      awsDetectionDescription(this.roleName, 'web-identity'), ctx);
    // A revoked identity has no repository side: its pipeline must not log in (and would be refused).
    if (this.revocation === undefined) {
      registerRepositorySide(this, () => ({
        construct: this.node.path, trust: this.trust, login: { cloud: 'aws', roleName: this.roleName, roleArn, region: literalRegion, audience: this.audience },
      }));
    }
  }
}
