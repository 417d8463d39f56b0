import { CfnPodIdentityAssociation } from 'aws-cdk-lib/aws-eks';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Duration, Stack, Tags, Token } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { renderAwsDetections, renderAwsRevocation, resolvedDetections } from './private/detect-revoke';
import { sharedOidcProvider } from './private/oidc-provider';
import { checkManagedPolicyProp, checkOidcProviderProp } from './private/props';
import { claimAwsRoleName } from './private/role-name';
import { IdentityDetectionsOptions, ResolvedDetections } from '../../core/detections';
import {
  AwsDetectionPattern, awsDetectionDescription, awsPodIdentityDetectionPattern, awsWebIdentityDetectionPattern,
} from '../../core/detections/aws';
import { fail, ValidationContext } from '../../core/errors';
import { checkServiceAccountRef, KubernetesServiceAccountRef, serviceAccountSubject } from '../../core/kubernetes';
import { awsRoleDescription, checkAwsRoleName, checkIdentityName } from '../../core/names';
import { awsOwnershipTags, Ownership, resolveOwnership } from '../../core/ownership';
import { checkDurationSeconds, checkPropsObject, describeValue, isObject } from '../../core/props';
import { resolveRevocation, Revocation } from '../../core/revocation';
import { checkAwsSessionBounds, resolveSessionSeconds } from '../../core/tier';
import { AwsRoleTrustStatement, awsRoleArn, checkPodIdentityBinding, irsaTrust, podIdentityTrust } from '../../core/trust/aws-workload';
import { appRegistry } from '../private/app-registry';
import { claimWorkloadBinding } from '../private/bindings';
import { validationContext } from '../private/context';
import { identityDetections } from '../private/detections';

/** IAM Roles for Service Accounts: the cluster's OIDC issuer is federated into IAM. */
export interface EksIrsaBinding {
  /** The mechanism. */
  readonly kind: 'irsa';
  /**
   * The cluster's OIDC issuer URL, literally (`aws eks describe-cluster --query cluster.identity.oidc.issuer`),
   * e.g. `https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`.
   */
  readonly issuerUrl: string;
  /**
   * The IAM OIDC provider of that issuer, when it exists already.
   *
   * @default - one native provider per issuer per account, shared by every stack of the app (see `CiOidcTrust`)
   */
  readonly oidcProvider?: iam.IOidcProvider;
}

/** EKS Pod Identity: the EKS Pod Identity Agent assumes the role for the service account. Not on Fargate. */
export interface EksPodIdentityBinding {
  /** The mechanism. */
  readonly kind: 'pod-identity';
  /** Name of the EKS cluster. */
  readonly clusterName: string;
  /**
   * Whether the pods run on Fargate, where Pod Identity is not available (use IRSA there).
   *
   * @default false
   */
  readonly fargate?: boolean;
}

/** How the role is bound to the service account on EKS. */
export type EksBinding = EksIrsaBinding | EksPodIdentityBinding;

/**
 * The first EKS binding of each service account per account and region, by mechanism: IRSA and Pod Identity for the
 * same namespace/name there would give one service account two roles (the claims per issuer and per cluster cannot
 * see each other, since an IRSA issuer does not name its cluster).
 */
const eksMechanisms = appRegistry<{ mechanism: 'irsa' | 'pod-identity'; path: string; where: string }>();

function claimEksMechanism(scope: Construct, mechanism: 'irsa' | 'pod-identity', subject: string, region: string | undefined, where: string): void {
  // An IRSA issuer that is not an EKS one (`oidc.eks.REGION.amazonaws.com`) names no region: nothing to compare.
  if (region === undefined) return;
  const byKey = eksMechanisms(scope);
  const key = `${subject}|${Stack.of(scope).account}|${region}|${mechanism === 'irsa' ? 'pod-identity' : 'irsa'}`;
  const other = byKey.get(key);
  const label = (m: string) => (m === 'irsa' ? 'IRSA' : 'Pod Identity');
  if (other !== undefined) {
    fail({
      code: 'KL-WORKLOAD-SHARED',
      path: scope.node.path,
      prop: 'eks',
      problem: `binds ${subject} through ${label(mechanism)} (${where}), which ${other.path} already binds through ${label(other.mechanism)} (${other.where}) in the same account and region: `
        + 'one service account would then hold two roles, and its pods the permissions of whichever the SDK picks',
      fix: 'bind the service account through one mechanism (Pod Identity for EC2 node groups, IRSA for Fargate): remove one of the two identities, or use another service account',
    });
  }
  const own = `${subject}|${Stack.of(scope).account}|${region}|${mechanism}`;
  if (!byKey.has(own)) byKey.set(own, { mechanism, path: scope.node.path, where });
}

function isEksBinding<K extends EksBinding['kind']>(value: unknown, kind: K): value is Extract<EksBinding, { kind: K }> {
  return isObject(value) && value.kind === kind;
}

/** Props of an AWS {@link WorkloadIdentity}. */
export interface WorkloadIdentityProps {
  /** Logical name of the identity (6–30 characters of `[a-z0-9-]`); the role is named after it. */
  readonly name: string;
  /** Owner, purpose, environment, risk tier and review-by date, as `keyless:*` tags on the role. */
  readonly ownership: Ownership;
  /** The one Kubernetes service account the role is bound to. */
  readonly serviceAccount: KubernetesServiceAccountRef;
  /** IRSA or EKS Pod Identity. */
  readonly eks: EksBinding;
  /** Role name. @default - `name` */
  readonly roleName?: string;
  /** Maximum session duration, bounded by the tier. @default Duration.hours(1) */
  readonly maxSessionDuration?: Duration;
  /** Permissions boundary. @default - none */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /**
   * Whether the role is watched by one EventBridge rule on the default bus (CloudTrail), notifying the SNS topic
   * declared with `routeDetections(app, { aws: { topicArn } })`:
   * - IRSA: `AssumeRoleWithWebIdentity` for this role that is refused (`errorCode`) or that succeeds for a subject
   *   (`userIdentity.userName`) other than `system:serviceaccount:NS:SA`;
   * - Pod Identity: refused `AssumeRole` calls for this role. The pod's service account is only in the call's
   *   session tags, an array an event pattern cannot correlate, so a foreign service account is not matched (the
   *   trust's session-tag conditions refuse it, which the refused branch reports).
   *
   * An opted-out tier 1 role carries the tag `keyless:detections-opt-out`. EventBridge quota: 300 rules per bus per
   * account and Region by default (adjustable); more watched roles there need a raised quota.
   *
   * @default - on for tier 1 (a detection route is then required), off for tiers 2 and 3
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   */
  readonly detections?: IdentityDetectionsOptions;
  /**
   * Revokes the role: its trust gains an explicit `Deny` (Sid `KeylessRevoked`) of every
   * trust action (`sts:AssumeRole*`, `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`) for every principal
   * (`"Principal": "*"`), so no statement, not even one added later, issues a new session, and the inline policy `keyless-revoked` denies every action to sessions issued before
   * `sessionsIssuedBefore` (`aws:TokenIssueTime`). Tagged `keyless:revoked` and `keyless:revoked-reason`.
   *
   * @default - not revoked
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
   */
  readonly revoked?: Revocation;
}

/**
 * An IAM role for exactly one Kubernetes service account on one EKS cluster.
 *
 * - IRSA: trust `StringEquals` on `ISSUER:sub = system:serviceaccount:NS:SA` and `ISSUER:aud = sts.amazonaws.com`.
 * - Pod Identity: trust `pods.eks.amazonaws.com` (`sts:AssumeRole`, `sts:TagSession`) narrowed by the session tags
 *   `eks-cluster-arn` (the cluster in this stack's region), `eks-cluster-name`, `kubernetes-namespace`,
 *   `kubernetes-service-account` and by `aws:SourceAccount`, plus the `AWS::EKS::PodIdentityAssociation`.
 *
 * Nothing is granted: use `grantPrincipal` with the usual aws-cdk-lib grant APIs.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
 */
export class WorkloadIdentity extends Construct implements iam.IGrantable {
  /** The role. */
  public readonly role: iam.IRole;
  /** Principal to grant permissions to. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** Role name (deterministic). */
  public readonly roleName: string;
  /** The service account the role is bound to. */
  public readonly serviceAccount: KubernetesServiceAccountRef;
  /** The binding mechanism. */
  public readonly mechanism: 'irsa' | 'pod-identity';
  /** The effective maximum session duration. */
  public readonly maxSessionDuration: Duration;
  /** The validated ownership. */
  public readonly ownership: Ownership;
  /** The Pod Identity association (Pod Identity only). */
  public readonly podIdentityAssociation?: CfnPodIdentityAssociation;
  /** Escape hatch: the underlying role. Changing its trust bypasses every check Keyless made. */
  public readonly roleResource: iam.Role;
  /** The effective detections (on, or off with the opt-out reason of a tier 1 role). */
  public readonly detections: ResolvedDetections;
  /** The detection rule, when the role is watched. */
  public readonly detectionRule?: events.CfnRule;
  /** The revocation, when the role is revoked. */
  public readonly revocation?: Revocation;
  private detectionPattern?: (roleArn: string) => AwsDetectionPattern;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    const ctx = validationContext(this);
    checkPropsObject(props, ctx, '{ name, ownership, serviceAccount, eks }');
    this.ownership = resolveOwnership(props.ownership, ctx);
    const name = checkIdentityName(props.name, ctx);
    this.roleName = checkAwsRoleName(props.roleName ?? name, ctx);
    claimAwsRoleName(this, this.roleName);
    this.serviceAccount = checkServiceAccountRef(props.serviceAccount, ctx);
    const requested = checkDurationSeconds(props.maxSessionDuration, ctx, 'maxSessionDuration');
    const seconds = checkAwsSessionBounds(resolveSessionSeconds(requested, this.ownership.tier, ctx), ctx);
    this.maxSessionDuration = Duration.seconds(seconds);
    this.revocation = resolveRevocation(props.revoked, ctx);
    const detections = identityDetections(this, 'aws', props.detections, this.ownership.tier, ctx);
    this.detections = resolvedDetections(detections);
    const eks: unknown = props.eks;
    const common: RoleCommonProps = {
      roleName: this.roleName,
      description: awsRoleDescription(`Workload ${this.serviceAccount.namespace}/${this.serviceAccount.name}. Owner ${this.ownership.owner}: ${this.ownership.purpose}`),
      maxSessionDuration: this.maxSessionDuration,
      permissionsBoundary: checkManagedPolicyProp(props.permissionsBoundary, ctx, 'permissionsBoundary'),
    };

    if (isEksBinding(eks, 'irsa')) {
      this.mechanism = 'irsa';
      this.roleResource = this.bindIrsa(eks, common, ctx);
    } else if (isEksBinding(eks, 'pod-identity')) {
      this.mechanism = 'pod-identity';
      [this.roleResource, this.podIdentityAssociation] = this.bindPodIdentity(eks, common, ctx);
    } else {
      fail({
        code: 'KL-AWS-EKS-BINDING',
        path: ctx.path,
        prop: 'eks',
        problem: `is ${describeValue(eks)}: expected \`{ kind: "irsa", issuerUrl }\` or \`{ kind: "pod-identity", clusterName }\``,
        fix: 'choose Pod Identity for EC2 node groups, IRSA for Fargate or clusters without the Pod Identity Agent',
      });
    }
    for (const [key, value] of Object.entries(awsOwnershipTags(this.ownership))) Tags.of(this.roleResource).add(key, value);
    renderAwsRevocation(this, this.roleResource, this.revocation);
    const stack = Stack.of(this);
    // The rule matches the ARN the caller passes: literal when the account and region are known, else the role's Arn.
    const roleArn = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)
      ? this.roleResource.roleArn : awsRoleArn(stack.account, stack.region, this.roleName);
    this.detectionRule = renderAwsDetections(this, this.roleResource, detections, () => this.detectionPattern!(roleArn),
      awsDetectionDescription(this.roleName, this.mechanism === 'irsa' ? 'web-identity' : 'pod-identity'), ctx);
    this.role = this.roleResource;
    this.grantPrincipal = this.roleResource;
  }

  /**
   * The role ARN as a literal, for the IRSA service account annotation `eks.amazonaws.com/role-arn`.
   * Requires the stack's account (and region, for the partition) to be known at synthesis.
   */
  public roleArnLiteral(): string {
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.account)) {
      fail({
        code: 'KL-AWS-ACCOUNT-UNKNOWN',
        path: this.node.path,
        prop: 'env.account',
        problem: 'of the stack is not known at synthesis, so the role ARN for the service account annotation cannot be written',
        fix: 'give the stack an explicit `env: { account, region }`',
      });
    }
    return awsRoleArn(stack.account, Token.isUnresolved(stack.region) ? '' : stack.region, this.roleName);
  }

  /** IRSA: the role trusts the issuer's OIDC provider for the service account's subject (decided by `irsaTrust`). */
  private bindIrsa(eks: EksIrsaBinding, common: RoleCommonProps, ctx: ValidationContext): iam.Role {
    if (Token.isUnresolved(eks.issuerUrl)) {
      fail({
        code: 'KL-AWS-IRSA-ISSUER-TOKEN',
        path: ctx.path,
        prop: 'eks.issuerUrl',
        problem: 'is a token: the issuer becomes part of the trust condition keys, which Keyless pins literally so the synthesized trust can be reviewed',
        fix: 'give the literal issuer URL from `aws eks describe-cluster --name CLUSTER --query cluster.identity.oidc.issuer`',
      });
    }
    const trust = irsaTrust(eks.issuerUrl, this.serviceAccount, ctx);
    const oidcProvider = checkOidcProviderProp(eks.oidcProvider, ctx, 'eks.oidcProvider');
    claimWorkloadBinding(this, 'AWS (IRSA)', `${trust.subject} of issuer ${trust.issuerUrl}`, 'serviceAccount');
    claimEksMechanism(this, 'irsa', trust.subject, trust.region, `issuer ${trust.issuerUrl}`);
    const { oidcProviderUrl, clientId } = trust.statement.principal;
    const provider = oidcProvider ?? sharedOidcProvider(this, oidcProviderUrl, clientId);
    this.detectionPattern = (roleArn) => awsWebIdentityDetectionPattern(roleArn, { exactSubjects: [trust.subject], subjectPatterns: [] }, ctx);
    return new iam.Role(this, 'Role', {
      ...common,
      assumedBy: new DecidedTrust(new iam.WebIdentityPrincipal(provider.oidcProviderArn), trust.statement),
    });
  }

  /** Pod Identity: the agent's service principal, narrowed by the session tags (decided by `podIdentityTrust`), and the association. */
  private bindPodIdentity(eks: EksPodIdentityBinding, common: RoleCommonProps, ctx: ValidationContext): [iam.Role, CfnPodIdentityAssociation] {
    const clusterName = checkPodIdentityBinding(eks, ctx);
    const subject = serviceAccountSubject(this.serviceAccount);
    claimWorkloadBinding(this, 'AWS (Pod Identity)', `${subject} of cluster ${clusterName}`, 'serviceAccount');
    const stack = Stack.of(this);
    claimEksMechanism(this, 'pod-identity', subject, stack.region, `cluster ${clusterName}`);
    const location = { partition: stack.partition, region: stack.region, account: stack.account };
    const trust = podIdentityTrust(clusterName, this.serviceAccount, location, ctx);
    this.detectionPattern = (roleArn) => awsPodIdentityDetectionPattern(roleArn);
    const role = new iam.Role(this, 'Role', {
      ...common,
      assumedBy: new DecidedTrust(new iam.ServicePrincipal(trust.statement.principal.service), trust.statement),
    });
    const association = new CfnPodIdentityAssociation(this, 'Association', { ...trust.association, roleArn: role.roleArn });
    return [role, association];
  }
}

/** The role props a workload identity sets whatever its mechanism. */
type RoleCommonProps = Pick<iam.RoleProps, 'roleName' | 'description' | 'maxSessionDuration' | 'permissionsBoundary'>;

/**
 * Renders a decided trust statement as a role's `assumedBy`: exactly its actions and conditions, for `principal`
 * (the service principal, or the federated principal of the OIDC provider the statement names).
 */
class DecidedTrust extends iam.PrincipalBase {
  public readonly assumeRoleAction: string;

  constructor(private readonly principal: iam.IPrincipal, private readonly statement: AwsRoleTrustStatement) {
    super();
    this.assumeRoleAction = statement.actions[0];
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment(this.principal.policyFragment.principalJson, this.statement.conditions);
  }

  public dedupeString(): string | undefined {
    const inner = iam.ComparablePrincipal.dedupeStringFor(this.principal);
    return inner === undefined ? undefined : `DecidedTrust:${inner}:${JSON.stringify(this.statement)}`;
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    document.addStatements(new iam.PolicyStatement({
      actions: [...this.statement.actions], principals: [this.principal], conditions: this.statement.conditions,
    }));
  }
}
